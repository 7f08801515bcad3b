package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
)

// common are the settings several commands share.
type common struct {
	rulesFile string
	logLevel  string
	logFormat string
	secretKey string
	// metricsToken guards the API's /metrics (a bearer token for Prometheus).
	metricsToken string
	maxBody      int64
}

func (c *common) flags(fs *pflag.FlagSet) {
	fs.StringVar(&c.rulesFile, "rules", "", "YAML rules file overriding the national defaults (docs/api.md)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.metricsToken, "metrics-token", "", "bearer token Prometheus sends to the API's /metrics; empty: not served there (mzflow dev keeps one in the data folder); prefer MZFLOW_METRICS_TOKEN")
	fs.Int64Var(&c.maxBody, "max-body", api.DefaultMaxBody, "largest request body in bytes; a larger one is answered 413 (64 KB holds the largest filing or calendar year)")
	fs.StringVar(&c.secretKey, "secret-key", "", "master key (base64 or hex, ≥32 bytes) sealing ID numbers and Temporal payloads; prefer MZFLOW_SECRET_KEY")
}

// keys loads the master key: MZFLOW_SECRET_KEY / --secret-key, else keyFile (created
// with mode 0600 when missing; only `mzflow dev` passes one).
func (c *common) keys(keyFile string) (*privacy.Keys, error) {
	if c.secretKey == "" && keyFile == "" {
		return nil, errors.New("MZFLOW_SECRET_KEY is required")
	}
	return privacy.LoadKeys(c.secretKey, keyFile)
}

// devMetricsToken is the token in file, made (random, mode 0600) when missing: mzflow dev
// serves /metrics to whoever can read its data folder.
func devMetricsToken(file string) (string, error) {
	if b, err := os.ReadFile(file); err == nil {
		if tok := strings.TrimSpace(string(b)); tok != "" {
			return tok, nil
		}
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	return tok, os.WriteFile(file, []byte(tok+"\n"), 0o600)
}

// countyCode is the division code of the county the database serves.
func countyCode(ctx context.Context, st *store.Store) (string, error) {
	orgs, err := st.Orgs(ctx)
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if o.Level == mzflow.LevelCounty {
			return o.Code, nil
		}
	}
	return "", errors.New("no county organisation in the database: load the organisation tree first (mzflow dev seeds a demo county)")
}

func (c *common) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadRules returns the national defaults overlaid with the rules file, if any. A bad
// file is a *rules.FileError naming the file, line and field.
func (c *common) loadRules() (*rules.Rules, error) {
	if c.rulesFile == "" {
		return rules.Defaults(), nil
	}
	return rules.Load(c.rulesFile)
}

// loadCalendar returns the shipped calendar with administrators' stored edits applied.
func loadCalendar(ctx context.Context, st *store.Store) (*calendar.Calendar, error) {
	cal := calendar.New()
	years, err := st.CalendarYears(ctx)
	if err != nil {
		return nil, err
	}
	for _, y := range years {
		h, w, err := y.Dates()
		if err == nil {
			err = cal.Set(y.Year, h, w)
		}
		if err != nil {
			return nil, fmt.Errorf("stored calendar %d: %w", y.Year, err)
		}
	}
	return cal, nil
}

var stderr io.Writer = os.Stderr
