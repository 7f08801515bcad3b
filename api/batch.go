package api

import (
	"context"
	"fmt"
	"time"

	batchpb "go.temporal.io/api/batch/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
	req := &workflowservice.StartBatchOperationRequest{
		Namespace: b.Namespace, JobId: job,
		VisibilityQuery: fmt.Sprintf("TaskQueue = '%s' AND ExecutionStatus = 'Running'", workflows.TaskQueue),
		Reason:          fmt.Sprintf("%d 年节假日安排调整，重新计算期限", year),
		Operation: &workflowservice.StartBatchOperationRequest_SignalOperation{SignalOperation: &batchpb.BatchOperationSignal{
			Signal: workflows.SignalCalendarChanged, Input: input, Identity: "mzflow-api"}},
	}
	// A server busy for a moment (its persistence rate limit, right after a burst of
	// work) refuses the start; the save retries it for a few seconds under the same job
	// ID before answering 503. A retry of a start that did reach the server finds the job.
	backoff := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		_, err = b.Service.StartBatchOperation(ctx, req)
		if status.Code(err) == codes.AlreadyExists && attempt > 1 {
			return job, nil
		}
		if c := status.Code(err); (c != codes.ResourceExhausted && c != codes.Unavailable) || attempt == 6 {
			return job, temporalError(err)
		}
		select {
		case <-ctx.Done():
			return job, temporalError(err)
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}
