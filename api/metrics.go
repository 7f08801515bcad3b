package api

import (
	"context"
	"crypto/subtle"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// MetricsStore is what the task gauges read at scrape time.
type MetricsStore interface {
	OpenTaskCounts(ctx context.Context, now time.Time) ([]store.TownshipTasks, error)
}

// NewRegistry returns a Prometheus registry with the Go runtime and process series. Each
// process makes one and passes it to New (Deps.Metrics) and to the Temporal SDK's metrics
// handler, so one /metrics shows both; tests and several servers in one process each
// keep their own, so they never collide.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// metrics are the API's Prometheus series.
type metrics struct {
	reg       *prometheus.Registry
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, st MetricsStore, now func() time.Time) *metrics {
	m := &metrics{
		reg: reg,
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mzflow_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mzflow_decisions_total", Help: "Decisions applied, by program, step and outcome.",
		}, []string{"program", "step", "outcome"}),
	}
	m.reg.MustRegister(m.latency, m.decisions, &taskGauges{st: st, now: now})
	return m
}

// observe records one request's latency under its route template (never the raw path,
// which carries case IDs).
func (m *metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "other"
	}
	m.latency.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Observe(time.Since(start).Seconds())
}

// metricsGuard lets only Prometheus, with the configured token, read /metrics: the series
// name routes, townships and counts, which are not for anyone on the network.
func metricsGuard(token string) gin.HandlerFunc {
	want := []byte("Bearer " + token)
	return func(c *gin.Context) {
		if token == "" {
			fail(c, mzflow.Errorf(mzflow.CodeNotFound, "指标接口未开放（设置 MZFLOW_METRICS_TOKEN 后以 Bearer 令牌访问）"))
			return
		}
		if subtle.ConstantTimeCompare([]byte(c.GetHeader("Authorization")), want) != 1 {
			fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "指标接口需要令牌"))
			return
		}
		c.Next()
	}
}

func (m *metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// taskGauges reports open and overdue tasks per township from the read model when
// Prometheus scrapes, so the numbers agree with the overdue board.
type taskGauges struct {
	st  MetricsStore
	now func() time.Time
}

var (
	openDesc    = prometheus.NewDesc("mzflow_open_tasks", "Open tasks by township.", []string{"township"}, nil)
	overdueDesc = prometheus.NewDesc("mzflow_overdue_tasks", "Open tasks past their due time, by township.", []string{"township"}, nil)
)

func (g *taskGauges) Describe(ch chan<- *prometheus.Desc) { ch <- openDesc; ch <- overdueDesc }

func (g *taskGauges) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := g.st.OpenTaskCounts(ctx, g.now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(openDesc, err)
		return
	}
	for _, c := range counts {
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(c.Open), c.TownshipCode)
		ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(c.Overdue), c.TownshipCode)
	}
}
