package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/worker"
)

// TestKillDuringBurst fires ten conflicting decisions at a case's intake (five clerk_yl
// accepting, five clerk_yl_b returning) and kills mzflow dev 30–150 ms later, five
// rounds. Whatever the killed process had written, after the restart the read model must
// come to say what the workflow decided, field by field, and the case must be workable:
// its open task decidable, no task the workflow never opened in an inbox.
func TestKillDuringBurst(t *testing.T) {
	skipShortOutsideCI(t, "builds and restarts the real binary several times")
	h := newCrashHarness(t)
	admin := login(t, h.url, "admin")
	tokens := map[string]string{"clerk_yl": login(t, h.url, "clerk_yl"), "clerk_yl_b": newSecondClerk(t, h.url, admin)}
	st := openReadModel(t, "sqlite:"+filepath.Join(h.data, "mzflow.db"), h.data)
	keys, err := privacy.LoadKeys("", filepath.Join(h.data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}

	for round := range 5 {
		var cv crashCase
		h.mustDo("POST", "/api/v1/cases", tokens["clerk_yl"], map[string]any{"program": "dibao", "township_code": "349901100",
			"applicant": map[string]any{"name": fmt.Sprint("断电", round), "id_number": faultIDNumber(400 + round)}}, &cv, http.StatusCreated)
		intake, _ := cv.firstOpenTask()

		codes, outcomes := make([]int, 10), make([]string, 10)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 10 {
			user, body := "clerk_yl", map[string]any{"outcome": "complete", "comment": fmt.Sprintf("受理#%d", i)}
			if i%2 == 1 {
				user, body = "clerk_yl_b", map[string]any{"outcome": "return", "comment": fmt.Sprintf("退回#%d", i),
					"data": map[string]any{"missing_items": []string{"户口簿"}}}
			}
			outcomes[i] = body["outcome"].(string)
			wg.Go(func() {
				<-start
				codes[i], _, _ = request(context.Background(), crashClient, "POST", h.url+"/api/v1/tasks/"+intake.ID+"/decide", tokens[user], "", body, nil)
			})
		}
		close(start)
		time.Sleep(time.Duration(30+30*round) * time.Millisecond) // when to pull the plug, not an assertion
		h.kill()
		wg.Wait()
		h.start()

		c, err := client.Dial(client.Options{HostPort: h.temporal, Namespace: "default", DataConverter: keys.DataConverter()})
		if err != nil {
			t.Fatalf("round %d: dial Temporal: %v", round, err)
		}
		// The checker of the restarted process repairs what the killed one left; the
		// bound only keeps a broken run from hanging.
		var diffs []string
		for deadline := time.Now().Add(90 * time.Second); ; {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			snap, err := worker.State(ctx, c, cv.WorkflowID)
			if err == nil {
				diffs = readModelDiff(t, ctx, st, snap)
			}
			cancel()
			if err == nil && len(diffs) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the read model still differs from the workflow 90 s after the restart (query err %v): %v", round, err, diffs)
			}
			time.Sleep(500 * time.Millisecond)
		}
		c.Close()

		// Workable: the case's open task is decided, or its papers come, with a 200.
		cv = h.getCase(cv.ID, tokens["clerk_yl"])
		wins := 0
		for i, code := range codes {
			if code != http.StatusOK {
				continue
			}
			wins++
			// An answered decision is the one the case shows.
			for _, task := range cv.Tasks {
				if task.ID == intake.ID && task.Outcome != outcomes[i] {
					t.Errorf("round %d: decision %d (%s) answered 200, the intake shows %q", round, i, outcomes[i], task.Outcome)
				}
			}
		}
		switch {
		case wins > 1:
			t.Errorf("round %d: %d decisions answered 200 (%v), want at most one", round, wins, codes)
		case cv.Status == "awaiting_materials":
			h.mustDo("POST", "/api/v1/cases/"+cv.ID+"/materials", tokens["clerk_yl"], map[string]any{"reason": "已补齐"}, nil, http.StatusOK)
		default:
			task, ok := cv.firstOpenTask()
			if !ok {
				t.Fatalf("round %d: case %s (%s) has no open task", round, cv.ID, cv.Status)
			}
			var inbox struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			h.mustDo("GET", "/api/v1/tasks?scope=mine&page_size=100", tokens["clerk_yl"], nil, &inbox, http.StatusOK)
			found := false
			for _, it := range inbox.Items {
				found = found || it.ID == task.ID
			}
			if !found {
				t.Errorf("round %d: open task %s (%s) is in no inbox", round, task.ID, task.Step)
			}
			d := crashDecisions[task.Step]
			h.mustDo("POST", "/api/v1/tasks/"+task.ID+"/decide", tokens[d.user], d.body(), nil, http.StatusOK)
		}
		t.Logf("round %d: answers %v, case %s", round, codes, cv.Status)
	}
}
