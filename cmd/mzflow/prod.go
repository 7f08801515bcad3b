package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

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
	db        string
	temporal  string
	namespace string
}

func (c *prodConfig) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.db, "db", "", "read-model database: mysql:USER:PASS@tcp(HOST:3306)/DB or sqlite:PATH")
	cmd.Flags().StringVar(&c.temporal, "temporal-address", "127.0.0.1:7233", "Temporal frontend host:port")
	cmd.Flags().StringVar(&c.namespace, "namespace", "default", "Temporal namespace")
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
}

func (c *conn) Close() {
	if c.tc != nil {
		c.tc.Close()
	}
	if c.st != nil {
		c.st.Close()
	}
}

// connect loads the rules (a bad file stops here), opens the database, loads the calendar
// and the key, and dials Temporal. The caller closes the result, also on error.
func (c *prodConfig) connect(ctx context.Context) (*conn, error) {
	cn := &conn{log: c.logger(stderr)}
	var err error
	if cn.rules, err = c.loadRules(); err != nil {
		return cn, err
	}
	if cn.st, err = c.open(ctx); err != nil {
		return cn, err
	}
	if cn.cal, err = loadCalendar(ctx, cn.st); err != nil {
		return cn, err
	}
	if cn.keys, err = c.keys(""); err != nil {
		return cn, err
	}
	cn.tc, err = dialTemporal(ctx, c.temporal, c.namespace, cn.keys, cn.log, time.Minute)
	return cn, err
}

func apiCmd() *cobra.Command {
	cfg := &prodConfig{}
	var addr string
	cmd := &cobra.Command{
		Use:   "api",
		Short: "serve the HTTP API and web page against Temporal and MySQL",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cn, err := cfg.connect(ctx)
			defer cn.Close()
			if err != nil {
				return err
			}
			var current atomic.Pointer[rules.Rules]
			current.Store(cn.rules)
			county, err := countyCode(ctx, cn.st)
			if err != nil {
				return err
			}
			log := cn.log
			srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second,
				Handler: api.New(api.Deps{Store: cn.st, Calendar: cn.cal, Rules: current.Load, Temporal: temporalHealth{cn.tc},
					Workflows: cn.tc, Keys: cn.keys, County: county, Log: log, Web: web.Handler()})}
			errc := make(chan error, 1)
			go func() { errc <- srv.ListenAndServe() }()
			log.Info("api serving", "addr", addr)
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
	cfg.flags(cmd)
	return cmd
}

func workerCmd() *cobra.Command {
	cfg := &prodConfig{}
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "run workflows and activities against Temporal and MySQL",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cn, err := cfg.connect(ctx)
			defer cn.Close()
			if err != nil {
				return err
			}
			log := cn.log
			w := worker.New(cn.tc, &activities.Activities{Store: cn.st, Calendar: cn.cal, Now: time.Now})
			if err := w.Start(); err != nil {
				return err
			}
			log.Info("worker polling", "temporal", cfg.temporal, "namespace", cfg.namespace)
			<-ctx.Done()
			w.Stop()
			return nil
		},
	}
	cfg.flags(cmd)
	return cmd
}

func migrateCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "apply the read model's schema migrations",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if db == "" {
				return errors.New("--db (MZFLOW_DB) is required")
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
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database: mysql:USER:PASS@tcp(HOST:3306)/DB or sqlite:PATH")
	return cmd
}
