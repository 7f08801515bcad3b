package main

// Throughput benchmarks for `make bench`: decisions per second through the HTTP API on
// the embedded stack of `mzflow dev`, against the raw SDK update rate of the same
// Temporal server in the same process. The aim is a ratio of at least 0.5.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/workflows"
)

// benchQueue and benchUpdate name the baseline workflow's task queue and update; the
// queue is separate so the product's worker never sees the baseline.
const (
	benchQueue  = "bench"
	benchUpdate = "noop"
)

// benchStack is one `mzflow dev` shared by every benchmark of the process. It is never
// stopped: benchmarks run in their own `go test -run '^$' -bench` process (no TestMain
// may own them), and starting embedded Temporal once keeps its start-up out of the
// figures. Its temp folder is left to the OS.
type benchStack struct {
	url   string
	token string        // clerk_yl: files the cases and decides their intake
	sdk   client.Client // the same server and payload codec as the product's client
	keys  *privacy.Keys
	http  *http.Client
}

var (
	benchOnce  sync.Once
	benchStk   *benchStack
	benchStErr error
)

func sharedStack(b *testing.B) *benchStack {
	b.Helper()
	benchOnce.Do(func() { benchStk, benchStErr = startBenchStack() })
	if benchStErr != nil {
		b.Fatal(benchStErr)
	}
	return benchStk
}

func startBenchStack() (*benchStack, error) {
	data, err := os.MkdirTemp("", "mzflow-bench-")
	if err != nil {
		return nil, err
	}
	type addrs struct{ url, temporal string }
	ready := make(chan addrs, 1)
	done := make(chan error, 1)
	cfg := &devConfig{data: data, addr: "127.0.0.1:0", temporalPort: 0, out: io.Discard,
		ready: func(url, temporal string) { ready <- addrs{url, temporal} }}
	cfg.logLevel = "warn"
	go func() { done <- runDev(context.Background(), cfg) }()
	var a addrs
	select {
	case a = <-ready:
	case err := <-done:
		return nil, fmt.Errorf("runDev: %w", err)
	case <-time.After(3 * time.Minute):
		return nil, errors.New("mzflow dev was not ready within 3 minutes")
	}

	// http.DefaultClient keeps only 2 idle connections per host: the parallel variants
	// would measure TCP set-up instead of the API.
	s := &benchStack{url: a.url, http: &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var login loginAnswer
	if err := s.post(context.Background(), "/api/v1/auth/login", map[string]string{
		"username": "clerk_yl", "password": store.DemoPassword}, http.StatusOK, &login); err != nil {
		return nil, err
	}
	s.token = login.Token

	keys, err := privacy.LoadKeys("", filepath.Join(data, "secret.key"))
	if err != nil {
		return nil, err
	}
	quiet := levelFilter{sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(stderr, nil)))}
	s.keys = keys
	s.sdk, err = client.Dial(client.Options{HostPort: a.temporal, Namespace: "default",
		DataConverter: keys.DataConverter(), Logger: quiet})
	if err != nil {
		return nil, fmt.Errorf("dial Temporal: %w", err)
	}
	w := sdkworker.New(s.sdk, benchQueue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(benchWorkflow, workflow.RegisterOptions{Name: "BenchUpdate"})
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start bench worker: %w", err)
	}
	return s, nil
}

// benchWorkflow is the baseline: an open workflow whose one update does nothing, so an
// update costs only Temporal's own round trip (admission, one workflow task, history).
func benchWorkflow(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandler(ctx, benchUpdate, func(workflow.Context) error { return nil }); err != nil {
		return err
	}
	// Stay open like a case waiting for its next step.
	ctx.Done().Receive(ctx, nil)
	return ctx.Err()
}

// post sends a JSON request as the clerk (once logged in) and wants the given status.
// The answer is read whole: a real client pays for the case view too.
func (s *benchStack) post(ctx context.Context, path string, body any, want int, out any) error {
	code, data, err := request(ctx, s.http, "POST", s.url+path, s.token, "", body, out)
	if err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	if code != want {
		return fmt.Errorf("POST %s = %d %s, want %d", path, code, data, want)
	}
	return nil
}

var benchSeq atomic.Int64

// benchID returns a fresh valid resident ID number: the API allows one open case per
// person and program, so every case needs its own person. The birth date moves one day
// every 1000 numbers from 1960-01-01; the last character is the MOD 11-2 check.
func benchID() string {
	n := benchSeq.Add(1)
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n/1000))
	id17 := fmt.Sprintf("110105%s%03d", birth.Format("20060102"), n%1000)
	return rules.WithCheckChar(id17)
}

// prepare runs fn for 0..n-1 on a few goroutines, so untimed set-up of hundreds of
// cases does not dominate the wall time of `make bench`.
func prepare(b *testing.B, n int, fn func(ctx context.Context, i int) (string, error)) []string {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	out := make([]string, n)
	var (
		wg    sync.WaitGroup
		next  atomic.Int64
		first error
		once  sync.Once
	)
	for range 4 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				v, err := fn(context.Background(), i)
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				out[i] = v
			}
		})
	}
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
	return out
}

// newCases files n 低保 cases in 云岭镇 and returns their open intake tasks.
func (s *benchStack) newCases(b *testing.B, n int) []string {
	return prepare(b, n, func(ctx context.Context, _ int) (string, error) {
		var c struct{ ID string }
		err := s.post(ctx, "/api/v1/cases", map[string]any{"program": "dibao", "township_code": store.DemoYunling,
			"village": "青松村", "applicant": map[string]any{"name": "压测申请人", "id_number": benchID(), "household_size": 2}},
			http.StatusCreated, &c)
		// The intake is always a case's first task.
		return c.ID + "-1", err
	})
}

// newWorkflows starts n baseline workflows and sends each one untimed update first, as
// the API's create waits for its case's first projection: timed updates then reach an
// idle, cached workflow in both measurements.
func (s *benchStack) newWorkflows(b *testing.B, n int) []string {
	return prepare(b, n, func(ctx context.Context, _ int) (string, error) {
		id := fmt.Sprintf("bench-%d", benchSeq.Add(1))
		if _, err := s.sdk.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: benchQueue}, "BenchUpdate"); err != nil {
			return "", err
		}
		return id, s.update(ctx, id)
	})
}

func (s *benchStack) decide(ctx context.Context, task string) error {
	return s.post(ctx, "/api/v1/tasks/"+task+"/decide", map[string]string{"outcome": "complete"}, http.StatusOK, nil)
}

func (s *benchStack) update(ctx context.Context, workflowID string) error {
	h, err := s.sdk.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID,
		UpdateName: benchUpdate, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return err
}

// measure times op once per prepared target, one at a time and from parallel clients,
// and reports operations per second under unit.
func measure(b *testing.B, targets func(b *testing.B, n int) []string, op func(context.Context, string) error, unit string) {
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		ts := targets(b, b.N)
		b.ResetTimer()
		for _, t := range ts {
			if err := op(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
	})
	b.Run("parallel", func(b *testing.B) {
		ts := targets(b, b.N)
		var next atomic.Int64
		// An operation mostly waits on Temporal, not the CPU: 4 clients per core.
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := op(ctx, ts[next.Add(1)-1]); err != nil {
					b.Error(err) // Fatal is not allowed off the benchmark's goroutine
					return
				}
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
	})
}

// BenchmarkDecideHTTP: POST /tasks/{id}/decide completing a case's intake, which returns
// once the next steps are projected into the read model.
func BenchmarkDecideHTTP(b *testing.B) {
	s := sharedStack(b)
	measure(b, s.newCases, s.decide, "decisions/s")
}

// BenchmarkUpdateSDK: the same server's floor, one no-op update per workflow.
func BenchmarkUpdateSDK(b *testing.B) {
	s := sharedStack(b)
	measure(b, s.newWorkflows, s.update, "updates/s")
}

// BenchmarkDecisionRatio reports HTTP decisions/s ÷ SDK updates/s. The two alternate
// one by one, so a server that slows as its database grows slows both alike.
func BenchmarkDecisionRatio(b *testing.B) {
	s := sharedStack(b)
	ctx := context.Background()
	tasks := s.newCases(b, b.N)
	wfs := s.newWorkflows(b, b.N)
	var httpT, sdkT time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if err := s.decide(ctx, tasks[i]); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := s.update(ctx, wfs[i]); err != nil {
			b.Fatal(err)
		}
		httpT, sdkT = httpT+t1.Sub(t0), sdkT+time.Since(t1)
	}
	b.StopTimer()
	dps, ups := float64(b.N)/httpT.Seconds(), float64(b.N)/sdkT.Seconds()
	b.ReportMetric(dps, "decisions/s")
	b.ReportMetric(ups, "updates/s")
	b.ReportMetric(dps/ups, "ratio")
	b.Logf("%d of each, serial: HTTP %.1f decisions/s, SDK %.1f updates/s, ratio %.3f (aim ≥ 0.5)", b.N, dps, ups, dps/ups)
}

// BenchmarkCalendarFanout: fanoutCases open cases told of a calendar change by one batch
// signal (api.BatchTeller, what the administrator's save starts), timed until the batch
// job has signalled them all, against the same number of raw SDK signals to the same
// workflows from parallel clients, in the same run. The changed year (2035) holds none
// of their deadlines, so each signal costs only its delivery and one workflow task.
func BenchmarkCalendarFanout(b *testing.B) {
	s := sharedStack(b)
	ctx := context.Background()
	tasks := s.newCases(b, fanoutCases)
	workflowIDs := prepare(b, len(tasks), func(ctx context.Context, i int) (string, error) {
		var c struct {
			WorkflowID string `json:"workflow_id"`
		}
		id := tasks[i][:len(tasks[i])-len("-1")]
		code, data, err := request(ctx, s.http, "GET", s.url+"/api/v1/cases/"+id, s.token, "", nil, &c)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("GET case %s = %d %s", id, code, data)
		}
		return c.WorkflowID, err
	})
	teller := &api.BatchTeller{Service: s.sdk.WorkflowService(), Payloads: s.keys.DataConverter(), Namespace: "default"}
	var raw, batch time.Duration
	var told int64
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(len(workflowIDs)); i = next.Add(1) - 1 {
					if err := s.sdk.SignalWorkflow(ctx, workflowIDs[i], "", workflows.SignalCalendarChanged, workflows.CalendarChange{Year: 2035}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		raw += time.Since(t0)

		t1 := time.Now()
		job, err := teller.StartCalendarChange(ctx, 2035)
		if err != nil {
			b.Fatal(err)
		}
		for {
			d, err := s.sdk.WorkflowService().DescribeBatchOperation(ctx, &workflowservice.DescribeBatchOperationRequest{Namespace: "default", JobId: job})
			if err != nil {
				b.Fatal(err)
			}
			if d.GetState() == enumspb.BATCH_OPERATION_STATE_COMPLETED || d.GetState() == enumspb.BATCH_OPERATION_STATE_FAILED {
				if d.GetState() == enumspb.BATCH_OPERATION_STATE_FAILED || d.GetFailureOperationCount() > 0 || d.GetCompleteOperationCount() < int64(len(workflowIDs)) {
					b.Fatalf("batch %s: %s, %d signalled, %d failed, want all %d", job, d.GetState(), d.GetCompleteOperationCount(), d.GetFailureOperationCount(), len(workflowIDs))
				}
				told += d.GetCompleteOperationCount()
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		batch += time.Since(t1)
	}
	b.StopTimer()
	// The batch also tells the open cases other benchmarks of this process left: per case.
	rawPer, batchPer := raw.Seconds()/float64(b.N*len(workflowIDs)), batch.Seconds()/float64(told)
	b.ReportMetric(1/rawPer, "raw-signals/s")
	b.ReportMetric(1/batchPer, "cases-told/s")
	b.ReportMetric(batchPer/rawPer, "time-ratio")
	b.Logf("%d open cases: raw SDK signals %.1f/s, batch signal %.1f cases/s (%d told), time per case batch ÷ raw = %.2f",
		len(workflowIDs), 1/rawPer, 1/batchPer, told, batchPer/rawPer)
}

// fanoutCases is how many open cases BenchmarkCalendarFanout tells (issue 11: 10 000).
const fanoutCases = 10_000
