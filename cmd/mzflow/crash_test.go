package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mzflow/mzflow/devserver"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/store"
)

// TestCrashBetweenDecisions runs the real binary and kills it hard (SIGKILL) after every
// decision of a 低保 case, and once while a decision is in flight. Temporal's history and
// the read model are both SQLite files in the data folder; after every restart the case
// must carry on from where it was, with no decision lost and none applied twice.
func TestCrashBetweenDecisions(t *testing.T) {
	skipShortOutsideCI(t, "builds and restarts the real binary several times")
	h := newCrashHarness(t)

	tokens := map[string]string{}
	for _, u := range []string{"clerk_yl", "head_yl", "reviewer", "approver"} {
		tokens[u] = login(t, h.url, u)
	}

	var cv crashCase
	h.mustDo("POST", "/api/v1/cases", tokens["clerk_yl"], map[string]any{
		"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "张三", "id_number": "11010519491231002X"},
	}, &cv, http.StatusCreated)
	caseID := cv.ID

	// Which decision gets the in-flight kill: the info check, whose decision closes the
	// parallel branches and makes the main flow open the township review.
	const inFlightStep = "info_check"
	checkedOldToken := false
	for i := 0; ; i++ {
		if i > 12 {
			t.Fatalf("case %s not approved after %d rounds: %+v", caseID, i, cv)
		}
		cv = h.getCase(caseID, tokens["clerk_yl"])
		if cv.Status == "approved" {
			break
		}
		task, ok := cv.firstOpenTask()
		if !ok {
			// Only the publicity (a timer) runs without a task; it ends by itself.
			if cv.Step != "publicity" {
				t.Fatalf("case %s has no open task at step %q (status %s)", caseID, cv.Step, cv.Status)
			}
			cv = h.waitCase(caseID, tokens["clerk_yl"], 60*time.Second, "publicity to end (step county_review)",
				func(c crashCase) bool { return c.Step == "county_review" })
			continue
		}
		d, ok := crashDecisions[task.Step]
		if !ok {
			t.Fatalf("open task %s at unexpected step %q", task.ID, task.Step)
		}
		token := tokens[d.user]
		if task.Step == inFlightStep {
			h.decideWhileKilled(caseID, task.ID, token, d)
		} else {
			h.mustDo("POST", "/api/v1/tasks/"+task.ID+"/decide", token, d.body(), nil, http.StatusOK)
			h.decisions++
		}
		// The decision is answered only once it is in the read model: crash right after.
		h.kill()
		h.start()
		if !checkedOldToken {
			// Sessions live in the read model, so a token from before the crash still works.
			var me loginAnswer
			if code := h.do("GET", "/api/v1/me", tokens["clerk_yl"], nil, &me.User); code != http.StatusOK || me.User.Username != "clerk_yl" {
				t.Fatalf("GET /me after restart with the old token = %d %+v, want 200 clerk_yl", code, me.User)
			}
			checkedOldToken = true
		}
	}

	if h.kills < 4 {
		t.Fatalf("only %d kills, want at least 4", h.kills)
	}
	if cv.AmountMonthly == nil || *cv.AmountMonthly != 600 {
		t.Errorf("amount_monthly = %v, want 600 (the county decision's amount)", cv.AmountMonthly)
	}
	decided := checkCaseView(t, cv)
	if decided != h.decisions {
		t.Errorf("%d decided events in the timeline, the test made %d decisions", decided, h.decisions)
	}

	h.stop()
	checkReadModel(t, h.data, caseID, len(cv.Timeline), len(cv.Tasks))
	t.Logf("crash test: kills=%d decisions=%d timeline=%d", h.kills, decided, len(cv.Timeline))
}

// crashDecision is how the demo users decide each step of the 低保 process (docs/api.md).
type crashDecision struct {
	user, outcome string
	data          map[string]any
}

func (d crashDecision) body() map[string]any {
	b := map[string]any{"outcome": d.outcome, "comment": "崩溃测试"}
	if d.data != nil {
		b["data"] = d.data
	}
	return b
}

var crashDecisions = map[string]crashDecision{
	"intake": {"clerk_yl", "complete", nil},
	"investigation": {"clerk_yl", "complete", map[string]any{
		"household_income_monthly": 300, "members": 2, "investigators": []string{"李四", "王五"}}},
	"info_check":      {"reviewer", "complete", map[string]any{"result": "pass"}},
	"township_review": {"head_yl", "approve", map[string]any{"proposed_amount_monthly": 620}},
	// spot_check_rate is 0 in the rules file: no home visit data needed.
	"county_review":   {"reviewer", "approve", nil},
	"county_decision": {"approver", "approve", map[string]any{"amount_monthly": 600}},
}

// crashCase is the part of the case view the test reads.
type crashCase struct {
	ID            string   `json:"id"`
	WorkflowID    string   `json:"workflow_id"`
	Status        string   `json:"status"`
	Step          string   `json:"step"`
	AmountMonthly *float64 `json:"amount_monthly"`
	Tasks         []struct {
		ID      string `json:"id"`
		Step    string `json:"step"`
		Status  string `json:"status"`
		Outcome string `json:"outcome"`
	} `json:"tasks"`
	Timeline []struct {
		Seq     int            `json:"seq"`
		Type    string         `json:"type"`
		Step    string         `json:"step"`
		Comment string         `json:"comment"`
		Data    map[string]any `json:"data"`
	} `json:"timeline"`
}

// decidedComment is the comment of the decided event of a task ("" when none).
func (c crashCase) decidedComment(taskID string) string {
	for _, e := range c.Timeline {
		if id, _ := e.Data["task_id"].(string); e.Type == "decided" && id == taskID {
			return e.Comment
		}
	}
	return ""
}

type crashTask struct{ ID, Step string }

// firstOpenTask is the oldest open task (tasks come ordered by creation, then ID).
func (c crashCase) firstOpenTask() (crashTask, bool) {
	for _, t := range c.Tasks {
		if t.Status == "open" {
			return crashTask{t.ID, t.Step}, true
		}
	}
	return crashTask{}, false
}

func (c crashCase) taskStatus(id string) string {
	for _, t := range c.Tasks {
		if t.ID == id {
			return t.Status
		}
	}
	return ""
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// crashHarness runs `mzflow dev` as a child process on one data folder.
type crashHarness struct {
	t                     *testing.T
	dir, bin, data, rules string
	url                   string
	temporal              string // the embedded Temporal frontend's host:port
	cmd                   *exec.Cmd
	done                  chan error // the child's Wait result
	starts, kills         int
	decisions             int
	logs                  []string
}

// skipShortOutsideCI skips a long test under -short on a developer's machine; under CI
// (CI set) it always runs.
func skipShortOutsideCI(t *testing.T, why string) {
	t.Helper()
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip(why)
	}
}

// newCrashHarness builds the binary and starts mzflow dev on a fresh data folder with the
// crash rules.
func newCrashHarness(t *testing.T) *crashHarness {
	t.Helper()
	dir := t.TempDir()
	h := &crashHarness{t: t, dir: dir, bin: buildBinary(t, dir), data: filepath.Join(dir, "data"),
		rules: writeCrashRules(t, dir)}
	t.Cleanup(h.cleanup) // registered after TempDir: runs first, so the child is gone before removal
	h.start()
	return h
}

// buildBinary builds the real mzflow binary once (the module root is two levels up).
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "mzflow")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/mzflow")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeCrashRules shortens the publicity to seconds and turns the spot check off, so the
// whole process runs in a test's time and the county review needs no home visit.
func writeCrashRules(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "rules.yaml")
	src := "programs:\n  dibao:\n    spot_check_rate: 0\n    steps:\n      publicity: {limit: 5s}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func freePort(t *testing.T) int {
	t.Helper()
	p, err := devserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// start runs the binary on the data folder with fresh ports and waits for /readyz.
func (h *crashHarness) start() {
	t := h.t
	t.Helper()
	// Restarts come at once: devserver forgets the dead process's cluster members, so a
	// quick restart must not stall (it did, ~45 s, before that fix).
	h.starts++
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	h.temporal = "127.0.0.1:" + strconv.Itoa(freePort(t))
	stdout := h.logFile(fmt.Sprintf("start-%d.stdout", h.starts))
	stderr := h.logFile(fmt.Sprintf("start-%d.stderr", h.starts))
	cmd := exec.Command(h.bin, "dev", "--data", h.data, "--addr", addr,
		"--temporal-port", strings.TrimPrefix(h.temporal, "127.0.0.1:"), "--rules", h.rules, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Start()
	// The child has its own copies of the descriptors.
	stdout.Close()
	stderr.Close()
	if err != nil {
		t.Fatalf("start mzflow dev: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	h.cmd, h.done, h.url = cmd, done, "http://"+addr

	// The port is bound before Temporal starts, so a request may sit unanswered until the
	// API serves: each probe has its own short timeout.
	probe := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case err := <-done:
			h.cmd = nil
			t.Fatalf("mzflow dev (start %d) exited before it was ready: %v", h.starts, err)
		default:
		}
		if resp, err := probe.Get(h.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mzflow dev (start %d) not ready within 3 minutes", h.starts)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (h *crashHarness) logFile(name string) *os.File {
	path := filepath.Join(h.dir, name)
	f, err := os.Create(path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.logs = append(h.logs, path)
	return f
}

// kill ends the child with SIGKILL: no deferred stop, no flush, like a power cut.
func (h *crashHarness) kill() {
	h.t.Helper()
	if err := h.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		h.t.Fatalf("SIGKILL: %v", err)
	}
	select {
	case <-h.done:
	case <-time.After(30 * time.Second):
		h.t.Fatal("the killed process did not go away within 30 s")
	}
	h.cmd = nil
	h.kills++
}

// stop asks the child to stop with SIGINT (Ctrl-C) and expects a clean exit within 30 s.
func (h *crashHarness) stop() {
	h.t.Helper()
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		h.t.Fatalf("SIGINT: %v", err)
	}
	select {
	case err := <-h.done:
		h.cmd = nil
		if err != nil {
			h.t.Fatalf("mzflow dev after SIGINT: %v, want exit status 0", err)
		}
	case <-time.After(30 * time.Second):
		h.t.Fatal("mzflow dev did not stop within 30 s of SIGINT")
	}
}

// cleanup kills a child left running by a failed test and prints the child's output.
func (h *crashHarness) cleanup() {
	if h.cmd != nil {
		_ = h.cmd.Process.Signal(syscall.SIGKILL)
		<-h.done
	}
	if !h.t.Failed() {
		return
	}
	for _, path := range h.logs {
		b, _ := os.ReadFile(path)
		if len(b) > 16<<10 {
			b = append([]byte("…"), b[len(b)-16<<10:]...)
		}
		h.t.Logf("--- %s ---\n%s", filepath.Base(path), b)
	}
}

// crashClient bounds every request of the crash and fault tests: a decision waits at
// most 30 s for Temporal.
var crashClient = &http.Client{Timeout: 90 * time.Second}

// do sends a request to the running child and fails the test on transport errors.
func (h *crashHarness) do(method, path, token string, body, out any) int {
	h.t.Helper()
	code, _, err := request(context.Background(), crashClient, method, h.url+path, token, "", body, out)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return code
}

// mustDo is do that also insists on the status.
func (h *crashHarness) mustDo(method, path, token string, body, out any, want int) {
	h.t.Helper()
	code, data, err := request(context.Background(), crashClient, method, h.url+path, token, "", body, out)
	if err != nil || code != want {
		h.t.Fatalf("%s %s = %d %s (%v), want %d", method, path, code, data, err, want)
	}
}

func (h *crashHarness) getCase(id, token string) crashCase {
	h.t.Helper()
	var c crashCase
	h.mustDo("GET", "/api/v1/cases/"+id, token, nil, &c, http.StatusOK)
	return c
}

// waitCase polls the case until cond holds, failing after timeout.
func (h *crashHarness) waitCase(id, token string, timeout time.Duration, what string, cond func(crashCase) bool) crashCase {
	h.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c := h.getCase(id, token)
		if cond(c) {
			return c
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("waited %s for %s; case is status %s step %s, tasks %+v", timeout, what, c.Status, c.Step, c.Tasks)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// decideWhileKilled sends a decision and kills the process while it is in flight, then
// restarts and settles the task: either the decision took effect (deciding again must be
// 409 task_not_open) or the task is still open (it is decided again).
func (h *crashHarness) decideWhileKilled(caseID, taskID, token string, d crashDecision) {
	t := h.t
	t.Helper()
	type answer struct {
		code int
		err  error
	}
	sent := make(chan answer, 1)
	url := h.url + "/api/v1/tasks/" + taskID + "/decide"
	go func() {
		code, _, err := request(context.Background(), crashClient, "POST", url, token, "", d.body(), nil)
		sent <- answer{code, err}
	}()
	time.Sleep(50 * time.Millisecond) // when to pull the plug, not an assertion
	h.kill()
	var first answer
	select {
	case first = <-sent:
	case <-time.After(30 * time.Second):
		t.Fatal("the in-flight decision did not return within 30 s of the kill")
	}
	if first.err == nil && first.code != http.StatusOK {
		t.Fatalf("in-flight decision of %s answered %d before the kill, want 200 or no answer", taskID, first.code)
	}
	h.start()

	path := "/api/v1/tasks/" + taskID + "/decide"
	var e apiError
	cv := h.getCase(caseID, token)
	if cv.taskStatus(taskID) != "open" {
		// It took effect: a second decision must be refused, not applied twice.
		code := h.do("POST", path, token, d.body(), &e)
		if code == http.StatusOK && first.err != nil {
			// The projection runs inside the workflow task, before the server commits it:
			// killed in between, the read model showed a decision the workflow never
			// recorded (the worker's check puts it right), and the caller, who got no
			// answer, decides again. checkCaseView proves the task was decided once.
			h.decisions++
			t.Logf("in-flight decision (err %v): projected but not committed; again → 200, decided once", first.err)
			return
		}
		if code != http.StatusConflict || e.Error.Code != "task_not_open" {
			t.Fatalf("deciding %s again after it took effect = %d %+v, want 409 task_not_open", taskID, code, e.Error)
		}
		h.decisions++
		t.Logf("in-flight decision (answer %d, err %v): took effect; again → 409 task_not_open", first.code, first.err)
		return
	}
	if first.err == nil {
		t.Fatalf("task %s answered 200 before the kill but is still open after the restart: decision lost", taskID)
	}
	// Still open in the read model: decide again. A 409 task_not_open here is also right
	// when the workflow had recorded the decision but had not projected it before the
	// crash; then the read model must catch up by itself.
	code := h.do("POST", path, token, d.body(), &e)
	switch {
	case code == http.StatusOK:
		t.Logf("in-flight decision (err %v): lost with the crash; decided again → 200", first.err)
	case code == http.StatusConflict && e.Error.Code == "task_not_open":
		t.Logf("in-flight decision (err %v): recorded but not yet projected; again → 409 task_not_open", first.err)
		h.waitCase(caseID, token, 2*time.Minute, "the recorded decision to reach the read model",
			func(c crashCase) bool { return c.taskStatus(taskID) == "done" })
	default:
		t.Fatalf("deciding %s again after the crash = %d %+v, want 200 or 409 task_not_open", taskID, code, e.Error)
	}
	h.decisions++
}

// checkCaseView checks the final case view: approved, timeline seq 1..N without gaps or
// duplicates, every task once, every closed task decided exactly once, none left open.
// It returns the number of decided events.
func checkCaseView(t *testing.T, cv crashCase) int {
	t.Helper()
	if cv.Status != "approved" {
		t.Errorf("status = %q, want approved", cv.Status)
	}
	for i, e := range cv.Timeline {
		if e.Seq != i+1 {
			t.Errorf("timeline[%d].seq = %d, want %d (seq must be 1..N without gaps or duplicates)", i, e.Seq, i+1)
		}
	}
	decidedPerTask := map[string]int{}
	decided := 0
	for _, e := range cv.Timeline {
		if e.Type != "decided" {
			continue
		}
		decided++
		id, _ := e.Data["task_id"].(string)
		decidedPerTask[id]++
	}
	seenTask := map[string]bool{}
	steps := map[string]int{}
	for _, task := range cv.Tasks {
		if seenTask[task.ID] {
			t.Errorf("task %s appears twice in the case view", task.ID)
		}
		seenTask[task.ID] = true
		steps[task.Step]++
		if task.Status == "open" {
			t.Errorf("task %s (%s) still open after approval", task.ID, task.Step)
			continue
		}
		if n := decidedPerTask[task.ID]; n != 1 {
			t.Errorf("task %s (%s, %s) has %d decided events, want exactly 1", task.ID, task.Step, task.Status, n)
		}
	}
	for id := range decidedPerTask {
		if !seenTask[id] {
			t.Errorf("decided event for task %q that is not in the case's tasks", id)
		}
	}
	// Every step of the process exactly once: nothing was returned or re-opened.
	for step := range crashDecisions {
		if steps[step] != 1 {
			t.Errorf("%d tasks at step %s, want 1", steps[step], step)
		}
	}
	if len(cv.Tasks) != len(crashDecisions) || decided != len(crashDecisions) {
		t.Errorf("%d tasks and %d decided events, want %d of each", len(cv.Tasks), decided, len(crashDecisions))
	}
	return decided
}

// checkReadModel opens the stopped product's read model and checks that its rows match
// the case view: no duplicate timeline seq or task rows, and last_seq is the last event.
func checkReadModel(t *testing.T, data, caseID string, events, tasks int) {
	t.Helper()
	st, err := store.Open("sqlite:" + filepath.Join(data, "mzflow.db"))
	if err != nil {
		t.Fatalf("open read model: %v", err)
	}
	defer st.Close()
	keys, err := privacy.LoadKeys("", filepath.Join(data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	st.SealWith(keys) // the timeline's data is sealed with the data folder's key
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tl, err := st.CaseTimeline(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[int]int{}
	for _, e := range tl {
		seqs[e.Seq]++
	}
	for i := 1; i <= len(tl); i++ {
		if seqs[i] != 1 {
			t.Errorf("read model: %d timeline rows with seq %d, want 1", seqs[i], i)
		}
	}
	if len(tl) != events {
		t.Errorf("read model: %d timeline rows, the case view showed %d", len(tl), events)
	}
	ts, err := st.CaseTasks(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, task := range ts {
		ids[task.ID]++
		if ids[task.ID] == 2 {
			t.Errorf("read model: task %s twice", task.ID)
		}
		if task.Status != store.TaskDone {
			t.Errorf("read model: task %s (%s) is %s, want done", task.ID, task.Step, task.Status)
		}
	}
	if len(ts) != tasks {
		t.Errorf("read model: %d task rows, the case view showed %d", len(ts), tasks)
	}
	c, err := st.CaseByID(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.LastSeq != len(tl) {
		t.Errorf("read model: case last_seq = %d, want %d (the last timeline seq)", c.LastSeq, len(tl))
	}
}
