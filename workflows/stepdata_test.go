package workflows

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
)

// factsOf are the facts of a case of program p under the national defaults.
func factsOf(p mzflow.Program, homeVisit bool) Facts {
	rs, _ := rules.Defaults().Program(p)
	return Facts{HomeVisit: homeVisit, Bounds: BoundsOf(rs)}
}

// The workflow's own parse and validation of step data refuses what the API refuses, so
// a direct Temporal client cannot record it: absurd numbers, a number that overflows, one
// investigator named twice, names that are not names, text with controls.
func TestStepDataRefused(t *testing.T) {
	dibao := AssistanceSteps.For(mzflow.Dibao)
	linshi := AssistanceSteps.For(mzflow.Linshi)
	outcome := func(tb Table, s mzflow.Step, o string) OutcomeDef {
		d, _ := tb.Step(s)
		def, ok := d.Outcome(o)
		if !ok {
			t.Fatalf("no outcome %s of %s", o, s)
		}
		return def
	}
	inv := outcome(dibao, mzflow.StepInvestigation, OutcomeComplete)
	visit := outcome(dibao, mzflow.StepCountyReview, OutcomeApprove)
	for _, c := range []struct {
		name  string
		o     OutcomeDef
		data  string
		field string
	}{
		{"AmountMonthlyHuge", outcome(dibao, mzflow.StepCountyDecision, OutcomeApprove), `{"amount_monthly":1e308}`, "amount_monthly"},
		{"AmountMonthlyOverflow", outcome(dibao, mzflow.StepCountyDecision, OutcomeApprove), `{"amount_monthly":1e309}`, "amount_monthly"},
		{"ProposedHuge", outcome(dibao, mzflow.StepTownshipReview, OutcomeApprove), `{"proposed_amount_monthly":1e308}`, "proposed_amount_monthly"},
		{"AdjustHuge", outcome(dibao, mzflow.StepRecheck, OutcomeAdjust), `{"amount_monthly":20000.01}`, "amount_monthly"},
		{"GrantHuge", outcome(linshi, mzflow.StepTownshipGrant, OutcomeApprove), `{"amount":1e12}`, "amount"},
		{"MembersMillion", inv, `{"household_income_monthly":800,"members":1000000,"investigators":["张三","李四"]}`, "members"},
		{"IncomeHuge", inv, `{"household_income_monthly":1e300,"members":3,"investigators":["张三","李四"]}`, "household_income_monthly"},
		{"SameInvestigatorTwice", inv, `{"household_income_monthly":800,"members":3,"investigators":["张三","张三"]}`, "investigators"},
		{"SameInvestigatorNFC", inv, `{"household_income_monthly":800,"members":3,"investigators":["Rene\u0301","René"]}`, "investigators"},
		{"InvestigatorNUL", inv, `{"household_income_monthly":800,"members":3,"investigators":["张\u0000三","李四"]}`, "investigators"},
		{"InvestigatorBidi", inv, `{"household_income_monthly":800,"members":3,"investigators":["张\u202e三","李四"]}`, "investigators"},
		{"InvestigatorEmoji", inv, `{"household_income_monthly":800,"members":3,"investigators":["😀","李四"]}`, "investigators"},
		{"InvestigatorLong", inv, `{"household_income_monthly":800,"members":3,"investigators":["` + strings.Repeat("张", 31) + `","李四"]}`, "investigators"},
		{"VisitorsOneTwice", visit, `{"home_visit":{"visited_at":"2026-11-20","visitors":["王五","王五"]}}`, "home_visit"},
		{"VisitDate", visit, `{"home_visit":{"visited_at":"yesterday","visitors":["王五","赵六"]}}`, "home_visit"},
		{"MissingItemControl", outcome(dibao, mzflow.StepIntake, OutcomeReturn), `{"missing_items":["户口本\u001b[2J"]}`, "missing_items"},
		{"NoticeMethodBidi", outcome(dibao, mzflow.StepNotice, OutcomeComplete), `{"delivered_at":"2026-11-20","method":"直接\u2066送达"}`, "method"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.o.ParseData(json.RawMessage(c.data), factsOf(mzflow.Dibao, true))
			fe, ok := err.(*FieldError)
			if !ok || fe.Field != c.field || strings.Contains(fe.Message, "json") {
				t.Errorf("ParseData(%s) = %v, want a Chinese refusal of %s", c.data, err, c.field)
			}
		})
	}
	// The data as staff send it passes, and so does a case started before the bounds
	// existed (its rules carry none: nothing is bounded, as when it started).
	if _, err := inv.ParseData(json.RawMessage(`{"household_income_monthly":800,"members":3,"investigators":["张三","阿依古丽·买买提"]}`), factsOf(mzflow.Dibao, false)); err != nil {
		t.Errorf("good investigation refused: %v", err)
	}
	if _, err := outcome(dibao, mzflow.StepCountyDecision, OutcomeApprove).ParseData(json.RawMessage(`{"amount_monthly":50000}`), Facts{}); err != nil {
		t.Errorf("an amount on a case without bounds refused: %v", err)
	}
}
