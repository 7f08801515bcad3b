package rules

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mzflow/mzflow"
)

func TestDefaultsValidate(t *testing.T) {
	r := Defaults()
	if err := r.Validate(); err != nil {
		t.Fatalf("Defaults().Validate() = %v, want nil", err)
	}
	for _, p := range mzflow.Programs {
		t.Run(string(p), func(t *testing.T) {
			q, ok := r.Programs[p]
			if !ok {
				t.Fatalf("Defaults() has no rules for %s", p)
			}
			if err := q.Validate(); err != nil {
				t.Errorf("Defaults()[%s].Validate() = %v, want nil", p, err)
			}
			if q.Program != p || q.Name != p.Name() {
				t.Errorf("Defaults()[%s] = program %q name %q, want %q %q", p, q.Program, q.Name, p, p.Name())
			}
			if len(q.Steps) != len(StepsOf(p)) {
				t.Errorf("Defaults()[%s] has %d steps, want %d (StepsOf)", p, len(q.Steps), len(StepsOf(p)))
			}
			for _, s := range StepsOf(p) {
				if q.Steps[s].Limit.IsZero() {
					t.Errorf("Defaults()[%s].Steps[%s] has no limit", p, s)
				}
			}
		})
	}
	if len(r.Programs) != len(mzflow.Programs) {
		t.Errorf("Defaults() has %d programs, want %d", len(r.Programs), len(mzflow.Programs))
	}
}

// TestDefaultsNumbers pins the numbers docs/domain.md gives, so a slip in defaults.go shows.
func TestDefaultsNumbers(t *testing.T) {
	r := Defaults()
	tests := []struct {
		p        mzflow.Program
		overall  string
		extended string
		spot     float64
		cap      float64
		steps    map[mzflow.Step]string
	}{
		{mzflow.Dibao, "30WD", "45WD", 0.3, 0, map[mzflow.Step]string{
			"intake": "3WD", "investigation": "10WD", "info_check": "3WD", "township_review": "5WD",
			"publicity": "7d", "objection_review": "10WD", "county_review": "10WD", "county_decision": "3WD",
			"notice": "3WD", "recheck": "10WD"}},
		{mzflow.Tekun, "45WD", "60WD", 0.3, 0, map[mzflow.Step]string{
			"intake": "3WD", "investigation": "15WD", "info_check": "3WD", "township_review": "5WD",
			"publicity": "7d", "objection_review": "15WD", "county_review": "15WD", "county_decision": "3WD",
			"notice": "3WD", "recheck": "10WD"}},
		{mzflow.Linshi, "15WD", "20WD", 0, 2000, map[mzflow.Step]string{
			"township_grant": "24h", "paperwork": "5WD", "intake": "1WD", "investigation": "9WD",
			"township_review": "3WD", "publicity": "5WD", "county_review": "5WD", "county_decision": "3WD",
			"notice": "3WD"}},
		{mzflow.Veteran, "60WD", "90WD", 0, 0, map[mzflow.Step]string{
			"intake": "3WD", "township_review": "10WD", "archive_check": "20WD", "county_review": "15WD",
			"publicity": "7d", "county_decision": "10WD", "benefit_registration": "10WD", "notice": "3WD"}},
	}
	for _, tt := range tests {
		q := r.Programs[tt.p]
		if got := q.OverallLimit.String(); got != tt.overall {
			t.Errorf("%s overall_limit = %s, want %s", tt.p, got, tt.overall)
		}
		if got := q.ExtendedLimit.String(); got != tt.extended {
			t.Errorf("%s extended_limit = %s, want %s", tt.p, got, tt.extended)
		}
		if q.SpotCheckRate != tt.spot || q.TownshipCap != tt.cap || q.CountPublicity {
			t.Errorf("%s spot_check_rate, township_cap, count_publicity = %v, %v, %v, want %v, %v, false",
				tt.p, q.SpotCheckRate, q.TownshipCap, q.CountPublicity, tt.spot, tt.cap)
		}
		for s, want := range tt.steps {
			if got := q.Steps[s].Limit.String(); got != want {
				t.Errorf("%s steps.%s.limit = %s, want %s", tt.p, s, got, want)
			}
		}
		if q.RemindBefore.String() != "1WD" || q.EscalateEvery.String() != "2WD" ||
			!slices.Equal(q.Escalation, []mzflow.Role{mzflow.RoleTownshipHead, mzflow.RoleSupervisor}) {
			t.Errorf("%s remind_before, escalate_every, escalation = %s, %s, %v, want 1WD, 2WD, [township_head supervisor]",
				tt.p, q.RemindBefore, q.EscalateEvery, q.Escalation)
		}
		hasRecheck := tt.p == mzflow.Dibao || tt.p == mzflow.Tekun
		if want := map[string]int{"stable": 12, "unstable": 6}; hasRecheck && !reflect.DeepEqual(q.RecheckMonths, want) {
			t.Errorf("%s recheck_months = %v, want %v", tt.p, q.RecheckMonths, want)
		}
		if !hasRecheck && q.RecheckMonths != nil {
			t.Errorf("%s recheck_months = %v, want nil", tt.p, q.RecheckMonths)
		}
	}
}

func TestStepsOf(t *testing.T) {
	tests := []struct {
		p    mzflow.Program
		want string
	}{
		{mzflow.Dibao, "intake investigation info_check township_review publicity objection_review county_review county_decision notice recheck"},
		{mzflow.Tekun, "intake investigation info_check township_review publicity objection_review county_review county_decision notice recheck"},
		{mzflow.Linshi, "township_grant paperwork intake investigation township_review publicity county_review county_decision notice"},
		{mzflow.Veteran, "intake township_review archive_check county_review publicity county_decision benefit_registration notice"},
		{"eldercare", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range StepsOf(tt.p) {
			got = append(got, string(s))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("StepsOf(%s) = %v, want %s", tt.p, got, tt.want)
		}
	}
	s := StepsOf(mzflow.Dibao)
	s[0] = "changed"
	if StepsOf(mzflow.Dibao)[0] != mzflow.StepIntake {
		t.Errorf("StepsOf(dibao) shares its slice with callers, want a new slice on every call")
	}
}

func TestProgramIsDeepCopy(t *testing.T) {
	r := Defaults()
	for _, p := range mzflow.Programs {
		t.Run(string(p), func(t *testing.T) {
			got, ok := r.Program(p)
			if !ok {
				t.Fatalf("Program(%s) ok = false, want true", p)
			}
			if !reflect.DeepEqual(got, *r.Programs[p]) {
				t.Fatalf("Program(%s) = %+v, want %+v", p, got, *r.Programs[p])
			}
			got.Name = "changed"
			got.OverallLimit.N = 99
			got.Escalation[0] = mzflow.RoleAdmin
			got.Escalation = append(got.Escalation, mzflow.RoleAdmin)
			got.Steps[mzflow.StepIntake] = Step{Limit: mzflow.Limit{N: 1, Unit: mzflow.Seconds}}
			got.Steps["extra"] = Step{}
			if got.RecheckMonths != nil {
				got.RecheckMonths["stable"] = 1
			}
			if want := Defaults().Programs[p]; !reflect.DeepEqual(r.Programs[p], want) {
				t.Errorf("after changing Program(%s)'s result, rules = %+v, want unchanged %+v", p, r.Programs[p], want)
			}
		})
	}
	if got, ok := r.Program("eldercare"); ok {
		t.Errorf("Program(eldercare) = %+v, true, want false", got)
	}
	var nilRules *Rules
	if _, ok := nilRules.Program(mzflow.Dibao); ok {
		t.Errorf("(*Rules)(nil).Program(dibao) ok = true, want false")
	}
}

func TestCloneIsDeep(t *testing.T) {
	r := Defaults()
	c := r.Clone()
	if !reflect.DeepEqual(c, r) {
		t.Fatalf("Clone() = %+v, want %+v", c, r)
	}
	c.Programs[mzflow.Dibao].Steps[mzflow.StepPublicity] = Step{Limit: mzflow.Limit{N: 20, Unit: mzflow.Seconds}}
	c.Programs[mzflow.Tekun].Escalation[1] = mzflow.RoleAdmin
	c.Programs[mzflow.Dibao].RecheckMonths["stable"] = 1
	delete(c.Programs, mzflow.Veteran)
	if !reflect.DeepEqual(r, Defaults()) {
		t.Errorf("changing a Clone changed the original: %+v", r)
	}
	if (*Rules)(nil).Clone() != nil {
		t.Errorf("(*Rules)(nil).Clone() != nil")
	}
}

// TestJSONRoundTrip guards the path a case takes: its Program goes into a workflow input
// as JSON and must come back equal.
func TestJSONRoundTrip(t *testing.T) {
	want := Defaults()
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("json.Marshal(Defaults()) = %v", err)
	}
	for _, key := range []string{`"overall_limit":"30WD"`, `"spot_check_rate":0.3`, `"publicity":{"limit":"7d"}`,
		`"escalation":["township_head","supervisor"]`, `"recheck_months":{"stable":12,"unstable":6}`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("json.Marshal(Defaults()) lacks %s", key)
		}
	}
	got := &Rules{}
	if err := json.Unmarshal(b, got); err != nil {
		t.Fatalf("json.Unmarshal = %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON round trip = %+v, want %+v", got, want)
	}
}

func TestValidate(t *testing.T) {
	lim := func(n int, u mzflow.Unit) mzflow.Limit { return mzflow.Limit{N: n, Unit: u} }
	tests := []struct {
		name   string
		p      mzflow.Program
		change func(p *Program)
		field  string
		msg    string
	}{
		{"ErrUnknownProgram", mzflow.Dibao, func(p *Program) { p.Program = "eldercare" }, "program", "未知的项目"},
		{"ErrOverallUnset", mzflow.Dibao, func(p *Program) { p.OverallLimit = mzflow.Limit{} }, "overall_limit", "未设置时限"},
		{"ErrOverallNegative", mzflow.Dibao, func(p *Program) { p.OverallLimit = lim(-1, mzflow.WorkingDays) }, "overall_limit", "不能为负数"},
		{"ErrBadUnit", mzflow.Dibao, func(p *Program) { p.RemindBefore = lim(1, "X") }, "remind_before", "单位无效"},
		{"ErrExtendedUnit", mzflow.Dibao, func(p *Program) { p.ExtendedLimit = lim(60, mzflow.CalendarDays) }, "extended_limit", "相同的单位"},
		{"ErrExtendedShorter", mzflow.Dibao, func(p *Program) { p.ExtendedLimit = lim(20, mzflow.WorkingDays) }, "extended_limit", "不能短于总时限 30WD"},
		{"ErrSpotNegative", mzflow.Dibao, func(p *Program) { p.SpotCheckRate = -0.1 }, "spot_check_rate", "0 到 1"},
		{"ErrSpotAboveOne", mzflow.Dibao, func(p *Program) { p.SpotCheckRate = 30 }, "spot_check_rate", "0 到 1"},
		{"ErrCapNegative", mzflow.Linshi, func(p *Program) { p.TownshipCap = -1 }, "township_cap", "不小于0"},
		{"ErrEscalationEmpty", mzflow.Dibao, func(p *Program) { p.Escalation = nil }, "escalation", "至少需要一个角色"},
		{"ErrEscalationRole", mzflow.Dibao, func(p *Program) { p.Escalation[1] = "mayor" }, "escalation[1]", "未知的角色 \"mayor\""},
		{"ErrEscalateEveryZero", mzflow.Dibao, func(p *Program) { p.EscalateEvery = lim(0, mzflow.WorkingDays) }, "escalate_every", "应大于0"},
		{"ErrRecheckZero", mzflow.Dibao, func(p *Program) { p.RecheckMonths["unstable"] = 0 }, "recheck_months.unstable", "应大于0"},
		{"ErrRecheckMissing", mzflow.Tekun, func(p *Program) { delete(p.RecheckMonths, "stable") }, "recheck_months.stable", "缺少"},
		{"ErrRecheckCategory", mzflow.Dibao, func(p *Program) { p.RecheckMonths["poor"] = 3 }, "recheck_months.poor", "未知的家庭类别"},
		{"ErrRecheckWrongProgram", mzflow.Veteran, func(p *Program) { p.RecheckMonths = map[string]int{"stable": 12} }, "recheck_months", "没有动态复核"},
		{"ErrStepUnknown", mzflow.Linshi, func(p *Program) { p.Steps[mzflow.StepRecheck] = Step{lim(1, mzflow.WorkingDays)} }, "steps.recheck", "临时救助没有步骤"},
		{"ErrStepMissing", mzflow.Veteran, func(p *Program) { delete(p.Steps, mzflow.StepArchiveCheck) }, "steps.archive_check", "缺少步骤“档案核查”"},
		{"ErrStepLimitUnset", mzflow.Dibao, func(p *Program) { p.Steps[mzflow.StepIntake] = Step{} }, "steps.intake.limit", "未设置时限"},
		{"ErrStepLimitNegative", mzflow.Dibao, func(p *Program) { p.Steps[mzflow.StepIntake] = Step{lim(-3, mzflow.WorkingDays)} }, "steps.intake.limit", "不能为负数"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Defaults().Programs[tt.p]
			tt.change(p)
			err := p.Validate()
			var e *mzflow.Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %v, want an *mzflow.Error", err)
			}
			if e.Code != mzflow.CodeInvalid {
				t.Errorf("Validate() code = %s, want %s", e.Code, mzflow.CodeInvalid)
			}
			if e.Details["field"] != tt.field || !strings.HasPrefix(e.Message, tt.field+": ") {
				t.Errorf("Validate() = %q (field %v), want field %s", e.Message, e.Details["field"], tt.field)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("Validate() = %q, want it to contain %q", e.Message, tt.msg)
			}
		})
	}
}

func TestRulesValidate(t *testing.T) {
	r := Defaults()
	r.Programs[mzflow.Tekun].Steps[mzflow.StepIntake] = Step{}
	if got, want := mzflow.ErrorMessage(r.Validate()), "tekun.steps.intake.limit: "; !strings.HasPrefix(got, want) {
		t.Errorf("Rules.Validate() = %q, want prefix %q", got, want)
	}
	r = Defaults()
	r.Programs[mzflow.Tekun] = r.Programs[mzflow.Dibao]
	if got, want := mzflow.ErrorMessage(r.Validate()), "tekun.program: "; !strings.HasPrefix(got, want) {
		t.Errorf("Rules.Validate() with dibao's rules under tekun = %q, want prefix %q", got, want)
	}
}
