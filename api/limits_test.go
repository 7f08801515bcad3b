package api_test

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// A body over the limit is answered 413 payload_too_large at once, before any handler
// (a login is not even tried, an unauthenticated write not even authenticated), whether
// it declares its length or comes chunked; and it changes nothing.
func TestBodyLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		clerk := f.login(t, "clerk_yl")
		big := `{"username":"clerk_yl","password":"` + strings.Repeat("x", 70<<10) + `"}`
		send := func(path, token string, chunked bool) (int, map[string]any) {
			var body io.Reader = strings.NewReader(big)
			if chunked {
				body = io.MultiReader(strings.NewReader(big)) // no length known: sent chunked
			}
			req := httptest.NewRequest("POST", path, body)
			if chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, req)
			var v map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &v)
			return w.Code, v
		}
		for _, c := range []struct {
			name, path, token string
			chunked           bool
		}{
			{"Login", "/api/v1/auth/login", "", false},
			{"LoginChunked", "/api/v1/auth/login", "", true},
			{"UnauthenticatedWrite", "/api/v1/cases", "", false},
			{"Create", "/api/v1/cases", clerk, false},
			{"CreateChunked", "/api/v1/cases", clerk, true},
			{"Withdraw", "/api/v1/cases/nope/withdraw", clerk, false},
		} {
			code, v := send(c.path, c.token, c.chunked)
			e, _ := v["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if code != 413 || e["code"] != "payload_too_large" || !strings.Contains(msg, "KB") {
				t.Errorf("%s: a 70 KB body = %d %v, want 413 payload_too_large with a Chinese message", c.name, code, v)
			}
		}
		if l := f.do("GET", "/api/v1/cases", clerk, nil); l.Body["total"] != float64(0) {
			t.Errorf("cases after the refusals = %v, want none", l.Body)
		}
	})
}
