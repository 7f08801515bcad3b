package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func TestIdempotency(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, cst)
	const user = int64(7)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		lookup := func(t *testing.T, user int64, key, wantHash, wantResult string, wantFound bool) {
			t.Helper()
			hash, result, found, err := st.IdempotentResult(ctx, user, key)
			if err != nil {
				t.Fatalf("IdempotentResult(%d, %s): %v", user, key, err)
			}
			if hash != wantHash || result != wantResult || found != wantFound {
				t.Errorf("IdempotentResult(%d, %s) = (%q, %q, %v), want (%q, %q, %v)",
					user, key, hash, result, found, wantHash, wantResult, wantFound)
			}
		}

		t.Run("absent key is not found", func(t *testing.T) {
			lookup(t, user, "k1", "", "", false)
		})
		t.Run("saved key is found", func(t *testing.T) {
			stored, err := st.SaveIdempotentResult(ctx, user, "k1", hash64("body"), `{"id":"C1"}`, at)
			if err != nil {
				t.Fatalf("SaveIdempotentResult: %v", err)
			}
			if stored != `{"id":"C1"}` {
				t.Errorf("stored = %q, want %q", stored, `{"id":"C1"}`)
			}
			lookup(t, user, "k1", hash64("body"), `{"id":"C1"}`, true)
		})
		t.Run("same hash again returns the stored result", func(t *testing.T) {
			stored, err := st.SaveIdempotentResult(ctx, user, "k1", hash64("body"), `{"id":"C2"}`, at.Add(time.Second))
			if err != nil {
				t.Fatalf("SaveIdempotentResult: %v", err)
			}
			if stored != `{"id":"C1"}` {
				t.Errorf("stored = %q, want the first %q", stored, `{"id":"C1"}`)
			}
		})
		t.Run("different hash is conflict", func(t *testing.T) {
			_, err := st.SaveIdempotentResult(ctx, user, "k1", hash64("other body"), `{"id":"C3"}`, at)
			wantCode(t, err, mzflow.CodeConflict)
			if got, want := mzflow.ErrorMessage(err), "幂等键已用于另一请求"; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
			lookup(t, user, "k1", hash64("body"), `{"id":"C1"}`, true)
		})
		t.Run("keys are per user and exact", func(t *testing.T) {
			lookup(t, user+1, "k1", "", "", false)
			lookup(t, user, "K1", "", "", false)
			if _, err := st.SaveIdempotentResult(ctx, user+1, "k1", hash64("x"), "other user", at); err != nil {
				t.Fatalf("SaveIdempotentResult(other user): %v", err)
			}
			if _, err := st.SaveIdempotentResult(ctx, user, "K1", hash64("y"), "upper case", at); err != nil {
				t.Fatalf("SaveIdempotentResult(K1): %v", err)
			}
			lookup(t, user+1, "k1", hash64("x"), "other user", true)
			lookup(t, user, "K1", hash64("y"), "upper case", true)
			lookup(t, user, "k1", hash64("body"), `{"id":"C1"}`, true)
		})
		t.Run("concurrent saves with the same hash all return one result", func(t *testing.T) {
			const n = 8
			var wg sync.WaitGroup
			stored := make([]string, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					stored[i], errs[i] = st.SaveIdempotentResult(ctx, user, "race", hash64("race"), fmt.Sprintf("result-%d", i), at)
				})
			}
			wg.Wait()
			_, want, found, err := st.IdempotentResult(ctx, user, "race")
			if err != nil || !found {
				t.Fatalf("IdempotentResult(race) = found %v, err %v, want found", found, err)
			}
			for i := range n {
				if errs[i] != nil {
					t.Errorf("save #%d: %v, want nil", i, errs[i])
				} else if stored[i] != want {
					t.Errorf("save #%d returned %q, want the stored %q", i, stored[i], want)
				}
			}
		})
	})
}
