package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
)

// auditHandler serves the audit log to the audit administrator (GET /audit, its xlsx
// export and GET /audit/verify).
type auditHandler struct {
	store AuditStore
}

// AuditEntryView is one audit row.
type AuditEntryView struct {
	ID        int64       `json:"id"`
	At        time.Time   `json:"at"`
	UserID    int64       `json:"user_id"`
	Username  string      `json:"username"`
	Role      mzflow.Role `json:"role"`
	RoleName  string      `json:"role_name"`
	OrgCode   string      `json:"org_code"`
	Address   string      `json:"address"`
	Action    string      `json:"action"`
	Object    string      `json:"object"`
	Result    string      `json:"result"`
	Status    int         `json:"status"`
	RequestID string      `json:"request_id"`
	Detail    string      `json:"detail"`
}

func viewAudit(e *store.AuditEntry) AuditEntryView {
	r := mzflow.Role(e.Role)
	name := ""
	if e.Role != "" {
		name = r.Name()
	}
	return AuditEntryView{ID: e.ID, At: e.At, UserID: e.UserID, Username: e.Username, Role: r, RoleName: name,
		OrgCode: e.OrgCode, Address: e.Address, Action: e.Action, Object: e.Object, Result: e.Result,
		Status: e.Status, RequestID: e.RequestID, Detail: e.Detail}
}

// AuditCheckView is what GET /audit/verify found.
type AuditCheckView = store.AuditCheck

// maxAuditExport bounds one xlsx export; narrow the dates for more.
const maxAuditExport = 100000

// filter reads user, action, from and to (YYYY-MM-DD, China time; to is inclusive).
func (h *auditHandler) filter(c *gin.Context) (store.AuditFilter, bool) {
	page, size := pageOf(c)
	f := store.AuditFilter{Username: strings.TrimSpace(c.Query("user")), Action: strings.TrimSpace(c.Query("action")),
		Page: page, PageSize: size}
	for _, d := range []struct {
		key  string
		dst  *time.Time
		next int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		v := c.Query(d.key)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, calendar.Zone)
		if err != nil {
			fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "日期格式应为 YYYY-MM-DD",
				Details: map[string]any{d.key: "日期格式应为 YYYY-MM-DD"}})
			return f, false
		}
		*d.dst = t.AddDate(0, 0, d.next)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "开始日期不能晚于结束日期",
			Details: map[string]any{"from": "开始日期不能晚于结束日期"}})
		return f, false
	}
	return f, true
}

func (h *auditHandler) list(c *gin.Context) {
	f, ok := h.filter(c)
	if !ok {
		return
	}
	switch c.Query("format") {
	case "":
	case "xlsx":
		h.export(c, f)
		return
	default:
		fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "导出格式只支持 xlsx", Details: map[string]any{"format": "只支持 xlsx"}})
		return
	}
	rows, total, err := h.store.ListAudit(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]AuditEntryView, 0, len(rows))
	for i := range rows {
		items = append(items, viewAudit(&rows[i]))
	}
	c.JSON(http.StatusOK, Page[AuditEntryView]{Items: items, Total: total, Page: f.Page, PageSize: f.PageSize})
}

// auditColumns are the export's header row, in the order of auditRow.
var auditColumns = []any{"序号", "时间", "用户ID", "用户名", "角色", "机构代码", "地址", "操作", "对象", "结果", "状态码", "请求ID", "说明"}

func auditRow(e *store.AuditEntry) []any {
	v := viewAudit(e)
	return []any{v.ID, v.At.In(calendar.Zone).Format("2006-01-02 15:04:05"), v.UserID, v.Username, v.RoleName,
		v.OrgCode, v.Address, v.Action, v.Object, v.Result, v.Status, v.RequestID, v.Detail}
}

// export streams the filtered rows, newest first, into one xlsx sheet.
func (h *auditHandler) export(c *gin.Context, f store.AuditFilter) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "审计日志"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		fail(c, err)
		return
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		fail(c, err)
		return
	}
	if err := sw.SetRow("A1", auditColumns); err != nil {
		fail(c, err)
		return
	}
	n := 1
	err = h.store.EachAudit(c.Request.Context(), f, maxAuditExport, func(e *store.AuditEntry) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, auditRow(e))
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		fail(c, err)
		return
	}
	auditDetail(c, "rows "+strconv.Itoa(n-1))
	name := "audit-" + time.Now().In(calendar.Zone).Format("20060102-150405") + ".xlsx"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	if _, err := x.WriteTo(c.Writer); err != nil {
		_ = c.Error(err)
	}
}

func (h *auditHandler) verify(c *gin.Context) {
	res, err := h.store.VerifyAudit(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// retentionEvery is how often the retention job runs in the API process.
const retentionEvery = 24 * time.Hour

// AuditRetention deletes, once now and then every day until ctx ends, the audit rows
// older than the rules' security.audit_retention_days (never under 180): the cutoff is
// midnight (China time) that many days ago, so a row is kept at least that many full
// days, and a clock a little ahead of the database's never asks the trigger to delete a
// younger row. Several API processes may run it: deleting twice deletes nothing more.
func AuditRetention(ctx context.Context, st AuditStore, rs func() *rules.Rules, now func() time.Time, log *slog.Logger) {
	t := time.NewTicker(retentionEvery)
	defer t.Stop()
	for {
		if n, err := PruneAuditOnce(ctx, st, rs(), now()); err != nil {
			log.Error("audit retention failed", "err", err)
		} else if n > 0 {
			log.Info("audit retention", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PruneAuditOnce is one run of the retention job.
func PruneAuditOnce(ctx context.Context, st AuditStore, r *rules.Rules, now time.Time) (int64, error) {
	days := r.SecurityOf().AuditRetentionDays
	local := now.In(calendar.Zone)
	cutoff := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.Zone).AddDate(0, 0, -days)
	return st.PruneAudit(ctx, cutoff, now)
}
