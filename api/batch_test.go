package api

import (
	"context"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// busyServer refuses the first starts as a server at its persistence rate limit does.
type busyServer struct {
	refuse []codes.Code
	jobs   []string
}

func (s *busyServer) StartBatchOperation(_ context.Context, in *workflowservice.StartBatchOperationRequest, _ ...grpc.CallOption) (*workflowservice.StartBatchOperationResponse, error) {
	s.jobs = append(s.jobs, in.JobId)
	if len(s.refuse) > 0 {
		c := s.refuse[0]
		s.refuse = s.refuse[1:]
		return nil, status.Error(c, "System Persistence Max QPS Reached.")
	}
	return &workflowservice.StartBatchOperationResponse{}, nil
}

// A calendar save right after a burst of work (the server's persistence limit) still
// starts its batch: the start is retried under the same job ID. A refusal that is not
// momentary is answered at once.
func TestBatchTellerRetriesABusyServer(t *testing.T) {
	busy := &busyServer{refuse: []codes.Code{codes.ResourceExhausted, codes.Unavailable}}
	teller := &BatchTeller{Service: busy, Payloads: converter.GetDefaultDataConverter(), Namespace: "default"}
	job, err := teller.StartCalendarChange(context.Background(), 2027)
	if err != nil || len(busy.jobs) != 3 || busy.jobs[0] != job || busy.jobs[2] != job {
		t.Errorf("job %q, err %v, starts %v: want started on the third try under one job ID", job, err, busy.jobs)
	}
	bad := &busyServer{refuse: []codes.Code{codes.InvalidArgument}}
	teller.Service = bad
	if _, err := teller.StartCalendarChange(context.Background(), 2027); err == nil || len(bad.jobs) != 1 {
		t.Errorf("invalid start: err %v after %d tries, want an error at once", err, len(bad.jobs))
	}
}
