package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow"
)

// process is a workflow that runs cases: its type name, its function and its step table.
type process struct {
	workflow string
	fn       func(workflow.Context, CaseInput) (CaseResult, error)
	steps    Table
}

var assistance = process{AssistanceWorkflow, Assistance, AssistanceSteps}

// processes is the one table from a program to the workflow that runs its cases. A new
// process adds its row here; the API starts cases from it and the worker registers it,
// and neither names a workflow itself.
var processes = map[mzflow.Program]process{
	mzflow.Dibao:  assistance,
	mzflow.Tekun:  assistance,
	mzflow.Linshi: assistance,
}

// Registration is a workflow a worker (or a replayer) registers under its type name.
type Registration struct {
	Name string
	Fn   any
}

// Registrations lists every process's workflow once, in the order of mzflow.Programs.
func Registrations() []Registration {
	var out []Registration
	seen := map[string]bool{}
	for _, p := range mzflow.Programs {
		if pr, ok := processes[p]; ok && !seen[pr.workflow] {
			seen[pr.workflow] = true
			out = append(out, Registration{Name: pr.workflow, Fn: pr.fn})
		}
	}
	return out
}

// CaseStart is how a case's workflow starts: its type, and its ID, which is the program
// and the applicant's keyed hash. One person has at most one open case per program:
// every start of a person's program names the same workflow, and Temporal runs one
// execution of an ID at a time. The ID carries no name or ID number.
type CaseStart struct {
	Workflow string
	ID       string
}

// StartOf says how to start the case in; ok is false when in's program has no process
// yet (veteran certification) or the applicant has no hash.
func StartOf(in CaseInput) (CaseStart, bool) {
	pr, ok := processes[in.Program]
	if !ok || len(in.Applicant.IDHash) < 24 {
		return CaseStart{}, false
	}
	return CaseStart{Workflow: pr.workflow, ID: string(in.Program) + "-" + in.Applicant.IDHash[:24]}, true
}

// Runs says whether a program's cases can be filed: it has a process.
func Runs(p mzflow.Program) bool {
	_, ok := processes[p]
	return ok
}

// StepsOf returns the step table of a program's process, in order; nil when the program
// has no process yet.
func StepsOf(p mzflow.Program) Table {
	pr, ok := processes[p]
	if !ok {
		return nil
	}
	return pr.steps.For(p)
}

// StepName is a step's Chinese name from its program's step table; programs without a
// process yet (veteran) name their steps as the rules do.
func StepName(p mzflow.Program, s mzflow.Step) string {
	if s == "" {
		return ""
	}
	if d, ok := StepsOf(p).Step(s); ok {
		return d.Name
	}
	return s.Name()
}
