package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
	"github.com/mzflow/mzflow/worker"
	"github.com/mzflow/mzflow/workflows"
)

// burstTrials is how many cases get a conflicting burst; issue 10 found about half of
// them wrong before the projection converged.
const burstTrials = 20

// TestConflictingDecisionBurst files a 低保 case and sends 20 decisions of its intake at
// the same moment: 10 by clerk_yl accepting it, 10 by a second clerk of the township
// returning it for missing papers. Exactly one may win; the read model must then say
// what the workflow decided, field by field (the state query), and stay so when the
// case goes on (materials, a new intake).
func TestConflictingDecisionBurst(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql"} {
		t.Run(db, func(t *testing.T) {
			dir := t.TempDir()
			cfg := &devConfig{data: filepath.Join(dir, "data")}
			dsn := "sqlite:" + filepath.Join(cfg.data, "mzflow.db")
			if db == "mysql" {
				cfg.db = storetest.MySQLDSN(t)
				dsn = cfg.db
			}
			s := startDevWith(t, cfg)
			e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
			addSecondClerk(t, e)
			st, wc := openReadModel(t, dsn, cfg.data), testClient(t, s.temporal, cfg.data)

			for trial := range burstTrials {
				id := fileCase(t, e, "突发"+fmt.Sprint(trial), faultIDNumber(300+trial))
				_, v := e.get("clerk_yl", id)
				intake := v.open("intake")
				winner := burst(t, e, intake)

				_, v = e.get("clerk_yl", id)
				decided := 0
				for _, ev := range v.Timeline {
					if ev.Type == "decided" {
						decided++
						if c, _ := ev.Data["outcome"].(string); c != winner.outcome {
							t.Errorf("trial %d: decided event says %s, the 200 went to %s (%s)", trial, c, winner.outcome, winner.comment)
						}
					}
				}
				if decided != 1 {
					t.Errorf("trial %d: %d decided events, want 1", trial, decided)
				}
				wantStatus := map[string]string{"complete": "in_progress", "return": "awaiting_materials"}[winner.outcome]
				if v.Status != wantStatus {
					t.Errorf("trial %d: status %s after %s won, want %s", trial, v.Status, winner.outcome, wantStatus)
				}
				for _, d := range checkAgainstWorkflow(t, st, wc, id) {
					t.Errorf("trial %d (%s won): %s", trial, winner.comment, d)
				}
				if winner.outcome == "return" {
					// The case goes on: the papers come, intake opens again.
					var out caseView
					if code := call(t, "POST", e.base+"/api/v1/cases/"+id+"/materials", e.as("clerk_yl"),
						map[string]any{"reason": "已补齐户口簿"}, &out); code != http.StatusOK {
						t.Fatalf("trial %d: materials = %d %+v", trial, code, out.Error)
					}
					if out.open("intake") == "" || out.Status != "in_progress" {
						t.Errorf("trial %d: after materials status %s, open intake %q; want in_progress with a new intake", trial, out.Status, out.open("intake"))
					}
					for _, d := range checkAgainstWorkflow(t, st, wc, id) {
						t.Errorf("trial %d after materials: %s", trial, d)
					}
				}
			}
		})
	}
}

// burstDecision is one of the burst's requests and its answer.
type burstDecision struct {
	user, outcome, comment string
	code                   int
	errCode                string
}

// burst sends the 20 conflicting decisions at once and returns the one that won. It
// fails the test unless exactly one answered 200 and the rest 409.
func burst(t *testing.T, e *e2e, task string) burstDecision {
	t.Helper()
	var ds []*burstDecision
	for i := range 20 {
		d := &burstDecision{user: "clerk_yl", outcome: "complete", comment: fmt.Sprintf("受理#%d", i)}
		if i >= 10 {
			d = &burstDecision{user: "clerk_yl_b", outcome: "return", comment: fmt.Sprintf("退回#%d", i)}
		}
		ds = append(ds, d)
	}
	tokens := map[string]string{"clerk_yl": e.as("clerk_yl"), "clerk_yl_b": e.as("clerk_yl_b")}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() {
			body := map[string]any{"outcome": d.outcome, "comment": d.comment}
			if d.outcome == "return" {
				body["data"] = map[string]any{"missing_items": []string{"户口簿"}}
			}
			var out apiError
			<-start
			code, _, err := request(context.Background(), crashClient, "POST", e.base+"/api/v1/tasks/"+task+"/decide", tokens[d.user], "", body, &out)
			if err != nil {
				t.Errorf("decide %s: %v", d.comment, err)
			}
			d.code, d.errCode = code, out.Error.Code
		})
	}
	close(start)
	wg.Wait()
	var winner burstDecision
	wins, answers := 0, map[string]int{}
	for _, d := range ds {
		answers[fmt.Sprintf("%d %s", d.code, d.errCode)]++
		if d.code == http.StatusOK {
			wins++
			winner = *d
		}
	}
	if wins != 1 || answers["409 task_not_open"] != 19 {
		t.Fatalf("burst on %s answered %v, want one 200 and nineteen 409 task_not_open", task, answers)
	}
	return winner
}

// addSecondClerk creates clerk_yl_b, a second township clerk of 云岭镇, as the
// administrator does, and signs in as them (changing the initial password first).
func addSecondClerk(t *testing.T, e *e2e) {
	t.Helper()
	e.tokens["clerk_yl_b"] = newSecondClerk(t, e.base, e.as("admin"))
}

// newSecondClerk creates clerk_yl_b with an initial password, which must be changed at the
// first sign-in, changes it, and returns a session token of theirs.
func newSecondClerk(t *testing.T, base, admin string) string {
	t.Helper()
	const initial, chosen = "Initial#Pass-2026", "Clerk-B#Pass-2026"
	var out apiError
	if code := call(t, "POST", base+"/api/v1/admin/users", admin, map[string]any{
		"username": "clerk_yl_b", "name": "王芳乙", "role": "township_clerk", "org_code": "349901100", "password": initial,
	}, &out); code != http.StatusCreated {
		t.Fatalf("create clerk_yl_b = %d %+v", code, out.Error)
	}
	signIn := func(pw string) string {
		var a loginAnswer
		if code := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": "clerk_yl_b", "password": pw}, &a); code != 200 || a.Token == "" {
			t.Fatalf("clerk_yl_b signs in = %d", code)
		}
		return a.Token
	}
	if code := call(t, "POST", base+"/api/v1/me/password", signIn(initial),
		map[string]string{"old_password": initial, "new_password": chosen}, nil); code >= 300 {
		t.Fatalf("clerk_yl_b changes the initial password = %d", code)
	}
	return signIn(chosen)
}

func fileCase(t *testing.T, e *e2e, name, idNumber string) string {
	t.Helper()
	var v caseView
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), map[string]any{
		"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": name, "id_number": idNumber},
	}, &v); code != http.StatusCreated {
		t.Fatalf("file %s = %d %+v", name, code, v.Error)
	}
	return v.ID
}

// openReadModel opens the running product's read model beside it, with the data folder's
// key for the sealed timeline data.
func openReadModel(t *testing.T, dsn, data string) *store.Store {
	t.Helper()
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatalf("open read model: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	keys, err := privacy.LoadKeys("", filepath.Join(data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	st.SealWith(keys)
	return st
}

// testClient is a client of the running product's Temporal, with its payload keys.
func testClient(t *testing.T, hostPort, data string) client.Client {
	t.Helper()
	keys, err := privacy.LoadKeys("", filepath.Join(data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: hostPort, Namespace: "default", DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatalf("dial Temporal: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// checkAgainstWorkflow compares the read model of a case with its workflow's state, field
// by field: the case's status and step, every task's status, outcome and decider, every
// timeline event, every notification; it returns the differences.
func checkAgainstWorkflow(t *testing.T, st *store.Store, c client.Client, caseID string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := st.CaseByID(ctx, caseID)
	if err != nil {
		t.Fatalf("read case %s: %v", caseID, err)
	}
	snap, err := worker.State(ctx, c, cs.WorkflowID)
	if err != nil {
		t.Fatalf("query %s: %v", caseID, err)
	}
	return readModelDiff(t, ctx, st, snap)
}

// readModelDiff lists how the read model differs from a workflow's state.
func readModelDiff(t *testing.T, ctx context.Context, st *store.Store, snap workflows.ProjectInput) []string {
	t.Helper()
	var diffs []string
	differ := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	cs, err := st.CaseByID(ctx, snap.CaseID)
	if err != nil {
		t.Fatalf("read case %s: %v", snap.CaseID, err)
	}
	if cs.Status != snap.Status || cs.Step != snap.Step || cs.LastSeq != snap.LastSeq {
		differ("case is {%s %s seq %d}, the workflow {%s %s seq %d}", cs.Status, cs.Step, cs.LastSeq, snap.Status, snap.Step, snap.LastSeq)
	}
	tasks, err := st.CaseTasks(ctx, snap.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]store.Task{}
	for _, r := range tasks {
		rows[r.ID] = r
	}
	if len(tasks) != len(snap.Tasks) {
		differ("%d task rows, the workflow has %d tasks", len(tasks), len(snap.Tasks))
	}
	for _, w := range snap.Tasks {
		r, ok := rows[w.ID]
		by := int64(0)
		if ok && r.DecidedBy != nil {
			by = *r.DecidedBy
		}
		if !ok || r.Step != w.Step || r.Status != w.Status || r.Outcome != w.Outcome || by != w.DecidedBy || r.OrgCode != w.OrgCode {
			differ("task %s is %+v, the workflow's {%s %s %s by %d}", w.ID, taskSummary(r, ok), w.Step, w.Status, w.Outcome, w.DecidedBy)
		}
	}
	events, err := st.CaseTimeline(ctx, snap.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(snap.Events) {
		differ("%d timeline rows, the workflow recorded %d events", len(events), len(snap.Events))
	}
	for i := range min(len(events), len(snap.Events)) {
		r, w := events[i], snap.Events[i]
		actor := int64(0)
		if r.ActorID != nil {
			actor = *r.ActorID
		}
		if r.Seq != w.Seq || r.Type != w.Type || r.Step != w.Step || actor != w.ActorID || r.ActorName != w.ActorName ||
			r.Comment != w.Comment || r.Data != w.Data {
			differ("event %d is {%s by %d %q %s}, the workflow's {%d %s by %d %q %s}", r.Seq, r.Type, actor, r.Comment, r.Data,
				w.Seq, w.Type, w.ActorID, w.Comment, w.Data)
		}
	}
	notes, err := st.CaseNotifications(ctx, snap.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, n := range snap.Notices {
		keys[snap.CaseID+"/"+n.Key] = true
	}
	for _, n := range notes {
		key := n.DedupKey[:strings.LastIndex(n.DedupKey, "/")]
		if !keys[key] {
			differ("notification %s (%q) was never sent by the workflow", n.DedupKey, n.Text)
		}
	}
	return diffs
}

func taskSummary(r store.Task, ok bool) string {
	if !ok {
		return "missing"
	}
	by := int64(0)
	if r.DecidedBy != nil {
		by = *r.DecidedBy
	}
	return fmt.Sprintf("{%s %s %s by %d}", r.Step, r.Status, r.Outcome, by)
}
