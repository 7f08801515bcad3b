package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/store/storetest"
)

// e2eRules shortens the clocks so the test sees publicity end and a task go overdue:
// intake is due in 4 s, reminded 2 s before, escalated every 2 s; publicity lasts 3 s;
// every case is spot-checked.
const e2eRules = `programs:
  dibao:
    spot_check_rate: 1
    remind_before: 2s
    escalate_every: 2s
    steps:
      intake: {limit: 4s}
      publicity: {limit: 3s}
`

// e2eConfig is mzflow dev on a fresh data folder with e2eRules.
func e2eConfig(t *testing.T) *devConfig {
	t.Helper()
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(e2eRules), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &devConfig{data: filepath.Join(dir, "data")}
	cfg.rulesFile = rulesFile
	return cfg
}

type caseView struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Step      string `json:"step"`
	SpotCheck bool   `json:"spot_check"`
	Amount    *float64
	PayFrom   string `json:"pay_from"`
	Applicant struct {
		Name     string `json:"name"`
		IDMasked string `json:"id_number_masked"`
	} `json:"applicant"`
	Tasks []struct {
		ID     string `json:"id"`
		Step   string `json:"step"`
		Status string `json:"status"`
		Level  int    `json:"escalation_level"`
	} `json:"tasks"`
	Timeline []struct {
		Seq  int            `json:"seq"`
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	} `json:"timeline"`
	Error *struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

func (v caseView) open(step string) string {
	for _, t := range v.Tasks {
		if t.Step == step && t.Status == "open" {
			return t.ID
		}
	}
	return ""
}

// e2e drives one stack over HTTP as staff would.
type e2e struct {
	t      *testing.T
	base   string
	tokens map[string]string
}

func (e *e2e) as(user string) string {
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	e.tokens[user] = login(e.t, e.base, user)
	return e.tokens[user]
}

func (e *e2e) get(user, id string) (int, caseView) {
	var v caseView
	code := call(e.t, "GET", e.base+"/api/v1/cases/"+id, e.as(user), nil, &v)
	return code, v
}

// decide posts a decision and checks the status (and error code, when one is expected).
func (e *e2e) decide(user, task string, body map[string]any, want int, wantCode string) caseView {
	e.t.Helper()
	var v caseView
	code := call(e.t, "POST", e.base+"/api/v1/tasks/"+task+"/decide", e.as(user), body, &v)
	if code != want || (wantCode != "" && (v.Error == nil || v.Error.Code != wantCode)) {
		e.t.Fatalf("%s decides %s %v = %d %+v, want %d %s", user, task, body, code, v.Error, want, wantCode)
	}
	return v
}

// waitFor polls the case until cond holds; the bound only keeps a broken run from hanging.
func (e *e2e) waitFor(id, what string, cond func(caseView) bool) caseView {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, v := e.get("reviewer", id)
		if cond(v) {
			return v
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("case %s never reached %s; last %+v", id, what, v)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestCaseEndToEnd(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql"} {
		t.Run(db, func(t *testing.T) {
			cfg := e2eConfig(t)
			if db == "mysql" {
				cfg.db = storetest.MySQLDSN(t)
			}
			s := startDevWith(t, cfg)
			runCaseEndToEnd(t, &e2e{t: t, base: s.url, tokens: map[string]string{}}, s)
		})
	}
}

func runCaseEndToEnd(t *testing.T, e *e2e, s *devStack) {
	file := map[string]any{"program": "dibao", "township_code": "349901100", "village": "青松村",
		"applicant": map[string]any{"name": "张三", "id_number": "11010519491231002X", "household_size": 3}}

	// Bad input changes nothing and says what is wrong.
	var bad caseView
	badID := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "张三", "id_number": "110105194912310021"}}
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), badID, &bad); code != 400 || bad.Error.Code != "invalid_id_number" {
		t.Fatalf("file with a wrong check digit = %d %+v, want 400 invalid_id_number", code, bad.Error)
	}
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_hs"), file, &bad); code != 403 {
		t.Fatalf("clerk_hs files for 云岭镇 = %d %+v, want 403", code, bad.Error)
	}

	// File, with an Idempotency-Key: a retry returns the same case.
	var a caseView
	if code := callWithKey(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), "k-1", file, &a); code != 201 || a.Status != "in_progress" || a.open("intake") == "" {
		t.Fatalf("file = %d %+v, want 201 in_progress with an intake task", code, a)
	}
	if a.Applicant.IDMasked != "110105********002X" {
		t.Errorf("id_number_masked = %q, want 110105********002X", a.Applicant.IDMasked)
	}
	var again caseView
	if code := callWithKey(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), "k-1", file, &again); code != 201 || again.ID != a.ID {
		t.Errorf("retry with the same Idempotency-Key = %d %s, want 201 %s", code, again.ID, a.ID)
	}
	var dup caseView
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), file, &dup); code != 409 || dup.Error.Code != "duplicate_active_case" || dup.Error.Details["case_id"] != a.ID {
		t.Errorf("file the same person again = %d %+v, want 409 duplicate_active_case naming %s", code, dup.Error, a.ID)
	}

	// Another township sees nothing of it.
	if code, _ := e.get("clerk_hs", a.ID); code != 404 {
		t.Errorf("clerk_hs reads a 云岭镇 case = %d, want 404 (not there for them)", code)
	}
	var list struct{ Total int }
	call(t, "GET", e.base+"/api/v1/cases?q=张三", e.as("clerk_hs"), nil, &list)
	if list.Total != 0 {
		t.Errorf("clerk_hs searches 张三: %d cases, want 0", list.Total)
	}
	call(t, "GET", e.base+"/api/v1/cases?q=11010519491231002X", e.as("reviewer"), nil, &list)
	if list.Total != 1 {
		t.Errorf("reviewer searches by ID number: %d cases, want 1", list.Total)
	}

	// The clerk claims the intake task; the township head reassigns it back with a reason.
	var claimed struct {
		Assignee *int64 `json:"assignee"`
	}
	if code := call(t, "POST", e.base+"/api/v1/tasks/"+a.open("intake")+"/claim", e.as("clerk_yl"), nil, &claimed); code != 200 || claimed.Assignee == nil {
		t.Fatalf("claim = %d %+v, want 200 with an assignee", code, claimed)
	}
	var me struct {
		ID int64 `json:"id"`
	}
	call(t, "GET", e.base+"/api/v1/me", e.as("clerk_yl"), nil, &me)
	if code := call(t, "POST", e.base+"/api/v1/tasks/"+a.open("intake")+"/reassign", e.as("head_yl"), map[string]any{"user_id": me.ID}, &bad); code != 422 || bad.Error.Code != "comment_required" {
		t.Errorf("reassign without a reason = %d %+v, want 422 comment_required", code, bad.Error)
	}
	if code := call(t, "POST", e.base+"/api/v1/tasks/"+a.open("intake")+"/reassign", e.as("clerk_yl"), map[string]any{"user_id": me.ID, "reason": "x"}, &bad); code != 403 {
		t.Errorf("reassign by a clerk = %d, want 403", code)
	}
	if code := call(t, "POST", e.base+"/api/v1/tasks/"+a.open("intake")+"/reassign", e.as("head_yl"), map[string]any{"user_id": me.ID, "reason": "本人负责该村"}, &bad); code != 200 {
		t.Errorf("reassign by head_yl = %d %+v, want 200", code, bad.Error)
	}
	var mine struct {
		Total int `json:"total"`
	}
	call(t, "GET", e.base+"/api/v1/tasks?scope=mine", e.as("clerk_yl"), nil, &mine)
	if mine.Total < 1 {
		t.Errorf("clerk_yl's inbox has %d tasks, want the intake task", mine.Total)
	}
	call(t, "GET", e.base+"/api/v1/tasks?scope=org", e.as("clerk_hs"), nil, &mine)
	if mine.Total != 0 {
		t.Errorf("clerk_hs's organisation inbox has %d tasks, want none of 云岭镇's", mine.Total)
	}

	inv := map[string]any{"household_income_monthly": 300, "members": 3, "investigators": []string{"王芳", "李四"}}
	v := e.decide("clerk_yl", a.open("intake"), map[string]any{"outcome": "complete"}, 200, "")
	if v.open("investigation") == "" || v.open("info_check") == "" {
		t.Fatalf("after intake: %+v, want investigation and info_check open side by side", v.Tasks)
	}
	e.decide("reviewer", v.open("investigation"), map[string]any{"outcome": "complete", "data": inv}, 403, "forbidden")
	e.decide("clerk_yl", v.open("investigation"), map[string]any{"outcome": "complete", "data": map[string]any{"members": 3}}, 422, "rule_violation")
	v = e.decide("clerk_yl", v.open("investigation"), map[string]any{"outcome": "complete", "data": inv}, 200, "")
	v = e.decide("reviewer", v.open("info_check"), map[string]any{"outcome": "complete", "data": map[string]any{"result": "pass"}}, 200, "")
	e.decide("head_yl", v.open("township_review"), map[string]any{"outcome": "reject"}, 422, "comment_required")
	v = e.decide("head_yl", v.open("township_review"), map[string]any{"outcome": "approve", "data": map[string]any{"proposed_amount_monthly": 680}}, 200, "")
	if v.Step != "publicity" {
		t.Fatalf("after township review: step %s, want publicity", v.Step)
	}

	// An objection during publicity opens a review, then a new publicity.
	if code := call(t, "POST", e.base+"/api/v1/cases/"+a.ID+"/objections", e.as("clerk_yl"), map[string]any{"content": "申请人家有轿车一辆", "reporter": "村民"}, &v); code != 200 || v.open("objection_review") == "" {
		t.Fatalf("objection = %d %+v, want 200 with an objection_review task", code, v)
	}
	v = e.decide("head_yl", v.open("objection_review"), map[string]any{"outcome": "approve", "comment": "经复查车辆已报废"}, 200, "")
	var notIn caseView
	v = e.waitFor(a.ID, "county review", func(v caseView) bool { return v.open("county_review") != "" })
	if code := call(t, "POST", e.base+"/api/v1/cases/"+a.ID+"/objections", e.as("clerk_yl"), map[string]any{"content": "迟到的异议"}, &notIn); code != 409 || notIn.Error.Code != "not_in_publicity" {
		t.Errorf("objection after publicity = %d %+v, want 409 not_in_publicity", code, notIn.Error)
	}
	if !v.SpotCheck {
		t.Error("spot_check = false after an objection, want the mandatory home visit")
	}
	e.decide("reviewer", v.open("county_review"), map[string]any{"outcome": "approve"}, 422, "rule_violation")
	visit := map[string]any{"home_visit": map[string]any{"visited_at": "2026-11-23", "visitors": []string{"刘洋", "王芳"}}}
	v = e.decide("reviewer", v.open("county_review"), map[string]any{"outcome": "approve", "data": visit}, 200, "")
	// Four eyes: the county reviewer of this case may not decide it.
	e.decide("reviewer", v.open("county_decision"), map[string]any{"outcome": "approve", "data": map[string]any{"amount_monthly": 700}}, 403, "forbidden")
	task := v.open("county_decision")
	v = e.decide("approver", task, map[string]any{"outcome": "approve", "data": map[string]any{"amount_monthly": 700}}, 200, "")
	nextMonth := time.Now().In(calendar.Zone).AddDate(0, 1, -time.Now().In(calendar.Zone).Day()+1).Format("2006-01-02")
	if v.Status != "approved" || v.PayFrom != nextMonth {
		t.Errorf("after approval: %s pay_from %s, want approved from %s", v.Status, v.PayFrom, nextMonth)
	}
	e.decide("approver", task, map[string]any{"outcome": "approve", "data": map[string]any{"amount_monthly": 700}}, 409, "task_not_open")
	for i, ev := range v.Timeline {
		if ev.Seq != i+1 {
			t.Fatalf("timeline seq %d at %d, want 1..N without gaps: %+v", ev.Seq, i, v.Timeline)
		}
		// The request ID joins a decision's log line to its timeline entry.
		if id, _ := ev.Data["request_id"].(string); ev.Type == "decided" && id == "" {
			t.Errorf("decided event %d has no request_id: %v", ev.Seq, ev.Data)
		}
	}

	// A task left past its due time: on the overdue board and in head_yl's inbox.
	fileB := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "李四", "id_number": "440524188001010014"}}
	var b caseView
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), fileB, &b); code != 201 {
		t.Fatalf("file case B = %d %+v", code, b.Error)
	}
	var board struct {
		Items []struct {
			CaseID    string `json:"case_id"`
			Level     int    `json:"escalation_level"`
			OverdueBy *int   `json:"overdue_by"`
			Notified  []struct {
				Role string `json:"role"`
			} `json:"notified"`
		} `json:"items"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		call(t, "GET", e.base+"/api/v1/overdue", e.as("supervisor"), nil, &board)
		if len(board.Items) > 0 && board.Items[0].Level >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("overdue board never showed case %s at level 2: %+v", b.ID, board)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if it := board.Items[0]; it.CaseID != b.ID || it.OverdueBy == nil || len(it.Notified) < 2 || it.Notified[0].Role != "township_head" || it.Notified[1].Role != "supervisor" {
		t.Errorf("overdue board item = %+v, want case %s told township_head then supervisor", it, b.ID)
	}
	// The board's old name answers for one release (docs/api.md "Overdue board").
	var old struct {
		Items []struct {
			CaseID string `json:"case_id"`
		} `json:"items"`
	}
	if code := call(t, "GET", e.base+"/api/v1/supervision/overdue", e.as("supervisor"), nil, &old); code != 200 || len(old.Items) == 0 || old.Items[0].CaseID != b.ID {
		t.Errorf("GET /supervision/overdue = %d %+v, want the same board as /overdue", code, old)
	}
	var inbox struct {
		Items []struct {
			Kind   string `json:"kind"`
			CaseID string `json:"case_id"`
		} `json:"items"`
		Unread int `json:"unread"`
	}
	call(t, "GET", e.base+"/api/v1/notifications?unread=true", e.as("head_yl"), nil, &inbox)
	found := false
	for _, n := range inbox.Items {
		found = found || (n.Kind == "escalation" && n.CaseID == b.ID)
	}
	if !found || inbox.Unread == 0 {
		t.Errorf("head_yl's inbox = %+v, want an escalation about case %s", inbox, b.ID)
	}
	call(t, "GET", e.base+"/api/v1/notifications", e.as("head_hs"), nil, &inbox)
	for _, n := range inbox.Items {
		if n.CaseID == b.ID {
			t.Errorf("head_hs was told about a 云岭镇 case: %+v", n)
		}
	}

	// Nothing personal is readable in Temporal's history.
	c, err := client.Dial(client.Options{HostPort: s.temporal, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wfID := ""
	call(t, "GET", e.base+"/api/v1/cases/"+a.ID, e.as("reviewer"), nil, &struct {
		WorkflowID *string `json:"workflow_id"`
	}{&wfID})
	it := c.GetWorkflowHistory(ctx, wfID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var raw bytes.Buffer
	events := 0
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events++
		fmt.Fprint(&raw, ev.String())
	}
	for _, secret := range []string{"张三", "11010519491231002X", "Zhang", "\\345\\274\\240"} {
		if strings.Contains(raw.String(), secret) {
			t.Errorf("Temporal history of %s contains %q", wfID, secret)
		}
	}
	if events < 20 {
		t.Errorf("history has %d events, want the whole case", events)
	}
}
