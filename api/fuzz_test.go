package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mzflow/mzflow"
)

// FuzzCreateBody feeds any bytes as a filing's body to the create handler's binding and
// checks (bind with the body limit, the text tags, the details' cleaning). Properties:
// no panic; a refusal is a 4xx with a code of the status table and a Chinese message
// without the decoder's words; an accepted body, written back out, is accepted again.
func FuzzCreateBody(f *testing.F) {
	for _, s := range []string{
		`{"program":"dibao","township_code":"349901100","village":"青松村","applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13800138000","household_size":3}}`,
		`{"program":"dibao","township_code":"349901100","applicant":{"name":"张\u0000三","household_size":1e309}}`,
		`{"program":"linshi","township_code":"349901100","applicant":{"name":"阿依古丽·买买提"},"details":{"note":"x\u202ey","n":1e400}}`,
		`{"applicant":{"name":"😀","phone":"not-a-phone-<script>"}}`, `{"applicant":`, `[]`, `null`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		status, v := bindAnswer[createCaseRequest](t, string(body))
		if status == http.StatusNoContent {
			var req createCaseRequest
			if err := json.Unmarshal(body, &req); err != nil {
				t.Fatalf("accepted %q does not decode: %v", body, err)
			}
			if err := req.cleanJSON(); err != nil {
				t.Fatalf("accepted %q: details refused on their own: %v", body, err)
			}
			again, _ := json.Marshal(req)
			if st, w := bindAnswer[createCaseRequest](t, string(again)); st != http.StatusNoContent {
				t.Fatalf("accepted %q, but not its own %s: %d %+v", body, again, st, w)
			}
			return
		}
		want, known := statusOf[v.Error.Code]
		m := v.Error.Message
		if !known || want != status || status >= 500 || status < 400 || !strings.ContainsFunc(m, isHan) ||
			strings.Contains(m, "json") || strings.Contains(m, "Go struct") {
			t.Fatalf("body %q = %d %+v, want a 4xx with a Chinese message", body, status, v)
		}
		if v.Error.Code == mzflow.CodeInternal {
			t.Fatalf("body %q = internal", body)
		}
	})
}

func isHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }
