package store_test

import (
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// A reveal on a closed case is written after the workflow's last event, and a
// reprojection of the closed case (mzflow reproject) neither removes nor reports it.
func TestAppendCaseEventSurvivesReprojection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, cst)
		c := newCase("C9", townYL, mzflow.Dibao, "王芳", t0)
		c.LastSeq = 2
		p := &store.Projection{Case: c, Events: []store.TimelineEvent{
			{Seq: 1, Type: "submitted", At: t0, Data: "{}"}, {Seq: 2, Type: "withdrawn", At: t0, Data: "{}"}}}
		mustApply(t, st, p)
		for want := 3; want <= 4; want++ {
			seq, err := st.AppendCaseEvent(ctx, "C9", store.TimelineEvent{Type: store.EventRevealedAfterClose, At: t0, Comment: "复核", Data: "{}"})
			if err != nil || seq != want {
				t.Fatalf("AppendCaseEvent = %d, %v; want seq %d", seq, err, want)
			}
		}
		changes, err := st.Reproject(ctx, p)
		if err != nil || len(changes) != 0 {
			t.Errorf("reproject = %v, %v; want no changes", changes, err)
		}
		force := *p
		force.Force = true
		mustApply(t, st, &force)
		es, _ := st.CaseTimeline(ctx, "C9")
		if len(es) != 4 || es[3].Type != store.EventRevealedAfterClose {
			t.Errorf("timeline after a forced projection: %+v, want the two reveals kept", es)
		}
	})
}

// The read-model check forces the workflow's state over the row only when the row is
// still the one it saw before asking the workflow: a projection written in between (a
// decision made while the check ran) is newer than the state the check holds and stays.
func TestReprojectOverOnlyTheRevisionSeen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, cst)
		at := func(rev int64, status mzflow.CaseStatus) *store.Projection {
			c := newCase("C8", townYL, mzflow.Dibao, "王芳", t0)
			c.Revision, c.Status, c.LastSeq = rev, status, int(rev)
			return &store.Projection{Case: c}
		}
		mustApply(t, st, at(1, mzflow.StatusInProgress))
		seen := int64(1)                                                            // the check reads the row, then asks the workflow
		mustApply(t, st, at(2, mzflow.StatusRejected))                              // meanwhile a decision is projected
		changes, err := st.ReprojectOver(ctx, at(1, mzflow.StatusInProgress), seen) // the state the check was told
		if err != nil || len(changes) == 0 {
			t.Fatalf("ReprojectOver = %v, %v; want the difference reported", changes, err)
		}
		if cs, _ := st.CaseByID(ctx, "C8"); cs.Status != mzflow.StatusRejected || cs.Revision != 2 {
			t.Errorf("after the check: %s at revision %d, want the decision's rejected at 2", cs.Status, cs.Revision)
		}
		// A row ahead of the workflow that the check saw (an uncommitted task's) is replaced.
		if _, err := st.ReprojectOver(ctx, at(1, mzflow.StatusInProgress), 2); err != nil {
			t.Fatal(err)
		}
		if cs, _ := st.CaseByID(ctx, "C8"); cs.Status != mzflow.StatusInProgress || cs.Revision != 1 {
			t.Errorf("after the check over the row it saw: %s at revision %d, want in_progress at 1", cs.Status, cs.Revision)
		}
	})
}
