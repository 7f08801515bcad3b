package api

import (
	"context"
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow"
)

// TestTemporalTimeoutIs503: a decision that outlives its wait answers 503 (retry with the
// same Idempotency-Key), never 500.
func TestTemporalTimeoutIs503(t *testing.T) {
	for _, err := range []error{
		&client.WorkflowUpdateServiceTimeoutOrCanceledError{},
		serviceerror.NewDeadlineExceeded("deadline"),
		fmt.Errorf("update: %w", context.DeadlineExceeded),
		serviceerror.NewUnavailable("down"),
	} {
		if got := mzflow.ErrorCode(temporalError(err)); got != mzflow.CodeUnavailable {
			t.Errorf("TemporalError(%T) = %s, want %s", err, got, mzflow.CodeUnavailable)
		}
	}
}
