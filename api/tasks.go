package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/workflows"
)

// listTasks answers GET /tasks: scope=mine is what the caller may act on now (their role
// in their organisation); scope=org is their organisation's tasks (the whole county for
// county roles).
func (h *caseHandler) listTasks(c *gin.Context) {
	p := principalOf(c)
	program := mzflow.Program(c.Query("program"))
	// A task names its applicant: the roles that read no case list none.
	if !may(c, mzflow.ActRead, program) {
		return
	}
	if ps := p.Role.Programs(); program == "" && len(ps) == 1 {
		program = ps[0]
	}
	page, size := pageOf(c)
	status := c.DefaultQuery("status", store.TaskOpen)
	if status != store.TaskOpen && status != store.TaskDone {
		fail(c, mzflow.Errorf(mzflow.CodeInvalid, "status 应为 open 或 done"))
		return
	}
	f := store.TaskFilter{Status: status, Program: program, Step: mzflow.Step(c.Query("step")),
		County: p.County(), Overdue: c.Query("overdue") == "true", Now: h.now(), Page: page, PageSize: size}
	switch c.DefaultQuery("scope", "mine") {
	case "mine":
		f.Role, f.OrgCode = p.Role, p.Org.Code
	case "org":
		if p.Role.Township() {
			f.TownshipCode = p.Org.Code
		}
	default:
		fail(c, mzflow.Errorf(mzflow.CodeInvalid, "scope 应为 mine 或 org"))
		return
	}
	tasks, total, err := h.store.ListTasks(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, Page[TaskView]{Items: h.taskViews(c.Request.Context(), orgNames{}, tasks), Total: total, Page: page, PageSize: size})
}

// loadTask finds a task and its case, within the caller's township.
func (h *caseHandler) loadTask(c *gin.Context) (*store.Task, *store.Case, bool) {
	t, err := h.store.TaskByID(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return nil, nil, false
	}
	cs, ok := h.loadCase(c, t.CaseID)
	return t, cs, ok
}

// decideRequest: which outcomes a step has and what data it takes are the step table's
// (workflows), checked by the workflow; here only the lengths.
type decideRequest struct {
	Outcome text            `json:"outcome" binding:"max=32,line" label:"办理结果"`
	Comment text            `json:"comment" binding:"max=2000,para" label:"办理意见"`
	Data    json.RawMessage `json:"data"`
}

// decide applies a decision through the case's workflow. The same Idempotency-Key is the
// same Temporal update ID, so a retried request returns the first result.
func (h *caseHandler) decide(c *gin.Context) {
	t, cs, ok := h.loadTask(c)
	if !ok {
		return
	}
	var req decideRequest
	if !bind(c, &req) {
		return
	}
	in := workflows.DecideInput{TaskID: t.ID, Outcome: string(req.Outcome), Comment: string(req.Comment),
		Data: req.Data, Actor: actorOf(principalOf(c)), RequestID: requestID(c)}
	if err := update(c.Request.Context(), h.wf, &h.slots, cs.WorkflowID, workflows.UpdateDecide, idempotencyID(c, "decide/"+t.ID), in, nil); err != nil {
		fail(c, err)
		return
	}
	h.metrics.decisions.WithLabelValues(string(cs.Program), string(t.Step), in.Outcome).Inc()
	h.respondCase(c, http.StatusOK, cs.ID)
}

func (h *caseHandler) claim(c *gin.Context) {
	t, cs, ok := h.loadTask(c)
	if !ok {
		return
	}
	in := workflows.ClaimInput{TaskID: t.ID, Actor: actorOf(principalOf(c))}
	if err := update(c.Request.Context(), h.wf, &h.slots, cs.WorkflowID, workflows.UpdateClaim, "", in, nil); err != nil {
		fail(c, err)
		return
	}
	t, err := h.store.TaskByID(c.Request.Context(), t.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.taskViews(c.Request.Context(), orgNames{}, []store.Task{*t})[0])
}

// reassignRequest: a missing reason is the workflow's comment_required (422).
type reassignRequest struct {
	UserID int64 `json:"user_id" binding:"chosen" label:"改派对象"`
	Reason text  `json:"reason" binding:"max=2000,para" label:"改派理由"`
}

func (h *caseHandler) reassign(c *gin.Context) {
	t, cs, ok := h.loadTask(c)
	if !ok {
		return
	}
	var req reassignRequest
	if !bind(c, &req) {
		return
	}
	u, err := h.store.UserByID(c.Request.Context(), req.UserID)
	if err != nil || !u.Active || u.Role != t.Role || u.Org.Code != t.OrgCode {
		fail(c, mzflow.Errorf(mzflow.CodeInvalid, "改派对象必须是该任务所属单位、角色相同的在岗人员"))
		return
	}
	in := workflows.ReassignInput{TaskID: t.ID, UserID: u.ID, Name: u.Name, Reason: string(req.Reason), Actor: actorOf(principalOf(c))}
	if err := update(c.Request.Context(), h.wf, &h.slots, cs.WorkflowID, workflows.UpdateReassign, "", in, nil); err != nil {
		fail(c, err)
		return
	}
	h.respondCase(c, http.StatusOK, cs.ID)
}
