package api

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/store"
)

// operation describes one route for the OpenAPI description: its request body and
// answer are Go values whose schemas are generated from their types, so the description
// says what the handlers send. TestOpenAPIDescribesEveryRoute keeps this table and the
// router equal.
type operation struct {
	method, path, summary string
	body                  any // request body, nil for none
	status                int // success status
	answer                any // success body, nil for none
}

// operations is every route of New under /api/v1, and the health checks.
var operations = []operation{
	{"GET", "/healthz", "the process is up", nil, 200, StatusView{}},
	{"GET", "/readyz", "Temporal and the database answer", nil, 200, StatusView{}},
	{"GET", "/metrics", "Prometheus metrics, the API's and the Temporal SDK's (text format); needs the metrics token (MZFLOW_METRICS_TOKEN) as a bearer token, 404 when none is set", nil, 200, nil},
	{"GET", "/api/v1/openapi.json", "this description", nil, 200, nil},
	{"POST", "/api/v1/auth/login", "sign in: a token, or a challenge for the second factor", loginRequest{}, 200, LoginView{}},
	{"POST", "/api/v1/auth/totp", "the second factor: challenge and TOTP or recovery code give the token", totpRequest{}, 200, LoginView{}},
	{"POST", "/api/v1/auth/logout", "end the token", nil, 204, nil},
	{"GET", "/api/v1/me", "the signed-in user and what their session must do first", nil, 200, MeView{}},
	{"POST", "/api/v1/me/password", "change one's password under the policy (other sessions end)", passwordRequest{}, 204, nil},
	{"POST", "/api/v1/me/totp/enroll", "start enrolling a TOTP second factor: the otpauth:// URL for the QR code", nil, 200, EnrollView{}},
	{"POST", "/api/v1/me/totp/confirm", "confirm the enrolment with a first code: the recovery codes, shown once", codeRequest{}, 200, RecoveryView{}},
	{"GET", "/api/v1/programs", "the step tables: steps in order, outcomes, data fields", nil, 200, []ProgramView{}},
	{"GET", "/api/v1/calendar/due", "a limit's last day: ?from=YYYY-MM-DD&limit=3WD", nil, 200, DueView{}},
	{"POST", "/api/v1/cases", "file an application (Idempotency-Key)", createCaseRequest{}, 201, CaseView{}},
	{"GET", "/api/v1/cases", "cases: ?program=&status=&step=&township_code=&q=&overdue=&page=&page_size=", nil, 200, Page[CaseSummary]{}},
	{"GET", "/api/v1/cases/{id}", "a case with its tasks and timeline", nil, 200, CaseView{}},
	{"POST", "/api/v1/cases/{id}/objections", "record an objection during publicity", caseUpdateRequest{}, 200, CaseView{}},
	{"POST", "/api/v1/cases/{id}/withdraw", "withdraw the application", caseUpdateRequest{}, 200, CaseView{}},
	{"POST", "/api/v1/cases/{id}/materials", "the returned application's papers are complete", caseUpdateRequest{}, 200, CaseView{}},
	{"POST", "/api/v1/cases/{id}/extend", "extend the overall limit once (county roles)", caseUpdateRequest{}, 200, CaseView{}},
	{"POST", "/api/v1/cases/{id}/reveal", "the full ID number, for a reason (county roles; audited; capped per user per day: 429 reveal_cap_reached)", revealRequest{}, 200, RevealView{}},
	{"GET", "/api/v1/tasks", "tasks: ?status=open|done&scope=mine|org&program=&step=&overdue=&page=&page_size=", nil, 200, Page[TaskView]{}},
	{"POST", "/api/v1/tasks/{id}/claim", "claim a task", nil, 200, TaskView{}},
	{"POST", "/api/v1/tasks/{id}/decide", "decide a task (Idempotency-Key)", decideRequest{}, 200, CaseView{}},
	{"POST", "/api/v1/tasks/{id}/reassign", "reassign a task", reassignRequest{}, 200, CaseView{}},
	{"GET", "/api/v1/overdue", "the overdue board: ?township_code=&program=&subject_kind=&min_level=", nil, 200, List[OverdueItem]{}},
	{"GET", "/api/v1/overdue/summary", "the month per township: ?period=YYYY-MM", nil, 200, SummaryView{}},
	{"GET", "/api/v1/supervision/overdue", "old name of /overdue, for one release", nil, 200, List[OverdueItem]{}},
	{"GET", "/api/v1/supervision/summary", "old name of /overdue/summary, for one release", nil, 200, SummaryView{}},
	{"GET", "/api/v1/notifications", "the caller's messages: ?unread=true&page=&page_size=", nil, 200, NotificationPage{}},
	{"POST", "/api/v1/notifications/{id}/read", "mark a message read", nil, 204, nil},
	{"GET", "/api/v1/audit", "the audit log (audit_admin): ?user=&action=&from=YYYY-MM-DD&to=YYYY-MM-DD&page=&page_size=; format=xlsx exports", nil, 200, Page[AuditEntryView]{}},
	{"GET", "/api/v1/audit/verify", "walk the audit log's hash chain (audit_admin)", nil, 200, AuditCheckView{}},
	{"GET", "/api/v1/admin/calendar/{year}", "a year's holidays and make-up days", nil, 200, calendar.YearData{}},
	{"PUT", "/api/v1/admin/calendar/{year}", "set a year's holidays (open cases are told)", calendarYearRequest{}, 200, calendar.YearData{}},
	{"GET", "/api/v1/admin/rules", "the rules in force", nil, 200, RulesView{}},
	{"GET", "/api/v1/admin/orgs", "the organisation tree", nil, 200, List[store.Org]{}},
	{"POST", "/api/v1/admin/orgs", "add a township or village", orgRequest{}, 201, store.Org{}},
	{"GET", "/api/v1/admin/users", "the users", nil, 200, List[UserRow]{}},
	{"POST", "/api/v1/admin/users", "add a user (not a 三员 role) with an initial password", userRequest{}, 201, userView{}},
	{"POST", "/api/v1/admin/users/{id}/password", "reset a user's password to an initial one (三员 accounts: security administrator)", resetPasswordRequest{}, 204, nil},
	{"PUT", "/api/v1/admin/users/{id}/role", "change a user's role (security administrator, never one's own)", roleRequest{}, 200, userView{}},
	{"POST", "/api/v1/admin/users/{id}/unlock", "forget an account's sign-in failures (security administrator)", nil, 204, nil},
	{"DELETE", "/api/v1/admin/users/{id}/totp", "reset a user's second factor (security administrator)", nil, 204, nil},
	{"GET", "/api/v1/admin/signin-policy", "the sign-in policy in force (security administrator)", nil, 200, PolicyView{}},
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// openAPIDoc builds the OpenAPI 3 description from operations.
func openAPIDoc() (*openapi3.T, error) {
	doc := &openapi3.T{OpenAPI: "3.0.3", Info: &openapi3.Info{Title: "mzflow API", Version: "v1",
		Description: "民政审批流程平台 HTTP API (docs/api.md). Every request but login carries Authorization: Bearer <token>."},
		Paths: openapi3.NewPaths()}
	errSchema, err := openapi3gen.NewSchemaRefForValue(ErrorView{}, nil)
	if err != nil {
		return nil, err
	}
	for _, o := range operations {
		op := openapi3.NewOperation()
		op.Summary = o.summary
		for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
			op.AddParameter(openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewStringSchema()))
		}
		if o.body != nil {
			s, err := openapi3gen.NewSchemaRefForValue(o.body, nil, openapi3gen.SchemaCustomizer(bindingSchema))
			if err != nil {
				return nil, err
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchemaRef(s)}
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(o.status))
		if o.answer != nil {
			s, err := openapi3gen.NewSchemaRefForValue(o.answer, nil)
			if err != nil {
				return nil, err
			}
			ok = ok.WithJSONSchemaRef(s)
		}
		op.AddResponse(o.status, ok)
		op.Responses.Set("default", &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription("an error: 4xx for the caller, 503 to retry (docs/api.md, Errors)").WithJSONSchemaRef(errSchema)})
		doc.AddOperation(o.path, o.method, op)
	}
	return doc, doc.Validate(openapiContext())
}

var (
	openAPIOnce sync.Once
	openAPIJSON []byte
	openAPIErr  error
)

// serveOpenAPI answers GET /api/v1/openapi.json.
func serveOpenAPI(c *gin.Context) {
	openAPIOnce.Do(func() {
		var doc *openapi3.T
		if doc, openAPIErr = openAPIDoc(); openAPIErr == nil {
			openAPIJSON, openAPIErr = json.Marshal(doc)
		}
	})
	if openAPIErr != nil {
		fail(c, openAPIErr)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIJSON)
}

func openapiContext() context.Context { return context.Background() }
