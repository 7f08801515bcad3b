package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/workflows"
)

type move struct {
	user, step string
	body       map[string]any
}

var inv = map[string]any{"household_income_monthly": 300, "members": 3, "investigators": []string{"王芳", "李四"}}

// TestRecordHistories runs representative cases on the real stack, records their
// histories (encrypted with the fixed test key in workflows/testdata/replay.key) and
// replays them with today's workflow code: what the server recorded must replay. With
// MZFLOW_RECORD=1 it writes them to workflows/testdata, for the replay test there to
// hold against later changes; otherwise to a temporary folder.
func TestRecordHistories(t *testing.T) {
	out := t.TempDir()
	if os.Getenv("MZFLOW_RECORD") != "" {
		out = "../../workflows/testdata"
	}
	key, err := os.ReadFile("../../workflows/testdata/replay.key")
	if err != nil {
		t.Fatal(err)
	}
	cfg := e2eConfig(t)
	cfg.secretKey = strings.TrimSpace(string(key))
	s := startDevWith(t, cfg)
	e := &e2e{t: t, base: s.url, tokens: map[string]string{}}
	notice := map[string]any{"outcome": "complete", "data": map[string]any{"delivered_at": "2026-11-23", "method": "当面送达"}}
	visit := map[string]any{"outcome": "approve", "data": map[string]any{"home_visit": map[string]any{"visited_at": "2026-11-23", "visitors": []string{"刘洋", "王芳"}}}}

	cases := map[string]string{}
	file := func(name, program, id string, extra map[string]any) string {
		body := map[string]any{"program": program, "township_code": "349901100",
			"applicant": map[string]any{"name": "测试" + strings.ReplaceAll(name, "_", ""), "id_number": id}}
		for k, v := range extra {
			body[k] = v
		}
		var v caseView
		if code := call(t, "POST", e.base+"/api/v1/cases", e.as("clerk_yl"), body, &v); code != 201 {
			t.Fatalf("file %s = %d %+v", name, code, v.Error)
		}
		cases[name] = v.ID
		return v.ID
	}
	walk := func(id string, moves ...move) {
		for _, m := range moves {
			_, v := e.get("reviewer", id)
			if m.step == "wait:county_review" {
				e.waitFor(id, "county review", func(v caseView) bool { return v.open("county_review") != "" })
				continue
			}
			if v.open(m.step) == "" {
				t.Fatalf("case %s has no open %s task: %+v", id, m.step, v)
			}
			e.decide(m.user, v.open(m.step), m.body, 200, "")
		}
	}
	approve := func(d map[string]any) map[string]any { return map[string]any{"outcome": "approve", "data": d} }
	complete := map[string]any{"outcome": "complete"}

	id := file("dibao_approved", "dibao", "11010519491231002X", nil)
	walk(id, move{"clerk_yl", "intake", complete}, move{"clerk_yl", "investigation", map[string]any{"outcome": "complete", "data": inv}},
		move{"reviewer", "info_check", map[string]any{"outcome": "complete", "data": map[string]any{"result": "pass"}}},
		move{"head_yl", "township_review", approve(map[string]any{"proposed_amount_monthly": 680})},
		move{step: "wait:county_review"}, move{"reviewer", "county_review", visit},
		move{"approver", "county_decision", approve(map[string]any{"amount_monthly": 700})})

	id = file("dibao_rejected", "dibao", "440524188001010014", nil)
	walk(id, move{"clerk_yl", "intake", complete}, move{"clerk_yl", "investigation", map[string]any{"outcome": "complete", "data": inv}},
		move{"reviewer", "info_check", map[string]any{"outcome": "complete", "data": map[string]any{"result": "fail"}}},
		move{"head_yl", "township_review", map[string]any{"outcome": "reject", "comment": "收入高于标准"}},
		move{"clerk_yl", "notice", notice})

	id = file("dibao_returned_withdrawn", "dibao", "110105196001010017", nil)
	walk(id, move{"clerk_yl", "intake", map[string]any{"outcome": "return", "comment": "材料不全", "data": map[string]any{"missing_items": []string{"户口簿"}}}})
	post := func(path, user string, body map[string]any) {
		var v caseView
		if code := call(t, "POST", e.base+"/api/v1/cases/"+id+path, e.as(user), body, &v); code != 200 {
			t.Fatalf("POST %s by %s = %d %+v", path, user, code, v.Error)
		}
	}
	post("/materials", "clerk_yl", map[string]any{"note": "已补齐"})
	walk(id, move{"clerk_yl", "intake", complete})
	post("/extend", "reviewer", map[string]any{"reason": "需补充调查"})
	post("/withdraw", "clerk_yl", map[string]any{"reason": "申请人撤回"})

	id = file("linshi_urgent", "linshi", "110105197001010011", map[string]any{"urgent": true})
	walk(id, move{"head_yl", "township_grant", approve(map[string]any{"amount": 1500})}, move{"clerk_yl", "paperwork", complete})

	// An objection during publicity: its review, a second publicity, then the county's
	// mandatory home visit.
	id = file("dibao_objection", "dibao", "110105199001010010", nil)
	walk(id, move{"clerk_yl", "intake", complete}, move{"clerk_yl", "investigation", map[string]any{"outcome": "complete", "data": inv}},
		move{"reviewer", "info_check", map[string]any{"outcome": "complete", "data": map[string]any{"result": "pass"}}},
		move{"head_yl", "township_review", approve(map[string]any{"proposed_amount_monthly": 650})})
	post("/objections", "clerk_yl", map[string]any{"content": "申请人家中有经营性收入", "reporter": "村民"})
	walk(id, move{"head_yl", "objection_review", map[string]any{"outcome": "approve", "comment": "经核实异议不成立"}},
		move{step: "wait:county_review"}, move{"reviewer", "county_review", visit},
		move{"approver", "county_decision", approve(map[string]any{"amount_monthly": 650})})

	id = file("dibao_overdue", "dibao", "110105198001010016", nil)
	time.Sleep(9 * time.Second) // intake is due in 4 s and escalates every 2 s
	post("/withdraw", "clerk_yl", map[string]any{"reason": "撤回"})

	c, err := client.Dial(client.Options{HostPort: s.temporal, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	keys, err := privacy.LoadKeys(cfg.secretKey, "")
	if err != nil {
		t.Fatal(err)
	}
	replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: keys.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	replayer.RegisterWorkflowWithOptions(workflows.Assistance, workflow.RegisterOptions{Name: workflows.AssistanceWorkflow})
	for name, id := range cases {
		var wf struct {
			WorkflowID string `json:"workflow_id"`
		}
		call(t, "GET", e.base+"/api/v1/cases/"+id, e.as("reviewer"), nil, &wf)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		it := c.GetWorkflowHistory(ctx, wf.WorkflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		h := &historypb.History{}
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
		}
		cancel()
		b, err := protojson.MarshalOptions{Multiline: true}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(out, name+".json")
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
			t.Errorf("replay %s: %v", name, err)
		}
		t.Logf("recorded %s: %d events", name, len(h.Events))
	}
}
