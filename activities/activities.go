// Package activities holds the side effects workflows ask for: deadlines from the
// calendar, the read-model projection, notifications, reports. Activities are methods on
// one Activities value that the worker registers; workflows refer to them through a nil
// *Activities for type-safe names.
package activities

import (
	"context"
	"sync"
	"time"

	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/store"
)

// Activities holds what side effects need. Now is the clock (tests set it).
type Activities struct {
	Store    *store.Store
	Calendar *calendar.Calendar
	Now      func() time.Time

	mu       sync.Mutex
	syncedAt time.Time
}

// calendarRefresh is how stale a worker's calendar may be: an administrator's edit made
// through another process (the api) reaches deadlines computed here within it.
const calendarRefresh = 10 * time.Second

// syncCalendar reloads administrators' calendar edits from the database at most every
// calendarRefresh. Failing to reload is not fatal: the calendar in memory stays valid.
func (a *Activities) syncCalendar(ctx context.Context) {
	if a.Store == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if time.Since(a.syncedAt) < calendarRefresh {
		return
	}
	a.syncedAt = time.Now()
	years, err := a.Store.CalendarYears(ctx)
	if err != nil {
		return
	}
	for _, y := range years {
		if h, w, err := y.Dates(); err == nil {
			_ = a.Calendar.Set(y.Year, h, w)
		}
	}
}
