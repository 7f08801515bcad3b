package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/mzflow/mzflow"
)

// openStatuses are the statuses of a case that is still running: its workflow waits for
// people, and its deadline counts.
var openStatuses = []mzflow.CaseStatus{mzflow.StatusInProgress, mzflow.StatusAwaitingMaterials}

// ApplyProjection writes a projection in one transaction, converging to it (Projection
// says what is replaced and removed). Times are stored in UTC.
//
// p is not modified. Its rows are the case subject's: a task, event or notification with
// an empty CaseID takes the case's ID; a task with an empty Program, TownshipCode,
// ApplicantName or Title, and a notification without a Title, take the case's. Event and
// notification IDs are assigned by the database (the given ones are ignored): their
// identity is (subject, seq) and dedup_key.
func (s *Store) ApplyProjection(ctx context.Context, p *Projection) error {
	_, err := s.applyProjection(ctx, p)
	return err
}

// applyProjection is ApplyProjection; applied is false when a newer revision was there.
func (s *Store) applyProjection(ctx context.Context, p *Projection) (applied bool, err error) {
	if p == nil || p.Case.ID == "" {
		return false, errors.New("projection: case ID is empty")
	}
	c := p.Case
	utcCase(&c)
	tasks := make([]Task, len(p.Tasks))
	for i, t := range p.Tasks {
		if t.CaseID == "" {
			t.CaseID = c.ID
		}
		t.SubjectKind, t.SubjectID = SubjectCase, t.CaseID
		if t.Title == "" {
			t.Title = c.ApplicantName
		}
		if t.Program == "" {
			t.Program = c.Program
		}
		if t.TownshipCode == "" {
			t.TownshipCode = c.TownshipCode
		}
		if t.ApplicantName == "" {
			t.ApplicantName = c.ApplicantName
		}
		t.CreatedAt = t.CreatedAt.UTC()
		t.DueAt = utcPtr(t.DueAt)
		t.DecidedAt = utcPtr(t.DecidedAt)
		tasks[i] = t
	}
	lastSeq := c.LastSeq
	events := make([]TimelineEvent, len(p.Events))
	for i, e := range p.Events {
		e.ID = 0
		if e.CaseID == "" {
			e.CaseID = c.ID
		}
		e.SubjectKind, e.SubjectID = SubjectCase, e.CaseID
		e.At = e.At.UTC()
		var err error
		if e.Data, err = s.sealData(e.Data); err != nil {
			return false, err
		}
		events[i] = e
		lastSeq = max(lastSeq, e.Seq)
	}
	notes := make([]Notification, len(p.Notifications))
	keys := make([]string, len(p.Notifications))
	for i, n := range p.Notifications {
		n.ID = 0
		if n.CaseID == "" {
			n.CaseID = c.ID
		}
		n.SubjectKind, n.SubjectID = SubjectCase, n.CaseID
		if n.Title == "" {
			n.Title = c.ApplicantName
		}
		n.CreatedAt = n.CreatedAt.UTC()
		n.ReadAt = utcPtr(n.ReadAt)
		notes[i], keys[i] = n, n.DedupKey
	}

	caseCols, err := s.updateColumns(&Case{})
	if err != nil {
		return false, err
	}
	taskCols, err := s.updateColumns(&Task{})
	if err != nil {
		return false, err
	}
	eventCols, err := s.updateColumns(&TimelineEvent{})
	if err != nil {
		return false, err
	}
	// READ COMMITTED on MySQL: locking a case row that does not exist yet takes no gap
	// lock, so two new cases projected at once never deadlock on their inserts.
	var opts []*sql.TxOptions
	if s.dialect == "mysql" {
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The case row is locked first, so two projections of one case apply one after
		// the other (SQLite's transactions take the write lock at BEGIN already).
		q := tx.Model(&Case{}).Select("revision").Where("id = ?", c.ID)
		if s.dialect == "mysql" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var revs []int64
		if err := q.Pluck("revision", &revs).Error; err != nil {
			return err
		}
		if len(revs) > 0 && revs[0] > c.Revision && !p.Force {
			return nil // a later workflow task has projected already: this one is stale
		}
		if p.Force && p.ForceOver != 0 && (len(revs) == 0 || revs[0] != p.ForceOver) {
			return nil // projected again since the check looked: newer than what it holds
		}
		applied = true
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns(caseCols),
		}).Create(&c).Error; err != nil {
			return err
		}
		if len(tasks) > 0 {
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "id"}},
				DoUpdates: clause.AssignmentColumns(taskCols),
			}).Create(&tasks).Error; err != nil {
				return err
			}
		}
		if p.TaskSeq > 0 {
			if err := removeTasksAfter(tx, c.ID, p.TaskSeq); err != nil {
				return err
			}
		}
		if len(events) > 0 {
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "subject_kind"}, {Name: "subject_id"}, {Name: "seq"}},
				DoUpdates: clause.AssignmentColumns(eventCols),
			}).Create(&events).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("subject_kind = ? AND subject_id = ? AND seq > ? AND type NOT IN ?", SubjectCase, c.ID, lastSeq, recordedOutsideWorkflow).Delete(&TimelineEvent{}).Error; err != nil {
			return err
		}
		if len(notes) > 0 {
			// Read or not, a notification keeps when it was first written and read.
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "dedup_key"}},
				DoUpdates: clause.AssignmentColumns([]string{"seq", "user_id", "kind", "subject_kind", "subject_id", "title", "case_id", "task_id", "text"}),
			}).Create(&notes).Error; err != nil {
				return err
			}
		}
		gone := tx.Where("subject_kind = ? AND subject_id = ? AND seq > ?", SubjectCase, c.ID, p.FromSeq)
		if len(keys) > 0 {
			gone = gone.Where("dedup_key NOT IN ?", keys)
		}
		return gone.Delete(&Notification{}).Error
	}, opts...)
	return applied, translate(err, "申请")
}

// removeTasksAfter deletes the tasks of a case numbered after n: a workflow numbers its
// tasks "<case>-1", "<case>-2", …, so those were opened by an attempt that never
// committed. IDs of another shape are left alone.
func removeTasksAfter(tx *gorm.DB, caseID string, n int) error {
	var ids []string
	if err := tx.Model(&Task{}).Where("subject_kind = ? AND subject_id = ?", SubjectCase, caseID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	var gone []string
	for _, id := range ids {
		if k, ok := taskNumber(caseID, id); ok && k > n {
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return tx.Where("id IN ?", gone).Delete(&Task{}).Error
}

// updateColumns names every column of model but the primary key: what an upsert replaces.
// Named explicitly, because gorm's UpdateAll would set updated_at to its own clock and
// leave created_at alone.
func (s *Store) updateColumns(model any) ([]string, error) {
	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(model); err != nil {
		return nil, err
	}
	var cols []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" && !f.PrimaryKey && f.Creatable {
			cols = append(cols, f.DBName)
		}
	}
	return cols, nil
}

func utcCase(c *Case) {
	c.SubmittedAt = c.SubmittedAt.UTC()
	c.DueAt = utcPtr(c.DueAt)
	c.DecidedAt = utcPtr(c.DecidedAt)
	c.UpdatedAt = c.UpdatedAt.UTC()
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CaseByID finds a case. Errors: not_found (申请不存在).
func (s *Store) CaseByID(ctx context.Context, id string) (*Case, error) {
	var c Case
	err := s.db.WithContext(ctx).Where("id = ?", id).First(&c).Error
	return &c, translate(err, "申请")
}

// CaseTasks lists the tasks of a case, ordered by created_at, id.
func (s *Store) CaseTasks(ctx context.Context, caseID string) ([]Task, error) {
	ts := []Task{}
	err := s.db.WithContext(ctx).Where("subject_kind = ? AND subject_id = ?", SubjectCase, caseID).Order("created_at").Order("id").Find(&ts).Error
	return ts, translate(err, "任务")
}

// CaseTimeline lists the timeline events of a case, ordered by seq.
func (s *Store) CaseTimeline(ctx context.Context, caseID string) ([]TimelineEvent, error) {
	es := []TimelineEvent{}
	if err := s.db.WithContext(ctx).Where("subject_kind = ? AND subject_id = ?", SubjectCase, caseID).Order("seq").Find(&es).Error; err != nil {
		return nil, translate(err, "时间线")
	}
	for i := range es {
		d, err := s.openData(es[i].Data)
		if err != nil {
			return nil, err
		}
		es[i].Data = d
	}
	return es, nil
}

// CaseFilter selects cases for ListCases. Zero fields select everything.
type CaseFilter struct {
	Program        mzflow.Program
	Status         mzflow.CaseStatus
	Step           mzflow.Step
	TownshipCode   string // "" = all
	County         string // "" = all; else only townships of this county (its code is their prefix)
	Name           string // applicant name prefix (LIKE 'x%', escape % and _)
	IDHash         string // exact keyed hash of an ID number
	Overdue        bool   // only open cases with due_at < Now
	Now            time.Time
	Page, PageSize int // 1-based; PageSize default 20, max 100
}

// ListCases lists a page of cases, newest submitted first, then id, with the total number
// of matching cases (at most maxTotal). Open means in_progress or awaiting_materials.
func (s *Store) ListCases(ctx context.Context, f CaseFilter) ([]Case, int64, error) {
	offset, limit := pageBounds(f.Page, f.PageSize)
	scope := func(db *gorm.DB) *gorm.DB {
		if f.TownshipCode != "" {
			db = db.Where("township_code = ?", f.TownshipCode)
		}
		db = inCounty(db, f.County)
		if f.Program != "" {
			db = db.Where("program = ?", f.Program)
		}
		if f.Status != "" {
			db = db.Where("status = ?", f.Status)
		}
		if f.Overdue {
			db = db.Where("status IN ? AND due_at < ?", openStatuses, nowOr(f.Now))
		}
		if f.IDHash != "" {
			db = db.Where("id_number_hash = ?", f.IDHash)
		}
		if f.Name != "" {
			db = s.prefix(db, "applicant_name", f.Name)
		}
		if f.Step != "" {
			db = db.Where("step = ?", f.Step)
		}
		return db
	}
	total, capped, err := s.countUpTo(ctx, s.db.WithContext(ctx).Model(&Case{}).Scopes(scope))
	if err != nil {
		return nil, 0, translate(err, "申请")
	}
	cs := []Case{}
	if !capped && int64(offset) >= total {
		return cs, total, nil
	}
	// The page's IDs first, sorted from an index alone (applicant_name, submitted_at and
	// the primary key for a name search), then only those rows: sorting whole rows would
	// read every match from the table, hundreds for a common name in a large county.
	var ids []string
	if err := s.db.WithContext(ctx).Model(&Case{}).Scopes(scope).Order("submitted_at DESC").Order("id").
		Offset(offset).Limit(limit).Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
		return cs, total, translate(err, "申请")
	}
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, 0, translate(err, "申请")
	}
	at := make(map[string]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(cs, func(a, b Case) int { return at[a.ID] - at[b.ID] })
	return cs, total, nil
}

// maxTotal bounds the totals of ListCases and ListTasks. Counting reads every matching
// index entry, so an exact total of a county's million cases would cost more than the
// page itself; no one pages through more than 10 000 rows, they narrow the search. A
// total of maxTotal means "maxTotal or more"; later pages still load.
var maxTotal = 10_000

// countUpTo counts the rows of q, reading at most maxTotal+1 of them; capped is true when
// there are more than maxTotal, and the count is then maxTotal.
func (s *Store) countUpTo(ctx context.Context, q *gorm.DB) (n int64, capped bool, err error) {
	err = s.db.WithContext(ctx).Table("(?) AS t", q.Select("1").Limit(maxTotal+1)).Count(&n).Error
	if n > int64(maxTotal) {
		return int64(maxTotal), true, err
	}
	return n, false, err
}

// prefix adds "col starts with p" to db. MySQL uses LIKE with an index range; SQLite's LIKE
// is case-insensitive and never uses a BINARY index, so there the same range is also given
// explicitly, from p to p with its last character incremented (UTF-8 byte order is code
// point order).
func (s *Store) prefix(db *gorm.DB, col, p string) *gorm.DB {
	like := escapeLike(p) + "%"
	if s.dialect != "sqlite" {
		return db.Where(col+" LIKE ? ESCAPE '!'", like)
	}
	db = db.Where(col+" >= ? AND "+col+" LIKE ? ESCAPE '!'", p, like)
	if upper, ok := successor(p); ok {
		db = db.Where(col+" < ?", upper)
	}
	return db
}

// escapeLike escapes the LIKE wildcards % and _ and the escape character ! itself.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// successor is the smallest string greater than every string with prefix p, in code point
// order; ok is false when there is none (p ends with the largest code point).
func successor(p string) (string, bool) {
	r, size := utf8.DecodeLastRuneInString(p)
	switch {
	case r == utf8.RuneError && size <= 1:
		return "", false
	case r == utf8.MaxRune:
		return "", false
	case r == 0xD7FF: // skip the surrogates, which UTF-8 cannot hold
		r = 0xE000
	default:
		r++
	}
	return p[:len(p)-size] + string(r), true
}

// pageBounds clamps a 1-based page (≥ 1) and a page size (1..100, default 20) to an
// offset and a limit.
func pageBounds(page, size int) (offset, limit int) {
	const maxPage = 1 << 20 // keeps the offset far from overflowing
	switch {
	case page < 1:
		page = 1
	case page > maxPage:
		page = maxPage
	}
	switch {
	case size <= 0:
		size = 20
	case size > 100:
		size = 100
	}
	return (page - 1) * size, size
}

// nowOr is t in UTC, or the current time when t is zero.
func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}
