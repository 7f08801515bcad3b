package workflows

import (
	"encoding/json"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// outcomes lists what each step allows.
var outcomes = map[mzflow.Step][]string{
	mzflow.StepIntake:          {OutcomeComplete, OutcomeReturn},
	mzflow.StepInvestigation:   {OutcomeComplete},
	mzflow.StepInfoCheck:       {OutcomeComplete},
	mzflow.StepTownshipReview:  {OutcomeApprove, OutcomeReject, OutcomeReturn},
	mzflow.StepObjectionReview: {OutcomeApprove, OutcomeReject},
	mzflow.StepCountyReview:    {OutcomeApprove, OutcomeReject, OutcomeReturn},
	mzflow.StepCountyDecision:  {OutcomeApprove, OutcomeReject, OutcomeReturn},
	mzflow.StepNotice:          {OutcomeComplete},
	mzflow.StepRecheck:         {OutcomeContinue, OutcomeAdjust, OutcomeStop},
	mzflow.StepTownshipGrant:   {OutcomeApprove, OutcomeReject},
	mzflow.StepPaperwork:       {OutcomeComplete},
}

// validateDecide refuses, before anything reaches history: an unknown or closed task, a
// wrong role or organisation, the four-eyes rule, an outcome the step does not allow, a
// missing reason and missing step data.
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
	if !slices.Contains(outcomes[t.Step], in.Outcome) {
		return refuse(mzflow.CodeInvalid, "「%s」不能选择“%s”，可选：%s", t.Step.Name(), in.Outcome, strings.Join(outcomes[t.Step], "、"))
	}
	if (in.Outcome == OutcomeReject || in.Outcome == OutcomeReturn || in.Outcome == OutcomeStop) && strings.TrimSpace(in.Comment) == "" {
		return refuse(mzflow.CodeCommentRequired, "退回、不予批准或停保必须填写理由")
	}
	return r.checkData(t, in)
}

// stepData is the union of the decision data of docs/api.md's table.
type stepData struct {
	MissingItems          []string `json:"missing_items"`
	HouseholdIncome       *float64 `json:"household_income_monthly"`
	Members               *int     `json:"members"`
	Investigators         []string `json:"investigators"`
	Result                string   `json:"result"`
	ProposedAmountMonthly *float64 `json:"proposed_amount_monthly"`
	AmountMonthly         *float64 `json:"amount_monthly"`
	Amount                *float64 `json:"amount"`
	HomeVisit             *struct {
		VisitedAt string   `json:"visited_at"`
		Visitors  []string `json:"visitors"`
	} `json:"home_visit"`
	DeliveredAt string `json:"delivered_at"`
	Method      string `json:"method"`
}

func parseData(raw json.RawMessage) (stepData, error) {
	var d stepData
	if len(raw) == 0 || string(raw) == "null" {
		return d, nil
	}
	err := json.Unmarshal(raw, &d) //workflowcheck:ignore (encoding/json sorts map keys: deterministic)
	return d, err
}

func invalid(field, msg string) error {
	return refuse(mzflow.CodeRuleViolation, "%s：%s", field, msg)
}

func (r *caseRun) checkData(t *Task, in DecideInput) error {
	d, err := parseData(in.Data)
	if err != nil {
		return refuse(mzflow.CodeRuleViolation, "办理数据格式不正确：%v", err)
	}
	positive := func(v *float64, field string) error {
		if v == nil || *v <= 0 {
			return invalid(field, "请填写大于 0 的金额（元）")
		}
		return nil
	}
	switch {
	case t.Step == mzflow.StepIntake && in.Outcome == OutcomeReturn:
		if len(d.MissingItems) == 0 {
			return invalid("missing_items", "请一次性列明需补正的全部材料")
		}
	case t.Step == mzflow.StepInvestigation:
		if d.HouseholdIncome == nil || *d.HouseholdIncome < 0 {
			return invalid("household_income_monthly", "请填写家庭月收入（元）")
		}
		if d.Members == nil || *d.Members < 1 {
			return invalid("members", "请填写家庭人口数")
		}
		if n := len(nonEmpty(d.Investigators)); n < 2 {
			return invalid("investigators", "入户调查人员不少于 2 人")
		}
	case t.Step == mzflow.StepInfoCheck:
		if d.Result != "pass" && d.Result != "fail" {
			return invalid("result", "请选择核对结果（pass 或 fail）")
		}
	case t.Step == mzflow.StepTownshipReview && in.Outcome == OutcomeApprove:
		if r.in.Program == mzflow.Linshi {
			return positive(d.Amount, "amount")
		}
		return positive(d.ProposedAmountMonthly, "proposed_amount_monthly")
	case t.Step == mzflow.StepTownshipGrant && in.Outcome == OutcomeApprove:
		return positive(d.Amount, "amount")
	case t.Step == mzflow.StepCountyReview && in.Outcome == OutcomeApprove && (r.st.SpotCheck || r.st.HomeVisit):
		if d.HomeVisit == nil || d.HomeVisit.VisitedAt == "" || len(nonEmpty(d.HomeVisit.Visitors)) == 0 {
			return invalid("home_visit", "本案须入户核查，请填写入户时间和核查人员")
		}
	case t.Step == mzflow.StepCountyDecision && in.Outcome == OutcomeApprove && r.in.Program != mzflow.Linshi:
		return positive(d.AmountMonthly, "amount_monthly")
	case t.Step == mzflow.StepRecheck && in.Outcome == OutcomeAdjust:
		return positive(d.AmountMonthly, "amount_monthly")
	case t.Step == mzflow.StepNotice:
		if d.DeliveredAt == "" || d.Method == "" {
			return invalid("delivered_at", "请填写送达时间和送达方式")
		}
	}
	return nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// decide records the decision; the main flow acts on it, projects, and this handler
// returns once that projection is written, so the decider reads their own write.
func (r *caseRun) decide(ctx workflow.Context, in DecideInput) (UpdateResult, error) {
	t := r.task(in.TaskID)
	t.Decision = &Decision{Outcome: in.Outcome, Comment: in.Comment, Data: in.Data, Actor: in.Actor, At: workflow.Now(ctx), RequestID: in.RequestID}
	return r.settle(ctx, func() bool { return t.Status != "open" })
}
