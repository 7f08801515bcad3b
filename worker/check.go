package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/workflows"
)

// Reproject makes the read model of one case say what its workflow knows, and returns
// how it differed (nothing: it was right, and nothing is written). A projection runs in
// a local activity, before the server commits its workflow task; when that task fails or
// is discarded (a crash, an aborted update) and no later task of the case projects, the
// rows it wrote would stay. A running workflow is asked to project its whole run again
// (workflows.UpdateReproject), so the repair is ordered with every other projection by
// revision; a finished one cannot change any more, and its answer is written directly.
// When the read model still differs after the workflow projected itself, it holds a
// revision ahead of the workflow's (a Temporal reset, a database restored from another
// copy): then the workflow's answer is written over it.
func Reproject(ctx context.Context, c client.Client, a *activities.Activities, workflowID string) ([]string, error) {
	snap, err := State(ctx, c, workflowID)
	if err != nil {
		return nil, err
	}
	changes, err := a.Diff(ctx, snap)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	desc, err := c.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", workflowID, err)
	}
	if desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return a.Reproject(ctx, snap)
	}
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID,
		UpdateName: workflows.UpdateReproject, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("reproject %s: %w", workflowID, err)
	}
	// The row is read before the workflow is asked again: a decision projected after
	// the answer is newer than it and must not be written over.
	cur, err := a.Store.CaseByID(ctx, snap.CaseID)
	if err != nil {
		return nil, err
	}
	if snap, err = State(ctx, c, workflowID); err != nil {
		return nil, err
	}
	if _, err := a.ReprojectOver(ctx, snap, cur.Revision); err != nil {
		return nil, err
	}
	return changes, nil
}

// State asks a workflow for its case's state (workflows.QueryState).
func State(ctx context.Context, c client.Client, workflowID string) (workflows.ProjectInput, error) {
	var snap workflows.ProjectInput
	v, err := c.QueryWorkflow(ctx, workflowID, "", workflows.QueryState)
	if err == nil {
		err = v.Get(&snap)
	}
	if err != nil {
		return snap, fmt.Errorf("query %s: %w", workflowID, err)
	}
	return snap, nil
}

// Checker checks every case some time after it was projected, with Reproject: what an
// uncommitted workflow task wrote is replaced within Settle+Every of the write, also
// when the process that wrote it was killed (the next worker to start checks the
// Lookback before it).
type Checker struct {
	Client   client.Client
	Acts     *activities.Activities
	Store    *store.Store
	Log      *slog.Logger
	Now      func() time.Time
	Every    time.Duration // how often it looks for cases projected since its last look
	Settle   time.Duration // how old a projection must be: its workflow task has ended by then
	Lookback time.Duration // how far back the first look goes
}

// Run checks until ctx ends.
func (k *Checker) Run(ctx context.Context) {
	at, id := k.Now().Add(-k.Lookback), ""
	for {
		until, listed := k.Now().Add(-k.Settle), true
		for ctx.Err() == nil {
			refs, err := k.Store.ProjectedAfter(ctx, at, id, until, 200)
			if err != nil {
				k.Log.Warn("read-model check: list cases", "err", err)
				listed = false // look again from here next time
				break
			}
			for _, ref := range refs {
				k.check(ctx, ref)
				at, id = ref.UpdatedAt, ref.ID
			}
			if len(refs) < 200 {
				break
			}
		}
		if listed && ctx.Err() == nil && at.Before(until) {
			at, id = until, ""
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(k.Every):
		}
	}
}

func (k *Checker) check(ctx context.Context, ref store.CaseRef) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	changes, err := Reproject(ctx, k.Client, k.Acts, ref.WorkflowID)
	if err != nil {
		if ctx.Err() == nil {
			k.Log.Warn("read-model check", "case_id", ref.ID, "err", err)
		}
		return
	}
	if len(changes) > 0 {
		// Row descriptions name steps, statuses and user IDs, never a person.
		k.Log.Warn("read model differed from the workflow: reprojected", "case_id", ref.ID, "changes", changes)
	}
}

// Start runs the checker in the background until ctx ends or the returned stop is
// called; stop waits for it.
func (k *Checker) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		k.Run(ctx)
	}()
	return func() { cancel(); <-done }
}
