package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mzflow/mzflow"
)

// dataOutcome is one outcome of one step of one program that carries data.
type dataOutcome struct {
	program mzflow.Program
	step    mzflow.Step
	o       OutcomeDef
}

// dataOutcomes lists every outcome with data of every program's table.
func dataOutcomes() []dataOutcome {
	var out []dataOutcome
	for _, p := range mzflow.Programs {
		if !Runs(p) {
			continue
		}
		for _, s := range AssistanceSteps.For(p) {
			for _, o := range s.Outcomes {
				if o.Data != nil {
					out = append(out, dataOutcome{p, s.Code, o})
				}
			}
		}
	}
	return out
}

// FuzzStepData feeds any bytes as the data of every step's outcomes, through the parse
// and validation the workflow's validator uses (ParseData). Properties: no panic; a
// refusal is a *FieldError naming a field, with a Chinese message and none of the
// decoder's words; accepted data written back out is accepted again.
func FuzzStepData(f *testing.F) {
	for _, s := range []string{
		`{"amount_monthly":700}`, `{"amount_monthly":1e308}`, `{"amount_monthly":1e309}`, `{"amount":-1}`,
		`{"proposed_amount_monthly":680}`, `{"household_income_monthly":300,"members":3,"investigators":["王芳","李四"]}`,
		`{"household_income_monthly":300,"members":1000000,"investigators":["张三","张三"]}`,
		`{"missing_items":["户口本","收入证明"]}`, `{"result":"pass"}`,
		`{"home_visit":{"visited_at":"2026-03-20","visitors":["刘洋","王芳"]}}`,
		`{"delivered_at":"2026-03-20","method":"直接送达"}`, `null`, `[]`, `"x"`, `{"members":"3"}`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	outcomes := dataOutcomes()
	f.Fuzz(func(t *testing.T, raw []byte, homeVisit bool) {
		for _, d := range outcomes {
			facts := Facts{HomeVisit: homeVisit, Bounds: Bounds{Members: 20, IncomeMonthly: 1e5, AmountMonthly: 2e4, Amount: 1e5}}
			v, err := d.o.ParseData(raw, facts)
			if err != nil {
				fe, ok := err.(*FieldError)
				if !ok || fe.Field == "" || !chinese(fe.Message) || strings.Contains(fe.Message, "json") || strings.Contains(fe.Message, "Go ") {
					t.Fatalf("%s %s %s: refusal %#v is not a Chinese field message", d.program, d.step, d.o.Code, err)
				}
				continue
			}
			again, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s %s: accepted %#v does not marshal: %v", d.program, d.step, v, err)
			}
			if _, err := d.o.ParseData(again, facts); err != nil {
				t.Fatalf("%s %s %s: accepted %q, but not its own %s: %v", d.program, d.step, d.o.Code, raw, again, err)
			}
		}
	})
}

// chinese reports whether s holds a Han character: the messages staff read are Chinese.
func chinese(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
		s = s[n:]
	}
	return false
}
