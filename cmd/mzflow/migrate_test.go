package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// TestMigrateInitCounty: `mzflow migrate --county …` gives a fresh production database its
// county and administrator once; later runs change nothing, and bad input changes nothing.
func TestMigrateInitCounty(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "m.db") }},
		{"mysql", func(t *testing.T) string { return storetest.MySQLDSN(t) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			if _, err := runCLI(t, "migrate", "--db", dsn, "--county", "34990", "--county-name", "示范县"); err == nil ||
				!strings.Contains(err.Error(), "6 digits") {
				t.Fatalf("a 5-digit county = %v, want an error naming the 6 digits", err)
			}
			out, err := runCLI(t, "migrate", "--db", dsn, "--county", "349901", "--county-name", "示范县")
			if err != nil || !strings.Contains(out, "created with administrator admin, password ") {
				t.Fatalf("first migrate = %v\n%s", err, out)
			}
			password := strings.Fields(out[strings.Index(out, "password ")+len("password "):])[0]
			out, err = runCLI(t, "migrate", "--db", dsn, "--county", "349901", "--county-name", "另一个县", "--admin-password", "Another-Pass-2026")
			if err != nil || !strings.Contains(out, "nothing changed") {
				t.Fatalf("second migrate = %v\n%s", err, out)
			}

			st, err := store.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			u, err := st.UserByUsername(context.Background(), "admin")
			if err != nil {
				t.Fatal(err)
			}
			if u.Role != mzflow.RoleAdmin || u.Org.Code != "349901" || u.Org.Name != "示范县" || u.Org.Level != mzflow.LevelCounty {
				t.Errorf("admin = %+v in %+v, want the administrator of 349901 示范县", u, u.Org)
			}
			if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
				t.Errorf("the printed password %q does not sign in as admin", password)
			}
			if code, err := countyCode(context.Background(), st); err != nil || code != "349901" {
				t.Errorf("countyCode = %q, %v; want 349901 (mzflow api can start)", code, err)
			}
		})
	}
}
