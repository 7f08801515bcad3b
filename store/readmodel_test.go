package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

const (
	townYL = "349901100" // 云岭镇
	townHS = "349901101" // 河山镇
	county = "349901"
)

// newCase is an in-progress case at intake with every NOT NULL column filled.
func newCase(id, township string, program mzflow.Program, name string, submitted time.Time) store.Case {
	return store.Case{
		ID: id, WorkflowID: "wf-" + id, Program: program, Status: mzflow.StatusInProgress, Step: mzflow.StepIntake,
		TownshipCode: township, ApplicantName: name, IDNumberEnc: []byte("sealed-" + id), IDNumberHash: hash64(id),
		IDNumberMasked: "340102********1234", SubmittedAt: submitted, UpdatedAt: submitted,
	}
}

func ptr[T any](v T) *T { return &v }

// mustApply applies a projection or fails the test.
func mustApply(t *testing.T, st *store.Store, p *store.Projection) {
	t.Helper()
	if err := st.ApplyProjection(context.Background(), p); err != nil {
		t.Fatalf("ApplyProjection(%s): %v", p.Case.ID, err)
	}
}

func caseIDs(cs []store.Case) []string {
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func taskIDs(ts []store.Task) []string {
	ids := []string{}
	for _, t := range ts {
		ids = append(ids, t.ID)
	}
	return ids
}

// rowCounts counts the rows a projection of case caseID wrote, through the public reads.
type rowCounts struct{ cases, tasks, events, notifications int64 }

func countRows(t *testing.T, st *store.Store, caseID string, users ...int64) rowCounts {
	t.Helper()
	ctx := context.Background()
	var n rowCounts
	_, total, err := st.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatalf("ListCases: %v", err)
	}
	n.cases = total
	ts, err := st.CaseTasks(ctx, caseID)
	if err != nil {
		t.Fatalf("CaseTasks: %v", err)
	}
	n.tasks = int64(len(ts))
	es, err := st.CaseTimeline(ctx, caseID)
	if err != nil {
		t.Fatalf("CaseTimeline: %v", err)
	}
	n.events = int64(len(es))
	for _, u := range users {
		_, total, err := st.Notifications(ctx, u, false, 1, 100)
		if err != nil {
			t.Fatalf("Notifications(%d): %v", u, err)
		}
		n.notifications += total
	}
	return n
}

func TestApplyProjection(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 123456000, cst)
	due := t0.Add(30 * 24 * time.Hour)
	first := &store.Projection{
		Case: newCase("C1", townYL, mzflow.Dibao, "王芳", t0),
		Tasks: []store.Task{{ID: "C1-intake", Step: mzflow.StepIntake, Role: mzflow.RoleTownshipClerk,
			OrgCode: townYL, Status: store.TaskOpen, CreatedAt: t0, DueAt: ptr(t0.Add(72 * time.Hour)), Notified: "[]"}},
		Events: []store.TimelineEvent{
			{Seq: 1, Type: "submitted", Step: mzflow.StepIntake, ActorName: "王芳", At: t0, Data: "{}"},
			{Seq: 2, Type: "task_opened", Step: mzflow.StepIntake, At: t0, Data: "{}"},
		},
		Notifications: []store.Notification{{DedupKey: "C1-intake-open-1", UserID: 1, Kind: "notice",
			CaseID: "C1", TaskID: "C1-intake", Text: "新任务：受理", CreatedAt: t0}},
	}
	decided := t0.Add(2 * time.Hour)
	second := &store.Projection{
		Case: func() store.Case {
			c := newCase("C1", townYL, mzflow.Dibao, "王芳", t0)
			c.Step, c.DueAt, c.LastSeq, c.AmountMonthly = mzflow.StepInvestigation, &due, 3, ptr(512.5)
			c.UpdatedAt = decided
			return c
		}(),
		Tasks: []store.Task{
			{ID: "C1-intake", Step: mzflow.StepIntake, Role: mzflow.RoleTownshipClerk, OrgCode: townYL,
				Status: store.TaskDone, CreatedAt: t0, DueAt: ptr(t0.Add(72 * time.Hour)), DecidedAt: &decided,
				DecidedBy: ptr(int64(7)), Outcome: "complete", Notified: "[]"},
			{ID: "C1-investigation", Step: mzflow.StepInvestigation, Role: mzflow.RoleTownshipClerk, OrgCode: townYL,
				Status: store.TaskOpen, CreatedAt: decided, DueAt: ptr(decided.Add(240 * time.Hour)), Notified: "[]"},
		},
		Events: []store.TimelineEvent{
			// Seq 1 again with another comment: the projection describes state, so it
			// replaces the first write (one from an uncommitted workflow task).
			{Seq: 1, Type: "submitted", Step: mzflow.StepIntake, ActorName: "王芳", At: t0, Comment: "changed", Data: "{}"},
			{Seq: 3, Type: "decided", Step: mzflow.StepIntake, ActorID: ptr(int64(7)), ActorName: "王芳",
				ActorRole: mzflow.RoleTownshipClerk, At: decided, Comment: "材料齐全", Data: `{"outcome":"complete"}`},
		},
		Notifications: []store.Notification{
			{DedupKey: "C1-intake-open-1", UserID: 1, Kind: "notice", CaseID: "C1", Text: "changed", CreatedAt: decided},
			{DedupKey: "C1-investigation-open-1", UserID: 1, Kind: "notice", CaseID: "C1",
				TaskID: "C1-investigation", Text: "新任务：家庭经济状况调查", CreatedAt: decided},
		},
	}

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()

		t.Run("applying twice writes the rows once", func(t *testing.T) {
			mustApply(t, st, first)
			once := countRows(t, st, "C1", 1)
			mustApply(t, st, first)
			twice := countRows(t, st, "C1", 1)
			if want := (rowCounts{1, 1, 2, 1}); once != want || twice != want {
				t.Errorf("rows after one / two applies = %+v / %+v, want %+v both", once, twice, want)
			}
		})
		t.Run("a second projection applied twice updates and adds", func(t *testing.T) {
			mustApply(t, st, second)
			mustApply(t, st, second)
			if got, want := countRows(t, st, "C1", 1), (rowCounts{1, 2, 3, 2}); got != want {
				t.Errorf("rows = %+v, want %+v", got, want)
			}
		})
		t.Run("case fields take the second value in UTC", func(t *testing.T) {
			got, err := st.CaseByID(ctx, "C1")
			if err != nil {
				t.Fatalf("CaseByID: %v", err)
			}
			if got.Step != mzflow.StepInvestigation || got.LastSeq != 3 || got.AmountMonthly == nil || *got.AmountMonthly != 512.5 {
				t.Errorf("case = {step %s seq %d amount %v}, want {investigation 3 512.5}", got.Step, got.LastSeq, got.AmountMonthly)
			}
			if got.ApplicantName != "王芳" || string(got.IDNumberEnc) != "sealed-C1" || got.IDNumberHash != hash64("C1") {
				t.Errorf("case person = {%s %q %s}, want {王芳 sealed-C1 %s}", got.ApplicantName, got.IDNumberEnc, got.IDNumberHash, hash64("C1"))
			}
			sameInstantUTC(t, "SubmittedAt", got.SubmittedAt, t0)
			sameInstantUTC(t, "UpdatedAt", got.UpdatedAt, decided)
			if got.DueAt == nil {
				t.Fatalf("DueAt = nil, want %v", due)
			}
			sameInstantUTC(t, "DueAt", *got.DueAt, due)
		})
		t.Run("tasks take the second value and the case's township", func(t *testing.T) {
			ts, err := st.CaseTasks(ctx, "C1")
			if err != nil {
				t.Fatalf("CaseTasks: %v", err)
			}
			if got, want := taskIDs(ts), []string{"C1-intake", "C1-investigation"}; !slices.Equal(got, want) {
				t.Fatalf("CaseTasks = %v, want %v", got, want)
			}
			intake := ts[0]
			if intake.Status != store.TaskDone || intake.Outcome != "complete" || intake.DecidedBy == nil || *intake.DecidedBy != 7 {
				t.Errorf("intake = {%s %s by %s}, want {done complete by 7}", intake.Status, intake.Outcome, fmtPtr(intake.DecidedBy))
			}
			if intake.DecidedAt == nil {
				t.Fatalf("intake DecidedAt = nil, want %v", decided)
			}
			sameInstantUTC(t, "intake DecidedAt", *intake.DecidedAt, decided)
			for _, task := range ts {
				if task.CaseID != "C1" || task.TownshipCode != townYL || task.Program != mzflow.Dibao || task.ApplicantName != "王芳" {
					t.Errorf("task %s = {case %s township %s program %s name %s}, want {C1 %s dibao 王芳}",
						task.ID, task.CaseID, task.TownshipCode, task.Program, task.ApplicantName, townYL)
				}
			}
			got, err := st.TaskByID(ctx, "C1-investigation")
			if err != nil {
				t.Fatalf("TaskByID: %v", err)
			}
			if got.Status != store.TaskOpen || got.Step != mzflow.StepInvestigation {
				t.Errorf("TaskByID = {%s %s}, want {open investigation}", got.Status, got.Step)
			}
			sameInstantUTC(t, "investigation CreatedAt", got.CreatedAt, decided)
		})
		t.Run("timeline takes the latest write of each seq, in order", func(t *testing.T) {
			es, err := st.CaseTimeline(ctx, "C1")
			if err != nil {
				t.Fatalf("CaseTimeline: %v", err)
			}
			var seqs []int
			for _, e := range es {
				seqs = append(seqs, e.Seq)
			}
			if want := []int{1, 2, 3}; !slices.Equal(seqs, want) {
				t.Fatalf("timeline seqs = %v, want %v", seqs, want)
			}
			if es[0].Comment != "changed" {
				t.Errorf("event 1 comment = %q, want the latest write's %q", es[0].Comment, "changed")
			}
			if es[2].Comment != "材料齐全" || es[2].ActorID == nil || *es[2].ActorID != 7 || es[2].ActorRole != mzflow.RoleTownshipClerk {
				t.Errorf("event 3 = {%q actor %s %s}, want {材料齐全 actor 7 township_clerk}", es[2].Comment, fmtPtr(es[2].ActorID), es[2].ActorRole)
			}
			sameInstantUTC(t, "event 3 At", es[2].At, decided)
		})
		t.Run("notification takes the latest text of a dedup key", func(t *testing.T) {
			ns, _, err := st.Notifications(ctx, 1, false, 1, 20)
			if err != nil {
				t.Fatalf("Notifications: %v", err)
			}
			texts := map[string]string{}
			for _, n := range ns {
				texts[n.DedupKey] = n.Text
			}
			if got, want := texts["C1-intake-open-1"], "changed"; got != want {
				t.Errorf("text of C1-intake-open-1 = %q, want %q", got, want)
			}
		})
		t.Run("projection without tasks events or notifications updates the case", func(t *testing.T) {
			c := second.Case
			c.Status, c.Step = mzflow.StatusAwaitingMaterials, mzflow.StepIntake
			mustApply(t, st, &store.Projection{Case: c})
			got, err := st.CaseByID(ctx, "C1")
			if err != nil {
				t.Fatalf("CaseByID: %v", err)
			}
			if got.Status != mzflow.StatusAwaitingMaterials {
				t.Errorf("status = %s, want awaiting_materials", got.Status)
			}
		})
		t.Run("missing case and task are not found", func(t *testing.T) {
			_, err := st.CaseByID(ctx, "nope")
			wantCode(t, err, mzflow.CodeNotFound)
			if got, want := mzflow.ErrorMessage(err), "申请不存在"; got != want {
				t.Errorf("CaseByID message = %q, want %q", got, want)
			}
			_, err = st.TaskByID(ctx, "nope")
			wantCode(t, err, mzflow.CodeNotFound)
			if got, want := mzflow.ErrorMessage(err), "任务不存在"; got != want {
				t.Errorf("TaskByID message = %q, want %q", got, want)
			}
		})
		t.Run("empty case ID is an error", func(t *testing.T) {
			if err := st.ApplyProjection(ctx, &store.Projection{}); err == nil {
				t.Errorf("ApplyProjection(empty) = nil, want an error")
			}
		})
	})
}

func TestListCases(t *testing.T) {
	now := time.Date(2026, 4, 20, 10, 0, 0, 0, cst)
	day := 24 * time.Hour
	mk := func(id, town string, p mzflow.Program, name string, daysAgo int, status mzflow.CaseStatus, step mzflow.Step, dueIn time.Duration) store.Case {
		c := newCase(id, town, p, name, now.Add(-time.Duration(daysAgo)*day))
		c.Status, c.Step = status, step
		if dueIn != 0 {
			c.DueAt = ptr(now.Add(dueIn))
		}
		return c
	}
	cases := []store.Case{
		mk("c1", townYL, mzflow.Dibao, "王芳", 60, mzflow.StatusInProgress, mzflow.StepInvestigation, 5*day),
		mk("c2", townYL, mzflow.Tekun, "王小明", 50, mzflow.StatusApproved, "", 0),
		mk("c3", townHS, mzflow.Dibao, "李四", 40, mzflow.StatusInProgress, mzflow.StepCountyReview, -2*day),
		mk("c4", townHS, mzflow.Linshi, "王_五", 30, mzflow.StatusAwaitingMaterials, mzflow.StepIntake, 10*day),
		mk("c5", townYL, mzflow.Veteran, "张三", 20, mzflow.StatusRejected, "", -day),
		mk("c6", townYL, mzflow.Dibao, "王芳芳", 10, mzflow.StatusAwaitingMaterials, mzflow.StepIntake, -time.Hour),
		mk("c7", townHS, mzflow.Veteran, "赵六", 10, mzflow.StatusInProgress, mzflow.StepArchiveCheck, time.Hour),
	}
	tests := []struct {
		name      string
		f         store.CaseFilter
		wantIDs   []string
		wantTotal int64
	}{
		{"no filter lists all newest first then id", store.CaseFilter{}, []string{"c6", "c7", "c5", "c4", "c3", "c2", "c1"}, 7},
		{"program dibao lists its cases", store.CaseFilter{Program: mzflow.Dibao}, []string{"c6", "c3", "c1"}, 3},
		{"status in progress lists its cases", store.CaseFilter{Status: mzflow.StatusInProgress}, []string{"c7", "c3", "c1"}, 3},
		{"step intake lists its cases", store.CaseFilter{Step: mzflow.StepIntake}, []string{"c6", "c4"}, 2},
		{"township HS lists its cases", store.CaseFilter{TownshipCode: townHS}, []string{"c7", "c4", "c3"}, 3},
		{"township and program combine", store.CaseFilter{TownshipCode: townYL, Program: mzflow.Dibao}, []string{"c6", "c1"}, 2},
		{"name prefix 王 matches four", store.CaseFilter{Name: "王"}, []string{"c6", "c4", "c2", "c1"}, 4},
		{"name prefix 王芳 matches two", store.CaseFilter{Name: "王芳"}, []string{"c6", "c1"}, 2},
		{"name prefix 王_ matches the underscore only", store.CaseFilter{Name: "王_"}, []string{"c4"}, 1},
		{"name prefix % matches nothing", store.CaseFilter{Name: "%"}, []string{}, 0},
		{"name prefix of a middle character matches nothing", store.CaseFilter{Name: "芳"}, []string{}, 0},
		{"id hash matches exactly", store.CaseFilter{IDHash: hash64("c3")}, []string{"c3"}, 1},
		{"unknown id hash matches nothing", store.CaseFilter{IDHash: hash64("zz")}, []string{}, 0},
		{"overdue lists open cases past due", store.CaseFilter{Overdue: true, Now: now}, []string{"c6", "c3"}, 2},
		{"overdue with township", store.CaseFilter{Overdue: true, Now: now, TownshipCode: townYL}, []string{"c6"}, 1},
		{"page 2 of size 3", store.CaseFilter{Page: 2, PageSize: 3}, []string{"c4", "c3", "c2"}, 7},
		{"last page is short", store.CaseFilter{Page: 3, PageSize: 3}, []string{"c1"}, 7},
		{"page past the end is empty with the total", store.CaseFilter{Page: 9, PageSize: 3}, []string{}, 7},
		{"page 0 is page 1", store.CaseFilter{Page: 0, PageSize: 2}, []string{"c6", "c7"}, 7},
		{"page size above 100 is clamped", store.CaseFilter{PageSize: 1000}, []string{"c6", "c7", "c5", "c4", "c3", "c2", "c1"}, 7},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, c := range cases {
			mustApply(t, st, &store.Projection{Case: c})
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := st.ListCases(t.Context(), tt.f)
				if err != nil {
					t.Fatalf("ListCases(%+v): %v", tt.f, err)
				}
				if ids := caseIDs(got); !slices.Equal(ids, tt.wantIDs) || total != tt.wantTotal {
					t.Errorf("ListCases = %v total %d, want %v total %d", ids, total, tt.wantIDs, tt.wantTotal)
				}
			})
		}
	})
}

// taskFixture is a set of cases with tasks for the task lists and the overdue board:
// open tasks by due date are t3 (-3d), t2 (-1d), t7 (-1d), t1 (+2d), t4 (no due date).
func taskFixture(t *testing.T, st *store.Store, now time.Time) {
	t.Helper()
	day := 24 * time.Hour
	created := now.Add(-30 * day)
	task := func(id string, step mzflow.Step, role mzflow.Role, org, status string, due time.Duration, level int) store.Task {
		tk := store.Task{ID: id, Step: step, Role: role, OrgCode: org, Status: status, CreatedAt: created,
			EscalationLevel: level, Notified: "[]"}
		if due != 0 {
			tk.DueAt = ptr(now.Add(due))
		}
		return tk
	}
	projections := []store.Projection{
		{Case: newCase("c1", townYL, mzflow.Dibao, "王芳", created), Tasks: []store.Task{
			task("t1", mzflow.StepInvestigation, mzflow.RoleTownshipClerk, townYL, store.TaskOpen, 2*day, 0),
			task("t2", mzflow.StepInfoCheck, mzflow.RoleCountyReviewer, county, store.TaskOpen, -day, 1),
		}},
		{Case: newCase("c2", townYL, mzflow.Tekun, "王小明", created), Tasks: []store.Task{
			task("t5", mzflow.StepCountyDecision, mzflow.RoleCountyApprover, county, store.TaskDone, -5*day, 0),
		}},
		{Case: newCase("c3", townHS, mzflow.Dibao, "李四", created), Tasks: []store.Task{
			task("t3", mzflow.StepCountyReview, mzflow.RoleCountyReviewer, county, store.TaskOpen, -3*day, 2),
		}},
		{Case: newCase("c4", townHS, mzflow.Linshi, "王_五", created), Tasks: []store.Task{
			task("t4", mzflow.StepIntake, mzflow.RoleTownshipClerk, townHS, store.TaskOpen, 0, 0),
		}},
		{Case: newCase("c6", townYL, mzflow.Dibao, "王芳芳", created), Tasks: []store.Task{
			task("t7", mzflow.StepIntake, mzflow.RoleTownshipClerk, townYL, store.TaskOpen, -day, 0),
		}},
		{Case: newCase("c7", townHS, mzflow.Veteran, "赵六", created), Tasks: []store.Task{
			task("t6", mzflow.StepArchiveCheck, mzflow.RoleVeteranOfficer, county, store.TaskCancelled, 0, 0),
		}},
	}
	for i := range projections {
		mustApply(t, st, &projections[i])
	}
}

// TestListTotalsCapped: past maxTotal matching rows a list's total stops at maxTotal
// (counting never reads more), and pages beyond it still load.
func TestListTotalsCapped(t *testing.T) {
	now := time.Date(2026, 4, 20, 10, 0, 0, 0, cst)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		defer store.SetMaxTotal(3)()
		taskFixture(t, st, now)
		cs, total, err := st.ListCases(t.Context(), store.CaseFilter{Page: 3, PageSize: 2})
		if err != nil || total != 3 || len(cs) != 2 {
			t.Errorf("ListCases page 3 of 2 = %d cases total %d (%v), want 2 cases total 3", len(cs), total, err)
		}
		for page, want := range map[int][]string{3: {"t1", "t4"}, 4: {"t6"}} {
			ts, total, err := st.ListTasks(t.Context(), store.TaskFilter{Page: page, PageSize: 2})
			if ids := taskIDs(ts); err != nil || total != 3 || !slices.Equal(ids, want) {
				t.Errorf("ListTasks page %d of 2 = %v total %d (%v), want %v total 3", page, ids, total, err, want)
			}
		}
		ts, total, err := st.ListTasks(t.Context(), store.TaskFilter{Status: store.TaskOpen, Role: mzflow.RoleTownshipClerk, OrgCode: townYL})
		if ids := taskIDs(ts); err != nil || total != 2 || !slices.Equal(ids, []string{"t7", "t1"}) {
			t.Errorf("ListTasks of a short inbox = %v total %d (%v), want [t7 t1] total 2 (exact below the cap)", ids, total, err)
		}
	})
}

func TestListTasks(t *testing.T) {
	now := time.Date(2026, 4, 20, 10, 0, 0, 0, cst)
	tests := []struct {
		name      string
		f         store.TaskFilter
		wantIDs   []string
		wantTotal int64
	}{
		{"no filter lists all by due date nulls last then id", store.TaskFilter{}, []string{"t5", "t3", "t2", "t7", "t1", "t4", "t6"}, 7},
		{"status open lists open tasks", store.TaskFilter{Status: store.TaskOpen}, []string{"t3", "t2", "t7", "t1", "t4"}, 5},
		{"status done lists done tasks", store.TaskFilter{Status: store.TaskDone}, []string{"t5"}, 1},
		{"status cancelled lists cancelled tasks", store.TaskFilter{Status: store.TaskCancelled}, []string{"t6"}, 1},
		{"role county reviewer lists its tasks", store.TaskFilter{Role: mzflow.RoleCountyReviewer}, []string{"t3", "t2"}, 2},
		{"open inbox of YL clerks", store.TaskFilter{Status: store.TaskOpen, Role: mzflow.RoleTownshipClerk, OrgCode: townYL}, []string{"t7", "t1"}, 2},
		{"org county lists county-held tasks", store.TaskFilter{OrgCode: county}, []string{"t5", "t3", "t2", "t6"}, 4},
		{"township HS lists tasks of its cases", store.TaskFilter{TownshipCode: townHS}, []string{"t3", "t4", "t6"}, 3},
		{"program dibao lists its tasks", store.TaskFilter{Program: mzflow.Dibao}, []string{"t3", "t2", "t7", "t1"}, 4},
		{"step intake lists its tasks", store.TaskFilter{Step: mzflow.StepIntake}, []string{"t7", "t4"}, 2},
		{"overdue lists open tasks past due", store.TaskFilter{Overdue: true, Now: now}, []string{"t3", "t2", "t7"}, 3},
		{"overdue with township YL", store.TaskFilter{Overdue: true, Now: now, TownshipCode: townYL}, []string{"t2", "t7"}, 2},
		{"overdue done tasks is empty", store.TaskFilter{Overdue: true, Now: now, Status: store.TaskDone}, []string{}, 0},
		{"page 2 of size 2", store.TaskFilter{Status: store.TaskOpen, Page: 2, PageSize: 2}, []string{"t7", "t1"}, 5},
		{"a page across the tasks without due date", store.TaskFilter{Page: 2, PageSize: 3}, []string{"t7", "t1", "t4"}, 7},
		{"a page of only tasks without due date", store.TaskFilter{Page: 3, PageSize: 3}, []string{"t6"}, 7},
		{"a page past the end is empty", store.TaskFilter{Page: 4, PageSize: 3}, []string{}, 7},
		{"negative page size is the default", store.TaskFilter{Status: store.TaskOpen, PageSize: -1}, []string{"t3", "t2", "t7", "t1", "t4"}, 5},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		taskFixture(t, st, now)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := st.ListTasks(t.Context(), tt.f)
				if err != nil {
					t.Fatalf("ListTasks(%+v): %v", tt.f, err)
				}
				if ids := taskIDs(got); !slices.Equal(ids, tt.wantIDs) || total != tt.wantTotal {
					t.Errorf("ListTasks = %v total %d, want %v total %d", ids, total, tt.wantIDs, tt.wantTotal)
				}
			})
		}
	})
}
