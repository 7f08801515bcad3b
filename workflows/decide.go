package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// stepDef is the table row of one of this case's steps.
func (r *caseRun) stepDef(s mzflow.Step) (StepDef, bool) {
	return AssistanceSteps.Step(r.in.Program, s)
}

// facts are what the case knows that a data check depends on.
func (r *caseRun) facts() Facts { return Facts{HomeVisit: r.st.SpotCheck || r.st.HomeVisit} }

// validateDecide refuses, before anything reaches history: an unknown or closed task, a
// wrong role or organisation, the four-eyes rule, an outcome the step table does not
// allow, a missing reason and step data its type's Validate refuses.
func (r *caseRun) validateDecide(in DecideInput) error {
	t, err := r.openTask(in.TaskID)
	if err != nil {
		return err
	}
	if err := r.mayAct(t, in.Actor); err != nil {
		return err
	}
	if t.AssigneeID != 0 && t.AssigneeID != in.Actor.ID {
		return refuse(mzflow.CodeTaskClaimed, "该任务已由他人认领")
	}
	def, _ := r.stepDef(t.Step)
	o, ok := def.Outcome(in.Outcome)
	if !ok {
		return refuse(mzflow.CodeInvalid, "「%s」不能选择“%s”，可选：%s", t.Step.Name(), in.Outcome, strings.Join(def.OutcomeCodes(), "、"))
	}
	if o.ReasonRequired && strings.TrimSpace(in.Comment) == "" {
		return refuse(mzflow.CodeCommentRequired, "退回、不予批准或停保必须填写理由")
	}
	if _, err := o.ParseData(in.Data, r.facts()); err != nil {
		return refuse(mzflow.CodeRuleViolation, "%s", err.Error())
	}
	return nil
}

// decide records the decision with its validated data; the main flow acts on it,
// projects, and this handler returns once that projection is written, so the decider
// reads their own write.
func (r *caseRun) decide(ctx workflow.Context, in DecideInput) (UpdateResult, error) {
	t := r.task(in.TaskID)
	d := &Decision{Outcome: in.Outcome, Comment: in.Comment, Data: in.Data, Actor: in.Actor, At: workflow.Now(ctx), RequestID: in.RequestID}
	// The validator accepted this data in the same state; a replay does not run
	// validators, so the handler parses it again.
	if def, ok := r.stepDef(t.Step); ok {
		if o, ok := def.Outcome(in.Outcome); ok {
			d.data, _ = o.ParseData(in.Data, r.facts())
		}
	}
	t.Decision = d
	return r.settle(ctx, func() bool { return t.Status != "open" })
}

// dataOf returns a decision's validated data when it is of type T.
func dataOf[T StepData](d *Decision) (T, bool) {
	v, ok := d.data.(T)
	return v, ok
}
