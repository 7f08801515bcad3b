package api_test

import (
	"strings"
	"testing"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// Hostile filings over HTTP: each is refused with the field named in Chinese, none is
// filed (the case list read again is empty), none is answered 5xx.
func TestHostileFilings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		clerk := f.login(t, "clerk_yl")
		file := func(applicant map[string]any, extra map[string]any) map[string]any {
			a := map[string]any{"name": "张三", "id_number": "11010519491231002X", "household_size": 3}
			for k, v := range applicant {
				a[k] = v
			}
			c := map[string]any{"program": "dibao", "township_code": store.DemoYunling, "applicant": a}
			for k, v := range extra {
				c[k] = v
			}
			return c
		}
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"HouseholdOverRules", file(map[string]any{"household_size": 21}, nil), 422, "rule_violation", "applicant.household_size"},
			{"HouseholdMillion", file(map[string]any{"household_size": 1000000}, nil), 422, "rule_violation", "applicant.household_size"},
			{"HouseholdOverflow", file(map[string]any{"household_size": 1e300}, nil), 400, "validation_failed", "applicant.household_size"},
			{"NameNUL", file(map[string]any{"name": "张\x00三"}, nil), 400, "validation_failed", "applicant.name"},
			{"NameEmoji", file(map[string]any{"name": "🙂🙂"}, nil), 400, "validation_failed", "applicant.name"},
			{"Phone", file(map[string]any{"phone": "not-a-phone-<script>"}, nil), 400, "validation_failed", "applicant.phone"},
			{"Village300k", file(nil, map[string]any{"village": strings.Repeat("村", 300000)}), 413, "payload_too_large", ""},
			{"Address1MB", file(map[string]any{"address": strings.Repeat("a", 1<<20)}, nil), 413, "payload_too_large", ""},
		} {
			a := f.do("POST", "/api/v1/cases", clerk, c.body)
			e, _ := a.Body["error"].(map[string]any)
			d, _ := e["details"].(map[string]any)
			msg, _ := e["message"].(string)
			if a.Code != c.status || a.errCode() != c.code || (c.field != "" && d[c.field] == nil) || strings.Contains(msg, "json") {
				t.Errorf("%s = %d %v, want %d %s naming %q", c.name, a.Code, a.Body, c.status, c.code, c.field)
			}
		}
		if l := f.do("GET", "/api/v1/cases", clerk, nil); l.Body["total"] != float64(0) {
			t.Errorf("cases after the refusals = %v, want none", l.Body)
		}
	})
}
