package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// human is the one human-step primitive every process uses: it opens a task for a role
// in an organisation, due by the step's limit on the working-day calendar; reminds
// remind_before the due time; escalates up the rules' chain every escalate_every after
// it; and returns the decision that closes it. A step reached again (after a return)
// opens a new task with a fresh due time, reminder and escalations.
func (r *caseRun) human(ctx workflow.Context, step mzflow.Step, role mzflow.Role, org string) (*Decision, error) {
	t, err := r.openStep(ctx, step, role, org)
	if err != nil {
		return nil, err
	}
	return r.await(ctx, t)
}

// openStep opens a task without waiting for it; steps that run side by side are opened
// together, so the first projection shows all of them.
func (r *caseRun) openStep(ctx workflow.Context, step mzflow.Step, role mzflow.Role, org string) (*Task, error) {
	limit := r.in.Rules.Steps[step].Limit
	now := workflow.Now(ctx)
	// Number the task before the deadline look-up yields, so parallel steps get IDs in
	// the order they were opened.
	r.st.TaskSeq++
	id := fmt.Sprintf("%s-%d", r.in.CaseID, r.st.TaskSeq)
	d, err := r.deadline(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	t := &Task{ID: id, Step: step, Role: role, OrgCode: org,
		Limit: limit, Status: "open", CreatedAt: now, DueAt: d.Due.At, DueDate: d.Due.Date,
		Provisional: d.Due.Provisional, RemindAt: d.RemindAt}
	r.st.Tasks = append(r.st.Tasks, t)
	if step != mzflow.StepNotice && step != mzflow.StepRecheck || r.st.Step == "" {
		r.st.Step = step
	}
	r.event(ctx, "task_opened", step, Actor{}, "", map[string]any{"task_id": t.ID, "role": role, "org": org,
		"due": d.Due.Date, "provisional": d.Due.Provisional})
	return t, nil
}

// await waits for an open task's decision (with its reminder and escalations) and
// records it.
func (r *caseRun) await(ctx workflow.Context, t *Task) (*Decision, error) {
	step := t.Step
	if err := r.watch(ctx, t); err != nil {
		t.Status = "cancelled"
		return nil, err
	}
	dec := t.Decision
	var data any
	if len(dec.Data) > 0 {
		data = dec.Data
	}
	r.event(ctx, "decided", step, dec.Actor, dec.Comment, map[string]any{"task_id": t.ID, "outcome": dec.Outcome, "data": data, "request_id": dec.RequestID})
	// Done only once the decided event exists: the decide handler waits for it to be
	// projected.
	t.Status = "done"
	return dec, nil
}

// watch waits for the task's decision, firing its reminder and escalations on the way.
// It projects before every wait, so what people see is never behind the workflow.
func (r *caseRun) watch(ctx workflow.Context, t *Task) error {
	for t.Decision == nil {
		if t.recompute {
			t.recompute = false
			d, err := r.deadline(ctx, t.CreatedAt, t.Limit)
			if err != nil {
				return err
			}
			if !d.Due.At.Equal(t.DueAt) {
				t.DueAt, t.DueDate, t.Provisional, t.RemindAt = d.Due.At, d.Due.Date, d.Due.Provisional, d.RemindAt
				r.event(ctx, "due_changed", t.Step, Actor{}, "节假日安排调整，期限重新计算", map[string]any{"task_id": t.ID, "due": d.Due.Date})
				if t.Level == 0 {
					t.NextEscAt = time.Time{}
				}
			}
		}
		if err := r.flush(ctx, false); err != nil {
			return err
		}
		now := workflow.Now(ctx)
		var next time.Time
		switch {
		case now.Before(t.DueAt) && !t.Reminded:
			next = t.RemindAt
		case now.Before(t.DueAt):
			next = t.DueAt
		case t.Level == 0:
			next = t.DueAt
		default:
			next = t.NextEscAt
		}
		if next.After(now) {
			ok, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), func() bool { return t.Decision != nil || t.recompute })
			if err != nil {
				return err
			}
			if ok {
				continue
			}
			now = workflow.Now(ctx)
		}
		if now.Before(t.DueAt) {
			if !t.Reminded {
				r.remind(ctx, t)
			}
			continue
		}
		if err := r.escalate(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

func (r *caseRun) remind(ctx workflow.Context, t *Task) {
	t.Reminded = true
	r.event(ctx, "reminder", t.Step, Actor{}, "", map[string]any{"task_id": t.ID, "due": t.DueDate})
	text := sprintf("【即将到期】%s（%s）的「%s」将于 %s 到期", r.in.Applicant.Name, r.in.Program.Name(), t.Step.Name(), t.DueDate)
	n := Notice{Key: t.ID + "/reminder", Kind: "reminder", Role: t.Role, OrgCode: t.OrgCode, TaskID: t.ID, Text: text}
	if t.AssigneeID != 0 {
		n.Role, n.OrgCode, n.UserID = "", "", t.AssigneeID
	}
	r.notify(n)
}

// escalate raises the task one level: level 1 tells the first role of the chain, level 2
// the second, and so on; past the end of the chain the last role is told again.
func (r *caseRun) escalate(ctx workflow.Context, t *Task) error {
	chain := r.in.Rules.Escalation
	if len(chain) == 0 {
		chain = []mzflow.Role{mzflow.RoleSupervisor}
	}
	t.Level++
	role := chain[min(t.Level, len(chain))-1]
	org := r.in.CountyCode
	if role.Township() {
		org = r.in.TownshipCode
	}
	now := workflow.Now(ctx)
	t.Notified = append(t.Notified, Notified{Level: t.Level, Role: role, Org: org, At: now})
	r.event(ctx, "escalated", t.Step, Actor{}, "", map[string]any{"task_id": t.ID, "level": t.Level, "notified_role": role, "org": org})
	text := sprintf("【逾期督办·%d级】%s（%s）的「%s」已于 %s 到期未办", t.Level, r.in.Applicant.Name, r.in.Program.Name(), t.Step.Name(), t.DueDate)
	r.notify(Notice{Key: sprintf("%s/escalation/%d", t.ID, t.Level), Kind: "escalation",
		Role: role, OrgCode: org, TaskID: t.ID, Text: text})
	next, err := r.deadline(ctx, now, r.in.Rules.EscalateEvery)
	if err != nil {
		return err
	}
	t.NextEscAt = next.Due.At
	if !t.NextEscAt.After(now) {
		t.NextEscAt = now.Add(time.Minute)
	}
	return nil
}

// flush projects pending changes (or always, with force) under the mutex that keeps
// the main flow, parallel branches and update handlers from projecting at once.
func (r *caseRun) flush(ctx workflow.Context, force bool) error {
	if !force && !r.unprojected() {
		return nil
	}
	if err := r.mu.Lock(ctx); err != nil {
		return err
	}
	defer r.mu.Unlock()
	if !force && !r.unprojected() {
		return nil
	}
	return r.project(ctx)
}
