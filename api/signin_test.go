package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

const (
	attacker = "198.51.100.66"
	owner    = "203.0.113.10"
)

func (f *fixture) loginFrom(addr, user, password string) answer {
	return f.doFrom(addr, "POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": password})
}

// The lock-out cannot be turned against the owner: five wrong passwords for an account
// from one address lock that account from that address only, for 30 minutes; the owner
// signs in from their own address meanwhile.
func TestLockoutPerAccountAndAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for i := 1; i <= 5; i++ {
			if a := f.loginFrom(attacker, "clerk_hs", "wrong-guess"); a.Code != 401 || a.errCode() != "invalid_credentials" {
				t.Fatalf("failure %d = %d %v, want 401", i, a.Code, a.Body)
			}
			f.clock.Add(time.Minute)
		}
		a := f.loginFrom(attacker, "clerk_hs", store.DemoPassword)
		if a.Code != 429 || a.errCode() != "too_many_attempts" || a.Hdr.Get("Retry-After") == "" {
			t.Fatalf("sixth attempt from the attacker's address = %d %v (Retry-After %q), want 429 with Retry-After", a.Code, a.Body, a.Hdr.Get("Retry-After"))
		}
		if a := f.loginFrom(owner, "clerk_hs", store.DemoPassword); a.Code != 200 || a.Body["token"] == nil {
			t.Errorf("the owner from their own address while the attacker's is locked = %d %v, want 200", a.Code, a.Body)
		}
		if a := f.loginFrom(attacker, "head_hs", store.DemoPassword); a.Code != 200 {
			t.Errorf("another account from the attacker's address = %d %v, want 200 (5 failures lock one account)", a.Code, a.Body)
		}
		f.clock.Add(28 * time.Minute) // the lock began at the fifth failure, a minute ago
		if a := f.loginFrom(attacker, "clerk_hs", store.DemoPassword); a.Code != 429 {
			t.Errorf("29 minutes after the lock = %d, want 429 (30 minutes)", a.Code)
		}
		f.clock.Add(2 * time.Minute)
		if a := f.loginFrom(attacker, "clerk_hs", store.DemoPassword); a.Code != 200 {
			t.Errorf("31 minutes after the lock = %d %v, want 200", a.Code, a.Body)
		}
		// Failures spread beyond the 15-minute window never lock.
		for i := 0; i < 8; i++ {
			f.loginFrom(attacker, "reviewer", "wrong-guess")
			f.clock.Add(4 * time.Minute)
		}
		if a := f.loginFrom(attacker, "reviewer", store.DemoPassword); a.Code != 200 {
			t.Errorf("after spread-out failures = %d %v, want 200", a.Code, a.Body)
		}
	})
}

// Spraying: 20 failures from one address in 15 minutes, over many usernames, close that
// address to every username (429), even a right password; other addresses are served.
func TestSprayFromOneAddressIs429(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		first429 := 0
		for i := 1; i <= 30; i++ {
			a := f.loginFrom(attacker, "user"+string(rune('a'+i%26))+string(rune('a'+i/26)), "Spring2026!!")
			if a.Code == 429 && first429 == 0 {
				first429 = i
			}
		}
		if first429 != 21 {
			t.Fatalf("30 usernames sprayed from one address: first 429 at attempt %d, want 21", first429)
		}
		if a := f.loginFrom(attacker, "clerk_yl", store.DemoPassword); a.Code != 429 || a.Hdr.Get("Retry-After") == "" {
			t.Errorf("a real account from the spraying address = %d %v, want 429 with Retry-After", a.Code, a.Body)
		}
		if a := f.loginFrom(owner, "clerk_yl", store.DemoPassword); a.Code != 200 {
			t.Errorf("the same account from another address = %d %v, want 200", a.Code, a.Body)
		}
	})
}

// Addresses come from the connection unless a trusted proxy forwards them: by default an
// attacker's X-Forwarded-For is ignored, so rotating it does not escape the count.
func TestForwardedForIsNotTrustedByDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		base := f.h
		for i := 0; i < 6; i++ {
			req := map[string]string{"username": "clerk_hs", "password": "wrong-guess"}
			f.h = wrapForwarded(base, "10.0.0."+string(rune('1'+i)))
			f.doFrom(attacker, "POST", "/api/v1/auth/login", "", req)
		}
		f.h = base
		if a := f.loginFrom(attacker, "clerk_hs", store.DemoPassword); a.Code != 429 {
			t.Errorf("after 6 failures with rotating X-Forwarded-For = %d, want 429", a.Code)
		}
	})
}

func mustChange(t *testing.T, f *fixture, user, oldPw, newPw string, want int, wantRule string) answer {
	t.Helper()
	tok := f.login(t, user)
	a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": oldPw, "new_password": newPw})
	if a.Code != want {
		t.Errorf("%s → %q = %d %v, want %d", user, newPw, a.Code, a.Body, want)
	}
	if wantRule != "" {
		e, _ := a.Body["error"].(map[string]any)
		d, _ := e["details"].(map[string]any)
		msg, _ := e["message"].(string)
		if a.errCode() != "weak_password" || d["rule"] != wantRule || !strings.Contains(msg, "密码") {
			t.Errorf("%q refused with %v, want weak_password rule %s and a Chinese message", newPw, a.Body, wantRule)
		}
	}
	return a
}

// Every new password meets the policy; each refusal names its rule and changes nothing.
func TestPasswordPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, c := range []struct{ pw, rule string }{
			{"12345678", "min_length"},
			{"password", "min_length"},
			{"aaaaaaaa", "min_length"},
			{"Abc12345", "min_length"},
			{"aaaaaaaaaaaa", "classes"},
			{"abcdefgh1234", "classes"},
			{"Clerk_yl2026!", "username"},
			{"P@ssw0rd1234", "common"},
			{"Woaini1314!!", "common"},
			{"1qaz@WSX3edc", "common"},
			{"Admin@123456", "common"},
			{"Password1234", "common"},
		} {
			mustChange(t, f, "clerk_yl", store.DemoPassword, c.pw, 422, c.rule)
		}
		// Nothing changed: the old password still signs in.
		f.login(t, "clerk_yl")
		// The last 5 passwords may not come back.
		pws := []string{"Yunling-Town-01", "Yunling-Town-02", "Yunling-Town-03", "Yunling-Town-04", "Yunling-Town-05"}
		old := store.DemoPassword
		for _, pw := range pws {
			tok := loginWith(t, f, "head_yl", old)
			if a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": old, "new_password": pw}); a.Code != 204 {
				t.Fatalf("change to %s = %d %v", pw, a.Code, a.Body)
			}
			old = pw
		}
		tok := loginWith(t, f, "head_yl", old)
		a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": old, "new_password": pws[1]})
		if a.Code != 422 || a.errCode() != "weak_password" {
			t.Errorf("back to the 4th-last password = %d %v, want 422 weak_password (reused)", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": old, "new_password": "Yunling-Town-06"}); a.Code != 204 {
			t.Errorf("a new password = %d %v, want 204", a.Code, a.Body)
		}
		// The administrator's initial password meets it too; a refused user is not created.
		admin := f.login(t, "admin")
		a = f.do("POST", "/api/v1/admin/users", admin, map[string]any{"username": "weakling", "name": "弱密码",
			"role": "township_clerk", "org_code": store.DemoYunling, "password": "12345678"})
		if a.Code != 422 || a.errCode() != "weak_password" {
			t.Errorf("create with 12345678 = %d %v, want 422 weak_password", a.Code, a.Body)
		}
		if _, err := st.UserByUsername(context.Background(), "weakling"); err == nil {
			t.Error("the refused user was created")
		}
	})
}

func loginWith(t *testing.T, f *fixture, user, pw string) string {
	t.Helper()
	a := f.loginFrom(owner, user, pw)
	tok, _ := a.Body["token"].(string)
	if a.Code != 200 || tok == "" {
		t.Fatalf("login %s = %d %v", user, a.Code, a.Body)
	}
	return tok
}

// An administrator's password (new user or reset) is an initial one: the token of the
// first sign-in may only change it, read /me and sign out; then the user works.
func TestInitialPasswordMustChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin := f.login(t, "admin")
		a := f.do("POST", "/api/v1/admin/users", admin, map[string]any{"username": "newclerk", "name": "新办事员",
			"role": "township_clerk", "org_code": store.DemoYunling, "password": "Initial-Pass-2026"})
		if a.Code != 201 {
			t.Fatalf("create = %d %v", a.Code, a.Body)
		}
		a = f.loginFrom(owner, "newclerk", "Initial-Pass-2026")
		tok, _ := a.Body["token"].(string)
		if a.Code != 200 || a.Body["password_change_required"] != true || tok == "" {
			t.Fatalf("first sign-in = %d %v, want a token with password_change_required", a.Code, a.Body)
		}
		for _, r := range [][2]string{{"GET", "/api/v1/cases"}, {"GET", "/api/v1/tasks"}, {"POST", "/api/v1/me/totp/enroll"}} {
			if a := f.do(r[0], r[1], tok, nil); a.Code != 403 || a.errCode() != "password_change_required" {
				t.Errorf("%s %s with the restricted token = %d %v, want 403 password_change_required", r[0], r[1], a.Code, a.Body)
			}
		}
		if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 200 || a.Body["password_change_required"] != true {
			t.Errorf("GET /me = %d %v, want 200 saying the password must change", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": "Initial-Pass-2026", "new_password": "My-Own-Pass-2026"}); a.Code != 204 {
			t.Fatalf("change = %d %v", a.Code, a.Body)
		}
		if a := f.do("GET", "/api/v1/tasks", tok, nil); a.Code != 200 {
			t.Errorf("after the change = %d %v, want 200", a.Code, a.Body)
		}
		if a := f.loginFrom(owner, "newclerk", "My-Own-Pass-2026"); a.Code != 200 || a.Body["password_change_required"] != nil {
			t.Errorf("next sign-in = %d %v, want a full token", a.Code, a.Body)
		}
		// A reset by the administrator is an initial password again.
		id := userID(t, st, "newclerk")
		if a := f.do("POST", "/api/v1/admin/users/"+id+"/password", admin, map[string]string{"password": "Reset-Pass-2026"}); a.Code != 204 {
			t.Fatalf("reset = %d %v", a.Code, a.Body)
		}
		if a := f.loginFrom(owner, "newclerk", "Reset-Pass-2026"); a.Body["password_change_required"] != true {
			t.Errorf("after a reset = %d %v, want password_change_required", a.Code, a.Body)
		}
	})
}

// Outside mzflow dev the demo users' password is an initial one too; and every password
// expires after the configured age.
func TestDemoPasswordsAndExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		prod := newFixtureWith(t, st, api.SignInPolicy{PasswordMaxAge: api.DefaultPasswordMaxAge})
		if a := prod.loginFrom(owner, "clerk_yl", store.DemoPassword); a.Code != 200 || a.Body["password_change_required"] != true {
			t.Errorf("a demo user under mzflow api's policy = %d %v, want password_change_required", a.Code, a.Body)
		}
		dev := newFixture(t, st)
		dev.clock.Add(89 * 24 * time.Hour)
		tok := loginWith(t, dev, "head_yl", store.DemoPassword)
		if a := dev.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": store.DemoPassword, "new_password": "Head-Of-Yunling-1"}); a.Code != 204 {
			t.Fatalf("change = %d %v", a.Code, a.Body)
		}
		dev.clock.Add(91 * 24 * time.Hour)
		a := dev.loginFrom(owner, "head_yl", "Head-Of-Yunling-1")
		if a.Code != 200 || a.Body["password_change_required"] != true {
			t.Errorf("91 days after the change = %d %v, want password_change_required", a.Code, a.Body)
		}
	})
}

func userID(t *testing.T, st *store.Store, username string) string {
	t.Helper()
	u, err := st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return itoa(u.ID)
}

func itoa(n int64) string {
	var b []byte
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// enrol runs the enrolment of a signed-in user and returns the secret and recovery codes.
func enrol(t *testing.T, f *fixture, tok string) (string, []string) {
	t.Helper()
	a := f.do("POST", "/api/v1/me/totp/enroll", tok, nil)
	u, _ := a.Body["otpauth_url"].(string)
	key, err := otp.NewKeyFromURL(u)
	if a.Code != 200 || err != nil {
		t.Fatalf("enroll = %d %v (%v)", a.Code, a.Body, err)
	}
	if a := f.do("POST", "/api/v1/me/totp/confirm", tok, map[string]string{"code": "000000"}); a.Code != 400 {
		t.Errorf("confirm with a wrong code = %d %v, want 400", a.Code, a.Body)
	}
	code, _ := totp.GenerateCode(key.Secret(), f.clock.Now())
	a = f.do("POST", "/api/v1/me/totp/confirm", tok, map[string]string{"code": code})
	raw, _ := a.Body["recovery_codes"].([]any)
	if a.Code != 200 || len(raw) != 10 {
		t.Fatalf("confirm = %d %v, want 10 recovery codes", a.Code, a.Body)
	}
	codes := make([]string, len(raw))
	for i, c := range raw {
		codes[i], _ = c.(string)
	}
	return key.Secret(), codes
}

// The second factor under production's policy: a supervisor without one may only enrol;
// then every sign-in needs a code, a code is used once, a recovery code once, a
// challenge once and for 5 minutes, and wrong codes lock the second factor.
func TestSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixtureWith(t, st, api.SignInPolicy{KeepDemoPasswords: true})
		a := f.loginFrom(owner, "supervisor", store.DemoPassword)
		tok, _ := a.Body["token"].(string)
		if a.Code != 200 || a.Body["enrollment_required"] != true || tok == "" {
			t.Fatalf("an unenrolled supervisor = %d %v, want a token with enrollment_required", a.Code, a.Body)
		}
		if a := f.do("GET", "/api/v1/tasks", tok, nil); a.Code != 403 || a.errCode() != "enrollment_required" {
			t.Errorf("GET /tasks before enrolment = %d %v, want 403 enrollment_required", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": store.DemoPassword, "new_password": "Another-Pass-77"}); a.Code != 403 {
			t.Errorf("password change on an enrolment token = %d, want 403", a.Code)
		}
		secret, recovery := enrol(t, f, tok)
		if a := f.do("GET", "/api/v1/tasks", tok, nil); a.Code != 200 {
			t.Errorf("GET /tasks after enrolment = %d %v, want 200", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/me/totp/enroll", tok, nil); a.Code != 409 {
			t.Errorf("enrol again = %d, want 409", a.Code)
		}
		// The secret is sealed at rest.
		u, _ := st.UserByUsername(context.Background(), "supervisor")
		if bytes.Contains(u.TOTPSecret, []byte(secret)) || len(u.TOTPSecret) == 0 {
			t.Errorf("the stored secret holds the plain secret")
		}

		challenge := func() string {
			t.Helper()
			a := f.loginFrom(owner, "supervisor", store.DemoPassword)
			ch, _ := a.Body["challenge"].(string)
			if a.Code != 200 || a.Body["second_factor_required"] != true || ch == "" || a.Body["token"] != nil {
				t.Fatalf("an enrolled user's sign-in = %d %v, want a challenge and no token", a.Code, a.Body)
			}
			return ch
		}
		second := func(ch, code string) answer {
			return f.doFrom(owner, "POST", "/api/v1/auth/totp", "", map[string]string{"challenge": ch, "code": code})
		}
		// The code of the step that confirmed the enrolment is used already.
		now, _ := totp.GenerateCode(secret, f.clock.Now())
		ch := challenge()
		if a := second(ch, now); a.Code != 401 || !strings.Contains(a.Body["error"].(map[string]any)["message"].(string), "已使用") {
			t.Errorf("a used code = %d %v, want 401 saying it was used", a.Code, a.Body)
		}
		f.clock.Add(30 * time.Second)
		next, _ := totp.GenerateCode(secret, f.clock.Now())
		a = second(ch, next)
		if a.Code != 200 || a.Body["token"] == nil {
			t.Fatalf("the next code = %d %v, want the token", a.Code, a.Body)
		}
		// The second step is the supervisor's in the audit log, both ways, and so is what the
		// restricted token was refused.
		if rows := f.auditRows(t, ""); !hasRow(rows, "supervisor", "POST /auth/totp", 200) || !hasRow(rows, "supervisor", "POST /auth/totp", 401) ||
			!hasRow(rows, "supervisor", "GET /tasks", 403) {
			t.Errorf("audit rows %+v: want the supervisor's second step, failed and done", rows)
		}
		if a := second(ch, next); a.Code != 401 {
			t.Errorf("the challenge again = %d, want 401 (single use)", a.Code)
		}
		if a := second(challenge(), next); a.Code != 401 {
			t.Errorf("the same code on a new challenge = %d, want 401 (reuse)", a.Code)
		}
		// A recovery code works once.
		if a := second(challenge(), strings.ToLower(recovery[0])); a.Code != 200 {
			t.Errorf("a recovery code = %d %v, want 200", a.Code, a.Body)
		}
		if a := second(challenge(), recovery[0]); a.Code != 401 {
			t.Errorf("the recovery code again = %d, want 401", a.Code)
		}
		// A challenge lasts 5 minutes.
		ch = challenge()
		f.clock.Add(5*time.Minute + time.Second)
		code, _ := totp.GenerateCode(secret, f.clock.Now())
		if a := second(ch, code); a.Code != 401 {
			t.Errorf("a 5-minute-old challenge = %d, want 401", a.Code)
		}
		// A good sign-in clears the count of wrong codes so far.
		if a := second(challenge(), code); a.Code != 200 {
			t.Fatalf("sign-in = %d %v", a.Code, a.Body)
		}
		// Wrong codes from several addresses lock the account's second factor after 5.
		for i, addr := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"} {
			a := f.loginFrom(addr, "supervisor", store.DemoPassword)
			ch, _ := a.Body["challenge"].(string)
			if a := f.doFrom(addr, "POST", "/api/v1/auth/totp", "", map[string]string{"challenge": ch, "code": "123456"}); a.Code != 401 {
				t.Fatalf("wrong code %d = %d %v, want 401", i+1, a.Code, a.Body)
			}
		}
		if a := f.loginFrom(owner, "supervisor", store.DemoPassword); a.Code != 429 || a.Hdr.Get("Retry-After") == "" {
			t.Errorf("after 5 wrong codes = %d %v, want 429", a.Code, a.Body)
		}
		// The security administrator unlocks it, and resets a lost second factor.
		sec := f.login(t, "security")
		enrol(t, f, sec)
		id := userID(t, st, "supervisor")
		if a := f.do("POST", "/api/v1/admin/users/"+id+"/unlock", sec, nil); a.Code != 204 {
			t.Fatalf("unlock = %d %v", a.Code, a.Body)
		}
		challenge()
		if a := f.do("DELETE", "/api/v1/admin/users/"+id+"/totp", sec, nil); a.Code != 204 {
			t.Fatalf("reset = %d %v", a.Code, a.Body)
		}
		if a := f.loginFrom(owner, "supervisor", store.DemoPassword); a.Body["enrollment_required"] != true {
			t.Errorf("after the reset = %d %v, want enrollment_required", a.Code, a.Body)
		}
	})
}

// mzflow dev's policy: demo users need no code until they enrol; an enrolled one always does.
func TestSecondFactorOptionalInDev(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		tok := f.login(t, "approver")
		if a := f.do("GET", "/api/v1/me", tok, nil); a.Code != 200 || a.Body["enrollment_required"] != false {
			t.Fatalf("GET /me = %d %v", a.Code, a.Body)
		}
		enrol(t, f, tok)
		if a := f.loginFrom(owner, "approver", store.DemoPassword); a.Body["second_factor_required"] != true || a.Body["token"] != nil {
			t.Errorf("an enrolled demo user in dev = %d %v, want a challenge", a.Code, a.Body)
		}
	})
}

// Sessions of the 三员 end after 15 idle minutes, others after 30.
func TestAdminIdleTimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin, clerk := f.login(t, "admin"), f.login(t, "clerk_yl")
		f.clock.Add(16 * time.Minute)
		if a := f.do("GET", "/api/v1/me", admin, nil); a.Code != 401 {
			t.Errorf("admin after 16 idle minutes = %d, want 401", a.Code)
		}
		if a := f.do("GET", "/api/v1/me", clerk, nil); a.Code != 200 {
			t.Errorf("clerk after 16 idle minutes = %d, want 200", a.Code)
		}
	})
}

// 三员: the system administrator neither creates nor grants a 三员 role nor changes
// roles; the security administrator changes roles, never their own; none reads a case.
func TestThreeAdminSeparation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin, sec, audit := f.login(t, "admin"), f.login(t, "security"), f.login(t, "auditor")
		for _, role := range []string{"admin", "security_admin", "audit_admin"} {
			a := f.do("POST", "/api/v1/admin/users", admin, map[string]any{"username": "x" + strings.ReplaceAll(role, "_", ""), "name": "三员测试",
				"role": role, "org_code": store.DemoCounty, "password": "Strong-Pass-2026"})
			if a.Code != 403 || a.errCode() != "forbidden" {
				t.Errorf("admin creates a %s = %d %v, want 403", role, a.Code, a.Body)
			}
		}
		a := f.do("POST", "/api/v1/admin/users", admin, map[string]any{"username": "newreviewer", "name": "新审核员",
			"role": "county_reviewer", "org_code": store.DemoCounty, "password": "Strong-Pass-2026"})
		if a.Code != 201 {
			t.Fatalf("admin creates a reviewer = %d %v", a.Code, a.Body)
		}
		id := userID(t, st, "newreviewer")
		role := func(tok, id, r string) answer {
			return f.do("PUT", "/api/v1/admin/users/"+id+"/role", tok, map[string]string{"role": r})
		}
		if a := role(admin, id, "audit_admin"); a.Code != 403 {
			t.Errorf("admin grants audit_admin = %d, want 403", a.Code)
		}
		if a := role(admin, id, "county_approver"); a.Code != 403 {
			t.Errorf("admin changes a role = %d, want 403", a.Code)
		}
		if a := role(sec, userID(t, st, "security"), "admin"); a.Code != 403 {
			t.Errorf("security admin changes their own role = %d, want 403", a.Code)
		}
		if a := role(sec, id, "township_clerk"); a.Code != 400 {
			t.Errorf("a county user made a township clerk = %d %v, want 400", a.Code, a.Body)
		}
		if a := role(sec, id, "audit_admin"); a.Code != 200 || a.Body["role"] != "audit_admin" {
			t.Errorf("security admin grants audit_admin = %d %v, want 200", a.Code, a.Body)
		}
		if a := f.do("POST", "/api/v1/admin/users/"+userID(t, st, "security")+"/password", admin, map[string]string{"password": "Taken-Over-2026"}); a.Code != 403 {
			t.Errorf("admin resets the security admin's password = %d, want 403", a.Code)
		}
		if a := f.do("GET", "/api/v1/admin/signin-policy", sec, nil); a.Code != 200 || a.Body["lock_minutes"] != float64(30) || a.Body["password_min_length"] != float64(12) {
			t.Errorf("policy = %d %v", a.Code, a.Body)
		}
		for _, tok := range []string{admin, audit} {
			if a := f.do("GET", "/api/v1/admin/signin-policy", tok, nil); a.Code != 403 {
				t.Errorf("policy read by another = %d, want 403", a.Code)
			}
			if a := f.do("POST", "/api/v1/admin/users/"+id+"/unlock", tok, nil); a.Code != 403 {
				t.Errorf("unlock by another = %d, want 403", a.Code)
			}
		}
		for _, tok := range []string{admin, sec, audit} {
			if a := f.do("GET", "/api/v1/cases", tok, nil); a.Code != 403 {
				t.Errorf("a 三员 lists cases = %d, want 403", a.Code)
			}
		}
	})
}

// wrapForwarded sets X-Forwarded-For on every request.
func wrapForwarded(h http.Handler, ip string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("X-Forwarded-For", ip)
		h.ServeHTTP(w, r)
	})
}
