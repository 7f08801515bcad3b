package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func TestSeedDemo(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, cst)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()

		seeded, err := st.SeedDemo(ctx, "hash-of-demo", now)
		if err != nil {
			t.Fatalf("SeedDemo: %v", err)
		}
		t.Run("first call seeds", func(t *testing.T) {
			if !seeded {
				t.Errorf("SeedDemo = false, want true on an empty database")
			}
			got, err := st.CountUsers(ctx)
			if err != nil {
				t.Fatalf("CountUsers: %v", err)
			}
			if want := int64(len(store.DemoUsers)); got != want {
				t.Errorf("CountUsers = %d, want %d", got, want)
			}
		})

		orgs, err := st.Orgs(ctx)
		if err != nil {
			t.Fatalf("Orgs: %v", err)
		}
		users, err := st.Users(ctx)
		if err != nil {
			t.Fatalf("Users: %v", err)
		}

		t.Run("orgs form the county tree", func(t *testing.T) {
			byCode := map[string]store.Org{}
			byID := map[int64]store.Org{}
			for _, o := range orgs {
				byCode[o.Code] = o
				byID[o.ID] = o
			}
			county, ok := byCode[store.DemoCounty]
			if !ok {
				t.Fatalf("county %s missing from %d orgs", store.DemoCounty, len(orgs))
			}
			if county.Level != mzflow.LevelCounty || county.ParentID != nil {
				t.Errorf("county = {%s parent %s}, want {county parent nil}", county.Level, fmtPtr(county.ParentID))
			}
			for _, code := range []string{store.DemoYunling, store.DemoHeshan} {
				town, ok := byCode[code]
				if !ok {
					t.Errorf("township %s missing", code)
					continue
				}
				if town.Level != mzflow.LevelTownship || town.ParentID == nil || *town.ParentID != county.ID {
					t.Errorf("township %s = {%s parent %s}, want {township parent %d}", code, town.Level, fmtPtr(town.ParentID), county.ID)
				}
			}
			levels := map[mzflow.OrgLevel]int{}
			for _, o := range orgs {
				levels[o.Level]++
				if o.Level != mzflow.LevelVillage {
					continue
				}
				if o.ParentID == nil {
					t.Errorf("village %s has no parent", o.Code)
					continue
				}
				parent := byID[*o.ParentID]
				if parent.Level != mzflow.LevelTownship || !strings.HasPrefix(o.Code, parent.Code) {
					t.Errorf("village %s parent = %s (%s), want the township whose code prefixes it", o.Code, parent.Code, parent.Level)
				}
			}
			if got, want := levels, map[mzflow.OrgLevel]int{mzflow.LevelCounty: 1, mzflow.LevelTownship: 2, mzflow.LevelVillage: 6}; !mapsEqual(got, want) {
				t.Errorf("orgs per level = %v, want %v", got, want)
			}
		})
		t.Run("users match DemoUsers", func(t *testing.T) {
			if len(users) != len(store.DemoUsers) {
				t.Fatalf("Users = %d, want %d", len(users), len(store.DemoUsers))
			}
			for i, want := range store.DemoUsers {
				got := users[i]
				if got.Username != want.Username || got.Name != want.Name || got.Role != want.Role || got.Org.Code != want.Org {
					t.Errorf("user #%d = {%s %s %s %s}, want {%s %s %s %s}", i,
						got.Username, got.Name, got.Role, got.Org.Code, want.Username, want.Name, want.Role, want.Org)
				}
				if !got.Active || got.PasswordHash != "hash-of-demo" {
					t.Errorf("user %s = {active %v hash %q}, want {active true hash %q}", got.Username, got.Active, got.PasswordHash, "hash-of-demo")
				}
				sameInstantUTC(t, got.Username+" CreatedAt", got.CreatedAt, now)
			}
		})
		t.Run("second call does nothing", func(t *testing.T) {
			again, err := st.SeedDemo(ctx, "another-hash", now.Add(time.Hour))
			if err != nil {
				t.Fatalf("SeedDemo again: %v", err)
			}
			if again {
				t.Errorf("SeedDemo again = true, want false")
			}
			orgs2, err := st.Orgs(ctx)
			if err != nil {
				t.Fatalf("Orgs: %v", err)
			}
			users2, err := st.Users(ctx)
			if err != nil {
				t.Fatalf("Users: %v", err)
			}
			if got, want := orgKeys(orgs2), orgKeys(orgs); !slices.Equal(got, want) {
				t.Errorf("orgs after second SeedDemo = %v, want %v", got, want)
			}
			if got, want := userKeys(users2), userKeys(users); !slices.Equal(got, want) {
				t.Errorf("users after second SeedDemo = %v, want %v", got, want)
			}
		})
	})
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func orgKeys(os []store.Org) []string {
	var ks []string
	for _, o := range os {
		ks = append(ks, o.Code+"#"+fmtPtr(&o.ID)+"<"+fmtPtr(o.ParentID))
	}
	return ks
}

func userKeys(us []store.User) []string {
	var ks []string
	for _, u := range us {
		ks = append(ks, u.Username+"#"+fmtPtr(&u.ID)+"@"+u.Org.Code+":"+u.PasswordHash)
	}
	return ks
}
