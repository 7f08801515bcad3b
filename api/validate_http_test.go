package api_test

import (
	"strings"
	"testing"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// TestRequestShapeOverHTTP: a body of the wrong shape is answered 400 validation_failed
// with a Chinese message naming the field (details keyed by its JSON path), and changes
// nothing.
func TestRequestShapeOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin, clerk := f.login(t, "admin"), f.login(t, "clerk_yl")
		fieldMessage := func(a answer, field string) (msg, detail string) {
			e, _ := a.Body["error"].(map[string]any)
			d, _ := e["details"].(map[string]any)
			msg, _ = e["message"].(string)
			detail, _ = d[field].(string)
			return msg, detail
		}

		t.Run("CaseVillageTooLong", func(t *testing.T) {
			file := map[string]any{"program": "dibao", "township_code": store.DemoYunling, "village": strings.Repeat("村", 300),
				"applicant": map[string]any{"name": "张三", "id_number": "11010519491231002X", "household_size": 3}}
			a := f.do("POST", "/api/v1/cases", clerk, file)
			msg, detail := fieldMessage(a, "village")
			if a.Code != 400 || a.errCode() != "validation_failed" || detail != "村（社区）不能超过 64 个字" || msg != detail {
				t.Errorf("a 300-character village = %d %v, want 400 validation_failed naming village", a.Code, a.Body)
			}
			if l := f.do("GET", "/api/v1/cases", clerk, nil); l.Body["total"] != float64(0) {
				t.Errorf("cases after the refusal = %v, want none", l.Body)
			}
		})
		t.Run("CaseApplicantNameTooLong", func(t *testing.T) {
			file := map[string]any{"program": "dibao", "township_code": store.DemoYunling,
				"applicant": map[string]any{"name": strings.Repeat("张", 31), "id_number": "11010519491231002X"}}
			a := f.do("POST", "/api/v1/cases", clerk, file)
			if _, detail := fieldMessage(a, "applicant.name"); a.Code != 400 || a.errCode() != "validation_failed" || detail != "请填写申请人姓名（2–30 个字）" {
				t.Errorf("a 31-character name = %d %v, want 400 validation_failed on applicant.name", a.Code, a.Body)
			}
		})
		t.Run("OrgNameTooLong", func(t *testing.T) {
			before := f.do("GET", "/api/v1/admin/orgs", admin, nil)
			org := map[string]any{"code": "349901103", "name": strings.Repeat("镇", 300), "level": "township", "parent_code": store.DemoCounty}
			a := f.do("POST", "/api/v1/admin/orgs", admin, org)
			if _, detail := fieldMessage(a, "name"); a.Code != 400 || a.errCode() != "validation_failed" || detail != "请填写单位名称（2–30 个字）" {
				t.Errorf("a 300-character organisation name = %d %v, want 400 validation_failed on name", a.Code, a.Body)
			}
			if after := f.do("GET", "/api/v1/admin/orgs", admin, nil); after.Body["total"] != before.Body["total"] {
				t.Errorf("organisations %v -> %v after the refusal, want unchanged", before.Body["total"], after.Body["total"])
			}
		})
		t.Run("LoginBlankUsername", func(t *testing.T) {
			a := f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "   ", "password": "x"})
			if msg, detail := fieldMessage(a, "username"); a.Code != 400 || a.errCode() != "validation_failed" || detail != "请填写用户名" || msg != detail {
				t.Errorf("a blank username = %d %v, want 400 validation_failed on username", a.Code, a.Body)
			}
		})
		t.Run("LoginUsernameTooLong", func(t *testing.T) {
			// login_throttle.username is VARCHAR(64): a longer name is refused before it is counted.
			a := f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": strings.Repeat("a", 65), "password": "x"})
			if _, detail := fieldMessage(a, "username"); a.Code != 400 || a.errCode() != "validation_failed" || detail != "用户名不能超过 64 个字" {
				t.Errorf("a 65-character username = %d %v, want 400 validation_failed on username", a.Code, a.Body)
			}
		})
		t.Run("PasswordTooLongForBcrypt", func(t *testing.T) {
			tok := f.login(t, "head_hs")
			a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": store.DemoPassword, "new_password": strings.Repeat("密", 30)})
			if _, detail := fieldMessage(a, "new_password"); a.Code != 400 || a.errCode() != "validation_failed" || detail == "" {
				t.Errorf("a 90-byte new password = %d %v, want 400 validation_failed on new_password", a.Code, a.Body)
			}
		})
	})
}
