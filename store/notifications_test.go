package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func TestNotifications(t *testing.T) {
	const alice, bob = int64(1001), int64(1002)
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, cst)
	note := func(key string, user int64, at time.Time) store.Notification {
		return store.Notification{DedupKey: key, UserID: user, Kind: "reminder", CaseID: "N1", TaskID: "N1-intake",
			Text: "任务即将到期：" + key, CreatedAt: at}
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		mustApply(t, st, &store.Projection{
			Case: newCase("N1", townYL, mzflow.Dibao, "王芳", t0),
			Notifications: []store.Notification{
				note("n1", alice, t0), note("n3", alice, t0.Add(2*time.Hour)), note("n2", alice, t0.Add(time.Hour)),
				note("m1", bob, t0),
			},
		})
		byKey := map[string]int64{}
		for _, u := range []int64{alice, bob} {
			ns, _, err := st.Notifications(ctx, u, false, 1, 20)
			if err != nil {
				t.Fatalf("Notifications(%d): %v", u, err)
			}
			for _, n := range ns {
				byKey[n.DedupKey] = n.ID
			}
		}
		keys := func(ns []store.Notification) []string {
			ks := []string{}
			for _, n := range ns {
				ks = append(ks, n.DedupKey)
			}
			return ks
		}
		list := func(t *testing.T, user int64, unread bool, page, size int, want []string, wantTotal int64) {
			t.Helper()
			ns, total, err := st.Notifications(ctx, user, unread, page, size)
			if err != nil {
				t.Fatalf("Notifications: %v", err)
			}
			if got := keys(ns); !slices.Equal(got, want) || total != wantTotal {
				t.Errorf("Notifications(%d, unread=%v, %d, %d) = %v total %d, want %v total %d",
					user, unread, page, size, got, total, want, wantTotal)
			}
		}
		unread := func(t *testing.T, user int64, want int64) {
			t.Helper()
			got, err := st.UnreadCount(ctx, user)
			if err != nil {
				t.Fatalf("UnreadCount: %v", err)
			}
			if got != want {
				t.Errorf("UnreadCount(%d) = %d, want %d", user, got, want)
			}
		}

		t.Run("listed newest first per user", func(t *testing.T) {
			list(t, alice, false, 1, 20, []string{"n3", "n2", "n1"}, 3)
			list(t, bob, false, 1, 20, []string{"m1"}, 1)
			list(t, 999, false, 1, 20, []string{}, 0)
		})
		t.Run("paged with the total", func(t *testing.T) {
			list(t, alice, false, 2, 2, []string{"n1"}, 3)
		})
		t.Run("all unread at first", func(t *testing.T) {
			unread(t, alice, 3)
			unread(t, bob, 1)
		})
		readAt := t0.Add(3 * time.Hour)
		t.Run("marking read removes it from the unread list", func(t *testing.T) {
			if err := st.MarkNotificationRead(ctx, alice, byKey["n2"], readAt); err != nil {
				t.Fatalf("MarkNotificationRead: %v", err)
			}
			list(t, alice, true, 1, 20, []string{"n3", "n1"}, 2)
			list(t, alice, false, 1, 20, []string{"n3", "n2", "n1"}, 3)
			unread(t, alice, 2)
		})
		t.Run("reading twice keeps the first read time", func(t *testing.T) {
			if err := st.MarkNotificationRead(ctx, alice, byKey["n2"], readAt.Add(time.Hour)); err != nil {
				t.Fatalf("MarkNotificationRead again: %v", err)
			}
			ns, _, err := st.Notifications(ctx, alice, false, 1, 20)
			if err != nil {
				t.Fatalf("Notifications: %v", err)
			}
			for _, n := range ns {
				switch {
				case n.DedupKey == "n2" && n.ReadAt == nil:
					t.Errorf("n2 ReadAt = nil, want %v", readAt)
				case n.DedupKey == "n2":
					sameInstantUTC(t, "n2 ReadAt", *n.ReadAt, readAt)
				case n.ReadAt != nil:
					t.Errorf("%s ReadAt = %v, want nil", n.DedupKey, *n.ReadAt)
				}
			}
			unread(t, alice, 2)
		})
		t.Run("another user's notification is not found", func(t *testing.T) {
			err := st.MarkNotificationRead(ctx, alice, byKey["m1"], readAt)
			wantCode(t, err, mzflow.CodeNotFound)
			if got, want := mzflow.ErrorMessage(err), "通知不存在"; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
			unread(t, bob, 1)
		})
		t.Run("unknown notification is not found", func(t *testing.T) {
			wantCode(t, st.MarkNotificationRead(ctx, alice, 987654, readAt), mzflow.CodeNotFound)
		})
	})
}
