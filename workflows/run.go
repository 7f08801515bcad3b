package workflows

import (
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Record is what every process's state holds for the read model: the timeline, the
// notices and the tasks, numbered, with how far they are projected. A process's state
// embeds it, so its fields stay at the top of the state's JSON (continue-as-new inputs
// written before this type existed decode unchanged).
type Record struct {
	Seq     int // last timeline sequence number used
	TaskSeq int
	Tasks   []*Task
	// Timeline and Notices are this run's, projected or not: the state query returns them
	// whole, so the read model can be rebuilt from the workflow (mzflow reproject). Those
	// after ProjectedSeq are not in the read model yet.
	Timeline     []Event
	Notices      []Notice
	ProjectedSeq int // the last timeline sequence number in the read model
	RunStartSeq  int // the last sequence number of earlier runs (continue-as-new)
	Version      int // bumped after every projection
	// Pending is only in states handed over by continue-as-new before the timeline was
	// kept whole; it is merged into Timeline when such a run starts.
	Pending []Event `json:",omitempty"`
}

// host is what a process supplies to the parts every process shares (run, its steps and
// watches): the projection of its subject, where an organisation level is for it, and
// who may act on its tasks.
type host interface {
	// writeReadModel projects the subject with the events and notices after seq from;
	// it returns the last seq it wrote.
	writeReadModel(ctx workflow.Context, from int) (int, error)
	// orgAt is the code of the subject's organisation at a level (its township, its county).
	orgAt(level mzflow.OrgLevel) string
	// mayAct refuses an actor who may not decide or claim the task.
	mayAct(t *Task, a Actor) error
	// mayReassign refuses an actor who may not reassign the task.
	mayReassign(t *Task, a Actor) error
	// facts are what the subject knows that a step's data check depends on.
	facts() Facts
}

// run is one execution of a workflow as every process has it: its record, the mutex that
// keeps projections in order, its step table and its host.
type run struct {
	rec   *Record
	mu    workflow.Mutex
	host  host
	id    string // the subject's ID; its tasks are id-1, id-2, …
	title string // the subject as people name it in reminders: 张三（最低生活保障）
	steps Table  // this subject's step table (for its program)
	// remindBefore is the deadline activity's reminder lead for steps that set none.
	remindBefore mzflow.Limit
}

func newRun(ctx workflow.Context, rec *Record, h host, id, title string, steps Table) *run {
	return &run{rec: rec, mu: workflow.NewMutex(ctx), host: h, id: id, title: title, steps: steps}
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
func (r *run) event(ctx workflow.Context, typ string, step mzflow.Step, actor Actor, comment string, data any) {
	r.rec.Seq++
	var raw json.RawMessage
	if data != nil {
		raw, _ = json.Marshal(data) //workflowcheck:ignore (encoding/json sorts map keys: deterministic)
	}
	r.rec.Timeline = append(r.rec.Timeline, Event{Seq: r.rec.Seq, Type: typ, Step: step, Actor: actor,
		At: workflow.Now(ctx), Comment: comment, Data: raw})
}

// notify asks the next projection to tell people; it belongs to the event just recorded,
// so a projection that replaces that event replaces its notifications too.
func (r *run) notify(n Notice) {
	n.Seq = r.rec.Seq
	r.rec.Notices = append(r.rec.Notices, n)
}

// unprojected says whether something is recorded that the read model does not show yet.
// Every notice goes with an event, so the sequence numbers tell.
func (r *run) unprojected() bool { return r.rec.ProjectedSeq < r.rec.Seq }

// flush projects pending changes (or always, with force) under the mutex that keeps
// the main flow, parallel branches and update handlers from projecting at once.
func (r *run) flush(ctx workflow.Context, force bool) error {
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

// project writes what was recorded since the last projection and bumps the version that
// waiting update handlers look for. The write replaces what the read model holds after
// the last projection, so rows an uncommitted attempt of a workflow task wrote are
// corrected, not kept. The caller holds the mutex.
func (r *run) project(ctx workflow.Context) error { return r.projectFrom(ctx, r.rec.ProjectedSeq) }

// projectFrom projects the events and notices after seq from; the reproject update
// projects the whole run.
func (r *run) projectFrom(ctx workflow.Context, from int) error {
	last, err := r.host.writeReadModel(ctx, from)
	if err != nil {
		return err
	}
	r.rec.ProjectedSeq = last
	r.rec.Version++
	return nil
}

// executeProject runs the projection activity. Version 1 projects in a local activity:
// the write is short and idempotent, and skipping the server round trips of a regular
// activity more than doubles decision throughput (make bench). Histories recorded before
// keep the regular activity.
func executeProject(ctx workflow.Context, in ProjectInput) error {
	var f workflow.Future
	if workflow.GetVersion(ctx, "project-local", workflow.DefaultVersion, 1) == 1 {
		f = workflow.ExecuteLocalActivity(projectOpts(ctx), ActivityProject, in)
	} else {
		f = workflow.ExecuteActivity(activityOpts(ctx), ActivityProject, in)
	}
	return f.Get(ctx, nil)
}

// deadline asks the calendar (a local activity, so the answer is in history and a
// calendar edit never changes a replay) for the due time of a limit from a start, and
// its reminder.
func (r *run) deadline(ctx workflow.Context, from time.Time, l mzflow.Limit, rem Reminders) (DeadlineResult, error) {
	before := rem.Before
	if before.IsZero() {
		before = r.remindBefore
	}
	return r.calendar(ctx, DeadlineInput{From: from, Limit: l, RemindBefore: before})
}

func (r *run) calendar(ctx workflow.Context, in DeadlineInput) (DeadlineResult, error) {
	var out DeadlineResult
	err := workflow.ExecuteLocalActivity(localOpts(ctx), ActivityDeadline, in).Get(ctx, &out)
	return out, err
}

// settle waits until the main flow has consumed an update's input and everything it
// recorded up to then is in the read model, so the person who acted reads their own
// write (and the next step it opened) at once.
func (r *run) settle(ctx workflow.Context, consumed func() bool) (UpdateResult, error) {
	if err := workflow.Await(ctx, consumed); err != nil {
		return UpdateResult{}, err
	}
	target := r.rec.Seq
	err := workflow.Await(ctx, func() bool { return r.rec.ProjectedSeq >= target })
	return r.result(), err
}

func (r *run) result() UpdateResult { return UpdateResult{CaseID: r.id, Version: r.rec.Version} }

// projectFromHandler projects what an update handler changed and returns at once: such
// updates (claim, reassign, reveal) do not move the subject.
func (r *run) projectFromHandler(ctx workflow.Context) (UpdateResult, error) {
	err := r.flush(ctx, true)
	return r.result(), err
}

// close ends the run: it projects what is left (always, with force), then waits until
// every update handler has finished, so none is cut off by the workflow's end or by
// continue-as-new.
func (r *run) close(ctx workflow.Context, force bool) error {
	if err := r.flush(ctx, force); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// continueAsNew closes the run and starts the next with next as its input. Closed tasks
// are in the read model already, so only open ones are handed over with the record; the
// timeline and notices of this run stay behind.
func (r *run) continueAsNew(ctx workflow.Context, workflowType string, next any) error {
	if err := r.close(ctx, false); err != nil {
		return err
	}
	open := r.rec.Tasks[:0]
	for _, t := range r.rec.Tasks {
		if t.Status == "open" {
			open = append(open, t)
		}
	}
	r.rec.Tasks = open
	r.rec.Timeline, r.rec.Notices = nil, nil
	return workflow.NewContinueAsNewError(ctx, workflowType, next)
}

// resume takes over the record of an earlier run (continue-as-new): everything of the
// earlier runs is in the read model (they flush before they continue as new); states
// from before the timeline was kept whole may still hand over unprojected events.
func (r *run) resume() {
	r.rec.Timeline = append(r.rec.Pending, r.rec.Timeline...)
	r.rec.Pending = nil
	r.rec.RunStartSeq = r.rec.Seq - len(r.rec.Timeline)
}

// refuse returns a validator error the API maps to its HTTP status by code.
func refuse(code mzflow.Code, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(sprintf(format, args...), string(code), nil)
}

// refuseField is refuse for one field: the message names it, and the error's details
// ({field: message}) become the API answer's details.
func refuseField(code mzflow.Code, field, msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, string(code), nil, map[string]any{field: msg})
}
