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
)

// CalendarStore persists administrators' holiday arrangements.
type CalendarStore interface {
	SaveCalendarYear(ctx context.Context, year int, holidays, workdays []string, by int64, at time.Time) error
}

type calendarHandler struct {
	cal   *calendar.Calendar
	store CalendarStore
	tell  Teller
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
	c.JSON(http.StatusOK, DueView{Due: d.Date, Provisional: d.Provisional})
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
	Holidays []string `json:"holidays" binding:"max=366" label:"节假日"`
	Workdays []string `json:"workdays" binding:"max=366" label:"调休上班日"`
}

// setYear stores a year's holidays and make-up days; answers use them at once. It
// validates, then persists, then applies, so a bad date or a failed save changes nothing;
// then it has Temporal tell every open case (a batch job, after the save, so workers
// reading the calendar again see the new year). When the job cannot be started the
// answer is 503: the year is saved, and saving it again tells the cases.
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
	if h.tell != nil {
		job, err := h.tell.StartCalendarChange(c.Request.Context(), y)
		if err != nil {
			h.log.Error("calendar changed: telling open cases failed", "year", y, "err", err)
			fail(c, &mzflow.Error{Code: mzflow.CodeUnavailable, Message: "节假日安排已保存，但未能通知在办案件重新计算期限，请稍后再保存一次", Err: err})
			return
		}
		h.log.Info("calendar changed: open cases are being told", "year", y, "job", job)
	}
	c.JSON(http.StatusOK, h.cal.Year(y))
}
