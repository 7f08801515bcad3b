package main

import (
	"strings"
	"testing"
	"time"
)

// Hostile input on a real case, end to end against mzflow dev: megabyte comments and
// reasons are answered 413 at once; one investigator twice, a household of a million,
// 1e308 and 1e309 yuan, a visitor twice, a comment with direction controls are refused
// with the field named. After each refusal the case read again is the same: same status,
// same step, no new timeline entry.
func TestHostileInputOnACase(t *testing.T) {
	s := startDevWith(t, e2eConfig(t))
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
	var a caseView
	file := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "边界测试", "id_number": "110105199001010029", "household_size": 3}}
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), file, &a); code != 201 {
		t.Fatalf("file = %d %+v", code, a.Error)
	}
	refused := func(what, user, method, path string, body map[string]any, status int, code, field string) {
		t.Helper()
		_, before := e.get("reviewer", a.ID)
		start := time.Now()
		var v caseView
		got := call(t, method, e.base+path, e.as(user), body, &v)
		took := time.Since(start)
		if got != status || v.Error == nil || v.Error.Code != code || (field != "" && v.Error.Details[field] == nil) ||
			strings.Contains(v.Error.Message, "json") {
			t.Errorf("%s = %d %+v, want %d %s naming %q", what, got, v.Error, status, code, field)
		}
		if status == 413 && took > 5*time.Second {
			t.Errorf("%s answered after %v, want at once", what, took)
		}
		_, after := e.get("reviewer", a.ID)
		if after.Status != before.Status || after.Step != before.Step || len(after.Timeline) != len(before.Timeline) {
			t.Errorf("after %s: %s at %s with %d events; before %s at %s with %d", what, after.Status, after.Step,
				len(after.Timeline), before.Status, before.Step, len(before.Timeline))
		}
	}
	caseURL := "/api/v1/cases/" + a.ID
	decide := func(task string) string { return "/api/v1/tasks/" + task + "/decide" }
	intake := a.open("intake")
	refused("2.5 MB comment", "clerk_yl", "POST", decide(intake), map[string]any{"outcome": "complete", "comment": strings.Repeat("意", 850_000)}, 413, "payload_too_large", "")
	refused("5 MB comment", "clerk_yl", "POST", decide(intake), map[string]any{"outcome": "complete", "comment": strings.Repeat("x", 5<<20)}, 413, "payload_too_large", "")
	refused("3 MB withdraw reason", "clerk_yl", "POST", caseURL+"/withdraw", map[string]any{"reason": strings.Repeat("x", 3<<20)}, 413, "payload_too_large", "")
	refused("bidi comment", "clerk_yl", "POST", decide(intake), map[string]any{"outcome": "complete", "comment": "受理\u202e"}, 400, "validation_failed", "comment")
	refused("withdraw reason with NUL", "clerk_yl", "POST", caseURL+"/withdraw", map[string]any{"reason": "撤回\x00"}, 400, "validation_failed", "reason")
	a = e.decide("clerk_yl", intake, map[string]any{"outcome": "complete"}, 200, "")

	inv := a.open("investigation")
	data := func(m map[string]any) map[string]any { return map[string]any{"outcome": "complete", "data": m} }
	refused("one investigator twice", "clerk_yl", "POST", decide(inv), data(map[string]any{"household_income_monthly": 300, "members": 3,
		"investigators": []string{"张三", "张三"}}), 422, "rule_violation", "data.investigators")
	refused("a household of a million", "clerk_yl", "POST", decide(inv), data(map[string]any{"household_income_monthly": 300, "members": 1000000,
		"investigators": []string{"张三", "李四"}}), 422, "rule_violation", "data.members")
	a = e.decide("clerk_yl", inv, data(map[string]any{"household_income_monthly": 300, "members": 3, "investigators": []string{"张三", "李四"}}), 200, "")
	a = e.decide("reviewer", a.open("info_check"), data(map[string]any{"result": "pass"}), 200, "")

	review := a.open("township_review")
	refused("1e308 proposed", "head_yl", "POST", decide(review), map[string]any{"outcome": "approve", "data": map[string]any{"proposed_amount_monthly": 1e308}},
		422, "rule_violation", "data.proposed_amount_monthly")
	e.decide("head_yl", review, map[string]any{"outcome": "approve", "data": map[string]any{"proposed_amount_monthly": 680}}, 200, "")
	a = e.waitFor(a.ID, "county review", func(v caseView) bool { return v.open("county_review") != "" })

	visit := a.open("county_review")
	refused("one visitor twice", "reviewer", "POST", decide(visit), map[string]any{"outcome": "approve",
		"data": map[string]any{"home_visit": map[string]any{"visited_at": "2026-11-23", "visitors": []string{"刘洋", "刘洋"}}}}, 422, "rule_violation", "data.home_visit")
	a = e.decide("reviewer", visit, map[string]any{"outcome": "approve",
		"data": map[string]any{"home_visit": map[string]any{"visited_at": "2026-11-23", "visitors": []string{"刘洋", "王芳"}}}}, 200, "")

	decision := a.open("county_decision")
	refused("1e308 yuan a month", "approver", "POST", decide(decision), map[string]any{"outcome": "approve", "data": map[string]any{"amount_monthly": 1e308}},
		422, "rule_violation", "data.amount_monthly")
	refused("1e309 yuan a month", "approver", "POST", decide(decision), map[string]any{"outcome": "approve", "data": map[string]any{"amount_monthly": rawNumber("1e309")}},
		400, "validation_failed", "data.amount_monthly")
	a = e.decide("approver", decision, map[string]any{"outcome": "approve", "data": map[string]any{"amount_monthly": 700}}, 200, "")
	if a.Status != "approved" {
		t.Errorf("after the good decisions: %s, want approved", a.Status)
	}
}

// rawNumber is a JSON number written as is, however large.
type rawNumber string

func (n rawNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }
