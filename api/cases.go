package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/workflows"
)

// CaseStore is what the case and task handlers read.
type CaseStore interface {
	OrgByCode(ctx context.Context, code string) (*store.Org, error)
	CaseByID(ctx context.Context, id string) (*store.Case, error)
	CaseTasks(ctx context.Context, caseID string) ([]store.Task, error)
	CaseTimeline(ctx context.Context, caseID string) ([]store.TimelineEvent, error)
	ListCases(ctx context.Context, f store.CaseFilter) ([]store.Case, int64, error)
	TaskByID(ctx context.Context, id string) (*store.Task, error)
	ListTasks(ctx context.Context, f store.TaskFilter) ([]store.Task, int64, error)
	UserByID(ctx context.Context, id int64) (*store.User, error)
	IdempotentResult(ctx context.Context, userID int64, key string) (requestHash, result string, found bool, err error)
	SaveIdempotentResult(ctx context.Context, userID int64, key, requestHash, result string, at time.Time) (string, error)
}

// Sealer protects ID numbers: sealed at rest, hashed for look-ups.
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
	Hash(value string) string
}

type caseHandler struct {
	metrics *metrics
	store   CaseStore
	wf      Workflows
	keys    Sealer
	cal     *calendar.Calendar
	rules   func() *rules.Rules
	log     *slog.Logger
	now     func() time.Time
	// county is the county's division code (the org of county roles).
	county string
	// slots bounds this process's updates in flight per workflow (update).
	slots updateSlots
	// audit counts the day's reveals and records reveals on closed cases.
	audit RevealStore
}

// RevealStore is what a reveal needs beyond reading the case: the day's count, the
// security administrators' inbox and the timeline of a closed case.
type RevealStore interface {
	TakeRevealSlot(ctx context.Context, userID int64, day string, limit int) (bool, error)
	NotifyRole(ctx context.Context, role mzflow.Role, n store.Notification) (int, error)
	AppendCaseEvent(ctx context.Context, caseID string, e store.TimelineEvent) (int, error)
}

// applicantRequest: the ID number is checked by rules.ValidateID (GB 11643), not here.
// Lengths fit the cases table (VARCHAR(64) name, VARCHAR(32) phone, VARCHAR(255) address).
type applicantRequest struct {
	Name          text   `json:"name" binding:"required,min=2,max=30,name" label:"申请人姓名"`
	IDNumber      string `json:"id_number"`
	Phone         text   `json:"phone" binding:"max=32,phone" label:"联系电话"`
	Address       text   `json:"address" binding:"max=200,line" label:"住址"`
	HouseholdSize int    `json:"household_size" binding:"min=0" label:"家庭人口数"` // at most the rules' max_household_size
}

// createCaseRequest: the township is looked up (and its code is the registry's) in
// validateCreate. village is VARCHAR(64) in MySQL, category VARCHAR(32).
type createCaseRequest struct {
	Program           mzflow.Program   `json:"program" binding:"chosen,program" label:"救助项目"`
	TownshipCode      string           `json:"township_code" binding:"chosen" label:"乡镇"`
	Village           text             `json:"village" binding:"max=64,line" label:"村（社区）"`
	Applicant         applicantRequest `json:"applicant"`
	Urgent            bool             `json:"urgent"`
	Category          text             `json:"category" binding:"max=32,line" label:"认定类别"`
	RelatedToStaff    bool             `json:"related_to_staff"`
	HouseholdCategory string           `json:"household_category" binding:"omitempty,oneof=stable unstable" label:"收入类别"`
	Details           json.RawMessage  `json:"details"`
}

func newCaseID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "c" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// create files an application: checks the input, starts its workflow (one open case per
// person and program, enforced by the workflow ID), waits for its first projection and
// returns the case view.
func (h *caseHandler) create(c *gin.Context) {
	p := principalOf(c)
	ctx := c.Request.Context()
	// The body is read once, checked by bind's rules and kept: its hash is the request's
	// identity under an Idempotency-Key.
	var req createCaseRequest
	if err := c.ShouldBindBodyWith(&req, strictJSON{}); err != nil {
		fail(c, bindFailure(c, &req, err))
		return
	}
	if !cleaned(c, &req) {
		return
	}
	if !may(c, mzflow.ActFile, mzflow.Program(req.Program)) {
		return
	}
	raw, _ := c.Get(gin.BodyBytesKey)
	sum := sha256.Sum256(raw.([]byte))
	key := c.GetHeader("Idempotency-Key")
	reqHash := hex.EncodeToString(sum[:])
	if key != "" {
		prevHash, caseID, found, err := h.store.IdempotentResult(ctx, p.ID, key)
		if err != nil {
			fail(c, err)
			return
		}
		if found {
			if prevHash != reqHash {
				fail(c, mzflow.Errorf(mzflow.CodeConflict, "幂等键已用于另一请求"))
				return
			}
			h.respondCase(c, http.StatusCreated, caseID)
			return
		}
	}
	in, err := h.validateCreate(ctx, p, &req)
	if err != nil {
		fail(c, err)
		return
	}
	in.RequestID = requestID(c)
	if key != "" {
		// The same key and body always name the same case, so a retry after a crash
		// between the start and the answer recognises its own case below.
		in.CaseID = idempotentCaseID(p.ID, key, reqHash)
	}
	start, ok := workflows.StartOf(in)
	if !ok {
		fail(c, mzflow.Errorf(mzflow.CodeRuleViolation, "该项目的办理流程尚未开通"))
		return
	}
	// Start the case, or find the one running under its ID, and wait for its first
	// projection, in one round trip: the clerk reads the new case at once. The answer
	// says which case the running workflow is: the person's open case (in progress, or
	// approved and waiting for its re-check), or this very request started before a
	// crash, which then simply completes.
	var res workflows.UpdateResult
	if err := startCase(ctx, h.wf, &h.slots, start, in, &res); err != nil {
		fail(c, err)
		return
	}
	if res.CaseID != in.CaseID {
		fail(c, h.duplicate(ctx, p, res.CaseID))
		return
	}
	if key != "" {
		if _, err := h.store.SaveIdempotentResult(ctx, p.ID, key, reqHash, in.CaseID, h.now()); err != nil {
			fail(c, err)
			return
		}
	}
	h.respondCase(c, http.StatusCreated, in.CaseID)
}

// duplicate says that the person already has a case of the program. Its ID is named only
// when the caller may read it: a case of another township stays unnamed (and its
// township too), the clerk is told to ask the county.
func (h *caseHandler) duplicate(ctx context.Context, p *Principal, id string) error {
	if cs, err := h.store.CaseByID(ctx, id); err == nil && p.Scope(cs.TownshipCode, cs.Program) {
		return &mzflow.Error{Code: mzflow.CodeDuplicateCase, Message: "此人已有同类在办申请（或正在享受待遇），不能重复受理",
			Details: map[string]any{"case_id": id}}
	}
	return &mzflow.Error{Code: mzflow.CodeDuplicateCase,
		Message: "此人在其他乡镇已有同类在办申请（或正在享受待遇），不能重复受理；请与县民政局核实"}
}

func (h *caseHandler) validateCreate(ctx context.Context, p *Principal, req *createCaseRequest) (workflows.CaseInput, error) {
	var in workflows.CaseInput
	if !workflows.Runs(req.Program) {
		return in, mzflow.Errorf(mzflow.CodeRuleViolation, "%s的办理流程尚未开通", req.Program.Name())
	}
	if req.HouseholdCategory == "" {
		req.HouseholdCategory = "stable"
	}
	id, err := rules.ValidateID(req.Applicant.IDNumber, h.now().In(calendar.Zone))
	if err != nil {
		e := &mzflow.Error{Code: mzflow.CodeInvalidIDNumber, Message: mzflow.ErrorMessage(err),
			Details: map[string]any{"field": "applicant.id_number"}}
		return in, e
	}
	org, err := h.store.OrgByCode(ctx, req.TownshipCode)
	if err != nil || org.Level != mzflow.LevelTownship {
		return in, &mzflow.Error{Code: mzflow.CodeInvalid, Message: "乡镇代码不存在", Details: map[string]any{"township_code": "不存在"}}
	}
	if !p.CanSeeTownship(org.Code) {
		return in, mzflow.Errorf(mzflow.CodeForbidden, "只能受理本乡镇（%s）的申请", p.Org.Name)
	}
	if p.Role != mzflow.RoleTownshipClerk {
		return in, mzflow.Errorf(mzflow.CodeForbidden, "申请由乡镇经办人受理")
	}
	prog, ok := h.rules().Program(req.Program)
	if !ok {
		return in, mzflow.Errorf(mzflow.CodeRuleViolation, "该项目没有规则")
	}
	if m := prog.MaxHouseholdSize; m > 0 && req.Applicant.HouseholdSize > m {
		msg := "家庭人口数不能超过 " + strconv.Itoa(m) + " 人（规则上限）"
		return in, &mzflow.Error{Code: mzflow.CodeRuleViolation, Message: msg, Details: map[string]any{"applicant.household_size": msg}}
	}
	sealed, err := h.keys.Seal([]byte(id))
	if err != nil {
		return in, err
	}
	return workflows.CaseInput{
		CaseID: newCaseID(), Program: req.Program, Category: string(req.Category), TownshipCode: org.Code,
		CountyCode: h.county, Village: string(req.Village),
		Applicant: workflows.Applicant{Name: string(req.Applicant.Name), IDSealed: sealed, IDHash: h.keys.Hash(id), IDMasked: rules.MaskID(id),
			Phone: string(req.Applicant.Phone), Address: string(req.Applicant.Address),
			HouseholdSize: req.Applicant.HouseholdSize},
		Urgent: req.Urgent && req.Program == mzflow.Linshi, RelatedToStaff: req.RelatedToStaff,
		HouseholdCategory: req.HouseholdCategory, Details: req.Details, Rules: prog,
		SubmittedBy: actorOf(p),
	}, nil
}

// idempotentCaseID derives a case ID from who asked, their Idempotency-Key and the body.
func idempotentCaseID(userID int64, key, reqHash string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(userID, 10) + "\x00" + key + "\x00" + reqHash))
	return "c" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:8]))
}

func actorOf(p *Principal) workflows.Actor {
	return workflows.Actor{ID: p.ID, Name: p.Name, Role: p.Role, OrgCode: p.Org.Code}
}

// loadCase reads a case the caller may see: 403 for a role that reads no case, 404 when
// the case is missing or outside the caller's township, county or programs (the same
// answer, so IDs elsewhere cannot be probed).
func (h *caseHandler) loadCase(c *gin.Context, id string) (*store.Case, bool) {
	if !may(c, mzflow.ActRead, "") {
		return nil, false
	}
	cs, err := h.store.CaseByID(c.Request.Context(), id)
	if err == nil && !principalOf(c).Scope(cs.TownshipCode, cs.Program) {
		err = errCaseNotFound
	}
	if err != nil {
		fail(c, err)
		return nil, false
	}
	return cs, true
}

var errCaseNotFound = mzflow.Errorf(mzflow.CodeNotFound, "申请不存在")

// may refuses with 403 an action the caller's role may not do on a case of program p
// (mzflow's duties table), and reports whether it may.
func may(c *gin.Context, a mzflow.Action, p mzflow.Program) bool {
	r := principalOf(c).Role
	if r.May(a, p) {
		return true
	}
	fail(c, mzflow.Errorf(mzflow.CodeForbidden, "您的角色（%s）无权%s", r.Name(), actionNames[a]))
	return false
}

// actionNames say what was refused.
var actionNames = map[mzflow.Action]string{
	mzflow.ActFile: "受理申请", mzflow.ActRead: "查看该申请", mzflow.ActWithdraw: "撤回申请",
	mzflow.ActMaterials: "登记补正材料", mzflow.ActObject: "登记异议", mzflow.ActExtend: "延长办理期限",
	mzflow.ActReveal: "查看完整身份证号码", mzflow.ActReassign: "改派任务", mzflow.ActPersonal: "查看申请人个人信息",
}

// updateActions is the duty each case update is.
var updateActions = map[string]mzflow.Action{
	workflows.UpdateObject: mzflow.ActObject, workflows.UpdateWithdraw: mzflow.ActWithdraw,
	workflows.UpdateMaterials: mzflow.ActMaterials, workflows.UpdateExtend: mzflow.ActExtend,
}

func (h *caseHandler) get(c *gin.Context) { h.respondCase(c, http.StatusOK, c.Param("id")) }

func (h *caseHandler) respondCase(c *gin.Context, status int, id string) {
	cs, ok := h.loadCase(c, id)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	tasks, err := h.store.CaseTasks(ctx, cs.ID)
	if err != nil {
		fail(c, err)
		return
	}
	events, err := h.store.CaseTimeline(ctx, cs.ID)
	if err != nil {
		fail(c, err)
		return
	}
	names := orgNames{}
	personal := principalOf(c).Role.May(mzflow.ActPersonal, cs.Program)
	v := CaseView{CaseSummary: h.summary(ctx, names, cs), Tasks: h.taskViews(ctx, names, tasks),
		Timeline: make([]EventView, 0, len(events))}
	if !personal {
		v.Applicant = withoutPersonal(v.Applicant)
	}
	for _, e := range events {
		var data map[string]any
		if e.Data != "" {
			_ = json.Unmarshal([]byte(e.Data), &data)
		}
		if !personal {
			delete(data, "data") // a decision's step data: the family's income, members, visitors
		}
		v.Timeline = append(v.Timeline, EventView{Seq: e.Seq, Type: e.Type, Step: e.Step, StepName: workflows.StepName(cs.Program, e.Step),
			Actor: ActorView{ID: e.ActorID, Name: e.ActorName, Role: e.ActorRole}, At: e.At, Comment: e.Comment, Data: data})
	}
	c.JSON(status, v)
}

// orgNames remembers organisation names within one request, so a page of cases or tasks
// looks each organisation up once.
type orgNames map[string]string

func (h *caseHandler) orgName(ctx context.Context, names orgNames, code string) string {
	name, ok := names[code]
	if !ok {
		if o, err := h.store.OrgByCode(ctx, code); err == nil {
			name = o.Name
		}
		names[code] = name
	}
	return name
}

// withoutPersonal is the applicant as a role without the personal duty sees it.
func withoutPersonal(a ApplicantView) ApplicantView {
	if r := []rune(a.Phone); len(r) > 7 {
		a.Phone = string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
	} else if a.Phone != "" {
		a.Phone = "****"
	}
	a.Address = ""
	return a
}

func (h *caseHandler) summary(ctx context.Context, names orgNames, cs *store.Case) CaseSummary {
	now := h.now()
	open := cs.Status == mzflow.StatusInProgress || cs.Status == mzflow.StatusAwaitingMaterials
	return CaseSummary{ID: cs.ID, WorkflowID: cs.WorkflowID, Program: cs.Program, ProgramName: cs.Program.Name(),
		Category: cs.Category, Status: cs.Status, Step: cs.Step, StepName: workflows.StepName(cs.Program, cs.Step),
		Applicant: ApplicantView{Name: cs.ApplicantName, IDNumberMasked: cs.IDNumberMasked, Phone: cs.Phone,
			Address: cs.Address, HouseholdSize: cs.HouseholdSize},
		Township: NamedOrg{Code: cs.TownshipCode, Name: h.orgName(ctx, names, cs.TownshipCode)},
		Village:  cs.Village, SubmittedAt: cs.SubmittedAt, DueAt: cs.DueAt,
		Overdue: open && cs.DueAt != nil && now.After(*cs.DueAt), Outcome: cs.Outcome,
		AmountMonthly: cs.AmountMonthly, PayFrom: cs.PayFrom, SpotCheck: cs.SpotCheck,
		Urgent: cs.Urgent, RelatedToStaff: cs.RelatedToStaff, HouseholdCategory: cs.HouseholdCategory,
		DecidedAt: cs.DecidedAt}
}

func (h *caseHandler) taskViews(ctx context.Context, names orgNames, ts []store.Task) []TaskView {
	now := h.now()
	out := make([]TaskView, 0, len(ts))
	for _, t := range ts {
		name := h.orgName(ctx, names, t.OrgCode)
		var notified any
		if t.Notified != "" {
			_ = json.Unmarshal([]byte(t.Notified), &notified)
		}
		out = append(out, TaskView{ID: t.ID, SubjectKind: t.SubjectKind, SubjectID: t.SubjectID, Title: t.Title,
			CaseID: t.CaseID, Program: t.Program, Step: t.Step, StepName: workflows.StepName(t.Program, t.Step), Role: t.Role, RoleName: t.Role.Name(),
			Org: NamedOrg{Code: t.OrgCode, Name: name}, Assignee: t.AssigneeID, Status: t.Status,
			CreatedAt: t.CreatedAt, DueAt: t.DueAt, DueProvisional: t.DueProvisional,
			Overdue:         t.Status == store.TaskOpen && t.DueAt != nil && now.After(*t.DueAt),
			EscalationLevel: t.EscalationLevel, Notified: notified, ApplicantName: t.ApplicantName,
			Outcome: t.Outcome, DecidedAt: t.DecidedAt})
	}
	return out
}

func pageOf(c *gin.Context) (int, int) {
	page, _ := strconv.Atoi(c.DefaultQuery("page", "1"))
	size, _ := strconv.Atoi(c.DefaultQuery("page_size", "20"))
	if page < 1 {
		page = 1
	}
	if size < 1 || size > 100 {
		size = 20
	}
	return page, size
}

func (h *caseHandler) list(c *gin.Context) {
	p := principalOf(c)
	program := mzflow.Program(c.Query("program"))
	if !may(c, mzflow.ActRead, program) {
		return
	}
	if ps := p.Role.Programs(); program == "" && len(ps) == 1 {
		program = ps[0] // a role bound to one program lists only its cases
	}
	page, size := pageOf(c)
	f := store.CaseFilter{Program: program, Status: mzflow.CaseStatus(c.Query("status")),
		Step: mzflow.Step(c.Query("step")), TownshipCode: c.Query("township_code"), Overdue: c.Query("overdue") == "true",
		Now: h.now(), Page: page, PageSize: size}
	if p.Role.Township() {
		f.TownshipCode = p.Org.Code
	}
	f.County = p.County()
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		// An ID number is searched by its keyed hash (the number itself is not stored
		// readable); anything else is a name prefix.
		if id, err := rules.ValidateID(q, h.now()); err == nil {
			f.IDHash = h.keys.Hash(id)
		} else {
			f.Name = q
		}
	}
	cases, total, err := h.store.ListCases(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]CaseSummary, 0, len(cases))
	names := orgNames{}
	for i := range cases {
		s := h.summary(c.Request.Context(), names, &cases[i])
		if !p.Role.May(mzflow.ActPersonal, cases[i].Program) {
			s.Applicant = withoutPersonal(s.Applicant)
		}
		items = append(items, s)
	}
	c.JSON(http.StatusOK, Page[CaseSummary]{Items: items, Total: total, Page: page, PageSize: size})
}

// caseUpdate sends an update about a whole case (objection, withdraw, materials, extend,
// reveal) and answers with the case view.
// caseUpdateRequest is the body of objections (content, reporter), withdraw, materials
// (reason or note) and extend.
// caseUpdateRequest: whether a reason or content is required is the workflow's answer
// (comment_required); here only the lengths.
type caseUpdateRequest struct {
	Reason   text `json:"reason" binding:"max=2000,para" label:"原因"`
	Note     text `json:"note" binding:"max=2000,para" label:"说明"`
	Content  text `json:"content" binding:"max=2000,para" label:"异议内容"`
	Reporter text `json:"reporter" binding:"max=64,line" label:"反映人"`
}

func (h *caseHandler) caseUpdate(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		cs, ok := h.loadCase(c, c.Param("id"))
		if !ok || !may(c, updateActions[name], cs.Program) {
			return
		}
		var body caseUpdateRequest
		if c.Request.ContentLength != 0 && !bind(c, &body) {
			return
		}
		actor := actorOf(principalOf(c))
		var arg any = workflows.ReasonInput{Reason: string(body.Reason + body.Note), Actor: actor}
		if name == workflows.UpdateObject {
			arg = workflows.ObjectInput{Content: string(body.Content), Reporter: string(body.Reporter), Actor: actor}
		}
		if err := update(c.Request.Context(), h.wf, &h.slots, cs.WorkflowID, name, idempotencyID(c, name), arg, nil); err != nil {
			fail(c, err)
			return
		}
		h.respondCase(c, http.StatusOK, cs.ID)
	}
}

// revealRequest: why the full number is needed, kept in the case's timeline.
type revealRequest struct {
	Reason text `json:"reason" binding:"required,min=2,max=200" label:"查看原因"`
}

// reveal shows the full ID number to a county role, for a reason, at most the rules'
// security.reveal_daily_cap times per user and day (China time): past it the reveal is
// refused with reveal_cap_reached and the security administrators are told. The reveal
// lands in the case's timeline before the number is sent: through the workflow while the
// case runs, written by the API once it is closed. The audit row is the middleware's.
func (h *caseHandler) reveal(c *gin.Context) {
	cs, ok := h.loadCase(c, c.Param("id"))
	if !ok || !may(c, mzflow.ActReveal, cs.Program) {
		return
	}
	var req revealRequest
	if c.Request.ContentLength == 0 {
		// No body at all: the same message as an empty reason.
		if err := binding.Validator.ValidateStruct(&req); err != nil {
			fail(c, bindError(&req, err))
			return
		}
	} else if !bind(c, &req) {
		return
	}
	p := principalOf(c)
	ctx := c.Request.Context()
	if !h.underRevealCap(c, p) {
		return
	}
	arg := workflows.ReasonInput{Reason: string(req.Reason), Actor: actorOf(p)}
	if err := update(ctx, h.wf, &h.slots, cs.WorkflowID, workflows.UpdateReveal, "", arg, nil); err != nil {
		if mzflow.ErrorCode(err) != mzflow.CodeConflict {
			fail(c, err)
			return
		}
		// A closed case has no workflow to record the reveal; the duty was checked above.
		data, _ := json.Marshal(map[string]string{"request_id": requestID(c)})
		ev := store.TimelineEvent{Type: store.EventRevealedAfterClose, Step: cs.Step, ActorID: &p.ID, ActorName: p.Name,
			ActorRole: p.Role, At: h.now(), Comment: string(req.Reason), Data: string(data)}
		if _, err := h.audit.AppendCaseEvent(ctx, cs.ID, ev); err != nil {
			fail(c, err)
			return
		}
	}
	id, err := h.keys.Open(cs.IDNumberEnc)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, RevealView{IDNumber: string(id)})
}

// underRevealCap reports whether p may reveal once more today; when not, it refuses
// with reveal_cap_reached and tells every active security administrator (once per user
// and day: the notification's dedup key).
func (h *caseHandler) underRevealCap(c *gin.Context, p *Principal) bool {
	ctx := c.Request.Context()
	limit := h.rules().SecurityOf().RevealDailyCap
	now := h.now().In(calendar.Zone)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, calendar.Zone)
	took, err := h.audit.TakeRevealSlot(ctx, p.ID, day.Format("2006-01-02"), limit)
	if err != nil {
		fail(c, err)
		return false
	}
	if took {
		return true
	}
	auditDetail(c, "reveal cap "+strconv.Itoa(limit)+" reached")
	note := store.Notification{DedupKey: "reveal-cap/" + strconv.FormatInt(p.ID, 10) + "/" + day.Format("2006-01-02"),
		SubjectKind: "audit", Kind: "alert", Title: "查看身份证号码超限", CreatedAt: h.now(),
		Text: fmt.Sprintf("用户 %s（%s，%s）今日查看完整身份证号码已达上限 %d 次，之后的查看已被拒绝，请核查",
			p.Username, p.Role.Name(), p.Org.Name, limit)}
	if _, err := h.audit.NotifyRole(ctx, mzflow.RoleSecurityAdmin, note); err != nil {
		h.log.Error("reveal cap: notifying the security administrators failed", "request_id", requestID(c), "err", err)
	}
	fail(c, mzflow.Errorf(mzflow.CodeRevealCapReached, "今日查看完整身份证号码已达上限（%d 次），已通知安全管理员；确需查看请明日再试或联系安全管理员", limit))
	return false
}

func idempotencyID(c *gin.Context, name string) string {
	if k := c.GetHeader("Idempotency-Key"); k != "" {
		return name + "/" + strconv.FormatInt(principalOf(c).ID, 10) + "/" + k
	}
	return ""
}
