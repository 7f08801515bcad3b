package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mzflow/mzflow"
)

// Reproject makes the read model of a finished case equal to p, what its workflow
// answered to the state query: it reports each row that differed and writes p over
// whatever revision is there (no workflow task of a finished case can write after it).
// Nothing differing, it writes nothing, so running it again reports nothing.
func (s *Store) Reproject(ctx context.Context, p *Projection) ([]string, error) {
	return s.ReprojectOver(ctx, p, 0)
}

// ReprojectOver is Reproject for a workflow that may still move: seen is the row's
// revision read before the workflow was asked for p, and the forced write lands only
// while the row is still there. A decision projected in between is newer than p and
// stays (the next check compares again); a row ahead of the workflow that was already
// there when the check looked (an uncommitted workflow task's) is replaced.
func (s *Store) ReprojectOver(ctx context.Context, p *Projection, seen int64) ([]string, error) {
	changes, err := s.DiffProjection(ctx, p)
	if err != nil || len(changes) == 0 {
		return changes, err
	}
	force := *p
	force.Force, force.ForceOver = true, seen
	_, err = s.applyProjection(ctx, &force)
	return changes, err
}

// DiffProjection lists how the read model of a case differs from p, one line per row:
// the rows p describes, that is the case, its tasks, and its events and notifications
// after p.FromSeq (earlier runs' are not compared). Nothing differing, it is empty.
func (s *Store) DiffProjection(ctx context.Context, p *Projection) ([]string, error) {
	var changes []string
	add := func(format string, args ...any) { changes = append(changes, fmt.Sprintf(format, args...)) }
	cur, err := s.CaseByID(ctx, p.Case.ID)
	switch {
	case mzflow.ErrorCode(err) == mzflow.CodeNotFound:
		return []string{"case " + p.Case.ID + " missing"}, nil
	case err != nil:
		return nil, err
	}
	want := p.Case
	if d := diffFields(
		public("status", string(cur.Status), string(want.Status)),
		public("step", string(cur.Step), string(want.Step)),
		public("outcome", cur.Outcome, want.Outcome),
		public("last_seq", strconv.Itoa(cur.LastSeq), strconv.Itoa(want.LastSeq)),
		timeField("due_at", cur.DueAt, want.DueAt),
		timeField("decided_at", cur.DecidedAt, want.DecidedAt),
		public("amount_monthly", fmtFloat(cur.AmountMonthly), fmtFloat(want.AmountMonthly)),
		public("pay_from", cur.PayFrom, want.PayFrom),
		public("spot_check", strconv.FormatBool(cur.SpotCheck), strconv.FormatBool(want.SpotCheck)),
	); d != "" {
		add("case %s: %s", want.ID, d)
	}

	tasks, err := s.CaseTasks(ctx, want.ID)
	if err != nil {
		return nil, err
	}
	have := map[string]Task{}
	for _, t := range tasks {
		have[t.ID] = t
	}
	for _, t := range p.Tasks {
		h, ok := have[t.ID]
		if !ok {
			add("task %s (%s) missing", t.ID, t.Step)
			continue
		}
		if d := diffFields(
			public("step", string(h.Step), string(t.Step)),
			public("role", string(h.Role), string(t.Role)),
			public("org", h.OrgCode, t.OrgCode),
			public("status", h.Status, t.Status),
			public("outcome", h.Outcome, t.Outcome),
			public("decided_by", fmtID(h.DecidedBy), fmtID(t.DecidedBy)),
			public("assignee", fmtID(h.AssigneeID), fmtID(t.AssigneeID)),
			timeField("due_at", h.DueAt, t.DueAt),
			public("escalation_level", strconv.Itoa(h.EscalationLevel), strconv.Itoa(t.EscalationLevel)),
		); d != "" {
			add("task %s: %s", t.ID, d)
		}
	}
	for _, t := range tasks {
		if k, ok := taskNumber(want.ID, t.ID); ok && p.TaskSeq > 0 && k > p.TaskSeq {
			add("task %s (%s, %s) removed: the workflow never opened it", t.ID, t.Step, t.Status)
		}
	}

	events, err := s.CaseTimeline(ctx, want.ID)
	if err != nil {
		return nil, err
	}
	byseq := map[int]TimelineEvent{}
	for _, e := range events {
		byseq[e.Seq] = e
	}
	lastSeq := want.LastSeq
	for _, e := range p.Events {
		lastSeq = max(lastSeq, e.Seq)
		h, ok := byseq[e.Seq]
		if !ok {
			add("event %d (%s) missing", e.Seq, e.Type)
			continue
		}
		if d := diffFields(
			public("type", h.Type, e.Type),
			public("step", string(h.Step), string(e.Step)),
			public("actor", fmtID(h.ActorID), fmtID(e.ActorID)),
			private("comment", h.Comment, e.Comment),
			private("data", h.Data, e.Data),
			timeField("at", &h.At, &e.At),
		); d != "" {
			add("event %d: %s", e.Seq, d)
		}
	}
	for _, e := range events {
		if e.Seq > lastSeq && !slices.Contains(recordedOutsideWorkflow, e.Type) {
			add("event %d (%s) removed: the workflow never recorded it", e.Seq, e.Type)
		}
	}

	notes, err := s.CaseNotifications(ctx, want.ID)
	if err != nil {
		return nil, err
	}
	wanted := map[string]Notification{}
	for _, n := range p.Notifications {
		wanted[n.DedupKey] = n
	}
	for _, h := range notes {
		n, ok := wanted[h.DedupKey]
		delete(wanted, h.DedupKey)
		switch {
		case !ok && h.Seq > p.FromSeq:
			add("notification %s removed: the workflow never sent it", h.DedupKey)
		case ok && (h.Text != n.Text || h.Seq != n.Seq || h.Kind != n.Kind):
			add("notification %s: text, kind or seq differed", h.DedupKey)
		}
	}
	keys := make([]string, 0, len(wanted))
	for k := range wanted {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add("notification %s missing", k)
	}
	return changes, nil
}

// field is one column compared; a private one (free text that may name people) is
// reported as differing without its values, since the report is logged.
type field struct {
	name, have, want string
	private          bool
}

func public(name, have, want string) field { return field{name: name, have: have, want: want} }
func private(name, have, want string) field {
	return field{name: name, have: have, want: want, private: true}
}

// diffFields describes the fields that differ as "name have → want", or "".
func diffFields(fs ...field) string {
	var b strings.Builder
	for _, f := range fs {
		if f.have == f.want {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if f.private {
			fmt.Fprintf(&b, "%s differs", f.name)
			continue
		}
		fmt.Fprintf(&b, "%s %q → %q", f.name, f.have, f.want)
	}
	return b.String()
}

// taskNumber is n of a task ID "<case>-<n>".
func taskNumber(caseID, id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, caseID+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// timeField compares two times to the millisecond: databases keep microseconds (MySQL
// rounds, MariaDB and SQLite truncate), the workflow nanoseconds.
func timeField(name string, have, want *time.Time) field {
	f := field{name: name, have: fmtTime(have), want: fmtTime(want)}
	if have != nil && want != nil && have.Sub(*want).Abs() < time.Millisecond {
		f.have = f.want
	}
	return f
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func fmtID(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

func fmtFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// CaseRef names a case, its workflow and when it was last projected.
type CaseRef struct {
	ID         string
	WorkflowID string
	UpdatedAt  time.Time
}

// ProjectedAfter lists up to limit cases last projected after (at, id) and no later than
// until, in that order (idx_cases_updated): pass the last one back to go on.
func (s *Store) ProjectedAfter(ctx context.Context, at time.Time, id string, until time.Time, limit int) ([]CaseRef, error) {
	refs := []CaseRef{}
	err := s.db.WithContext(ctx).Model(&Case{}).Select("id", "workflow_id", "updated_at").
		Where("(updated_at > ? OR (updated_at = ? AND id > ?)) AND updated_at <= ?", at.UTC(), at.UTC(), id, until.UTC()).
		Order("updated_at").Order("id").Limit(limit).Scan(&refs).Error
	return refs, translate(err, "申请")
}

// CasesAfter lists up to limit cases with an ID after id, in ID order: every case, a
// page at a time.
func (s *Store) CasesAfter(ctx context.Context, id string, limit int) ([]CaseRef, error) {
	refs := []CaseRef{}
	err := s.db.WithContext(ctx).Model(&Case{}).Select("id", "workflow_id", "updated_at").
		Where("id > ?", id).Order("id").Limit(limit).Scan(&refs).Error
	return refs, translate(err, "申请")
}
