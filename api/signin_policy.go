package api

import (
	"slices"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// SignInPolicy is the configuration of sign-in that differs between `mzflow dev` and
// production (`mzflow api`); the zero value is production's strictest.
type SignInPolicy struct {
	// SecondFactor is SecondFactorRequired (production): a user of a role that needs a
	// second factor and has not enrolled may only enrol after the password; or
	// SecondFactorEnrolled (mzflow dev): only users who enrolled give a code. Either way
	// an enrolled user always gives it. Empty means required.
	SecondFactor string
	// PasswordMaxAge is how long a password serves before it must be changed; 0 never.
	PasswordMaxAge time.Duration
	// KeepDemoPasswords lets mzflow dev's demo users (store.DemoUsers) keep the demo
	// password; mzflow api never sets it.
	KeepDemoPasswords bool
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose X-Forwarded-For
	// is believed for the client address the lock-out counts; none by default.
	TrustedProxies []string
}

// The SecondFactor values.
const (
	SecondFactorRequired = "required"
	SecondFactorEnrolled = "enrolled"
)

// DefaultPasswordMaxAge is the password expiry of docs/api.md "Sign-in".
const DefaultPasswordMaxAge = 90 * 24 * time.Hour

// Lock-out (docs/api.md "Sign-in"): failures are counted per account from one address
// and per address. Five for an account from one address in 15 minutes lock that account
// from that address for 30 minutes; twenty from one address (spraying many usernames)
// lock the address. Neither lets a stranger keep the owner out from the owner's own
// address. Wrong second-factor codes count there too, and five for one account from any
// address lock its second-factor step: only someone holding the password gets that far.
const (
	failureWindow         = 15 * time.Minute
	lockFor               = 30 * time.Minute
	maxAccountAddressFail = 5
	maxAddressFail        = 20
	maxCodeFail           = 5
	challengeFor          = 5 * time.Minute
	// Sessions: 30 minutes idle, 15 for the 三员, 12 hours at most.
	idleTimeout      = 30 * time.Minute
	adminIdleTimeout = 15 * time.Minute
	maxSession       = 12 * time.Hour
	// touchEvery limits the writes the idle clock costs: last_seen_at moves at most once
	// a minute per session.
	touchEvery = time.Minute
)

// threeAdmins are the 三员: system, security and audit administrator. No account holds
// two (one role per account), only the security administrator moves a user into or out
// of them, never on oneself, and none reads a case (mzflow's duties table).
var threeAdmins = []mzflow.Role{mzflow.RoleAdmin, mzflow.RoleSecurityAdmin, mzflow.RoleAuditAdmin}

func isThreeAdmin(r mzflow.Role) bool { return slices.Contains(threeAdmins, r) }

// needsSecondFactor: the 三员 and the roles that decide at county level or watch every
// township.
func needsSecondFactor(r mzflow.Role) bool {
	return isThreeAdmin(r) || r == mzflow.RoleSupervisor || r == mzflow.RoleCountyApprover
}

// idleFor is the idle timeout of a role's sessions.
func idleFor(r mzflow.Role) time.Duration {
	if isThreeAdmin(r) {
		return adminIdleTimeout
	}
	return idleTimeout
}

func (p SignInPolicy) strict() bool { return p.SecondFactor != SecondFactorEnrolled }

// passwordDue reports whether the user must change the password before anything else:
// an initial password (which mzflow dev's demo users may keep), or one older than the
// expiry (for everyone).
func (p SignInPolicy) passwordDue(u *store.User, now time.Time) bool {
	demo := p.KeepDemoPasswords && slices.ContainsFunc(store.DemoUsers, func(d store.DemoUser) bool { return d.Username == u.Username })
	if u.MustChangePassword && !demo {
		return true
	}
	return p.PasswordMaxAge > 0 && u.PasswordChangedAt != nil && now.Sub(*u.PasswordChangedAt) > p.PasswordMaxAge
}

// scopeFor is the scope of a session for a user who has just proved who they are:
// change the password first, then enrol the second factor, then work.
func (p SignInPolicy) scopeFor(u *store.User, now time.Time) string {
	switch {
	case p.passwordDue(u, now):
		return store.ScopePassword
	case p.strict() && needsSecondFactor(u.Role) && !u.TOTPEnabled:
		return store.ScopeEnroll
	}
	return store.ScopeFull
}

// scopeRoutes are what a restricted session may call, beyond GET /me and sign-out.
var scopeRoutes = map[string][]string{
	store.ScopePassword: {"POST /api/v1/me/password"},
	store.ScopeEnroll:   {"POST /api/v1/me/totp/enroll", "POST /api/v1/me/totp/confirm"},
}

func scopeAllows(scope, route string) bool {
	return scope == store.ScopeFull || route == "GET /api/v1/me" || route == "POST /api/v1/auth/logout" ||
		slices.Contains(scopeRoutes[scope], route)
}

// PolicyView is the sign-in policy in force (GET /admin/signin-policy).
type PolicyView struct {
	PasswordMinLength      int           `json:"password_min_length"`
	PasswordMinClasses     int           `json:"password_min_classes"`
	PasswordHistory        int           `json:"password_history"`
	PasswordMaxAgeDays     int           `json:"password_max_age_days"`
	CommonPasswords        int           `json:"common_passwords"`
	InitialPasswordsKept   bool          `json:"initial_passwords_kept"`
	FailureWindowMinutes   int           `json:"failure_window_minutes"`
	AccountAddressFailures int           `json:"account_address_failures"`
	AddressFailures        int           `json:"address_failures"`
	CodeFailures           int           `json:"code_failures"`
	LockMinutes            int           `json:"lock_minutes"`
	SecondFactor           string        `json:"second_factor"`
	SecondFactorRoles      []mzflow.Role `json:"second_factor_roles"`
	ChallengeMinutes       int           `json:"challenge_minutes"`
	IdleMinutes            int           `json:"idle_minutes"`
	AdminIdleMinutes       int           `json:"admin_idle_minutes"`
	SessionHours           int           `json:"session_hours"`
	TrustedProxies         []string      `json:"trusted_proxies"`
}

func (p SignInPolicy) view() PolicyView {
	sf := SecondFactorRequired
	if !p.strict() {
		sf = SecondFactorEnrolled
	}
	v := PolicyView{PasswordMinLength: minPasswordChars, PasswordMinClasses: minPasswordClasses,
		PasswordHistory: passwordHistory, PasswordMaxAgeDays: int(p.PasswordMaxAge / (24 * time.Hour)),
		CommonPasswords: len(commonPasswords), InitialPasswordsKept: p.KeepDemoPasswords,
		FailureWindowMinutes: int(failureWindow.Minutes()), AccountAddressFailures: maxAccountAddressFail,
		AddressFailures: maxAddressFail, CodeFailures: maxCodeFail, LockMinutes: int(lockFor.Minutes()),
		SecondFactor: sf, SecondFactorRoles: []mzflow.Role{}, ChallengeMinutes: int(challengeFor.Minutes()),
		IdleMinutes: int(idleTimeout.Minutes()), AdminIdleMinutes: int(adminIdleTimeout.Minutes()),
		SessionHours: int(maxSession.Hours()), TrustedProxies: append([]string{}, p.TrustedProxies...)}
	for _, r := range mzflow.Roles {
		if needsSecondFactor(r) {
			v.SecondFactorRoles = append(v.SecondFactorRoles, r)
		}
	}
	return v
}

// DevSignIn is `mzflow dev`'s sign-in: the demo users keep the demo password and need
// no second factor until they enrol one (the rest of the policy is production's).
func DevSignIn() SignInPolicy {
	return SignInPolicy{SecondFactor: SecondFactorEnrolled, PasswordMaxAge: DefaultPasswordMaxAge, KeepDemoPasswords: true}
}
