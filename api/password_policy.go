package api

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/mzflow/mzflow"
)

// The password policy of 等保 level three (issue 12, part 3), for every new or changed
// password: an administrator's initial one, a reset, POST /me/password.
const (
	minPasswordChars   = 12
	minPasswordClasses = 3 // of lower case, upper case, digits, symbols
	// passwordHistory is how many recent passwords, the current one included, a new one
	// may not repeat.
	passwordHistory = 5
)

// The common-password lists shipped with the binary: the world's most used passwords and
// those common in China that the world list misses (see the files' headers).
var (
	//go:embed common-passwords.txt
	commonPasswordsWorld string
	//go:embed common-passwords-zh.txt
	commonPasswordsChina string

	commonPasswords = func() map[string]bool {
		m := map[string]bool{}
		for _, list := range []string{commonPasswordsWorld, commonPasswordsChina} {
			for _, line := range strings.Split(list, "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
					m[strings.ToLower(line)] = true
				}
			}
		}
		return m
	}()
)

// unleet undoes the symbol-for-letter swaps people make to pass a class rule (p@ssw0rd).
var unleet = strings.NewReplacer("@", "a", "0", "o", "$", "s", "3", "e", "!", "i")

// isCommon reports whether a password is on the lists, as it is, with letters swapped back
// from symbols, or with the digits and symbols people pad a common word with (Woaini1314!,
// Password1234) trimmed from both ends.
func isCommon(pw string) bool {
	lower := strings.ToLower(pw)
	for _, p := range []string{lower, unleet.Replace(lower)} {
		core := strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
		if commonPasswords[p] || (utf8.RuneCountInString(core) >= 4 && commonPasswords[core]) {
			return true
		}
	}
	return false
}

// passwordClasses counts the kinds of characters in pw.
func passwordClasses(pw string) int {
	var lower, upper, digit, symbol int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	return lower + upper + digit + symbol
}

// checkPassword applies the policy to a new password of username; recent are the bcrypt
// hashes of the user's last passwords (none for a new user). The refusal is a 422
// weak_password naming the rule, with the field's message in details.
func checkPassword(field, pw, username string, recent []string) error {
	weak := func(rule, msg string) error {
		return &mzflow.Error{Code: mzflow.CodeWeakPassword, Message: "密码不符合安全要求：" + msg,
			Details: map[string]any{field: msg, "rule": rule}}
	}
	switch {
	case utf8.RuneCountInString(pw) < minPasswordChars:
		return weak("min_length", "至少 12 个字符")
	case passwordClasses(pw) < minPasswordClasses:
		return weak("classes", "须包含小写字母、大写字母、数字、符号中的至少 3 类")
	case len(username) >= 3 && strings.Contains(strings.ToLower(pw), strings.ToLower(username)):
		return weak("username", "不能包含用户名")
	case isCommon(pw):
		return weak("common", "过于常见（在常用密码表中，或是常用密码加数字、符号），请换一个")
	}
	for _, h := range recent {
		if bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) == nil {
			return weak("reused", "不能与最近 5 次用过的密码相同")
		}
	}
	return nil
}

// CheckPassword applies the password policy to a first password outside the API (mzflow
// migrate's administrator); the error's message names the rule.
func CheckPassword(pw, username string) error {
	return checkPassword("password", pw, username, nil)
}
