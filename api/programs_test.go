package api

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
)

// The page's unit tests read the step tables from web/src/programs.fixture.json: this
// keeps that file equal to what GET /programs serves.
func TestProgramsFixtureIsCurrent(t *testing.T) {
	want, err := json.MarshalIndent(Programs(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	const file = "../web/src/programs.fixture.json"
	if os.Getenv("MZFLOW_UPDATE_OPENAPI") != "" {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is not what GET /programs serves (%v); regenerate: MZFLOW_UPDATE_OPENAPI=1 go test -run 'FileIsCurrent|FixtureIsCurrent' ./api/", file, err)
	}
}

// Every step a program's rules give a limit to is in its step table, and every task step
// of the table has a role and outcomes: the table and the rules cannot drift apart.
func TestProgramsCoverTheRules(t *testing.T) {
	ps := Programs()
	if len(ps) != 3 {
		t.Fatalf("programs served: %d, want dibao, tekun, linshi", len(ps))
	}
	for _, p := range ps {
		codes := map[mzflow.Step]bool{}
		for _, s := range p.Steps {
			codes[s.Code] = true
			// The rules name steps too (their messages cover programs without a process
			// yet, such as veteran): the table's name must be the same.
			if s.Name != s.Code.Name() {
				t.Errorf("%s.%s: table names it %q, the rules %q", p.Program, s.Code, s.Name, s.Code.Name())
			}
			if s.Code != mzflow.StepPublicity && (s.Role == "" || len(s.Outcomes) == 0) {
				t.Errorf("%s.%s: a task step needs a role and outcomes", p.Program, s.Code)
			}
			for _, f := range s.Fields {
				if f.Label == "" || f.Type == "" || len(f.Outcomes) == 0 {
					t.Errorf("%s.%s.%s: field without label, type or outcome", p.Program, s.Code, f.Name)
				}
			}
		}
		for _, s := range rules.StepsOf(p.Program) {
			if !codes[s] {
				t.Errorf("%s: the rules give %s a limit, the step table has no such step", p.Program, s)
			}
			delete(codes, s)
		}
		// 临时救助 has no limit of its own for an objection's review (docs/domain.md §2.2).
		delete(codes, mzflow.StepObjectionReview)
		for s := range codes {
			t.Errorf("%s: step %s has no limit in the rules", p.Program, s)
		}
	}
}
