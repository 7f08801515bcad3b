package workflows

import (
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// StepSpec is what a process says to open one human step. It knows nothing of
// applicants or programs: the process names the step, who does it, when it is due and
// who is told when it is late.
type StepSpec struct {
	Step mzflow.Step
	// Role in OrgCode does the step; Assignee, when set, is the one person who does.
	Role     mzflow.Role
	OrgCode  string
	Assignee int64
	// The step is due Limit after it opens, on the working-day calendar, or at the end
	// of DueDate (YYYY-MM-DD: a milestone's planned date, a 督办 deadline set by a
	// meeting) when that is set.
	Limit      mzflow.Limit
	DueDate    string
	Reminders  Reminders
	Escalation Escalation
}

// Task is one human step instance: its spec, its deadline and its decision.
type Task struct {
	ID        string
	Step      mzflow.Step
	Role      mzflow.Role
	OrgCode   string
	Limit     mzflow.Limit
	DueOn     string `json:",omitempty"` // StepSpec.DueDate
	Status    string // open, done, cancelled
	CreatedAt time.Time
	Deadline
	Remind     Reminders  `json:",omitempty"`
	Escalation Escalation `json:",omitempty"`
	AssigneeID int64
	Decision   *Decision
	// recompute is set when the calendar changed and the wait loop must re-read DueAt.
	recompute bool
}

// name is the step's Chinese name from the step table (the rules' name for a step the
// table lacks).
func (r *run) name(s mzflow.Step) string {
	if d, ok := r.steps.Step(s); ok {
		return d.Name
	}
	return s.Name()
}

// human opens a step's task and waits for its decision: the one human-step primitive
// every process uses. A step reached again (after a return) opens a new task with a
// fresh due time, reminders and escalations.
func (r *run) human(ctx workflow.Context, spec StepSpec) (*Decision, error) {
	t, err := r.openStep(ctx, spec)
	if err != nil {
		return nil, err
	}
	return r.await(ctx, t)
}

// openStep opens a task without waiting for it; steps that run side by side are opened
// together, so the first projection shows all of them.
func (r *run) openStep(ctx workflow.Context, spec StepSpec) (*Task, error) {
	now := workflow.Now(ctx)
	// Number the task before the deadline look-up yields, so parallel steps get IDs in
	// the order they were opened.
	r.rec.TaskSeq++
	t := &Task{ID: r.id + "-" + strconv.Itoa(r.rec.TaskSeq), Step: spec.Step, Role: spec.Role, OrgCode: spec.OrgCode,
		Limit: spec.Limit, DueOn: spec.DueDate, Status: "open", CreatedAt: now, AssigneeID: spec.Assignee,
		Remind: spec.Reminders, Escalation: spec.Escalation}
	if err := r.setDue(ctx, t); err != nil {
		return nil, err
	}
	r.rec.Tasks = append(r.rec.Tasks, t)
	r.event(ctx, "task_opened", t.Step, Actor{}, "", map[string]any{"task_id": t.ID, "role": t.Role, "org": t.OrgCode,
		"due": t.DueDate, "provisional": t.Provisional})
	return t, nil
}

// dueInput asks the calendar for the task's due time (its limit from its opening, or its
// date) and its first reminder.
func (r *run) dueInput(t *Task) DeadlineInput {
	in := DeadlineInput{From: t.CreatedAt, Limit: t.Limit, DueDate: t.DueOn, RemindBefore: t.Remind.Before}
	if in.RemindBefore.IsZero() {
		in.RemindBefore = r.remindBefore
	}
	return in
}

// setDue computes the task's due time and first reminder from its limit or date.
func (r *run) setDue(ctx workflow.Context, t *Task) error {
	d, err := r.calendar(ctx, r.dueInput(t))
	if err != nil {
		return err
	}
	t.DueAt, t.DueDate, t.Provisional, t.RemindAt = d.Due.At, d.Due.Date, d.Due.Provisional, d.RemindAt
	return nil
}

// await waits for an open task's decision (with its reminders and escalations) and
// records it.
func (r *run) await(ctx workflow.Context, t *Task) (*Decision, error) {
	if err := r.watchTask(ctx, t); err != nil {
		t.Status = "cancelled"
		return nil, err
	}
	dec := t.Decision
	var data any
	if len(dec.Data) > 0 {
		data = dec.Data
	}
	r.event(ctx, "decided", t.Step, dec.Actor, dec.Comment, map[string]any{"task_id": t.ID, "outcome": dec.Outcome, "data": data, "request_id": dec.RequestID})
	// Done only once the decided event exists: the decide handler waits for it to be
	// projected.
	t.Status = "done"
	return dec, nil
}

// watchTask waits for the task's decision, reminding and escalating on the way. It
// projects before every wait, so what people see is never behind the workflow.
func (r *run) watchTask(ctx workflow.Context, t *Task) error {
	return r.watch(ctx, watch{
		d: &t.Deadline, reminders: t.Remind, escalation: t.Escalation,
		done:  func() bool { return t.Decision != nil },
		moved: func() bool { return t.recompute },
		before: func(ctx workflow.Context) error {
			if t.recompute {
				t.recompute = false
				if err := r.recomputeDue(ctx, t); err != nil {
					return err
				}
			}
			return r.flush(ctx, false)
		},
		remind: func(ctx workflow.Context) {
			r.event(ctx, "reminder", t.Step, Actor{}, "", map[string]any{"task_id": t.ID, "due": t.DueDate})
			key := t.ID + "/reminder"
			if t.Sent > 1 {
				key += "/" + strconv.Itoa(t.Sent)
			}
			n := Notice{Key: key, Kind: "reminder", Role: t.Role, OrgCode: t.OrgCode, TaskID: t.ID,
				Text: sprintf("【即将到期】%s的「%s」将于 %s 到期", r.title, r.name(t.Step), t.DueDate)}
			if t.AssigneeID != 0 {
				n.Role, n.OrgCode, n.UserID = "", "", t.AssigneeID
			}
			r.notify(n)
		},
		escalate: func(ctx workflow.Context, n Notified) {
			r.event(ctx, "escalated", t.Step, Actor{}, "", map[string]any{"task_id": t.ID, "level": n.Level, "notified_role": n.Role, "org": n.Org})
			r.notify(Notice{Key: sprintf("%s/escalation/%d", t.ID, n.Level), Kind: "escalation",
				Role: n.Role, OrgCode: n.Org, TaskID: t.ID,
				Text: sprintf("【逾期督办·%d级】%s的「%s」已于 %s 到期未办", n.Level, r.title, r.name(t.Step), t.DueDate)})
		},
	})
}

// recomputeDue counts the task's limit again after a calendar change and records the
// new due time.
func (r *run) recomputeDue(ctx workflow.Context, t *Task) error {
	d, err := r.calendar(ctx, r.dueInput(t))
	if err != nil {
		return err
	}
	if d.Due.At.Equal(t.DueAt) {
		return nil
	}
	t.DueAt, t.DueDate, t.Provisional, t.RemindAt = d.Due.At, d.Due.Date, d.Due.Provisional, d.RemindAt
	r.event(ctx, "due_changed", t.Step, Actor{}, "节假日安排调整，期限重新计算", map[string]any{"task_id": t.ID, "due": d.Due.Date})
	if t.Level == 0 {
		t.NextEscAt = time.Time{}
	}
	return nil
}

func (r *run) task(id string) *Task {
	for _, t := range r.rec.Tasks {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// openTask returns the open task id, or the refusal that says why it cannot be acted on.
func (r *run) openTask(id string) (*Task, error) {
	t := r.task(id)
	if t == nil {
		// Tasks closed before a continue-as-new are no longer in state, but their IDs
		// are below TaskSeq: they were decided, not unknown.
		if n, err := strconv.Atoi(strings.TrimPrefix(id, r.id+"-")); err == nil && strings.HasPrefix(id, r.id+"-") {
			if n >= 1 && n <= r.rec.TaskSeq {
				return nil, refuse(mzflow.CodeTaskNotOpen, "该任务已办理或已取消")
			}
			// A task of this subject the workflow has not reached: the read model can be
			// a moment ahead of a workflow being recovered on another worker (a
			// projection written just before a crash). Retrying shortly succeeds.
			return nil, refuse(mzflow.CodeUnavailable, "该申请正在恢复处理，请稍后重试")
		}
		return nil, refuse(mzflow.CodeNotFound, "任务不存在")
	}
	if t.Status != "open" || t.Decision != nil {
		return nil, refuse(mzflow.CodeTaskNotOpen, "该任务已办理或已取消")
	}
	return t, nil
}

// registerSteps installs the updates every step has: decide, claim and reassign, and the
// calendar signal that recomputes open tasks' due times. Validators only read state, so
// a refused request never reaches history.
func (r *run) registerSteps(ctx workflow.Context) error {
	set := func(name string, handler, validator any) error {
		return workflow.SetUpdateHandlerWithOptions(ctx, name, handler, workflow.UpdateHandlerOptions{Validator: validator})
	}
	if err := set(UpdateDecide, r.decide, r.validateDecide); err != nil {
		return err
	}
	if err := set(UpdateClaim, func(ctx workflow.Context, in ClaimInput) (UpdateResult, error) {
		t := r.task(in.TaskID)
		if t.AssigneeID == in.Actor.ID {
			return r.result(), nil
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
		return r.host.mayAct(t, in.Actor)
	}); err != nil {
		return err
	}
	return set(UpdateReassign, func(ctx workflow.Context, in ReassignInput) (UpdateResult, error) {
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
		if err := checkText("reason", "改派理由", in.Reason, maxText); err != nil {
			return err
		}
		return r.host.mayReassign(t, in.Actor)
	})
}

// listenCalendar marks the open tasks whose due time may move when a year's holidays
// change; each task's watch recomputes it.
func (r *run) listenCalendar(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalCalendarChanged)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var c CalendarChange
			if !ch.Receive(ctx, &c) {
				return
			}
			for _, t := range r.rec.Tasks {
				if t.Status == "open" && !t.Limit.Clock() && (t.DueAt.Year() == c.Year || t.CreatedAt.Year() == c.Year) {
					t.recompute = true
				}
			}
		}
	})
}

// validateDecide refuses, before anything reaches history: an unknown or closed task, an
// actor the host refuses (role, organisation, four-eyes), a task claimed by someone else,
// an outcome the step table does not allow, a missing reason and step data its type's
// Validate refuses.
func (r *run) validateDecide(in DecideInput) error {
	t, err := r.openTask(in.TaskID)
	if err != nil {
		return err
	}
	if err := r.host.mayAct(t, in.Actor); err != nil {
		return err
	}
	if t.AssigneeID != 0 && t.AssigneeID != in.Actor.ID {
		return refuse(mzflow.CodeTaskClaimed, "该任务已由他人认领")
	}
	if err := checkText("comment", "办理意见", in.Comment, maxText); err != nil {
		return err
	}
	if len(in.Data) > maxData {
		return refuseField(mzflow.CodeRuleViolation, "data", "办理数据过大")
	}
	def, _ := r.steps.Step(t.Step)
	o, ok := def.Outcome(in.Outcome)
	if !ok {
		return refuse(mzflow.CodeInvalid, "「%s」不能选择“%s”，可选：%s", r.name(t.Step), in.Outcome, strings.Join(def.OutcomeCodes(), "、"))
	}
	if o.ReasonRequired && strings.TrimSpace(in.Comment) == "" {
		return refuse(mzflow.CodeCommentRequired, "退回、不予批准或停保必须填写理由")
	}
	if _, err := o.ParseData(in.Data, r.host.facts()); err != nil {
		if fe, ok := err.(*FieldError); ok {
			return refuseField(mzflow.CodeRuleViolation, "data."+fe.Field, fe.Message)
		}
		return refuse(mzflow.CodeRuleViolation, "%s", err.Error())
	}
	return nil
}

// The bounds of the texts an update carries, as the API's (and the columns'): a comment
// or reason of 2 000 characters, a reporter of 64, a decision's data of 16 KB.
const (
	maxText     = 2000
	maxReporter = 64
	maxData     = 16 << 10
)

// checkText refuses multi-line text the API would refuse (mzflow.CheckText, length), so
// a caller that bypasses the API records nothing the API would not.
func checkText(field, label, s string, max int) error {
	return checkString(mzflow.CheckText, field, label, s, max)
}

// checkLine is checkText for single-line text.
func checkLine(field, label, s string, max int) error {
	return checkString(mzflow.CheckLine, field, label, s, max)
}

func checkString(check func(string) string, field, label, s string, max int) error {
	if why := check(s); why != "" {
		return refuseField(mzflow.CodeInvalid, field, label+why)
	}
	if len([]rune(s)) > max {
		return refuseField(mzflow.CodeInvalid, field, label+"不能超过 "+strconv.Itoa(max)+" 个字")
	}
	return nil
}

// decide records the decision with its validated data; the main flow acts on it,
// projects, and this handler returns once that projection is written, so the decider
// reads their own write.
func (r *run) decide(ctx workflow.Context, in DecideInput) (UpdateResult, error) {
	t := r.task(in.TaskID)
	d := &Decision{Outcome: in.Outcome, Comment: in.Comment, Data: in.Data, Actor: in.Actor, At: workflow.Now(ctx), RequestID: in.RequestID}
	// The validator accepted this data in the same state; a replay does not run
	// validators, so the handler decodes it again, without validating: a decision
	// recorded before a check was added (or tightened) replays as it was applied.
	if def, ok := r.steps.Step(t.Step); ok {
		if o, ok := def.Outcome(in.Outcome); ok {
			d.data, _ = o.decode(in.Data)
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
