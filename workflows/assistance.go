package workflows

import (
	"errors"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
)

// errContinue asks Assistance to continue as new after a re-check cycle.
var errContinue = errors.New("continue as new")

// caseRun is one execution of an assistance case: the shared run (record, steps,
// watches) and what only a case has, its input, its state and the inputs its own
// updates hand to the main flow.
type caseRun struct {
	*run
	in    CaseInput
	st    *CaseState
	abort workflow.CancelFunc
	// withdrawn is set by the withdraw update; the main flow sees its context cancelled.
	withdrawn *ReasonInput
	// objection is set by the object update while in publicity.
	objection *ObjectInput
	// materials is set when the applicant completes a returned application.
	materials *ReasonInput
}

// Assistance is the social-assistance process of docs/domain.md §1–2 for 低保, 特困 and
// 临时救助: intake → investigation ‖ information check → township review → publicity
// (objection → review → publicity again) → county review with spot-check → county
// decision → approval (then periodic re-checks) or rejection with a written notice.
// 临时救助 urgent cases are granted first and documented after; small 临时救助 amounts
// are approved by the township alone. Its steps are in assistance_steps.go.
func Assistance(ctx workflow.Context, in CaseInput) (CaseResult, error) {
	st := in.State
	if st == nil {
		st = &CaseState{Status: mzflow.StatusInProgress, SubmittedAt: workflow.Now(ctx)}
	}
	r := &caseRun{in: in, st: st}
	r.run = newRun(ctx, &st.Record, r, in.CaseID, sprintf("%s（%s）", in.Applicant.Name, in.Program.Name()),
		AssistanceSteps.For(in.Program))
	r.remindBefore = in.Rules.RemindBefore
	if in.State != nil {
		r.resume()
	}
	if st.Overall == nil {
		// The overall limit has no reminder; states from before Overall carry its level.
		st.Overall = &Deadline{Reminded: true, Level: st.OverallLevel, NextEscAt: st.OverallNextAt}
		st.OverallLevel, st.OverallNextAt = 0, time.Time{}
	}
	flow, cancel := workflow.WithCancel(ctx)
	r.abort = cancel
	if err := r.register(ctx); err != nil {
		return CaseResult{}, err
	}
	if in.State == nil {
		r.event(ctx, "submitted", "", in.SubmittedBy, "", map[string]any{"program": in.Program,
			"urgent": in.Urgent, "related_to_staff": in.RelatedToStaff, "request_id": in.RequestID})
	}
	// Version 1 escalates the overall limit like any task; histories from before it
	// had no such watcher.
	if workflow.GetVersion(ctx, "overall-escalation", workflow.DefaultVersion, 1) == 1 {
		workflow.Go(flow, r.watchOverall)
	}
	err := r.process(flow)

	// From here on the case is closing: use a context the withdraw cancellation cannot reach.
	done, _ := workflow.NewDisconnectedContext(ctx)
	if r.withdrawn != nil && (err == nil || temporal.IsCanceledError(err)) {
		err = nil
		st.Status, st.Outcome, st.DecidedAt = mzflow.StatusWithdrawn, "withdrawn", workflow.Now(done)
		r.event(done, "withdrawn", st.Step, r.withdrawn.Actor, r.withdrawn.Reason, nil)
	}
	for _, t := range st.Tasks {
		if t.Status == "open" {
			t.Status = "cancelled"
		}
	}
	if errors.Is(err, errContinue) {
		next := in
		next.State = st
		return CaseResult{}, r.continueAsNew(done, AssistanceWorkflow, next)
	}
	if err != nil {
		return CaseResult{}, err
	}
	st.Step = ""
	if err := r.close(done, true); err != nil {
		return CaseResult{}, err
	}
	return CaseResult{Status: st.Status, Outcome: st.Outcome}, nil
}

// phase is one stretch of the process between decisions that send a case back; it
// returns the phase that comes next, or nil once the case is decided.
type phase func(workflow.Context) (phase, error)

func (r *caseRun) process(ctx workflow.Context) error {
	if r.st.Status == mzflow.StatusApproved {
		return r.recheck(ctx) // resumed by continue-as-new
	}
	if r.in.Program == mzflow.Linshi && r.in.Urgent {
		return r.urgentGrant(ctx)
	}
	if err := r.intake(ctx); err != nil {
		return err
	}
	for p := phase(r.investigate); p != nil; {
		var err error
		if p, err = p(ctx); err != nil {
			return err
		}
	}
	return nil
}

// spec is a case step's task: the role in the organisation, the rules' limit, the rules'
// reminder and escalation chain.
func (r *caseRun) spec(step mzflow.Step, role mzflow.Role, org string) StepSpec {
	return StepSpec{Step: step, Role: role, OrgCode: org, Limit: r.in.Rules.Steps[step].Limit,
		Reminders: Reminders{Before: r.in.Rules.RemindBefore}, Escalation: r.escalation()}
}

// escalation is the rules' chain, each role told in the case's township or county.
func (r *caseRun) escalation() Escalation {
	e := Escalation{Every: r.in.Rules.EscalateEvery}
	for _, role := range r.in.Rules.Escalation {
		at := mzflow.LevelCounty
		if role.Township() {
			at = mzflow.LevelTownship
		}
		e.Chain = append(e.Chain, Escalate{Role: role, At: at})
	}
	return e
}

// start opens a case step; the case's current step follows it, except for the notice
// and re-check steps that come after the decision.
func (r *caseRun) start(ctx workflow.Context, step mzflow.Step, role mzflow.Role, org string) (*Task, error) {
	t, err := r.openStep(ctx, r.spec(step, role, org))
	if err != nil {
		return nil, err
	}
	if step != mzflow.StepNotice && step != mzflow.StepRecheck || r.st.Step == "" {
		r.st.Step = step
	}
	return t, nil
}

// do opens a case step and waits for its decision.
func (r *caseRun) do(ctx workflow.Context, step mzflow.Step, role mzflow.Role, org string) (*Decision, error) {
	t, err := r.start(ctx, step, role, org)
	if err != nil {
		return nil, err
	}
	return r.await(ctx, t)
}

// investigate runs the investigation and the information check side by side (R1 Art
// 15, 17); 临时救助 has no county information check.
func (r *caseRun) investigate(ctx workflow.Context) (phase, error) {
	parallel := []*Task{}
	t, err := r.start(ctx, mzflow.StepInvestigation, mzflow.RoleTownshipClerk, r.in.TownshipCode)
	if err != nil {
		return nil, err
	}
	parallel = append(parallel, t)
	if r.in.Program != mzflow.Linshi {
		if t, err = r.start(ctx, mzflow.StepInfoCheck, mzflow.RoleCountyReviewer, r.in.CountyCode); err != nil {
			return nil, err
		}
		parallel = append(parallel, t)
	}
	var branches []workflow.Future
	for _, t := range parallel {
		f, set := workflow.NewFuture(ctx)
		workflow.Go(ctx, func(ctx workflow.Context) {
			d, err := r.await(ctx, t)
			// Show this decision now only if a sibling is still open; after the last one
			// the main flow opens the next step and projects both together.
			if err == nil && slices.ContainsFunc(parallel, func(o *Task) bool { return o.Status == "open" }) {
				err = r.flush(ctx, false)
			}
			set.Set(d, err)
		})
		branches = append(branches, f)
	}
	for _, f := range branches {
		if err := f.Get(ctx, nil); err != nil {
			return nil, err
		}
	}
	return r.townshipReview, nil
}

// townshipReview is the township's opinion, then the publicity with its objections; a
// 临时救助 amount within the township's cap is approved here (R5 §二).
func (r *caseRun) townshipReview(ctx workflow.Context) (phase, error) {
	town := r.in.TownshipCode
	d, err := r.do(ctx, mzflow.StepTownshipReview, mzflow.RoleTownshipHead, town)
	if err != nil {
		return nil, err
	}
	switch d.Outcome {
	case OutcomeReject:
		return nil, r.reject(ctx, d)
	case OutcomeReturn:
		return r.investigate, nil
	}
	if v, ok := dataOf[*AmountData](d); ok {
		r.st.AmountMonthly = *v.Amount
	} else if v, ok := dataOf[*ProposedAmountData](d); ok {
		r.st.AmountMonthly = *v.ProposedAmountMonthly
	}
	// Publicity, and after each objection a review and a new publicity (R1 Art 19).
	for {
		objected, err := r.publicity(ctx)
		if err != nil {
			return nil, err
		}
		if !objected {
			break
		}
		d, err := r.do(ctx, mzflow.StepObjectionReview, mzflow.RoleTownshipHead, town)
		if err != nil {
			return nil, err
		}
		if d.Outcome == OutcomeReject {
			return nil, r.reject(ctx, d)
		}
	}
	if r.in.Program == mzflow.Linshi && r.st.AmountMonthly <= r.in.Rules.TownshipCap {
		return nil, r.approve(ctx, r.st.AmountMonthly) // within the township's delegated cap (R5 §二)
	}
	return r.countyReview, nil
}

// countyReview is the county's review (with the spot-check drawn when it opens) and its
// decision; the decision may send the case back to the review, the review to the
// township.
func (r *caseRun) countyReview(ctx workflow.Context) (phase, error) {
	county := r.in.CountyCode
	for {
		if err := r.drawSpotCheck(ctx); err != nil {
			return nil, err
		}
		d, err := r.do(ctx, mzflow.StepCountyReview, mzflow.RoleCountyReviewer, county)
		if err != nil {
			return nil, err
		}
		r.st.CountyReviewer = d.Actor.ID
		switch d.Outcome {
		case OutcomeReject:
			return nil, r.reject(ctx, d)
		case OutcomeReturn:
			return r.townshipReview, nil
		}
		d, err = r.do(ctx, mzflow.StepCountyDecision, mzflow.RoleCountyApprover, county)
		if err != nil {
			return nil, err
		}
		switch d.Outcome {
		case OutcomeReject:
			return nil, r.reject(ctx, d)
		case OutcomeReturn:
			continue
		}
		amount := r.st.AmountMonthly
		if v, ok := dataOf[*AmountMonthlyData](d); ok {
			amount = *v.AmountMonthly
		}
		return nil, r.approve(ctx, amount)
	}
}

// intake accepts the application, or returns it with a one-time notice of every missing
// item (一次性告知, R1 Art 10): the case waits with its clock stopped until the
// applicant completes it, then intake opens again with a fresh due time.
func (r *caseRun) intake(ctx workflow.Context) error {
	for {
		d, err := r.do(ctx, mzflow.StepIntake, mzflow.RoleTownshipClerk, r.in.TownshipCode)
		if err != nil {
			return err
		}
		if d.Outcome == OutcomeComplete {
			break
		}
		var missing []string
		if v, ok := dataOf[*MissingItemsData](d); ok {
			missing = v.MissingItems
		}
		r.st.Status = mzflow.StatusAwaitingMaterials
		r.event(ctx, "materials_requested", mzflow.StepIntake, d.Actor, "一次性告知需补正材料："+strings.Join(missing, "、"),
			map[string]any{"missing_items": missing})
		if err := r.flush(ctx, false); err != nil {
			return err
		}
		if err := workflow.Await(ctx, func() bool { return r.materials != nil }); err != nil {
			return err
		}
		r.st.Status = mzflow.StatusInProgress
		r.event(ctx, "materials_received", mzflow.StepIntake, r.materials.Actor, r.materials.Reason, nil)
		r.materials = nil
	}
	// The overall limit runs from acceptance (R1 Art 22).
	now := workflow.Now(ctx)
	d, err := r.deadline(ctx, now, r.in.Rules.OverallLimit, r.reminders())
	if err != nil {
		return err
	}
	r.st.AcceptedAt, r.st.DueAt = now, d.Due.At
	r.event(ctx, "accepted", mzflow.StepIntake, Actor{}, "", map[string]any{"due": d.Due.Date, "limit": r.in.Rules.OverallLimit.String()})
	return nil
}

// publicity posts the case for the rule's period (a timer, not a task). It reports
// whether an objection ended it early.
func (r *caseRun) publicity(ctx workflow.Context) (bool, error) {
	start := workflow.Now(ctx)
	d, err := r.deadline(ctx, start, r.in.Rules.Steps[mzflow.StepPublicity].Limit, r.reminders())
	if err != nil {
		return false, err
	}
	r.st.Step, r.st.InPublicity, r.st.PublicityEnds = mzflow.StepPublicity, true, d.Due.At
	r.event(ctx, "publicity_started", mzflow.StepPublicity, Actor{}, "", map[string]any{"ends": d.Due.Date, "ends_at": d.Due.At})
	if err := r.flush(ctx, false); err != nil {
		return false, err
	}
	objected, err := workflow.AwaitWithTimeout(ctx, d.Due.At.Sub(start), func() bool { return r.objection != nil })
	r.st.InPublicity = false
	if err != nil {
		return false, err
	}
	if objected {
		o := r.objection
		r.objection = nil
		r.st.Objections++
		r.st.HomeVisit = true // a complaint makes the county home visit mandatory (R1 Art 20)
		r.event(ctx, "objection", mzflow.StepPublicity, o.Actor, o.Content, map[string]any{"reporter": o.Reporter})
		return true, nil
	}
	end := workflow.Now(ctx)
	r.event(ctx, "publicity_ended", mzflow.StepPublicity, Actor{}, "公示期满无异议", nil)
	if !r.in.Rules.CountPublicity && !r.st.DueAt.IsZero() {
		// Local rules exclude the publicity from the overall limit (不含公示时间): move
		// the overall due time by the working days the publicity took.
		var out DeadlineResult
		err := workflow.ExecuteLocalActivity(localOpts(ctx), ActivityShift,
			ShiftInput{Due: r.st.DueAt, PausedFrom: start, PausedTo: end}).Get(ctx, &out)
		if err != nil {
			return false, err
		}
		r.st.DueAt = out.Due.At
	}
	return false, nil
}

// drawSpotCheck decides, when the county review opens and not before, whether the case
// gets a home visit: drawn at the rule's rate by a local activity (so it is recorded and
// unpredictable), and always for separately registered cases and cases with objections.
func (r *caseRun) drawSpotCheck(ctx workflow.Context) error {
	if r.st.SpotCheck {
		return nil
	}
	var out DrawResult
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), ActivityDraw, DrawInput{Rate: r.in.Rules.SpotCheckRate}).Get(ctx, &out); err != nil {
		return err
	}
	r.st.HomeVisit = r.st.HomeVisit || r.in.RelatedToStaff
	r.st.SpotCheck = out.Hit || r.st.HomeVisit
	reason := "随机抽查"
	switch {
	case r.in.RelatedToStaff:
		reason = "单独登记备案，必须入户核查"
	case r.st.Objections > 0:
		reason = "公示有异议，必须入户核查"
	case !out.Hit:
		reason = "未抽中"
	}
	r.event(ctx, "spot_check_drawn", mzflow.StepCountyReview, Actor{}, reason,
		map[string]any{"rate": r.in.Rules.SpotCheckRate, "drawn": out.Hit, "home_visit": r.st.SpotCheck})
	return nil
}

// approve ends the decision phase with an amount paid from the first day of next month
// (R1 Art 21).
func (r *caseRun) approve(ctx workflow.Context, amount float64) error {
	now := workflow.Now(ctx).In(calendar.Zone)
	r.st.Status, r.st.Outcome, r.st.DecidedAt = mzflow.StatusApproved, "approved", now
	r.st.AmountMonthly = amount
	r.st.PayFrom = time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, calendar.Zone).Format("2006-01-02")
	r.st.Step = ""
	r.event(ctx, "approved", "", Actor{}, "", map[string]any{"amount_monthly": amount, "pay_from": r.st.PayFrom})
	if r.in.Program == mzflow.Linshi {
		return r.flush(ctx, false)
	}
	return r.recheck(ctx)
}

// reject ends the case with the reasons given, then the township delivers the written
// notice (书面告知) within its limit (R1 Art 21).
func (r *caseRun) reject(ctx workflow.Context, d *Decision) error {
	r.st.Status, r.st.Outcome, r.st.DecidedAt = mzflow.StatusRejected, "rejected", workflow.Now(ctx)
	r.event(ctx, "rejected", r.st.Step, d.Actor, d.Comment, nil)
	return r.notice(ctx, d.Comment)
}

// notice follows the event that ended the case (rejected, stopped): its notifications go
// with that event.
func (r *caseRun) notice(ctx workflow.Context, reasons string) error {
	r.notify(Notice{Key: "notice/" + r.st.Outcome, Kind: "notice",
		Role: mzflow.RoleTownshipClerk, OrgCode: r.in.TownshipCode,
		Text: sprintf("请向 %s 送达书面告知（%s）：%s", r.in.Applicant.Name, r.in.Program.Name(), reasons)})
	_, err := r.do(ctx, mzflow.StepNotice, mzflow.RoleTownshipClerk, r.in.TownshipCode)
	return err
}

// urgentGrant is 临时救助's 先行救助 (R5 §二): the township grants at once, the
// paperwork follows within its limit.
func (r *caseRun) urgentGrant(ctx workflow.Context) error {
	d, err := r.do(ctx, mzflow.StepTownshipGrant, mzflow.RoleTownshipHead, r.in.TownshipCode)
	if err != nil {
		return err
	}
	if d.Outcome == OutcomeReject {
		return r.reject(ctx, d)
	}
	if v, ok := dataOf[*AmountData](d); ok {
		r.st.AmountMonthly = *v.Amount
	}
	r.event(ctx, "granted", mzflow.StepTownshipGrant, d.Actor, "先行救助", map[string]any{"amount": r.st.AmountMonthly})
	if _, err := r.do(ctx, mzflow.StepPaperwork, mzflow.RoleTownshipClerk, r.in.TownshipCode); err != nil {
		return err
	}
	return r.approve(ctx, r.st.AmountMonthly)
}

// recheck waits for the next periodic re-check (R1 Art 31: stable households yearly,
// others every six months), then the clerk checks and the township head confirms:
// continue, adjust the amount, or stop with written reasons. Each cycle continues as
// new, so a case that lives for years keeps a small history.
func (r *caseRun) recheck(ctx workflow.Context) error {
	months := r.in.Rules.RecheckMonths[r.in.HouseholdCategory]
	if months == 0 {
		months = r.in.Rules.RecheckMonths["stable"]
	}
	if months == 0 {
		return r.flush(ctx, false)
	}
	if err := r.flush(ctx, false); err != nil {
		return err
	}
	now := workflow.Now(ctx)
	if err := workflow.Sleep(ctx, now.AddDate(0, months, 0).Sub(now)); err != nil {
		return err
	}
	var d *Decision
	for _, role := range []mzflow.Role{mzflow.RoleTownshipClerk, mzflow.RoleTownshipHead} {
		var err error
		if d, err = r.do(ctx, mzflow.StepRecheck, role, r.in.TownshipCode); err != nil {
			return err
		}
	}
	switch d.Outcome {
	case OutcomeStop:
		r.st.Status, r.st.Outcome, r.st.DecidedAt = mzflow.StatusStopped, "stopped", workflow.Now(ctx)
		r.event(ctx, "stopped", mzflow.StepRecheck, d.Actor, d.Comment, nil)
		return r.notice(ctx, d.Comment)
	case OutcomeAdjust:
		if v, ok := dataOf[*AmountMonthlyData](d); ok {
			r.st.AmountMonthly = *v.AmountMonthly
		}
		r.event(ctx, "amount_adjusted", mzflow.StepRecheck, d.Actor, d.Comment, map[string]any{"amount_monthly": r.st.AmountMonthly})
	default:
		r.event(ctx, "recheck_continued", mzflow.StepRecheck, d.Actor, d.Comment, nil)
	}
	r.st.Cycle++
	return errContinue
}

// watchOverall escalates the case's overall limit (R1 Art 22: 30 WD from acceptance, 45
// when extended) with the watch every task has: level 1 when it passes, one level up the
// rules' chain every escalate_every after. It waits until the case is accepted, and
// starts over when the due time moves (extension, publicity not counted).
func (r *caseRun) watchOverall(ctx workflow.Context) {
	o := r.st.Overall
	_ = r.watch(ctx, watch{
		d: o, escalation: r.escalation(),
		done:    func() bool { return !r.open() },
		moved:   func() bool { return !r.st.DueAt.Equal(o.DueAt) },
		onMoved: func() { o.NextEscAt = time.Time{} },
		before: func(ctx workflow.Context) error {
			if err := workflow.Await(ctx, func() bool { return !r.st.DueAt.IsZero() || !r.open() }); err != nil {
				return err
			}
			if !r.open() {
				return errStopWatch
			}
			o.DueAt = r.st.DueAt
			return nil
		},
		after:  func(ctx workflow.Context) error { return r.flush(ctx, false) },
		remind: func(workflow.Context) {},
		escalate: func(ctx workflow.Context, n Notified) {
			r.event(ctx, "overall_escalated", r.st.Step, Actor{}, "", map[string]any{"level": n.Level, "notified_role": n.Role, "org": n.Org})
			r.notify(Notice{Key: sprintf("overall/escalation/%d", n.Level), Kind: "escalation",
				Role: n.Role, OrgCode: n.Org, Text: sprintf("【超过办理总时限·%d级】%s已超过 %s 的总时限", n.Level,
					r.title, r.limitName())})
		},
	})
}

func (r *caseRun) limitName() string {
	if r.st.Extended {
		return r.in.Rules.ExtendedLimit.String()
	}
	return r.in.Rules.OverallLimit.String()
}

// reminders is the rules' reminder lead, which the calendar look-ups of a case carry.
func (r *caseRun) reminders() Reminders { return Reminders{Before: r.in.Rules.RemindBefore} }
