package workflows

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
)

// StepDef is one row of a process's step table: the step's code, its Chinese name, the
// role that decides it, and the outcomes it allows with the data each carries. The
// table beside each workflow file is the only place a step is defined: the workflow's
// validators check decisions against it, and GET /api/v1/programs serves it to the page,
// which builds its forms, step names and progress bar from it.
type StepDef struct {
	Code mzflow.Step
	Name string
	// Role decides the step (a re-check is done by the clerk, then confirmed by the head:
	// the workflow opens the second task with its own role).
	Role mzflow.Role
	// Programs the row is for; none means every program of the process.
	Programs []mzflow.Program
	// Bar is where the step sits on the case page's progress bar: its own code, the code
	// of the step it runs beside or inside, or "" for a step not on the bar.
	Bar mzflow.Step
	// Track names the bar the step is on when a process has two (临时救助's urgent grant):
	// "" for the main bar.
	Track    string
	Outcomes []OutcomeDef
}

// OutcomeDef is one outcome a step allows.
type OutcomeDef struct {
	Code  string
	Label string
	// ReasonRequired outcomes are refused without a comment (退回, 不予批准, 停止).
	ReasonRequired bool
	// Data makes a new value of the outcome's data type, nil when the outcome carries
	// none. Its struct tags describe the form (fieldsOf) and its Validate method checks
	// it; the workflow acts only on the validated value.
	Data func() StepData
}

// StepData is the typed data of a decision.
type StepData interface {
	// Validate checks the value; facts are what the case knows that a check depends on.
	Validate(facts Facts) *FieldError
}

// Facts are the case facts a data check depends on.
type Facts struct {
	HomeVisit bool // the county review must record a home visit (spot-checked, objection, staff-related)
	Bounds    Bounds
}

// Bounds are the largest amounts and counts the case's rules allow (rules.Program's
// max_* values). A case started before the rules had them carries zeros: nothing is
// bounded for it, as when it started, so its history replays the same.
type Bounds struct {
	Members       int
	IncomeMonthly float64
	AmountMonthly float64
	Amount        float64
}

// BoundsOf reads the bounds from a program's rules.
func BoundsOf(p rules.Program) Bounds {
	return Bounds{Members: p.MaxHouseholdSize, IncomeMonthly: p.MaxIncomeMonthly,
		AmountMonthly: p.MaxAmountMonthly, Amount: p.MaxAmount}
}

// FieldError names the data field a check refused and says why, in Chinese.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + "：" + e.Message }

// Table is a process's step table.
type Table []StepDef

// For returns the rows of program p in order.
func (t Table) For(p mzflow.Program) Table {
	var out Table
	for _, s := range t {
		if len(s.Programs) == 0 || slices.Contains(s.Programs, p) {
			out = append(out, s)
		}
	}
	return out
}

// Step returns the row of step code s; call it on a program's rows (For).
func (t Table) Step(s mzflow.Step) (StepDef, bool) {
	for _, d := range t {
		if d.Code == s {
			return d, true
		}
	}
	return StepDef{}, false
}

// Outcome returns the step's outcome with code c.
func (s StepDef) Outcome(c string) (OutcomeDef, bool) {
	for _, o := range s.Outcomes {
		if o.Code == c {
			return o, true
		}
	}
	return OutcomeDef{}, false
}

// OutcomeCodes lists the step's outcome codes in order.
func (s StepDef) OutcomeCodes() []string {
	out := make([]string, len(s.Outcomes))
	for i, o := range s.Outcomes {
		out[i] = o.Code
	}
	return out
}

// ParseData decodes and validates a decision's data for an outcome. The value it returns
// is the one the workflow acts on; an outcome without data ignores what was sent.
func (o OutcomeDef) ParseData(raw json.RawMessage, facts Facts) (StepData, error) {
	if o.Data == nil {
		return nil, nil
	}
	d, err := o.decode(raw)
	if err != nil {
		return nil, err
	}
	if fe := d.Validate(facts); fe != nil {
		return nil, fe
	}
	return d, nil
}

// decode decodes a decision's data for the outcome without validating it: what the
// update handler does with data its validator accepted.
func (o OutcomeDef) decode(raw json.RawMessage) (StepData, error) {
	if o.Data == nil {
		return nil, nil
	}
	d := o.Data()
	if len(raw) > 0 && string(raw) != "null" {
		err := json.Unmarshal(raw, d) //workflowcheck:ignore (decoding into a struct is deterministic)
		if err != nil {
			return nil, decodeError(err)
		}
	}
	return d, nil
}

// decodeError says in Chinese which field had the wrong shape, never Go's wording.
func decodeError(err error) *FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		msg := "格式不正确"
		if strings.HasPrefix(te.Value, "number") {
			msg = "不是有效的数字" // 1e309: too large for any amount
		}
		return &FieldError{Field: strings.SplitN(te.Field, ".", 2)[0], Message: msg}
	}
	return &FieldError{Field: "data", Message: "办理数据格式不正确"}
}

// Field describes one data field for a form, read from the data type's struct tags:
// json (the name), label, type (number, integer, text, lines, names, date, enum, object),
// unit, min (inclusive, or exclusive with min_exclusive), enum ("value:标签,…"),
// suggest ("a,b": offered, not enforced), and required ("true", or the name of a case
// fact, "home_visit", that makes it required).
type Field struct {
	Name         string   `json:"name"`
	Label        string   `json:"label"`
	Type         string   `json:"type"`
	Unit         string   `json:"unit,omitempty"`
	Required     bool     `json:"required"`
	RequiredIf   string   `json:"required_if,omitempty"`
	Min          *float64 `json:"min,omitempty"`
	MinExclusive bool     `json:"min_exclusive,omitempty"`
	Enum         []Choice `json:"enum,omitempty"`
	Suggest      []string `json:"suggest,omitempty"`
	Fields       []Field  `json:"fields,omitempty"`
}

// Choice is one value of an enum field.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Fields describes the outcome's data for a form, in the struct's order.
func (o OutcomeDef) Fields() []Field {
	if o.Data == nil {
		return nil
	}
	return fieldsOf(reflect.TypeOf(o.Data()).Elem())
}

func fieldsOf(t reflect.Type) []Field {
	var out []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		f := Field{Name: name, Label: sf.Tag.Get("label"), Type: sf.Tag.Get("type"), Unit: sf.Tag.Get("unit")}
		switch req := sf.Tag.Get("required"); req {
		case "", "false":
		case "true":
			f.Required = true
		default:
			f.RequiredIf = req
		}
		if m := sf.Tag.Get("min"); m != "" {
			f.MinExclusive = strings.HasPrefix(m, ">")
			v, _ := strconv.ParseFloat(strings.TrimPrefix(m, ">"), 64)
			f.Min = &v
		}
		for _, c := range splitTag(sf.Tag.Get("enum")) {
			v, l, _ := strings.Cut(c, ":")
			f.Enum = append(f.Enum, Choice{Value: v, Label: l})
		}
		f.Suggest = splitTag(sf.Tag.Get("suggest"))
		if f.Type == "object" {
			et := sf.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			f.Fields = fieldsOf(et)
		}
		out = append(out, f)
	}
	return out
}

func splitTag(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Checks the data types share.

// amount checks a required amount in yuan: above zero and within the rules' bound (none
// when max is 0, a case started before the bounds).
func amount(v *float64, max float64, field, label string) *FieldError {
	if v == nil || *v <= 0 || math.IsNaN(*v) {
		return &FieldError{field, "请填写大于 0 的金额（元）"}
	}
	return atMost(*v, max, field, label)
}

func atMost(v, max float64, field, label string) *FieldError {
	if math.IsInf(v, 0) || math.IsNaN(v) || max > 0 && v > max {
		return &FieldError{field, label + "不能超过 " + strconv.FormatFloat(max, 'f', -1, 64) + " 元（规则上限）"}
	}
	return nil
}

// names checks a list of people: each a person's name (mzflow.CheckName) of at most
// maxNameLen characters, at most maxNames of them, and at least min different people once
// normalised (张三 twice is one investigator).
func names(ss []string, field, label string, min int) *FieldError {
	if len(ss) > maxNames {
		return &FieldError{field, label + "最多 " + strconv.Itoa(maxNames) + " 人"}
	}
	for _, n := range ss {
		if strings.TrimSpace(n) == "" {
			continue
		}
		if why := mzflow.CheckName(n); why != "" {
			return &FieldError{field, label + "的姓名" + why}
		}
		if len([]rune(n)) > maxNameLen {
			return &FieldError{field, label + "的姓名不能超过 " + strconv.Itoa(maxNameLen) + " 个字"}
		}
	}
	if mzflow.DistinctNames(ss) < min {
		return &FieldError{field, label + "不少于 " + strconv.Itoa(min) + " 人（不同的人）"}
	}
	return nil
}

// lines checks a list of single-line texts.
func lines(ss []string, field, label string, maxN, maxLen int) *FieldError {
	if len(ss) > maxN {
		return &FieldError{field, label + "最多 " + strconv.Itoa(maxN) + " 项"}
	}
	for _, s := range ss {
		if why := mzflow.CheckLine(s); why != "" {
			return &FieldError{field, label + why}
		}
		if len([]rune(s)) > maxLen {
			return &FieldError{field, label + "每项不能超过 " + strconv.Itoa(maxLen) + " 个字"}
		}
	}
	return nil
}

// isDate reports whether s is a calendar date written YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
