package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// The TOTP second factor (RFC 6238 with pquerna/otp): 30-second steps, 6 digits, SHA-1
// (what every authenticator app reads from an otpauth:// URL), one step of clock skew
// either way. A step once used is refused again.
const (
	totpPeriod     = 30
	totpSkew       = 1
	totpIssuer     = "mzflow"
	recoveryCodes  = 10
	recoveryLength = 10 // base32 characters, 50 random bits each
)

var (
	sixDigits     = regexp.MustCompile(`^[0-9]{6}$`)
	recoveryShape = regexp.MustCompile(`^[A-Z2-7]{10}$`)
)

type totpRequest struct {
	Challenge string `json:"challenge" binding:"required,max=64" label:"登录验证"`
	Code      string `json:"code" binding:"required,max=32" label:"验证码"`
}

type codeRequest struct {
	Code string `json:"code" binding:"required,max=32" label:"验证码"`
}

// EnrollView is a new, unconfirmed second factor: the page draws otpauth_url as a QR
// code; secret is for typing into an app that cannot scan.
type EnrollView struct {
	OTPAuthURL string `json:"otpauth_url"`
	Secret     string `json:"secret"`
}

// RecoveryView holds the recovery codes, shown once.
type RecoveryView struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// secondFactor answers POST /auth/totp: the challenge of a right password and a code
// (or a recovery code) give the session. Wrong codes count toward the lock-out like
// wrong passwords, and for the account from any address.
func (h *authHandler) secondFactor(c *gin.Context) {
	var req totpRequest
	if !bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	now := h.now()
	ch, err := h.store.ChallengeByTokenHash(ctx, hashToken(req.Challenge))
	if mzflow.ErrorCode(err) == mzflow.CodeNotFound || (err == nil && now.After(ch.ExpiresAt)) {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "验证已过期，请重新输入用户名和密码"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	u, err := h.store.UserByID(ctx, ch.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	c.Set(auditUsernameKey, u.Username) // the sign-in's second step is the user's in the audit log
	keys := throttleKeysFor(u.Username, c.ClientIP())
	if !h.notLocked(c, now, keys.address, keys.account, codeKey(u.ID)) {
		return
	}
	ok, msg, err := h.checkCode(c, u, req.Code, now)
	if err != nil {
		fail(c, err)
		return
	}
	if !ok {
		h.failed(c, now, keys, u.ID, msg)
		return
	}
	if spent, err := h.store.UseChallenge(ctx, ch.ID, now); err != nil || !spent {
		if err == nil {
			err = mzflow.Errorf(mzflow.CodeUnauthorized, "验证已使用，请重新输入用户名和密码")
		}
		fail(c, err)
		return
	}
	if err := h.store.ClearLoginFailures(ctx, keys.account, codeKey(u.ID)); err != nil {
		fail(c, err)
		return
	}
	h.startSession(c, u, now)
}

// checkCode checks a TOTP code, or a recovery code, of an enrolled user and spends it.
// A refusal comes with the message to show.
func (h *authHandler) checkCode(c *gin.Context, u *store.User, code string, now time.Time) (bool, string, error) {
	ctx := c.Request.Context()
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	if recoveryShape.MatchString(code) {
		ok, err := h.store.UseRecoveryCode(ctx, u.ID, h.recoveryHash(u.ID, code), now)
		return ok, "恢复码错误或已使用", err
	}
	if h.keys == nil || u.TOTPSecret == nil {
		return false, "验证码错误", nil
	}
	secret, err := h.keys.Open(u.TOTPSecret)
	if err != nil {
		return false, "", err
	}
	step, ok := matchStep(string(secret), code, now)
	if !ok {
		return false, "验证码错误", nil
	}
	fresh, err := h.store.UseTOTPStep(ctx, u.ID, step)
	return fresh, "该验证码已使用过，请等下一个验证码出现后再输入", err
}

// matchStep finds the time step, within the allowed skew, whose code is code.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	if !sixDigits.MatchString(code) {
		return 0, false
	}
	t := now.Unix() / totpPeriod
	for _, step := range []int64{t, t - totpSkew, t + totpSkew} {
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// recoveryHash is the keyed hash a recovery code is kept under, bound to its user.
func (h *authHandler) recoveryHash(userID int64, code string) string {
	return h.keys.Hash("recovery/" + strconv.FormatInt(userID, 10) + "/" + code)
}

// enroll answers POST /me/totp/enroll: a new secret, sealed at rest, that a first code
// confirms. An enrolled user cannot replace it (the security administrator resets it).
func (h *authHandler) enroll(c *gin.Context) {
	p := principalOf(c)
	if p.TOTPEnabled {
		fail(c, mzflow.Errorf(mzflow.CodeConflict, "已启用两步验证；如需更换，请联系安全管理员重置"))
		return
	}
	if h.keys == nil {
		fail(c, mzflow.Errorf(mzflow.CodeUnavailable, "服务未配置密钥，无法启用两步验证"))
		return
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: p.Username, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		fail(c, err)
		return
	}
	sealed, err := h.keys.Seal([]byte(key.Secret()))
	if err != nil {
		fail(c, err)
		return
	}
	if err := h.store.SetPendingTOTP(c.Request.Context(), p.ID, sealed); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, EnrollView{OTPAuthURL: key.URL(), Secret: key.Secret()})
}

// confirm answers POST /me/totp/confirm: the first code proves the app holds the
// secret; the answer is the recovery codes, shown once and kept only hashed. A session
// restricted to enrolment becomes a full one.
func (h *authHandler) confirm(c *gin.Context) {
	var req codeRequest
	if !bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	p := principalOf(c)
	if p.TOTPEnabled || p.TOTPSecret == nil {
		fail(c, mzflow.Errorf(mzflow.CodeConflict, "请先开始绑定两步验证（或已经启用）"))
		return
	}
	secret, err := h.keys.Open(p.TOTPSecret)
	if err != nil {
		fail(c, err)
		return
	}
	now := h.now()
	step, ok := matchStep(string(secret), strings.TrimSpace(req.Code), now)
	if !ok {
		fail(c, invalidFields(map[string]any{"code": "验证码不正确：请输入身份验证器应用中显示的 6 位数字"}))
		return
	}
	codes, hashes := make([]string, recoveryCodes), make([]string, recoveryCodes)
	for i := range codes {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			fail(c, err)
			return
		}
		raw := base32.StdEncoding.EncodeToString(b)[:recoveryLength]
		codes[i], hashes[i] = raw[:5]+"-"+raw[5:], h.recoveryHash(p.ID, raw)
	}
	if err := h.store.EnableTOTP(ctx, p.ID, step, hashes); err != nil {
		fail(c, err)
		return
	}
	if p.scope == store.ScopeEnroll {
		if err := h.store.SetSessionScope(ctx, p.sessionID, store.ScopeFull); err != nil {
			fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, RecoveryView{RecoveryCodes: codes})
}
