package mzflow

import "slices"

// Action is something a user does with a case. Duties says which roles may do it; a
// township role does it only in its own township, a county role in the whole county
// (the API's scope check), and a role bound to programs only on cases of those programs.
// Deciding a step is not here: the step's role in its process's step table decides it.
type Action string

// The case actions of docs/api.md.
const (
	ActFile      Action = "file"      // POST /cases: the township's service station takes the application
	ActRead      Action = "read"      // GET /cases, /cases/{id}: the case with the applicant's name, phone and address
	ActWithdraw  Action = "withdraw"  // the applicant withdraws, at the township
	ActMaterials Action = "materials" // the returned application's papers are complete
	ActObject    Action = "object"    // an objection during publicity, received by the township or the county
	ActExtend    Action = "extend"    // the county extends the overall limit once
	ActReveal    Action = "reveal"    // the full ID number, for the county's information check
	ActReassign  Action = "reassign"  // a task to another holder of its role
	// ActPersonal reads a case's personal fields in full: the applicant's phone and
	// address and what the steps recorded about the family (income, members, visitors).
	// A role that reads cases without it (the supervisor, chasing deadlines) sees the
	// name, the masked ID number, the steps and the deadlines.
	ActPersonal Action = "personal"
)

// duties is the one table of who may do what. The system administrator manages users,
// organisations, rules and the calendar and is in no row: it reads no personal data.
var duties = map[Action][]Role{
	ActFile:      {RoleTownshipClerk},
	ActRead:      {RoleTownshipClerk, RoleTownshipHead, RoleCountyReviewer, RoleCountyApprover, RoleVeteranOfficer, RoleSupervisor},
	ActWithdraw:  {RoleTownshipClerk, RoleTownshipHead},
	ActMaterials: {RoleTownshipClerk, RoleTownshipHead},
	ActObject:    {RoleTownshipClerk, RoleTownshipHead, RoleCountyReviewer, RoleCountyApprover},
	ActExtend:    {RoleCountyReviewer, RoleCountyApprover},
	ActReveal:    {RoleCountyReviewer, RoleCountyApprover, RoleVeteranOfficer},
	ActReassign:  {RoleTownshipHead, RoleSupervisor},
	ActPersonal:  {RoleTownshipClerk, RoleTownshipHead, RoleCountyReviewer, RoleCountyApprover, RoleVeteranOfficer},
}

// Actions lists every action in a fixed order.
var Actions = []Action{ActFile, ActRead, ActPersonal, ActWithdraw, ActMaterials, ActObject, ActExtend, ActReveal, ActReassign}

// rolePrograms binds a role to the programs it works on; a role not listed works on all.
// The veterans-affairs officer handles veteran cases, not the civil-affairs bureau's
// assistance cases.
var rolePrograms = map[Role][]Program{
	RoleVeteranOfficer: {Veteran},
}

// May reports whether role r may do action a on a case of program p ("" for any
// program the role works on, as for filing before the program is known).
func (r Role) May(a Action, p Program) bool {
	return slices.Contains(duties[a], r) && (p == "" || r.WorksOn(p))
}

// WorksOn reports whether the role handles cases of program p.
func (r Role) WorksOn(p Program) bool {
	ps, bound := rolePrograms[r]
	return !bound || slices.Contains(ps, p)
}

// Programs a role works on, in the order of Programs.
func (r Role) Programs() []Program {
	var out []Program
	for _, p := range Programs {
		if r.WorksOn(p) {
			out = append(out, p)
		}
	}
	return out
}
