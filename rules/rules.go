// Package rules holds the rules document of DESIGN.md ("Rules are data"): per program,
// the time limit of every step with its unit, the overall limit and its extension, the
// spot-check rate, the township's approval cap, re-check cycles and the escalation
// chain. It ships the national defaults of docs/domain.md (Defaults), reads a county's YAML
// overrides (Load, Parse) and checks what an administrator sends (Program.Validate).
//
// It also checks resident ID numbers (ValidateID) and division codes
// (CheckTownshipCode), because those checks are rules too and every entry point needs
// them.
//
// The package is pure: no clock, no database, no globals that change. Workflows import
// it, and a case copies its Program into its workflow input, so later edits to the rules
// never change a running case.
package rules

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/mzflow/mzflow"
)

// Step is the rule of one step of a program.
type Step struct {
	// Limit is the time the step may take, counted from the day it opens.
	Limit mzflow.Limit `json:"limit" yaml:"limit"`
}

// Program is the rules of one program. Every field is required once the program is
// validated; Defaults fills all of them.
type Program struct {
	Program mzflow.Program `json:"program" yaml:"program"`
	// Name is the Chinese name staff see.
	Name string `json:"name" yaml:"name"`
	// OverallLimit is the time from acceptance to decision.
	OverallLimit mzflow.Limit `json:"overall_limit" yaml:"overall_limit"`
	// ExtendedLimit replaces OverallLimit once a county role extends a case. It has the
	// same unit as OverallLimit and is never shorter.
	ExtendedLimit mzflow.Limit `json:"extended_limit" yaml:"extended_limit"`
	// CountPublicity tells whether the publicity period counts towards the overall limit.
	// The national text is silent; several local rules exclude it (不含公示时间).
	CountPublicity bool `json:"count_publicity" yaml:"count_publicity"`
	// SpotCheckRate is the share of cases, 0 to 1, the county visits at home.
	SpotCheckRate float64 `json:"spot_check_rate" yaml:"spot_check_rate"`
	// RemindBefore is how long before a task's deadline its holder is reminded.
	RemindBefore mzflow.Limit `json:"remind_before" yaml:"remind_before"`
	// Escalation lists who is told as a task goes overdue: the first role at once, the
	// next after EscalateEvery more, and so on.
	Escalation []mzflow.Role `json:"escalation" yaml:"escalation"`
	// EscalateEvery is the time between escalation levels.
	EscalateEvery mzflow.Limit `json:"escalate_every" yaml:"escalate_every"`
	// TownshipCap is the amount in yuan a township may approve alone (linshi); above it
	// the case goes to the county. Zero for programs without delegation.
	TownshipCap float64 `json:"township_cap" yaml:"township_cap"`
	// The bounds of what a case may carry, so an absurd number (a household of a million,
	// 1e308 yuan a month) is refused with the field named instead of approved. No national
	// text sets them; they are the product's sanity limits, set per county.
	// MaxHouseholdSize bounds household_size at filing and members at the investigation.
	MaxHouseholdSize int `json:"max_household_size" yaml:"max_household_size"`
	// MaxIncomeMonthly bounds the household's monthly income the investigation records.
	MaxIncomeMonthly float64 `json:"max_income_monthly" yaml:"max_income_monthly"`
	// MaxAmountMonthly bounds a monthly amount proposed, decided or adjusted.
	MaxAmountMonthly float64 `json:"max_amount_monthly" yaml:"max_amount_monthly"`
	// MaxAmount bounds a one-off amount (临时救助).
	MaxAmount float64 `json:"max_amount" yaml:"max_amount"`
	// RecheckMonths is the re-check cycle in months by household category ("stable",
	// "unstable"), for programs with a recheck step (dibao, tekun).
	RecheckMonths map[string]int `json:"recheck_months" yaml:"recheck_months"`
	// Steps holds the rule of every step of StepsOf(Program).
	Steps map[mzflow.Step]Step `json:"steps" yaml:"steps"`
}

// Rules is the whole rules document: one Program per program, and the security settings.
type Rules struct {
	Programs map[mzflow.Program]*Program `json:"programs" yaml:"programs"`
	Security Security                    `json:"security" yaml:"security"`
}

// householdCategories are the keys of RecheckMonths, the household_category values of
// docs/api.md.
var householdCategories = []string{"stable", "unstable"}

// StepsOf returns the steps of a program in process order (docs/api.md, step codes), or nil
// for an unknown program. Optional steps are included: objection_review runs only after
// an objection, township_grant and paperwork only for urgent linshi cases, county
// steps of linshi only above the township's cap. Each call returns a new slice, so the
// caller may keep or change it.
func StepsOf(p mzflow.Program) []mzflow.Step {
	switch p {
	case mzflow.Dibao, mzflow.Tekun:
		return []mzflow.Step{mzflow.StepIntake, mzflow.StepInvestigation, mzflow.StepInfoCheck,
			mzflow.StepTownshipReview, mzflow.StepPublicity, mzflow.StepObjectionReview,
			mzflow.StepCountyReview, mzflow.StepCountyDecision, mzflow.StepNotice, mzflow.StepRecheck}
	case mzflow.Linshi:
		return []mzflow.Step{mzflow.StepTownshipGrant, mzflow.StepPaperwork, mzflow.StepIntake,
			mzflow.StepInvestigation, mzflow.StepTownshipReview, mzflow.StepPublicity,
			mzflow.StepCountyReview, mzflow.StepCountyDecision, mzflow.StepNotice}
	case mzflow.Veteran:
		return []mzflow.Step{mzflow.StepIntake, mzflow.StepTownshipReview, mzflow.StepArchiveCheck,
			mzflow.StepCountyReview, mzflow.StepPublicity, mzflow.StepCountyDecision,
			mzflow.StepBenefitRegistration, mzflow.StepNotice}
	}
	return nil
}

// hasStep reports whether s is a step of p.
func hasStep(p mzflow.Program, s mzflow.Step) bool { return slices.Contains(StepsOf(p), s) }

// Program returns a deep copy of the rules of p, so that a case can carry them in its
// workflow input and nothing the caller does to the copy reaches r (or the other way
// round). ok is false when r has no rules for p.
func (r *Rules) Program(p mzflow.Program) (Program, bool) {
	if r == nil {
		return Program{}, false
	}
	q, ok := r.Programs[p]
	if !ok || q == nil {
		return Program{}, false
	}
	return q.clone(), true
}

// Clone returns a deep copy of r, for an administrator's edit that must not touch the
// rules other goroutines are reading.
func (r *Rules) Clone() *Rules {
	if r == nil {
		return nil
	}
	c := &Rules{Security: r.Security}
	if r.Programs != nil {
		c.Programs = make(map[mzflow.Program]*Program, len(r.Programs))
		for k, p := range r.Programs {
			if p == nil {
				c.Programs[k] = nil
				continue
			}
			q := p.clone()
			c.Programs[k] = &q
		}
	}
	return c
}

// Validate checks every program of r with Program.Validate and that each is filed under
// its own key. It returns the first problem as an *mzflow.Error with code
// mzflow.CodeInvalid whose field names the program ("dibao.steps.intake.limit").
func (r *Rules) Validate() error {
	if r == nil {
		return mzflow.Errorf(mzflow.CodeInvalid, "缺少规则")
	}
	keys := slices.Sorted(maps.Keys(r.Programs))
	for _, k := range keys {
		p := r.Programs[k]
		var fe *fieldError
		switch {
		case p == nil:
			fe = &fieldError{"", "缺少规则"}
		case p.Program != k:
			fe = &fieldError{"program", fmt.Sprintf("项目 %q 与所在的键 %q 不一致", p.Program, k)}
		default:
			fe = p.check()
		}
		if fe != nil {
			return fe.toError(string(k))
		}
	}
	return nil
}

// Validate checks a program's rules before they are used or stored: a known program;
// every step key a step of that program and every step of the program present; every
// limit set, non-negative and with a known unit; extended_limit not shorter than
// overall_limit and in the same unit; spot_check_rate within 0–1; township_cap not
// negative; a non-empty escalation chain of known roles; escalate_every above zero;
// recheck_months only for programs that re-check, with both household categories and
// positive months. It returns the first problem as an *mzflow.Error with code
// mzflow.CodeInvalid, a Chinese message that starts with the field path
// ("steps.intake.limit: …") and Details{"field": path}.
func (p *Program) Validate() error {
	if fe := p.check(); fe != nil {
		return fe.toError("")
	}
	return nil
}

// fieldError is a problem with one field of a Program, before it becomes an
// *mzflow.Error (Validate) or a *FileError with a line (Parse).
type fieldError struct {
	Field string // path inside the program, "steps.intake.limit"
	Msg   string
}

func (fe *fieldError) toError(prefix string) error {
	field := joinPath(prefix, fe.Field)
	msg := fe.Msg
	if field != "" {
		msg = field + ": " + msg
	}
	e := mzflow.Errorf(mzflow.CodeInvalid, "%s", msg)
	e.Details = map[string]any{"field": field}
	return e
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// check does Validate's work and keeps the field apart from the message, so Parse can
// find the line the field is on.
func (p *Program) check() *fieldError {
	if p == nil {
		return &fieldError{"", "缺少规则"}
	}
	if !p.Program.Valid() {
		return &fieldError{"program", fmt.Sprintf("未知的项目 %q（可用：%s）", p.Program, programList())}
	}
	for _, f := range []struct {
		name string
		l    mzflow.Limit
	}{
		{"overall_limit", p.OverallLimit},
		{"extended_limit", p.ExtendedLimit},
		{"remind_before", p.RemindBefore},
		{"escalate_every", p.EscalateEvery},
	} {
		if msg := checkLimit(f.l); msg != "" {
			return &fieldError{f.name, msg}
		}
	}
	if p.ExtendedLimit.Unit != p.OverallLimit.Unit {
		return &fieldError{"extended_limit", fmt.Sprintf("延长后的时限 %s 应与总时限 %s 使用相同的单位",
			p.ExtendedLimit, p.OverallLimit)}
	}
	if p.ExtendedLimit.N < p.OverallLimit.N {
		return &fieldError{"extended_limit", fmt.Sprintf("延长后的时限 %s 不能短于总时限 %s",
			p.ExtendedLimit, p.OverallLimit)}
	}
	if msg := checkRate(p.SpotCheckRate); msg != "" {
		return &fieldError{"spot_check_rate", msg}
	}
	if msg := checkCap(p.TownshipCap); msg != "" {
		return &fieldError{"township_cap", msg}
	}
	if fe := p.checkBounds(); fe != nil {
		return fe
	}
	if len(p.Escalation) == 0 {
		return &fieldError{"escalation", "督办升级链至少需要一个角色"}
	}
	for i, role := range p.Escalation {
		if !role.Valid() {
			return &fieldError{fmt.Sprintf("escalation[%d]", i), unknownRole(string(role))}
		}
	}
	if p.EscalateEvery.N <= 0 {
		return &fieldError{"escalate_every", fmt.Sprintf("升级间隔 %s 应大于0", p.EscalateEvery)}
	}
	if fe := p.checkRecheck(); fe != nil {
		return fe
	}
	return p.checkSteps()
}

func (p *Program) checkRecheck() *fieldError {
	if !hasStep(p.Program, mzflow.StepRecheck) {
		if len(p.RecheckMonths) > 0 {
			return &fieldError{"recheck_months", noRecheck(p.Program)}
		}
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(p.RecheckMonths)) {
		if !slices.Contains(householdCategories, k) {
			return &fieldError{"recheck_months." + k, unknownCategory(k)}
		}
	}
	for _, k := range householdCategories {
		n, ok := p.RecheckMonths[k]
		if !ok {
			return &fieldError{"recheck_months." + k, "缺少复核周期（月）"}
		}
		if n <= 0 {
			return &fieldError{"recheck_months." + k, fmt.Sprintf("复核周期 %d 个月应大于0", n)}
		}
	}
	return nil
}

func (p *Program) checkSteps() *fieldError {
	for _, s := range slices.Sorted(maps.Keys(p.Steps)) {
		if !hasStep(p.Program, s) {
			return &fieldError{"steps." + string(s), unknownStep(p.Program, string(s))}
		}
	}
	for _, s := range StepsOf(p.Program) {
		st, ok := p.Steps[s]
		if !ok {
			return &fieldError{"steps." + string(s), fmt.Sprintf("缺少步骤“%s”的规则", s.Name())}
		}
		if msg := checkLimit(st.Limit); msg != "" {
			return &fieldError{"steps." + string(s) + ".limit", msg}
		}
	}
	return nil
}

// checkLimit returns why l is not a usable limit, or "". A Limit built in code or
// decoded from JSON by hand may bypass ParseLimit, so it is read back through it.
func checkLimit(l mzflow.Limit) string {
	if l.IsZero() {
		return "未设置时限（例如 3WD、7d）"
	}
	if _, err := mzflow.ParseLimit(l.String()); err != nil {
		return err.Error()
	}
	return ""
}

// MaxHouseholdLimit is the largest max_household_size a county may set.
const MaxHouseholdLimit = 100

func (p *Program) checkBounds() *fieldError {
	if msg := checkHousehold(p.MaxHouseholdSize); msg != "" {
		return &fieldError{"max_household_size", msg}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"max_income_monthly", p.MaxIncomeMonthly}, {"max_amount_monthly", p.MaxAmountMonthly}, {"max_amount", p.MaxAmount}} {
		if msg := checkMaxAmount(f.v); msg != "" {
			return &fieldError{f.name, msg}
		}
	}
	return nil
}

func checkHousehold(n int) string {
	if n < 1 || n > MaxHouseholdLimit {
		return fmt.Sprintf("家庭人口上限 %d 应在 1 到 %d 之间", n, MaxHouseholdLimit)
	}
	return ""
}

// checkMaxAmount: an upper bound in yuan, above zero and at most a billion (a float64
// holds every such amount to the fen).
func checkMaxAmount(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f > 1e9 {
		return fmt.Sprintf("金额上限 %v 应为大于0、不超过 10 亿的金额（元）", f)
	}
	return ""
}

func checkRate(f float64) string {
	if math.IsNaN(f) || f < 0 || f > 1 {
		return fmt.Sprintf("抽查比例 %v 应在 0 到 1 之间（例如 0.3 表示 30%%）", f)
	}
	return ""
}

func checkCap(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return fmt.Sprintf("乡镇审批限额 %v 应为不小于0的金额（元）", f)
	}
	return ""
}

func unknownRole(r string) string {
	names := make([]string, len(mzflow.Roles))
	for i, q := range mzflow.Roles {
		names[i] = string(q)
	}
	return fmt.Sprintf("未知的角色 %q（可用：%s）", r, strings.Join(names, "、"))
}

func unknownStep(p mzflow.Program, s string) string {
	steps := StepsOf(p)
	names := make([]string, len(steps))
	for i, q := range steps {
		names[i] = string(q)
	}
	return fmt.Sprintf("%s没有步骤 %q（可用：%s）", p.Name(), s, strings.Join(names, "、"))
}

func unknownCategory(k string) string {
	return fmt.Sprintf("未知的家庭类别 %q（可用：%s）", k, strings.Join(householdCategories, "、"))
}

func noRecheck(p mzflow.Program) string {
	return fmt.Sprintf("%s没有动态复核（recheck）步骤，不能设置复核周期", p.Name())
}

func programList() string {
	names := make([]string, len(mzflow.Programs))
	for i, q := range mzflow.Programs {
		names[i] = string(q)
	}
	return strings.Join(names, "、")
}

// clone returns a deep copy: the slice and maps are new, so neither side sees the
// other's changes.
func (p *Program) clone() Program {
	c := *p
	c.Escalation = slices.Clone(p.Escalation)
	c.RecheckMonths = maps.Clone(p.RecheckMonths)
	c.Steps = maps.Clone(p.Steps) // Step holds only values
	return c
}
