package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store/storetest"
)

// TestOpenAPIDescribesEveryRoute: GET /api/v1/openapi.json is a valid OpenAPI 3
// description; every route of the router is described, and every described route
// exists. A route added without its description (or the other way round) fails here.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	h := New(Deps{Store: storetest.SQLite(t), Calendar: calendar.New(), Rules: rules.Defaults}).(*gin.Engine)
	param := regexp.MustCompile(`:(\w+)`)
	var routed []string
	for _, r := range h.Routes() {
		routed = append(routed, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d %s", w.Code, w.Body)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json = %v %q, want an OpenAPI 3 document", err, doc.OpenAPI)
	}
	var described []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				described = append(described, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, r := range routed {
		if !slices.Contains(described, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range described {
		if !slices.Contains(routed, d) {
			t.Errorf("openapi.json describes %s, which the router does not serve", d)
		}
	}
	// The case view's schema comes from its Go type: spot-check a nested field.
	var caseOp struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(doc.Paths["/api/v1/cases/{id}"]["get"], &caseOp); err != nil {
		t.Fatal(err)
	}
	props := caseOp.Responses["200"].Content["application/json"].Schema.Properties
	for _, f := range []string{"id", "status", "applicant", "tasks", "timeline", "due_at"} {
		if _, ok := props[f]; !ok {
			t.Errorf("GET /cases/{id} schema has no %q (has %d properties)", f, len(props))
		}
	}
}

// TestOpenAPIFileIsCurrent: docs/openapi.json is the description as served, so the
// docs and the page's checks (web/src/openapi.test.ts) read what the code says. After a
// change of routes or views: MZFLOW_UPDATE_OPENAPI=1 go test -run TestOpenAPIFileIsCurrent ./api/
func TestOpenAPIFileIsCurrent(t *testing.T) {
	doc, err := openAPIDoc()
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	const file = "../docs/openapi.json"
	if os.Getenv("MZFLOW_UPDATE_OPENAPI") != "" {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is not the served description (%v); regenerate: MZFLOW_UPDATE_OPENAPI=1 go test -run TestOpenAPIFileIsCurrent ./api/", file, err)
	}
}
