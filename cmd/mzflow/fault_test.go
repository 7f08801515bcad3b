package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
	"github.com/mzflow/mzflow/worker"
)

// faultCases is how many 低保 cases the load files and walks to approval; faultClients is
// how many client goroutines walk them at once; faultKills is the least number of SIGKILLs.
const (
	faultCases   = 200
	faultClients = 8
	faultKills   = 10
)

// TestFaultsUnderLoad runs the production shape of the product: the embedded Temporal
// server standing in for the cluster, MariaDB as the read model, two `mzflow api` and two
// `mzflow worker` processes. Concurrent clients file and walk 200 cases through every
// step while a chaos goroutine SIGKILLs a random api or worker at least 10 times and
// restarts it. Afterwards every case must be approved with its decided amount, every
// decision applied exactly once, and no timeline event or task row duplicated; every
// request either succeeded or got an error the client could retry.
func TestFaultsUnderLoad(t *testing.T) {
	skipShortOutsideCI(t, "runs five processes and a load of 200 cases")
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()

	dsn := storetest.MySQLDSN(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	seedFaultDB(t, ctx, dsn)

	keyBytes := make([]byte, 32)
	if _, err := rand.Read(keyBytes); err != nil {
		t.Fatal(err)
	}
	rulesFile := filepath.Join(dir, "fault-rules.yaml")
	src := "programs:\n  dibao:\n    spot_check_rate: 0\n    steps:\n      publicity: {limit: 2s}\n"
	if err := os.WriteFile(rulesFile, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}

	h := &faultHarness{t: t, dir: dir, bin: bin, env: append(os.Environ(), "MZFLOW_SECRET_KEY="+hex.EncodeToString(keyBytes), faultSecondFactor)}
	t.Cleanup(h.cleanup) // after MySQLDSN and TempDir: runs first

	temporalAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	_, tport, _ := net.SplitHostPort(temporalAddr)
	temporal := h.add("temporal", "", "dev", "--temporal-only", "--data", filepath.Join(dir, "data"),
		"--temporal-port", tport, "--log-level", "warn")
	if err := h.start(ctx, temporal); err != nil {
		t.Fatal(err)
	}
	if err := waitTCP(ctx, temporal, temporalAddr); err != nil {
		t.Fatal(err)
	}
	common := []string{"--db", dsn, "--temporal-address", temporalAddr, "--rules", rulesFile, "--log-level", "warn"}
	var victims []*faultProc
	for i := 1; i <= 2; i++ {
		victims = append(victims, h.add(fmt.Sprintf("worker%d", i), "",
			append([]string{"worker", "--metrics-addr", "127.0.0.1:" + strconv.Itoa(freePort(t))}, common...)...))
	}
	var apis []string
	for i := 1; i <= 2; i++ {
		addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		apis = append(apis, "http://"+addr)
		victims = append(victims, h.add(fmt.Sprintf("api%d", i), "http://"+addr,
			append([]string{"api", "--addr", addr}, common...)...))
	}
	for _, p := range victims {
		if err := h.start(ctx, p); err != nil {
			t.Fatal(err)
		}
	}

	fc := &faultClient{t: t, apis: apis, tokens: map[string]string{}}
	for first, second := range faultRivals {
		fc.tokens[first], fc.tokens[second] = login(t, apis[0], first), login(t, apis[0], second)
	}

	// Chaos: kill a random api or worker every 2–4 s and restart it, until the load is
	// done and at least faultKills kills have happened.
	var loadDone atomic.Bool
	var kills atomic.Int64
	chaosDone := make(chan struct{})
	go func() {
		defer close(chaosDone)
		for {
			if loadDone.Load() && kills.Load() >= faultKills {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(2*time.Second + mrand.N(2*time.Second)):
			}
			p := victims[mrand.N(len(victims))]
			if err := h.kill(p); err != nil {
				t.Errorf("chaos: %v", err)
				return
			}
			kills.Add(1)
			if err := h.start(ctx, p); err != nil {
				t.Errorf("chaos: %v", err)
				return
			}
		}
	}()

	// Load: faultClients goroutines file and walk the cases.
	results := make([]faultResult, faultCases)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < faultClients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = fc.walk(ctx, i)
				if results[i].err != nil {
					t.Errorf("case %d: %v", i, results[i].err)
					cancel() // one failure is enough: stop the rest quickly
				}
			}
		}()
	}
	for i := 0; i < faultCases; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	loadDone.Store(true)
	<-chaosDone
	if ctx.Err() != nil || t.Failed() {
		t.Fatalf("load did not complete (ctx: %v); kills=%d retries=%d", ctx.Err(), kills.Load(), fc.retries.Load())
	}
	if k := kills.Load(); k < faultKills {
		t.Fatalf("only %d kills, want at least %d", k, faultKills)
	}

	// The final state, through the API and straight from the database.
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatalf("open read model: %v", err)
	}
	defer st.Close()
	keys, err := privacy.LoadKeys(hex.EncodeToString(keyBytes), "")
	if err != nil {
		t.Fatal(err)
	}
	st.SealWith(keys)
	tc, err := client.Dial(client.Options{HostPort: temporalAddr, Namespace: "default", DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatalf("dial Temporal: %v", err)
	}
	defer tc.Close()
	lost, doubled, mismatched := 0, 0, 0
	for i, r := range results {
		cv, err := fc.waitApproved(ctx, r.caseID)
		if err != nil {
			t.Errorf("case %d (%s): %v", i, r.caseID, err)
			lost++
			continue
		}
		l, d := checkFaultCase(t, ctx, st, cv, r.decided)
		lost += l
		doubled += d
		// Every answered decision is the one the timeline names, and the read model
		// says, field by field, what the workflow knows.
		diffs := r.mismatches
		if snap, err := worker.State(ctx, tc, cv.WorkflowID); err != nil {
			diffs = append(diffs, fmt.Sprintf("state query: %v", err))
		} else {
			diffs = append(diffs, readModelDiff(t, ctx, st, snap)...)
		}
		if len(diffs) > 0 {
			mismatched++
			t.Errorf("case %s: %v", cv.ID, diffs)
		}
	}
	t.Logf("fault test: cases=%d kills=%d lost=%d doubled=%d mismatched=%d retries=%d rivals=%d (create answered by duplicate_active_case after a retry: %d)",
		len(results), kills.Load(), lost, doubled, mismatched, fc.retries.Load(), fc.rivalWins.Load(), fc.createDup.Load())
	if lost > 0 || doubled > 0 || mismatched > 0 {
		t.Errorf("lost=%d doubled=%d mismatched=%d, want 0, 0 and 0", lost, doubled, mismatched)
	}
	h.stopAll()
}

// seedFaultDB migrates the fresh database and seeds the demo county and users, as
// `mzflow migrate` and an operator would before the processes start.
// faultSecondFactor lets the fault tests' supervisors and approvers work without
// enrolling a second factor (the sign-in tests cover mzflow api's default).
const faultSecondFactor = "MZFLOW_SECOND_FACTOR=enrolled"

func seedFaultDB(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	hash, err := api.HashPassword(store.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SeedDemo(ctx, hash, time.Now()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	// mzflow api makes demo users change the demo password first: these users have
	// "changed" theirs (to the same one), so the test drives cases, not sign-in.
	users, err := st.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := st.SetPassword(ctx, u.ID, hash, false, 0, 5, time.Now()); err != nil {
			t.Fatalf("seed %s: %v", u.Username, err)
		}
	}
	// A second user for every role the 低保 path needs, so each decision has a rival.
	for first, second := range faultRivals {
		u, err := st.UserByUsername(ctx, first)
		if err != nil {
			t.Fatalf("seed %s: %v", second, err)
		}
		if err := st.CreateUser(ctx, &store.User{Username: second, Name: u.Name + "乙", PasswordHash: hash,
			Role: u.Role, OrgID: u.OrgID, Active: true, CreatedAt: time.Now()}); err != nil {
			t.Fatalf("seed %s: %v", second, err)
		}
	}
}

// faultRivals names, for each demo user who decides a 低保 step, a second user of the
// same role and organisation who sends a rival decision of the same task at once.
var faultRivals = map[string]string{"clerk_yl": "clerk_yl_b", "head_yl": "head_yl_b", "reviewer": "reviewer_b", "approver": "approver_b"}

// faultIDNumber is the i-th distinct, valid 18-digit ID number (MOD 11-2 check char).
func faultIDNumber(i int) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*37)
	id17 := "110105" + birth.Format("20060102") + fmt.Sprintf("%03d", i%1000)
	return rules.WithCheckChar(id17)
}

// --- processes ---

type faultProc struct {
	name, url string
	args      []string
	log       string
	cmd       *exec.Cmd
	done      chan error
	starts    int
}

type faultHarness struct {
	t        *testing.T
	dir, bin string
	env      []string
	mu       sync.Mutex
	procs    []*faultProc
}

func (h *faultHarness) add(name, url string, args ...string) *faultProc {
	p := &faultProc{name: name, url: url, args: args, log: filepath.Join(h.dir, name+".log")}
	h.mu.Lock()
	h.procs = append(h.procs, p)
	h.mu.Unlock()
	return p
}

// start runs p (its output appended to its log file) and, for an api, waits for /readyz.
func (h *faultHarness) start(ctx context.Context, p *faultProc) error {
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	p.starts++
	fmt.Fprintf(f, "=== start %d at %s ===\n", p.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(h.bin, p.args...)
	cmd.Env = h.env
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Start()
	f.Close()
	if err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	h.mu.Lock()
	p.cmd, p.done = cmd, done
	h.mu.Unlock()
	if p.url == "" {
		return nil
	}
	probe := &http.Client{Timeout: 2 * time.Second}
	ready, rcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer rcancel()
	for {
		select {
		case err := <-done:
			h.mu.Lock()
			p.cmd = nil
			h.mu.Unlock()
			return fmt.Errorf("%s (start %d) exited before it was ready: %v", p.name, p.starts, err)
		default:
		}
		if resp, err := probe.Get(p.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ready.Done():
			return fmt.Errorf("%s (start %d) not ready: %v", p.name, p.starts, ready.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// kill SIGKILLs p and waits for it to exit.
func (h *faultHarness) kill(p *faultProc) error {
	h.mu.Lock()
	cmd, done := p.cmd, p.done
	h.mu.Unlock()
	if cmd == nil {
		return fmt.Errorf("%s is not running", p.name)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("SIGKILL %s: %w", p.name, err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		return fmt.Errorf("%s did not exit within 30 s of SIGKILL", p.name)
	}
	h.mu.Lock()
	p.cmd = nil
	h.mu.Unlock()
	return nil
}

// stopAll sends SIGINT to every running process (apis and workers before Temporal) and
// SIGKILLs those still running 10 s later.
func (h *faultHarness) stopAll() {
	h.mu.Lock()
	procs := append([]*faultProc(nil), h.procs...)
	h.mu.Unlock()
	stop := func(ps []*faultProc) {
		var wg sync.WaitGroup
		for _, p := range ps {
			h.mu.Lock()
			cmd, done := p.cmd, p.done
			p.cmd = nil
			h.mu.Unlock()
			if cmd == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = cmd.Process.Signal(os.Interrupt)
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Signal(syscall.SIGKILL)
					<-done
				}
			}()
		}
		wg.Wait()
	}
	// procs[0] is Temporal: stop it last.
	if len(procs) > 1 {
		stop(procs[1:])
	}
	stop(procs[:1])
}

func (h *faultHarness) cleanup() {
	h.stopAll()
	if !h.t.Failed() {
		return
	}
	for _, p := range h.procs {
		b, _ := os.ReadFile(p.log)
		if len(b) > 12<<10 {
			b = append([]byte("…"), b[len(b)-12<<10:]...)
		}
		h.t.Logf("--- %s (%d starts) ---\n%s", filepath.Base(p.log), p.starts, b)
	}
}

func waitTCP(ctx context.Context, p *faultProc, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		select {
		case err := <-p.done:
			return fmt.Errorf("%s exited before its port was open: %v", p.name, err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: port %s not open: %v", p.name, addr, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// --- clients ---

type faultClient struct {
	t         *testing.T
	apis      []string
	tokens    map[string]string // read-only once the load starts
	rr        atomic.Uint64
	retries   atomic.Int64
	createDup atomic.Int64
	rivalWins atomic.Int64 // decisions the rival user won
}

type faultResult struct {
	caseID     string
	decided    map[string]string // task ID → step of every decision the client saw applied
	mismatches []string          // answered decisions the timeline names otherwise
	err        error
}

// faultAnswer is one HTTP answer after the retries of transient failures.
type faultAnswer struct {
	code int
	body []byte
	err  apiError
	sent bool // some earlier attempt reached a server and may have taken effect
}

// send sends one request to the next api, retrying connection errors and 502/503/504
// with a short backoff. Any other answer is returned.
func (fc *faultClient) send(ctx context.Context, method, path, user, key string, body, out any) (faultAnswer, error) {
	var a faultAnswer
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return a, fmt.Errorf("%s %s: %v (after %d attempts)", method, path, ctx.Err(), attempt-1)
		}
		base := fc.apis[fc.rr.Add(1)%uint64(len(fc.apis))]
		code, data, err := request(ctx, crashClient, method, base+path, fc.tokens[user], key, body, nil)
		transient := err != nil || code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
		if !transient {
			a.code, a.body = code, data
			_ = json.Unmarshal(data, &a.err)
			if code < 300 && out != nil {
				if err := json.Unmarshal(data, out); err != nil {
					return a, fmt.Errorf("%s %s: decode %q: %v", method, path, data, err)
				}
			}
			return a, nil
		}
		a.sent = true
		if attempt >= 60 {
			return a, fmt.Errorf("%s %s: still failing after %d attempts: %d %s %v", method, path, attempt, code, data, err)
		}
		fc.retries.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

// walk files case i and decides every task until the case is approved.
func (fc *faultClient) walk(ctx context.Context, i int) faultResult {
	r := faultResult{decided: map[string]string{}}
	id := faultIDNumber(i)
	var cv crashCase
	a, err := fc.send(ctx, "POST", "/api/v1/cases", "clerk_yl", "create-"+id, map[string]any{
		"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "压测" + strconv.Itoa(i), "id_number": id},
	}, &cv)
	for err == nil && a.code == http.StatusConflict && a.sent && a.err.Error.Code == "duplicate_active_case" {
		// An earlier attempt started the workflow before its api died: the case exists.
		var e struct {
			Error struct {
				Details struct {
					CaseID string `json:"case_id"`
				} `json:"details"`
			} `json:"error"`
		}
		_ = json.Unmarshal(a.body, &e)
		if e.Error.Details.CaseID != "" {
			fc.createDup.Add(1)
			cv.ID = e.Error.Details.CaseID
			a.code = http.StatusCreated
			break
		}
		time.Sleep(500 * time.Millisecond) // the read model has not caught up yet
		a, err = fc.send(ctx, "POST", "/api/v1/cases", "clerk_yl", "create-"+id, map[string]any{
			"program": "dibao", "township_code": "349901100",
			"applicant": map[string]any{"name": "压测" + strconv.Itoa(i), "id_number": id},
		}, &cv)
		a.sent = true
	}
	if err != nil {
		r.err = err
		return r
	}
	if a.code != http.StatusCreated || cv.ID == "" {
		r.err = fmt.Errorf("create = %d %s", a.code, a.body)
		return r
	}
	r.caseID = cv.ID

	for round := 0; ; round++ {
		if ctx.Err() != nil {
			r.err = fmt.Errorf("case %s not approved: %v; last status %s step %s", r.caseID, ctx.Err(), cv.Status, cv.Step)
			return r
		}
		if cv, r.err = fc.getCase(ctx, r.caseID); r.err != nil {
			return r
		}
		if cv.Status == "approved" {
			return r
		}
		task, ok := cv.firstOpenTask()
		if !ok {
			// The publicity timer, or the next task not projected yet.
			time.Sleep(300 * time.Millisecond)
			continue
		}
		if _, done := r.decided[task.ID]; done {
			r.err = fmt.Errorf("task %s (%s) open again after it was decided", task.ID, task.Step)
			return r
		}
		d, ok := crashDecisions[task.Step]
		if !ok {
			r.err = fmt.Errorf("open task %s at unexpected step %q", task.ID, task.Step)
			return r
		}
		// The right user and a rival of the same role decide the task at the same moment,
		// with the same outcome and their own comments: one wins, and the timeline must
		// name the one whose request answered 200.
		type try struct {
			user string
			a    faultAnswer
			err  error
		}
		tries := []*try{{user: d.user}, {user: faultRivals[d.user]}}
		var both sync.WaitGroup
		for _, tr := range tries {
			body := d.body()
			body["comment"] = "故障测试/" + tr.user
			both.Go(func() {
				tr.a, tr.err = fc.send(ctx, "POST", "/api/v1/tasks/"+task.ID+"/decide", tr.user, "decide-"+task.ID+"-"+tr.user, body, nil)
			})
		}
		both.Wait()
		winner := ""
		for _, tr := range tries {
			switch {
			case tr.err != nil:
				r.err = tr.err
				return r
			case tr.a.code == http.StatusOK && winner != "":
				r.mismatches = append(r.mismatches, fmt.Sprintf("task %s: both %s and %s answered 200", task.ID, winner, tr.user))
			case tr.a.code == http.StatusOK:
				winner = tr.user
			case tr.a.code == http.StatusConflict && tr.a.err.Error.Code == "task_not_open":
				// The rival won, or an earlier attempt of this request took effect.
			default:
				now, _ := fc.getCase(ctx, r.caseID)
				r.err = fmt.Errorf("decide %s (%s) as %s = %d %s (sent before: %v); case view before: tasks %+v timeline %+v; case view after: tasks %+v timeline %+v",
					task.ID, task.Step, tr.user, tr.a.code, tr.a.body, tr.a.sent, cv.Tasks, cv.Timeline, now.Tasks, now.Timeline)
				return r
			}
		}
		if err := fc.waitTaskDone(ctx, r.caseID, task.ID); err != nil {
			r.err = err
			return r
		}
		if winner != "" {
			now, err := fc.getCase(ctx, r.caseID)
			if err != nil {
				r.err = err
				return r
			}
			if got := now.decidedComment(task.ID); got != "故障测试/"+winner {
				r.mismatches = append(r.mismatches, fmt.Sprintf("task %s (%s): %s answered 200, the timeline's decision says %q", task.ID, task.Step, winner, got))
			}
			if winner != d.user {
				fc.rivalWins.Add(1)
			}
		}
		r.decided[task.ID] = task.Step
	}
}

func (fc *faultClient) getCase(ctx context.Context, id string) (crashCase, error) {
	var cv crashCase
	a, err := fc.send(ctx, "GET", "/api/v1/cases/"+id, "reviewer", "", nil, &cv)
	if err != nil {
		return cv, err
	}
	if a.code != http.StatusOK {
		return cv, fmt.Errorf("GET case %s = %d %s", id, a.code, a.body)
	}
	return cv, nil
}

func (fc *faultClient) waitTaskDone(ctx context.Context, caseID, taskID string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		cv, err := fc.getCase(ctx, caseID)
		if err != nil {
			return fmt.Errorf("waiting for task %s to be done: %v", taskID, err)
		}
		if s := cv.taskStatus(taskID); s != "open" {
			return nil
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func (fc *faultClient) waitApproved(ctx context.Context, id string) (crashCase, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		cv, err := fc.getCase(ctx, id)
		if err != nil {
			return cv, err
		}
		if cv.Status == "approved" {
			return cv, nil
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// checkFaultCase checks one approved case against the decisions its client made, in the
// case view and in the database rows. It returns the lost and doubled decisions.
func checkFaultCase(t *testing.T, ctx context.Context, st *store.Store, cv crashCase, decided map[string]string) (lost, doubled int) {
	t.Helper()
	if cv.AmountMonthly == nil || *cv.AmountMonthly != 600 {
		t.Errorf("case %s: amount_monthly = %v, want 600", cv.ID, cv.AmountMonthly)
	}
	for i, e := range cv.Timeline {
		if e.Seq != i+1 {
			t.Errorf("case %s: timeline[%d].seq = %d, want %d", cv.ID, i, e.Seq, i+1)
		}
	}
	perTask := map[string]int{}
	for _, e := range cv.Timeline {
		if e.Type == "decided" {
			id, _ := e.Data["task_id"].(string)
			perTask[id]++
		}
	}
	seen := map[string]bool{}
	steps := map[string]int{}
	for _, task := range cv.Tasks {
		if seen[task.ID] {
			t.Errorf("case %s: task %s twice in the case view", cv.ID, task.ID)
			doubled++
		}
		seen[task.ID] = true
		steps[task.Step]++
		if task.Status == "open" {
			t.Errorf("case %s: task %s (%s) still open", cv.ID, task.ID, task.Step)
		}
	}
	for id, step := range decided {
		switch n := perTask[id]; {
		case n == 0:
			t.Errorf("case %s: decision of task %s (%s) lost: no decided event", cv.ID, id, step)
			lost++
		case n > 1:
			t.Errorf("case %s: task %s (%s) decided %d times", cv.ID, id, step, n)
			doubled += n - 1
		}
	}
	for id, n := range perTask {
		if _, ok := decided[id]; !ok {
			t.Errorf("case %s: %d decided events for task %q the client never saw decided", cv.ID, n, id)
			doubled += n
		}
	}
	for step := range crashDecisions {
		if steps[step] != 1 {
			t.Errorf("case %s: %d tasks at step %s, want 1", cv.ID, steps[step], step)
			if steps[step] > 1 {
				doubled += steps[step] - 1
			} else {
				lost++
			}
		}
	}

	// The rows themselves.
	tl, err := st.CaseTimeline(ctx, cv.ID)
	if err != nil {
		t.Errorf("case %s: timeline rows: %v", cv.ID, err)
		return
	}
	seqs := map[int]int{}
	for _, e := range tl {
		seqs[e.Seq]++
	}
	for seq, n := range seqs {
		if n != 1 {
			t.Errorf("case %s: %d timeline rows with seq %d", cv.ID, n, seq)
		}
	}
	if len(tl) != len(cv.Timeline) {
		t.Errorf("case %s: %d timeline rows, the case view shows %d", cv.ID, len(tl), len(cv.Timeline))
	}
	ts, err := st.CaseTasks(ctx, cv.ID)
	if err != nil {
		t.Errorf("case %s: task rows: %v", cv.ID, err)
		return
	}
	ids := map[string]int{}
	for _, task := range ts {
		if ids[task.ID]++; ids[task.ID] == 2 {
			t.Errorf("case %s: task row %s twice", cv.ID, task.ID)
		}
		if task.Status != store.TaskDone {
			t.Errorf("case %s: task row %s (%s) is %s, want done", cv.ID, task.ID, task.Step, task.Status)
		}
	}
	if len(ts) != len(cv.Tasks) {
		t.Errorf("case %s: %d task rows, the case view shows %d", cv.ID, len(ts), len(cv.Tasks))
	}
	return lost, doubled
}
