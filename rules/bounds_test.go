package rules

import (
	"strings"
	"testing"
)

// The bounds of amounts and counts are rules values: defaults for every program, set per
// county in the rules file, refused there with the line when they bound nothing.
func TestBounds(t *testing.T) {
	for _, p := range Defaults().Programs {
		if p.MaxHouseholdSize != 20 || p.MaxAmountMonthly <= 0 || p.MaxIncomeMonthly <= 0 || p.MaxAmount <= 0 {
			t.Errorf("%s defaults: %+v, want every bound set", p.Program, p)
		}
	}
	r, err := Parse("r.yaml", []byte("programs:\n  dibao:\n    max_household_size: 12\n    max_amount_monthly: 9000.5\n"))
	if err != nil || r.Programs["dibao"].MaxHouseholdSize != 12 || r.Programs["dibao"].MaxAmountMonthly != 9000.5 {
		t.Fatalf("overlay = %v, %+v", err, r)
	}
	for _, bad := range []string{"max_household_size: 0", "max_household_size: 1000000", "max_household_size: 2.5",
		"max_amount_monthly: .inf", "max_amount_monthly: -1", "max_income_monthly: 1e308", "max_amount: '100'"} {
		_, err := Parse("r.yaml", []byte("programs:\n  tekun:\n    "+bad+"\n"))
		fe, ok := err.(*FileError)
		if !ok || fe.Line != 3 || !strings.HasPrefix(fe.Field, "programs.tekun.max_") {
			t.Errorf("%s: %v, want a FileError on line 3 naming the field", bad, err)
		}
	}
}
