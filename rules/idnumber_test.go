package rules

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
)

// today is fixed so that "in the future" means the same thing on every run.
var today = time.Date(2026, 1, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// withCheck appends the right check character, so a test about the date or the region
// is not an accidental test of the check character.
func withCheck(id17 string) string { return id17 + string(checkChar(id17)) }

func TestValidateID(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"VerifiedVectorX", "11010519491231002X", "11010519491231002X"},
		{"LowerCaseX", "11010519491231002x", "11010519491231002X"},
		{"Spaces", "  11010519491231002X\t", "11010519491231002X"},
		{"FullWidthSpaces", "\u300011010519491231002X\u3000", "11010519491231002X"},
		{"Legacy15", "110105491231002", "11010519491231002X"},
		{"Legacy15Chengdu", "510107720815201", "510107197208152014"},
		{"BornToday", withCheck("34010220260115123"), withCheck("34010220260115123")},
		{"LeapDay", withCheck("34010220000229123"), withCheck("34010220000229123")},
		{"HongKongPermit", withCheck("81000019900101002"), withCheck("81000019900101002")},
		{"MacauPermit", withCheck("82000019900101002"), withCheck("82000019900101002")},
		{"TaiwanPermit", withCheck("83000019900101002"), withCheck("83000019900101002")},
		{"Earliest", withCheck("11010518900101002"), withCheck("11010518900101002")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateID(tt.in, today)
			if err != nil || got != tt.want {
				t.Errorf("ValidateID(%q) = %q, %v, want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestCheckChar runs ISO 7064 MOD 11-2 on the verified vectors of docs/domain.md §6 [I1],
// directly and through ValidateID.
func TestCheckChar(t *testing.T) {
	for _, v := range []string{"11010519491231002X", "440524188001010014"} {
		if got := checkChar(v[:17]); got != v[17] {
			t.Errorf("checkChar(%q) = %c, want %c", v[:17], got, v[17])
		}
		if got, err := ValidateID(v, today); err != nil || got != v {
			t.Errorf("ValidateID(%q) = %q, %v, want %q, nil", v, got, err, v)
		}
	}
	// Before the earliest year the error is about the birth date, not the check char.
	id := "44052418400101001"
	id += string(checkChar(id))
	_, err := ValidateID(id, today)
	var e *mzflow.Error
	if !errors.As(err, &e) || e.Details["part"] != idPartBirthDate {
		t.Errorf("ValidateID(%q) = %v, want a birth_date error (born before 1850)", id, err)
	}
}

func TestValidateIDErrors(t *testing.T) {
	tests := []struct {
		name, in string
		part     string // Details["part"]
		msg      string // the message must contain this
	}{
		{"ErrEmpty", "", idPartLength, "应为18位（或15位旧号码）"},
		{"ErrLength16", "1101051949123100", idPartLength, "实际为16位"},
		{"ErrLength19", "11010519491231002X1", idPartLength, "应为18位"},
		{"ErrLetterInBody", "1101051949123A002X", idPartCharacters, "无效字符"},
		{"ErrBadCheckLetter", "11010519491231002Y", idPartCharacters, "最后一位为数字或X"},
		{"ErrFullWidthDigit", "1101051949123100２X", idPartCharacters, "无效字符"},
		{"ErrLegacyWithX", "11010549123100X", idPartCharacters, "15位旧号码应全部为数字"},
		{"ErrInnerSpace", "110105 9491231002X", idPartCharacters, "无效字符"},
		{"ErrUnknownProvince", withCheck("99010519491231002"), idPartRegion, "地区码"},
		{"ErrProvince72", withCheck("72010519491231002"), idPartRegion, "前两位 72"},
		{"ErrProvinceCode", withCheck("11000019491231002"), idPartRegion, "不能以0000结尾"},
		{"ErrTaiwan710000", withCheck("71000019491231002"), idPartRegion, "地区码"},
		{"ErrFeb30", withCheck("11010519490230002"), idPartBirthDate, "出生日期不是真实的日期"},
		{"ErrMonth13", withCheck("11010519491301002"), idPartBirthDate, "出生日期"},
		{"ErrDay00", withCheck("11010519491200002"), idPartBirthDate, "出生日期"},
		{"ErrNotLeap", withCheck("11010519000229002"), idPartBirthDate, "出生日期"},
		{"ErrFuture", withCheck("34010220260116123"), idPartBirthDate, "晚于今天"},
		{"ErrBefore1850", withCheck("11010518491231002"), idPartBirthDate, "早于1850年"},
		{"ErrLegacyFeb30", "110105490230002", idPartBirthDate, "出生日期"},
		{"ErrCheck", "110105194912310021", idPartCheck, "校验位不正确，请核对号码"},
		{"ErrCheckSwappedDigits", "11010519491231200X", idPartCheck, "校验位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateID(tt.in, today)
			var e *mzflow.Error
			if !errors.As(err, &e) {
				t.Fatalf("ValidateID(%q) = %q, %v, want an *mzflow.Error", tt.in, got, err)
			}
			if got != "" {
				t.Errorf("ValidateID(%q) returned %q with an error, want \"\"", tt.in, got)
			}
			if e.Code != mzflow.CodeInvalidIDNumber {
				t.Errorf("ValidateID(%q) code = %s, want %s", tt.in, e.Code, mzflow.CodeInvalidIDNumber)
			}
			if part := e.Details["part"]; part != tt.part {
				t.Errorf("ValidateID(%q) part = %v, want %s (message %q)", tt.in, part, tt.part, e.Message)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("ValidateID(%q) message = %q, want it to contain %q", tt.in, e.Message, tt.msg)
			}
		})
	}
}

// TestValidateIDNeverRevealsCheckChar guards the rule that the message must not help
// someone make up a number: neither the right check character nor the number appears.
func TestValidateIDNeverRevealsCheckChar(t *testing.T) {
	in := "110105194912310021" // right: X
	_, err := ValidateID(in, today)
	msg := mzflow.ErrorMessage(err)
	if strings.Contains(msg, "X") || strings.Contains(msg, "11010519491231") {
		t.Errorf("ValidateID(%q) message = %q, want no check character and no number", in, msg)
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"340102198001011234", "340102********1234"},
		{"11010519491231002X", "110105********002X"},
		{" 11010519491231002X ", "110105********002X"},
		{"110105491231002", "110105********1002"},
		{"12345", "*****"},
		{"12345678901234", "**************"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBirthDateAndMale(t *testing.T) {
	tests := []struct {
		id   string
		date string
		male bool
	}{
		{"11010519491231002X", "1949-12-31", false},
		{"440524188001010014", "1880-01-01", true},
		{"510107197208152014", "1972-08-15", true},
	}
	for _, tt := range tests {
		got, err := BirthDate(tt.id)
		if err != nil || got.Format(time.DateOnly) != tt.date || got.Location() != time.UTC {
			t.Errorf("BirthDate(%q) = %v, %v, want %s UTC", tt.id, got, err, tt.date)
		}
		if got := Male(tt.id); got != tt.male {
			t.Errorf("Male(%q) = %v, want %v", tt.id, got, tt.male)
		}
	}
	for _, bad := range []string{"", "110105491231002", withCheck("11010519490230002")} {
		if got, err := BirthDate(bad); mzflow.ErrorCode(err) != mzflow.CodeInvalidIDNumber {
			t.Errorf("BirthDate(%q) = %v, %v, want a %s error", bad, got, err, mzflow.CodeInvalidIDNumber)
		}
		if Male(bad) && len(bad) != 18 {
			t.Errorf("Male(%q) = true, want false for a number that is not 18 characters", bad)
		}
	}
}

func TestCheckTownshipCode(t *testing.T) {
	tests := []struct {
		name, code string
		msg        string // "" for OK
	}{
		{"OK", "340102001", ""},
		{"OKTown", "532301100", ""},
		{"OKMunicipalDistrict", "110105001", ""},
		{"ErrShort", "34010200", "9位数字"},
		{"ErrLetters", "34010200A", "9位数字"},
		{"ErrTwelveDigits", "340102001001", "9位数字"},
		{"ErrProvince", "990102001", "前两位 99"},
		{"ErrCountyPart", "340000001", "不能以0000结尾"},
		{"ErrTownshipPart", "340102000", "不能为000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTownshipCode(tt.code)
			if tt.msg == "" {
				if err != nil {
					t.Errorf("CheckTownshipCode(%q) = %v, want nil", tt.code, err)
				}
				return
			}
			if mzflow.ErrorCode(err) != mzflow.CodeInvalid || !strings.Contains(mzflow.ErrorMessage(err), tt.msg) {
				t.Errorf("CheckTownshipCode(%q) = %v, want %s containing %q", tt.code, err, mzflow.CodeInvalid, tt.msg)
			}
		})
	}
}

func TestValidProvince(t *testing.T) {
	for code, want := range map[string]bool{"11": true, "34": true, "71": true, "81": true, "82": true,
		"83": false, "10": false, "99": false, "1": false, "": false} {
		if got := ValidProvince(code); got != want {
			t.Errorf("ValidProvince(%q) = %v, want %v", code, got, want)
		}
	}
	if name, ok := ProvinceName("34"); !ok || name != "安徽" {
		t.Errorf("ProvinceName(\"34\") = %q, %v, want 安徽, true", name, ok)
	}
}

// FuzzValidateID checks that no input panics, that anything accepted is an 18-character
// number that validates to itself, and that masking and the accessors cope with it.
func FuzzValidateID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "440524188001010014", "11010519491231002x", "110105491231002",
		"510107720815201", "110105194912310021", "11010519490230002X", "99010519491231002X",
		"", " ", "X", "1101051949123100２X", "\xff\xfe110105491231002", "83000019900101002X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = MaskID(s)
		got, err := ValidateID(s, today)
		if err != nil {
			if got != "" {
				t.Fatalf("ValidateID(%q) = %q, %v, want \"\" with an error", s, got, err)
			}
			if mzflow.ErrorCode(err) != mzflow.CodeInvalidIDNumber {
				t.Fatalf("ValidateID(%q) error %v, want code %s", s, err, mzflow.CodeInvalidIDNumber)
			}
			return
		}
		if len(got) != 18 {
			t.Fatalf("ValidateID(%q) = %q, want 18 characters", s, got)
		}
		again, err := ValidateID(got, today)
		if err != nil || again != got {
			t.Fatalf("ValidateID(%q) = %q, %v, want %q, nil (re-validating ValidateID(%q))", got, again, err, got, s)
		}
		if _, err := BirthDate(got); err != nil {
			t.Fatalf("BirthDate(%q) = %v, want nil for an accepted number", got, err)
		}
		_ = Male(got)
		if m := MaskID(got); len(m) != 18 || m[6:14] != "********" {
			t.Fatalf("MaskID(%q) = %q, want 6 + 8 stars + 4", got, m)
		}
	})
}
