package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// TestProjectionConverges plays what issue 10 found: a workflow task's projection is
// written, the task is discarded, and its retry takes the other clerk's decision. The
// retry's projection (same revision) must replace the stale rows and remove what the
// workflow never had; a projection of an older workflow task never overwrites a newer.
func TestProjectionConverges(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	ev := func(seq int, typ string, actor int64, comment string) store.TimelineEvent {
		e := store.TimelineEvent{Seq: seq, Type: typ, Step: mzflow.StepIntake, At: at(seq), Comment: comment, Data: "{}"}
		if actor != 0 {
			e.ActorID = ptr(actor)
		}
		return e
	}
	task := func(n int, step mzflow.Step, status, outcome string, by int64) store.Task {
		tk := store.Task{ID: "C2-" + string(rune('0'+n)), Step: step, Role: mzflow.RoleTownshipClerk, OrgCode: townYL,
			Status: status, Outcome: outcome, CreatedAt: at(n), Notified: "[]"}
		if by != 0 {
			tk.DecidedBy = ptr(by)
		}
		return tk
	}
	caseAt := func(rev int64, status mzflow.CaseStatus, step mzflow.Step, last int) store.Case {
		c := newCase("C2", townYL, mzflow.Dibao, "王芳", t0)
		c.Revision, c.Status, c.Step, c.LastSeq = rev, status, step, last
		return c
	}
	base := &store.Projection{
		Case:    caseAt(5, mzflow.StatusInProgress, mzflow.StepIntake, 3),
		Tasks:   []store.Task{task(1, mzflow.StepIntake, store.TaskOpen, "", 0)},
		Events:  []store.TimelineEvent{ev(1, "submitted", 7, ""), ev(2, "task_opened", 0, ""), ev(3, "reminder", 0, "")},
		TaskSeq: 1,
		Notifications: []store.Notification{{DedupKey: "C2/C2-1/reminder/7", Seq: 3, UserID: 7, Kind: "reminder",
			CaseID: "C2", TaskID: "C2-1", Text: "即将到期", CreatedAt: at(3)}},
	}
	// The discarded attempt: clerk 7 accepted, investigation and info check opened,
	// someone notified of the new task.
	stale := &store.Projection{
		Case: caseAt(10, mzflow.StatusInProgress, mzflow.StepInvestigation, 6),
		Tasks: []store.Task{task(1, mzflow.StepIntake, store.TaskDone, "complete", 7),
			task(2, mzflow.StepInvestigation, store.TaskOpen, "", 0), task(3, mzflow.StepInfoCheck, store.TaskOpen, "", 0)},
		Events: []store.TimelineEvent{ev(4, "decided", 7, "受理#0"), ev(5, "task_opened", 0, ""), ev(6, "task_opened", 0, "")},
		Notifications: []store.Notification{{DedupKey: "C2/C2-2/reminder/7", Seq: 5, UserID: 7, Kind: "reminder",
			CaseID: "C2", TaskID: "C2-2", Text: "调查即将到期", CreatedAt: at(5)}},
		FromSeq: 3, TaskSeq: 3,
	}
	// The committed retry of the same workflow task: clerk 8 returned the application.
	committed := &store.Projection{
		Case:    caseAt(10, mzflow.StatusAwaitingMaterials, mzflow.StepIntake, 5),
		Tasks:   []store.Task{task(1, mzflow.StepIntake, store.TaskDone, "return", 8)},
		Events:  []store.TimelineEvent{ev(4, "decided", 8, "退回#15"), ev(5, "materials_requested", 8, "户口簿")},
		FromSeq: 3, TaskSeq: 1,
	}

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		check := func(t *testing.T, status mzflow.CaseStatus, tasks []string, decider int64, events []string) {
			t.Helper()
			c, err := st.CaseByID(ctx, "C2")
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != status {
				t.Errorf("status = %s, want %s", c.Status, status)
			}
			ts, err := st.CaseTasks(ctx, "C2")
			if err != nil {
				t.Fatal(err)
			}
			if got := taskIDs(ts); !slices.Equal(got, tasks) {
				t.Errorf("tasks = %v, want %v", got, tasks)
			}
			if len(ts) > 0 && (ts[0].DecidedBy == nil || *ts[0].DecidedBy != decider) {
				t.Errorf("intake decided by %s, want %d", fmtPtr(ts[0].DecidedBy), decider)
			}
			es, err := st.CaseTimeline(ctx, "C2")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Type+"/"+fmtPtr(e.ActorID))
			}
			if !slices.Equal(got, events) {
				t.Errorf("timeline = %v, want %v", got, events)
			}
		}
		notes := func(t *testing.T) []string {
			t.Helper()
			ns, err := st.CaseNotifications(ctx, "C2")
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, n := range ns {
				keys = append(keys, n.DedupKey)
			}
			return keys
		}

		mustApply(t, st, base)
		mustApply(t, st, stale)
		t.Run("the committed retry replaces the stale attempt", func(t *testing.T) {
			mustApply(t, st, committed)
			check(t, mzflow.StatusAwaitingMaterials, []string{"C2-1"}, 8,
				[]string{"submitted/7", "task_opened/nil", "reminder/nil", "decided/8", "materials_requested/8"})
			if got, want := notes(t), []string{"C2/C2-1/reminder/7"}; !slices.Equal(got, want) {
				t.Errorf("notifications = %v, want %v (the stale task's reminder removed, the earlier one kept)", got, want)
			}
		})
		t.Run("an older revision never overwrites a newer one", func(t *testing.T) {
			late := *stale
			late.Case.Revision = 9
			mustApply(t, st, &late)
			check(t, mzflow.StatusAwaitingMaterials, []string{"C2-1"}, 8,
				[]string{"submitted/7", "task_opened/nil", "reminder/nil", "decided/8", "materials_requested/8"})
		})
		t.Run("reproject reports each difference, writes, and then finds none", func(t *testing.T) {
			// What the workflow answers: the stale attempt's path (say the database was
			// damaged the other way round before this fix).
			want := *stale
			want.Case.Revision = 1 // a workflow reset: older than what is there
			changes, err := st.Reproject(ctx, &want)
			if err != nil {
				t.Fatal(err)
			}
			joined := strings.Join(changes, "\n")
			for _, w := range []string{`case C2: status "awaiting_materials" → "in_progress"`, `task C2-1: outcome "return" → "complete", decided_by "8" → "7"`,
				"task C2-2 (investigation) missing", "event 4: actor \"8\" → \"7\", comment differs", "event 6 (task_opened) missing",
				"notification C2/C2-2/reminder/7 missing"} {
				if !strings.Contains(joined, w) {
					t.Errorf("Reproject changes lack %q:\n%s", w, joined)
				}
			}
			if strings.Contains(joined, "受理") || strings.Contains(joined, "退回") {
				t.Errorf("Reproject changes show a comment's text (they are logged):\n%s", joined)
			}
			check(t, mzflow.StatusInProgress, []string{"C2-1", "C2-2", "C2-3"}, 7,
				[]string{"submitted/7", "task_opened/nil", "reminder/nil", "decided/7", "task_opened/nil", "task_opened/nil"})
			again, err := st.Reproject(ctx, &want)
			if err != nil || len(again) != 0 {
				t.Errorf("second Reproject = %v, %v; want no changes", again, err)
			}
		})
	})
}

// TestConcurrentNewCases: first projections of many new cases at once all apply (on
// MySQL, locking a missing row must not take gap locks that deadlock the inserts).
func TestConcurrentNewCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		errs := make(chan error, 20)
		for i := range 20 {
			go func() {
				id := fmt.Sprintf("N%02d", (i*7)%20)
				c := newCase(id, townYL, mzflow.Dibao, "王芳", t0)
				c.Revision, c.LastSeq = 3, 1
				errs <- st.ApplyProjection(t.Context(), &store.Projection{Case: c, TaskSeq: 1,
					Tasks:  []store.Task{{ID: id + "-1", Step: mzflow.StepIntake, Role: mzflow.RoleTownshipClerk, OrgCode: townYL, Status: store.TaskOpen, CreatedAt: t0}},
					Events: []store.TimelineEvent{{Seq: 1, Type: "submitted", At: t0, Data: "{}"}}})
			}()
		}
		for range 20 {
			if err := <-errs; err != nil {
				t.Errorf("ApplyProjection: %v", err)
			}
		}
	})
}
