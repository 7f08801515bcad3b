package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/workflows"
)

// harness runs a case workflow in the SDK's test environment (time skipping) with the
// real calendar activities and a projection that records what it would write.
type harness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	draw  bool
	cal   *calendar.Calendar
	mu    sync.Mutex
	last  workflows.ProjectInput
	all   []workflows.ProjectInput // every projection, in order
	evts  []workflows.EventRow
	notes []workflows.NoticeRow
	step  time.Duration // delay between scripted actions
	at    time.Duration
	errs  []string
}

var (
	clerkYL  = workflows.Actor{ID: 2, Name: "王芳", Role: mzflow.RoleTownshipClerk, OrgCode: "349901100"}
	headYL   = workflows.Actor{ID: 3, Name: "李建国", Role: mzflow.RoleTownshipHead, OrgCode: "349901100"}
	clerkHS  = workflows.Actor{ID: 4, Name: "赵敏", Role: mzflow.RoleTownshipClerk, OrgCode: "349901101"}
	reviewer = workflows.Actor{ID: 6, Name: "刘洋", Role: mzflow.RoleCountyReviewer, OrgCode: "349901"}
	approver = workflows.Actor{ID: 7, Name: "张伟", Role: mzflow.RoleCountyApprover, OrgCode: "349901"}
)

func newHarness(t *testing.T, start time.Time) *harness {
	h := &harness{t: t, step: time.Hour}
	var s testsuite.WorkflowTestSuite
	if os.Getenv("WFLOG") == "" {
		s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	}
	h.env = s.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.cal = calendar.New()
	acts := &activities.Activities{Calendar: h.cal, Now: time.Now}
	h.env.RegisterActivity(acts)
	h.env.OnActivity(acts.Draw, mock.Anything, mock.Anything).Return(func(_ context.Context, in workflows.DrawInput) (workflows.DrawResult, error) {
		return workflows.DrawResult{Hit: h.draw}, nil
	})
	h.env.OnActivity(acts.Project, mock.Anything, mock.Anything).Return(func(_ context.Context, in workflows.ProjectInput) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.last, h.all = in, append(h.all, in)
		h.evts = append(h.evts, in.Events...)
		h.notes = append(h.notes, in.Notices...)
		return nil
	})
	h.env.RegisterWorkflowWithOptions(workflows.Assistance, workflow.RegisterOptions{Name: workflows.AssistanceWorkflow})
	return h
}

func input(p mzflow.Program) workflows.CaseInput {
	rs, _ := rules.Defaults().Program(p)
	return workflows.CaseInput{CaseID: "c1", Program: p, TownshipCode: "349901100", CountyCode: "349901",
		Applicant:         workflows.Applicant{Name: "张三", IDHash: "h", IDMasked: "110105********002X"},
		HouseholdCategory: "stable", Rules: rs, SubmittedBy: clerkYL}
}

// after schedules fn at the next scripted moment.
func (h *harness) after(fn func()) {
	h.at += h.step
	h.env.RegisterDelayedCallback(fn, h.at)
}

// decide schedules a decision that must be accepted; wantErr, when set, is the
// refusal code expected instead.
func (h *harness) decide(task string, by workflows.Actor, outcome, comment string, data any, wantErr mzflow.Code) {
	h.after(func() {
		raw, _ := json.Marshal(data)
		in := workflows.DecideInput{TaskID: "c1-" + task, Outcome: outcome, Comment: comment, Data: raw, Actor: by}
		h.env.UpdateWorkflow(workflows.UpdateDecide, fmt.Sprintf("u-%d", h.env.Now().UnixNano()), &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if wantErr == "" || !containsCode(err, wantErr) {
					h.errs = append(h.errs, fmt.Sprintf("decide %s %s by %s: rejected %v, want %q", task, outcome, by.Name, err, wantErr))
				}
			},
			OnAccept: func() {
				if wantErr != "" {
					h.errs = append(h.errs, fmt.Sprintf("decide %s %s by %s: accepted, want refusal %s", task, outcome, by.Name, wantErr))
				}
			},
			OnComplete: func(_ any, err error) {
				if err != nil && wantErr == "" {
					h.errs = append(h.errs, fmt.Sprintf("decide %s: %v", task, err))
				}
			},
		}, in)
	})
}

func (h *harness) update(name string, arg any, wantErr mzflow.Code) {
	h.after(func() {
		h.env.UpdateWorkflow(name, fmt.Sprintf("u-%d", h.env.Now().UnixNano()), &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if wantErr == "" || !containsCode(err, wantErr) {
					h.errs = append(h.errs, fmt.Sprintf("%s: rejected %v, want %q", name, err, wantErr))
				}
			},
			OnAccept:   func() {},
			OnComplete: func(any, error) {},
		}, arg)
	})
}

func containsCode(err error, code mzflow.Code) bool {
	return err != nil && (fmt.Sprint(err) != "" && (contains(fmt.Sprint(err), string(code))))
}

func contains(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func (h *harness) run(in workflows.CaseInput) workflows.CaseResult {
	h.t.Helper()
	h.env.ExecuteWorkflow(workflows.AssistanceWorkflow, in)
	for _, e := range h.errs {
		h.t.Error(e)
	}
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	var res workflows.CaseResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		h.t.Fatalf("workflow error: %v", err)
	}
	return res
}

func (h *harness) types() []string {
	var out []string
	for _, e := range h.evts {
		out = append(out, e.Type)
	}
	return out
}

func (h *harness) hasEvent(typ string) bool { return slices.Contains(h.types(), typ) }

var (
	investigation = map[string]any{"household_income_monthly": 300, "members": 3, "investigators": []string{"王芳", "李四"}}
	pass          = map[string]any{"result": "pass"}
	proposed      = map[string]any{"proposed_amount_monthly": 680}
	grant         = map[string]any{"amount_monthly": 700}
	homeVisit     = map[string]any{"home_visit": map[string]any{"visited_at": "2026-03-20", "visitors": []string{"刘洋", "王芳"}}}
)

// Mon 2026-03-02 09:00 in China: an ordinary working week.
var monday = time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)

// toApproval walks a dibao case from intake to the county decision's task (c1-6).
func (h *harness) toCountyDecision(publicity time.Duration) {
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", investigation, "")
	h.decide("3", reviewer, workflows.OutcomeComplete, "", pass, "")
	h.decide("4", headYL, workflows.OutcomeApprove, "", proposed, "")
	h.at += publicity
	h.decide("5", reviewer, workflows.OutcomeApprove, "", homeVisit, "")
}

func TestApprove(t *testing.T) {
	h := newHarness(t, monday)
	h.toCountyDecision(8 * 24 * time.Hour)
	h.decide("6", reviewer, workflows.OutcomeApprove, "", grant, mzflow.CodeForbidden) // four eyes
	h.decide("6", clerkHS, workflows.OutcomeApprove, "", grant, mzflow.CodeForbidden)  // wrong role and township
	h.decide("6", approver, workflows.OutcomeApprove, "", nil, mzflow.CodeRuleViolation)
	h.decide("6", approver, workflows.OutcomeApprove, "", grant, "")
	h.decide("6", approver, workflows.OutcomeApprove, "", grant, mzflow.CodeTaskNotOpen)
	// Approved dibao waits a year for its re-check; end the test by withdrawing? No:
	// approved cases cannot be withdrawn, so cancel the env after checking the state.
	h.after(func() {
		if h.last.Status != mzflow.StatusApproved || h.last.AmountMonthly != 700 || h.last.PayFrom != "2026-04-01" {
			t.Errorf("after approval: status %s amount %v pay_from %s, want approved 700 2026-04-01", h.last.Status, h.last.AmountMonthly, h.last.PayFrom)
		}
		h.env.CancelWorkflow()
	})
	h.env.ExecuteWorkflow(workflows.AssistanceWorkflow, input(mzflow.Dibao))
	for _, e := range h.errs {
		t.Error(e)
	}
	for _, want := range []string{"submitted", "accepted", "publicity_started", "publicity_ended", "spot_check_drawn", "approved"} {
		if !h.hasEvent(want) {
			t.Errorf("timeline %v has no %q", h.types(), want)
		}
	}
}

func TestRejectWithNotice(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", investigation, "")
	h.decide("3", reviewer, workflows.OutcomeComplete, "", map[string]any{"result": "fail"}, "")
	h.decide("4", headYL, workflows.OutcomeReject, "", nil, mzflow.CodeCommentRequired)
	h.decide("4", headYL, workflows.OutcomeReject, "家庭人均收入高于当地低保标准", nil, "")
	h.decide("5", clerkYL, workflows.OutcomeComplete, "", nil, mzflow.CodeRuleViolation)
	h.decide("5", clerkYL, workflows.OutcomeComplete, "", map[string]any{"delivered_at": "2026-03-06", "method": "当面送达"}, "")
	res := h.run(input(mzflow.Dibao))
	if res.Status != mzflow.StatusRejected {
		t.Errorf("status = %s, want rejected", res.Status)
	}
	if !h.hasEvent("rejected") || h.last.Tasks[len(h.last.Tasks)-1].Step != mzflow.StepNotice {
		t.Errorf("timeline %v: want a rejection and a notice task", h.types())
	}
}

func TestReturnAndMaterials(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", clerkYL, workflows.OutcomeReturn, "材料不全", map[string]any{}, mzflow.CodeRuleViolation)
	h.decide("1", clerkYL, workflows.OutcomeReturn, "材料不全", map[string]any{"missing_items": []string{"户口簿", "收入证明"}}, "")
	h.after(func() {
		if h.last.Status != mzflow.StatusAwaitingMaterials {
			t.Errorf("status = %s, want awaiting_materials", h.last.Status)
		}
	})
	h.update(workflows.UpdateMaterials, workflows.ReasonInput{Reason: "已补齐", Actor: clerkYL}, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", nil, "") // a fresh intake task
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "申请人撤回", Actor: clerkYL}, "")
	res := h.run(input(mzflow.Dibao))
	if res.Status != mzflow.StatusWithdrawn {
		t.Errorf("status = %s, want withdrawn", res.Status)
	}
	if !h.hasEvent("materials_requested") || !h.hasEvent("materials_received") || !h.hasEvent("accepted") {
		t.Errorf("timeline %v: want materials requested, received, accepted", h.types())
	}
	for _, task := range h.last.Tasks {
		if task.Status == "open" {
			t.Errorf("task %s still open after withdrawal", task.ID)
		}
	}
}

func TestObjectionAndHomeVisit(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	h.update(workflows.UpdateObject, workflows.ObjectInput{Content: "有车辆", Actor: clerkYL}, mzflow.CodeNotInPublicity)
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", investigation, "")
	h.decide("3", reviewer, workflows.OutcomeComplete, "", pass, "")
	h.decide("4", headYL, workflows.OutcomeApprove, "", proposed, "")
	h.update(workflows.UpdateObject, workflows.ObjectInput{Content: "申请人家有轿车一辆", Reporter: "村民", Actor: clerkYL}, "")
	h.decide("5", headYL, workflows.OutcomeApprove, "经复查车辆已报废", nil, "") // objection_review
	h.at += 8 * 24 * time.Hour                                           // second publicity runs out
	h.decide("6", reviewer, workflows.OutcomeApprove, "", nil, mzflow.CodeRuleViolation)
	h.decide("6", reviewer, workflows.OutcomeApprove, "", homeVisit, "")
	h.decide("7", approver, workflows.OutcomeReject, "经入户核查不符合条件", nil, "")
	h.decide("8", clerkYL, workflows.OutcomeComplete, "", map[string]any{"delivered_at": "2026-03-30", "method": "邮寄"}, "")
	res := h.run(input(mzflow.Dibao))
	if res.Status != mzflow.StatusRejected {
		t.Errorf("status = %s, want rejected", res.Status)
	}
	n := 0
	for _, e := range h.evts {
		if e.Type == "publicity_started" {
			n++
		}
	}
	if n != 2 || !h.hasEvent("objection") {
		t.Errorf("timeline %v: want an objection and two publicities", h.types())
	}
}

func TestSpotCheckDrawn(t *testing.T) {
	h := newHarness(t, monday)
	h.draw = true
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", investigation, "")
	h.decide("3", reviewer, workflows.OutcomeComplete, "", pass, "")
	h.decide("4", headYL, workflows.OutcomeApprove, "", proposed, "")
	h.at += 8 * 24 * time.Hour
	h.decide("5", reviewer, workflows.OutcomeApprove, "", nil, mzflow.CodeRuleViolation)
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "撤回", Actor: clerkYL}, "")
	h.run(input(mzflow.Dibao))
	if !h.last.SpotCheck {
		t.Error("spot_check = false, want true when drawn")
	}
}

// TestDeadlineAcrossNationalDay: intake accepted Wed 2026-09-30 with 3WD → 2026-10-10
// (docs/domain.md §5.1), not 10-05; the reminder comes one working day before, and after the
// due date escalations go to the township head, then the supervisor, 2WD apart.
func TestDeadlineAcrossNationalDay(t *testing.T) {
	h := newHarness(t, time.Date(2026, 9, 30, 10, 0, 0, 0, calendar.Zone))
	h.step = 0
	h.at = 15 * 24 * time.Hour // 2026-10-15: past due, two escalation levels
	h.after(func() {
		task := h.last.Tasks[0]
		if got := task.DueAt.In(calendar.Zone).Format("2006-01-02 15:04"); got != "2026-10-11 00:00" {
			t.Errorf("intake due = %s, want 2026-10-11 00:00 (end of 2026-10-10)", got)
		}
		if task.Level != 2 {
			t.Errorf("escalation level on 10-15 = %d, want 2", task.Level)
		}
		var kinds []string
		for _, n := range h.notes {
			kinds = append(kinds, n.Kind+":"+string(n.Role))
		}
		want := []string{"reminder:township_clerk", "escalation:township_head", "escalation:supervisor"}
		if !slices.Equal(kinds, want) {
			t.Errorf("notices = %v, want %v", kinds, want)
		}
	})
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "撤回", Actor: clerkYL}, "")
	h.run(input(mzflow.Dibao))
}

func TestRecheckContinueAsNew(t *testing.T) {
	h := newHarness(t, monday)
	in := input(mzflow.Dibao)
	in.State = &workflows.CaseState{Status: mzflow.StatusApproved, SubmittedAt: monday, AmountMonthly: 700, Record: workflows.Record{Seq: 20, TaskSeq: 6}}
	in.HouseholdCategory = "unstable"
	h.at = 6 * 31 * 24 * time.Hour
	h.decide("7", clerkYL, workflows.OutcomeAdjust, "收入增加", map[string]any{"amount_monthly": 500}, "")
	h.decide("8", headYL, workflows.OutcomeAdjust, "同意", map[string]any{"amount_monthly": 500}, "")
	h.env.ExecuteWorkflow(workflows.AssistanceWorkflow, in)
	for _, e := range h.errs {
		t.Error(e)
	}
	err := h.env.GetWorkflowError()
	if !workflow.IsContinueAsNewError(err) {
		t.Fatalf("workflow error = %v, want continue-as-new after the re-check", err)
	}
	if !h.hasEvent("amount_adjusted") {
		t.Errorf("timeline %v: want amount_adjusted", h.types())
	}
}

func TestLinshiUrgent(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", headYL, workflows.OutcomeApprove, "", map[string]any{"amount": 1500}, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", nil, "")
	in := input(mzflow.Linshi)
	in.Urgent = true
	res := h.run(in)
	if res.Status != mzflow.StatusApproved || h.last.AmountMonthly != 1500 || !h.hasEvent("granted") {
		t.Errorf("urgent linshi: %+v amount %v events %v, want approved 1500 with granted", res, h.last.AmountMonthly, h.types())
	}
}

func TestLinshiWithinTownshipCap(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "", investigation, "")
	h.decide("3", headYL, workflows.OutcomeApprove, "", map[string]any{"amount": 800}, "")
	h.at += 10 * 24 * time.Hour
	res := h.run(input(mzflow.Linshi))
	if res.Status != mzflow.StatusApproved {
		t.Errorf("linshi 800 yuan: %+v, want approved by the township", res)
	}
}

// TestCalendarChange: when 2026's make-up working day 10-10 is withdrawn by an
// administrator, an open intake task due that day is moved to the next working day.
func TestCalendarChange(t *testing.T) {
	h := newHarness(t, time.Date(2026, 9, 30, 10, 0, 0, 0, calendar.Zone))
	h.after(func() {
		y := h.cal.Year(2026)
		workdays := slices.DeleteFunc(slices.Clone(y.Workdays), func(d string) bool { return d == "2026-10-10" })
		if err := h.cal.Set(2026, y.Holidays, workdays); err != nil {
			t.Fatal(err)
		}
		h.env.SignalWorkflow(workflows.SignalCalendarChanged, workflows.CalendarChange{Year: 2026})
	})
	h.after(func() {
		if got := h.last.Tasks[0].DueAt.In(calendar.Zone).Format("2006-01-02"); got != "2026-10-13" {
			t.Errorf("intake due after the edit = %s, want 2026-10-13 (end of Mon 10-12)", got)
		}
		if !h.hasEvent("due_changed") {
			t.Errorf("timeline %v has no due_changed", h.types())
		}
	})
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "撤回", Actor: clerkYL}, "")
	h.run(input(mzflow.Dibao))
}

// TestOverallLimitEscalates: accepted Monday with a 1 WD overall limit, the case is late
// from Wednesday 00:00; the township head is told, then the supervisor 2 WD later.
func TestOverallLimitEscalates(t *testing.T) {
	h := newHarness(t, monday)
	in := input(mzflow.Dibao)
	in.Rules.OverallLimit = mzflow.Limit{N: 1, Unit: mzflow.WorkingDays}
	h.decide("1", clerkYL, workflows.OutcomeComplete, "", nil, "")
	h.at = 6 * 24 * time.Hour // Sunday 03-08 09:00
	h.after(func() {
		var roles []string
		for _, n := range h.notes {
			if strings.HasPrefix(n.Key, "overall/") {
				roles = append(roles, string(n.Role))
			}
		}
		if want := []string{"township_head", "supervisor"}; !slices.Equal(roles, want) {
			t.Errorf("overall-limit escalations told %v, want %v", roles, want)
		}
		if !h.hasEvent("overall_escalated") {
			t.Errorf("timeline %v has no overall_escalated", h.types())
		}
	})
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "撤回", Actor: clerkYL}, "")
	h.run(in)
}
