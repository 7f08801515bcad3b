package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

type auditRowView struct {
	Username, Role, Action, Object, Result, Address, RequestID string
	Status                                                     int
}

func (f *fixture) auditRows(t *testing.T, query string) []auditRowView {
	t.Helper()
	rows, _, err := f.st.ListAudit(context.Background(), store.AuditFilter{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]auditRowView, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- { // oldest first
		r := rows[i]
		out = append(out, auditRowView{r.Username, r.Role, r.Action, r.Object, r.Result, r.Address, r.RequestID, r.Status})
	}
	return out
}

func hasRow(rows []auditRowView, user, action string, status int) bool {
	for _, r := range rows {
		if r.Username == user && r.Action == action && r.Status == status {
			return true
		}
	}
	return false
}

// Sign-ins (both ways), sign-outs, writes and denials each leave one row with who, from
// where, what, on which object and how it ended; reads that succeed leave none.
func TestAuditRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "reviewer", "password": "wrong"})
		f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "wrong"})
		tok := f.login(t, "clerk_yl")
		f.do("GET", "/api/v1/me", tok, nil)
		f.do("GET", "/api/v1/admin/users", tok, nil)           // 403: not the administrator
		f.do("GET", "/api/v1/cases/cnothere", tok, nil)        // 404 of a scoped object
		f.do("GET", "/api/v1/me", "not-a-token", nil)          // 401
		f.do("GET", "/api/v1/audit", f.login(t, "admin"), nil) // 403: the administrator does not read the audit log
		f.do("POST", "/api/v1/auth/logout", tok, nil)
		rows := f.auditRows(t, "")
		for _, w := range []struct {
			user, action string
			status       int
		}{
			{"reviewer", "POST /auth/login", 401}, {"nobody", "POST /auth/login", 401},
			{"clerk_yl", "POST /auth/login", 200}, {"clerk_yl", "GET /admin/users", 403},
			{"clerk_yl", "GET /cases/:id", 404}, {"", "GET /me", 401}, {"admin", "POST /auth/login", 200},
			{"admin", "GET /audit", 403}, {"clerk_yl", "POST /auth/logout", 204},
		} {
			if !hasRow(rows, w.user, w.action, w.status) {
				t.Errorf("no audit row %q %s %d in %+v", w.user, w.action, w.status, rows)
			}
		}
		if hasRow(rows, "clerk_yl", "GET /me", 200) {
			t.Errorf("a successful read was audited: %+v", rows)
		}
		for _, r := range rows {
			if r.Address == "" || r.RequestID == "" || r.Result == "" {
				t.Errorf("row without address, request ID or result: %+v", r)
			}
			if r.Action == "GET /cases/:id" && (r.Object != "cnothere" || r.Result != store.AuditDenied || r.Role != "township_clerk") {
				t.Errorf("404 row %+v, want object cnothere, denied, the clerk's role", r)
			}
		}
		if got, _ := st.VerifyAudit(context.Background()); !got.OK || got.Checked != int64(len(rows)) {
			t.Errorf("verify = %+v, want all %d rows chained", got, len(rows))
		}
	})
}

// failingAudit is the store with an audit log that cannot be written.
type failingAudit struct{ *store.Store }

func (failingAudit) AppendAudit(context.Context, *store.AuditEntry) error {
	return errors.New("disk full")
}

// A write whose audit row cannot be written is answered 503, never as a success.
func TestAuditWriteFailureRefuses(t *testing.T) {
	st := storetest.SQLite(t)
	f := newFixture(t, st)
	rs := rules.Defaults()
	h := api.New(api.Deps{Store: failingAudit{st}, Calendar: f.cal, Rules: func() *rules.Rules { return rs }, Now: f.clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"username":"clerk_yl","password":%q}`, store.DemoPassword)
	req := httptest.NewRequest("POST", "/api/v1/auth/login", &b)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 503 || bytes.Contains(w.Body.Bytes(), []byte("token")) || !bytes.Contains(w.Body.Bytes(), []byte("unavailable")) {
		t.Errorf("login with the audit log down = %d %s, want 503 unavailable without a token", w.Code, w.Body)
	}
}

// The audit administrator lists with filters, exports xlsx (itself audited) and
// verifies the chain; everyone else, the system administrator included, is refused.
func TestAuditEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.login(t, "clerk_yl")
		f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "clerk_yl", "password": "wrong"})
		aud := f.login(t, "auditor")
		for _, u := range []string{"admin", "security", "reviewer"} {
			if a := f.do("GET", "/api/v1/audit", f.login(t, u), nil); a.Code != 403 {
				t.Errorf("%s GET /audit = %d, want 403", u, a.Code)
			}
		}
		a := f.do("GET", "/api/v1/audit?user=clerk_yl&action=POST+/auth/login", aud, nil)
		items, _ := a.Body["items"].([]any)
		if a.Code != 200 || len(items) != 2 || a.Body["total"] != float64(2) {
			t.Fatalf("GET /audit?user=clerk_yl = %d %v, want the 2 sign-ins", a.Code, a.Body)
		}
		first, _ := items[0].(map[string]any)
		if first["status"] != float64(401) || first["result"] != "denied" {
			t.Errorf("newest row %v, want the failed sign-in", first)
		}
		today := f.clock.Now().Format(time.DateOnly)
		tomorrow := f.clock.Now().AddDate(0, 0, 1).Format(time.DateOnly)
		if a := f.do("GET", "/api/v1/audit?from="+tomorrow, aud, nil); a.Code != 200 || a.Body["total"] != float64(0) {
			t.Errorf("from tomorrow = %d %v, want none", a.Code, a.Body["total"])
		}
		if a := f.do("GET", "/api/v1/audit?from="+today+"&to="+today, aud, nil); a.Code != 200 || a.Body["total"].(float64) < 5 {
			t.Errorf("today = %d %v, want today's rows", a.Code, a.Body["total"])
		}
		if a := f.do("GET", "/api/v1/audit?from=2026-13-01", aud, nil); a.Code != 400 || a.errCode() != "validation_failed" {
			t.Errorf("bad date = %d %v, want 400", a.Code, a.Body)
		}

		req := httptest.NewRequest("GET", "/api/v1/audit?format=xlsx&user=clerk_yl", nil)
		req.Header.Set("Authorization", "Bearer "+aud)
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("export = %d %s", w.Code, w.Body)
		}
		x, err := excelize.OpenReader(w.Body)
		if err != nil {
			t.Fatalf("export is not xlsx: %v", err)
		}
		rows, _ := x.GetRows("审计日志")
		if len(rows) != 3 || rows[0][3] != "用户名" || rows[1][3] != "clerk_yl" {
			t.Errorf("export rows %v, want a header and the 2 sign-ins", rows)
		}
		if !hasRow(f.auditRows(t, ""), "auditor", "GET /audit", 200) {
			t.Errorf("the export left no audit row")
		}
		v := f.do("GET", "/api/v1/audit/verify", aud, nil)
		if v.Code != 200 || v.Body["ok"] != true || v.Body["checked"].(float64) < 8 {
			t.Errorf("verify = %d %v, want ok", v.Code, v.Body)
		}
	})
}

// The retention job deletes what is older than security.audit_retention_days and never
// a younger row, even with a retention configured below the floor.
func TestAuditRetentionJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now()
		for _, age := range []int{400, 300, 200, 179, 1} {
			if err := st.AppendAudit(ctx, &store.AuditEntry{At: now.AddDate(0, 0, -age), Action: "POST /auth/login", Result: "ok", Status: 200}); err != nil {
				t.Fatal(err)
			}
		}
		rs := rules.Defaults()
		rs.Security.AuditRetentionDays = 365
		if n, err := api.PruneAuditOnce(ctx, st, rs, now); err != nil || n != 1 {
			t.Errorf("retention 365 days deleted %d, %v; want the 400-day-old row", n, err)
		}
		rs.Security.AuditRetentionDays = 30 // below the floor: held at 180
		if n, err := api.PruneAuditOnce(ctx, st, rs, now); err != nil || n != 2 {
			t.Errorf("retention 30 days deleted %d, %v; want the 300- and 200-day-old rows only", n, err)
		}
		if got, _ := st.VerifyAudit(ctx); !got.OK || got.Checked != 2 {
			t.Errorf("after retention: %+v, want the 2 young rows, chained", got)
		}
	})
}

// The address is the connection's unless it comes from a proxy on the same host: a
// client cannot write another address into the audit log with X-Forwarded-For.
func TestAuditAddressIsNotForged(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	req := httptest.NewRequest("POST", "/api/v1/auth/login", bytes.NewBufferString(`{"username":"clerk_yl","password":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "10.9.9.9")
	f.h.ServeHTTP(httptest.NewRecorder(), req)
	rows := f.auditRows(t, "")
	if len(rows) != 1 || rows[0].Address != "192.0.2.1" {
		t.Errorf("rows %+v, want one with the connection's address 192.0.2.1", rows)
	}
}
