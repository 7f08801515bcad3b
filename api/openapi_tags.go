package api

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mzflow/mzflow"
)

// bindingSchema is the OpenAPI description's view of the binding tags (validate.go): a
// field's label is its description, min/max are lengths (characters), bounds or item
// counts, oneof, program and role are enums, username is a pattern, and required,
// chosen and username fields are listed as required. maxbytes is not said.
func bindingSchema(_ string, t reflect.Type, tag reflect.StructTag, schema *openapi3.Schema) error {
	if t.Kind() == reflect.Struct {
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if tags := bindingTags(f.Tag); hasAny(tags, "required", "chosen", "username") {
				schema.Required = append(schema.Required, name)
			}
		}
		return nil
	}
	tags := bindingTags(tag)
	if len(tags) == 0 {
		return nil
	}
	if label := tag.Get("label"); label != "" && schema.Description == "" {
		schema.Description = label
	}
	num := func(name string) (uint64, bool) {
		s, ok := tags[name]
		if !ok {
			return 0, false
		}
		n, err := strconv.ParseUint(s, 10, 64)
		return n, err == nil
	}
	switch t.Kind() {
	case reflect.String:
		if n, ok := num("min"); ok {
			schema.MinLength = n
		}
		if n, ok := num("max"); ok {
			schema.MaxLength = &n
		}
		if opts, ok := tags["oneof"]; ok {
			for _, o := range strings.Fields(opts) {
				schema.Enum = append(schema.Enum, o)
			}
		}
		if _, ok := tags["program"]; ok {
			for _, p := range mzflow.Programs {
				schema.Enum = append(schema.Enum, string(p))
			}
		}
		if _, ok := tags["role"]; ok {
			for _, r := range mzflow.Roles {
				schema.Enum = append(schema.Enum, string(r))
			}
		}
		if _, ok := tags["username"]; ok {
			schema.Pattern = usernamePattern.String()
		}
		if _, ok := tags["phone"]; ok {
			schema.Pattern = mzflow.PhonePattern.String()
		}
	case reflect.Slice:
		// The items were generated with the same tag: the bounds are the list's.
		if schema.Items != nil && schema.Items.Value != nil {
			schema.Items.Value.MinLength, schema.Items.Value.MaxLength, schema.Items.Value.Description = 0, nil, ""
		}
		if n, ok := num("min"); ok {
			schema.MinItems = n
		}
		if n, ok := num("max"); ok {
			schema.MaxItems = &n
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := num("min"); ok {
			f := float64(n)
			schema.Min = &f
		}
		if n, ok := num("max"); ok {
			f := float64(n)
			schema.Max = &f
		}
	}
	return nil
}

func bindingTags(tag reflect.StructTag) map[string]string {
	b := tag.Get("binding")
	if b == "" {
		return nil
	}
	out := map[string]string{}
	for part := range strings.SplitSeq(b, ",") {
		name, param, _ := strings.Cut(part, "=")
		out[name] = param
	}
	return out
}

func hasAny(tags map[string]string, names ...string) bool {
	for _, n := range names {
		if _, ok := tags[n]; ok {
			return true
		}
	}
	return false
}
