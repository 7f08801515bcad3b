package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// clock is a settable time source, so session expiry is tested without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type fixture struct {
	h     http.Handler
	clock *clock
	cal   *calendar.Calendar
	st    *store.Store
	keys  *privacy.Keys
}

// testKeys seal the fixtures' second-factor secrets.
var testKeys = func() *privacy.Keys {
	k, err := privacy.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		panic(err)
	}
	return k
}()

var demoHash = func() string {
	h, err := api.HashPassword(store.DemoPassword)
	if err != nil {
		panic(err)
	}
	return h
}()

// metricsToken is the fixture's Prometheus token.
const metricsToken = "test-metrics-token"

// newFixture serves the API on st with mzflow dev's sign-in (api.DevSignIn).
func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	return newFixtureWith(t, st, api.DevSignIn())
}

func newFixtureWith(t *testing.T, st *store.Store, policy api.SignInPolicy) *fixture {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Zone)}
	if _, err := st.SeedDemo(context.Background(), demoHash, clk.Now()); err != nil {
		t.Fatal(err)
	}
	cal := calendar.New()
	rs := rules.Defaults()
	h := api.New(api.Deps{Store: st, Calendar: cal, Rules: func() *rules.Rules { return rs }, Now: clk.Now,
		Keys: testKeys, SignIn: policy, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MetricsToken: metricsToken})
	return &fixture{h: h, clock: clk, cal: cal, st: st, keys: testKeys}
}

type answer struct {
	Code int
	Body map[string]any
	Hdr  http.Header
}

func (a answer) errCode() string {
	e, _ := a.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (f *fixture) do(method, path, token string, body any) answer {
	return f.doFrom("192.0.2.1", method, path, token, body)
}

// doFrom sends the request from a client address (the lock-out counts per address).
func (f *fixture) doFrom(addr, method, path, token string, body any) answer {
	var b bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&b).Encode(body)
	}
	req := httptest.NewRequest(method, path, &b)
	req.RemoteAddr = addr + ":40000"
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	a := answer{Code: w.Code, Hdr: w.Header()}
	_ = json.Unmarshal(w.Body.Bytes(), &a.Body)
	return a
}

func (f *fixture) login(t *testing.T, user string) string {
	t.Helper()
	a := f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": store.DemoPassword})
	tok, _ := a.Body["token"].(string)
	if a.Code != 200 || tok == "" {
		t.Fatalf("login %s = %d %v, want 200 with a token", user, a.Code, a.Body)
	}
	return tok
}

func TestLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		t.Run("OK", func(t *testing.T) {
			tok := f.login(t, "clerk_yl")
			a := f.do("GET", "/api/v1/me", tok, nil)
			org, _ := a.Body["org"].(map[string]any)
			if a.Code != 200 || a.Body["username"] != "clerk_yl" || org["name"] != "云岭镇" || org["code"] != store.DemoYunling {
				t.Errorf("GET /me = %d %v, want clerk_yl of 云岭镇", a.Code, a.Body)
			}
		})
		t.Run("ErrWrongPassword", func(t *testing.T) {
			a := f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "clerk_yl", "password": "nope"})
			if a.Code != 401 || a.errCode() != "invalid_credentials" {
				t.Errorf("wrong password = %d %v, want 401 invalid_credentials", a.Code, a.Body)
			}
			if a.Body["request_id"] == "" || a.Body["request_id"] == nil {
				t.Errorf("error body %v has no request_id", a.Body)
			}
		})
		t.Run("ErrUnknownUser", func(t *testing.T) {
			a := f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "x"})
			if a.Code != 401 || a.errCode() != "invalid_credentials" {
				t.Errorf("unknown user = %d %v, want 401 invalid_credentials", a.Code, a.Body)
			}
		})
		t.Run("ErrMissingFields", func(t *testing.T) {
			a := f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "clerk_yl"})
			if a.Code != 400 || a.errCode() != "validation_failed" {
				t.Errorf("missing password = %d %v, want 400 validation_failed", a.Code, a.Body)
			}
		})
		t.Run("ErrMalformedJSON", func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader("{"))
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, req)
			if w.Code != 400 {
				t.Errorf("malformed JSON = %d %s, want 400", w.Code, w.Body)
			}
		})
		t.Run("ErrNoToken", func(t *testing.T) {
			if a := f.do("GET", "/api/v1/me", "", nil); a.Code != 401 || a.errCode() != "unauthorized" {
				t.Errorf("GET /me without token = %d %v, want 401 unauthorized", a.Code, a.Body)
			}
			if a := f.do("GET", "/api/v1/me", "forged", nil); a.Code != 401 {
				t.Errorf("GET /me with a forged token = %d, want 401", a.Code)
			}
		})
		t.Run("Logout", func(t *testing.T) {
			tok := f.login(t, "head_yl")
			if a := f.do("POST", "/api/v1/auth/logout", tok, nil); a.Code != 204 {
				t.Fatalf("logout = %d %v, want 204", a.Code, a.Body)
			}
			if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 401 {
				t.Errorf("GET /me after logout = %d, want 401", a.Code)
			}
		})
	})
}

func TestSessionExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		t.Run("IdleTimeout", func(t *testing.T) {
			tok := f.login(t, "clerk_yl")
			f.clock.Add(29 * time.Minute)
			if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 200 {
				t.Fatalf("after 29 idle minutes = %d, want 200", a.Code)
			}
			f.clock.Add(29 * time.Minute) // activity above reset the idle clock
			if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 200 {
				t.Fatalf("29 minutes after the last request = %d, want 200", a.Code)
			}
			f.clock.Add(31 * time.Minute)
			if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 401 {
				t.Errorf("after 31 idle minutes = %d, want 401", a.Code)
			}
		})
		t.Run("TwelveHoursAtMost", func(t *testing.T) {
			tok := f.login(t, "reviewer")
			for i := 0; i < 24; i++ { // busy all day: a request every 25 minutes
				f.clock.Add(25 * time.Minute)
				if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 200 {
					t.Fatalf("after %d minutes of use = %d, want 200", (i+1)*25, a.Code)
				}
			}
			for i := 0; i < 6; i++ {
				f.clock.Add(25 * time.Minute)
				f.do("GET", "/api/v1/me", tok, nil)
			}
			if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 401 {
				t.Errorf("after 12.5 hours = %d, want 401", a.Code)
			}
		})
	})
}

func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		clerk, admin, sup := f.login(t, "clerk_yl"), f.login(t, "admin"), f.login(t, "supervisor")
		for _, c := range []struct {
			name, method, path, token string
			body                      any
			want                      int
		}{
			{"ClerkCannotReadRules", "GET", "/api/v1/admin/rules", clerk, nil, 403},
			{"SupervisorReadsRules", "GET", "/api/v1/admin/rules", sup, nil, 200},
			{"ClerkCannotEditCalendar", "PUT", "/api/v1/admin/calendar/2027", clerk, map[string]any{"holidays": []string{"2027-01-01"}}, 403},
			{"ClerkOtherTownship", "GET", "/api/v1/calendar/due?from=2026-01-05&limit=1WD&township_code=" + store.DemoHeshan, clerk, nil, 403},
			{"ClerkOwnTownship", "GET", "/api/v1/calendar/due?from=2026-01-05&limit=1WD&township_code=" + store.DemoYunling, clerk, nil, 200},
			{"AdminAnyTownship", "GET", "/api/v1/calendar/due?from=2026-01-05&limit=1WD&township_code=" + store.DemoHeshan, admin, nil, 200},
			{"UnknownAPI", "GET", "/api/v1/nothing", admin, nil, 404},
			{"OverdueOfCases", "GET", "/api/v1/overdue?subject_kind=case", sup, nil, 200},
			{"OverdueOfUnknownSubject", "GET", "/api/v1/overdue?subject_kind=planet", sup, nil, 400},
			{"OverdueOldName", "GET", "/api/v1/supervision/overdue", sup, nil, 200},
		} {
			t.Run(c.name, func(t *testing.T) {
				a := f.do(c.method, c.path, c.token, c.body)
				if a.Code != c.want {
					t.Errorf("%s %s = %d %v, want %d", c.method, c.path, a.Code, a.Body, c.want)
				}
				if c.want >= 400 && a.errCode() == "" {
					t.Errorf("%s %s: error body %v has no code", c.method, c.path, a.Body)
				}
			})
		}
	})
}

func TestCalendarAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		clerk, admin := f.login(t, "clerk_yl"), f.login(t, "admin")
		t.Run("Due", func(t *testing.T) {
			for _, c := range []struct{ from, limit, want string }{
				{"2025-09-26", "3WD", "2025-09-30"},
				{"2026-09-30", "3WD", "2026-10-10"},
				{"2026-09-29", "7d", "2026-10-08"},
				{"2026-02-13", "10WD", "2026-03-05"},
			} {
				a := f.do("GET", "/api/v1/calendar/due?from="+c.from+"&limit="+c.limit, clerk, nil)
				if a.Code != 200 || a.Body["due"] != c.want || a.Body["provisional"] != false {
					t.Errorf("due(%s, %s) = %d %v, want %s not provisional", c.from, c.limit, a.Code, a.Body, c.want)
				}
			}
		})
		t.Run("ErrBadInput", func(t *testing.T) {
			for _, q := range []string{"from=2026-02-30&limit=3WD", "from=&limit=3WD", "from=2026-01-05&limit=3", "from=2026-01-05&limit=-3WD", "from=2026-01-05&limit=3h", "from=2026-01-05"} {
				a := f.do("GET", "/api/v1/calendar/due?"+q, clerk, nil)
				msg, _ := a.Body["error"].(map[string]any)["message"].(string)
				if a.Code != 400 || a.errCode() != "validation_failed" || msg == "" {
					t.Errorf("due?%s = %d %v, want 400 validation_failed with a message", q, a.Code, a.Body)
				}
			}
		})
		t.Run("EditYearTakesEffect", func(t *testing.T) {
			a := f.do("GET", "/api/v1/calendar/due?from=2027-01-29&limit=1WD", clerk, nil)
			if a.Body["due"] != "2027-02-01" || a.Body["provisional"] != true {
				t.Fatalf("before the 2027 notice: %v, want 2027-02-01 provisional", a.Body)
			}
			body := map[string]any{"holidays": []string{"2027-02-01", "2027-02-02"}, "workdays": []string{"2027-02-06"}}
			if a := f.do("PUT", "/api/v1/admin/calendar/2027", admin, body); a.Code != 200 || a.Body["published"] != true {
				t.Fatalf("PUT 2027 = %d %v, want 200 published", a.Code, a.Body)
			}
			a = f.do("GET", "/api/v1/calendar/due?from=2027-01-29&limit=1WD", clerk, nil)
			if a.Body["due"] != "2027-02-03" || a.Body["provisional"] != false {
				t.Errorf("after the 2027 notice: %v, want 2027-02-03 not provisional", a.Body)
			}
			ys, err := st.CalendarYears(context.Background())
			if err != nil || len(ys) != 1 || ys[0].Year != 2027 {
				t.Errorf("stored years = %+v, %v, want 2027 stored", ys, err)
			}
		})
		t.Run("ErrBadYearChangesNothing", func(t *testing.T) {
			before := f.cal.Year(2026)
			for _, body := range []map[string]any{
				{"holidays": []string{"2026-13-01"}},
				{"holidays": []string{"2025-10-01"}},
				{"holidays": []string{"2026-10-01"}, "workdays": []string{"2026-10-01"}},
				{"workdays": []string{"2026-10-12"}}, // a Monday
			} {
				a := f.do("PUT", "/api/v1/admin/calendar/2026", admin, body)
				if a.Code != 400 || a.errCode() != "validation_failed" {
					t.Errorf("PUT 2026 %v = %d %v, want 400 validation_failed", body, a.Code, a.Body)
				}
			}
			if after := f.cal.Year(2026); len(after.Holidays) != len(before.Holidays) || len(after.Workdays) != len(before.Workdays) {
				t.Errorf("2026 changed after rejected edits: %v -> %v", before, after)
			}
			if a := f.do("PUT", "/api/v1/admin/calendar/1999", admin, map[string]any{}); a.Code != 400 {
				t.Errorf("PUT 1999 = %d, want 400", a.Code)
			}
		})
	})
}

func TestRulesAPI(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	a := f.do("GET", "/api/v1/admin/rules", f.login(t, "admin"), nil)
	progs, _ := a.Body["programs"].([]any)
	if a.Code != 200 || len(progs) != 4 {
		t.Fatalf("GET /admin/rules = %d %v, want 200 with 4 programs", a.Code, a.Body)
	}
	first, _ := progs[0].(map[string]any)
	if first["program"] != "dibao" || first["overall_limit"] != "30WD" {
		t.Errorf("first program = %v, want dibao with overall_limit 30WD", first)
	}
}

func TestOrgsAPI(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	a := f.do("GET", "/api/v1/admin/orgs", f.login(t, "clerk_yl"), nil)
	items, _ := a.Body["items"].([]any)
	names := map[string]string{}
	for _, it := range items {
		o, _ := it.(map[string]any)
		names[o["code"].(string)], _ = o["name"].(string)
	}
	if a.Code != 200 || names[store.DemoCounty] != "示范县" || names["349901100"] != "云岭镇" || names["349901101"] != "河山镇" {
		t.Fatalf("GET /admin/orgs = %d %v, want the demo county and its two townships", a.Code, a.Body)
	}
	if a := f.do("GET", "/api/v1/admin/orgs", "", nil); a.Code != 401 {
		t.Errorf("GET /admin/orgs without a token = %d, want 401", a.Code)
	}
}

func TestAdminAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin, clerk := f.login(t, "admin"), f.login(t, "clerk_yl")
		details := func(a answer) map[string]any {
			e, _ := a.Body["error"].(map[string]any)
			d, _ := e["details"].(map[string]any)
			return d
		}

		town := map[string]any{"code": "349901102", "name": "青山镇", "level": "township", "parent_code": store.DemoCounty}
		if a := f.do("POST", "/api/v1/admin/orgs", clerk, town); a.Code != 403 {
			t.Errorf("clerk POST /admin/orgs = %d, want 403", a.Code)
		}
		if a := f.do("POST", "/api/v1/admin/orgs", admin, town); a.Code != 201 || a.Body["code"] != "349901102" {
			t.Fatalf("POST /admin/orgs = %d %v, want 201", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/admin/orgs", admin, town); a.Code != 409 {
			t.Errorf("the same township again = %d %v, want 409", a.Code, a.Body)
		}
		bad := map[string]any{"code": "349902102", "name": "外县镇", "level": "township", "parent_code": store.DemoCounty}
		if a := f.do("POST", "/api/v1/admin/orgs", admin, bad); a.Code != 400 || details(a)["code"] == nil {
			t.Errorf("a township code outside the county = %d %v, want 400 with details.code", a.Code, a.Body)
		}
		// Sequence 000 is the county itself, not a township (GB/T 10114).
		zero := map[string]any{"code": "349901000", "name": "零号镇", "level": "township", "parent_code": store.DemoCounty}
		if a := f.do("POST", "/api/v1/admin/orgs", admin, zero); a.Code != 400 || details(a)["code"] == nil {
			t.Errorf("township sequence 000 = %d %v, want 400 with details.code", a.Code, a.Body)
		}

		user := map[string]any{"username": "clerk_qs", "name": "吴静", "role": "township_clerk", "org_code": "349901102", "password": "qingshan-2026"}
		if a := f.do("POST", "/api/v1/admin/users", admin, user); a.Code != 201 || a.Body["username"] != "clerk_qs" {
			t.Fatalf("POST /admin/users = %d %v, want 201", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/admin/users", admin, user); a.Code != 409 || details(a)["username"] == nil {
			t.Errorf("the same username again = %d %v, want 409 on username", a.Code, a.Body)
		}
		wrongOrg := map[string]any{"username": "reviewer2", "name": "郑一", "role": "county_reviewer", "org_code": "349901102", "password": "qingshan-2026"}
		if a := f.do("POST", "/api/v1/admin/users", admin, wrongOrg); a.Code != 400 || details(a)["org_code"] == nil {
			t.Errorf("a county role in a township = %d %v, want 400 on org_code", a.Code, a.Body)
		}
		a := f.do("GET", "/api/v1/admin/users", admin, nil)
		if items, _ := a.Body["items"].([]any); a.Code != 200 || len(items) != len(store.DemoUsers)+1 {
			t.Errorf("GET /admin/users = %d with %d users, want %d", a.Code, len(items), len(store.DemoUsers)+1)
		}

		// The new clerk signs in, sees their township, and changes the password: the other
		// session ends, this one goes on, and only the new password signs in.
		login := func(pw string) answer {
			return f.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "clerk_qs", "password": pw})
		}
		first := login("qingshan-2026")
		tok, _ := first.Body["token"].(string)
		other, _ := login("qingshan-2026").Body["token"].(string)
		if me := f.do("GET", "/api/v1/me", tok, nil); me.Code != 200 || me.Body["org"].(map[string]any)["name"] != "青山镇" {
			t.Fatalf("GET /me as the new clerk = %d %v", me.Code, me.Body)
		}
		if a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": "wrong-one", "new_password": "qingshan-2027"}); a.Code != 400 || details(a)["old_password"] == nil {
			t.Errorf("password change with a wrong old password = %d %v, want 400", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": "qingshan-2026", "new_password": "qingshan-2027"}); a.Code != 204 {
			t.Fatalf("password change = %d %v, want 204", a.Code, a.Body)
		}
		if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 200 {
			t.Errorf("the changing session after the change = %d, want 200", a.Code)
		}
		if a := f.do("GET", "/api/v1/me", other, nil); a.Code != 401 {
			t.Errorf("the other session after the change = %d, want 401", a.Code)
		}
		if a := login("qingshan-2026"); a.Code != 401 {
			t.Errorf("login with the old password = %d, want 401", a.Code)
		}
		if a := login("qingshan-2027"); a.Code != 200 {
			t.Errorf("login with the new password = %d %v, want 200", a.Code, a.Body)
		}
	})
}

func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.login(t, "clerk_yl")
		due := f.clock.Now().Add(-time.Hour)
		later := f.clock.Now().Add(time.Hour)
		p := &store.Projection{Case: store.Case{ID: "c1", WorkflowID: "dibao-x", Program: "dibao", Status: "in_progress",
			TownshipCode: store.DemoYunling, ApplicantName: "张三", IDNumberEnc: []byte{1}, IDNumberHash: "h", IDNumberMasked: "m",
			SubmittedAt: f.clock.Now(), UpdatedAt: f.clock.Now()},
			Tasks: []store.Task{
				{ID: "c1-1", Step: "intake", Role: "township_clerk", OrgCode: store.DemoYunling, Status: store.TaskOpen, CreatedAt: f.clock.Now(), DueAt: &due},
				{ID: "c1-2", Step: "info_check", Role: "county_reviewer", OrgCode: store.DemoCounty, Status: store.TaskOpen, CreatedAt: f.clock.Now(), DueAt: &later},
			}}
		if err := st.ApplyProjection(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		for token, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer " + metricsToken: 200} {
			req := httptest.NewRequest("GET", "/metrics", nil)
			req.Header.Set("Authorization", token)
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, req)
			if w.Code != want {
				t.Errorf("GET /metrics with %q = %d, want %d", token, w.Code, want)
			}
		}
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+metricsToken)
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, req)
		body := w.Body.String()
		for _, want := range []string{
			`mzflow_http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login",status="200"} 1`,
			`mzflow_open_tasks{township="349901100"} 2`,
			`mzflow_overdue_tasks{township="349901100"} 1`,
		} {
			if w.Code != 200 || !strings.Contains(body, want) {
				t.Errorf("GET /metrics = %d, missing %q", w.Code, want)
			}
		}
		if strings.Contains(body, "张三") {
			t.Error("/metrics carries an applicant's name")
		}
	})
}

// downTemporal never answers: it waits for the caller to give up, as a dead server does.
type downTemporal struct{}

func (downTemporal) Ready(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

// TestTemporalDown: while Temporal does not answer, writes get 503 with Retry-After from
// the gate (never a hang or a 500), and reads from the database still work.
func TestTemporalDown(t *testing.T) {
	st := storetest.SQLite(t)
	f := newFixture(t, st)
	f.h = api.New(api.Deps{Store: st, Calendar: f.cal, Rules: rules.Defaults, Now: f.clock.Now, Temporal: downTemporal{},
		SignIn: api.DevSignIn(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tok := f.login(t, "clerk_yl")
	a := f.do("POST", "/api/v1/cases", tok, map[string]any{"program": "dibao"})
	if a.Code != 503 || a.errCode() != "unavailable" || a.Hdr.Get("Retry-After") == "" {
		t.Errorf("file while Temporal is down = %d %v (Retry-After %q), want 503 unavailable with Retry-After", a.Code, a.Body, a.Hdr.Get("Retry-After"))
	}
	a = f.do("POST", "/api/v1/tasks/x-1/decide", tok, map[string]any{"outcome": "complete"})
	if a.Code != 503 {
		t.Errorf("decide while Temporal is down = %d %v, want 503", a.Code, a.Body)
	}
	if a := f.do("GET", "/api/v1/cases", tok, nil); a.Code != 200 {
		t.Errorf("list cases while Temporal is down = %d, want 200 from the read model", a.Code)
	}
	if a := f.do("GET", "/readyz", "", nil); a.Code != 503 {
		t.Errorf("/readyz while Temporal is down = %d, want 503", a.Code)
	}
}

// TestPageRoutes: paths outside /api belong to the page (history-mode routing) and
// answer 200; unknown API paths stay JSON 404s.
func TestPageRoutes(t *testing.T) {
	st := storetest.SQLite(t)
	f := newFixture(t, st)
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>page</html>")) })
	f.h = api.New(api.Deps{Store: st, Calendar: f.cal, Rules: rules.Defaults, Now: f.clock.Now, Web: page,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, path := range []string{"/", "/tasks", "/cases/c1"} {
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "page") {
			t.Errorf("GET %s = %d %q, want 200 with the page", path, w.Code, w.Body)
		}
	}
	if a := f.do("GET", "/api/v1/nope", "", nil); a.Code != 404 || a.errCode() != "not_found" {
		t.Errorf("GET /api/v1/nope = %d %v, want a JSON 404", a.Code, a.Body)
	}
}
