package api

import (
	"context"
	"fmt"
	"time"

	batchpb "go.temporal.io/api/batch/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"

	"github.com/mzflow/mzflow/workflows"
)

// Teller tells every open case that a year's holidays changed. StartCalendarChange
// returns once Temporal holds the job: the job outlives this process and reaches a
// case whose worker is down, as a signal in its history.
type Teller interface {
	StartCalendarChange(ctx context.Context, year int) (jobID string, err error)
}

// BatchStarter is the part of Temporal's workflow service a Teller uses (the SDK
// client's WorkflowService() fits).
type BatchStarter interface {
	StartBatchOperation(ctx context.Context, in *workflowservice.StartBatchOperationRequest, opts ...grpc.CallOption) (*workflowservice.StartBatchOperationResponse, error)
}

// BatchTeller tells open cases with one Temporal batch operation: the server signals
// every running workflow on mzflow's task queue (a visibility query), retrying on its
// own, so the administrator's save never waits for thousands of cases.
type BatchTeller struct {
	Service   BatchStarter
	Payloads  converter.DataConverter // the workers' codec: signal inputs are encrypted like every payload
	Namespace string
}

// StartCalendarChange implements Teller.
func (b *BatchTeller) StartCalendarChange(ctx context.Context, year int) (string, error) {
	input, err := b.Payloads.ToPayloads(workflows.CalendarChange{Year: year})
	if err != nil {
		return "", err
	}
	job := fmt.Sprintf("calendar-%d-%d", year, time.Now().UnixNano())
	_, err = b.Service.StartBatchOperation(ctx, &workflowservice.StartBatchOperationRequest{
		Namespace: b.Namespace, JobId: job,
		VisibilityQuery: fmt.Sprintf("TaskQueue = '%s' AND ExecutionStatus = 'Running'", workflows.TaskQueue),
		Reason:          fmt.Sprintf("%d 年节假日安排调整，重新计算期限", year),
		Operation: &workflowservice.StartBatchOperationRequest_SignalOperation{SignalOperation: &batchpb.BatchOperationSignal{
			Signal: workflows.SignalCalendarChanged, Input: input, Identity: "mzflow-api"}},
	})
	return job, temporalError(err)
}
