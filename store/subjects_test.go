package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// TestSubjectMigration: rows written before the read model was keyed by subject become
// the case subject's, with the applicant's name as their title, and read as before.
func TestSubjectMigration(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "m.db") },
		"mysql":  func(t *testing.T) string { return storetest.MySQLDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			st, err := store.Open(dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.MigrateTo(ctx, 4); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO cases (id, workflow_id, program, status, step, township_code, applicant_name, id_number_enc, id_number_hash,
					id_number_masked, submitted_at, updated_at) VALUES ('C9', 'wf', 'dibao', 'in_progress', 'intake', ?, '王芳', ?, 'h', 'm', ?, ?)`,
					[]any{townYL, []byte("x"), at, at}},
				{`INSERT INTO tasks (id, case_id, program, step, role, org_code, township_code, status, created_at, applicant_name)
					VALUES ('C9-1', 'C9', 'dibao', 'intake', 'township_clerk', ?, ?, 'open', ?, '王芳')`, []any{townYL, townYL, at}},
				{`INSERT INTO timeline_events (case_id, seq, type, at, data) VALUES ('C9', 1, 'submitted', ?, '{}')`, []any{at}},
				{`INSERT INTO notifications (dedup_key, user_id, kind, case_id, task_id, text, created_at, seq)
					VALUES ('C9/C9-1/reminder/1', 1, 'reminder', 'C9', 'C9-1', '即将到期', ?, 2)`, []any{at}},
			} {
				if err := st.Exec(ctx, q.sql, q.args...); err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			ts, err := st.CaseTasks(ctx, "C9")
			if err != nil || len(ts) != 1 || ts[0].SubjectKind != store.SubjectCase || ts[0].SubjectID != "C9" || ts[0].Title != "王芳" {
				t.Errorf("tasks after the migration = %+v, %v; want C9-1 of case C9 titled 王芳", ts, err)
			}
			es, err := st.CaseTimeline(ctx, "C9")
			if err != nil || len(es) != 1 || es[0].SubjectKind != store.SubjectCase || es[0].SubjectID != "C9" {
				t.Errorf("timeline after the migration = %+v, %v; want event 1 of case C9", es, err)
			}
			ns, err := st.CaseNotifications(ctx, "C9")
			if err != nil || len(ns) != 1 || ns[0].SubjectID != "C9" || ns[0].Title != "王芳" {
				t.Errorf("notifications after the migration = %+v, %v; want one of case C9 titled 王芳", ns, err)
			}
		})
	}
}
