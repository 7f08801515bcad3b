package rules

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mzflow/mzflow"
)

// apiExample is the rules file of docs/api.md ("Rules file"), verbatim.
const apiExample = `programs:
  dibao:
    overall_limit: 30WD
    spot_check_rate: 0.3
    remind_before: 1WD
    escalation: [township_head, supervisor]   # who is told as a task goes overdue, then later
    escalate_every: 2WD                       # time between escalation levels
    steps:
      intake: {limit: 3WD}
      publicity: {limit: 7d}
`

func TestParseOverlay(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		change func(r *Rules) // applied to Defaults() to get the wanted rules
	}{
		{"APIExampleIsDefaults", apiExample, func(r *Rules) {}},
		{"APIExampleChanged", strings.NewReplacer("30WD", "25WD", "0.3", "0.5", "7d", "7WD",
			"[township_head, supervisor]", "[supervisor]").Replace(apiExample), func(r *Rules) {
			d := r.Programs[mzflow.Dibao]
			d.OverallLimit = mzflow.Limit{N: 25, Unit: mzflow.WorkingDays}
			d.SpotCheckRate = 0.5
			d.Escalation = []mzflow.Role{mzflow.RoleSupervisor}
			d.Steps[mzflow.StepPublicity] = Step{Limit: mzflow.Limit{N: 7, Unit: mzflow.WorkingDays}}
		}},
		{"OneStepOnly", "programs:\n  dibao:\n    steps:\n      publicity:\n        limit: 20s\n", func(r *Rules) {
			r.Programs[mzflow.Dibao].Steps[mzflow.StepPublicity] = Step{Limit: mzflow.Limit{N: 20, Unit: mzflow.Seconds}}
		}},
		{"Empty", "", func(r *Rules) {}},
		{"Security", "security:\n  reveal_daily_cap: 5\n  audit_retention_days: 365\n", func(r *Rules) {
			r.Security = Security{RevealDailyCap: 5, AuditRetentionDays: 365}
		}},
		{"CommentsOnly", "# nothing to change\n", func(r *Rules) {}},
		{"NullPrograms", "programs:\n", func(r *Rules) {}},
		{"NullProgram", "programs:\n  tekun:\n", func(r *Rules) {}},
		{"RecheckMerged", "programs:\n  tekun:\n    recheck_months: {unstable: 3}\n", func(r *Rules) {
			r.Programs[mzflow.Tekun].RecheckMonths["unstable"] = 3
		}},
		{"ManyFields", `programs:
  linshi:
    name: 临时救助（急难型）
    township_cap: 3000
    count_publicity: true
    extended_limit: 25WD
    steps:
      township_grant: {limit: 12h}
  veteran:
    spot_check_rate: 1
    remind_before: 2d
    escalate_every: 30m
`, func(r *Rules) {
			l := r.Programs[mzflow.Linshi]
			l.Name = "临时救助（急难型）"
			l.TownshipCap = 3000
			l.CountPublicity = true
			l.ExtendedLimit = mzflow.Limit{N: 25, Unit: mzflow.WorkingDays}
			l.Steps[mzflow.StepTownshipGrant] = Step{Limit: mzflow.Limit{N: 12, Unit: mzflow.Hours}}
			v := r.Programs[mzflow.Veteran]
			v.SpotCheckRate = 1
			v.RemindBefore = mzflow.Limit{N: 2, Unit: mzflow.CalendarDays}
			v.EscalateEvery = mzflow.Limit{N: 30, Unit: mzflow.Minutes}
		}},
		{"Anchors", `programs:
  dibao:
    escalation: &chain [township_head, county_reviewer, supervisor]
  tekun:
    escalation: *chain
`, func(r *Rules) {
			chain := []mzflow.Role{mzflow.RoleTownshipHead, mzflow.RoleCountyReviewer, mzflow.RoleSupervisor}
			r.Programs[mzflow.Dibao].Escalation = chain
			r.Programs[mzflow.Tekun].Escalation = append([]mzflow.Role(nil), chain...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("rules.yaml", []byte(tt.file))
			if err != nil {
				t.Fatalf("Parse() = %v, want nil", err)
			}
			want := Defaults()
			tt.change(want)
			if !reflect.DeepEqual(got, want) {
				for _, p := range mzflow.Programs {
					if !reflect.DeepEqual(got.Programs[p], want.Programs[p]) {
						t.Errorf("Parse() %s = %+v, want %+v", p, *got.Programs[p], *want.Programs[p])
					}
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		line  int
		field string
		msg   string
	}{
		{"ErrYAMLUnclosedList", "programs:\n  dibao:\n    overall_limit: 30WD\n    steps: [\n", 4, "", "YAML 格式错误"},
		{"ErrYAMLIndent", "programs:\n  dibao:\n    overall_limit: 30WD\n     steps: 3\n", 4, "", "YAML 格式错误"},
		{"ErrYAMLUnclosedQuote", "programs:\n  dibao:\n    name: '最低\n", 3, "", "YAML 格式错误"},
		{"ErrYAMLTab", "programs:\n\tdibao: {}\n", 2, "", "YAML 格式错误"},
		{"ErrTwoDocuments", "programs: {}\n---\nprograms: {}\n", 2, "", "只能包含一个 YAML 文档"},
		{"ErrRootList", "- dibao\n", 1, "", "应为映射"},
		{"ErrRetentionBelowFloor", "security:\n  audit_retention_days: 90\n", 2, "security.audit_retention_days", "应为 180 至 3650 之间的整数"},
		{"ErrRevealCapZero", "security:\n  reveal_daily_cap: 0\n", 2, "security.reveal_daily_cap", "应为 1 至 1000 之间的整数"},
		{"ErrSecurityKey", "security:\n  reveal_cap: 3\n", 2, "security.reveal_cap", "未知的字段"},
		{"ErrTopLevelKey", "programs: {}\nprogram:\n  dibao: {}\n", 2, "program", "未知的顶层字段"},
		{"ErrUnknownProgram", "programs:\n  dibao: {}\n  wubao:\n    overall_limit: 30WD\n", 3, "programs.wubao", "未知的项目"},
		{"ErrDuplicateProgram", "programs:\n  dibao: {}\n  dibao: {}\n", 3, "programs.dibao", "重复的键（第2行已设置）"},
		{"ErrUnknownField", "programs:\n  dibao:\n    overall_limit: 30WD\n    overal_limit: 30WD\n", 4, "programs.dibao.overal_limit", "未知字段"},
		{"ErrUnknownStep", "programs:\n  linshi:\n    steps:\n      recheck: {limit: 3WD}\n", 4, "programs.linshi.steps.recheck", "临时救助没有步骤"},
		{"ErrUnknownStepField", "programs:\n  dibao:\n    steps:\n      intake: {limit: 3WD, due: 3WD}\n", 4, "programs.dibao.steps.intake.due", "未知字段（可用：limit）"},
		{"ErrBadUnit", "programs:\n  dibao:\n    steps:\n      investigation: {limit: 10WD}\n\n\n      intake:\n        limit: 3X\n", 8, "programs.dibao.steps.intake.limit", `时限 "3X" 的单位无效`},
		{"ErrNegativeLimit", "programs:\n  tekun:\n    overall_limit: -5WD\n", 3, "programs.tekun.overall_limit", "不能为负数"},
		{"ErrLimitNoUnit", "programs:\n  tekun:\n    remind_before: 1\n", 3, "programs.tekun.remind_before", "单位无效"},
		{"ErrLimitEmpty", "programs:\n  tekun:\n    remind_before:\n", 3, "programs.tekun.remind_before", "不能为空"},
		{"ErrEscalateEveryZero", "programs:\n  tekun:\n    escalate_every: 0WD\n", 3, "programs.tekun.escalate_every", "应大于0"},
		{"ErrRateAboveOne", "programs:\n  dibao:\n    spot_check_rate: 30\n", 3, "programs.dibao.spot_check_rate", "0 到 1"},
		{"ErrRateNegative", "programs:\n  dibao:\n    spot_check_rate: -0.1\n", 3, "programs.dibao.spot_check_rate", "0 到 1"},
		{"ErrRatePercent", "programs:\n  dibao:\n    spot_check_rate: 30%\n", 3, "programs.dibao.spot_check_rate", "应为数字"},
		{"ErrRateNaN", "programs:\n  dibao:\n    spot_check_rate: .nan\n", 3, "programs.dibao.spot_check_rate", "有限的数字"},
		{"ErrCapNegative", "programs:\n  linshi:\n    township_cap: -100\n", 3, "programs.linshi.township_cap", "不小于0"},
		{"ErrBoolWrong", "programs:\n  dibao:\n    count_publicity: sometimes\n", 3, "programs.dibao.count_publicity", "true 或 false"},
		{"ErrListForMap", "programs:\n  dibao:\n    steps:\n      - intake\n      - publicity\n", 4, "programs.dibao.steps", "应为映射（键: 值），实际为列表"},
		{"ErrScalarForStep", "programs:\n  dibao:\n    steps:\n      intake: 3WD\n", 4, "programs.dibao.steps.intake", "应为映射"},
		{"ErrMapForLimit", "programs:\n  dibao:\n    overall_limit:\n      n: 30\n", 4, "programs.dibao.overall_limit", "应为单个值，实际为映射"},
		{"ErrListForPrograms", "programs: [dibao]\n", 1, "programs", "应为映射"},
		{"ErrMapForEscalation", "programs:\n  dibao:\n    escalation: {first: township_head}\n", 3, "programs.dibao.escalation", "应为角色列表"},
		{"ErrUnknownRole", "programs:\n  dibao:\n    escalation:\n      - township_head\n      - mayor\n", 5, "programs.dibao.escalation[1]", `未知的角色 "mayor"`},
		{"ErrEmptyEscalation", "programs:\n  dibao:\n    escalation: []\n", 3, "programs.dibao.escalation", "至少需要一个角色"},
		{"ErrRecheckCategory", "programs:\n  dibao:\n    recheck_months:\n      stable: 12\n      poor: 3\n", 5, "programs.dibao.recheck_months.poor", "未知的家庭类别"},
		{"ErrRecheckZero", "programs:\n  dibao:\n    recheck_months: {stable: 0}\n", 3, "programs.dibao.recheck_months.stable", "应大于0"},
		{"ErrRecheckFraction", "programs:\n  dibao:\n    recheck_months: {stable: 1.5}\n", 3, "programs.dibao.recheck_months.stable", "应为整数"},
		{"ErrRecheckWrongProgram", "programs:\n  veteran:\n    recheck_months: {stable: 12}\n", 3, "programs.veteran.recheck_months", "没有动态复核"},
		{"ErrProgramMismatch", "programs:\n  dibao:\n    program: tekun\n", 3, "programs.dibao.program", "不一致"},
		// Found only after the overlay, by Validate: the line is the field the file set.
		{"ErrExtendedShorter", "programs:\n  dibao:\n    steps: {}\n    extended_limit: 20WD\n", 4, "programs.dibao.extended_limit", "不能短于总时限 30WD"},
		// extended_limit is not in the file: the line is the program's key.
		{"ErrExtendedUnit", "programs:\n  tekun:\n    overall_limit: 45d\n", 2, "programs.tekun.extended_limit", "相同的单位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("rules.yaml", []byte(tt.file))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse() = %v, %v, want a *FileError", got, err)
			}
			if got != nil {
				t.Errorf("Parse() returned rules with an error, want nil")
			}
			if fe.File != "rules.yaml" || fe.Line != tt.line || fe.Field != tt.field {
				t.Errorf("Parse() = %q at %s:%d field %q, want rules.yaml:%d field %q",
					fe.Msg, fe.File, fe.Line, fe.Field, tt.line, tt.field)
			}
			if !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("Parse() message = %q, want it to contain %q", fe.Msg, tt.msg)
			}
		})
	}
}

func TestFileErrorString(t *testing.T) {
	_, err := Parse("rules.yaml", []byte("programs:\n  dibao:\n    steps:\n      intake:\n        limit: 3WD\n\n        \n      investigation:\n        limit: 3X\n"))
	want := `rules.yaml:9: programs.dibao.steps.investigation.limit: 时限 "3X" 的单位无效`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Parse() = %v, want %s…", err, want)
	}
	tests := []struct {
		e    FileError
		want string
	}{
		{FileError{"a.yaml", 7, "programs.dibao", "坏"}, "a.yaml:7: programs.dibao: 坏"},
		{FileError{"a.yaml", 3, "", "YAML 格式错误：x"}, "a.yaml:3: YAML 格式错误：x"},
		{FileError{"a.yaml", 0, "", "x"}, "a.yaml: x"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(path, []byte("programs:\n  dibao:\n    steps:\n      publicity: {limit: 20s}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := Load(path)
		if err != nil {
			t.Fatalf("Load(%s) = %v, want nil", path, err)
		}
		if l := got.Programs[mzflow.Dibao].Steps[mzflow.StepPublicity].Limit; l.String() != "20s" {
			t.Errorf("Load(%s) dibao publicity = %s, want 20s", path, l)
		}
	})
	t.Run("ErrNotExist", func(t *testing.T) {
		missing := filepath.Join(dir, "missing.yaml")
		if _, err := Load(missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
			t.Errorf("Load(%s) = %v, want a not-exist error naming the file", missing, err)
		}
	})
	t.Run("ErrFileNamed", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(bad, []byte("programs:\n  dibao:\n    oops: 1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(bad)
		if want := bad + ":3: programs.dibao.oops: 未知字段"; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want %s…", bad, err, want)
		}
	})
}

// TestYAMLRoundTrip checks that the struct tags and the walker agree: the defaults
// written as YAML read back unchanged, so an administrator can start from a dump.
func TestYAMLRoundTrip(t *testing.T) {
	want := Defaults()
	b, err := yaml.Marshal(want)
	if err != nil {
		t.Fatalf("yaml.Marshal(Defaults()) = %v", err)
	}
	got, err := Parse("dump.yaml", b)
	if err != nil {
		t.Fatalf("Parse(yaml.Marshal(Defaults())) = %v\n%s", err, b)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("YAML round trip = %+v, want %+v", got, want)
	}
}
