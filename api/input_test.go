package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mzflow/mzflow"
)

// TestHostileText: every string a request carries is NFC-normalised, and refused with
// the field named when it holds invalid UTF-8, control characters (line breaks only in
// multi-line text), direction controls, or, in a person's name, anything but letters
// and the middle dot; a phone number is a Chinese mobile or landline number; a number
// too large for its field is a field message, never Go's error text.
func TestHostileText(t *testing.T) {
	createCase := func(applicant map[string]any, extra map[string]any) string {
		a := map[string]any{"name": "张三", "id_number": "11010519491231002X", "household_size": 3}
		for k, v := range applicant {
			a[k] = v
		}
		c := map[string]any{"program": "dibao", "township_code": "349901100", "applicant": a}
		for k, v := range extra {
			c[k] = v
		}
		return jsonBody(t, c)
	}
	refused := []struct {
		name, body, field string
		bind              func(t *testing.T, body string) (int, *ErrorView)
	}{
		{"NameNUL", createCase(map[string]any{"name": "张\x00三"}, nil), "applicant.name", bindsAs[createCaseRequest]()},
		{"NameBidi", createCase(map[string]any{"name": "张\u202e三"}, nil), "applicant.name", bindsAs[createCaseRequest]()},
		{"NameZeroWidth", createCase(map[string]any{"name": "张\u200b三"}, nil), "applicant.name", bindsAs[createCaseRequest]()},
		{"NameEmojiOnly", createCase(map[string]any{"name": "😀😀"}, nil), "applicant.name", bindsAs[createCaseRequest]()},
		{"NameInvalidUTF8", strings.Replace(createCase(nil, nil), "张三", "张\xff\xfe三", 1), "applicant.name", bindsAs[createCaseRequest]()},
		{"NameLoneSurrogate", strings.Replace(createCase(nil, nil), "张三", `张\ud800三`, 1), "applicant.name", bindsAs[createCaseRequest]()},
		{"PhoneScript", createCase(map[string]any{"phone": "not-a-phone-<script>"}, nil), "applicant.phone", bindsAs[createCaseRequest]()},
		{"PhoneShort", createCase(map[string]any{"phone": "1380013800"}, nil), "applicant.phone", bindsAs[createCaseRequest]()},
		{"AddressNewline", createCase(map[string]any{"address": "青松村\n3号"}, nil), "applicant.address", bindsAs[createCaseRequest]()},
		{"VillageBidi", createCase(nil, map[string]any{"village": "青松\u2066村"}), "village", bindsAs[createCaseRequest]()},
		{"CategoryControl", createCase(nil, map[string]any{"category": "a\x07"}), "category", bindsAs[createCaseRequest]()},
		{"SizeOverflow", strings.Replace(createCase(nil, nil), `"household_size":3`, `"household_size":1e309`, 1), "applicant.household_size", bindsAs[createCaseRequest]()},
		{"SizeNotANumber", strings.Replace(createCase(nil, nil), `"household_size":3`, `"household_size":"三"`, 1), "applicant.household_size", bindsAs[createCaseRequest]()},
		{"DetailsBidi", createCase(nil, map[string]any{"details": map[string]any{"note": "x\u202ey"}}), "details.note", bindsAs[createCaseRequest]()},
		{"DetailsOverflow", strings.Replace(createCase(nil, map[string]any{"details": map[string]any{"n": 1}}), `"n":1`, `"n":1e309`, 1), "details.n", bindsAs[createCaseRequest]()},
		{"CommentEscape", jsonBody(t, map[string]any{"outcome": "approve", "comment": "同意\x1b[2J"}), "comment", bindsAs[decideRequest]()},
		{"CommentBidi", jsonBody(t, map[string]any{"outcome": "approve", "comment": "同意\u202d"}), "comment", bindsAs[decideRequest]()},
		{"DataInvalidUTF8", "{\"outcome\":\"complete\",\"data\":{\"investigators\":[\"张\xff\",\"李四\"]}}", "data.investigators[0]", bindsAs[decideRequest]()},
		{"DataOverflow", `{"outcome":"approve","data":{"amount_monthly":1e309}}`, "data.amount_monthly", bindsAs[decideRequest]()},
		{"ReasonControl", jsonBody(t, map[string]any{"reason": "撤回\x00"}), "reason", bindsAs[caseUpdateRequest]()},
		{"ReporterNewline", jsonBody(t, map[string]any{"content": "有异议", "reporter": "村民\n李四"}), "reporter", bindsAs[caseUpdateRequest]()},
		{"ReassignBidi", jsonBody(t, map[string]any{"user_id": 5, "reason": "改派\u061c"}), "reason", bindsAs[reassignRequest]()},
		{"UserNamePunctuation", jsonBody(t, map[string]any{"username": "wang", "name": "王芳!", "role": "township_clerk", "org_code": "349901100", "password": "12345678"}), "name", bindsAs[userRequest]()},
		{"OrgNameControl", jsonBody(t, map[string]any{"code": "349901103", "name": "新\x01镇", "level": "township", "parent_code": "349901"}), "name", bindsAs[orgRequest]()},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			status, got := c.bind(t, c.body)
			if status != 400 || got == nil || got.Error.Code != mzflow.CodeInvalid {
				t.Fatalf("bind = %d %+v, want 400 validation_failed", status, got)
			}
			msg, _ := got.Error.Details[c.field].(string)
			if msg == "" || strings.Contains(got.Error.Message, "json") || strings.Contains(got.Error.Message, "Go ") {
				t.Errorf("details = %v message %q, want a Chinese message on %s", got.Error.Details, got.Error.Message, c.field)
			}
		})
	}

	accepted := []struct{ name, body string }{
		{"MinorityName", createCase(map[string]any{"name": "阿依古丽·买买提", "phone": "+8613800138000"}, nil)},
		{"Landline", createCase(map[string]any{"phone": "0591-87654321-123", "address": "云岭镇青松村 3 组"}, nil)},
		{"DecomposedName", createCase(map[string]any{"name": "Rene\u0301 Zhang"}, nil)},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			if status, got := bindsAs[createCaseRequest]()(t, c.body); status != 204 {
				t.Errorf("bind = %d %+v, want 204", status, got)
			}
		})
	}
	var req createCaseRequest
	if err := json.Unmarshal([]byte(createCase(map[string]any{"name": " Rene\u0301 Zhang "}, nil)), &req); err != nil || req.Applicant.Name != "Ren\u00e9 Zhang" {
		t.Errorf("name decoded as %q (%v), want it trimmed and NFC", req.Applicant.Name, err)
	}
}
