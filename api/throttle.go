package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// throttleKeys name the failure counts a sign-in attempt touches (docs/api.md
// "Sign-in"): the account from this address, and the address.
type throttleKeys struct{ account, address string }

// throttleKeysFor builds the keys from the username as typed (unknown names count too,
// so answers do not tell which exist) and the client address (gin's ClientIP, which
// believes X-Forwarded-For only from the configured trusted proxies).
func throttleKeysFor(username, ip string) throttleKeys {
	return throttleKeys{account: accountPrefix(username) + ip, address: "addr:" + ip}
}

// accountPrefix starts the keys of one account from every address (the security
// administrator's unlock clears them all).
func accountPrefix(username string) string { return "acct:" + strings.ToLower(username) + "|" }

// codeKey counts wrong second-factor codes for an account from any address.
func codeKey(userID int64) string { return "code:" + strconv.FormatInt(userID, 10) }

func locked(th store.LoginThrottle, now time.Time) bool {
	return th.LockedUntil != nil && now.Before(*th.LockedUntil)
}

// notLocked answers 429 too_many_attempts with Retry-After when any key is locked.
func (h *authHandler) notLocked(c *gin.Context, now time.Time, keys ...string) bool {
	for _, k := range keys {
		th, err := h.store.LoginThrottle(c.Request.Context(), k)
		if err != nil {
			fail(c, err)
			return false
		}
		if locked(th, now) {
			h.tooMany(c, k, th, now)
			return false
		}
	}
	return true
}

func (h *authHandler) tooMany(c *gin.Context, key string, th store.LoginThrottle, now time.Time) {
	wait := th.LockedUntil.Sub(now)
	c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	mins := int(wait.Minutes()) + 1
	what := "该账号在此地址的登录失败次数过多，已暂停从此地址登录"
	switch {
	case strings.HasPrefix(key, "addr:"):
		what = "此地址登录失败次数过多，已暂停从此地址登录"
	case strings.HasPrefix(key, "code:"):
		what = "两步验证码错误次数过多，已暂停该账号的验证；如非本人操作，请立即修改密码并联系安全管理员"
	}
	fail(c, mzflow.Errorf(mzflow.CodeTooManyAttempts, "%s，请 %d 分钟后再试", what, mins))
}

// failed counts a failed attempt (wrong password, or wrong code when userID is set)
// and answers 401 with msg, warning when the account is close to its lock from here.
func (h *authHandler) failed(c *gin.Context, now time.Time, keys throttleKeys, userID int64, msg string) {
	ctx := c.Request.Context()
	th, err := h.store.RecordLoginFailure(ctx, keys.account, now, failureWindow, maxAccountAddressFail, lockFor)
	if err == nil {
		_, err = h.store.RecordLoginFailure(ctx, keys.address, now, failureWindow, maxAddressFail, lockFor)
	}
	if err == nil && userID != 0 {
		_, err = h.store.RecordLoginFailure(ctx, codeKey(userID), now, failureWindow, maxCodeFail, lockFor)
	}
	if err != nil {
		fail(c, err)
		return
	}
	if left := maxAccountAddressFail - th.Failures; left > 0 && left <= 2 {
		msg += "，再错 " + strconv.Itoa(left) + " 次将暂停从此地址登录 30 分钟"
	}
	fail(c, mzflow.Errorf(mzflow.CodeInvalidCredentials, "%s", msg))
}
