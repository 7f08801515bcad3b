package workflows_test

import (
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/workflows"
)

// A caller that bypasses the API (a direct Temporal client) meets the API's checks in
// the validators: a comment or reason with control or direction characters, one
// investigator twice, an absurd amount. Each is refused before history, and the case goes
// on as if nothing was sent.
func TestHostileUpdatesRefused(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", clerkYL, workflows.OutcomeComplete, "受理\x1b[2J", nil, mzflow.CodeInvalid)
	h.decide("1", clerkYL, workflows.OutcomeComplete, "受理\u202e", nil, mzflow.CodeInvalid)
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	twice := map[string]any{"household_income_monthly": 300, "members": 3, "investigators": []string{"王芳", "王芳"}}
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", twice, mzflow.CodeRuleViolation)
	million := map[string]any{"household_income_monthly": 300, "members": 1000000, "investigators": []string{"王芳", "李四"}}
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", million, mzflow.CodeRuleViolation)
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", investigation, "")
	h.decide("3", reviewer, workflows.OutcomeComplete, "", pass, "")
	h.decide("4", headYL, workflows.OutcomeApprove, "", map[string]any{"proposed_amount_monthly": 1e308}, mzflow.CodeRuleViolation)
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "撤回\x00", Actor: clerkYL}, mzflow.CodeInvalid)
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "本人要求\u2067撤回", Actor: clerkYL}, mzflow.CodeInvalid)
	h.decide("4", headYL, workflows.OutcomeApprove, "", proposed, "")
	h.after(func() {
		if h.last.Status != mzflow.StatusInProgress || h.last.Step != mzflow.StepPublicity {
			t.Errorf("after the refusals: %s at %s, want in progress at publicity", h.last.Status, h.last.Step)
		}
		for _, e := range h.evts {
			if e.Type == "withdrawn" {
				t.Errorf("a refused withdraw reached the timeline")
			}
		}
		h.env.CancelWorkflow()
	})
	h.step = time.Hour
	h.env.ExecuteWorkflow(workflows.AssistanceWorkflow, input(mzflow.Dibao))
	for _, e := range h.errs {
		t.Error(e)
	}
}
