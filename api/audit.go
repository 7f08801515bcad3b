package api

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// AuditStore is what the audit log needs from the database.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *store.AuditEntry) error
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, int64, error)
	EachAudit(ctx context.Context, f store.AuditFilter, max int, fn func(*store.AuditEntry) error) error
	VerifyAudit(ctx context.Context) (store.AuditCheck, error)
	PruneAudit(ctx context.Context, cutoff, now time.Time) (int64, error)
	RevealStore
}

// Context keys the handlers set for the audit row: the username a sign-in was tried
// with (nobody is signed in yet) and a short detail (never personal data).
const (
	auditUsernameKey = "mzflow.audit_username"
	auditDetailKey   = "mzflow.audit_detail"
)

// auditDetail sets the audit row's detail of this request.
func auditDetail(c *gin.Context, detail string) { c.Set(auditDetailKey, detail) }

// auditWriteTimeout bounds the audit append; it runs even when the caller has gone.
const auditWriteTimeout = 5 * time.Second

// auditor is the middleware that writes one audit row per sign-in, sign-out and other
// mutating request (POST, PUT, PATCH, DELETE), per export (format=xlsx or csv) and per
// denial (401, 403, 429, and 404 of a route naming an object).
//
// The answers of mutating requests and exports are held back until their row is
// written: when the write fails the caller gets 503 instead, never an unaudited success
// (the action itself may have taken effect; the 503 says to check). A denial of a read
// is already answered when its row fails, which is logged.
type auditor struct {
	store AuditStore
	users AuthStore
	log   *slog.Logger
	now   func() time.Time
}

func mutating(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func isExport(c *gin.Context) bool {
	f := c.Query("format")
	return f == "xlsx" || f == "csv"
}

// denial reports whether status refuses the caller: unauthenticated, forbidden, too
// many, or a scoped object not found (a route with a parameter: probing for IDs).
func denial(c *gin.Context, status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return true
	case http.StatusNotFound:
		return len(c.Params) > 0
	}
	return false
}

func (a *auditor) handle(c *gin.Context) {
	if !strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/api/v1/openapi.json" {
		c.Next()
		return
	}
	var held *heldWriter
	if mutating(c.Request.Method) || isExport(c) {
		held = &heldWriter{ResponseWriter: c.Writer, status: http.StatusOK}
		c.Writer = held
	}
	c.Next()
	status := c.Writer.Status()
	if held == nil && !denial(c, status) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), auditWriteTimeout)
	defer cancel()
	e := a.entry(ctx, c, status)
	err := a.store.AppendAudit(ctx, e)
	if err != nil {
		a.log.Error("audit write failed", "request_id", requestID(c), "action", e.Action, "status", status, "err", err)
	}
	if held == nil {
		return
	}
	c.Writer = held.ResponseWriter
	if err != nil {
		held.drop()
		c.JSON(http.StatusServiceUnavailable, ErrorView{Error: errorBody{Code: mzflow.CodeUnavailable,
			Message: "审计日志暂时无法写入，请稍后核实操作结果后再试"}, RequestID: requestID(c)})
		return
	}
	held.release()
}

// entry is the audit row of the request just handled.
func (a *auditor) entry(ctx context.Context, c *gin.Context, status int) *store.AuditEntry {
	route := c.FullPath()
	if route == "" {
		route = c.Request.URL.Path
	}
	e := &store.AuditEntry{At: a.now(), Address: c.ClientIP(),
		Action: c.Request.Method + " " + strings.TrimPrefix(route, "/api/v1"),
		Status: status, RequestID: requestID(c), Result: auditResult(status)}
	if len(c.Params) > 0 {
		e.Object = c.Params[0].Value
	}
	if v, ok := c.Get(principalKey); ok {
		p := v.(*Principal)
		e.UserID, e.Username, e.Role, e.OrgCode = p.ID, p.Username, string(p.Role), p.Org.Code
	} else if name := c.GetString(auditUsernameKey); name != "" {
		// A sign-in: the name tried, and who that is when the name exists.
		e.Username = name
		if u, err := a.users.UserByUsername(ctx, name); err == nil {
			e.UserID, e.Role, e.OrgCode = u.ID, string(u.Role), u.Org.Code
		}
	}
	var parts []string
	if d := c.GetString(auditDetailKey); d != "" {
		parts = append(parts, d)
	}
	if len(c.Errors) > 0 {
		parts = append(parts, string(mzflow.ErrorCode(c.Errors.Last().Err)))
	}
	if isExport(c) {
		parts = append(parts, "export "+c.Query("format"))
	}
	e.Detail = strings.Join(parts, "; ")
	return e
}

func auditResult(status int) string {
	switch {
	case status >= 500:
		return store.AuditError
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests || status == http.StatusNotFound:
		return store.AuditDenied
	case status >= 400:
		return store.AuditFailed
	}
	return store.AuditOK
}

// heldWriter keeps a handler's answer (status and body; headers go to the real writer's
// map, which is sent only with the status) until the audit row is written.
type heldWriter struct {
	gin.ResponseWriter
	status  int
	written bool
	body    bytes.Buffer
}

func (w *heldWriter) WriteHeader(code int) {
	if code > 0 && !w.written {
		w.status = code
	}
}
func (w *heldWriter) WriteHeaderNow() { w.written = true }
func (w *heldWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.body.Write(b)
}
func (w *heldWriter) WriteString(s string) (int, error) {
	w.written = true
	return w.body.WriteString(s)
}
func (w *heldWriter) Status() int   { return w.status }
func (w *heldWriter) Size() int     { return w.body.Len() }
func (w *heldWriter) Written() bool { return w.written }
func (w *heldWriter) Flush()        {} // nothing leaves before the audit row

// release sends the held answer.
func (w *heldWriter) release() {
	w.ResponseWriter.WriteHeader(w.status)
	if w.body.Len() > 0 {
		_, _ = w.ResponseWriter.Write(w.body.Bytes())
	} else {
		w.ResponseWriter.WriteHeaderNow()
	}
}

// drop forgets the held answer and the headers it set (a file name, a length), so a
// 503 replaces it cleanly.
func (w *heldWriter) drop() {
	h := w.ResponseWriter.Header()
	for _, k := range []string{"Content-Type", "Content-Disposition", "Content-Length", "Location", "Retry-After"} {
		h.Del(k)
	}
	w.body.Reset()
}
