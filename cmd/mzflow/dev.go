package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/devserver"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/web"
	"github.com/mzflow/mzflow/worker"
)

// devConfig is `mzflow dev`'s configuration.
type devConfig struct {
	common
	data         string
	db           string
	addr         string
	temporalPort int
	temporalOnly bool
	signIn       signInFlags
	// ready, when set, is told the API's base URL and the Temporal address once the API
	// serves (tests use it).
	ready func(url, temporal string)
	out   io.Writer
}

func devCmd() *cobra.Command {
	cfg := &devConfig{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "run everything in one process: embedded Temporal, SQLite, worker, API and web page",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.out = cmd.OutOrStdout()
			return runDev(cmd.Context(), cfg)
		},
	}
	cmd.Flags().StringVar(&cfg.data, "data", "mzflow-data", "data folder (Temporal and read-model SQLite files, keys)")
	cmd.Flags().StringVar(&cfg.db, "db", "", "read-model database instead of the SQLite file in the data folder (mysql:DSN)")
	cmd.Flags().StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "HTTP address of the API and web page")
	cmd.Flags().BoolVar(&cfg.temporalOnly, "temporal-only", false, "run only the embedded Temporal server (to try mzflow api and worker against it)")
	cmd.Flags().IntVar(&cfg.temporalPort, "temporal-port", 7233, "loopback port of the embedded Temporal frontend (0: any free port)")
	cfg.common.flags(cmd.Flags())
	// The demo users sign in many times a minute in tests and demos: a second factor
	// only once they enrol one.
	cfg.signIn.flags(cmd.Flags(), api.SecondFactorEnrolled)
	return cmd
}

// runDev runs the whole product until ctx is cancelled, then stops cleanly.
func runDev(ctx context.Context, cfg *devConfig) error {
	start := time.Now()
	if cfg.out == nil {
		cfg.out = os.Stdout
	}
	log := cfg.logger(stderr)
	rs, err := cfg.loadRules()
	if err != nil {
		return err
	}
	var current atomic.Pointer[rules.Rules]
	current.Store(rs)
	if cfg.signIn.secondFactor == "" { // a devConfig built in code rather than by flags
		cfg.signIn = signInFlags{secondFactor: api.SecondFactorEnrolled, passwordMaxAge: api.DefaultPasswordMaxAge}
	}
	// mzflow dev's demo users keep the demo password (docs/api.md "Sign-in").
	signIn, err := cfg.signIn.policy(true)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.data, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if err := protectData(cfg.data); err != nil {
		return err
	}
	if cfg.temporalOnly {
		return runTemporalOnly(ctx, cfg)
	}
	// Listen first: a taken port should fail before minutes of work, not after.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	defer ln.Close()

	dsn := cfg.db
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(cfg.data, "mzflow.db")
	}
	st, err := store.Open(dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	hash, err := api.HashPassword(store.DemoPassword)
	if err != nil {
		return err
	}
	seeded, err := st.SeedDemo(ctx, hash, time.Now())
	if err != nil {
		return err
	}
	cal, err := loadCalendar(ctx, st)
	if err != nil {
		return err
	}

	ts, err := cfg.startTemporal()
	if err != nil {
		return err
	}
	defer func() {
		if err := ts.Stop(); err != nil {
			log.Warn("stop Temporal", "err", err)
		}
	}()
	if cfg.metricsToken == "" {
		if cfg.metricsToken, err = devMetricsToken(filepath.Join(cfg.data, "metrics.token")); err != nil {
			return fmt.Errorf("metrics token: %w", err)
		}
	}
	keys, err := cfg.keys(filepath.Join(cfg.data, "secret.key"))
	if err != nil {
		return err
	}
	st.SealWith(keys)
	county, err := countyCode(ctx, st)
	if err != nil {
		return err
	}
	// One registry for the API's series and the SDK's: /metrics shows both.
	reg := api.NewRegistry()
	mh, closeMetrics := sdkMetrics(reg, log)
	defer closeMetrics.Close()
	tc, err := dialTemporal(ctx, client.Options{HostPort: ts.HostPort(), Namespace: "default",
		DataConverter: keys.DataConverter(), MetricsHandler: mh}, log, 30*time.Second)
	if err != nil {
		return err
	}
	defer tc.Close()

	acts := &activities.Activities{Store: st, Calendar: cal, Now: time.Now}
	w := worker.New(tc, acts)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	// One process: a crash takes the writer and the checker down together, so the look
	// back need only span a restart; checks come soon after a write, for a demo's pace.
	stopCheck := (&worker.Checker{Client: tc, Acts: acts, Store: st, Log: log, Now: time.Now,
		Every: 5 * time.Second, Settle: 5 * time.Second, Lookback: time.Hour}).Start(ctx)
	defer stopCheck()

	// The audit log's retention: daily, deleting only rows past security.audit_retention_days.
	go api.AuditRetention(ctx, st, current.Load, time.Now, log)

	srv := &http.Server{
		Handler: api.New(api.Deps{Store: st, Calendar: cal, Rules: current.Load, Temporal: temporalHealth{tc},
			Workflows: tc, Keys: keys,
			Tell: &api.BatchTeller{Service: tc.WorkflowService(), Payloads: keys.DataConverter(), Namespace: "default"}, County: county, Log: log, Web: web.Handler(), Metrics: reg, SignIn: signIn,
			MetricsToken: cfg.metricsToken, MaxBody: cfg.maxBody}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	// The databases were just created with the process's umask: close them to others.
	if err := protectData(cfg.data); err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	printBanner(cfg.out, url, cfg.data, ts.HostPort(), seeded, time.Since(start))
	log.Info("ready", "url", url, "temporal", ts.HostPort(), "startup_ms", time.Since(start).Milliseconds())
	if cfg.ready != nil {
		cfg.ready(url, ts.HostPort())
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
	}
	log.Info("stopping")
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	return nil
}

// protectData makes the data folder 0700 and every file in it 0600 on every start: it
// holds the databases with personal data and the secret key. SQLite gives its -wal and
// -shm files the database file's mode.
func protectData(dir string) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			// A rollback journal SQLite removed since the listing is gone, not exposed.
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("data folder: %w", err)
			}
		}
	}
	return nil
}

// startTemporal starts the embedded Temporal server on the data folder, namespace default.
func (cfg *devConfig) startTemporal() (*devserver.Server, error) {
	return devserver.Start(devserver.Config{
		DatabaseFile: filepath.Join(cfg.data, "temporal.db"),
		FrontendPort: cfg.temporalPort,
		Namespaces:   []string{"default"},
	})
}

// runTemporalOnly serves just the embedded Temporal server on the data folder until ctx
// ends: a stand-in for a Temporal cluster when trying `mzflow api` and `mzflow worker`.
func runTemporalOnly(ctx context.Context, cfg *devConfig) error {
	ts, err := cfg.startTemporal()
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.out, "Temporal 已就绪：%s（命名空间 default，数据目录 %s）。按 Ctrl-C 停止。\n", ts.HostPort(), cfg.data)
	if cfg.ready != nil {
		cfg.ready("", ts.HostPort())
	}
	<-ctx.Done()
	return ts.Stop()
}

func printBanner(w io.Writer, url, data, temporal string, seeded bool, took time.Duration) {
	fmt.Fprintf(w, "\nmzflow dev 已就绪（%.1f 秒）\n", took.Seconds())
	fmt.Fprintf(w, "  网页与接口:   %s   (接口 %s/api/v1)\n", url, url)
	fmt.Fprintf(w, "  Temporal:     %s   数据目录: %s\n", temporal, data)
	if seeded {
		fmt.Fprintln(w, "  已创建演示数据：示范县（云岭镇、河山镇）")
	}
	fmt.Fprintf(w, "  演示账号（密码均为 %s）:\n", store.DemoPassword)
	for _, u := range store.DemoUsers {
		fmt.Fprintf(w, "    %-11s %s\n", u.Username, u.Role.Name())
	}
	fmt.Fprintln(w, "  按 Ctrl-C 停止。")
}
