package mzflow

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The checks of the text people type, in one place: the API applies them to every
// string a request carries and the workflows' validators again to what they parse, so a
// caller that bypasses the API (a direct Temporal client) meets the same rules. Each
// check returns why the text is refused, in Chinese and without the field's label
// (the caller says which field), or "" when it is fine.

// NormalizeText is how text is stored: NFC (one code point sequence for what looks the
// same, so 张三 typed on two keyboards is one name and compares equal) with the
// surrounding white space trimmed.
func NormalizeText(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// isBidi reports the invisible direction controls (U+202A–202E embeddings and
// overrides, U+2066–2069 isolates, U+200E/F marks, U+061C the Arabic letter mark): they
// make a name or a comment display other than it reads (Trojan Source).
func isBidi(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// checkCommon refuses what no text may hold: bytes that are not UTF-8 (and U+FFFD, what
// a JSON decoder turns them into), text that is not NFC (NormalizeText was skipped),
// and the direction controls.
func checkCommon(s string) string {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "含有无法识别的字符（编码错误）"
	}
	if !norm.NFC.IsNormalString(s) {
		return "含有未规范化的字符，请重新输入"
	}
	if strings.IndexFunc(s, isBidi) >= 0 {
		return "含有不可见的文字方向控制字符"
	}
	return ""
}

// CheckLine checks single-line text (a village, an address, a reporter, an
// organisation's name): no control character at all, no line or paragraph separator.
func CheckLine(s string) string {
	if m := checkCommon(s); m != "" {
		return m
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) >= 0 {
		return "含有控制字符或换行"
	}
	return ""
}

// CheckText checks multi-line text (comments, reasons, an objection's content): line
// breaks and tabs are allowed, other C0 and C1 controls are not.
func CheckText(s string) string {
	if m := checkCommon(s); m != "" {
		return m
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		return "含有控制字符"
	}
	return ""
}

// nameMarks are the separators a person's name may hold besides letters: the middle
// dots of ethnic-minority and transliterated names (阿依古丽·买买提), and a space.
const nameMarks = "·•・ "

// CheckName checks a person's name: letters (Han characters or any script's letters,
// with their combining marks), digits (the numbered names load tests and demo data
// use) and nameMarks only, at least one letter. Emoji, symbols, punctuation and the
// invisible format characters (zero-width spaces and joiners) are refused, so a name
// reads as what it is and two names that look alike are alike.
func CheckName(s string) string {
	if m := CheckLine(s); m != "" {
		return m
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsMark(r) || unicode.IsDigit(r) || strings.ContainsRune(nameMarks, r):
		case unicode.Is(unicode.Cf, r):
			return "含有不可见的格式字符"
		default:
			return "只能包含汉字、字母、数字和间隔号（·）"
		}
	}
	if letters == 0 {
		return "应包含汉字或字母"
	}
	return ""
}

// PhonePattern is a mainland mobile number (1[3-9] and 9 digits, optionally after +86 or
// 86), or a landline with its area code (0 and 2–3 digits, then 7–8 digits; an optional
// dash between them and an optional extension after a dash, 转 or #).
var PhonePattern = regexp.MustCompile(`^(?:(?:\+?86[- ]?)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?)$`)

// CheckPhone checks a contact number; "" (none given) is fine.
func CheckPhone(s string) string {
	if s == "" || PhonePattern.MatchString(s) {
		return ""
	}
	return "格式不正确（手机号 11 位，或带区号的固定电话，如 0591-87654321）"
}

// DistinctNames counts the different names in names once normalised, blanks left out:
// "at least two investigators" means two people, not one name twice.
func DistinctNames(names []string) int {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if n = NormalizeText(n); n != "" {
			seen[n] = true
		}
	}
	return len(seen)
}
