package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// TestReprojectCommand: a read model damaged before projections converged (issue 10) is
// rebuilt from the workflows by `mzflow reproject`, which says what it changed, and a
// second run changes nothing. One case is damaged at its own revision, one as after a
// Temporal reset (a revision ahead of the workflow's).
func TestReprojectCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := &devConfig{data: filepath.Join(dir, "data")}
	s := startDevWith(t, cfg)
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
	st := openReadModel(t, "sqlite:"+filepath.Join(cfg.data, "mzflow.db"), cfg.data)

	var ids []string
	for i, ahead := range []bool{false, true} {
		id := fileCase(t, e, "修复"+string(rune('甲'+i)), faultIDNumber(450+i))
		_, v := e.get("clerk_yl", id)
		e.decide("clerk_yl", v.open("intake"), map[string]any{"outcome": "complete", "comment": "受理"}, 200, "")
		damage(t, st, id, ahead)
		ids = append(ids, id)
	}

	args := []string{"reproject", "--data", cfg.data, "--temporal-address", s.temporal, "--log-level", "warn"}
	out, err := runCLI(t, append(args, "--case", ids[0])...)
	if err != nil {
		t.Fatalf("reproject --case: %v\n%s", err, out)
	}
	t.Logf("mzflow reproject --case %s:\n%s", ids[0], out)
	for _, want := range []string{ids[0] + ": 已按流程状态重建", `status "rejected" → "in_progress"`, "removed: the workflow never opened it",
		"removed: the workflow never recorded it", "event 2: type", "检查 1 件，重建 1 件，失败 0 件"} {
		if !strings.Contains(out, want) {
			t.Errorf("reproject --case output lacks %q:\n%s", want, out)
		}
	}
	out, err = runCLI(t, append(args, "--all")...)
	if err != nil || !strings.Contains(out, ids[1]+": 已按流程状态重建") || strings.Contains(out, ids[0]+":") {
		t.Errorf("reproject --all = %v, want only %s rebuilt:\n%s", err, ids[1], out)
	}
	c := testClient(t, s.temporal, cfg.data)
	for _, id := range ids {
		for _, d := range checkAgainstWorkflow(t, st, c, id) {
			t.Errorf("%s after reproject: %s", id, d)
		}
	}
	out, err = runCLI(t, append(args, "--all")...)
	if err != nil || !strings.Contains(out, "重建 0 件") {
		t.Errorf("second reproject --all = %v, want nothing rebuilt:\n%s", err, out)
	}
	// The repaired case goes on: its investigation can be decided.
	_, v := e.get("clerk_yl", ids[1])
	e.decide("clerk_yl", v.open("investigation"), map[string]any{"outcome": "complete",
		"data": map[string]any{"household_income_monthly": 300, "members": 2, "investigators": []string{"李四", "王五"}}}, 200, "")
	if out, err := runCLI(t, "reproject", "--data", cfg.data, "--temporal-address", s.temporal); err == nil {
		t.Errorf("reproject without --case or --all = nil, want an error:\n%s", out)
	}

	// Damage written just now, as a killed worker's uncommitted task leaves it: the
	// running product's check (worker.Checker) repairs it by itself.
	damageAt(t, st, ids[0], false, time.Now())
	for deadline := time.Now().Add(60 * time.Second); ; {
		diffs := checkAgainstWorkflow(t, st, c, ids[0])
		if len(diffs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read-model check did not repair %s within 60 s: %v", ids[0], diffs)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// damage writes what issue 10 saw over a case's rows, dated two days back so the running
// checker (which looks an hour back) leaves it to the command: a wrong status, event 2
// of another kind, an event and a task the workflow never had.
func damage(t *testing.T, st *store.Store, id string, ahead bool) {
	t.Helper()
	damageAt(t, st, id, ahead, time.Now().Add(-48*time.Hour))
}

// damageAt is damage written as of at.
func damageAt(t *testing.T, st *store.Store, id string, ahead bool, old time.Time) {
	t.Helper()
	ctx := context.Background()
	c, err := st.CaseByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := st.CaseTimeline(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	c.Status, c.UpdatedAt, c.LastSeq = mzflow.StatusRejected, old, c.LastSeq+1
	if ahead {
		c.Revision += 1 << 40
	}
	e2 := events[1]
	e2.Type = "decided"
	p := &store.Projection{Case: *c, Force: true,
		Tasks: []store.Task{{ID: id + "-9", Step: mzflow.StepInvestigation, Role: mzflow.RoleTownshipClerk,
			OrgCode: c.TownshipCode, Status: store.TaskOpen, CreatedAt: old}},
		Events: []store.TimelineEvent{e2, {Seq: c.LastSeq, Type: "decided", At: old, Data: "{}"}}}
	if err := st.ApplyProjection(ctx, p); err != nil {
		t.Fatal(err)
	}
}
