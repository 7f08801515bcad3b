// Package activities holds the side effects workflows ask for: deadlines from the
// calendar, the read-model projection, notifications, reports. Activities are methods on
// one Activities value that the worker registers; workflows refer to them through a nil
// *Activities for type-safe names.
package activities

import (
	"context"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/store"
)

// Activities holds what side effects need. Now is the clock (tests set it).
type Activities struct {
	Store    *store.Store
	Calendar *calendar.Calendar
	Now      func() time.Time
}

// DueInput asks for the due time of a limit counted from a moment.
type DueInput struct {
	From  time.Time
	Limit mzflow.Limit
}

// DueResult is the answer: recorded in history, so a later calendar edit never changes
// what a replay sees.
type DueResult struct {
	Due calendar.Due
}

// Due computes a deadline on the working-day calendar (DOMAIN.md §5).
func (a *Activities) Due(ctx context.Context, in DueInput) (DueResult, error) {
	return DueResult{Due: a.Calendar.Due(in.From, in.Limit)}, nil
}
