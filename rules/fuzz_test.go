package rules

import (
	"strings"
	"testing"
	"time"
)

// FuzzRulesFile feeds any bytes to Parse, as a county's rules file. Properties: no
// panic; a refusal is a *FileError with a message (in Chinese, or the YAML library's
// syntax note after 「YAML 格式错误」); accepted rules validate.
func FuzzRulesFile(f *testing.F) {
	for _, s := range []string{apiExample, "", "programs:\n  linshi:\n    township_cap: 3000\n    max_amount: 5e4\n",
		"programs:\n  dibao:\n    max_household_size: 0\n", "programs: [1, 2]\n", "a: &x [*x]\n",
		"programs:\n  dibao:\n    steps:\n      intake: {limit: -3WD}\n", "programs:\n  tekun:\n    recheck_months: {stable: 99999999999999999999}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r *Rules
		var err error
		done := make(chan struct{})
		go func() { r, err = Parse("rules.yaml", data); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Parse(%q) takes over 5 s", data)
		}
		if err != nil {
			fe, ok := err.(*FileError)
			if !ok || fe.Msg == "" || fe.File != "rules.yaml" || strings.Contains(fe.Msg, "Go struct") {
				t.Fatalf("Parse(%q) = %#v, want a *FileError with a message", data, err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("Parse(%q) accepted rules that do not validate: %v", data, err)
		}
	})
}
