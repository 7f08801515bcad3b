package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every role does only its duties (mzflow's duties table): the system administrator
// reads and moves no case; the veterans-affairs officer has no part in 低保; the
// supervisor watches, never withdraws; only a township clerk files. Each refusal is a 403
// (404 for the officer: a 低保 case is outside its programs)
// and changes nothing, which the case read again shows.
func TestDutiesOnACase(t *testing.T) {
	s := startDevWith(t, e2eConfig(t))
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}

	var a caseView
	file := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "职责测试", "id_number": "110105199001010029"}}
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), file, &a); code != 201 {
		t.Fatalf("file = %d %+v", code, a.Error)
	}
	e.decide("clerk_yl", a.open("intake"), map[string]any{"outcome": "complete"}, 200, "")
	_, before := e.get("reviewer", a.ID)

	other := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "另一人", "id_number": "110105199001010037"}}
	reason := map[string]any{"reason": "测试"}
	objection := map[string]any{"content": "有异议内容", "reporter": "村民"}
	type try struct {
		user, method, path string
		body               map[string]any
	}
	caseURL := "/api/v1/cases/" + a.ID
	refused := []try{
		{"admin", "POST", "/api/v1/cases", other},
		{"admin", "GET", "/api/v1/cases", nil},
		{"admin", "GET", caseURL, nil},
		{"admin", "POST", caseURL + "/withdraw", reason},
		{"admin", "POST", caseURL + "/extend", reason},
		{"admin", "POST", caseURL + "/objections", objection},
		{"admin", "POST", caseURL + "/reveal", nil},
		{"admin", "GET", "/api/v1/overdue", nil},
		{"admin", "GET", "/api/v1/overdue/summary", nil},
		{"veteran", "GET", caseURL, nil},
		{"veteran", "GET", "/api/v1/cases?program=dibao", nil},
		{"veteran", "POST", caseURL + "/withdraw", reason},
		{"veteran", "POST", caseURL + "/extend", reason},
		{"veteran", "POST", caseURL + "/reveal", nil},
		{"supervisor", "POST", "/api/v1/cases", other},
		{"supervisor", "POST", caseURL + "/withdraw", reason},
		{"supervisor", "POST", caseURL + "/extend", reason},
		{"supervisor", "POST", caseURL + "/reveal", nil},
		{"head_yl", "POST", "/api/v1/cases", other},
		{"reviewer", "POST", "/api/v1/cases", other},
		{"reviewer", "POST", caseURL + "/withdraw", reason},
		{"approver", "POST", caseURL + "/withdraw", reason},
		{"clerk_yl", "POST", caseURL + "/extend", reason},
		{"clerk_yl", "POST", caseURL + "/reveal", nil},
	}
	unexpected := 0
	for _, r := range refused {
		var v caseView
		// A case of a program the officer does not work on is not there for them (404).
		want, wantCode := 403, "forbidden"
		if r.user == "veteran" && strings.HasPrefix(r.path, caseURL) {
			want, wantCode = 404, "not_found"
		}
		if code := call(t, r.method, e.base+r.path, e.as(r.user), r.body, &v); code != want || v.Error.Code != wantCode {
			unexpected++
			t.Errorf("%s %s %s = %d %+v, want %d %s", r.user, r.method, r.path, code, v.Error, want, wantCode)
		}
	}
	// The veterans-affairs officer's case list holds veteran cases only: none here.
	var list struct {
		Total int `json:"total"`
	}
	if code := call(t, "GET", e.base+"/api/v1/cases", e.as("veteran"), nil, &list); code != 200 || list.Total != 0 {
		t.Errorf("veteran lists cases = %d, %d rows, want 200 with no 低保 case", code, list.Total)
	}
	for _, u := range []string{"clerk_yl", "head_yl", "reviewer", "approver", "supervisor"} {
		if code, _ := e.get(u, a.ID); code != 200 {
			t.Errorf("%s reads the case = %d, want 200", u, code)
		}
	}

	// Nothing refused reached the case: same status, same timeline, nobody else filed.
	_, after := e.get("reviewer", a.ID)
	if after.Status != "in_progress" || len(after.Timeline) != len(before.Timeline) {
		t.Errorf("after the refusals: status %s, %d timeline entries; before %d", after.Status, len(after.Timeline), len(before.Timeline))
	}
	var all struct {
		Total int `json:"total"`
	}
	call(t, "GET", e.base+"/api/v1/cases", e.as("reviewer"), nil, &all)
	if all.Total != 1 {
		t.Errorf("%d cases after the refused filings, want 1", all.Total)
	}
	t.Logf("%d refused requests tried, %d unexpected answers", len(refused), unexpected)
}

// The data folder holds the databases with personal data and the secret key: on every
// start it is closed to other users (folder 0700, files 0600), even when it was made or
// copied with looser modes.
func TestDataFolderIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "copied.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	startDevWith(t, &devConfig{data: dir})
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	files := 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.Type().IsRegular() {
			continue
		}
		files++
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
	if files < 4 { // the two databases, the secret key, the copied file
		t.Errorf("%d files in the data folder, want the databases and the key", files)
	}
}

// What the investigation found about a family (income, members, the investigators) is
// sealed in the read model like the ID number: the database files hold none of it in
// plain text, and the case's timeline still shows it to the roles with the personal
// duty. The supervisor, who reads cases to chase deadlines, sees neither it nor the
// applicant's address, and the phone masked.
func TestHouseholdDataSealed(t *testing.T) {
	cfg := e2eConfig(t)
	s := startDevWith(t, cfg)
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
	var a caseView
	file := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "封存测试", "id_number": "110105199001010053", "phone": "13812345678", "address": "云岭镇幸福村3组"}}
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), file, &a); code != 201 {
		t.Fatalf("file = %d %+v", code, a.Error)
	}
	a = e.decide("clerk_yl", a.open("intake"), map[string]any{"outcome": "complete"}, 200, "")
	inv := map[string]any{"household_income_monthly": 1357.9, "members": 3, "investigators": []string{"调查员甲", "调查员乙"}}
	a = e.decide("clerk_yl", a.open("investigation"), map[string]any{"outcome": "complete", "data": inv}, 200, "")

	shown := false
	for _, ev := range a.Timeline {
		d, _ := ev.Data["data"].(map[string]any)
		shown = shown || d["household_income_monthly"] == 1357.9
	}
	if !shown {
		t.Errorf("the timeline does not show the investigation's data: %+v", a.Timeline)
	}
	var sv struct {
		Applicant struct{ Phone, Address string } `json:"applicant"`
		Timeline  []struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		} `json:"timeline"`
	}
	if code := call(t, "GET", e.base+"/api/v1/cases/"+a.ID, e.as("supervisor"), nil, &sv); code != 200 {
		t.Fatalf("supervisor reads the case = %d", code)
	}
	if sv.Applicant.Phone != "138****5678" || sv.Applicant.Address != "" {
		t.Errorf("supervisor sees phone %q, address %q; want 138****5678 and none", sv.Applicant.Phone, sv.Applicant.Address)
	}
	for _, ev := range sv.Timeline {
		if _, ok := ev.Data["data"]; ok {
			t.Errorf("supervisor sees a %s event's step data: %v", ev.Type, ev.Data)
		}
	}
	var rv struct {
		Applicant struct{ Phone, Address string } `json:"applicant"`
	}
	if call(t, "GET", e.base+"/api/v1/cases/"+a.ID, e.as("reviewer"), nil, &rv); rv.Applicant.Phone != "13812345678" || rv.Applicant.Address == "" {
		t.Errorf("reviewer sees phone %q, address %q; want both in full", rv.Applicant.Phone, rv.Applicant.Address)
	}

	var raw []byte
	for _, f := range []string{"mzflow.db", "mzflow.db-wal"} {
		b, err := os.ReadFile(filepath.Join(cfg.data, f))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	if !strings.Contains(string(raw), "封存测试") {
		t.Fatal("the database files do not hold the applicant's name: the check below would prove nothing")
	}
	for _, plain := range []string{"1357.9", "调查员甲", "household_income_monthly"} {
		if strings.Contains(string(raw), plain) {
			t.Errorf("the read model's files hold %q in plain text", plain)
		}
	}
}
