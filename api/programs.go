package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/workflows"
)

// ProgramView is one program's step table as GET /programs serves it: the page builds its
// decision forms, step names and progress bar from it and keeps no table of its own.
type ProgramView struct {
	Program mzflow.Program `json:"program"`
	Name    string         `json:"name"`
	Steps   []StepView     `json:"steps"`
}

// StepView is one step of a program.
type StepView struct {
	Code     mzflow.Step   `json:"code"`
	Name     string        `json:"name"`
	Role     mzflow.Role   `json:"role,omitempty"`
	RoleName string        `json:"role_name,omitempty"`
	Bar      mzflow.Step   `json:"bar,omitempty"`   // where the step sits on the progress bar; absent when not on it
	Track    string        `json:"track,omitempty"` // the bar it is on when a program has two ("urgent")
	Outcomes []OutcomeView `json:"outcomes"`
	// Fields are the data fields of every outcome, each naming the outcomes it belongs to.
	Fields []FieldView `json:"fields"`
}

// OutcomeView is one outcome a step allows.
type OutcomeView struct {
	Code           string `json:"code"`
	Label          string `json:"label"`
	ReasonRequired bool   `json:"reason_required"`
}

// FieldView is a data field of a step with the outcomes that carry it.
type FieldView struct {
	workflows.Field
	Outcomes []string `json:"outcomes"`
}

// programs answers GET /programs from the workflows' step tables.
func programs(c *gin.Context) { c.JSON(http.StatusOK, Programs()) }

// Programs is GET /programs' answer: every program with a process, its steps in order.
func Programs() []ProgramView {
	out := []ProgramView{}
	for _, p := range mzflow.Programs {
		steps := workflows.StepsOf(p)
		if steps == nil {
			continue
		}
		pv := ProgramView{Program: p, Name: p.Name(), Steps: []StepView{}}
		for _, s := range steps {
			sv := StepView{Code: s.Code, Name: s.Name, Role: s.Role, Bar: s.Bar, Track: s.Track,
				Outcomes: []OutcomeView{}, Fields: []FieldView{}}
			if s.Role != "" {
				sv.RoleName = s.Role.Name()
			}
			for _, o := range s.Outcomes {
				sv.Outcomes = append(sv.Outcomes, OutcomeView{Code: o.Code, Label: o.Label, ReasonRequired: o.ReasonRequired})
			fields:
				for _, f := range o.Fields() {
					for i := range sv.Fields {
						if sv.Fields[i].Name == f.Name {
							sv.Fields[i].Outcomes = append(sv.Fields[i].Outcomes, o.Code)
							continue fields
						}
					}
					sv.Fields = append(sv.Fields, FieldView{Field: f, Outcomes: []string{o.Code}})
				}
			}
			pv.Steps = append(pv.Steps, sv)
		}
		out = append(out, pv)
	}
	return out
}
