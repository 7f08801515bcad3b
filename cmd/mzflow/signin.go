package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mzflow/mzflow/api"
)

// signInFlags are the sign-in settings of the processes that serve the API (docs/api.md
// "Sign-in"): whether every user of a second-factor role must enrol (mzflow api) or only
// enrolled users give a code (mzflow dev's default), the password expiry, and the
// reverse proxies whose X-Forwarded-For names the client address.
type signInFlags struct {
	secondFactor   string
	passwordMaxAge time.Duration
	trustedProxies []string
}

func (s *signInFlags) flags(fs *pflag.FlagSet, secondFactor string) {
	fs.StringVar(&s.secondFactor, "second-factor", secondFactor,
		"required: every admin, security_admin, audit_admin, supervisor and county_approver enrols a TOTP second factor before working; enrolled: only users who enrolled give a code")
	fs.DurationVar(&s.passwordMaxAge, "password-max-age", api.DefaultPasswordMaxAge, "a password must be changed after this long (0: never)")
	fs.StringSliceVar(&s.trustedProxies, "trusted-proxies", nil, "addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (none by default)")
}

// policy checks the flags and returns the API's sign-in policy.
func (s *signInFlags) policy(keepDemoPasswords bool) (api.SignInPolicy, error) {
	if s.secondFactor != api.SecondFactorRequired && s.secondFactor != api.SecondFactorEnrolled {
		return api.SignInPolicy{}, fmt.Errorf("--second-factor (MZFLOW_SECOND_FACTOR) %q: want %s or %s", s.secondFactor, api.SecondFactorRequired, api.SecondFactorEnrolled)
	}
	if s.passwordMaxAge < 0 {
		return api.SignInPolicy{}, fmt.Errorf("--password-max-age (MZFLOW_PASSWORD_MAX_AGE) %v: not negative", s.passwordMaxAge)
	}
	for _, p := range s.trustedProxies {
		p = strings.TrimSpace(p)
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return api.SignInPolicy{}, fmt.Errorf("--trusted-proxies (MZFLOW_TRUSTED_PROXIES) %q: not an address or CIDR", p)
		}
	}
	return api.SignInPolicy{SecondFactor: s.secondFactor, PasswordMaxAge: s.passwordMaxAge,
		KeepDemoPasswords: keepDemoPasswords, TrustedProxies: s.trustedProxies}, nil
}
