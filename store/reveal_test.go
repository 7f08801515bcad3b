package store_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// Forty reveals at once take exactly the day's five slots; another user and another day
// have their own.
func TestTakeRevealSlot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var took atomic.Int32
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				ok, err := st.TakeRevealSlot(t.Context(), 7, "2026-12-02", 5)
				if err != nil {
					t.Error(err)
				}
				if ok {
					took.Add(1)
				}
			})
		}
		wg.Wait()
		if n := took.Load(); n != 5 {
			t.Errorf("40 at once took %d slots, want 5", n)
		}
		for _, other := range []struct {
			user int64
			day  string
		}{{8, "2026-12-02"}, {7, "2026-12-03"}} {
			if ok, err := st.TakeRevealSlot(t.Context(), other.user, other.day, 5); !ok || err != nil {
				t.Errorf("user %d on %s: took %v (%v), want a slot", other.user, other.day, ok, err)
			}
		}
	})
}
