package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mzflow/mzflow/calendar"
)

// TestCalendarChangeReachesOpenCases: an administrator makes the next working day a
// holiday; the save answers at once, and Temporal's batch job tells every open case,
// which moves its task's deadline and records why in the timeline.
func TestCalendarChangeReachesOpenCases(t *testing.T) {
	s := startDevWith(t, &devConfig{data: filepath.Join(t.TempDir(), "data")})
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
	var ids []string
	for i := range 3 {
		ids = append(ids, fileCase(t, e, "历法"+string(rune('甲'+i)), faultIDNumber(470+i)))
	}
	before := intakeDue(t, e, ids[0])
	day := makeNextWorkdayHoliday(t, e)
	for _, id := range ids {
		waitDueChanged(t, e, id, before, day)
	}
}

// TestCalendarChangeReachesADownWorker: the production shape (api and worker processes
// on the embedded Temporal server); the worker is killed, the holidays change, the
// worker comes back: the case it missed still gets its new deadline, because the batch
// job left the signal in the workflow's history.
func TestCalendarChangeReachesADownWorker(t *testing.T) {
	skipShortOutsideCI(t, "runs three processes")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	dsn := "sqlite:" + filepath.Join(dir, "read.db")
	seedFaultDB(t, ctx, dsn)
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	h := &faultHarness{t: t, dir: dir, bin: bin, env: append(os.Environ(), "MZFLOW_SECRET_KEY="+hex.EncodeToString(key), faultSecondFactor)}
	t.Cleanup(h.cleanup)
	temporalAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	_, tport, _ := net.SplitHostPort(temporalAddr)
	temporal := h.add("temporal", "", "dev", "--temporal-only", "--data", filepath.Join(dir, "data"), "--temporal-port", tport, "--log-level", "warn")
	if err := h.start(ctx, temporal); err != nil {
		t.Fatal(err)
	}
	if err := waitTCP(ctx, temporal, temporalAddr); err != nil {
		t.Fatal(err)
	}
	common := []string{"--db", dsn, "--temporal-address", temporalAddr, "--log-level", "warn"}
	worker := h.add("worker", "", append([]string{"worker", "--metrics-addr", "127.0.0.1:" + strconv.Itoa(freePort(t))}, common...)...)
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	apiProc := h.add("api", "http://"+addr, append([]string{"api", "--addr", addr}, common...)...)
	for _, p := range []*faultProc{worker, apiProc} {
		if err := h.start(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	e := &e2e{t: t, base: "http://" + addr, tokens: map[string]string{}}
	id := fileCase(t, e, "停机", faultIDNumber(480))
	before := intakeDue(t, e, id)

	if err := h.kill(worker); err != nil {
		t.Fatal(err)
	}
	day := makeNextWorkdayHoliday(t, e)
	time.Sleep(2 * time.Second) // the batch job signals while no worker polls: not an assertion
	if err := h.start(ctx, worker); err != nil {
		t.Fatal(err)
	}
	waitDueChanged(t, e, id, before, day)
	h.stopAll()
}

type caseDue struct {
	Tasks []struct {
		DueAt time.Time `json:"due_at"`
	} `json:"tasks"`
	Timeline []typedEvent `json:"timeline"`
}

type typedEvent struct {
	Type string `json:"type"`
}

func (e *e2e) caseDue(id string) caseDue {
	e.t.Helper()
	var v caseDue
	if code := call(e.t, "GET", e.base+"/api/v1/cases/"+id, e.as("clerk_yl"), nil, &v); code != 200 || len(v.Tasks) != 1 {
		e.t.Fatalf("GET case %s = %d %+v", id, code, v)
	}
	return v
}

func intakeDue(t *testing.T, e *e2e, id string) time.Time {
	t.Helper()
	return e.caseDue(id).Tasks[0].DueAt
}

// makeNextWorkdayHoliday makes the first working day after today a holiday, as the
// administrator does on the calendar page, and returns it.
func makeNextWorkdayHoliday(t *testing.T, e *e2e) string {
	t.Helper()
	var next struct {
		Due string `json:"due"`
	}
	if code := call(t, "GET", e.base+"/api/v1/calendar/due?from="+calendar.FormatDate(time.Now())+"&limit=1WD", e.as("admin"), nil, &next); code != 200 {
		t.Fatalf("GET /calendar/due = %d", code)
	}
	year := next.Due[:4]
	var cur calendar.YearData
	if code := call(t, "GET", e.base+"/api/v1/admin/calendar/"+year, e.as("admin"), nil, &cur); code != 200 {
		t.Fatalf("GET /admin/calendar/%s = %d", year, code)
	}
	holidays := append(slices.Clone(cur.Holidays), next.Due)
	slices.Sort(holidays)
	var saved calendar.YearData
	if code := call(t, "PUT", e.base+"/api/v1/admin/calendar/"+year, e.as("admin"),
		map[string]any{"holidays": holidays, "workdays": cur.Workdays}, &saved); code != http.StatusOK || !slices.Contains(saved.Holidays, next.Due) {
		t.Fatalf("PUT /admin/calendar/%s = %d %+v, want 200 with %s off", year, code, saved, next.Due)
	}
	return next.Due
}

// waitDueChanged waits for the case's due_changed entry and checks the deadline moved
// later; the bound only keeps a broken run from hanging.
func waitDueChanged(t *testing.T, e *e2e, id string, before time.Time, day string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		v := e.caseDue(id)
		if slices.Contains(v.Timeline, typedEvent{"due_changed"}) {
			if after := v.Tasks[0].DueAt; !after.After(before) {
				t.Errorf("case %s: due %v after %s became a holiday, want later than %v", id, after, day, before)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("case %s: no due_changed in 60 s after %s became a holiday (timeline %+v)", id, day, v.Timeline)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
