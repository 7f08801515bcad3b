package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

func TestOverdueTasks(t *testing.T) {
	now := time.Date(2026, 4, 20, 10, 0, 0, 0, cst)
	tests := []struct {
		name    string
		f       store.OverdueFilter
		wantIDs []string
	}{
		{"all overdue most overdue first then id", store.OverdueFilter{Now: now}, []string{"t3", "t2", "t7"}},
		{"township HS keeps its tasks", store.OverdueFilter{Now: now, TownshipCode: townHS}, []string{"t3"}},
		{"township YL keeps its tasks", store.OverdueFilter{Now: now, TownshipCode: townYL}, []string{"t2", "t7"}},
		{"program dibao keeps its tasks", store.OverdueFilter{Now: now, Program: mzflow.Dibao}, []string{"t3", "t2", "t7"}},
		{"program linshi has none overdue", store.OverdueFilter{Now: now, Program: mzflow.Linshi}, []string{}},
		{"min level 1 keeps escalated tasks", store.OverdueFilter{Now: now, MinLevel: 1}, []string{"t3", "t2"}},
		{"min level 2 keeps the most escalated", store.OverdueFilter{Now: now, MinLevel: 2}, []string{"t3"}},
		{"limit 1 keeps the most overdue", store.OverdueFilter{Now: now, Limit: 1}, []string{"t3"}},
		{"earlier now sees fewer overdue", store.OverdueFilter{Now: now.Add(-2 * 24 * time.Hour)}, []string{"t3"}},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		taskFixture(t, st, now)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.OverdueTasks(t.Context(), tt.f)
				if err != nil {
					t.Fatalf("OverdueTasks(%+v): %v", tt.f, err)
				}
				if ids := taskIDs(got); !slices.Equal(ids, tt.wantIDs) {
					t.Errorf("OverdueTasks = %v, want %v", ids, tt.wantIDs)
				}
			})
		}
	})
}

func TestSummary(t *testing.T) {
	at := func(month time.Month, d, h int) time.Time { return time.Date(2026, month, d, h, 0, 0, 0, cst) }
	from, to := at(3, 1, 0), at(4, 1, 0)
	now := at(3, 31, 12)
	type fixture struct {
		id, town           string
		submitted          time.Time
		due, decided       *time.Time
		openDue            *time.Time // an open task of the case, due then (nil: none)
		openLevel          int
		extraOpenNoDue     bool
		doneTaskOfTheMonth bool
	}
	fixtures := []fixture{
		// 云岭镇: received a1 a2 a4 a6; decided a1 a2 a3 a7, on time a1 a3 a7.
		{id: "a1", town: townYL, submitted: at(3, 2, 9), due: ptr(at(3, 25, 17)), decided: ptr(at(3, 20, 10)), doneTaskOfTheMonth: true},
		{id: "a2", town: townYL, submitted: at(3, 5, 9), due: ptr(at(3, 30, 17)), decided: ptr(at(3, 31, 10))},
		{id: "a3", town: townYL, submitted: at(2, 20, 9), decided: ptr(at(3, 10, 10))},
		{id: "a4", town: townYL, submitted: at(3, 15, 9), due: ptr(at(4, 28, 17)), openDue: ptr(at(3, 30, 17)), openLevel: 1, extraOpenNoDue: true},
		{id: "a5", town: townYL, submitted: to},
		{id: "a6", town: townYL, submitted: from, due: ptr(at(4, 10, 17)), decided: ptr(to)},
		{id: "a7", town: townYL, submitted: at(2, 10, 9), due: ptr(at(3, 12, 12)), decided: ptr(at(3, 12, 12))},
		// 河山镇: received b1; decided b2 (late).
		{id: "b1", town: townHS, submitted: at(3, 10, 9), decided: ptr(at(4, 2, 10)), openDue: ptr(at(4, 5, 17))},
		{id: "b2", town: townHS, submitted: at(2, 1, 9), due: ptr(at(3, 1, 17)), decided: ptr(at(3, 3, 10))},
	}
	want := []store.TownshipSummary{
		{TownshipCode: townYL, TownshipName: "云岭镇", Received: 4, Decided: 4, DecidedOnTime: 3, OnTimeRate: 0.75, Open: 2, Overdue: 1, Escalated: 1},
		{TownshipCode: townHS, TownshipName: "河山镇", Received: 1, Decided: 1, DecidedOnTime: 0, OnTimeRate: 0, Open: 1, Overdue: 0, Escalated: 0},
		{TownshipCode: "349901102", TownshipName: "山前镇"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := mustOrg(t, st, county, "示范县", mzflow.LevelCounty, nil)
		// Created out of code order: the summary sorts by code.
		mustOrg(t, st, "349901102", "山前镇", mzflow.LevelTownship, &c.ID)
		yl := mustOrg(t, st, townYL, "云岭镇", mzflow.LevelTownship, &c.ID)
		mustOrg(t, st, townHS, "河山镇", mzflow.LevelTownship, &c.ID)
		mustOrg(t, st, "349901100201", "青松村", mzflow.LevelVillage, &yl.ID)

		for _, f := range fixtures {
			cs := newCase(f.id, f.town, mzflow.Dibao, "王芳", f.submitted)
			cs.DueAt, cs.DecidedAt = f.due, f.decided
			if f.decided != nil {
				cs.Status = mzflow.StatusApproved
			}
			p := &store.Projection{Case: cs}
			if f.openDue != nil {
				p.Tasks = append(p.Tasks, store.Task{ID: f.id + "-open", Step: mzflow.StepInvestigation, Role: mzflow.RoleTownshipClerk,
					OrgCode: f.town, Status: store.TaskOpen, CreatedAt: f.submitted, DueAt: f.openDue, EscalationLevel: f.openLevel})
			}
			if f.extraOpenNoDue {
				p.Tasks = append(p.Tasks, store.Task{ID: f.id + "-nodue", Step: mzflow.StepInfoCheck, Role: mzflow.RoleCountyReviewer,
					OrgCode: county, Status: store.TaskOpen, CreatedAt: f.submitted})
			}
			if f.doneTaskOfTheMonth {
				p.Tasks = append(p.Tasks, store.Task{ID: f.id + "-done", Step: mzflow.StepCountyDecision, Role: mzflow.RoleCountyApprover,
					OrgCode: county, Status: store.TaskDone, CreatedAt: f.submitted, DueAt: ptr(from), EscalationLevel: 2})
			}
			mustApply(t, st, p)
		}

		got, err := st.Summary(t.Context(), "", from, to, now)
		if err != nil {
			t.Fatalf("Summary: %v", err)
		}
		t.Run("one row per township in code order", func(t *testing.T) {
			var codes []string
			for _, r := range got {
				codes = append(codes, r.TownshipCode)
			}
			if want := []string{townYL, townHS, "349901102"}; !slices.Equal(codes, want) {
				t.Fatalf("Summary townships = %v, want %v", codes, want)
			}
		})
		for i, w := range want {
			t.Run(w.TownshipName+" numbers match", func(t *testing.T) {
				if i >= len(got) {
					t.Fatalf("Summary has %d rows, want a row #%d", len(got), i)
				}
				if got[i] != w {
					t.Errorf("Summary[%d] = %+v, want %+v", i, got[i], w)
				}
			})
		}
		t.Run("no townships gives no rows", func(t *testing.T) {
			empty := storetest.SQLite(t)
			if st.Dialect() == "mysql" {
				empty = storetest.MySQL(t)
			}
			rows, err := empty.Summary(t.Context(), "", from, to, now)
			if err != nil {
				t.Fatalf("Summary: %v", err)
			}
			if len(rows) != 0 {
				t.Errorf("Summary on an empty database = %+v, want no rows", rows)
			}
		})
	})
}

func TestUsersByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		c := mustOrg(t, st, county, "示范县", mzflow.LevelCounty, nil)
		yl := mustOrg(t, st, townYL, "云岭镇", mzflow.LevelTownship, &c.ID)
		hs := mustOrg(t, st, townHS, "河山镇", mzflow.LevelTownship, &c.ID)
		mustUser(t, st, "clerk_yl1", "王芳", mzflow.RoleTownshipClerk, yl.ID)
		inactive := &store.User{Username: "clerk_yl2", Name: "离职", PasswordHash: "x", Role: mzflow.RoleTownshipClerk, OrgID: yl.ID}
		if err := st.CreateUser(ctx, inactive); err != nil {
			t.Fatalf("CreateUser(inactive): %v", err)
		}
		mustUser(t, st, "head_yl", "李建国", mzflow.RoleTownshipHead, yl.ID)
		mustUser(t, st, "clerk_hs", "赵敏", mzflow.RoleTownshipClerk, hs.ID)
		mustUser(t, st, "clerk_yl3", "钱七", mzflow.RoleTownshipClerk, yl.ID)
		mustUser(t, st, "supervisor", "周明", mzflow.RoleSupervisor, c.ID)

		tests := []struct {
			name  string
			role  mzflow.Role
			org   string
			wantU []string
		}{
			{"active clerks of YL in id order", mzflow.RoleTownshipClerk, townYL, []string{"clerk_yl1", "clerk_yl3"}},
			{"clerk of HS only", mzflow.RoleTownshipClerk, townHS, []string{"clerk_hs"}},
			{"head of YL", mzflow.RoleTownshipHead, townYL, []string{"head_yl"}},
			{"no head in HS", mzflow.RoleTownshipHead, townHS, []string{}},
			{"supervisor of the county", mzflow.RoleSupervisor, county, []string{"supervisor"}},
			{"unknown org has none", mzflow.RoleTownshipClerk, "999999", []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				us, err := st.UsersByRole(ctx, tt.role, tt.org)
				if err != nil {
					t.Fatalf("UsersByRole(%s, %s): %v", tt.role, tt.org, err)
				}
				got := []string{}
				for _, u := range us {
					got = append(got, u.Username)
					if u.Org.Code != tt.org || u.Org.ID != u.OrgID || u.Org.Name == "" {
						t.Errorf("%s.Org = {%d %s %q}, want {%d %s name}", u.Username, u.Org.ID, u.Org.Code, u.Org.Name, u.OrgID, tt.org)
					}
					if !u.Active || u.Role != tt.role {
						t.Errorf("%s = {active %v %s}, want {active true %s}", u.Username, u.Active, u.Role, tt.role)
					}
				}
				if !slices.Equal(got, tt.wantU) {
					t.Errorf("UsersByRole(%s, %s) = %v, want %v", tt.role, tt.org, got, tt.wantU)
				}
			})
		}
	})
}
