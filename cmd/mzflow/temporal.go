package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
	sdklog "go.temporal.io/sdk/log"
)

// temporalTLS are the TLS settings of a Temporal frontend. A cluster behind TLS usually
// also asks for a client certificate (mTLS), as Temporal Cloud does; the embedded server
// of `mzflow dev` speaks plain gRPC, so none of them is set there.
type temporalTLS struct {
	cert, key, ca, serverName string
}

func (t *temporalTLS) flags(fs *pflag.FlagSet) {
	fs.StringVar(&t.cert, "temporal-tls-cert", "", "client certificate (PEM) for mTLS to Temporal; with --temporal-tls-key")
	fs.StringVar(&t.key, "temporal-tls-key", "", "private key (PEM) of --temporal-tls-cert")
	fs.StringVar(&t.ca, "temporal-tls-ca", "", "CA certificates (PEM) that sign Temporal's server certificate; default: the system's")
	fs.StringVar(&t.serverName, "temporal-tls-server-name", "", "server name to verify in Temporal's certificate; default: the host of --temporal-address")
}

// config builds the client's TLS configuration: nil when no setting is given (plain
// gRPC). Any setting turns TLS on, so a CA file alone means server-verified TLS without a
// client certificate. Unreadable or malformed files are errors naming the flag and file,
// so a wrong mount fails at start-up, not at the first dial.
func (t temporalTLS) config() (*tls.Config, error) {
	if t == (temporalTLS{}) {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.serverName}
	switch {
	case t.cert != "" && t.key != "":
		pair, err := tls.LoadX509KeyPair(t.cert, t.key)
		if err != nil {
			return nil, fmt.Errorf("--temporal-tls-cert %s / --temporal-tls-key %s: %w", t.cert, t.key, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case t.cert != "" || t.key != "":
		return nil, errors.New("--temporal-tls-cert and --temporal-tls-key go together: give both or neither")
	}
	if t.ca != "" {
		pem, err := os.ReadFile(t.ca)
		if err != nil {
			return nil, fmt.Errorf("--temporal-tls-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--temporal-tls-ca %s: no PEM certificate in the file", t.ca)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// sdkMetrics makes the Temporal SDK report its metrics (requests, polls, workflow and
// activity task latencies) into reg, the registry the process's /metrics serves. Names
// follow Prometheus conventions: temporal_request_total,
// temporal_workflow_task_execution_latency_seconds. Close the closer after the client.
func sdkMetrics(reg prometheus.Registerer, log *slog.Logger) (client.MetricsHandler, io.Closer) {
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:       reg,
		DefaultTimerType: tallyprom.HistogramTimerType, // summaries cannot be aggregated across workers
		// The reporter panics on a clash by default; a missing series is not worth a crash.
		OnRegisterError: func(err error) { log.Warn("temporal sdk metric not registered", "err", err) },
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	return sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope)), closer
}

// dialTemporal connects to Temporal, waiting up to wait for it to answer.
func dialTemporal(ctx context.Context, opts client.Options, log *slog.Logger, wait time.Duration) (client.Client, error) {
	// The SDK logs at info for every poll hiccup; keep it to warnings.
	opts.Logger = levelFilter{sdklog.NewStructuredLogger(slog.New(log.Handler()).With("component", "temporal-sdk"))}
	deadline := time.Now().Add(wait)
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("connect to Temporal at %s: %w", opts.HostPort, err)
		}
		log.Warn("Temporal not reachable yet, retrying", "address", opts.HostPort, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// levelFilter drops the SDK's debug and info lines.
type levelFilter struct{ sdklog.Logger }

func (levelFilter) Debug(string, ...interface{}) {}
func (levelFilter) Info(string, ...interface{})  {}

// temporalHealth adapts the SDK client to api.Health.
type temporalHealth struct{ c client.Client }

func (h temporalHealth) Ready(ctx context.Context) error {
	_, err := h.c.CheckHealth(ctx, &client.CheckHealthRequest{})
	return err
}
