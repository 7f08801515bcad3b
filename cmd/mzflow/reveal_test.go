package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A reveal of a full ID number needs a reason, is capped per user per day (the rules'
// security.reveal_daily_cap, 20 by default: the tester's 55 reveals in a row were all
// answered), tells the security administrators when the cap is reached, and on a closed
// case is still written into the case's timeline, the legal record.
func TestRevealReasonCapAndTimeline(t *testing.T) {
	s := startDevWith(t, e2eConfig(t))
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
	var a caseView
	file := map[string]any{"program": "dibao", "township_code": "349901100",
		"applicant": map[string]any{"name": "查看测试", "id_number": "110105199001010045"}}
	if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), file, &a); code != 201 {
		t.Fatalf("file = %d %+v", code, a.Error)
	}
	url := e.base + "/api/v1/cases/" + a.ID + "/reveal"
	type revealAnswer struct {
		IDNumber string `json:"id_number"`
		Error    *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}

	for _, body := range []map[string]any{nil, {"reason": ""}, {"reason": "查"}, {"reason": strings.Repeat("查", 201)}} {
		var v revealAnswer
		if code := call(t, "POST", url, e.as("reviewer"), body, &v); code != 400 || v.IDNumber != "" || v.Error == nil || v.Error.Code != "validation_failed" {
			t.Errorf("reveal with %v = %d %+v, want 400 validation_failed and no number", body, code, v)
		}
	}

	reason := map[string]any{"reason": "核对户籍信息"}
	answered := 0
	var over revealAnswer
	overCode := 0
	for i := range 55 {
		var v revealAnswer
		code := call(t, "POST", url, e.as("reviewer"), reason, &v)
		if code == 200 && v.IDNumber == "110105199001010045" {
			answered++
			continue
		}
		over, overCode = v, code
		if i != 20 {
			t.Errorf("reveal %d refused (%d %+v), want the first 20 answered", i+1, code, v.Error)
		}
		break
	}
	if answered != 20 || overCode != 429 || over.Error == nil || over.Error.Code != "reveal_cap_reached" || over.IDNumber != "" {
		t.Errorf("%d reveals answered, then %d %+v; want 20, then 429 reveal_cap_reached", answered, overCode, over)
	}
	var inbox struct {
		Items []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		} `json:"items"`
	}
	call(t, "GET", e.base+"/api/v1/notifications", e.as("security"), nil, &inbox)
	told := false
	for _, n := range inbox.Items {
		told = told || strings.Contains(n.Text, "reviewer")
	}
	if !told {
		t.Errorf("security administrator's messages %+v, want one about reviewer's cap", inbox.Items)
	}

	// Withdrawn, the case's workflow ends; a reveal is still recorded in the timeline.
	if code := call(t, "POST", e.base+"/api/v1/cases/"+a.ID+"/withdraw", e.as("clerk_yl"), map[string]any{"reason": "申请人撤回"}, nil); code != 200 {
		t.Fatalf("withdraw = %d", code)
	}
	closed := e.waitFor(a.ID, "withdrawn", func(v caseView) bool { return v.Status == "withdrawn" })
	time.Sleep(500 * time.Millisecond) // the workflow finishes after its last projection
	var v revealAnswer
	if code := call(t, "POST", url, e.as("approver"), map[string]any{"reason": "办结后复核"}, &v); code != 200 || v.IDNumber == "" {
		t.Fatalf("reveal on the closed case = %d %+v, want 200", code, v.Error)
	}
	_, after := e.get("approver", a.ID)
	if len(after.Timeline) != len(closed.Timeline)+1 || !strings.HasPrefix(after.Timeline[len(after.Timeline)-1].Type, "id_revealed") {
		t.Errorf("timeline after a reveal on the closed case: %d entries (was %d), last %+v; want one more id_revealed",
			len(after.Timeline), len(closed.Timeline), after.Timeline[len(after.Timeline)-1])
	}

	// At the same moment, 30 more reveals by the approver, who has made one today: the cap
	// holds for them too (each takes its slot of the day before it reveals).
	var wg sync.WaitGroup
	var burst atomic.Int32
	for range 30 {
		wg.Go(func() {
			var v revealAnswer
			if code, _, err := request(context.Background(), http.DefaultClient, "POST", url, e.as("approver"), "", reason, &v); err == nil && code == 200 && v.IDNumber != "" {
				burst.Add(1)
			}
		})
	}
	wg.Wait()
	if n := burst.Load(); n != 19 {
		t.Errorf("30 reveals at once: %d answered, want the 19 left under the cap of 20", n)
	}
}
