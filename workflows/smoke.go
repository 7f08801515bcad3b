package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// SmokeWorkflow is the workflow type name of Smoke.
const SmokeWorkflow = "Smoke"

// SmokeInput is Smoke's input.
type SmokeInput = DeadlineInput

// SmokeResult is Smoke's result.
type SmokeResult = DeadlineResult

// Smoke asks the worker's calendar for one deadline. It proves, end to end, that a
// client reaches the server, the worker polls the task queue and activities run: tests
// and operators start it to check a deployment.
func Smoke(ctx workflow.Context, in SmokeInput) (SmokeResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out SmokeResult
	err := workflow.ExecuteActivity(ctx, ActivityDeadline, in).Get(ctx, &out)
	return out, err
}
