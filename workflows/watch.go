package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// Deadline is a due time that is watched: its holder is reminded before it, and once it
// passes it escalates up a chain, one level every interval, until what it waits for is
// done. A task, a case's overall limit, a project milestone and a 督办 deadline are each
// one Deadline, watched by watch. Its fields are in workflow state (a task's are
// promoted into the task's JSON, as they were before this type existed).
type Deadline struct {
	DueAt       time.Time
	DueDate     string
	Provisional bool
	RemindAt    time.Time // the next reminder
	Reminded    bool      // no reminder is left before the due time
	Sent        int       `json:",omitempty"` // reminders sent
	Level       int       // escalation level reached
	NextEscAt   time.Time
	Notified    []Notified
}

// Reminders says when a deadline's holder is reminded: Before the due time, and again
// Every interval after that until the due time (zero: once). After the due time,
// escalation takes over.
type Reminders struct {
	Before mzflow.Limit `json:",omitempty"`
	Every  mzflow.Limit `json:",omitempty"`
}

// Escalation is who is told as a deadline passes: level 1 tells Chain[0] at once, level 2
// Chain[1] Every later, and so on; past the end of the chain its last entry is told again.
type Escalation struct {
	Chain []Escalate   `json:",omitempty"`
	Every mzflow.Limit `json:",omitempty"`
}

// Escalate is one level of a chain: a role, told in the organisation of the subject at
// the given level (the case's township or its county).
type Escalate struct {
	Role mzflow.Role
	At   mzflow.OrgLevel
}

// errStopWatch is returned by a watch's before to end it.
var errStopWatch = errors.New("stop watching")

// watch is one watched deadline and what its holder does at each point.
type watch struct {
	d          *Deadline
	reminders  Reminders
	escalation Escalation
	// done ends the watch; moved ends a wait early because the due time may have moved.
	done, moved func() bool
	// onMoved runs when a wait ended because of moved (nil: nothing to do).
	onMoved func()
	// before runs at the top of every round: a task recomputes a moved due time and
	// projects; the overall limit waits for the case to be accepted. errStopWatch ends
	// the watch.
	before func(workflow.Context) error
	// after runs after each escalation (nil: nothing).
	after func(workflow.Context) error
	// remind and escalate record the reminder or escalation and tell people.
	remind   func(workflow.Context)
	escalate func(workflow.Context, Notified)
}

// watch waits until w.done holds, reminding before the due time and escalating after
// it. Timers only: it never waits for anything but time and w's conditions.
func (r *run) watch(ctx workflow.Context, w watch) error {
	d := w.d
	for !w.done() {
		if err := w.before(ctx); errors.Is(err, errStopWatch) {
			return nil
		} else if err != nil {
			return err
		}
		now := workflow.Now(ctx)
		var next time.Time
		switch {
		case now.Before(d.DueAt) && !d.Reminded:
			next = d.RemindAt
		case now.Before(d.DueAt):
			next = d.DueAt
		case d.Level == 0:
			next = d.DueAt
		default:
			next = d.NextEscAt
		}
		if next.After(now) {
			ok, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), func() bool { return w.done() || w.moved() })
			if err != nil {
				return err
			}
			if ok {
				if !w.done() && w.onMoved != nil {
					w.onMoved()
				}
				continue
			}
			now = workflow.Now(ctx)
		}
		if now.Before(d.DueAt) {
			if !d.Reminded {
				if err := r.remind(ctx, w); err != nil {
					return err
				}
			}
			continue
		}
		if err := r.raise(ctx, w); err != nil {
			return err
		}
		if w.after != nil {
			if err := w.after(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// remind sends a reminder and sets the next one, if the deadline repeats them.
func (r *run) remind(ctx workflow.Context, w watch) error {
	d := w.d
	d.Sent++
	d.Reminded = true
	w.remind(ctx)
	if w.reminders.Every.IsZero() {
		return nil
	}
	next, err := r.deadline(ctx, workflow.Now(ctx), w.reminders.Every, Reminders{})
	if err != nil {
		return err
	}
	if next.Due.At.Before(d.DueAt) {
		d.RemindAt, d.Reminded = next.Due.At, false
	}
	return nil
}

// raise escalates one level up the chain and sets when the next level is due.
func (r *run) raise(ctx workflow.Context, w watch) error {
	d := w.d
	chain := w.escalation.Chain
	if len(chain) == 0 {
		chain = []Escalate{{Role: mzflow.RoleSupervisor, At: mzflow.LevelCounty}}
	}
	d.Level++
	e := chain[min(d.Level, len(chain))-1]
	now := workflow.Now(ctx)
	n := Notified{Level: d.Level, Role: e.Role, Org: r.host.orgAt(e.At), At: now}
	d.Notified = append(d.Notified, n)
	w.escalate(ctx, n)
	next, err := r.deadline(ctx, now, w.escalation.Every, Reminders{})
	if err != nil {
		return err
	}
	d.NextEscAt = next.Due.At
	if !d.NextEscAt.After(now) {
		d.NextEscAt = now.Add(time.Minute)
	}
	return nil
}
