package workflows_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/workflows"
)

// TestReplay replays every recorded history in testdata against today's workflow code.
// A change that alters the commands a recorded case produced fails here; such a change
// belongs behind workflow.GetVersion. Re-record with MZFLOW_RECORD=1 go test -run
// TestRecordHistories ./cmd/mzflow/ (histories are encrypted with testdata/replay.key,
// a key used for nothing else).
func TestReplay(t *testing.T) {
	raw, err := os.ReadFile("testdata/replay.key")
	if err != nil {
		t.Fatal(err)
	}
	master, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := privacy.NewKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) < 21 {
		t.Fatalf("found %d recorded histories in testdata, want the 21 recorded so far", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: keys.DataConverter()})
			if err != nil {
				t.Fatal(err)
			}
			r.RegisterWorkflowWithOptions(workflows.Assistance, workflow.RegisterOptions{Name: workflows.AssistanceWorkflow})
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Errorf("replay %s: %v", f, err)
			}
		})
	}
}
