package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/api"
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

func apiCmd() *cobra.Command {
	cfg := &prodConfig{}
	var addr string
	cmd := &cobra.Command{
		Use:   "api",
		Short: "serve the HTTP API and web page against Temporal and MySQL",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := cfg.logger(stderr)
			rs, err := cfg.loadRules()
			if err != nil {
				return err
			}
			var current atomic.Pointer[rules.Rules]
			current.Store(rs)
			st, err := cfg.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			cal, err := loadCalendar(ctx, st)
			if err != nil {
				return err
			}
			keys, err := cfg.keys("")
			if err != nil {
				return err
			}
			county, err := countyCode(ctx, st)
			if err != nil {
				return err
			}
			tc, err := dialTemporal(ctx, cfg.temporal, cfg.namespace, keys, log, time.Minute)
			if err != nil {
				return err
			}
			defer tc.Close()
			srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second,
				Handler: api.New(api.Deps{Store: st, Calendar: cal, Rules: current.Load, Temporal: temporalHealth{tc},
					Workflows: tc, Keys: keys, County: county, Log: log, Web: web.Handler()})}
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
			log := cfg.logger(stderr)
			if _, err := cfg.loadRules(); err != nil {
				return err
			}
			st, err := cfg.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			cal, err := loadCalendar(ctx, st)
			if err != nil {
				return err
			}
			keys, err := cfg.keys("")
			if err != nil {
				return err
			}
			tc, err := dialTemporal(ctx, cfg.temporal, cfg.namespace, keys, log, time.Minute)
			if err != nil {
				return err
			}
			defer tc.Close()
			w := worker.New(tc, &activities.Activities{Store: st, Calendar: cal, Now: time.Now})
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
