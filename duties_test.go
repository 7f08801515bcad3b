package mzflow

import "testing"

func TestDuties(t *testing.T) {
	for _, c := range []struct {
		role Role
		act  Action
		p    Program
		want bool
	}{
		{RoleTownshipClerk, ActFile, Dibao, true},
		{RoleTownshipHead, ActFile, Dibao, false},
		{RoleAdmin, ActRead, "", false},
		{RoleAdmin, ActWithdraw, Dibao, false},
		{RoleVeteranOfficer, ActRead, Dibao, false},
		{RoleVeteranOfficer, ActRead, Veteran, true},
		{RoleVeteranOfficer, ActReveal, Tekun, false},
		{RoleSupervisor, ActRead, Linshi, true},
		{RoleSupervisor, ActWithdraw, Dibao, false},
		{RoleSupervisor, ActReassign, Dibao, true},
		{RoleCountyReviewer, ActExtend, Dibao, true},
		{RoleTownshipClerk, ActExtend, Dibao, false},
	} {
		if got := c.role.May(c.act, c.p); got != c.want {
			t.Errorf("%s may %s on %q = %v, want %v", c.role, c.act, c.p, got, c.want)
		}
	}
	// The system administrator has no case duty at all.
	for _, a := range Actions {
		if RoleAdmin.May(a, "") {
			t.Errorf("admin may %s", a)
		}
	}
}
