package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
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

// TestUpdateSlots: at most maxUpdatesInFlight updates of one workflow at a time; the
// next waits for one to finish, and past the wait is told case_busy (429, Retry-After),
// while other workflows go on.
func TestUpdateSlots(t *testing.T) {
	s := &updateSlots{wait: 50 * time.Millisecond}
	ctx := context.Background()
	var held []func()
	for i := range maxUpdatesInFlight {
		release, err := s.acquire(ctx, "wf-1")
		if err != nil {
			t.Fatalf("acquire %d: %v", i, err)
		}
		held = append(held, release)
	}
	if _, err := s.acquire(ctx, "wf-1"); mzflow.ErrorCode(err) != mzflow.CodeCaseBusy {
		t.Fatalf("acquire past the bound = %v, want %s", err, mzflow.CodeCaseBusy)
	}
	other, err := s.acquire(ctx, "wf-2")
	if err != nil {
		t.Fatalf("another workflow: %v", err)
	}
	other()
	got := make(chan error, 1)
	go func() {
		release, err := s.acquire(ctx, "wf-1")
		if err == nil {
			release()
		}
		got <- err
	}()
	held[0]() // a slot frees up while the request waits
	if err := <-got; err != nil {
		t.Errorf("acquire after a release = %v, want a slot", err)
	}
	for _, release := range held[1:] {
		release()
	}
	if n := len(s.slots); n != 0 {
		t.Errorf("%d workflows still have slot entries after every release, want 0", n)
	}

	r := gin.New()
	r.Use(renderErrors(slog.New(slog.NewTextHandler(io.Discard, nil))))
	r.GET("/", func(c *gin.Context) {
		fail(c, temporalError(serviceerror.NewResourceExhausted(0, "limit on number of concurrent in-flight updates")))
	})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"case_busy"`) {
		t.Errorf("server's in-flight limit = %d %q Retry-After %q, want 429 case_busy with Retry-After", w.Code, w.Body.String(), w.Header().Get("Retry-After"))
	}
}
