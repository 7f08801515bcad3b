package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/web"
	"github.com/mzflow/mzflow/worker"
)

// prodConfig is what `mzflow api` and `mzflow worker` share: a Temporal cluster and
// MySQL, never anything embedded.
type prodConfig struct {
	common
	db          string
	temporal    string
	namespace   string
	temporalTLS temporalTLS
	// keyFile is a key file to read when no key is given (mzflow reproject --data).
	keyFile string
}

func (c *prodConfig) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.db, "db", "", "read-model database: mysql:USER:PASS@tcp(HOST:3306)/DB or sqlite:PATH")
	cmd.Flags().StringVar(&c.temporal, "temporal-address", "127.0.0.1:7233", "Temporal frontend host:port")
	cmd.Flags().StringVar(&c.namespace, "namespace", "default", "Temporal namespace")
	c.temporalTLS.flags(cmd.Flags())
	c.common.flags(cmd.Flags())
}

// open connects to the database and checks its schema is current: only `mzflow migrate`
// changes the schema in production.
func (c *prodConfig) open(ctx context.Context) (*store.Store, error) {
	if c.db == "" {
		return nil, errors.New("--db (MZFLOW_DB) is required")
	}
	st, err := store.Open(c.db)
	if err != nil {
		return nil, err
	}
	if v, err := st.SchemaVersion(ctx); err != nil || v == 0 {
		st.Close()
		return nil, fmt.Errorf("database schema missing or unreadable (run `mzflow migrate` first): %v", err)
	}
	return st, nil
}

// conn is what a production process connects to: the read model, its calendar, the key
// and Temporal.
type conn struct {
	rules *rules.Rules
	st    *store.Store
	cal   *calendar.Calendar
	keys  *privacy.Keys
	tc    client.Client
	log   *slog.Logger
	// metrics is the registry the process's /metrics serves, the SDK's metrics included.
	metrics    *prometheus.Registry
	sdkMetrics io.Closer
}

func (c *conn) Close() {
	if c.tc != nil {
		c.tc.Close()
	}
	if c.sdkMetrics != nil {
		c.sdkMetrics.Close()
	}
	if c.st != nil {
		c.st.Close()
	}
}

// connect loads the rules (a bad file stops here) and the TLS files, opens the database,
// loads the calendar and the key, and dials Temporal. The caller closes the result; on
// error connect closes what it opened.
func (c *prodConfig) connect(ctx context.Context) (_ *conn, err error) {
	cn := &conn{log: c.logger(stderr), metrics: api.NewRegistry()}
	defer func() {
		if err != nil {
			cn.Close()
		}
	}()
	if cn.rules, err = c.loadRules(); err != nil {
		return cn, err
	}
	tlsCfg, err := c.temporalTLS.config()
	if err != nil {
		return cn, err
	}
	if cn.st, err = c.open(ctx); err != nil {
		return cn, err
	}
	if cn.cal, err = loadCalendar(ctx, cn.st); err != nil {
		return cn, err
	}
	if cn.keys, err = c.keys(c.keyFile); err != nil {
		return cn, err
	}
	cn.st.SealWith(cn.keys)
	var mh client.MetricsHandler
	mh, cn.sdkMetrics = sdkMetrics(cn.metrics, cn.log)
	// Every payload (inputs, results, update arguments) is encrypted before it leaves the
	// process, so Temporal's history holds no readable personal data.
	cn.tc, err = dialTemporal(ctx, client.Options{HostPort: c.temporal, Namespace: c.namespace,
		DataConverter: cn.keys.DataConverter(), MetricsHandler: mh,
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg}}, cn.log, time.Minute)
	return cn, err
}

func apiCmd() *cobra.Command {
	cfg := &prodConfig{}
	var (
		addr, tlsCert, tlsKey string
		signIn                signInFlags
	)
	cmd := &cobra.Command{
		Use:   "api",
		Short: "serve the HTTP API and web page against Temporal and MySQL",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if (tlsCert == "") != (tlsKey == "") {
				return errors.New("--tls-cert and --tls-key go together")
			}
			// Production never lets demo users keep the demo password.
			policy, err := signIn.policy(false)
			if err != nil {
				return err
			}
			cn, err := cfg.connect(ctx)
			if err != nil {
				return err
			}
			defer cn.Close()
			var current atomic.Pointer[rules.Rules]
			current.Store(cn.rules)
			county, err := countyCode(ctx, cn.st)
			if err != nil {
				return err
			}
			log := cn.log
			// The audit log's retention, in every API process (deleting twice is harmless).
			go api.AuditRetention(ctx, cn.st, current.Load, time.Now, log)
			srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second,
				Handler: api.New(api.Deps{Store: cn.st, Calendar: cn.cal, Rules: current.Load, Temporal: temporalHealth{cn.tc},
					Workflows: cn.tc, Keys: cn.keys, County: county,
					Tell: &api.BatchTeller{Service: cn.tc.WorkflowService(), Payloads: cn.keys.DataConverter(), Namespace: cfg.namespace}, Log: log, Web: web.Handler(), Metrics: cn.metrics, SignIn: policy,
					MetricsToken: cfg.metricsToken, MaxBody: cfg.maxBody})}
			errc := make(chan error, 1)
			if tlsCert != "" {
				// Served over TLS itself (等保 level three: personal data encrypted in transit);
				// behind a proxy that terminates TLS, leave both flags empty.
				srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
				go func() { errc <- srv.ListenAndServeTLS(tlsCert, tlsKey) }()
			} else {
				go func() { errc <- srv.ListenAndServe() }()
			}
			log.Info("api serving", "addr", addr, "tls", tlsCert != "")
			select {
			case <-ctx.Done():
			case err := <-errc:
				return err
			}
			shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return srv.Shutdown(shut)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", ":8080", "HTTP listen address")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "PEM certificate (chain) file: serve HTTPS on --addr with it")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "PEM private key file of --tls-cert")
	signIn.flags(cmd.Flags(), api.SecondFactorRequired)
	cfg.flags(cmd)
	return cmd
}

func workerCmd() *cobra.Command {
	cfg := &prodConfig{}
	var metricsAddr string
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "run workflows and activities against Temporal and MySQL",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// Listen first: a taken port fails before the worker takes any task.
			ln, err := net.Listen("tcp", metricsAddr)
			if err != nil {
				return fmt.Errorf("--metrics-addr %s: %w", metricsAddr, err)
			}
			defer ln.Close()
			cn, err := cfg.connect(ctx)
			if err != nil {
				return err
			}
			defer cn.Close()
			log := cn.log
			acts := &activities.Activities{Store: cn.st, Calendar: cn.cal, Now: time.Now}
			w := worker.New(cn.tc, acts)
			if err := w.Start(); err != nil {
				return err
			}
			defer w.Stop()
			// Every worker checks recent projections (worker.Checker); a worker that
			// starts after an outage looks back a day, past any crash an operator sees.
			stopCheck := (&worker.Checker{Client: cn.tc, Acts: acts, Store: cn.st, Log: log, Now: time.Now,
				Every: 30 * time.Second, Settle: 30 * time.Second, Lookback: 24 * time.Hour}).Start(ctx)
			defer stopCheck()
			srv := &http.Server{Handler: metricsMux(cn.metrics), ReadHeaderTimeout: 10 * time.Second}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			log.Info("worker polling", "temporal", cfg.temporal, "namespace", cfg.namespace, "metrics", ln.Addr().String())
			select {
			case <-ctx.Done():
			case err := <-errc:
				return fmt.Errorf("metrics listener: %w", err)
			}
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return srv.Shutdown(shut)
		},
	}
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", ":9090", "listen address of the worker's /metrics and /healthz")
	cfg.flags(cmd)
	return cmd
}

// metricsMux is the worker's small HTTP listener: the worker has no API, but Prometheus
// still scrapes its SDK and runtime metrics, and an orchestrator asks /healthz whether the
// process is up (it is once it polls).
func metricsMux(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	return mux
}

func migrateCmd() *cobra.Command {
	var db, county, countyName, adminPassword string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "apply the read model's schema migrations; on a fresh database, create the county and its administrator",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if db == "" {
				return errors.New("--db (MZFLOW_DB) is required")
			}
			if (county == "") != (countyName == "") {
				return errors.New("--county and --county-name (MZFLOW_COUNTY, MZFLOW_COUNTY_NAME) go together")
			}
			if county != "" && (len(county) != 6 || strings.Trim(county, "0123456789") != "") {
				return fmt.Errorf("--county %q: a county's division code has 6 digits (GB/T 2260)", county)
			}
			if adminPassword != "" {
				if err := api.CheckPassword(adminPassword, "admin"); err != nil {
					return fmt.Errorf("--admin-password (MZFLOW_ADMIN_PASSWORD): %s", mzflow.ErrorMessage(err))
				}
			}
			st, err := store.Open(db)
			if err != nil {
				return err
			}
			defer st.Close()
			v, err := st.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "schema at version %d\n", v)
			if county == "" {
				return nil
			}
			return initCounty(cmd, st, county, countyName, adminPassword)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database: mysql:USER:PASS@tcp(HOST:3306)/DB or sqlite:PATH")
	cmd.Flags().StringVar(&county, "county", "", "on a database without a county: its 6-digit division code (e.g. 349901)")
	cmd.Flags().StringVar(&countyName, "county-name", "", "the county's name (e.g. 示范县), with --county")
	cmd.Flags().StringVar(&adminPassword, "admin-password", "", "the first administrator's password (user admin); generated and printed once when empty")
	return cmd
}

// initCounty creates the county and its first administrator on a database that has no
// county yet; on any later run it says so and changes nothing.
func initCounty(cmd *cobra.Command, st *store.Store, code, name, password string) error {
	generated := password == ""
	// A generated password meets the policy too (a few draws at most: 24 characters of
	// base64 nearly always hold three classes); the administrator changes it at first
	// sign-in.
	for generated && (password == "" || api.CheckPassword(password, "admin") != nil) {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	hash, err := api.HashPassword(password)
	if err != nil {
		return err
	}
	created, err := st.InitCounty(cmd.Context(), code, name, hash, time.Now())
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	switch {
	case !created:
		fmt.Fprintln(out, "county already set up: nothing changed")
	case generated:
		fmt.Fprintf(out, "county %s %s created with administrator admin, password %s (shown once: sign in and change it)\n", code, name, password)
	default:
		fmt.Fprintf(out, "county %s %s created with administrator admin\n", code, name)
	}
	return nil
}
