package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// What a case supplies to the shared parts (host), and the updates only a case has.

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

// writeReadModel is the host's projection: the case row, its tasks, and the events and notices
// after from. Events added while the activity runs (by another coroutine or an update
// handler) are after the LastSeq it returns: they go with the next projection.
func (r *caseRun) writeReadModel(ctx workflow.Context, from int) (int, error) {
	in := r.projection(ctx, from)
	return in.LastSeq, executeProject(ctx, in)
}

func (r *caseRun) orgAt(level mzflow.OrgLevel) string {
	if level == mzflow.LevelTownship {
		return r.in.TownshipCode
	}
	return r.in.CountyCode
}

func (r *caseRun) facts() Facts {
	return Facts{HomeVisit: r.st.SpotCheck || r.st.HomeVisit, Bounds: BoundsOf(r.in.Rules)}
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

// mayReassign lets the supervisor reassign any task, a township head the township's.
func (r *caseRun) mayReassign(t *Task, actor Actor) error {
	if !actor.Role.May(mzflow.ActReassign, r.in.Program) {
		return refuse(mzflow.CodeForbidden, "只有本乡镇审核人或督查可以改派任务")
	}
	switch actor.Role {
	case mzflow.RoleSupervisor:
		return nil
	case mzflow.RoleTownshipHead:
		if actor.OrgCode == r.in.TownshipCode && t.OrgCode == r.in.TownshipCode {
			return nil
		}
	}
	return refuse(mzflow.CodeForbidden, "只有本乡镇审核人或督查可以改派任务")
}

func (r *caseRun) open() bool {
	return r.st.Status == mzflow.StatusInProgress || r.st.Status == mzflow.StatusAwaitingMaterials
}

// may refuses an actor whose role has no part in an action on this case (mzflow's
// duties table); the API asks the same table first, the validator keeps the workflow
// safe from any other caller.
func (r *caseRun) may(actor Actor, a mzflow.Action) error {
	if actor.Role.May(a, r.in.Program) {
		return nil
	}
	return refuse(mzflow.CodeForbidden, "您的角色（%s）无权进行此操作", actor.Role.Name())
}

func (r *caseRun) sameTownship(actor Actor) error {
	if actor.Role.Township() && actor.OrgCode != r.in.TownshipCode {
		return refuse(mzflow.CodeForbidden, "只能办理本乡镇的申请")
	}
	return nil
}

// register installs the case's updates, then the ones every step has, and the calendar
// signal. Validators only read state, so a refused request never reaches history.
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
		return r.result(), err
	}, func() error { return nil }); err != nil {
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
		if err := checkText("content", "异议内容", in.Content, maxText); err != nil {
			return err
		}
		if err := checkLine("reporter", "反映人", in.Reporter, maxReporter); err != nil {
			return err
		}
		if err := r.may(in.Actor, mzflow.ActObject); err != nil {
			return err
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
		if err := checkText("reason", "撤回原因", in.Reason, maxText); err != nil {
			return err
		}
		if err := r.may(in.Actor, mzflow.ActWithdraw); err != nil {
			return err
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
		if err := checkText("note", "补正说明", in.Reason, maxText); err != nil {
			return err
		}
		if err := r.may(in.Actor, mzflow.ActMaterials); err != nil {
			return err
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
		if err := checkText("reason", "延期原因", in.Reason, maxText); err != nil {
			return err
		}
		return r.may(in.Actor, mzflow.ActExtend)
	}); err != nil {
		return err
	}
	if err := set(UpdateReveal, func(ctx workflow.Context, in ReasonInput) (UpdateResult, error) {
		r.event(ctx, "id_revealed", "", in.Actor, in.Reason, nil)
		return r.projectFromHandler(ctx)
	}, func(in ReasonInput) error {
		if !in.Actor.Role.May(mzflow.ActReveal, r.in.Program) {
			return refuse(mzflow.CodeForbidden, "您的角色无权查看完整身份证号码")
		}
		return nil
	}); err != nil {
		return err
	}
	if err := r.registerSteps(ctx); err != nil {
		return err
	}
	r.listenCalendar(ctx)
	return nil
}

func (r *caseRun) extend(ctx workflow.Context, in ReasonInput) (UpdateResult, error) {
	if err := r.mu.Lock(ctx); err != nil {
		return UpdateResult{}, err
	}
	defer r.mu.Unlock()
	d, err := r.deadline(ctx, r.st.AcceptedAt, r.in.Rules.ExtendedLimit, r.reminders())
	if err != nil {
		return UpdateResult{}, err
	}
	r.st.Extended = true
	r.st.DueAt = d.Due.At
	r.event(ctx, "extended", "", in.Actor, in.Reason, map[string]any{"due": d.Due.Date, "limit": r.in.Rules.ExtendedLimit.String()})
	err = r.project(ctx)
	return r.result(), err
}
