package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/store"
)

// routeRule is what the route × role × scope test expects of one route: who may use it
// (in their scope), what it addresses, and the bodies to send.
type routeRule struct {
	// public routes need no token; the others refuse an anonymous caller with 401.
	public bool
	// who may: every other signed-in role is refused with 403 (or 404 for an object outside
	// its scope, which tells nothing either).
	who []mzflow.Role
	// obj is what the path's :id names: "case", "task", "notification"; "" for none.
	obj string
	// query is appended to the path (list filters, required parameters).
	query []string
	// body is what a refused caller sends: a request that would change something if it
	// were let through. An allowed caller sends badBody instead, which fails the request's
	// shape check after the duty and scope checks, so the test changes nothing.
	body func(t target) any
	// taskRole: a task route is allowed to the role of the task it names.
	taskRole bool
}

// target is an object a request names, and where it lives.
type target struct {
	name     string // for the log
	id       string
	township string // its case's township
	foreign  bool   // outside this county
	role     mzflow.Role
	owner    string        // a notification's user
	onlyFor  []mzflow.Role // a user account only these roles may manage (a 三员 account)
}

var everyone = mzflow.Roles

var (
	caseReaders = []mzflow.Role{mzflow.RoleTownshipClerk, mzflow.RoleTownshipHead, mzflow.RoleCountyReviewer,
		mzflow.RoleCountyApprover, mzflow.RoleVeteranOfficer, mzflow.RoleSupervisor}
	boardRoles = []mzflow.Role{mzflow.RoleSupervisor, mzflow.RoleTownshipHead, mzflow.RoleCountyReviewer, mzflow.RoleCountyApprover}
	township   = []mzflow.Role{mzflow.RoleTownshipClerk, mzflow.RoleTownshipHead}
	county     = []mzflow.Role{mzflow.RoleCountyReviewer, mzflow.RoleCountyApprover}
)

// badBody has the wrong type for every field a body may carry: 400 validation_failed.
var badBody = map[string]any{"reason": 1, "content": 1, "note": 1, "outcome": 1, "user_id": "x", "program": 1,
	"old_password": 1, "holidays": 1, "role": 1, "password": 1, "code": 1}

func reasonBody(target) any { return map[string]any{"reason": "越权测试"} }

// routeRules has an entry for every route of the router; TestRoutesRolesScopes fails on a
// route without one, so a new endpoint cannot ship without saying who may use it.
var routeRules = map[string]routeRule{
	"GET /metrics":                    {public: true},
	"GET /healthz":                    {public: true},
	"GET /readyz":                     {public: true},
	"GET /api/v1/openapi.json":        {public: true},
	"POST /api/v1/auth/login":         {public: true},
	"POST /api/v1/auth/totp":          {public: true},
	"POST /api/v1/me/totp/enroll":     {who: everyone},
	"POST /api/v1/me/totp/confirm":    {who: everyone},
	"GET /api/v1/audit":               {who: []mzflow.Role{mzflow.RoleAuditAdmin}, query: []string{"", "format=xlsx", "action=POST"}},
	"GET /api/v1/audit/verify":        {who: []mzflow.Role{mzflow.RoleAuditAdmin}},
	"GET /api/v1/admin/signin-policy": {who: []mzflow.Role{mzflow.RoleSecurityAdmin}},
	"PUT /api/v1/admin/users/:id/role": {who: []mzflow.Role{mzflow.RoleSecurityAdmin}, obj: "user",
		body: func(target) any { return map[string]any{"role": "county_approver"} }},
	"POST /api/v1/admin/users/:id/unlock": {who: []mzflow.Role{mzflow.RoleSecurityAdmin}, obj: "user"},
	"DELETE /api/v1/admin/users/:id/totp": {who: []mzflow.Role{mzflow.RoleSecurityAdmin}, obj: "user"},
	"POST /api/v1/admin/users/:id/password": {who: []mzflow.Role{mzflow.RoleAdmin, mzflow.RoleSecurityAdmin}, obj: "user",
		body: func(target) any { return map[string]any{"password": "Xy7#Strong-pass-2026"} }},
	"POST /api/v1/auth/logout":            {who: everyone}, // tried last, on a token of its own
	"GET /api/v1/me":                      {who: everyone},
	"POST /api/v1/me/password":            {who: everyone},
	"GET /api/v1/calendar/due":            {who: everyone, query: []string{"from=2026-12-01&limit=3WD"}},
	"GET /api/v1/programs":                {who: everyone},
	"GET /api/v1/notifications":           {who: everyone},
	"POST /api/v1/notifications/:id/read": {who: everyone, obj: "notification"},
	"GET /api/v1/admin/calendar/:year":    {who: everyone},
	"PUT /api/v1/admin/calendar/:year": {who: []mzflow.Role{mzflow.RoleAdmin},
		body: func(target) any { return map[string]any{"holidays": []string{}, "workdays": []string{}} }},
	"GET /api/v1/admin/rules": {who: []mzflow.Role{mzflow.RoleAdmin, mzflow.RoleSupervisor}},
	"GET /api/v1/admin/orgs":  {who: everyone},
	"POST /api/v1/admin/orgs": {who: []mzflow.Role{mzflow.RoleAdmin},
		body: func(target) any {
			return map[string]any{"code": "349901100099", "name": "越权村", "level": "village", "parent_code": "349901100"}
		}},
	"GET /api/v1/admin/users": {who: []mzflow.Role{mzflow.RoleAdmin, mzflow.RoleSecurityAdmin}},
	"POST /api/v1/admin/users": {who: []mzflow.Role{mzflow.RoleAdmin},
		body: func(target) any {
			return map[string]any{"username": "intruder", "name": "越权用户", "role": "county_approver", "org_code": "349901", "password": "Xy7#intruder-pw"}
		}},

	"POST /api/v1/cases": {who: []mzflow.Role{mzflow.RoleTownshipClerk}, obj: "township",
		body: func(t target) any {
			return map[string]any{"program": "dibao", "township_code": t.township,
				"applicant": map[string]any{"name": "越权受理", "id_number": "110105199001010053"}}
		}},
	"GET /api/v1/cases": {who: caseReaders, query: []string{"", "q=本县申请", "q=他乡申请", "q=外县申请", "q=110105199001010010",
		"q=110105199001010045", "township_code=349901101", "township_code=349901100", "program=dibao", "overdue=true"}},
	"GET /api/v1/cases/:id": {who: caseReaders, obj: "case"},
	"POST /api/v1/cases/:id/objections": {who: append(slices.Clone(township), county...), obj: "case",
		body: func(target) any { return map[string]any{"content": "越权异议", "reporter": "测试"} }},
	"POST /api/v1/cases/:id/withdraw":  {who: township, obj: "case", body: reasonBody},
	"POST /api/v1/cases/:id/materials": {who: township, obj: "case", body: reasonBody},
	"POST /api/v1/cases/:id/extend":    {who: county, obj: "case", body: reasonBody},
	"POST /api/v1/cases/:id/reveal": {who: []mzflow.Role{mzflow.RoleCountyReviewer, mzflow.RoleCountyApprover, mzflow.RoleVeteranOfficer},
		obj: "case", body: reasonBody},
	"GET /api/v1/tasks": {who: caseReaders, query: []string{"scope=mine", "scope=org", "scope=org&status=done",
		"scope=org&overdue=true", "scope=org&program=dibao"}},
	"POST /api/v1/tasks/:id/claim": {obj: "task", taskRole: true},
	"POST /api/v1/tasks/:id/decide": {obj: "task", taskRole: true,
		body: func(t target) any {
			if t.role == mzflow.RoleCountyReviewer {
				return map[string]any{"outcome": "complete", "data": map[string]any{"result": "pass"}}
			}
			return map[string]any{"outcome": "complete", "data": map[string]any{"household_income_monthly": 100, "members": 2,
				"investigators": []string{"甲某", "乙某"}}}
		}},
	"POST /api/v1/tasks/:id/reassign": {who: []mzflow.Role{mzflow.RoleTownshipHead, mzflow.RoleSupervisor}, obj: "task"},
	"GET /api/v1/overdue":             {who: boardRoles, query: []string{"", "township_code=349901101", "township_code=349901100"}},
	"GET /api/v1/overdue/summary":     {who: boardRoles},
	"GET /api/v1/supervision/overdue": {who: boardRoles},
	"GET /api/v1/supervision/summary": {who: boardRoles},
}

// The users of the test, one per role, and their township ("" for the county).
var routeUsers = []struct {
	name     string
	role     mzflow.Role
	township string
}{
	{"clerk_yl", mzflow.RoleTownshipClerk, "349901100"}, {"head_yl", mzflow.RoleTownshipHead, "349901100"},
	{"clerk_hs", mzflow.RoleTownshipClerk, "349901101"}, {"head_hs", mzflow.RoleTownshipHead, "349901101"},
	{"reviewer", mzflow.RoleCountyReviewer, ""}, {"approver", mzflow.RoleCountyApprover, ""},
	{"veteran", mzflow.RoleVeteranOfficer, ""}, {"supervisor", mzflow.RoleSupervisor, ""},
	{"admin", mzflow.RoleAdmin, ""}, {"security", mzflow.RoleSecurityAdmin, ""}, {"auditor", mzflow.RoleAuditAdmin, ""},
}

// TestRoutesRolesScopes tries every route of the router, as every role, on objects in the
// caller's township, in another township and in another county: a refused request is
// 401, 403 or 404 (never a 2xx, and it changes nothing); an allowed one is not refused;
// a list, search or board holds no row outside the caller's scope.
func TestRoutesRolesScopes(t *testing.T) {
	cfg := e2eConfig(t)
	s := startDevWith(t, cfg)
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}

	// Two cases past intake (investigation and info check open) and two left at intake
	// (overdue in seconds under the e2e rules, so the boards and notifications have rows),
	// in 云岭镇 and 河山镇.
	file := func(user, township, name, id string) caseView {
		var v caseView
		body := map[string]any{"program": "dibao", "township_code": township, "applicant": map[string]any{"name": name, "id_number": id}}
		if code := call(t, "POST", e.base+"/api/v1/cases", e.as(user), body, &v); code != 201 {
			t.Fatalf("file %s = %d %+v", name, code, v.Error)
		}
		return v
	}
	a := file("clerk_yl", "349901100", "本县申请", "110105199001010010")
	e.decide("clerk_yl", a.open("intake"), map[string]any{"outcome": "complete"}, 200, "")
	b := file("clerk_hs", "349901101", "他乡申请", "110105199001010045")
	e.decide("clerk_hs", b.open("intake"), map[string]any{"outcome": "complete"}, 200, "")
	c := file("clerk_yl", "349901100", "本县逾期", "11010519900101007X")
	d := file("clerk_hs", "349901101", "他乡逾期", "110105199001010088")
	_, a = e.get("reviewer", a.ID)
	_, b = e.get("reviewer", b.ID)

	// A case of another county, as a province's shared database would hold it: written
	// into the read model directly, with an overdue task for the county reviewer.
	foreign := writeForeignCase(t, filepath.Join(cfg.data, "mzflow.db"))

	// The notifications the intake deadlines made (a reminder to the clerk, escalations).
	var notes struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(notes.Items) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("clerk_yl got no notification within 60 s")
		}
		time.Sleep(500 * time.Millisecond)
		call(t, "GET", e.base+"/api/v1/notifications", e.as("clerk_yl"), nil, &notes)
	}
	e.waitFor(c.ID, "overdue", func(v caseView) bool { return len(v.Tasks) > 0 && v.Tasks[0].Level > 0 })

	cases := map[string]target{
		"yl":      {name: "云岭镇的申请", id: a.ID, township: "349901100"},
		"hs":      {name: "河山镇的申请", id: b.ID, township: "349901101"},
		"foreign": {name: "外县的申请", id: foreign.caseID, township: foreign.township, foreign: true},
	}
	tasks := map[string]target{
		"yl-investigation": {name: "云岭镇的入户调查", id: a.open("investigation"), township: "349901100", role: mzflow.RoleTownshipClerk},
		"yl-info_check":    {name: "云岭镇的信息核对", id: a.open("info_check"), township: "349901100", role: mzflow.RoleCountyReviewer},
		"hs-investigation": {name: "河山镇的入户调查", id: b.open("investigation"), township: "349901101", role: mzflow.RoleTownshipClerk},
		"hs-info_check":    {name: "河山镇的信息核对", id: b.open("info_check"), township: "349901101", role: mzflow.RoleCountyReviewer},
		"foreign":          {name: "外县的任务", id: foreign.taskID, township: foreign.township, foreign: true, role: mzflow.RoleCountyReviewer},
	}
	notifications := map[string]target{
		"clerk_yl's": {name: "clerk_yl 的通知", id: strconv.FormatInt(notes.Items[0].ID, 10), owner: "clerk_yl"},
	}
	var users struct {
		Items []struct {
			User struct {
				ID       int64  `json:"id"`
				Username string `json:"username"`
			} `json:"user"`
		} `json:"items"`
	}
	call(t, "GET", e.base+"/api/v1/admin/users", e.as("admin"), nil, &users)
	accounts := map[string]target{}
	for _, it := range users.Items {
		switch it.User.Username {
		case "clerk_yl":
			accounts["clerk_yl"] = target{name: "clerk_yl 的账号", id: strconv.FormatInt(it.User.ID, 10)}
		case "auditor":
			accounts["auditor"] = target{name: "审计管理员的账号", id: strconv.FormatInt(it.User.ID, 10),
				onlyFor: []mzflow.Role{mzflow.RoleSecurityAdmin}}
		}
	}
	if len(accounts) != 2 {
		t.Fatalf("accounts %v: want clerk_yl and auditor", accounts)
	}
	townships := map[string]target{
		"yl": {name: "云岭镇", township: "349901100"}, "hs": {name: "河山镇", township: "349901101"},
	}
	// Every case ID and applicant name, by township, to find rows outside a scope.
	type row struct{ id, name, township string }
	rows := []row{{a.ID, "本县申请", "349901100"}, {c.ID, "本县逾期", "349901100"},
		{b.ID, "他乡申请", "349901101"}, {d.ID, "他乡逾期", "349901101"}, {foreign.caseID, "外县申请", foreign.township}}

	// The same person filed again: the clerk of the case's township is told which case it
	// is; a clerk of another township is told only that one exists (no ID to probe with).
	again := map[string]any{"program": "dibao", "applicant": map[string]any{"name": "本县申请", "id_number": "110105199001010010"}}
	for _, try := range []struct{ user, township string }{{"clerk_yl", "349901100"}, {"clerk_hs", "349901101"}} {
		again["township_code"] = try.township
		var raw json.RawMessage
		var v caseView
		code := call(t, "POST", e.base+"/api/v1/cases", e.as(try.user), again, &raw)
		_ = json.Unmarshal(raw, &v)
		named := v.Error != nil && v.Error.Details["case_id"] == a.ID
		if code != 409 || v.Error == nil || v.Error.Code != "duplicate_active_case" || named != (try.user == "clerk_yl") ||
			(try.user == "clerk_hs" && strings.Contains(string(raw), a.ID)) {
			t.Errorf("%s files the same person again = %d %s, want 409 duplicate_active_case naming the case only to its own township", try.user, code, raw)
		}
	}

	_, beforeA := e.get("reviewer", a.ID)
	_, beforeB := e.get("reviewer", b.ID)
	var me struct {
		ID int64 `json:"id"`
	}
	call(t, "GET", e.base+"/api/v1/me", e.as("clerk_yl"), nil, &me)

	routes := api.New(api.Deps{}).(*gin.Engine).Routes()
	var (
		requests, refusals, unexpected2xx, foreignRows, mismatches int
		seen                                                       = map[string]bool{}
	)
	for _, pass := range []string{"refused", "allowed"} {
		for _, r := range routes {
			key := r.Method + " " + r.Path
			rule, ok := routeRules[key]
			if !ok {
				if pass == "refused" {
					t.Errorf("route %s has no entry in routeRules: say who may use it", key)
				}
				continue
			}
			seen[key] = true
			if key == "POST /api/v1/auth/logout" {
				continue // below, on tokens of their own
			}
			if rule.public {
				if pass == "refused" && key != "POST /api/v1/auth/login" {
					requests++
					code, _, err := request(context.Background(), http.DefaultClient, r.Method, e.base+r.Path, "", "", nil, nil)
					if err != nil || code >= 500 || (key == "GET /metrics" && code != 401) {
						mismatches++
						t.Errorf("anonymous %s = %d", key, code)
					}
				}
				continue
			}
			if pass == "refused" {
				requests++
				if code := call(t, r.Method, e.base+strings.ReplaceAll(r.Path, ":id", "x"), "", nil, new(json.RawMessage)); code != 401 {
					mismatches++
					t.Errorf("anonymous %s = %d, want 401", key, code)
				}
			}
			var objects map[string]target
			switch rule.obj {
			case "case":
				objects = cases
			case "task":
				objects = tasks
			case "notification":
				objects = notifications
			case "township":
				objects = townships
			case "user":
				objects = accounts
			default:
				objects = map[string]target{"": {}}
			}
			for _, u := range routeUsers {
				for _, obj := range objects {
					who := rule.who
					if rule.taskRole {
						who = []mzflow.Role{obj.role}
					}
					inScope := !obj.foreign && (u.township == "" || obj.township == "" || obj.township == u.township) &&
						(obj.owner == "" || obj.owner == u.name) && (obj.onlyFor == nil || slices.Contains(obj.onlyFor, u.role)) &&
						(rule.obj != "case" && rule.obj != "task" || u.role.WorksOn(mzflow.Dibao))
					allowed := slices.Contains(who, u.role) && inScope
					if (pass == "allowed") != allowed {
						continue
					}
					path := r.Path
					path = strings.ReplaceAll(path, ":id", obj.id)
					path = strings.ReplaceAll(path, ":year", "2026")
					queries := rule.query
					if len(queries) == 0 {
						queries = []string{""}
					}
					for _, q := range queries {
						url := e.base + path
						if q != "" {
							url += "?" + q
						}
						var body any
						switch {
						case r.Method == "GET":
						case allowed:
							body = badBody
						case rule.body != nil:
							body = rule.body(obj)
						case key == "POST /api/v1/tasks/:id/reassign":
							body = map[string]any{"user_id": me.ID, "reason": "越权改派"}
						}
						code, raw, err := request(context.Background(), http.DefaultClient, r.Method, url, e.as(u.name), "", body, nil)
						if err != nil {
							t.Fatalf("%s %s: %v", r.Method, url, err)
						}
						requests++
						what := u.name + " " + r.Method + " " + url[len(e.base):] + " (" + obj.name + ")"
						// A filter naming a township or program outside the caller's scope is
						// refused outright rather than answered with an empty page.
						askedOutside := u.township != "" && strings.Contains(q, "township_code=") && !strings.Contains(q, "township_code="+u.township) ||
							strings.Contains(q, "program=dibao") && !u.role.WorksOn(mzflow.Dibao)
						switch {
						case allowed && askedOutside:
							refusals++
							if code != 403 {
								mismatches++
								t.Errorf("%s = %d, want 403 for a filter outside the caller's scope: %s", what, code, raw)
							}
						case !allowed:
							refusals++
							want := []int{403, 404}
							if slices.Contains(who, u.role) && rule.obj != "township" && rule.obj != "user" {
								want = []int{404} // may do it, but not there: the object is not there for them
							}
							if code >= 200 && code < 300 {
								unexpected2xx++
								t.Errorf("%s = %d, want refused (%v): %s", what, code, want, raw)
							} else if !slices.Contains(want, code) {
								mismatches++
								t.Errorf("%s = %d, want %v: %s", what, code, want, raw)
							}
						case code == 401 || code == 403 || code == 404 || code >= 500 || (r.Method == "GET" && code != 200):
							mismatches++
							t.Errorf("%s = %d, want it allowed: %s", what, code, raw)
						}
						// No row of another scope in any answer: lists, searches, boards.
						for _, w := range rows {
							out := w.township != u.township && u.township != "" || w.township == foreign.township ||
								!u.role.WorksOn(mzflow.Dibao) || !slices.Contains(caseReaders, u.role)
							if out && (strings.Contains(string(raw), w.id) || strings.Contains(string(raw), w.name)) {
								foreignRows++
								t.Errorf("%s shows %s of %s: %.300s", what, w.id, w.township, raw)
							}
						}
					}
				}
			}
		}
		if pass == "refused" {
			// Nothing refused reached a case: same status, same timeline.
			for _, before := range []caseView{beforeA, beforeB} {
				_, after := e.get("reviewer", before.ID)
				if after.Status != before.Status || len(after.Timeline) != len(before.Timeline) || len(after.Tasks) != len(before.Tasks) {
					t.Errorf("case %s after the refusals: %s, %d events, %d tasks; before %s, %d, %d", before.ID,
						after.Status, len(after.Timeline), len(after.Tasks), before.Status, len(before.Timeline), len(before.Tasks))
				}
			}
			var all struct {
				Total int `json:"total"`
			}
			call(t, "GET", e.base+"/api/v1/cases", e.as("reviewer"), nil, &all)
			if all.Total != 4 {
				t.Errorf("%d cases after the refused filings, want 4", all.Total)
			}
		}
	}
	for key := range routeRules {
		if !seen[key] {
			t.Errorf("routeRules has %s, which the router does not", key)
		}
	}
	// Signing out ends one's own session only.
	for _, u := range routeUsers {
		tok := login(t, e.base, u.name)
		requests += 2
		if code := call(t, "POST", e.base+"/api/v1/auth/logout", tok, nil, nil); code >= 300 {
			mismatches++
			t.Errorf("%s signs out = %d", u.name, code)
		}
		if code := call(t, "GET", e.base+"/api/v1/me", tok, nil, nil); code != 401 {
			mismatches++
			t.Errorf("%s after signing out = %d, want 401", u.name, code)
		}
	}
	t.Logf("%d routes, %d roles, 3 scopes (own township, other township, other county): %d requests, %d refused; "+
		"%d unexpected 2xx, %d foreign rows, %d other mismatches", len(routes), len(routeUsers), requests, refusals,
		unexpected2xx, foreignRows, mismatches)
}

type foreignCase struct{ caseID, taskID, township string }

// writeForeignCase puts a case of another county (福州市鼓楼区) into the read model beside the
// running mzflow dev, as a province-wide database would hold it.
func writeForeignCase(t *testing.T, dbFile string) foreignCase {
	t.Helper()
	st, err := store.Open("sqlite:" + dbFile)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	countyOrg := &store.Org{Code: "350102", Name: "鼓楼区", Level: mzflow.LevelCounty, CreatedAt: time.Now()}
	if err := st.CreateOrg(ctx, countyOrg); err != nil {
		t.Fatal(err)
	}
	town := &store.Org{Code: "350102001", Name: "鼓东街道", Level: mzflow.LevelTownship, ParentID: &countyOrg.ID, CreatedAt: time.Now()}
	if err := st.CreateOrg(ctx, town); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	due := now.Add(-time.Hour)
	f := foreignCase{caseID: "cforeign0000001", taskID: "cforeign0000001-t1", township: town.Code}
	p := &store.Projection{
		Case: store.Case{ID: f.caseID, WorkflowID: "case-foreign-1", Program: mzflow.Dibao, Status: mzflow.StatusInProgress,
			Step: mzflow.StepInfoCheck, TownshipCode: town.Code, ApplicantName: "外县申请", IDNumberEnc: []byte("sealed elsewhere"), IDNumberHash: "foreign", IDNumberMasked: "3501**********0012",
			SubmittedAt: now.Add(-48 * time.Hour), DueAt: &due, Revision: 1, UpdatedAt: now},
		Tasks: []store.Task{{ID: f.taskID, SubjectKind: store.SubjectCase, SubjectID: f.caseID, CaseID: f.caseID,
			Program: mzflow.Dibao, Step: mzflow.StepInfoCheck, Role: mzflow.RoleCountyReviewer, OrgCode: countyOrg.Code,
			TownshipCode: town.Code, Status: store.TaskOpen, CreatedAt: now.Add(-48 * time.Hour), DueAt: &due,
			ApplicantName: "外县申请"}},
	}
	if err := st.ApplyProjection(ctx, p); err != nil {
		t.Fatal(err)
	}
	return f
}
