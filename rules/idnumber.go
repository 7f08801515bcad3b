package rules

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mzflow/mzflow"
)

// The parts of an ID number an error can name; they travel in Details["part"] so the web
// page can highlight the right thing without parsing the Chinese message.
const (
	idPartLength     = "length"
	idPartCharacters = "characters"
	idPartRegion     = "region"
	idPartBirthDate  = "birth_date"
	idPartCheck      = "check_digit"
)

// idWeights are the ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 of GB 11643-1999 [I1].
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps S mod 11 to the check character [I1].
const idCheckChars = "10X98765432"

// idEarliestYear is the earliest birth year accepted: an earlier year is a typo. It is
// not tighter because GB 11643's own published example (440524188001010014, docs/domain.md
// §6) is born in 1880 and must pass.
const idEarliestYear = 1850

// ValidateID checks a resident ID number (GB 11643-1999, docs/domain.md §6) and returns it
// normalised: 18 characters with an upper-case X. Surrounding spaces are trimmed and a
// lower-case x is accepted, because staff type or paste numbers in every form. A legacy
// 15-digit number (GB 11643-1989) is upgraded to 18 first, by inserting "19" before its
// 6-digit birth date and computing the check character, and is then checked like any
// other, so one store and one keyed hash serve both forms.
//
// The checks, in order: length, characters, region (a known province, 83 for Taiwan
// residence permits included, and a 6-digit address code that is not a province's own
// xx0000 code, except 810000/820000/830000 on residence permits), birth date (a real
// date, not after today's date in today's location, not before 1890) and the check
// character. The region check is deliberately shallow: abolished county codes stay valid
// on old cards, so checking against today's list would reject real people.
//
// Errors are *mzflow.Error with code mzflow.CodeInvalidIDNumber, a Chinese message that
// names the wrong part and Details["part"] (length, characters, region, birth_date,
// check_digit). No message repeats the number or says what the check character should
// be: the first would put personal data into logs, the second would help forgers.
func ValidateID(s string, today time.Time) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n != 15 && n != 18 {
		return "", idError(idPartLength, "身份证号码应为18位（或15位旧号码），实际为%d位", n)
	}
	if len(s) != n {
		// Some rune is not ASCII: a full-width digit, a Chinese character or a bad byte.
		return "", idCharError(n)
	}
	var id17 string
	if n == 15 {
		if !allDigits(s) {
			return "", idCharError(n)
		}
		id17 = s[:6] + "19" + s[6:]
	} else {
		id17 = s[:17]
		if !allDigits(id17) || !isCheckChar(s[17]) {
			return "", idCharError(n)
		}
	}
	if err := checkIDRegion(id17[:6]); err != nil {
		return "", err
	}
	birth := id17[6:14]
	if _, ok := parseBirthDate(birth); !ok {
		return "", idError(idPartBirthDate, "身份证号码中的出生日期不是真实的日期")
	}
	if birth > today.Format("20060102") {
		return "", idError(idPartBirthDate, "身份证号码中的出生日期晚于今天")
	}
	if atoi(birth[:4]) < idEarliestYear {
		return "", idError(idPartBirthDate, "身份证号码中的出生日期早于%d年", idEarliestYear)
	}
	want := checkChar(id17)
	if n == 18 && upper(s[17]) != want {
		return "", idError(idPartCheck, "身份证号码校验位不正确，请核对号码")
	}
	return id17 + string(want), nil
}

// MaskID hides the middle of an ID number for display: the first 6 and last 4
// characters stay (340102********1234), enough for staff to tell two people apart
// without revealing the birth date. Anything shorter than a legacy 15-digit number is
// all stars, because showing 10 of 14 characters would hide almost nothing.
func MaskID(id string) string {
	id = strings.TrimSpace(id)
	r := []rune(id)
	if len(r) < 15 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + "********" + string(r[len(r)-4:])
}

// BirthDate returns the birth date of a normalised 18-character ID number (ValidateID's
// result) at midnight UTC, a calendar date with no time zone meaning. It checks only the
// length and the date, not the whole number. The error is an *mzflow.Error with code
// mzflow.CodeInvalidIDNumber.
func BirthDate(id18 string) (time.Time, error) {
	if len(id18) != 18 {
		return time.Time{}, idError(idPartLength, "身份证号码应为18位")
	}
	d, ok := parseBirthDate(id18[6:14])
	if !ok {
		return time.Time{}, idError(idPartBirthDate, "身份证号码中的出生日期不是真实的日期")
	}
	return d, nil
}

// Male reports whether a normalised 18-character ID number belongs to a man: the
// 17th character, the last of the sequence code, is odd for men and even for women. It
// is false for anything that is not such a number, since the caller has validated it.
func Male(id18 string) bool {
	if len(id18) != 18 {
		return false
	}
	c := id18[16]
	return c >= '0' && c <= '9' && (c-'0')%2 == 1
}

// checkIDRegion checks the 6-digit address code of an ID number.
func checkIDRegion(code string) error {
	p := code[:2]
	permit := p == "81" || p == "82" || p == "83" // HK, Macau, Taiwan residence permits [I2]
	if !ValidProvince(p) && !permit {
		return idError(idPartRegion, "身份证号码的地区码无效：前两位 %s 不是省级行政区划代码", p)
	}
	if code[2:] == "0000" && !permit {
		return idError(idPartRegion, "身份证号码的地区码无效：前6位应为县级行政区划代码，不能以0000结尾")
	}
	return nil
}

// parseBirthDate reads YYYYMMDD and rejects dates that time.Date would normalise, such
// as 19490230 becoming March 2.
func parseBirthDate(s string) (time.Time, bool) {
	if len(s) != 8 || !allDigits(s) {
		return time.Time{}, false
	}
	y := atoi(s[:4])
	m := atoi(s[4:6])
	d := atoi(s[6:])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// WithCheckChar completes 17 digits (division, birth date, sequence) into an 18-digit ID
// number, for tests and seed data that need valid numbers.
func WithCheckChar(id17 string) string { return id17 + string(checkChar(id17)) }

// checkChar computes the ISO 7064 MOD 11-2 check character of 17 digits.
func checkChar(id17 string) byte {
	s := 0
	for i := 0; i < 17; i++ {
		s += int(id17[i]-'0') * idWeights[i]
	}
	return idCheckChars[s%11]
}

func isCheckChar(c byte) bool { return c >= '0' && c <= '9' || c == 'X' || c == 'x' }

func upper(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}

// atoi reads a short run of ASCII digits already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func idCharError(n int) error {
	if n == 15 {
		return idError(idPartCharacters, "身份证号码含有无效字符：15位旧号码应全部为数字")
	}
	return idError(idPartCharacters, "身份证号码含有无效字符：前17位应为数字，最后一位为数字或X")
}

func idError(part, format string, args ...any) error {
	e := mzflow.Errorf(mzflow.CodeInvalidIDNumber, format, args...)
	e.Details = map[string]any{"part": part}
	return e
}
