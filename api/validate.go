package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/mzflow/mzflow"
)

// Request shapes (required fields, lengths, choices, ranges) are binding tags on the
// request structs, checked by gin's validator inside ShouldBindJSON; each checked field
// has a label tag, its Chinese name. A body of the wrong shape is answered 400
// validation_failed with one message per field in details, keyed by the field's JSON
// path (applicant.name), and the messages joined as the answer's message. What needs
// the database, the ID-number and division-code rules (rules.ValidateID,
// rules.CheckTownshipCode) and the decision data of each step stay with the handlers
// and the workflow.
//
// The tags, besides the validator's own (required, min, max, oneof, nefield):
//
//	chosen    required, for a field picked from a list: 请选择…
//	maxbytes  at most N bytes (bcrypt reads 72 bytes of a password)
//	name      a person's name (mzflow.CheckName: letters and the middle dot)
//	line      single-line text (mzflow.CheckLine: no control character, no line break)
//	para      multi-line text (mzflow.CheckText: line breaks and tabs allowed)
//	phone     a Chinese mobile or landline number (mzflow.CheckPhone)
//	program   a program of mzflow.Programs
//	role      a role of mzflow.Roles
//	username  3–32 lower-case letters, digits or _ . -, starting with a letter
//
// min and max on strings count characters (runes), not bytes.

// text is a string the JSON decoder trims of surrounding white space and normalises to
// NFC (mzflow.NormalizeText), so the binding tags check what the handlers store (a name
// of blanks is missing, not present; 张三 typed on two keyboards is one name). Invalid
// UTF-8 becomes U+FFFD in the decoder, which the name, line and para tags refuse.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = text(mzflow.NormalizeText(s))
	return nil
}

func init() {
	v, ok := binding.Validator.Engine().(*validator.Validate)
	if !ok {
		panic("api: gin's validator is not go-playground/validator v10")
	}
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	v.RegisterAlias("chosen", "required")
	for tag, fn := range map[string]validator.Func{
		"maxbytes": func(fl validator.FieldLevel) bool {
			n, err := strconv.Atoi(fl.Param())
			return err == nil && len(fl.Field().String()) <= n
		},
		"name":     textCheck(mzflow.CheckName),
		"line":     textCheck(mzflow.CheckLine),
		"para":     textCheck(mzflow.CheckText),
		"phone":    textCheck(mzflow.CheckPhone),
		"program":  func(fl validator.FieldLevel) bool { return mzflow.Program(fl.Field().String()).Valid() },
		"role":     func(fl validator.FieldLevel) bool { return mzflow.Role(fl.Field().String()).Valid() },
		"username": func(fl validator.FieldLevel) bool { return usernamePattern.MatchString(fl.Field().String()) },
	} {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(err)
		}
	}
}

// textChecks are the text tags' checks, for their messages.
var textChecks = map[string]func(string) string{
	"name": mzflow.CheckName, "line": mzflow.CheckLine, "para": mzflow.CheckText, "phone": mzflow.CheckPhone,
}

func textCheck(check func(string) string) validator.Func {
	return func(fl validator.FieldLevel) bool { return check(fl.Field().String()) == "" }
}

// textMessage is the message of a text tag: the field's label and why the check refused.
func textMessage(f failedField) string { return f.label + textChecks[f.tag](f.value) }

// failedField is what a message is made of: the field's label, its kind, the tag that
// failed with its parameter, and the field's other tags (a string with both min and max
// says its range whichever fails).
type failedField struct {
	label, param string
	tag, value   string // the tag that failed and the text it refused
	kind         reflect.Kind
	tags         map[string]string
	other        func(name string) string // the label of a sibling field, for nefield
}

func (f failedField) textRange() (string, bool) {
	lo, okLo := f.tags["min"]
	hi, okHi := f.tags["max"]
	if f.kind != reflect.String || !okLo || !okHi {
		return "", false
	}
	return "请填写" + f.label + "（" + lo + "–" + hi + " 个字）", true
}

func (f failedField) isNumber() bool {
	switch f.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func (f failedField) numberRange() (string, bool) {
	lo, okLo := f.tags["min"]
	hi, okHi := f.tags["max"]
	if !f.isNumber() || !okLo || !okHi {
		return "", false
	}
	return f.label + "应在 " + lo + "–" + hi + " 之间", true
}

// bound is the message of a min or max tag: the field's whole range when it has both
// bounds, else the one bound in words for text, numbers or lists.
func bound(text, number, items string) func(failedField) string {
	return func(f failedField) string {
		if m, ok := f.textRange(); ok {
			return m
		}
		if m, ok := f.numberRange(); ok {
			return m
		}
		switch {
		case f.kind == reflect.String:
			return f.label + fmt.Sprintf(text, f.param)
		case f.isNumber():
			return f.label + fmt.Sprintf(number, f.param)
		}
		return f.label + fmt.Sprintf(items, f.param)
	}
}

// tagMessages is the one table from a binding tag to its Chinese message.
var tagMessages = map[string]func(f failedField) string{
	"required": func(f failedField) string {
		if m, ok := f.textRange(); ok {
			return m
		}
		return "请填写" + f.label
	},
	"chosen": func(f failedField) string { return "请选择" + f.label },
	"min":    bound("不少于 %s 位", "不能小于 %s", "至少 %s 项"),
	"max":    bound("不能超过 %s 个字", "不能大于 %s", "最多 %s 项"),
	"maxbytes": func(f failedField) string {
		return f.label + "不能超过 " + f.param + " 个字节（一个汉字占 3 个）"
	},
	"oneof": func(f failedField) string {
		opts := strings.Fields(f.param)
		if len(opts) < 2 {
			return f.label + "应为 " + f.param
		}
		return f.label + "应为 " + strings.Join(opts[:len(opts)-1], "、") + " 或 " + opts[len(opts)-1]
	},
	"nefield": func(f failedField) string { return f.label + "不能与" + f.other(f.param) + "相同" },
	"name":    textMessage,
	"line":    textMessage,
	"para":    textMessage,
	"phone":   textMessage,
	"program": func(f failedField) string { return "请选择" + f.label },
	"role":    func(f failedField) string { return "请选择" + f.label },
	"username": func(failedField) string {
		return "用户名为 3–32 位小写字母、数字或 _ . -，以字母开头"
	},
}

// bind decodes the JSON body into v and checks its binding tags: a body over the limit
// (limitBody) is 413 payload_too_large, one that cannot be read 400 bad_request, one of
// the wrong shape 400 validation_failed.
func bind(c *gin.Context, v any) bool {
	if err := c.ShouldBindWith(v, strictJSON{}); err != nil {
		fail(c, bindFailure(c, v, err))
		return false
	}
	return cleaned(c, v)
}

// freeJSON is a request whose free-form JSON (a case's details, a decision's data) is
// cleaned after binding: see cleanJSON.
type freeJSON interface{ cleanJSON() error }

// cleaned cleans v's free-form JSON, if it has any, and refuses what cleanJSON refuses.
func cleaned(c *gin.Context, v any) bool {
	if fj, ok := v.(freeJSON); ok {
		if err := fj.cleanJSON(); err != nil {
			fail(c, err)
			return false
		}
	}
	return true
}

// strictJSON is gin's JSON binding with the whole body decoded as one value: gin's own
// reads the first value and ignores what follows (`{...}0`, `{...}{...}`), so a body was
// accepted that is not JSON (found by FuzzCreateBody).
type strictJSON struct{}

func (strictJSON) Name() string { return "json" }

func (b strictJSON) Bind(req *http.Request, v any) error {
	if req == nil || req.Body == nil {
		return errors.New("no body")
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return err
	}
	return b.BindBody(body, v)
}

func (strictJSON) BindBody(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return err
	}
	return binding.Validator.ValidateStruct(v)
}

// bindFailure is bindError, with the request's body limit for a body cut off at it.
func bindFailure(c *gin.Context, v any, err error) error {
	if isTooLarge(err) {
		return tooLarge(bodyLimit(c), err)
	}
	return bindError(v, err)
}

// bindError turns what ShouldBindJSON returned for v into the API's error.
func bindError(v any, err error) error {
	var fields validator.ValidationErrors
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ) && typ.Field != "":
		// A number too large for its field (1e309, 1e20 people) or a value of the wrong
		// kind: the field's label, never the decoder's words.
		m := labelAt(reflect.TypeOf(v), typ.Field) + "不是有效的" + kindWord(typ.Type)
		return &mzflow.Error{Code: mzflow.CodeInvalid, Message: m, Details: map[string]any{typ.Field: m}, Err: err}
	case errors.As(err, &fields):
		details := make(map[string]any, len(fields))
		msgs := make([]string, 0, len(fields))
		for _, fe := range fields {
			m := fieldMessage(reflect.TypeOf(v), fe)
			_, path, _ := strings.Cut(fe.Namespace(), ".")
			details[path] = m
			msgs = append(msgs, m)
		}
		return &mzflow.Error{Code: mzflow.CodeInvalid, Message: strings.Join(msgs, "；"), Details: details, Err: err}
	}
	return &mzflow.Error{Code: mzflow.CodeBadRequest, Message: "请求内容无法解析，请检查 JSON 格式", Err: err}
}

// fieldMessage is the Chinese message of one failed field of a value of type root.
func fieldMessage(root reflect.Type, fe validator.FieldError) string {
	parent, sf, ok := structField(root, fe.StructNamespace())
	if !ok {
		return fe.Field() + "不符合要求"
	}
	value, _ := fe.Value().(text)
	f := failedField{label: sf.Tag.Get("label"), param: fe.Param(), kind: fe.Kind(), tags: map[string]string{},
		tag: fe.Tag(), value: string(value),
		other: func(name string) string {
			if o, ok := parent.FieldByName(name); ok && o.Tag.Get("label") != "" {
				return o.Tag.Get("label")
			}
			return name
		}}
	if f.label == "" {
		f.label = fe.Field()
	}
	for part := range strings.SplitSeq(sf.Tag.Get("binding"), ",") {
		name, param, _ := strings.Cut(part, "=")
		f.tags[name] = param
	}
	if msg, ok := tagMessages[fe.Tag()]; ok {
		return msg(f)
	}
	return f.label + "不符合要求"
}

// structField finds the field a StructNamespace (createCaseRequest.Applicant.Name) names
// under root, and the struct that holds it.
func structField(root reflect.Type, ns string) (reflect.Type, reflect.StructField, bool) {
	for root.Kind() == reflect.Pointer {
		root = root.Elem()
	}
	parts := strings.Split(ns, ".")
	t := root
	var sf reflect.StructField
	for i, p := range parts[1:] {
		if j := strings.IndexByte(p, '['); j >= 0 {
			p = p[:j]
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, sf, false
		}
		f, ok := t.FieldByName(p)
		if !ok {
			return nil, sf, false
		}
		if i == len(parts)-2 {
			return t, f, true
		}
		sf, t = f, f.Type
	}
	return nil, sf, false
}

// labelAt is the label of the field at a JSON path (applicant.household_size) under
// root, or the path when the field has none.
func labelAt(root reflect.Type, path string) string {
	t := root
	label := path
	for part := range strings.SplitSeq(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return path
		}
		found := false
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == part {
				t, found = f.Type, true
				if l := f.Tag.Get("label"); l != "" {
					label = l
				}
				break
			}
		}
		if !found {
			return path
		}
	}
	return label
}

// kindWord says in Chinese what kind of value a field takes.
func kindWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "数字"
	case reflect.String:
		return "文字"
	case reflect.Bool:
		return "是或否"
	case reflect.Slice, reflect.Array:
		return "列表"
	}
	return "内容"
}
