package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func auditRow(at time.Time, user string, i int) *store.AuditEntry {
	return &store.AuditEntry{At: at, UserID: int64(i%3 + 1), Username: user, Role: "county_reviewer",
		OrgCode: "349901", Address: "10.0.0.7", Action: "POST /cases/:id/withdraw", Object: fmt.Sprintf("c%d", i),
		Result: store.AuditOK, Status: 200, RequestID: fmt.Sprintf("r%d", i)}
}

func appendRows(t *testing.T, st *store.Store, at time.Time, n int) []*store.AuditEntry {
	t.Helper()
	out := make([]*store.AuditEntry, n)
	for i := range n {
		out[i] = auditRow(at.Add(time.Duration(i)*time.Second), "reviewer", i)
		if err := st.AppendAudit(t.Context(), out[i]); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	return out
}

// The chain: each row names the one before; VerifyAudit passes an untouched chain.
func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rows := appendRows(t, st, time.Now(), 5)
		for i, r := range rows {
			if r.ID != int64(i+1) || len(r.Hash) != 64 || (i > 0 && r.PrevHash != rows[i-1].Hash) || (i == 0 && r.PrevHash != "") {
				t.Errorf("row %d: id %d prev %q hash %q", i, r.ID, r.PrevHash, r.Hash)
			}
		}
		got, err := st.VerifyAudit(t.Context())
		if err != nil || !got.OK || got.Checked != 5 || got.FirstBreak != nil {
			t.Errorf("verify = %+v %v, want ok with 5 checked", got, err)
		}
		page, total, err := st.ListAudit(t.Context(), store.AuditFilter{Username: "reviewer", Page: 1, PageSize: 2})
		if err != nil || total != 5 || len(page) != 2 || page[0].ID != 5 {
			t.Errorf("list = %d rows of %d, first %+v, %v; want 2 of 5 newest first", len(page), total, page, err)
		}
	})
}

// Appends from many goroutines (several API processes share the database the same way)
// still form one linear chain.
func TestAuditChainConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() { errs <- st.AppendAudit(context.Background(), auditRow(time.Now(), "clerk", i)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.VerifyAudit(t.Context())
		if err != nil || !got.OK || got.Checked != 40 {
			t.Errorf("verify after concurrent appends = %+v %v, want ok with 40", got, err)
		}
	})
}

// The database itself refuses to change a row or delete a young one, on both dialects,
// whoever asks; an old row (past the 180-day floor) may go.
func TestAuditAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		appendRows(t, st, time.Now().Add(-179*24*time.Hour), 2)
		for _, q := range []string{
			"UPDATE audit_log SET result = 'ok', detail = 'edited' WHERE id = 1",
			"UPDATE audit_log SET at = at WHERE id = 2",
			"DELETE FROM audit_log WHERE id = 2",
			"DELETE FROM audit_log",
			"DELETE FROM audit_head",
		} {
			err := st.Exec(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "audit_") {
				t.Errorf("%s = %v, want refused by the trigger", q, err)
			}
		}
		if got, _ := st.VerifyAudit(ctx); !got.OK || got.Checked != 2 {
			t.Errorf("after the refused changes: %+v, want the 2 rows intact", got)
		}
		old := appendRows(t, st, time.Now().Add(-181*24*time.Hour), 1)[0]
		if err := st.Exec(ctx, "DELETE FROM audit_log WHERE id = ?", old.ID); err != nil {
			t.Errorf("deleting a 181-day-old row: %v, want allowed", err)
		}
	})
}

// VerifyAudit names the first break: an edited row, a deleted middle row, a deleted
// newest row. The triggers are dropped first, as an intruder with DDL rights would.
func TestVerifyAuditFindsBreaks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		for _, tr := range []string{"audit_log_no_update", "audit_log_no_young_delete"} {
			if err := st.Exec(ctx, "DROP TRIGGER "+tr); err != nil {
				t.Fatal(err)
			}
		}
		appendRows(t, st, time.Now(), 8)
		check := func(what string, wantID int64) {
			t.Helper()
			got, err := st.VerifyAudit(ctx)
			if err != nil || got.OK || got.FirstBreak == nil || got.FirstBreak.ID != wantID {
				t.Errorf("%s: verify = %+v (%+v) %v, want a break at %d", what, got, got.FirstBreak, err, wantID)
			}
		}
		if err := st.Exec(ctx, "DELETE FROM audit_log WHERE id = 8"); err != nil {
			t.Fatal(err)
		}
		check("newest deleted", 8)
		if err := st.Exec(ctx, "DELETE FROM audit_log WHERE id = 5"); err != nil {
			t.Fatal(err)
		}
		check("middle deleted", 6)
		if err := st.Exec(ctx, "UPDATE audit_log SET detail = 'edited' WHERE id = 3"); err != nil {
			t.Fatal(err)
		}
		check("edited", 3)
	})
}

// Retention deletes the rows older than the cutoff and never a younger one, even when
// asked to: the floor is 180 days. The oldest remaining row then anchors the chain.
func TestPruneAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		now := time.Now()
		appendRows(t, st, now.AddDate(0, 0, -200), 3)
		appendRows(t, st, now.AddDate(0, 0, -170), 2)
		appendRows(t, st, now, 2)
		n, err := st.PruneAudit(ctx, now.AddDate(0, 0, -180), now)
		if err != nil || n != 3 {
			t.Fatalf("prune at 180 days = %d, %v; want the 3 rows of 200 days ago", n, err)
		}
		// A cutoff of yesterday is held to the floor: the 170-day-old rows stay.
		if n, err := st.PruneAudit(ctx, now.AddDate(0, 0, -1), now); err != nil || n != 0 {
			t.Errorf("prune at 1 day = %d, %v; want none (floor 180 days)", n, err)
		}
		got, err := st.VerifyAudit(ctx)
		if err != nil || !got.OK || got.Checked != 4 {
			t.Errorf("verify after pruning = %+v %v, want ok with the 4 younger rows", got, err)
		}
	})
}

// BenchmarkAuditAppend measures what one audit row costs a request: one transaction
// that locks the head, inserts and moves the head.
func BenchmarkAuditAppend(b *testing.B) {
	for _, db := range []string{"sqlite", "mysql"} {
		b.Run(db, func(b *testing.B) {
			var st *store.Store
			if db == "sqlite" {
				st = storetest.SQLite(b)
			} else {
				st = storetest.MySQL(b)
			}
			now := time.Now()
			i := 0
			for b.Loop() {
				if err := st.AppendAudit(context.Background(), auditRow(now, "bench", i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
