package workflows_test

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// Workflow code is deterministic and writes only its own types into histories, so this
// package imports no database, no ORM and no HTTP. The Temporal SDK's workflow package
// itself brings net/http (its gRPC client) and database/sql/driver (google/uuid): those
// are allowed, nothing beyond them.
func TestWorkflowsImportNoStorageOrHTTP(t *testing.T) {
	list := func(pkgs ...string) map[string]bool {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go list %v: %v", pkgs, err)
		}
		m := map[string]bool{}
		for _, p := range strings.Fields(string(out)) {
			m[p] = true
		}
		return m
	}
	ours := list(".")
	sdk := list("go.temporal.io/sdk/workflow", "go.temporal.io/sdk/temporal")
	bad := regexp.MustCompile(`gorm|database/sql|net/http|sqlite|mysql|/store$|/activities$`)
	if len(ours) < len(sdk) {
		t.Fatalf("go list found %d packages for workflows, fewer than the SDK's %d", len(ours), len(sdk))
	}
	for p := range ours {
		if bad.MatchString(p) && !sdk[p] {
			t.Errorf("workflows depends on %s", p)
		}
	}
	for _, p := range []string{"gorm.io/gorm", "database/sql", "github.com/mzflow/mzflow/store", "github.com/mzflow/mzflow/activities"} {
		if ours[p] {
			t.Errorf("workflows depends on %s", p)
		}
	}
}
