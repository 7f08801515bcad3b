package workflows_test

import (
	"encoding/json"
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/workflows"
)

// TestStateQueryAndReproject: the state query answers the whole of this run in the read
// model's shape (every event, every task with its decider), and the reproject update
// projects exactly that again; every projection carries a revision no lower than the one
// before, and says which events it is authoritative for.
func TestStateQueryAndReproject(t *testing.T) {
	h := newHarness(t, monday)
	h.decide("1", clerkYL, workflows.OutcomeReturn, "材料不全", map[string]any{"missing_items": []string{"户口簿"}}, "")
	h.update(workflows.UpdateMaterials, workflows.ReasonInput{Reason: "已补齐", Actor: clerkYL}, "")
	h.decide("2", clerkYL, workflows.OutcomeComplete, "受理", nil, "")
	var snap workflows.ProjectInput
	h.after(func() {
		v, err := h.env.QueryWorkflow(workflows.QueryState)
		if err != nil {
			t.Fatalf("query %s: %v", workflows.QueryState, err)
		}
		if err := v.Get(&snap); err != nil {
			t.Fatal(err)
		}
	})
	var before int
	h.after(func() {
		before = len(h.all)
		h.env.UpdateWorkflow(workflows.UpdateReproject, "reproject-1", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("reproject rejected: %v", err) }, OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				if err != nil {
					t.Errorf("reproject: %v", err)
				}
			},
		})
	})
	h.update(workflows.UpdateWithdraw, workflows.ReasonInput{Reason: "申请人撤回", Actor: clerkYL}, "")
	h.run(input(mzflow.Dibao))
	projections := h.all

	// The query: every event of the run, in order, as the projections wrote them.
	var seqs []int
	for _, e := range snap.Events {
		seqs = append(seqs, e.Seq)
	}
	if snap.FromSeq != 0 || len(seqs) == 0 || seqs[0] != 1 || seqs[len(seqs)-1] != snap.LastSeq || len(seqs) != snap.LastSeq {
		t.Fatalf("state query events %v from %d, want 1..%d", seqs, snap.FromSeq, snap.LastSeq)
	}
	written := map[int]workflows.EventRow{}
	for _, e := range h.evts {
		written[e.Seq] = e
	}
	for _, e := range snap.Events {
		if w := written[e.Seq]; w.Type != e.Type || w.ActorID != e.ActorID || w.Comment != e.Comment || w.Data != e.Data {
			t.Errorf("event %d: query %+v, projected %+v", e.Seq, e, w)
		}
	}
	if len(snap.Tasks) != 4 || snap.Tasks[0].DecidedBy != clerkYL.ID || snap.Tasks[0].Outcome != workflows.OutcomeReturn ||
		snap.Tasks[1].Step != mzflow.StepIntake || snap.Tasks[1].Outcome != workflows.OutcomeComplete || snap.TaskSeq != 4 {
		t.Errorf("state query tasks %+v (task seq %d), want intake returned by %d, intake completed, then two open (4)", snap.Tasks, snap.TaskSeq, clerkYL.ID)
	}

	// The reproject update: one projection of the whole run.
	if len(projections) <= before {
		t.Fatal("the reproject update projected nothing")
	}
	re := projections[before]
	if re.FromSeq != 0 || len(re.Events) != re.LastSeq || !slices.EqualFunc(re.Events, snap.Events[:min(len(snap.Events), len(re.Events))],
		func(a, b workflows.EventRow) bool { return a.Seq == b.Seq && a.Type == b.Type }) {
		t.Errorf("reproject projected events from %d: %d of %d, want the whole run", re.FromSeq, len(re.Events), re.LastSeq)
	}
	for i := 1; i < len(projections); i++ {
		p, q := projections[i-1], projections[i]
		if q.Revision < p.Revision {
			t.Errorf("projection %d revision %d after %d: revisions must not go down", i, q.Revision, p.Revision)
		}
		if i != before && q.FromSeq != p.LastSeq {
			t.Errorf("projection %d from seq %d, the one before ended at %d", i, q.FromSeq, p.LastSeq)
		}
	}
}

// A re-check cycle hands its state to the next run (continue-as-new) as JSON. States
// written before the step primitive (flat record fields, a task's deadline fields on the
// task, the overall limit's level on the case) decode into today's types unchanged.
func TestStateFromBeforeTheStepPrimitiveDecodes(t *testing.T) {
	old := `{"Status":"approved","Step":"","DueAt":"2026-03-01T16:00:00Z","OverallLevel":2,
	"OverallNextAt":"2026-03-04T16:00:00Z","AmountMonthly":700,"Cycle":1,"Seq":31,"TaskSeq":9,
	"Tasks":[{"ID":"c1-9","Step":"recheck","Role":"township_head","OrgCode":"349901100",
	"Limit":"10WD","Status":"open","CreatedAt":"2026-03-01T01:00:00Z",
	"DueAt":"2026-03-15T16:00:00Z","DueDate":"2026-03-15","Provisional":false,
	"RemindAt":"2026-03-14T16:00:00Z","Reminded":true,"Level":1,"NextEscAt":"2026-03-17T16:00:00Z",
	"Notified":[{"level":1,"role":"township_head","org":"349901100","at":"2026-03-15T16:00:00Z"}],
	"AssigneeID":3,"Decision":null}],
	"Timeline":null,"Notices":null,"ProjectedSeq":31,"RunStartSeq":20,"Version":12}`
	var st workflows.CaseState
	if err := json.Unmarshal([]byte(old), &st); err != nil {
		t.Fatal(err)
	}
	if st.Seq != 31 || st.TaskSeq != 9 || st.ProjectedSeq != 31 || st.Version != 12 || st.OverallLevel != 2 ||
		st.OverallNextAt.IsZero() || st.Overall != nil {
		t.Errorf("record %+v, overall level %d next %s", st.Record, st.OverallLevel, st.OverallNextAt)
	}
	if len(st.Tasks) != 1 {
		t.Fatalf("tasks %+v", st.Tasks)
	}
	task := st.Tasks[0]
	if task.DueDate != "2026-03-15" || !task.Reminded || task.Level != 1 || task.NextEscAt.IsZero() ||
		len(task.Notified) != 1 || task.Notified[0].Org != "349901100" || task.AssigneeID != 3 || task.Limit.N != 10 {
		t.Errorf("task %+v", task)
	}
}
