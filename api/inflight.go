package api

import (
	"context"
	"sync"
	"time"

	"github.com/mzflow/mzflow"
)

// maxUpdatesInFlight bounds the updates one API process has in flight per workflow.
// Temporal's history service admits at most history.maxInFlightUpdates (10 by default)
// per workflow; one more is refused with ResourceExhausted, and refusing it clears the
// workflow's cached state, which aborts the other updates waiting and the workflow task
// that was running them (the burst of issue 10). The SDK retries the refusal, so it never
// ends. Kept at 4, two API processes stay under the server's default; a deployment with
// more raises the server's limit to at least 4 per API process (README).
const maxUpdatesInFlight = 4

// slotWait is how long a request waits for one of its workflow's slots before it is
// told to come back: refusals by a validator take milliseconds, so a burst of twenty
// conflicting decisions all get their answer within it.
const slotWait = 10 * time.Second

// updateSlots hands out the per-workflow slots; the zero value is ready.
type updateSlots struct {
	wait  time.Duration // how long a request waits for a slot; 0 is slotWait
	mu    sync.Mutex
	slots map[string]*slot
}

type slot struct {
	ch    chan struct{} // one element per update in flight
	users int           // requests holding or waiting for a slot: the entry goes at 0
}

// acquire waits for a slot of workflowID and returns its release. It fails with
// case_busy (429) when none frees up within slotWait.
func (s *updateSlots) acquire(ctx context.Context, workflowID string) (func(), error) {
	s.mu.Lock()
	if s.slots == nil {
		s.slots = map[string]*slot{}
	}
	sl := s.slots[workflowID]
	if sl == nil {
		sl = &slot{ch: make(chan struct{}, maxUpdatesInFlight)}
		s.slots[workflowID] = sl
	}
	sl.users++
	s.mu.Unlock()
	leave := func() {
		s.mu.Lock()
		if sl.users--; sl.users == 0 {
			delete(s.slots, workflowID)
		}
		s.mu.Unlock()
	}
	wait := s.wait
	if wait == 0 {
		wait = slotWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case sl.ch <- struct{}{}:
		return func() { <-sl.ch; leave() }, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	leave()
	return nil, mzflow.Errorf(mzflow.CodeCaseBusy, "该申请正在处理其他操作，请稍后重试")
}
