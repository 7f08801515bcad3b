package store_test

import (
	"testing"
	"time"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// The second factor's one-time rules hold in the database, whatever two requests race:
// a time step is used once, a recovery code is spent once, a challenge is spent once.
func TestSecondFactorIsSpentOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, cst)
		if _, err := st.SeedDemo(ctx, "h", now); err != nil {
			t.Fatal(err)
		}
		u, _ := st.UserByUsername(ctx, "approver")
		if err := st.SetPendingTOTP(ctx, u.ID, []byte("sealed")); err != nil {
			t.Fatal(err)
		}
		if err := st.EnableTOTP(ctx, u.ID, 100, []string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPendingTOTP(ctx, u.ID, []byte("other")); err == nil {
			t.Error("a new secret over an enabled one was accepted")
		}
		for _, c := range []struct {
			step int64
			want bool
		}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}} {
			if ok, err := st.UseTOTPStep(ctx, u.ID, c.step); err != nil || ok != c.want {
				t.Errorf("UseTOTPStep(%d) = %v, %v; want %v", c.step, ok, err, c.want)
			}
		}
		for _, c := range []struct {
			code string
			want bool
		}{{"a", true}, {"a", false}, {"z", false}, {"b", true}} {
			if ok, err := st.UseRecoveryCode(ctx, u.ID, c.code, now); err != nil || ok != c.want {
				t.Errorf("UseRecoveryCode(%s) = %v, %v; want %v", c.code, ok, err, c.want)
			}
		}
		if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 0 {
			t.Errorf("%d recovery codes left, want 0", n)
		}
		ch := &store.LoginChallenge{TokenHash: hash64("ch"), UserID: u.ID, ExpiresAt: now.Add(5 * time.Minute)}
		if err := st.CreateChallenge(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if ok, _ := st.UseChallenge(ctx, ch.ID, now); !ok {
			t.Error("first use of the challenge refused")
		}
		if ok, _ := st.UseChallenge(ctx, ch.ID, now); ok {
			t.Error("second use of the challenge accepted")
		}
		if _, err := st.ChallengeByTokenHash(ctx, hash64("ch")); err == nil {
			t.Error("a spent challenge is still found")
		}
		if err := st.ResetTOTP(ctx, u.ID, now); err != nil {
			t.Fatal(err)
		}
		if u, _ = st.UserByID(ctx, u.ID); u.TOTPEnabled || u.TOTPSecret != nil {
			t.Errorf("after reset: enabled %v, secret %v", u.TOTPEnabled, u.TOTPSecret)
		}
	})
}

// SetPassword keeps the newest hashes only and marks initial passwords.
func TestPasswordHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, cst)
		if _, err := st.SeedDemo(ctx, "h0", now); err != nil {
			t.Fatal(err)
		}
		u, _ := st.UserByUsername(ctx, "clerk_yl")
		for i, h := range []string{"h1", "h2", "h3", "h4", "h5", "h6", "h7"} {
			if err := st.SetPassword(ctx, u.ID, h, i == 6, 0, 5, now.Add(time.Duration(i)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.PasswordHashes(ctx, u.ID, 5)
		want := []string{"h7", "h7", "h6", "h5", "h4", "h3"}
		if err != nil || len(got) != len(want) {
			t.Fatalf("PasswordHashes = %v, %v; want %v", got, err, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("PasswordHashes = %v, want %v", got, want)
				break
			}
		}
		u, _ = st.UserByID(ctx, u.ID)
		if !u.MustChangePassword || u.PasswordChangedAt == nil || !u.PasswordChangedAt.Equal(now.Add(6*time.Hour)) {
			t.Errorf("after an initial password: must change %v, changed at %v", u.MustChangePassword, u.PasswordChangedAt)
		}
	})
}

// Unlocking an account forgets its failures from every address, not another account's.
func TestClearLoginFailuresLike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		now := time.Now()
		for _, k := range []string{"acct:bob|1.2.3.4", "acct:bob|5.6.7.8", "acct:bobby|1.2.3.4", "addr:1.2.3.4"} {
			if _, err := st.RecordLoginFailure(ctx, k, now, time.Minute, 5, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.ClearLoginFailuresLike(ctx, "acct:bob|"); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]int{"acct:bob|1.2.3.4": 0, "acct:bob|5.6.7.8": 0, "acct:bobby|1.2.3.4": 1, "addr:1.2.3.4": 1} {
			if th, _ := st.LoginThrottle(ctx, k); th.Failures != want {
				t.Errorf("%s: %d failures, want %d", k, th.Failures, want)
			}
		}
	})
}
