package api

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/workflows"
)

// Workflows is what the API asks of Temporal: start a case, send it an update, signal
// it. The SDK client satisfies it.
type Workflows interface {
	NewWithStartWorkflowOperation(options client.StartWorkflowOptions, workflow interface{}, args ...interface{}) client.WithStartWorkflowOperation
	UpdateWithStartWorkflow(ctx context.Context, options client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error)
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
	SignalWorkflow(ctx context.Context, workflowID string, runID string, signalName string, arg interface{}) error
}

// updateTimeout bounds how long a person waits for a decision to be applied; past it the
// API answers 503 and the client may retry with the same Idempotency-Key.
const updateTimeout = 30 * time.Second

// update sends an update to a case's workflow and waits for its result, holding one of
// the workflow's update slots meanwhile. Refusals by the workflow's validators come back
// as *mzflow.Error with the validator's code; case_busy when no slot frees up.
func update(ctx context.Context, wf Workflows, slots *updateSlots, workflowID, name, updateID string, arg any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	release, err := slots.acquire(ctx, workflowID)
	if err != nil {
		return err
	}
	defer release()
	h, err := wf.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, UpdateID: updateID,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, out)
	}
	return temporalError(err)
}

// startCase starts a case's workflow, or finds the one running under its ID (the
// person's open case of that program), and waits for its first projection: one
// update-with-start. res names the case the running workflow is.
func startCase(ctx context.Context, wf Workflows, slots *updateSlots, start workflows.CaseStart, in workflows.CaseInput, res *workflows.UpdateResult) error {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	release, err := slots.acquire(ctx, start.ID)
	if err != nil {
		return err
	}
	defer release()
	op := wf.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: start.ID, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, start.Workflow, in)
	h, err := wf.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateSync, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err == nil {
		err = h.Get(ctx, res)
	}
	return temporalError(err)
}

// temporalError translates Temporal's errors to the project's, in one place: validator
// refusals keep their code; a finished workflow is conflict; a duplicate start is
// duplicate_active_case; time-outs and an unreachable server are unavailable (503).
func temporalError(err error) error {
	if err == nil {
		return nil
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() != "" {
		e := &mzflow.Error{Code: mzflow.Code(app.Type()), Message: app.Message(), Err: err}
		// A refusal of one field carries {field: message} (workflows.refuseField).
		var details map[string]any
		if app.HasDetails() && app.Details(&details) == nil && len(details) > 0 {
			e.Details = details
		}
		return e
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return &mzflow.Error{Code: mzflow.CodeConflict, Message: "该申请已办结，不能再办理", Err: err}
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return &mzflow.Error{Code: mzflow.CodeDuplicateCase, Message: "此人已有同类在办申请", Err: err}
	}
	// A decision that outlived updateTimeout may still be applied later: 503 tells the
	// client to retry with the same Idempotency-Key, which returns the first result.
	var updTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var deadline *serviceerror.DeadlineExceeded
	if errors.As(err, &updTimeout) || errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &mzflow.Error{Code: mzflow.CodeUnavailable, Message: "流程引擎繁忙或不可用，请稍后重试", Err: err}
	}
	// The server's in-flight limit (history.maxInFlightUpdates) reached despite the
	// slots: more API processes than the limit allows for.
	var exhausted *serviceerror.ResourceExhausted
	if errors.As(err, &exhausted) {
		return &mzflow.Error{Code: mzflow.CodeCaseBusy, Message: "该申请正在处理其他操作，请稍后重试", Err: err}
	}
	var unavail *serviceerror.Unavailable
	if errors.As(err, &unavail) {
		return &mzflow.Error{Code: mzflow.CodeUnavailable, Message: "流程引擎不可用，请稍后重试", Err: err}
	}
	return err
}
