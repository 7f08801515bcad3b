package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/workflows"
)

// sdkWorkflowMetric is a series only a worker that ran a workflow task reports.
const sdkWorkflowMetric = "temporal_workflow_task_execution_latency_seconds_bucket"

// TestSDKMetrics: the Temporal SDK's metrics reach /metrics in Prometheus format, both in
// `mzflow dev` (the API's endpoint, one registry for API and worker) and from a separate
// `mzflow worker` (its --metrics-addr listener, which also answers /healthz). Both
// workers poll the same queue, so smoke workflows run until each has executed some.
func TestSDKMetrics(t *testing.T) {
	secret := hex.EncodeToString([]byte(strings.Repeat("k", 32)))
	data := t.TempDir()
	cfg := &devConfig{data: data}
	cfg.secretKey = secret
	s := startDevWith(t, cfg)
	// mzflow dev made its Prometheus token in the data folder; without it /metrics is 401.
	tok, err := os.ReadFile(filepath.Join(data, "metrics.token"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))
	if code, _, _ := request(context.Background(), http.DefaultClient, "GET", s.url+"/metrics", "", "", nil, nil); code != 401 {
		t.Errorf("GET /metrics without the token = %d, want 401", code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	metricsURL := "http://127.0.0.1:" + strconv.Itoa(freePort(t))
	root := newRoot()
	root.SetArgs([]string{"worker", "--db", "sqlite:" + filepath.Join(data, "mzflow.db"), "--temporal-address", s.temporal,
		"--secret-key", secret, "--metrics-addr", strings.TrimPrefix(metricsURL, "http://"), "--log-level", "warn"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("mzflow worker: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("mzflow worker did not stop within 30 s")
		}
	})

	keys, err := privacy.LoadKeys(secret, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: s.temporal, Namespace: "default", DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	from, _ := calendar.ParseDate("2025-09-26")
	deadline := time.Now().Add(2 * time.Minute)
	var devBody, workerBody string
	for i := 0; ; i++ {
		wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
		run, err := c.ExecuteWorkflow(wctx, client.StartWorkflowOptions{ID: fmt.Sprintf("smoke-metrics-%d", i), TaskQueue: workflows.TaskQueue},
			workflows.SmokeWorkflow, workflows.SmokeInput{From: from, Limit: mzflow.Limit{N: 3, Unit: mzflow.WorkingDays}})
		if err == nil {
			err = run.Get(wctx, nil)
		}
		wcancel()
		if err != nil {
			t.Fatalf("smoke workflow %d: %v", i, err)
		}
		// The SDK's scope reports every second.
		time.Sleep(1500 * time.Millisecond)
		devBody, workerBody = scrape(t, s.url+"/metrics", token), scrape(t, metricsURL+"/metrics", "")
		if strings.Contains(devBody, sdkWorkflowMetric) && strings.Contains(workerBody, sdkWorkflowMetric) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d workflows, %s in mzflow dev's /metrics: %v, in mzflow worker's: %v", i+1, sdkWorkflowMetric,
				strings.Contains(devBody, sdkWorkflowMetric), strings.Contains(workerBody, sdkWorkflowMetric))
		}
	}
	for _, want := range []string{"temporal_request_total", "temporal_long_request_total", "temporal_worker_start_total",
		"temporal_activity_execution_latency_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(workerBody, want) {
			t.Errorf("mzflow worker's /metrics lacks %s", want)
		}
	}
	// dev's one endpoint carries the API's series beside the SDK's.
	scrape(t, s.url+"/healthz", "")
	devBody = scrape(t, s.url+"/metrics", token)
	for _, want := range []string{"temporal_request_total", "temporal_long_request_total", "mzflow_http_request_duration_seconds", "go_goroutines"} {
		if !strings.Contains(devBody, want) {
			t.Errorf("mzflow dev's /metrics lacks %s", want)
		}
	}
	names := map[string]bool{}
	for _, line := range strings.Split(workerBody, "\n") {
		if name, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(name, "temporal_") {
			name, _, _ = strings.Cut(name, "{")
			names[name] = true
		}
	}
	t.Logf("temporal SDK series of mzflow worker: %v", slices.Sorted(maps.Keys(names)))
	if body := scrape(t, metricsURL+"/healthz", ""); !strings.Contains(body, `"ok"`) {
		t.Errorf("worker /healthz = %q", body)
	}
}

// scrape GETs url and returns the body, failing the test unless it answers 200.
func scrape(t *testing.T, url, token string) string {
	t.Helper()
	code, body, err := request(context.Background(), http.DefaultClient, "GET", url, token, "", nil, nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET %s = %d %v", url, code, err)
	}
	return string(body)
}
