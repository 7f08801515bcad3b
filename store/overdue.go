package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/mzflow/mzflow"
)

// OverdueFilter selects overdue tasks for OverdueTasks. Zero fields select everything.
type OverdueFilter struct {
	SubjectKind  string // SubjectCase, …; "" = every kind
	TownshipCode string
	County       string // "" = every county; else only its townships
	Program      mzflow.Program
	MinLevel     int // escalation_level ≥ MinLevel
	Now          time.Time
	Limit        int // default 200
}

// maxOverdue bounds OverdueFilter.Limit.
const maxOverdue = 1000

// OverdueTasks: open tasks with due_at < Now, most overdue first (due_at ascending), then id.
func (s *Store) OverdueTasks(ctx context.Context, f OverdueFilter) ([]Task, error) {
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = 200
	case limit > maxOverdue:
		limit = maxOverdue
	}
	// status, township_code, due_at: idx_tasks_township; without a township, idx_tasks_overdue.
	q := s.db.WithContext(ctx).Where("status = ?", TaskOpen)
	if f.TownshipCode != "" {
		q = q.Where("township_code = ?", f.TownshipCode)
	}
	q = inCounty(q, f.County).Where("due_at < ?", nowOr(f.Now))
	if f.Program != "" {
		q = q.Where("program = ?", f.Program)
	}
	if f.SubjectKind != "" {
		q = q.Where("subject_kind = ?", f.SubjectKind)
	}
	if f.MinLevel > 0 {
		q = q.Where("escalation_level >= ?", f.MinLevel)
	}
	ts := []Task{}
	err := q.Order("due_at").Order("id").Limit(limit).Find(&ts).Error
	return ts, translate(err, "任务")
}

// TownshipSummary is one township's row of the overdue board's summary.
type TownshipSummary struct {
	TownshipCode  string  `json:"township_code"`
	TownshipName  string  `json:"township_name"`
	Received      int64   `json:"received"`        // cases submitted in [from, to)
	Decided       int64   `json:"decided"`         // cases with decided_at in [from, to)
	DecidedOnTime int64   `json:"decided_on_time"` // of those, decided_at <= due_at (or due_at NULL)
	OnTimeRate    float64 `json:"on_time_rate"`    // DecidedOnTime/Decided, 0 when none decided
	Open          int64   `json:"open"`            // open tasks now (of cases of the township)
	Overdue       int64   `json:"overdue"`         // open tasks with due_at < now
	Escalated     int64   `json:"escalated"`       // open tasks with escalation_level > 0
}

// Summary: one row per township-level org (orgs.level = 'township'), ordered by code, zero rows included.
// It takes four queries whatever the number of townships: the townships, then grouped
// counts of received cases, decided cases and open tasks, each on the township index.
func (s *Store) Summary(ctx context.Context, county string, from, to, now time.Time) ([]TownshipSummary, error) {
	from, to, now = from.UTC(), to.UTC(), nowOr(now)
	db := s.db.WithContext(ctx)

	var towns []Org
	if err := db.Where("level = ? AND code LIKE ?", mzflow.LevelTownship, county+"%").Order("code").Find(&towns).Error; err != nil {
		return nil, translate(err, "单位")
	}
	out := make([]TownshipSummary, len(towns))
	if len(towns) == 0 {
		return out, nil
	}
	codes := make([]string, len(towns))
	at := make(map[string]*TownshipSummary, len(towns))
	for i, o := range towns {
		codes[i] = o.Code
		out[i] = TownshipSummary{TownshipCode: o.Code, TownshipName: o.Name}
		at[o.Code] = &out[i]
	}

	// township_code, status, submitted_at are all in idx_cases_township_status: this
	// count reads the index only.
	var received []struct {
		TownshipCode string
		N            int64
	}
	if err := db.Model(&Case{}).Select("township_code, COUNT(*) AS n").
		Where("township_code IN ? AND submitted_at >= ? AND submitted_at < ?", codes, from, to).
		Group("township_code").Scan(&received).Error; err != nil {
		return nil, translate(err, "申请")
	}
	for _, r := range received {
		if t := at[r.TownshipCode]; t != nil {
			t.Received = r.N
		}
	}

	var decided []struct {
		TownshipCode string
		N            int64
		OnTime       int64
	}
	if err := db.Model(&Case{}).
		Select("township_code, COUNT(*) AS n, "+
			"COALESCE(SUM(CASE WHEN due_at IS NULL OR decided_at <= due_at THEN 1 ELSE 0 END), 0) AS on_time").
		Where("township_code IN ? AND decided_at >= ? AND decided_at < ?", codes, from, to).
		Group("township_code").Scan(&decided).Error; err != nil {
		return nil, translate(err, "申请")
	}
	for _, r := range decided {
		if t := at[r.TownshipCode]; t != nil {
			t.Decided, t.DecidedOnTime = r.N, r.OnTime
		}
	}

	var open []struct {
		TownshipCode string
		N            int64
		Overdue      int64
		Escalated    int64
	}
	if err := db.Model(&Task{}).
		Select("township_code, COUNT(*) AS n, "+
			"COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0) AS overdue, "+
			"COALESCE(SUM(CASE WHEN escalation_level > 0 THEN 1 ELSE 0 END), 0) AS escalated", now).
		Where("status = ? AND township_code IN ?", TaskOpen, codes).
		Group("township_code").Scan(&open).Error; err != nil {
		return nil, translate(err, "任务")
	}
	for _, r := range open {
		if t := at[r.TownshipCode]; t != nil {
			t.Open, t.Overdue, t.Escalated = r.N, r.Overdue, r.Escalated
		}
	}

	for i := range out {
		if out[i].Decided > 0 {
			out[i].OnTimeRate = float64(out[i].DecidedOnTime) / float64(out[i].Decided)
		}
	}
	return out, nil
}

// UsersByRole: active users with that role in the organisation with that code, ordered by id (Org preloaded).
// One query: the organisation is joined, on idx_users_org_role.
func (s *Store) UsersByRole(ctx context.Context, role mzflow.Role, orgCode string) ([]User, error) {
	us := []User{}
	err := s.db.WithContext(ctx).Joins("Org").
		Where(clause.Eq{Column: clause.Column{Table: "Org", Name: "code"}, Value: orgCode}).
		Where(clause.Eq{Column: clause.Column{Table: "users", Name: "role"}, Value: role}).
		Where(clause.Eq{Column: clause.Column{Table: "users", Name: "active"}, Value: true}).
		Order(clause.OrderByColumn{Column: clause.Column{Table: "users", Name: "id"}}).
		Find(&us).Error
	return us, translate(err, "用户")
}
