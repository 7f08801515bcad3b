package workflows

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
)

// probeHost is the smallest host: a subject with no read model, in one township.
type probeHost struct{ rec *Record }

func (h *probeHost) writeReadModel(workflow.Context, int) (int, error) { return h.rec.Seq, nil }
func (h *probeHost) orgAt(l mzflow.OrgLevel) string {
	if l == mzflow.LevelTownship {
		return "349901100"
	}
	return "349901"
}
func (h *probeHost) mayAct(*Task, Actor) error      { return nil }
func (h *probeHost) mayReassign(*Task, Actor) error { return nil }
func (h *probeHost) facts() Facts                   { return Facts{} }

// probe runs one step of spec on the step primitive alone (no applicant, no program)
// and returns its record.
func probe(ctx workflow.Context, spec StepSpec) (Record, error) {
	rec := &Record{}
	h := &probeHost{rec: rec}
	r := newRun(ctx, rec, h, "p", "测试事项", Table{{Code: spec.Step, Name: "测试步骤", Role: spec.Role,
		Outcomes: []OutcomeDef{{Code: OutcomeComplete, Label: "办结"}}}})
	if err := r.registerSteps(ctx); err != nil {
		return Record{}, err
	}
	if _, err := r.human(ctx, spec); err != nil {
		return Record{}, err
	}
	return *rec, r.close(ctx, true)
}

func runProbe(t *testing.T, start time.Time, spec StepSpec, decideAt time.Duration) Record {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	cal := calendar.New()
	// The calendar activity as activities.Deadline computes it (that package imports
	// this one, so its code cannot be registered here).
	env.RegisterActivityWithOptions(func(_ context.Context, in DeadlineInput) (DeadlineResult, error) {
		d := cal.Due(in.From, in.Limit)
		if in.DueDate != "" {
			var err error
			if d, err = cal.On(in.DueDate); err != nil {
				return DeadlineResult{}, err
			}
		}
		return DeadlineResult{Due: d, RemindAt: cal.Before(d.At, in.RemindBefore)}, nil
	}, activity.RegisterOptions{Name: ActivityDeadline})
	env.RegisterWorkflow(probe)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateDecide, "u1", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { t.Errorf("decide refused: %v", err) },
			OnAccept:   func() {},
			OnComplete: func(any, error) {},
		}, DecideInput{TaskID: "p-1", Outcome: OutcomeComplete, Actor: Actor{ID: 9, Role: spec.Role}})
	}, decideAt)
	env.ExecuteWorkflow(probe, spec)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var rec Record
	if err := env.GetWorkflowResult(&rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// A step due on a fixed date (a 督办 deadline a meeting set) reminds again every interval
// before it, then escalates up a chain of roles told at their own organisation level:
// the parts a 督办 item or a project milestone needs, with nothing of a case.
func TestStepDueOnDateRemindsAgainAndEscalates(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Zone)
	spec := StepSpec{Step: "feedback", Role: mzflow.RoleTownshipHead, OrgCode: "349901100", DueDate: "2026-12-31",
		Reminders: Reminders{Before: mzflow.Limit{N: 10, Unit: mzflow.WorkingDays}, Every: mzflow.Limit{N: 2, Unit: mzflow.CalendarDays}},
		Escalation: Escalation{Every: mzflow.Limit{N: 1, Unit: mzflow.WorkingDays}, Chain: []Escalate{
			{Role: mzflow.RoleTownshipHead, At: mzflow.LevelTownship}, {Role: mzflow.RoleSupervisor, At: mzflow.LevelCounty}}}}
	// Decided on 2027-01-06, after the due day and two escalations.
	rec := runProbe(t, start, spec, time.Date(2027, 1, 6, 10, 0, 0, 0, calendar.Zone).Sub(start))

	task := rec.Tasks[0]
	if task.DueDate != "2026-12-31" || !task.DueAt.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, calendar.Zone)) {
		t.Errorf("due %s at %s, want 2026-12-31, passing at 2027-01-01 00:00", task.DueDate, task.DueAt)
	}
	var reminders, escalations []Notice
	for _, n := range rec.Notices {
		switch n.Kind {
		case "reminder":
			reminders = append(reminders, n)
		case "escalation":
			escalations = append(escalations, n)
		}
	}
	if len(reminders) < 2 || task.Sent != len(reminders) {
		t.Fatalf("reminders %+v (sent %d), want one 10 WD before the due day and more every 2 days", reminders, task.Sent)
	}
	t.Logf("%d reminders, escalated %+v", len(reminders), task.Notified)
	keys := map[string]bool{}
	for _, n := range reminders {
		if keys[n.Key] || n.Role != mzflow.RoleTownshipHead || n.OrgCode != "349901100" {
			t.Errorf("reminder %+v: want a new key, to the township head", n)
		}
		keys[n.Key] = true
	}
	for _, e := range rec.Timeline {
		if e.Type == "reminder" && !e.At.Before(task.DueAt) {
			t.Errorf("reminder at %s, after the due time", e.At)
		}
	}
	want := []Notified{{Level: 1, Role: mzflow.RoleTownshipHead, Org: "349901100"}, {Level: 2, Role: mzflow.RoleSupervisor, Org: "349901"}}
	if len(task.Notified) != len(want) || len(escalations) != len(want) {
		t.Fatalf("escalations %+v, want %+v", task.Notified, want)
	}
	for i, n := range task.Notified {
		if n.Level != want[i].Level || n.Role != want[i].Role || n.Org != want[i].Org || escalations[i].OrgCode != want[i].Org {
			t.Errorf("escalation %d: %+v, want %+v", i, n, want[i])
		}
	}
	// Level 1 when the day ends; level 2 one working day later: 2027-01-01 is 元旦 and
	// 01-02, 01-03 a weekend, so after Monday 01-04.
	if !task.Notified[0].At.Equal(task.DueAt) || !task.Notified[1].At.Equal(time.Date(2027, 1, 5, 0, 0, 0, 0, calendar.Zone)) {
		t.Errorf("escalated at %s and %s, want 2027-01-01 00:00 and 2027-01-05 00:00", task.Notified[0].At, task.Notified[1].At)
	}
	if task.Status != "done" || task.Decision == nil {
		t.Errorf("task %s, want done", task.Status)
	}
}
