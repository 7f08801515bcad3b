package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/mzflow/mzflow"
)

// TaskByID finds a task. Errors: not_found (任务不存在).
func (s *Store) TaskByID(ctx context.Context, id string) (*Task, error) {
	var t Task
	err := s.db.WithContext(ctx).Where("id = ?", id).First(&t).Error
	return &t, translate(err, "任务")
}

// TaskFilter selects tasks for ListTasks. Zero fields select everything.
type TaskFilter struct {
	Status         string      // "" = any; else TaskOpen / TaskDone / TaskCancelled
	Role           mzflow.Role // "" = any
	OrgCode        string      // "" = any: the organisation holding the task
	TownshipCode   string      // "" = any: the case's township
	County         string      // "" = any; else only the townships of this county
	Program        mzflow.Program
	Step           mzflow.Step
	Overdue        bool // open and due_at < Now
	Now            time.Time
	Page, PageSize int
}

// ListTasks lists a page of tasks, due_at ascending (NULLs last), then id, with the total
// number of matching tasks (at most maxTotal).
func (s *Store) ListTasks(ctx context.Context, f TaskFilter) ([]Task, int64, error) {
	offset, limit := pageBounds(f.Page, f.PageSize)
	// Status first, then role and organisation or township: the column order of
	// idx_tasks_inbox, idx_tasks_township and idx_tasks_overdue.
	scope := func(db *gorm.DB) *gorm.DB {
		if f.Status != "" {
			db = db.Where("status = ?", f.Status)
		}
		if f.Overdue {
			db = db.Where("status = ? AND due_at < ?", TaskOpen, nowOr(f.Now))
		}
		if f.Role != "" {
			db = db.Where("role = ?", f.Role)
		}
		if f.OrgCode != "" {
			db = db.Where("org_code = ?", f.OrgCode)
		}
		if f.TownshipCode != "" {
			db = db.Where("township_code = ?", f.TownshipCode)
		}
		db = inCounty(db, f.County)
		if f.Program != "" {
			db = db.Where("program = ?", f.Program)
		}
		if f.Step != "" {
			db = db.Where("step = ?", f.Step)
		}
		return db
	}
	total, capped, err := s.countUpTo(ctx, s.db.WithContext(ctx).Model(&Task{}).Scopes(scope))
	if err != nil {
		return nil, 0, translate(err, "任务")
	}
	ts := []Task{}
	if !capped && int64(offset) >= total {
		return ts, total, nil
	}
	// "NULLs last" as one ORDER BY (CASE WHEN due_at IS NULL ...) cannot walk an index and
	// sorts every matching row: thousands for a busy inbox of a large county. Two queries
	// instead, each in the order of its index ((status, role, org_code, due_at) + id): the
	// tasks with a due time, then, when the page reaches past them, those without.
	if err := s.db.WithContext(ctx).Scopes(scope).Where("due_at IS NOT NULL").
		Order("due_at").Order("id").Offset(offset).Limit(limit).Find(&ts).Error; err != nil {
		return nil, 0, translate(err, "任务")
	}
	if len(ts) == limit {
		return ts, total, nil
	}
	// The page ends the tasks with a due time: offset+len(ts) of them, or, when the page
	// starts beyond them, as many as a count finds.
	dated := int64(offset + len(ts))
	if len(ts) == 0 {
		if err := s.db.WithContext(ctx).Model(&Task{}).Scopes(scope).Where("due_at IS NOT NULL").Count(&dated).Error; err != nil {
			return nil, 0, translate(err, "任务")
		}
	}
	var rest []Task
	if err := s.db.WithContext(ctx).Scopes(scope).Where("due_at IS NULL").
		Order("id").Offset(max(0, offset+len(ts)-int(dated))).Limit(limit - len(ts)).Find(&rest).Error; err != nil {
		return nil, 0, translate(err, "任务")
	}
	return append(ts, rest...), total, nil
}

// inCounty keeps the rows of one county's townships: a township's code (GB/T 10114) starts
// with its county's. In a county's own database every row matches, so the condition costs
// a comparison per row read and changes no plan; in a province's shared one it is the
// county boundary.
func inCounty(db *gorm.DB, county string) *gorm.DB {
	if county == "" {
		return db
	}
	return db.Where("township_code LIKE ?", county+"%")
}

// TownshipTasks counts a township's open tasks and how many of them are past due.
type TownshipTasks struct {
	TownshipCode string
	Open         int64
	Overdue      int64
}

// OpenTaskCounts counts open and overdue tasks per township (for /metrics), from the
// (status, township_code, due_at) index.
func (s *Store) OpenTaskCounts(ctx context.Context, now time.Time) ([]TownshipTasks, error) {
	var out []TownshipTasks
	err := s.db.WithContext(ctx).Model(&Task{}).
		Select("township_code, COUNT(*) AS open, SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) AS overdue", now.UTC()).
		Where("status = ?", TaskOpen).Group("township_code").Order("township_code").Scan(&out).Error
	return out, translate(err, "任务")
}
