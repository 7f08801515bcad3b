package workflows

import "github.com/mzflow/mzflow"

// process is a workflow that runs cases, with its step table.
type process struct {
	workflow string
	steps    Table
}

// processes is the one table from a program to the workflow that runs its cases. A new
// process adds its row here; the API starts cases from it and names no workflow itself.
var processes = map[mzflow.Program]process{
	mzflow.Dibao:  {AssistanceWorkflow, AssistanceSteps},
	mzflow.Tekun:  {AssistanceWorkflow, AssistanceSteps},
	mzflow.Linshi: {AssistanceWorkflow, AssistanceSteps},
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
