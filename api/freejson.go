package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mzflow/mzflow"
)

// maxFreeJSON bounds a decision's data and a case's details: they are stored whole in
// one TEXT column (64 KB in MySQL) with the event around them, and no form of the step
// table needs more than a few hundred bytes.
const maxFreeJSON = 16 << 10

// cleanFreeJSON is the one pass over free-form JSON the step table and the workflows read
// (a decision's data, a case's details), under the field name prefix: the bytes must be
// UTF-8 and at most maxFreeJSON, every string (key or value) is NFC-normalised and
// checked as multi-line text (mzflow.CheckText), every number must fit a float64. The
// workflow's validators check each field's own rules again (names, lengths, ranges).
// It returns the cleaned JSON, or a 400 validation_failed naming the first bad field by
// its path (data.investigators[0]).
func cleanFreeJSON(raw json.RawMessage, prefix string) (json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return raw, nil
	}
	refuse := func(path, why string) error {
		return &mzflow.Error{Code: mzflow.CodeInvalid, Message: path + why, Details: map[string]any{path: path + why}}
	}
	if len(raw) > maxFreeJSON {
		return nil, refuse(prefix, "不能超过 "+strconv.Itoa(maxFreeJSON>>10)+" KB")
	}
	if !utf8.Valid(raw) {
		// The decoder would turn the bytes into U+FFFD silently; find the string that
		// holds them, for the message.
		path := prefix
		if p, ok := invalidAt(raw, prefix); ok {
			path = p
		}
		return nil, refuse(path, "含有无法识别的字符（编码错误）")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, refuse(prefix, "格式不正确")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, refuse(prefix, "格式不正确")
	}
	v, path, why := cleanValue(v, prefix)
	if why != "" {
		return nil, refuse(path, why)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, refuse(prefix, "格式不正确")
	}
	return out, nil
}

// cleanValue normalises the strings in v and returns the path of the first value it
// refuses, and why.
func cleanValue(v any, path string) (any, string, string) {
	switch x := v.(type) {
	case string:
		s := mzflow.NormalizeText(x)
		if why := mzflow.CheckText(s); why != "" {
			return nil, path, why
		}
		return s, "", ""
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, path, "不是有效的数字"
		}
		return x, "", ""
	case []any:
		for i, e := range x {
			c, p, why := cleanValue(e, path+"["+strconv.Itoa(i)+"]")
			if why != "" {
				return nil, p, why
			}
			x[i] = c
		}
		return x, "", ""
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			nk := mzflow.NormalizeText(k)
			if why := mzflow.CheckLine(nk); why != "" || nk == "" {
				return nil, path, "含有无效的字段名"
			}
			c, p, why := cleanValue(x[k], path+"."+nk)
			if why != "" {
				return nil, p, why
			}
			out[nk] = c
		}
		return out, "", ""
	}
	return v, "", ""
}

// invalidAt finds the path of the first string of raw that is not UTF-8.
func invalidAt(raw json.RawMessage, prefix string) (string, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	// The decoder put U+FFFD where the bytes were; CheckText refuses it.
	_, path, why := cleanValue(v, prefix)
	return path, why != ""
}

func (r *createCaseRequest) cleanJSON() (err error) {
	r.Details, err = cleanFreeJSON(r.Details, "details")
	return err
}

func (r *decideRequest) cleanJSON() (err error) {
	r.Data, err = cleanFreeJSON(r.Data, "data")
	return err
}
