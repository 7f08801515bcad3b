package workflows

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// caseRun is one execution of a case workflow: its input, its state and the handlers
// that people's updates reach.
type caseRun struct {
	in    CaseInput
	st    *CaseState
	mu    workflow.Mutex
	abort workflow.CancelFunc
	// withdrawn is set by the withdraw update; the main flow sees its context cancelled.
	withdrawn *ReasonInput
	// objection is set by the object update while in publicity.
	objection *ObjectInput
	// materials is set when the applicant completes a returned application.
	materials *ReasonInput
}

func localOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		// Calendar look-ups are pure; retry them for as long as it takes.
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{MaximumInterval: 10 * time.Second},
	})
}

// projectOpts keeps retrying a projection while the read model is down, so a case never
// loses a step; the worker heartbeats the workflow task meanwhile.
func projectOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 7 * 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{MaximumInterval: time.Minute},
	})
}

// activityOpts are the regular projection activity's, which histories recorded before
// "project-local" still use: it retries until the database is back.
func activityOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: time.Minute},
	})
}

// event appends a timeline entry; it is written at the next projection.
func (r *caseRun) event(ctx workflow.Context, typ string, step mzflow.Step, actor Actor, comment string, data any) {
	r.st.Seq++
	var raw json.RawMessage
	if data != nil {
		raw, _ = json.Marshal(data) //workflowcheck:ignore (encoding/json sorts map keys: deterministic)
	}
	r.st.Timeline = append(r.st.Timeline, Event{Seq: r.st.Seq, Type: typ, Step: step, Actor: actor,
		At: workflow.Now(ctx), Comment: comment, Data: raw})
}

// notify asks the next projection to tell people; it belongs to the event just recorded,
// so a projection that replaces that event replaces its notifications too.
func (r *caseRun) notify(n Notice) {
	n.Seq = r.st.Seq
	r.st.Notices = append(r.st.Notices, n)
}

// unprojected says whether something is recorded that the read model does not show yet.
// Every notice goes with an event, so the sequence numbers tell.
func (r *caseRun) unprojected() bool { return r.st.ProjectedSeq < r.st.Seq }

// revision orders projections: the run (re-check cycles continue as new) in the high
// bits, the history length at the start of this workflow task in the low ones. Every
// projection of one workflow task carries the same revision, whichever attempt of that
// task wrote it, so the attempt the server commits (which runs after a failed one) is
// applied over it; a projection from an earlier task never overwrites a later one.
func (r *caseRun) revision(ctx workflow.Context) int64 {
	return int64(r.st.Cycle)<<32 | int64(workflow.GetInfo(ctx).GetCurrentHistoryLength())
}

// projection is the case in the read model's shape, with the events and notices after
// from (up to the last one recorded): what the read model must hold in that range.
func (r *caseRun) projection(ctx workflow.Context, from int) ProjectInput {
	in := ProjectInput{
		CaseID: r.in.CaseID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID,
		Program: r.in.Program, Category: r.in.Category, TownshipCode: r.in.TownshipCode,
		Village: r.in.Village, Urgent: r.in.Urgent, RelatedToStaff: r.in.RelatedToStaff,
		HouseholdCategory: r.in.HouseholdCategory,
		Applicant:         r.in.Applicant,
		Status:            r.st.Status, Step: r.st.Step, SubmittedAt: r.st.SubmittedAt, DueAt: r.st.DueAt,
		DecidedAt: r.st.DecidedAt, Outcome: r.st.Outcome, AmountMonthly: r.st.AmountMonthly,
		PayFrom: r.st.PayFrom, SpotCheck: r.st.SpotCheck, LastSeq: r.st.Seq,
		Revision: r.revision(ctx), FromSeq: from, TaskSeq: r.st.TaskSeq,
	}
	for _, t := range r.st.Tasks {
		pt := TaskRow{ID: t.ID, Step: t.Step, Role: t.Role, OrgCode: t.OrgCode, Status: t.Status,
			CreatedAt: t.CreatedAt, DueAt: t.DueAt, Provisional: t.Provisional, Level: t.Level,
			AssigneeID: t.AssigneeID, Notified: t.Notified}
		if t.Decision != nil {
			pt.Outcome, pt.DecidedAt, pt.DecidedBy = t.Decision.Outcome, t.Decision.At, t.Decision.Actor.ID
		}
		in.Tasks = append(in.Tasks, pt)
	}
	for _, e := range r.st.Timeline {
		if e.Seq > from {
			in.Events = append(in.Events, EventRow{Seq: e.Seq, Type: e.Type, Step: e.Step,
				ActorID: e.Actor.ID, ActorName: e.Actor.Name, ActorRole: e.Actor.Role, At: e.At,
				Comment: e.Comment, Data: string(e.Data)})
		}
	}
	for _, n := range r.st.Notices {
		if n.Seq > from {
			in.Notices = append(in.Notices, NoticeRow(n))
		}
	}
	return in
}

// project writes the case, its tasks, the events and notices recorded since the last
// projection to the read model and bumps the version that waiting update handlers look
// for. The write replaces what the read model holds after the last projection, so rows
// an uncommitted attempt of a workflow task wrote are corrected, not kept.
func (r *caseRun) project(ctx workflow.Context) error {
	return r.projectFrom(ctx, r.st.ProjectedSeq)
}

// projectFrom projects the events and notices after seq from; the reproject update
// projects the whole run.
func (r *caseRun) projectFrom(ctx workflow.Context, from int) error {
	// Events added while the activity runs (by another coroutine or an update handler)
	// are after in.LastSeq: they go with the next projection.
	in := r.projection(ctx, from)
	// Version 1 projects in a local activity: the write is short and idempotent, and
	// skipping the server round trips of a regular activity more than doubles decision
	// throughput (make bench). Histories recorded before keep the regular activity.
	var f workflow.Future
	if workflow.GetVersion(ctx, "project-local", workflow.DefaultVersion, 1) == 1 {
		f = workflow.ExecuteLocalActivity(projectOpts(ctx), ActivityProject, in)
	} else {
		f = workflow.ExecuteActivity(activityOpts(ctx), ActivityProject, in)
	}
	if err := f.Get(ctx, nil); err != nil {
		return err
	}
	r.st.ProjectedSeq = in.LastSeq
	r.st.Version++
	return nil
}

// deadline asks the calendar (a local activity, so the answer is in history and a
// calendar edit never changes a replay).
func (r *caseRun) deadline(ctx workflow.Context, from time.Time, l mzflow.Limit) (DeadlineResult, error) {
	var out DeadlineResult
	err := workflow.ExecuteLocalActivity(localOpts(ctx), ActivityDeadline,
		DeadlineInput{From: from, Limit: l, RemindBefore: r.in.Rules.RemindBefore}).Get(ctx, &out)
	return out, err
}

func (r *caseRun) task(id string) *Task {
	for _, t := range r.st.Tasks {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (r *caseRun) open() bool {
	return r.st.Status == mzflow.StatusInProgress || r.st.Status == mzflow.StatusAwaitingMaterials
}

// settle waits until the main flow has consumed an update's input and everything it
// recorded up to then is in the read model, so the person who acted reads their own
// write (and the next step it opened) at once.
func (r *caseRun) settle(ctx workflow.Context, consumed func() bool) (UpdateResult, error) {
	if err := workflow.Await(ctx, consumed); err != nil {
		return UpdateResult{}, err
	}
	target := r.st.Seq
	err := workflow.Await(ctx, func() bool { return r.st.ProjectedSeq >= target })
	return UpdateResult{CaseID: r.in.CaseID, Version: r.st.Version}, err
}

// register installs the update and signal handlers. Validators only read state, so a
// refused request never reaches history.
func (r *caseRun) register(ctx workflow.Context) error {
	set := func(name string, handler, validator any) error {
		return workflow.SetUpdateHandlerWithOptions(ctx, name, handler, workflow.UpdateHandlerOptions{Validator: validator})
	}
	if err := set(UpdateSync, func(ctx workflow.Context) (UpdateResult, error) {
		// The handler may run before the workflow has recorded anything: wait for the
		// first projection (the case row and its first task).
		return r.settle(ctx, func() bool { return r.st.Version > 0 })
	}, func() error { return nil }); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (ProjectInput, error) {
		return r.projection(ctx, r.st.RunStartSeq), nil
	}); err != nil {
		return err
	}
	if err := set(UpdateReproject, func(ctx workflow.Context) (UpdateResult, error) {
		if err := r.mu.Lock(ctx); err != nil {
			return UpdateResult{}, err
		}
		defer r.mu.Unlock()
		err := r.projectFrom(ctx, r.st.RunStartSeq)
		return UpdateResult{CaseID: r.in.CaseID, Version: r.st.Version}, err
	}, func() error { return nil }); err != nil {
		return err
	}
	if err := set(UpdateDecide, r.decide, r.validateDecide); err != nil {
		return err
	}
	if err := set(UpdateObject, func(ctx workflow.Context, in ObjectInput) (UpdateResult, error) {
		r.objection = &in
		return r.settle(ctx, func() bool { return r.objection == nil })
	}, func(in ObjectInput) error {
		if !r.st.InPublicity || r.objection != nil {
			return refuse(mzflow.CodeNotInPublicity, "该申请不在公示期，不能登记异议")
		}
		if len([]rune(in.Content)) < 2 {
			return refuse(mzflow.CodeInvalid, "请填写异议内容")
		}
		return r.sameTownship(in.Actor)
	}); err != nil {
		return err
	}
	if err := set(UpdateWithdraw, func(ctx workflow.Context, in ReasonInput) (UpdateResult, error) {
		r.withdrawn = &in
		r.abort()
		return r.settle(ctx, func() bool { return r.st.Status == mzflow.StatusWithdrawn })
	}, func(in ReasonInput) error {
		if !r.open() || r.withdrawn != nil {
			return refuse(mzflow.CodeConflict, "申请已办结，不能撤回")
		}
		if in.Reason == "" {
			return refuse(mzflow.CodeCommentRequired, "请填写撤回原因")
		}
		return r.sameTownship(in.Actor)
	}); err != nil {
		return err
	}
	if err := set(UpdateMaterials, func(ctx workflow.Context, in ReasonInput) (UpdateResult, error) {
		r.materials = &in
		return r.settle(ctx, func() bool { return r.materials == nil })
	}, func(in ReasonInput) error {
		if r.st.Status != mzflow.StatusAwaitingMaterials || r.materials != nil {
			return refuse(mzflow.CodeConflict, "该申请不在补正材料状态")
		}
		return r.sameTownship(in.Actor)
	}); err != nil {
		return err
	}
	if err := set(UpdateExtend, r.extend, func(in ReasonInput) error {
		if in.Actor.Role.Township() {
			return refuse(mzflow.CodeForbidden, "只有县级人员可以延长办理期限")
		}
		if r.st.Extended {
			return refuse(mzflow.CodeConflict, "办理期限已延长过一次")
		}
		if r.st.DueAt.IsZero() || !r.open() {
			return refuse(mzflow.CodeConflict, "申请尚未受理或已办结，不能延长期限")
		}
		if in.Reason == "" {
			return refuse(mzflow.CodeCommentRequired, "请填写延期原因")
		}
		return nil
	}); err != nil {
		return err
	}
	if err := set(UpdateClaim, func(ctx workflow.Context, in ClaimInput) (UpdateResult, error) {
		t := r.task(in.TaskID)
		if t.AssigneeID == in.Actor.ID {
			return UpdateResult{CaseID: r.in.CaseID, Version: r.st.Version}, nil
		}
		t.AssigneeID = in.Actor.ID
		r.event(ctx, "claimed", t.Step, in.Actor, "", nil)
		return r.projectFromHandler(ctx)
	}, func(in ClaimInput) error {
		t, err := r.openTask(in.TaskID)
		if err != nil {
			return err
		}
		if t.AssigneeID != 0 && t.AssigneeID != in.Actor.ID {
			return refuse(mzflow.CodeTaskClaimed, "该任务已由他人认领")
		}
		return r.mayAct(t, in.Actor)
	}); err != nil {
		return err
	}
	if err := set(UpdateReassign, func(ctx workflow.Context, in ReassignInput) (UpdateResult, error) {
		t := r.task(in.TaskID)
		t.AssigneeID = in.UserID
		r.event(ctx, "reassigned", t.Step, in.Actor, in.Reason, map[string]any{"user_id": in.UserID, "user_name": in.Name})
		return r.projectFromHandler(ctx)
	}, func(in ReassignInput) error {
		t, err := r.openTask(in.TaskID)
		if err != nil {
			return err
		}
		if in.Reason == "" {
			return refuse(mzflow.CodeCommentRequired, "请填写改派原因")
		}
		switch in.Actor.Role {
		case mzflow.RoleSupervisor:
			return nil
		case mzflow.RoleTownshipHead:
			if in.Actor.OrgCode == r.in.TownshipCode && t.OrgCode == r.in.TownshipCode {
				return nil
			}
		}
		return refuse(mzflow.CodeForbidden, "只有本乡镇审核人或督查可以改派任务")
	}); err != nil {
		return err
	}
	if err := set(UpdateReveal, func(ctx workflow.Context, in ReasonInput) (UpdateResult, error) {
		r.event(ctx, "id_revealed", "", in.Actor, in.Reason, nil)
		return r.projectFromHandler(ctx)
	}, func(in ReasonInput) error {
		if in.Actor.Role.Township() || in.Actor.Role == mzflow.RoleAdmin {
			return refuse(mzflow.CodeForbidden, "您的角色无权查看完整身份证号码")
		}
		return nil
	}); err != nil {
		return err
	}
	ch := workflow.GetSignalChannel(ctx, SignalCalendarChanged)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var c CalendarChange
			if !ch.Receive(ctx, &c) {
				return
			}
			for _, t := range r.st.Tasks {
				if t.Status == "open" && !t.Limit.Clock() && (t.DueAt.Year() == c.Year || t.CreatedAt.Year() == c.Year) {
					t.recompute = true
				}
			}
		}
	})
	return nil
}

// projectFromHandler projects what an update handler changed and returns at once: such
// updates (claim, reassign, reveal) do not move the case.
func (r *caseRun) projectFromHandler(ctx workflow.Context) (UpdateResult, error) {
	err := r.flush(ctx, true)
	return UpdateResult{CaseID: r.in.CaseID, Version: r.st.Version}, err
}

func (r *caseRun) sameTownship(actor Actor) error {
	if actor.Role.Township() && actor.OrgCode != r.in.TownshipCode {
		return refuse(mzflow.CodeForbidden, "只能办理本乡镇的申请")
	}
	return nil
}

func (r *caseRun) openTask(id string) (*Task, error) {
	t := r.task(id)
	if t == nil {
		// Tasks closed before a continue-as-new are no longer in state, but their IDs
		// are below TaskSeq: they were decided, not unknown.
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(id, r.in.CaseID+"-"), "%d", &n); err == nil && strings.HasPrefix(id, r.in.CaseID+"-") {
			if n >= 1 && n <= r.st.TaskSeq {
				return nil, refuse(mzflow.CodeTaskNotOpen, "该任务已办理或已取消")
			}
			// A task of this case the workflow has not reached: the read model can be a
			// moment ahead of a workflow being recovered on another worker (a projection
			// written just before a crash). Retrying shortly succeeds.
			return nil, refuse(mzflow.CodeUnavailable, "该申请正在恢复处理，请稍后重试")
		}
		return nil, refuse(mzflow.CodeNotFound, "任务不存在")
	}
	if t.Status != "open" || t.Decision != nil {
		return nil, refuse(mzflow.CodeTaskNotOpen, "该任务已办理或已取消")
	}
	return t, nil
}

// mayAct checks role, organisation and the four-eyes rule.
func (r *caseRun) mayAct(t *Task, actor Actor) error {
	if t.Step == mzflow.StepCountyDecision && actor.ID == r.st.CountyReviewer {
		return refuse(mzflow.CodeForbidden, "县级审核人不能审批同一申请（双人复核）")
	}
	if actor.Role != t.Role {
		return refuse(mzflow.CodeForbidden, "该任务应由%s办理", t.Role.Name())
	}
	if actor.OrgCode != t.OrgCode {
		return refuse(mzflow.CodeForbidden, "该任务属于其他单位")
	}
	return nil
}

func (r *caseRun) extend(ctx workflow.Context, in ReasonInput) (UpdateResult, error) {
	if err := r.mu.Lock(ctx); err != nil {
		return UpdateResult{}, err
	}
	defer r.mu.Unlock()
	d, err := r.deadline(ctx, r.st.AcceptedAt, r.in.Rules.ExtendedLimit)
	if err != nil {
		return UpdateResult{}, err
	}
	r.st.Extended = true
	r.st.DueAt = d.Due.At
	r.event(ctx, "extended", "", in.Actor, in.Reason, map[string]any{"due": d.Due.Date, "limit": r.in.Rules.ExtendedLimit.String()})
	err = r.project(ctx)
	return UpdateResult{CaseID: r.in.CaseID, Version: r.st.Version}, err
}
