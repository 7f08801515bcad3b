package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
)

// bindAnswer posts body to a route that only binds it into a new T, through the API's
// error renderer, and returns the status and the decoded answer (nil on 204).
func bindAnswer[T any](t *testing.T, body string) (int, *ErrorView) {
	t.Helper()
	r := gin.New()
	r.Use(renderErrors(slog.New(slog.NewTextHandler(io.Discard, nil))), limitBody(DefaultMaxBody))
	r.POST("/", func(c *gin.Context) {
		var req T
		if bind(c, &req) {
			c.Status(http.StatusNoContent)
		}
	})
	w := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	r.ServeHTTP(w, req)
	if w.Code == http.StatusNoContent {
		return w.Code, nil
	}
	var v ErrorView
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("answer %d %q is not an error body: %v", w.Code, w.Body, err)
	}
	return w.Code, &v
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bindCase is one request body and what bind answers: 204 when the shape is fine, else
// 400 validation_failed with one Chinese message per field (details keyed by the
// field's JSON path), or 400 bad_request.
type bindCase struct {
	name    string
	bind    func(t *testing.T, body string) (int, *ErrorView)
	body    any
	code    string            // "" for 204
	message string            // the answer's message, when code is set
	details map[string]string // field → message, for validation_failed
}

func bindsAs[T any]() func(t *testing.T, body string) (int, *ErrorView) {
	return bindAnswer[T]
}

// TestRequestShape: the request structs' binding tags check required fields, lengths
// (in characters, not bytes), choices and ranges, and answer in Chinese naming the field.
func TestRequestShape(t *testing.T) {
	long := func(n int) string { return strings.Repeat("村", n) }
	applicant := func(m map[string]any) map[string]any {
		a := map[string]any{"name": "张三", "id_number": "11010519491231002X", "household_size": 3}
		for k, v := range m {
			a[k] = v
		}
		return a
	}
	createCase := func(m map[string]any) map[string]any {
		c := map[string]any{"program": "dibao", "township_code": "349901100", "applicant": applicant(nil)}
		for k, v := range m {
			c[k] = v
		}
		return c
	}
	cases := []bindCase{
		{name: "CaseOK", bind: bindsAs[createCaseRequest](), body: createCase(map[string]any{"village": long(64),
			"applicant": applicant(map[string]any{"address": long(200), "phone": "0591-12345678"})})},
		{name: "CaseLongVillage", bind: bindsAs[createCaseRequest](), body: createCase(map[string]any{"village": long(300)}),
			code: "validation_failed", message: "村（社区）不能超过 64 个字",
			details: map[string]string{"village": "村（社区）不能超过 64 个字"}},
		{name: "CaseLongAddress", bind: bindsAs[createCaseRequest](),
			body: createCase(map[string]any{"applicant": applicant(map[string]any{"address": long(201)})}),
			code: "validation_failed", message: "住址不能超过 200 个字",
			details: map[string]string{"applicant.address": "住址不能超过 200 个字"}},
		{name: "CaseNameAndSize", bind: bindsAs[createCaseRequest](),
			body: createCase(map[string]any{"applicant": applicant(map[string]any{"name": " 张 ", "household_size": -1})}),
			code: "validation_failed", message: "请填写申请人姓名（2–30 个字）；家庭人口数不能小于 0",
			details: map[string]string{"applicant.name": "请填写申请人姓名（2–30 个字）", "applicant.household_size": "家庭人口数不能小于 0"}},
		{name: "CaseMissing", bind: bindsAs[createCaseRequest](), body: map[string]any{"applicant": map[string]any{"name": "张三"}},
			code: "validation_failed", message: "请选择救助项目；请选择乡镇",
			details: map[string]string{"program": "请选择救助项目", "township_code": "请选择乡镇"}},
		{name: "CaseChoices", bind: bindsAs[createCaseRequest](), body: createCase(map[string]any{"program": "other", "household_category": "rich"}),
			code: "validation_failed", message: "请选择救助项目；收入类别应为 stable 或 unstable",
			details: map[string]string{"program": "请选择救助项目", "household_category": "收入类别应为 stable 或 unstable"}},
		{name: "CaseMalformed", bind: bindsAs[createCaseRequest](), body: json.RawMessage(`{"applicant":`),
			code: "bad_request", message: "请求内容无法解析，请检查 JSON 格式"},

		{name: "DecideOK", bind: bindsAs[decideRequest](), body: map[string]any{"outcome": "approve", "comment": strings.Repeat("意", 2000),
			"data": map[string]any{"amount_monthly": 700}}},
		{name: "DecideLongComment", bind: bindsAs[decideRequest](), body: map[string]any{"outcome": "approve", "comment": strings.Repeat("意", 3000)},
			code: "validation_failed", message: "办理意见不能超过 2000 个字",
			details: map[string]string{"comment": "办理意见不能超过 2000 个字"}},
		{name: "DecideHugeBody", bind: bindsAs[decideRequest](), body: map[string]any{"outcome": "approve",
			"data": map[string]any{"note": strings.Repeat("x", DefaultMaxBody)}},
			code: "payload_too_large", message: "请求内容过大（不能超过 64 KB），请精简后重试"},

		{name: "ReassignOK", bind: bindsAs[reassignRequest](), body: map[string]any{"user_id": 5}},
		{name: "ReassignNoUser", bind: bindsAs[reassignRequest](), body: map[string]any{"reason": strings.Repeat("因", 2001)},
			code: "validation_failed", message: "请选择改派对象；改派理由不能超过 2000 个字",
			details: map[string]string{"user_id": "请选择改派对象", "reason": "改派理由不能超过 2000 个字"}},

		{name: "ObjectionLong", bind: bindsAs[caseUpdateRequest](), body: map[string]any{"content": long(2001), "reporter": long(65)},
			code: "validation_failed", message: "异议内容不能超过 2000 个字；反映人不能超过 64 个字",
			details: map[string]string{"content": "异议内容不能超过 2000 个字", "reporter": "反映人不能超过 64 个字"}},
		{name: "ReasonLong", bind: bindsAs[caseUpdateRequest](), body: map[string]any{"reason": long(2001)},
			code: "validation_failed", message: "原因不能超过 2000 个字", details: map[string]string{"reason": "原因不能超过 2000 个字"}},

		{name: "LoginBlank", bind: bindsAs[loginRequest](), body: map[string]any{"username": "  ", "password": ""},
			code: "validation_failed", message: "请填写用户名；请填写密码",
			details: map[string]string{"username": "请填写用户名", "password": "请填写密码"}},
		{name: "PasswordSame", bind: bindsAs[passwordRequest](), body: map[string]any{"old_password": "qingshan-2026", "new_password": "qingshan-2026"},
			code: "validation_failed", message: "新密码不能与原密码相同", details: map[string]string{"new_password": "新密码不能与原密码相同"}},
		{name: "PasswordTooLongForBcrypt", bind: bindsAs[passwordRequest](), body: map[string]any{"old_password": "qingshan-2026", "new_password": strings.Repeat("密", 30)},
			code: "validation_failed", message: "新密码不能超过 72 个字节（一个汉字占 3 个）",
			details: map[string]string{"new_password": "新密码不能超过 72 个字节（一个汉字占 3 个）"}},

		{name: "UserBad", bind: bindsAs[userRequest](), body: map[string]any{"username": "Wu Jing", "name": long(31), "role": "boss", "org_code": "349901102", "password": "1234567"},
			code: "validation_failed", message: "用户名为 3–32 位小写字母、数字或 _ . -，以字母开头；请填写姓名（2–30 个字）；请选择角色",
			details: map[string]string{"username": "用户名为 3–32 位小写字母、数字或 _ . -，以字母开头", "name": "请填写姓名（2–30 个字）",
				"role": "请选择角色"}},
		{name: "OrgBad", bind: bindsAs[orgRequest](), body: map[string]any{"code": "349901102", "name": long(300), "level": "county", "parent_code": "349901"},
			code: "validation_failed", message: "请填写单位名称（2–30 个字）；单位级别应为 township 或 village",
			details: map[string]string{"name": "请填写单位名称（2–30 个字）", "level": "单位级别应为 township 或 village"}},

		{name: "CalendarTooMany", bind: bindsAs[calendarYearRequest](), body: map[string]any{"holidays": make([]string, 367)},
			code: "validation_failed", message: "节假日最多 366 项", details: map[string]string{"holidays": "节假日最多 366 项"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ok := tc.body.(json.RawMessage)
			if !ok {
				body = json.RawMessage(jsonBody(t, tc.body))
			}
			status, got := tc.bind(t, string(body))
			if tc.code == "" {
				if status != http.StatusNoContent {
					t.Fatalf("bind = %d %+v, want 204", status, got)
				}
				return
			}
			wantStatus := statusOf[mzflow.Code(tc.code)]
			if status != wantStatus || got == nil || string(got.Error.Code) != tc.code || got.Error.Message != tc.message {
				t.Fatalf("bind = %d %+v, want %d %s %q", status, got, wantStatus, tc.code, tc.message)
			}
			want := map[string]any{}
			for k, v := range tc.details {
				want[k] = v
			}
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(got.Error.Details, want) {
				t.Errorf("details = %v, want %v", got.Error.Details, want)
			}
		})
	}
}

// TestRequestTagsHaveMessages: every request body of the OpenAPI table labels each field
// it checks, and every binding tag it uses has a Chinese message, so no answer falls
// back to the validator's English.
func TestRequestTagsHaveMessages(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		if seen[rt] {
			return
		}
		seen[rt] = true
		for f := range rt.Fields() {
			tag := f.Tag.Get("binding")
			if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == rt.PkgPath() {
				walk(f.Type)
			}
			if tag == "" {
				continue
			}
			if f.Tag.Get("label") == "" {
				t.Errorf("%s.%s has binding %q but no label", rt.Name(), f.Name, tag)
			}
			for _, part := range strings.Split(tag, ",") {
				name, _, _ := strings.Cut(part, "=")
				if name == "omitempty" {
					continue
				}
				if _, ok := tagMessages[name]; !ok {
					t.Errorf("%s.%s: binding tag %q has no message in tagMessages", rt.Name(), f.Name, name)
				}
			}
		}
	}
	for _, o := range operations {
		if o.body != nil {
			walk(reflect.TypeOf(o.body))
		}
	}
	if len(seen) < 10 {
		t.Errorf("walked %d request types, want every request body", len(seen))
	}
}
