package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// cst is China Standard Time: callers may pass local times, the store keeps UTC.
var cst = time.FixedZone("CST", 8*3600)

func TestMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		t.Run("second run is a no-op at version 8", func(t *testing.T) {
			for run := 2; run <= 3; run++ {
				got, err := st.Migrate(ctx)
				if err != nil {
					t.Fatalf("Migrate run %d: %v", run, err)
				}
				if want := int64(8); got != want {
					t.Errorf("Migrate run %d = version %d, want %d", run, got, want)
				}
			}
		})
		t.Run("schema version is 8", func(t *testing.T) {
			got, err := st.SchemaVersion(ctx)
			if err != nil {
				t.Fatalf("SchemaVersion: %v", err)
			}
			if want := int64(8); got != want {
				t.Errorf("SchemaVersion = %d, want %d", got, want)
			}
		})
		t.Run("dialect matches and ping answers", func(t *testing.T) {
			// t.Name() is TestMigrate/<dialect>/<this subtest>.
			if got := st.Dialect(); !strings.Contains(t.Name(), "/"+got+"/") {
				t.Errorf("Dialect = %q, want the dialect in %s", got, t.Name())
			}
			if err := st.Ping(ctx); err != nil {
				t.Errorf("Ping: %v", err)
			}
		})
	})
}

func TestOpenRejectsBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "nocolon", "postgres:host=x", "mysql:not a dsn((("} {
		t.Run(fmt.Sprintf("%q is an error", dsn), func(t *testing.T) {
			st, err := store.Open(dsn)
			if err == nil {
				st.Close()
				t.Fatalf("Open(%q) = nil error, want an error", dsn)
			}
		})
	}
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, want mzflow.Code) {
	t.Helper()
	if got := mzflow.ErrorCode(err); got != want {
		t.Errorf("error code = %q (err %v), want %q", got, err, want)
	}
}

// mustOrg creates an organisation or fails the test.
func mustOrg(t *testing.T, st *store.Store, code, name string, level mzflow.OrgLevel, parent *int64) *store.Org {
	t.Helper()
	o := &store.Org{Code: code, Name: name, Level: level, ParentID: parent}
	if err := st.CreateOrg(context.Background(), o); err != nil {
		t.Fatalf("CreateOrg(%s): %v", code, err)
	}
	return o
}

// mustUser creates a user or fails the test.
func mustUser(t *testing.T, st *store.Store, username, name string, role mzflow.Role, orgID int64) *store.User {
	t.Helper()
	u := &store.User{Username: username, Name: name, PasswordHash: "hash-" + username, Role: role, OrgID: orgID, Active: true}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", username, err)
	}
	return u
}

// sameInstantUTC reports a time that is not want or not in UTC.
func sameInstantUTC(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", what, got.Location())
	}
}
