// Package api is the HTTP API of docs/api.md on gin: routing, authentication, township scope,
// request IDs and the one error renderer. Handlers are small structs holding the
// interfaces they need, wired by hand in cmd/mzflow.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/workflows"
)

// Store is everything the API reads from or writes to the database.
type Store interface {
	AuthStore
	CalendarStore
	CaseStore
	OverdueStore
	MetricsStore
	AdminStore
	AuditStore
	AppendCaseEvent(ctx context.Context, caseID string, e store.TimelineEvent) (int, error)
	Ping(ctx context.Context) error
}

// Health is what readiness asks of Temporal (the SDK client's CheckHealth fits).
type Health interface {
	Ready(ctx context.Context) error
}

// Deps are the API's collaborators.
type Deps struct {
	Store    Store
	Calendar *calendar.Calendar
	Rules    func() *rules.Rules
	Temporal Health
	// Workflows starts cases and sends them decisions; Tell tells them of calendar
	// changes; Keys seals and hashes ID numbers.
	Workflows Workflows
	Tell      Teller
	Keys      Sealer
	// County is the county's division code, the organisation of county roles.
	County string
	Log    *slog.Logger
	Now    func() time.Time
	// Web serves the staff page for every path outside /api.
	Web http.Handler
	// Metrics is the registry /metrics serves (NewRegistry); nil makes one. The process
	// shares it with the Temporal SDK's metrics handler.
	Metrics *prometheus.Registry
	// MetricsToken guards /metrics on the API's listener: Prometheus sends it as a bearer
	// token. Empty: /metrics is not served here (the worker's --metrics-addr listener,
	// on an internal network, still is).
	MetricsToken string
	// SignIn is the sign-in configuration; the zero value is production's.
	SignIn SignInPolicy
	// MaxBody bounds every request body in bytes (--max-body); 0 is DefaultMaxBody.
	MaxBody int64
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New returns the HTTP handler of the whole API and the web page.
func New(d Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Metrics == nil {
		d.Metrics = NewRegistry()
	}
	if d.MaxBody <= 0 {
		d.MaxBody = DefaultMaxBody
	}
	m := newMetrics(d.Metrics, d.Store, d.Now)
	r := gin.New()
	// The lock-out and the audit log count per client address: believe X-Forwarded-For
	// only from the configured proxies (gin trusts every address unless told otherwise,
	// which would let a client write any address into the audit log).
	if err := r.SetTrustedProxies(d.SignIn.TrustedProxies); err != nil {
		d.Log.Error("trusted proxies: none trusted", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	// The auditor wraps the error renderer and the recovery, so it sees every answer's
	// final status, and holds back mutating answers until their audit row is written.
	audit := &auditor{store: d.Store, users: d.Store, log: d.Log, now: d.Now}
	r.Use(securityHeaders, withRequestID, m.observe, accessLog(d.Log), audit.handle, gin.CustomRecovery(func(c *gin.Context, v any) {
		d.Log.Error("panic", "request_id", requestID(c), "panic", v)
		fail(c, mzflow.Errorf(mzflow.CodeInternal, "内部错误"))
	}), renderErrors(d.Log), limitBody(d.MaxBody))

	r.GET("/metrics", metricsGuard(d.MetricsToken), m.handler())
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, StatusView{Status: "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
		defer cancel()
		if err := d.Store.Ping(ctx); err != nil {
			fail(c, &mzflow.Error{Code: mzflow.CodeUnavailable, Message: "数据库不可用", Err: err})
			return
		}
		if d.Temporal != nil {
			if err := d.Temporal.Ready(ctx); err != nil {
				fail(c, &mzflow.Error{Code: mzflow.CodeUnavailable, Message: "流程引擎不可用", Err: err})
				return
			}
		}
		c.JSON(http.StatusOK, StatusView{Status: "ready"})
	})

	auth := &authHandler{store: d.Store, keys: d.Keys, policy: d.SignIn, now: d.Now}
	cal := &calendarHandler{cal: d.Calendar, store: d.Store, tell: d.Tell, log: d.Log, now: d.Now}
	rh := &rulesHandler{rules: d.Rules}
	ch := &caseHandler{metrics: m, store: d.Store, wf: d.Workflows, keys: d.Keys, cal: d.Calendar, rules: d.Rules, log: d.Log, now: d.Now, county: d.County, audit: d.Store}
	sh := &overdueHandler{store: d.Store, cases: ch, cal: d.Calendar, now: d.Now}

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", serveOpenAPI)
	v1.POST("/auth/login", auth.login)
	v1.POST("/auth/totp", auth.secondFactor)
	in := v1.Group("", auth.authenticate)
	in.POST("/auth/logout", auth.logout)
	in.GET("/me", auth.me)
	in.POST("/me/totp/enroll", auth.enroll)
	in.POST("/me/totp/confirm", auth.confirm)
	in.GET("/calendar/due", cal.due)
	in.GET("/programs", programs)

	// Writes go through Temporal: refuse them fast while it is down.
	gate := (&temporalGate{health: d.Temporal}).handle
	in.POST("/cases", gate, ch.create)
	in.GET("/cases", ch.list)
	in.GET("/cases/:id", ch.get)
	in.POST("/cases/:id/objections", gate, ch.caseUpdate(workflows.UpdateObject))
	in.POST("/cases/:id/withdraw", gate, ch.caseUpdate(workflows.UpdateWithdraw))
	in.POST("/cases/:id/materials", gate, ch.caseUpdate(workflows.UpdateMaterials))
	in.POST("/cases/:id/extend", gate, ch.caseUpdate(workflows.UpdateExtend))
	in.POST("/cases/:id/reveal", gate, ch.reveal)
	in.GET("/tasks", ch.listTasks)
	in.POST("/tasks/:id/claim", gate, ch.claim)
	in.POST("/tasks/:id/decide", gate, ch.decide)
	in.POST("/tasks/:id/reassign", gate, duty(mzflow.ActReassign), ch.reassign)
	// The overdue board names applicants: the roles that watch deadlines, never the
	// system administrator (who reads no case, Duties).
	sup := allow(mzflow.RoleSupervisor, mzflow.RoleTownshipHead, mzflow.RoleCountyReviewer, mzflow.RoleCountyApprover)
	in.GET("/overdue", sup, sh.overdue)
	in.GET("/overdue/summary", sup, sh.summary)
	// The old names, for one release (docs/api.md "Overdue board"): "supervision" now names
	// the 督办 items of the dispatch meeting.
	in.GET("/supervision/overdue", sup, sh.overdue)
	in.GET("/supervision/summary", sup, sh.summary)
	in.GET("/notifications", sh.notifications)
	in.POST("/notifications/:id/read", sh.markRead)

	admin := in.Group("/admin")
	admin.GET("/calendar/:year", cal.year)
	admin.PUT("/calendar/:year", allow(mzflow.RoleAdmin), cal.setYear)
	admin.GET("/rules", allow(mzflow.RoleAdmin, mzflow.RoleSupervisor), rh.list)
	ah := &adminHandler{store: d.Store, policy: d.SignIn, now: d.Now}
	admin.GET("/orgs", ah.listOrgs)
	admin.POST("/orgs", allow(mzflow.RoleAdmin), ah.createOrg)
	// 三员: the system administrator creates users; the security administrator changes
	// roles, unlocks accounts, resets second factors and reads the sign-in policy.
	sec := allow(mzflow.RoleSecurityAdmin)
	admin.GET("/users", allow(mzflow.RoleAdmin, mzflow.RoleSecurityAdmin), ah.listUsers)
	admin.POST("/users", allow(mzflow.RoleAdmin), ah.createUser)
	admin.POST("/users/:id/password", allow(mzflow.RoleAdmin, mzflow.RoleSecurityAdmin), ah.resetPassword)
	admin.PUT("/users/:id/role", sec, ah.setRole)
	admin.POST("/users/:id/unlock", sec, ah.unlock)
	admin.DELETE("/users/:id/totp", sec, ah.resetSecondFactor)
	admin.GET("/signin-policy", sec, ah.signInPolicy)
	in.POST("/me/password", ah.changePassword)

	// The audit log is the audit administrator's alone (三员分立): not even the system
	// administrator reads it.
	auh := &auditHandler{store: d.Store}
	in.GET("/audit", allow(mzflow.RoleAuditAdmin), auh.list)
	in.GET("/audit/verify", allow(mzflow.RoleAuditAdmin), auh.verify)

	r.NoRoute(func(c *gin.Context) {
		if len(c.Request.URL.Path) >= 4 && c.Request.URL.Path[:4] == "/api" {
			fail(c, mzflow.Errorf(mzflow.CodeNotFound, "接口不存在：%s %s", c.Request.Method, c.Request.URL.Path))
			return
		}
		if d.Web == nil {
			c.Status(http.StatusNotFound)
			return
		}
		// gin presets 404 for unmatched routes; the page answers every path itself
		// (history-mode routing), so start from 200.
		c.Status(http.StatusOK)
		d.Web.ServeHTTP(c.Writer, c.Request)
	})
	return r
}

// contentSecurityPolicy lets the page load only its own files: no inline or foreign
// script, no framing. Element Plus sets inline style attributes, so styles may be inline.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the browser protections on every answer (等保 level three): no
// framing, no content sniffing, no referrer, the CSP; answers outside the page's own
// files are never cached, because they carry personal data; HSTS when the request came
// over TLS, directly or through the proxy that terminates it.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics" {
		h.Set("Cache-Control", "no-store")
	}
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Next()
}

const requestIDKey = "mzflow.request_id"

// withRequestID takes the caller's X-Request-ID or makes one; it is echoed back, logged
// and put in every error body.
func withRequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if id == "" || len(id) > 64 {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// accessLog logs one structured line per API request: route and status, never bodies
// (they carry names and ID numbers).
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		if c.FullPath() == "" && c.Writer.Status() != http.StatusNotFound {
			return // static files
		}
		log.Info("http", "request_id", requestID(c), "method", c.Request.Method, "route", c.FullPath(),
			"status", c.Writer.Status(), "ms", time.Since(start).Milliseconds())
	}
}
