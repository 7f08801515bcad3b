package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func TestOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		county := mustOrg(t, st, "349901", "示范县", mzflow.LevelCounty, nil)
		town := mustOrg(t, st, "349901100", "云岭镇", mzflow.LevelTownship, &county.ID)

		t.Run("create assigns IDs", func(t *testing.T) {
			if county.ID == 0 || town.ID == 0 || county.ID == town.ID {
				t.Errorf("IDs = %d, %d, want two distinct non-zero IDs", county.ID, town.ID)
			}
		})
		t.Run("found by code", func(t *testing.T) {
			tests := []struct {
				code       string
				wantID     int64
				wantName   string
				wantLevel  mzflow.OrgLevel
				wantParent *int64
			}{
				{"349901", county.ID, "示范县", mzflow.LevelCounty, nil},
				{"349901100", town.ID, "云岭镇", mzflow.LevelTownship, &county.ID},
			}
			for _, tt := range tests {
				got, err := st.OrgByCode(ctx, tt.code)
				if err != nil {
					t.Fatalf("OrgByCode(%s): %v", tt.code, err)
				}
				if got.ID != tt.wantID || got.Code != tt.code || got.Name != tt.wantName || got.Level != tt.wantLevel {
					t.Errorf("OrgByCode(%s) = {%d %s %s %s}, want {%d %s %s %s}", tt.code,
						got.ID, got.Code, got.Name, got.Level, tt.wantID, tt.code, tt.wantName, tt.wantLevel)
				}
				if gotP, wantP := fmtPtr(got.ParentID), fmtPtr(tt.wantParent); gotP != wantP {
					t.Errorf("OrgByCode(%s).ParentID = %s, want %s", tt.code, gotP, wantP)
				}
				if got.CreatedAt.IsZero() {
					t.Errorf("OrgByCode(%s).CreatedAt is zero, want the creation time", tt.code)
				}
			}
		})
		t.Run("duplicate code is conflict", func(t *testing.T) {
			err := st.CreateOrg(ctx, &store.Org{Code: "349901", Name: "另一个县", Level: mzflow.LevelCounty})
			wantCode(t, err, mzflow.CodeConflict)
		})
		t.Run("missing code is not found", func(t *testing.T) {
			_, err := st.OrgByCode(ctx, "999999")
			wantCode(t, err, mzflow.CodeNotFound)
		})
		t.Run("listed in code order", func(t *testing.T) {
			mustOrg(t, st, "349901099", "前进街道", mzflow.LevelTownship, &county.ID)
			os, err := st.Orgs(ctx)
			if err != nil {
				t.Fatalf("Orgs: %v", err)
			}
			var got []string
			for _, o := range os {
				got = append(got, o.Code)
			}
			if want := []string{"349901", "349901099", "349901100"}; !slices.Equal(got, want) {
				t.Errorf("Orgs codes = %v, want %v", got, want)
			}
		})
	})
}

func fmtPtr(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()

		t.Run("count is zero on a fresh database", func(t *testing.T) {
			got, err := st.CountUsers(ctx)
			if err != nil {
				t.Fatalf("CountUsers: %v", err)
			}
			if got != 0 {
				t.Errorf("CountUsers = %d, want 0", got)
			}
		})

		county := mustOrg(t, st, "349901", "示范县", mzflow.LevelCounty, nil)
		town := mustOrg(t, st, "349901100", "云岭镇", mzflow.LevelTownship, &county.ID)
		// Created in this order; Users lists by ID, so in this order too.
		created := []*store.User{
			mustUser(t, st, "zeta", "周明", mzflow.RoleSupervisor, county.ID),
			mustUser(t, st, "clerk_yl", "王芳", mzflow.RoleTownshipClerk, town.ID),
			mustUser(t, st, "admin", "系统管理员", mzflow.RoleAdmin, county.ID),
		}

		t.Run("found by username and ID with org", func(t *testing.T) {
			for _, want := range created {
				byName, err := st.UserByUsername(ctx, want.Username)
				if err != nil {
					t.Fatalf("UserByUsername(%s): %v", want.Username, err)
				}
				byID, err := st.UserByID(ctx, want.ID)
				if err != nil {
					t.Fatalf("UserByID(%d): %v", want.ID, err)
				}
				wantOrg := county
				if want.OrgID == town.ID {
					wantOrg = town
				}
				for how, got := range map[string]*store.User{"UserByUsername": byName, "UserByID": byID} {
					if got.ID != want.ID || got.Username != want.Username || got.Name != want.Name ||
						got.Role != want.Role || got.PasswordHash != want.PasswordHash || !got.Active {
						t.Errorf("%s(%s) = {%d %s %s %s %s active=%v}, want {%d %s %s %s %s active=true}", how, want.Username,
							got.ID, got.Username, got.Name, got.Role, got.PasswordHash, got.Active,
							want.ID, want.Username, want.Name, want.Role, want.PasswordHash)
					}
					if got.Org.ID != wantOrg.ID || got.Org.Code != wantOrg.Code || got.Org.Name != wantOrg.Name {
						t.Errorf("%s(%s).Org = {%d %s %s}, want {%d %s %s}", how, want.Username,
							got.Org.ID, got.Org.Code, got.Org.Name, wantOrg.ID, wantOrg.Code, wantOrg.Name)
					}
				}
			}
		})
		t.Run("duplicate username is conflict", func(t *testing.T) {
			err := st.CreateUser(ctx, &store.User{Username: "clerk_yl", Name: "另一个", PasswordHash: "x",
				Role: mzflow.RoleTownshipClerk, OrgID: town.ID, Active: true})
			wantCode(t, err, mzflow.CodeConflict)
		})
		t.Run("missing user is not found", func(t *testing.T) {
			_, err := st.UserByUsername(ctx, "nobody")
			wantCode(t, err, mzflow.CodeNotFound)
			_, err = st.UserByID(ctx, 987654)
			wantCode(t, err, mzflow.CodeNotFound)
		})
		t.Run("listed in creation order with orgs", func(t *testing.T) {
			us, err := st.Users(ctx)
			if err != nil {
				t.Fatalf("Users: %v", err)
			}
			var got, want []string
			for _, u := range us {
				got = append(got, u.Username+"@"+u.Org.Code)
			}
			for _, u := range created {
				code := county.Code
				if u.OrgID == town.ID {
					code = town.Code
				}
				want = append(want, u.Username+"@"+code)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Users = %v, want %v", got, want)
			}
		})
		t.Run("count is the number created", func(t *testing.T) {
			got, err := st.CountUsers(ctx)
			if err != nil {
				t.Fatalf("CountUsers: %v", err)
			}
			if want := int64(len(created)); got != want {
				t.Errorf("CountUsers = %d, want %d", got, want)
			}
		})
	})
}

func TestChineseNamesRoundTrip(t *testing.T) {
	// 𠮷 (U+20BB7) and 𪚥 (U+2A6A5) are outside the BMP: four bytes in UTF-8, which MySQL's
	// three-byte "utf8" would reject or mangle; utf8mb4 keeps them.
	tests := []struct{ code, org, username, user string }{
		{"349901", "示范县", "u1", "王芳"},
		{"349901100", "云岭镇（试点）", "u2", "𠮷田·欧阳娜娜"},
		{"349901101", "𪚥河山镇", "u3", "䶮·李"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		for _, tt := range tests {
			t.Run(tt.user+" unchanged", func(t *testing.T) {
				o := mustOrg(t, st, tt.code, tt.org, mzflow.LevelTownship, nil)
				mustUser(t, st, tt.username, tt.user, mzflow.RoleTownshipClerk, o.ID)
				gotOrg, err := st.OrgByCode(ctx, tt.code)
				if err != nil {
					t.Fatalf("OrgByCode: %v", err)
				}
				if gotOrg.Name != tt.org {
					t.Errorf("org name = %q, want %q", gotOrg.Name, tt.org)
				}
				gotUser, err := st.UserByUsername(ctx, tt.username)
				if err != nil {
					t.Fatalf("UserByUsername: %v", err)
				}
				if gotUser.Name != tt.user || gotUser.Org.Name != tt.org {
					t.Errorf("user = %q of %q, want %q of %q", gotUser.Name, gotUser.Org.Name, tt.user, tt.org)
				}
			})
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		org := mustOrg(t, st, "349901", "示范县", mzflow.LevelCounty, nil)
		u := mustUser(t, st, "admin", "系统管理员", mzflow.RoleAdmin, org.ID)

		// Microsecond precision, given in China Standard Time: read back the same instant in UTC.
		created := time.Date(2026, 3, 14, 9, 26, 53, 589793000, cst)
		sess := &store.Session{TokenHash: hash64("a"), UserID: u.ID, CreatedAt: created,
			LastSeenAt: created, ExpiresAt: created.Add(12 * time.Hour)}
		if err := st.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		other := &store.Session{TokenHash: hash64("b"), UserID: u.ID, CreatedAt: created,
			LastSeenAt: created, ExpiresAt: created.Add(time.Hour)}
		if err := st.CreateSession(ctx, other); err != nil {
			t.Fatalf("CreateSession(other): %v", err)
		}

		t.Run("found by token hash with UTC times", func(t *testing.T) {
			got, err := st.SessionByTokenHash(ctx, sess.TokenHash)
			if err != nil {
				t.Fatalf("SessionByTokenHash: %v", err)
			}
			if got.ID != sess.ID || got.UserID != u.ID || got.TokenHash != sess.TokenHash {
				t.Errorf("session = {%d user %d %s}, want {%d user %d %s}", got.ID, got.UserID, got.TokenHash, sess.ID, u.ID, sess.TokenHash)
			}
			sameInstantUTC(t, "CreatedAt", got.CreatedAt, created)
			sameInstantUTC(t, "LastSeenAt", got.LastSeenAt, created)
			sameInstantUTC(t, "ExpiresAt", got.ExpiresAt, created.Add(12*time.Hour))
			if got.RevokedAt != nil {
				t.Errorf("RevokedAt = %v, want nil", *got.RevokedAt)
			}
		})
		t.Run("duplicate token hash is conflict", func(t *testing.T) {
			err := st.CreateSession(ctx, &store.Session{TokenHash: sess.TokenHash, UserID: u.ID,
				CreatedAt: created, LastSeenAt: created, ExpiresAt: created})
			wantCode(t, err, mzflow.CodeConflict)
		})
		t.Run("unknown token hash is not found", func(t *testing.T) {
			_, err := st.SessionByTokenHash(ctx, hash64("nope"))
			wantCode(t, err, mzflow.CodeNotFound)
		})
		t.Run("touch moves last seen only", func(t *testing.T) {
			seen := created.Add(17*time.Minute + 123456*time.Microsecond)
			if err := st.TouchSession(ctx, sess.ID, seen); err != nil {
				t.Fatalf("TouchSession: %v", err)
			}
			got, err := st.SessionByTokenHash(ctx, sess.TokenHash)
			if err != nil {
				t.Fatalf("SessionByTokenHash: %v", err)
			}
			sameInstantUTC(t, "LastSeenAt", got.LastSeenAt, seen)
			sameInstantUTC(t, "CreatedAt", got.CreatedAt, created)
			sameInstantUTC(t, "ExpiresAt", got.ExpiresAt, created.Add(12*time.Hour))
		})
		t.Run("revoked is not found and revoking twice is harmless", func(t *testing.T) {
			revoked := created.Add(time.Hour + time.Microsecond)
			for i := 1; i <= 2; i++ {
				if err := st.RevokeSession(ctx, sess.ID, revoked.Add(time.Duration(i)*time.Minute)); err != nil {
					t.Fatalf("RevokeSession #%d: %v", i, err)
				}
				_, err := st.SessionByTokenHash(ctx, sess.TokenHash)
				wantCode(t, err, mzflow.CodeNotFound)
			}
			// The other session of the same user is untouched.
			got, err := st.SessionByTokenHash(ctx, other.TokenHash)
			if err != nil {
				t.Fatalf("SessionByTokenHash(other) after revoking the first: %v", err)
			}
			if got.ID != other.ID || got.RevokedAt != nil {
				t.Errorf("other session = {%d revoked %v}, want {%d revoked nil}", got.ID, got.RevokedAt, other.ID)
			}
		})
		t.Run("revoking an unknown session is harmless", func(t *testing.T) {
			if err := st.RevokeSession(ctx, 987654, created); err != nil {
				t.Errorf("RevokeSession(unknown) = %v, want nil", err)
			}
		})
	})
}

// hash64 makes a 64-character token hash.
func hash64(s string) string {
	return fmt.Sprintf("%064x", []byte(s))
}

func TestLoginThrottle(t *testing.T) {
	const (
		window = 15 * time.Minute
		max    = 3
		lock   = 30 * time.Minute
	)
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 123456000, cst)
	type step struct {
		name         string
		at           time.Time
		wantFailures int
		wantStart    time.Time
		wantLocked   time.Time // zero: not locked
	}
	steps := []step{
		{"first failure counts one", t0, 1, t0, time.Time{}},
		{"second within the window counts two", t0.Add(5 * time.Minute), 2, t0, time.Time{}},
		{"max-th failure locks", t0.Add(10 * time.Minute), 3, t0, t0.Add(10*time.Minute + lock)},
		{"beyond max stays locked from now", t0.Add(11 * time.Minute), 4, t0, t0.Add(11*time.Minute + lock)},
		{"after the window the count restarts unlocked", t0.Add(11*time.Minute + window + time.Second), 1, t0.Add(11*time.Minute + window + time.Second), time.Time{}},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		t.Run("unknown name has a zero state", func(t *testing.T) {
			got, err := st.LoginThrottle(ctx, "alice")
			if err != nil {
				t.Fatalf("LoginThrottle: %v", err)
			}
			if got.Key != "" || got.Failures != 0 || got.LockedUntil != nil {
				t.Errorf("LoginThrottle = %+v, want the zero value", got)
			}
		})
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				got, err := st.RecordLoginFailure(ctx, "alice", s.at, window, max, lock)
				if err != nil {
					t.Fatalf("RecordLoginFailure: %v", err)
				}
				stored, err := st.LoginThrottle(ctx, "alice")
				if err != nil {
					t.Fatalf("LoginThrottle: %v", err)
				}
				for how, got := range map[string]store.LoginThrottle{"returned": got, "stored": stored} {
					if got.Key != "alice" || got.Failures != s.wantFailures {
						t.Errorf("%s = {%s %d failures}, want {alice %d failures}", how, got.Key, got.Failures, s.wantFailures)
					}
					sameInstantUTC(t, how+" WindowStart", got.WindowStart, s.wantStart)
					switch {
					case s.wantLocked.IsZero() && got.LockedUntil != nil:
						t.Errorf("%s LockedUntil = %v, want nil", how, *got.LockedUntil)
					case !s.wantLocked.IsZero() && got.LockedUntil == nil:
						t.Errorf("%s LockedUntil = nil, want %v", how, s.wantLocked)
					case !s.wantLocked.IsZero():
						sameInstantUTC(t, how+" LockedUntil", *got.LockedUntil, s.wantLocked)
					}
				}
			})
		}
		t.Run("names are counted separately", func(t *testing.T) {
			got, err := st.RecordLoginFailure(ctx, "bob", t0, window, max, lock)
			if err != nil {
				t.Fatalf("RecordLoginFailure(bob): %v", err)
			}
			if got.Failures != 1 {
				t.Errorf("bob failures = %d, want 1", got.Failures)
			}
		})
		t.Run("clear forgets the name only", func(t *testing.T) {
			if err := st.ClearLoginFailures(ctx, "alice"); err != nil {
				t.Fatalf("ClearLoginFailures: %v", err)
			}
			if err := st.ClearLoginFailures(ctx, "alice"); err != nil {
				t.Fatalf("ClearLoginFailures twice: %v", err)
			}
			alice, err := st.LoginThrottle(ctx, "alice")
			if err != nil {
				t.Fatalf("LoginThrottle(alice): %v", err)
			}
			if alice.Key != "" || alice.Failures != 0 || alice.LockedUntil != nil {
				t.Errorf("alice after clear = %+v, want the zero value", alice)
			}
			bob, err := st.LoginThrottle(ctx, "bob")
			if err != nil {
				t.Fatalf("LoginThrottle(bob): %v", err)
			}
			if bob.Failures != 1 {
				t.Errorf("bob failures after clearing alice = %d, want 1", bob.Failures)
			}
		})
	})
}

func TestCalendarYears(t *testing.T) {
	at := time.Date(2025, 11, 4, 10, 0, 0, 250000000, cst)
	type save struct {
		year               int
		holidays, workdays []string
		by                 int64
	}
	saves := []save{
		{2026, []string{"2026-01-01"}, []string{"2026-01-04"}, 1},
		{2025, []string{"2025-10-01", "2025-10-02"}, nil, 1},
		// Replaces the first 2026: the lists are not merged.
		{2026, []string{"2026-02-17", "2026-02-18"}, []string{"2026-02-14"}, 2},
	}
	want := []struct {
		year               int
		holidays, workdays []string
		by                 int64
	}{
		{2025, []string{"2025-10-01", "2025-10-02"}, []string{}, 1},
		{2026, []string{"2026-02-17", "2026-02-18"}, []string{"2026-02-14"}, 2},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		t.Run("none on a fresh database", func(t *testing.T) {
			got, err := st.CalendarYears(ctx)
			if err != nil {
				t.Fatalf("CalendarYears: %v", err)
			}
			if len(got) != 0 {
				t.Errorf("CalendarYears = %d years, want 0", len(got))
			}
		})
		for i, s := range saves {
			if err := st.SaveCalendarYear(ctx, s.year, s.holidays, s.workdays, s.by, at.Add(time.Duration(i)*time.Hour)); err != nil {
				t.Fatalf("SaveCalendarYear(%d) #%d: %v", s.year, i, err)
			}
		}
		t.Run("upsert replaces and years are ordered", func(t *testing.T) {
			got, err := st.CalendarYears(ctx)
			if err != nil {
				t.Fatalf("CalendarYears: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("CalendarYears = %d years, want %d", len(got), len(want))
			}
			for i, w := range want {
				g := got[i]
				h, wd, err := g.Dates()
				if err != nil {
					t.Fatalf("year %d Dates: %v", g.Year, err)
				}
				if g.Year != w.year || !slices.Equal(h, w.holidays) || !slices.Equal(wd, w.workdays) {
					t.Errorf("year #%d = %d %v %v, want %d %v %v", i, g.Year, h, wd, w.year, w.holidays, w.workdays)
				}
				if wd == nil || h == nil {
					t.Errorf("year %d Dates = %#v, %#v, want non-nil lists", g.Year, h, wd)
				}
				if g.UpdatedBy == nil || *g.UpdatedBy != w.by {
					t.Errorf("year %d UpdatedBy = %s, want %d", g.Year, fmtPtr(g.UpdatedBy), w.by)
				}
			}
			// The 2026 row is the third save, an hour after the second.
			sameInstantUTC(t, "2026 UpdatedAt", got[1].UpdatedAt, at.Add(2*time.Hour))
		})
	})
}

func TestCalendarYearDatesRejectsBadJSON(t *testing.T) {
	tests := []struct {
		name string
		y    store.CalendarYear
	}{
		{"bad holidays is an error", store.CalendarYear{Holidays: "{", Workdays: "[]"}},
		{"bad workdays is an error", store.CalendarYear{Holidays: "[]", Workdays: "nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := tt.y.Dates(); err == nil {
				t.Errorf("Dates() error = nil, want an error")
			}
		})
	}
}
