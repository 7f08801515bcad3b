package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/store"
)

// OverdueStore is what the overdue board (逾期看板) and the notifications list read.
// "Supervision" names the supervision items (督办) of the dispatch meeting.
type OverdueStore interface {
	OverdueTasks(ctx context.Context, f store.OverdueFilter) ([]store.Task, error)
	Summary(ctx context.Context, county string, from, to, now time.Time) ([]store.TownshipSummary, error)
	Notifications(ctx context.Context, userID int64, unreadOnly bool, page, pageSize int) ([]store.Notification, int64, error)
	UnreadCount(ctx context.Context, userID int64) (int64, error)
	MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error
}

type overdueHandler struct {
	store OverdueStore
	cases *caseHandler
	cal   *calendar.Calendar
	now   func() time.Time
}

// overdue answers GET /overdue (and its old name /supervision/overdue): open tasks past due, most overdue first,
// with how many working days late and who was told at each escalation level.
func (h *overdueHandler) overdue(c *gin.Context) {
	p := principalOf(c)
	minLevel, _ := strconv.Atoi(c.DefaultQuery("min_level", "0"))
	f := store.OverdueFilter{TownshipCode: c.Query("township_code"), Program: mzflow.Program(c.Query("program")),
		SubjectKind: c.Query("subject_kind"), County: p.County(), MinLevel: minLevel, Now: h.now()}
	if p.Role.Township() {
		f.TownshipCode = p.Org.Code
	}
	if f.SubjectKind != "" && !slices.Contains(store.SubjectKinds, f.SubjectKind) {
		fail(c, mzflow.Errorf(mzflow.CodeInvalid, "subject_kind 应为 %s 之一", strings.Join(store.SubjectKinds, "、")))
		return
	}
	tasks, err := h.store.OverdueTasks(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	views := h.cases.taskViews(c.Request.Context(), orgNames{}, tasks)
	items := make([]OverdueItem, len(views))
	for i, t := range tasks {
		// Late by working days: the due day itself is the last day allowed.
		items[i] = OverdueItem{TaskView: views[i], OverdueBy: h.cal.WorkingDaysBetween(t.DueAt.Add(-time.Nanosecond), h.now())}
	}
	c.JSON(http.StatusOK, List[OverdueItem]{Items: items, Total: len(items)})
}

// summary answers GET /overdue/summary?period=YYYY-MM per township (old name
// /supervision/summary).
func (h *overdueHandler) summary(c *gin.Context) {
	period := c.DefaultQuery("period", h.now().In(calendar.Zone).Format("2006-01"))
	from, err := time.ParseInLocation("2006-01", period, calendar.Zone)
	if err != nil {
		fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "period 应为 YYYY-MM，例如 2026-11"})
		return
	}
	rows, err := h.store.Summary(c.Request.Context(), principalOf(c).County(), from, from.AddDate(0, 1, 0), h.now())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, SummaryView{Period: period, Items: rows})
}

func (h *overdueHandler) notifications(c *gin.Context) {
	p := principalOf(c)
	page, size := pageOf(c)
	ns, total, err := h.store.Notifications(c.Request.Context(), p.ID, c.Query("unread") == "true", page, size)
	if err != nil {
		fail(c, err)
		return
	}
	unread, err := h.store.UnreadCount(c.Request.Context(), p.ID)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]NotificationView, 0, len(ns))
	for _, n := range ns {
		items = append(items, NotificationView{ID: n.ID, Kind: n.Kind, SubjectKind: n.SubjectKind, SubjectID: n.SubjectID,
			Title: n.Title, CaseID: n.CaseID, TaskID: n.TaskID, Text: n.Text, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt})
	}
	c.JSON(http.StatusOK, NotificationPage{Page: Page[NotificationView]{Items: items, Total: total, Page: page, PageSize: size}, Unread: unread})
}

func (h *overdueHandler) markRead(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		fail(c, mzflow.Errorf(mzflow.CodeNotFound, "通知不存在"))
		return
	}
	if err := h.store.MarkNotificationRead(c.Request.Context(), principalOf(c).ID, id, h.now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
