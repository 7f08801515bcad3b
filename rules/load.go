package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mzflow/mzflow"
)

// FileError is a problem in a rules file, with the line and the field it is about, so
// the administrator who wrote the file can go straight to it.
type FileError struct {
	File  string
	Line  int    // 1-based; 0 when the YAML library did not say
	Field string // "programs.dibao.steps.intake.limit"; empty for a syntax error
	Msg   string // Chinese, for the administrator
}

// Error reads "<file>:<line>: <field>: <msg>", the form editors and terminals link to.
// The line and the field are left out when unknown.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads a YAML rules file (mzflow dev --rules FILE, MZFLOW_RULES) and overlays it
// on Defaults, as Parse does. A file that cannot be read is a wrapped os error; a file
// with wrong content is a *FileError naming the path.
func Load(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rules %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse reads a YAML rules document (docs/api.md, "Rules file") and overlays it on Defaults,
// program by program and field by field: what the file does not mention keeps its
// default, a map (steps, recheck_months) is merged key by key and a list (escalation)
// is replaced whole. An empty document gives the defaults.
//
// The file is walked as a yaml.Node tree rather than decoded into structs, because
// decoding would lose the line of a bad value and silently accept unknown keys, and a
// county administrator needs both. Every error is a *FileError carrying name, the line
// and the field path: invalid YAML, an unknown top-level key, program, field, step or
// household category, a wrong type, a bad or negative limit, a rate outside 0–1, an
// unknown role. After the overlay every program is checked with Program.Validate; its
// errors carry the line of the nearest field the file set, else of the program's key.
func Parse(name string, data []byte) (*Rules, error) {
	r := Defaults()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return r, nil
		}
		return nil, syntaxError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &FileError{File: name, Line: extra.Line, Msg: "规则文件只能包含一个 YAML 文档（去掉多余的 ---）"}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(name, err)
	}

	w := &walker{file: name, lines: map[string]int{}}
	if len(doc.Content) > 0 {
		if err := w.top(r, doc.Content[0]); err != nil {
			return nil, err
		}
	}
	for _, p := range mzflow.Programs {
		fe := r.Programs[p].check()
		if fe == nil {
			continue
		}
		field := joinPath("programs."+string(p), fe.Field)
		return nil, &FileError{File: name, Line: w.lineOf(field), Field: field, Msg: fe.Msg}
	}
	return r, nil
}

// yamlLine finds the line in yaml.v3's messages ("yaml: line 3: did not find expected key").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func syntaxError(file string, err error) *FileError {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return &FileError{File: file, Line: line, Msg: "YAML 格式错误：" + msg}
}

// walker overlays a yaml.Node tree on a Rules value and remembers the line of every
// field path it met, so that a later Validate error can point at the file.
type walker struct {
	file  string
	lines map[string]int
}

func (w *walker) errorf(n *yaml.Node, field, format string, args ...any) *FileError {
	return &FileError{File: w.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// lineOf returns the line of field, or of the nearest enclosing field the file set.
func (w *walker) lineOf(field string) int {
	for field != "" {
		if l, ok := w.lines[field]; ok {
			return l
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return 0
}

// deref follows an alias (*name) to the node it names, so anchors work as YAML says.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// kindName says in Chinese what a node is, for "expected a map, got a list".
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "映射"
	case yaml.SequenceNode:
		return "列表"
	case yaml.ScalarNode:
		if isNull(n) {
			return "空值"
		}
		return fmt.Sprintf("值 %q", n.Value)
	}
	return "未知内容"
}

// mapping calls each for every key of a mapping node with the key's path. A null node
// (a key with nothing under it) is an empty mapping: it changes nothing. Duplicate keys
// are errors, since YAML forbids them and the second would silently win.
func (w *walker) mapping(n *yaml.Node, path string, each func(key, val *yaml.Node, path string) error) error {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return w.errorf(n, path, "应为映射（键: 值），实际为%s", kindName(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return w.errorf(k, path, "键应为文字，实际为%s", kindName(k))
		}
		p := joinPath(path, k.Value)
		if l, dup := seen[k.Value]; dup {
			return w.errorf(k, p, "重复的键（第%d行已设置）", l)
		}
		seen[k.Value] = k.Line
		w.lines[p] = k.Line
		if err := each(k, v, p); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) top(r *Rules, root *yaml.Node) error {
	return w.mapping(root, "", func(k, v *yaml.Node, path string) error {
		if k.Value == "security" {
			return w.security(&r.Security, v, path)
		}
		if k.Value != "programs" {
			return w.errorf(k, path, "未知的顶层字段（只允许 programs、security）")
		}
		return w.mapping(v, path, func(k, v *yaml.Node, path string) error {
			p := mzflow.Program(k.Value)
			if !p.Valid() {
				return w.errorf(k, path, "未知的项目（可用：%s）", programList())
			}
			return w.program(r.Programs[p], v, path)
		})
	})
}

// programFields lists the keys a program may set, for the unknown-field message.
const programFields = "name、overall_limit、extended_limit、count_publicity、spot_check_rate、remind_before、" +
	"escalation、escalate_every、township_cap、max_household_size、max_income_monthly、max_amount_monthly、max_amount、" +
	"recheck_months、steps"

func (w *walker) program(p *Program, n *yaml.Node, path string) error {
	return w.mapping(n, path, func(k, v *yaml.Node, path string) error {
		switch k.Value {
		case "program":
			// Written by a round trip of the document itself; harmless when it agrees.
			s, err := w.scalar(v, path)
			if err != nil {
				return err
			}
			if s.Value != string(p.Program) {
				return w.errorf(s, path, "项目 %q 与所在的键 %q 不一致", s.Value, p.Program)
			}
		case "name":
			s, err := w.scalar(v, path)
			if err != nil {
				return err
			}
			if strings.TrimSpace(s.Value) == "" {
				return w.errorf(s, path, "名称不能为空")
			}
			p.Name = s.Value
		case "overall_limit":
			return w.limit(v, path, &p.OverallLimit)
		case "extended_limit":
			return w.limit(v, path, &p.ExtendedLimit)
		case "remind_before":
			return w.limit(v, path, &p.RemindBefore)
		case "escalate_every":
			if err := w.limit(v, path, &p.EscalateEvery); err != nil {
				return err
			}
			if p.EscalateEvery.N <= 0 {
				return w.errorf(deref(v), path, "升级间隔 %s 应大于0", p.EscalateEvery)
			}
		case "count_publicity":
			s, err := w.scalar(v, path)
			if err != nil {
				return err
			}
			if s.ShortTag() != "!!bool" || s.Decode(&p.CountPublicity) != nil {
				return w.errorf(s, path, "应为 true 或 false，实际为%s", kindName(s))
			}
		case "spot_check_rate":
			f, s, err := w.number(v, path)
			if err != nil {
				return err
			}
			if msg := checkRate(f); msg != "" {
				return w.errorf(s, path, "%s", msg)
			}
			p.SpotCheckRate = f
		case "township_cap":
			f, s, err := w.number(v, path)
			if err != nil {
				return err
			}
			if msg := checkCap(f); msg != "" {
				return w.errorf(s, path, "%s", msg)
			}
			p.TownshipCap = f
		case "max_household_size":
			s, err := w.scalar(v, path)
			if err != nil {
				return err
			}
			var n int
			if s.ShortTag() != "!!int" || s.Decode(&n) != nil {
				return w.errorf(s, path, "应为整数（人），实际为%s", kindName(s))
			}
			if msg := checkHousehold(n); msg != "" {
				return w.errorf(s, path, "%s", msg)
			}
			p.MaxHouseholdSize = n
		case "max_income_monthly", "max_amount_monthly", "max_amount":
			f, s, err := w.number(v, path)
			if err != nil {
				return err
			}
			if msg := checkMaxAmount(f); msg != "" {
				return w.errorf(s, path, "%s", msg)
			}
			switch k.Value {
			case "max_income_monthly":
				p.MaxIncomeMonthly = f
			case "max_amount_monthly":
				p.MaxAmountMonthly = f
			default:
				p.MaxAmount = f
			}
		case "escalation":
			return w.escalation(p, v, path)
		case "recheck_months":
			if !hasStep(p.Program, mzflow.StepRecheck) {
				// An empty map is what a dump of these rules holds; allow it back in.
				if n := deref(v); isNull(n) || n.Kind == yaml.MappingNode && len(n.Content) == 0 {
					return nil
				}
				return w.errorf(k, path, "%s", noRecheck(p.Program))
			}
			return w.recheck(p, v, path)
		case "steps":
			return w.steps(p, v, path)
		default:
			return w.errorf(k, path, "未知字段（可用：%s）", programFields)
		}
		return nil
	})
}

// scalar returns n as a single non-null value.
func (w *walker) scalar(n *yaml.Node, path string) (*yaml.Node, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return nil, w.errorf(n, path, "应为单个值，实际为%s", kindName(n))
	}
	if isNull(n) {
		return nil, w.errorf(n, path, "不能为空")
	}
	return n, nil
}

func (w *walker) limit(n *yaml.Node, path string, dst *mzflow.Limit) error {
	s, err := w.scalar(n, path)
	if err != nil {
		return err
	}
	l, err := mzflow.ParseLimit(s.Value)
	if err != nil {
		return w.errorf(s, path, "%s", err.Error())
	}
	*dst = l
	return nil
}

// number reads an int or float scalar. A quoted "0.3" or "30%" is refused rather than
// guessed at.
func (w *walker) number(n *yaml.Node, path string) (float64, *yaml.Node, error) {
	s, err := w.scalar(n, path)
	if err != nil {
		return 0, nil, err
	}
	var f float64
	if t := s.ShortTag(); t != "!!int" && t != "!!float" || s.Decode(&f) != nil {
		return 0, nil, w.errorf(s, path, "应为数字，实际为%s", kindName(s))
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, nil, w.errorf(s, path, "应为有限的数字，实际为%s", kindName(s))
	}
	return f, s, nil
}

func (w *walker) escalation(p *Program, n *yaml.Node, path string) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return w.errorf(n, path, "应为角色列表（例如 [township_head, supervisor]），实际为%s", kindName(n))
	}
	if len(n.Content) == 0 {
		return w.errorf(n, path, "督办升级链至少需要一个角色")
	}
	roles := make([]mzflow.Role, 0, len(n.Content))
	for i, item := range n.Content {
		ip := fmt.Sprintf("%s[%d]", path, i)
		s, err := w.scalar(item, ip)
		if err != nil {
			return err
		}
		w.lines[ip] = s.Line
		r := mzflow.Role(s.Value)
		if !r.Valid() {
			return w.errorf(s, ip, "%s", unknownRole(s.Value))
		}
		roles = append(roles, r)
	}
	p.Escalation = roles
	return nil
}

func (w *walker) recheck(p *Program, n *yaml.Node, path string) error {
	return w.mapping(n, path, func(k, v *yaml.Node, path string) error {
		if !slices.Contains(householdCategories, k.Value) {
			return w.errorf(k, path, "%s", unknownCategory(k.Value))
		}
		s, err := w.scalar(v, path)
		if err != nil {
			return err
		}
		var months int
		if s.ShortTag() != "!!int" || s.Decode(&months) != nil {
			return w.errorf(s, path, "复核周期应为整数（月），实际为%s", kindName(s))
		}
		if months <= 0 {
			return w.errorf(s, path, "复核周期 %d 个月应大于0", months)
		}
		if p.RecheckMonths == nil {
			p.RecheckMonths = map[string]int{}
		}
		p.RecheckMonths[k.Value] = months
		return nil
	})
}

func (w *walker) steps(p *Program, n *yaml.Node, path string) error {
	return w.mapping(n, path, func(k, v *yaml.Node, path string) error {
		step := mzflow.Step(k.Value)
		if !hasStep(p.Program, step) {
			return w.errorf(k, path, "%s", unknownStep(p.Program, k.Value))
		}
		if p.Steps == nil {
			p.Steps = map[mzflow.Step]Step{}
		}
		st := p.Steps[step]
		err := w.mapping(v, path, func(k, v *yaml.Node, path string) error {
			if k.Value != "limit" {
				return w.errorf(k, path, "未知字段（可用：limit）")
			}
			return w.limit(v, path, &st.Limit)
		})
		p.Steps[step] = st
		return err
	})
}
