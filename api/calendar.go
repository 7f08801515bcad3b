package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/workflows"
)

// CalendarStore persists administrators' holiday arrangements.
type CalendarStore interface {
	SaveCalendarYear(ctx context.Context, year int, holidays, workdays []string, by int64, at time.Time) error
	OpenWorkflowIDs(ctx context.Context) ([]string, error)
}

type calendarHandler struct {
	cal   *calendar.Calendar
	store CalendarStore
	wf    Workflows
	log   *slog.Logger
	now   func() time.Time
}

// due answers GET /calendar/due?from=YYYY-MM-DD&limit=3WD.
func (h *calendarHandler) due(c *gin.Context) {
	from, err := calendar.ParseDate(c.Query("from"))
	if err != nil {
		fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "起始日期 from 无效：" + mzflow.ErrorMessage(err),
			Details: map[string]any{"from": "应为 YYYY-MM-DD"}})
		return
	}
	l, err := mzflow.ParseLimit(c.Query("limit"))
	if err != nil || l.Clock() {
		msg := "时限 limit 无效"
		if err != nil {
			msg += "：" + err.Error()
		} else {
			msg += "：此处只接受 WD（工作日）或 d（自然日）"
		}
		fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: msg, Details: map[string]any{"limit": "例如 3WD 或 7d"}})
		return
	}
	if l.N > 3650 {
		fail(c, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "时限 limit 过长（最多 3650）"})
		return
	}
	d := h.cal.Due(from, l)
	c.JSON(http.StatusOK, gin.H{"due": d.Date, "provisional": d.Provisional})
}

func parseYear(c *gin.Context) (int, bool) {
	y, err := strconv.Atoi(c.Param("year"))
	if err != nil || y < 2000 || y > 2100 {
		fail(c, mzflow.Errorf(mzflow.CodeInvalid, "年份 %q 无效（2000–2100）", c.Param("year")))
		return 0, false
	}
	return y, true
}

func (h *calendarHandler) year(c *gin.Context) {
	y, ok := parseYear(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, h.cal.Year(y))
}

type calendarYearRequest struct {
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

// setYear stores a year's holidays and make-up days; answers use them at once. It
// validates, then persists, then applies, so a bad date or a failed save changes nothing.
func (h *calendarHandler) setYear(c *gin.Context) {
	y, ok := parseYear(c)
	if !ok {
		return
	}
	var req calendarYearRequest
	if !bind(c, &req) {
		return
	}
	if err := calendar.Validate(y, req.Holidays, req.Workdays); err != nil {
		fail(c, err)
		return
	}
	if err := h.store.SaveCalendarYear(c.Request.Context(), y, req.Holidays, req.Workdays, principalOf(c).ID, h.now()); err != nil {
		fail(c, err)
		return
	}
	if err := h.cal.Set(y, req.Holidays, req.Workdays); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.cal.Year(y))
	h.tellOpenCases(y)
}

// tellOpenCases signals every open case that year y changed, so deadlines falling in it
// are computed again. It runs after the answer: a case that misses the signal (Temporal
// briefly down) keeps its old due time, which the administrator sees on the case.
func (h *calendarHandler) tellOpenCases(y int) {
	if h.wf == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids, err := h.store.OpenWorkflowIDs(ctx)
	if err != nil {
		h.log.Error("calendar changed: list open cases", "year", y, "err", err)
		return
	}
	failed := 0
	for _, id := range ids {
		if err := h.wf.SignalWorkflow(ctx, id, "", workflows.SignalCalendarChanged, workflows.CalendarChange{Year: y}); err != nil {
			failed++
		}
	}
	h.log.Info("calendar changed: open cases told", "year", y, "cases", len(ids), "failed", failed)
}
