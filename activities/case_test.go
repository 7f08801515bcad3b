package activities

import (
	"context"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/workflows"
)

func TestDeadlineReminder(t *testing.T) {
	a := &Activities{Calendar: calendar.New()}
	// Monday 2026-11-23 10:00 China time.
	from := time.Date(2026, 11, 23, 10, 0, 0, 0, calendar.Zone)
	cases := []struct {
		name          string
		limit, before mzflow.Limit
		wantDue       string
		wantRemind    time.Time
	}{
		// 3 WD: due the end of Thursday; reminded 1 WD before, at the end of Wednesday.
		{"working days", mzflow.Limit{N: 3, Unit: mzflow.WorkingDays}, mzflow.Limit{N: 1, Unit: mzflow.WorkingDays},
			"2026-11-26", time.Date(2026, 11, 26, 0, 0, 0, 0, calendar.Zone)},
		// 24 h with a 1 WD lead: halfway, not at once.
		{"shorter than the lead", mzflow.Limit{N: 24, Unit: mzflow.Hours}, mzflow.Limit{N: 1, Unit: mzflow.WorkingDays},
			"", from.Add(12 * time.Hour)},
		// No reminder configured: at the due time itself.
		{"no reminder", mzflow.Limit{N: 4, Unit: mzflow.Seconds}, mzflow.Limit{},
			"", from.Add(4 * time.Second)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := a.Deadline(context.Background(), workflows.DeadlineInput{From: from, Limit: c.limit, RemindBefore: c.before})
			if err != nil {
				t.Fatal(err)
			}
			if c.wantDue != "" && got.Due.Date != c.wantDue {
				t.Errorf("due %s, want %s", got.Due.Date, c.wantDue)
			}
			if !got.RemindAt.Equal(c.wantRemind) {
				t.Errorf("remind at %s, want %s", got.RemindAt.In(calendar.Zone), c.wantRemind)
			}
		})
	}
}
