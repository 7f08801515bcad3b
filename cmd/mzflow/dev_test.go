package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/workflows"
)

// devStack is a running `mzflow dev` inside the test process.
type devStack struct {
	url, temporal string
	stop          func() error
}

// startDev runs runDev on data with free ports and waits until the API serves.
func startDev(t *testing.T, data string) *devStack {
	t.Helper()
	return startDevWith(t, &devConfig{data: data})
}

// startDevWith runs runDev with cfg (data folder, rules file, database) on free ports.
func startDevWith(t *testing.T, cfg *devConfig) *devStack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type addrs struct{ url, temporal string }
	ready := make(chan addrs, 1)
	done := make(chan error, 1)
	cfg.addr, cfg.temporalPort, cfg.out = "127.0.0.1:0", 0, io.Discard
	cfg.ready = func(url, temporal string) { ready <- addrs{url, temporal} }
	cfg.logLevel = "warn"
	go func() { done <- runDev(ctx, cfg) }()
	select {
	case a := <-ready:
		stopped := false
		s := &devStack{url: a.url, temporal: a.temporal, stop: func() error {
			if stopped {
				return nil
			}
			stopped = true
			cancel()
			select {
			case err := <-done:
				return err
			case <-time.After(60 * time.Second):
				return errors.New("mzflow dev did not stop within 60 s")
			}
		}}
		t.Cleanup(func() { _ = s.stop() })
		return s
	case err := <-done:
		cancel()
		t.Fatalf("runDev: %v", err)
	case <-time.After(3 * time.Minute):
		cancel()
		t.Fatal("mzflow dev was not ready within 3 minutes")
	}
	return nil
}

type loginAnswer struct {
	Token string `json:"token"`
	User  struct {
		Username string `json:"username"`
		Role     string `json:"role"`
		Org      struct {
			Code, Name string
		} `json:"org"`
	} `json:"user"`
}

func login(t *testing.T, base, username string) string {
	t.Helper()
	var a loginAnswer
	if code := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": username, "password": "demo1234"}, &a); code != 200 || a.Token == "" {
		t.Fatalf("login %s = %d %+v, want 200 with a token", username, code, a)
	}
	return a.Token
}

// TestDevEndToEnd is the newcomer's path of issue 3 on the real stack: an embedded
// Temporal server and SQLite in a fresh folder, login over HTTP, one workflow through
// the worker, then a stop and a start on the same folder that keeps everything.
func TestDevEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := startDev(t, data)

	token := login(t, s.url, "clerk_yl")
	var me loginAnswer
	if code := call(t, "GET", s.url+"/api/v1/me", token, nil, &me.User); code != 200 || me.User.Org.Name != "云岭镇" || me.User.Role != "township_clerk" {
		t.Fatalf("GET /me = %d %+v, want 200 云岭镇 township_clerk", code, me.User)
	}

	var due struct {
		Due         string `json:"due"`
		Provisional bool   `json:"provisional"`
	}
	if code := call(t, "GET", s.url+"/api/v1/calendar/due?from=2026-09-30&limit=3WD", token, nil, &due); code != 200 || due.Due != "2026-10-10" || due.Provisional {
		t.Fatalf("GET /calendar/due 2026-09-30 3WD = %d %+v, want 2026-10-10 not provisional", code, due)
	}

	// The smoke workflow goes through the embedded server to the worker and its
	// activity, and answers from the same calendar.
	// Payloads are encrypted with the data folder's key; this client needs it too.
	keys, err := privacy.LoadKeys("", filepath.Join(data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: s.temporal, Namespace: "default", DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatalf("dial Temporal: %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	from, _ := calendar.ParseDate("2025-09-26")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "smoke-e2e", TaskQueue: workflows.TaskQueue},
		workflows.SmokeWorkflow, workflows.SmokeInput{From: from, Limit: mzflow.Limit{N: 3, Unit: mzflow.WorkingDays}})
	if err != nil {
		t.Fatalf("start smoke workflow: %v", err)
	}
	var res workflows.SmokeResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("smoke workflow: %v", err)
	}
	if res.Due.Date != "2025-09-30" {
		t.Errorf("smoke workflow due = %s, want 2025-09-30 (docs/domain.md §5.1)", res.Due.Date)
	}
	c.Close()

	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	// Second start on the same folder: the demo data is kept (not seeded again), the old
	// session is still valid, and the finished workflow is still in Temporal's history.
	s2 := startDev(t, data)
	if code := call(t, "GET", s2.url+"/api/v1/me", token, nil, &me.User); code != 200 || me.User.Username != "clerk_yl" {
		t.Fatalf("GET /me after restart with the old token = %d %+v, want 200 clerk_yl", code, me.User)
	}
	c2, err := client.Dial(client.Options{HostPort: s2.temporal, Namespace: "default", DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatalf("dial Temporal after restart: %v", err)
	}
	defer c2.Close()
	var again workflows.SmokeResult
	if err := c2.GetWorkflow(ctx, "smoke-e2e", "").Get(ctx, &again); err != nil || again.Due.Date != "2025-09-30" {
		t.Fatalf("smoke workflow after restart = %+v, %v, want its result kept", again, err)
	}
}

// TestDevBadRulesFile: a malformed rules file stops start-up before anything runs, with
// an error naming the file, the line and the field; main turns it into exit status 2.
func TestDevBadRulesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.yaml")
	src := "programs:\n  dibao:\n    steps:\n      publicity: {limit: 7x}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &devConfig{data: filepath.Join(dir, "data"), addr: "127.0.0.1:0", out: io.Discard}
	cfg.rulesFile = path
	err := runDev(context.Background(), cfg)
	var fe *rules.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("runDev with a bad rules file = %v, want a *rules.FileError", err)
	}
	if want := path + ":4: programs.dibao.steps.publicity.limit"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err, want)
	}
	if _, err := os.Stat(cfg.data); !os.IsNotExist(err) {
		t.Errorf("data folder created despite the bad rules file (stat: %v)", err)
	}
}

// TestEnvOverride: every flag takes MZFLOW_<NAME>; the command line wins.
func TestEnvOverride(t *testing.T) {
	t.Setenv("MZFLOW_TEMPORAL_ADDRESS", "temporal.example:7233")
	t.Setenv("MZFLOW_NAMESPACE", "county")
	cmd := workerCmd()
	if err := cmd.Flags().Parse([]string{"--namespace", "cli"}); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(cmd.Flags()); err != nil {
		t.Fatal(err)
	}
	for flag, want := range map[string]string{"temporal-address": "temporal.example:7233", "namespace": "cli", "db": ""} {
		if got := cmd.Flags().Lookup(flag).Value.String(); got != want {
			t.Errorf("--%s = %q, want %q", flag, got, want)
		}
	}
	t.Setenv("MZFLOW_TEMPORAL_PORT", "not-a-number")
	dev := devCmd()
	if err := applyEnv(dev.Flags()); err == nil || !strings.Contains(err.Error(), "MZFLOW_TEMPORAL_PORT") {
		t.Errorf("applyEnv with a bad MZFLOW_TEMPORAL_PORT = %v, want an error naming it", err)
	}
}

// TestDevTemporalOnly: --temporal-only serves a Temporal frontend and nothing else.
func TestDevTemporalOnly(t *testing.T) {
	s := startDevWith(t, &devConfig{data: t.TempDir(), temporalOnly: true})
	if s.url != "" {
		t.Errorf("temporal-only served an API at %q", s.url)
	}
	c, err := client.Dial(client.Options{HostPort: s.temporal, Namespace: "default"})
	if err != nil {
		t.Fatalf("dial Temporal: %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		t.Errorf("Temporal health: %v", err)
	}
	if err := s.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}
