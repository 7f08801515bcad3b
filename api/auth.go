package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// Session limits of issue 3: 30 minutes idle, 12 hours at most; five failed logins for a
// username within 15 minutes lock it for 15 minutes.
const (
	idleTimeout   = 30 * time.Minute
	maxSession    = 12 * time.Hour
	failureWindow = 15 * time.Minute
	maxFailures   = 5
	lockFor       = 15 * time.Minute
	// touchEvery limits the writes the idle clock costs: last_seen_at moves at most once
	// a minute per session.
	touchEvery = time.Minute
)

// AuthStore is what authentication needs from the database.
type AuthStore interface {
	UserByUsername(ctx context.Context, username string) (*store.User, error)
	UserByID(ctx context.Context, id int64) (*store.User, error)
	CreateSession(ctx context.Context, s *store.Session) error
	SessionByTokenHash(ctx context.Context, hash string) (*store.Session, error)
	TouchSession(ctx context.Context, id int64, at time.Time) error
	RevokeSession(ctx context.Context, id int64, at time.Time) error
	LoginThrottle(ctx context.Context, username string) (store.LoginThrottle, error)
	RecordLoginFailure(ctx context.Context, username string, now time.Time, window time.Duration, max int, lock time.Duration) (store.LoginThrottle, error)
	ClearLoginFailures(ctx context.Context, username string) error
}

// HashPassword hashes a password with bcrypt.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

// dummyHash makes a login for an unknown username cost the same as a wrong password, so
// response times do not tell which usernames exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)

type authHandler struct {
	store AuthStore
	now   func() time.Time
}

type orgView struct {
	ID    int64           `json:"id"`
	Code  string          `json:"code"`
	Name  string          `json:"name"`
	Level mzflow.OrgLevel `json:"level"`
}

type userView struct {
	ID       int64       `json:"id"`
	Username string      `json:"username"`
	Name     string      `json:"name"`
	Role     mzflow.Role `json:"role"`
	RoleName string      `json:"role_name"`
	Org      orgView     `json:"org"`
	// Actions are the case actions the role may do and Programs the programs it works
	// on (mzflow's duties table): the page shows only what the server will allow.
	Actions  []mzflow.Action  `json:"actions"`
	Programs []mzflow.Program `json:"programs"`
}

func viewUser(u *store.User) userView {
	v := userView{ID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role, RoleName: u.Role.Name(),
		Org:     orgView{ID: u.Org.ID, Code: u.Org.Code, Name: u.Org.Name, Level: u.Org.Level},
		Actions: []mzflow.Action{}, Programs: u.Role.Programs()}
	for _, a := range mzflow.Actions {
		if u.Role.May(a, "") {
			v.Actions = append(v.Actions, a)
		}
	}
	return v
}

type loginRequest struct {
	Username text   `json:"username" binding:"required,max=64" label:"用户名"`
	Password string `json:"password" binding:"required,maxbytes=72" label:"密码"`
}

func (h *authHandler) login(c *gin.Context) {
	var req loginRequest
	if !bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	now, username := h.now(), string(req.Username)
	c.Set(auditUsernameKey, username)
	th, err := h.store.LoginThrottle(ctx, username)
	if err != nil {
		fail(c, err)
		return
	}
	if locked(th, now) {
		h.tooMany(c, th, now)
		return
	}
	u, err := h.store.UserByUsername(ctx, username)
	if err != nil && mzflow.ErrorCode(err) != mzflow.CodeNotFound {
		fail(c, err)
		return
	}
	hash := dummyHash
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || err != nil || !u.Active {
		th, ferr := h.store.RecordLoginFailure(ctx, username, now, failureWindow, maxFailures, lockFor)
		if ferr != nil {
			fail(c, ferr)
			return
		}
		msg := "用户名或密码错误"
		if left := maxFailures - th.Failures; left > 0 && left <= 2 {
			msg += "，再错 " + strconv.Itoa(left) + " 次将锁定 15 分钟"
		}
		fail(c, mzflow.Errorf(mzflow.CodeInvalidCredentials, "%s", msg))
		return
	}
	if err := h.store.ClearLoginFailures(ctx, username); err != nil {
		fail(c, err)
		return
	}
	token, hashed, err := newToken()
	if err != nil {
		fail(c, err)
		return
	}
	sess := &store.Session{TokenHash: hashed, UserID: u.ID, CreatedAt: now.UTC(), LastSeenAt: now.UTC(),
		ExpiresAt: now.Add(maxSession).UTC()}
	if err := h.store.CreateSession(ctx, sess); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, LoginView{Token: token, ExpiresAt: sess.ExpiresAt, User: viewUser(u)})
}

func locked(th store.LoginThrottle, now time.Time) bool {
	return th.LockedUntil != nil && now.Before(*th.LockedUntil)
}

func (h *authHandler) tooMany(c *gin.Context, th store.LoginThrottle, now time.Time) {
	wait := th.LockedUntil.Sub(now)
	c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	mins := int(wait.Minutes()) + 1
	fail(c, mzflow.Errorf(mzflow.CodeTooManyAttempts, "登录失败次数过多，账号已锁定，请 %d 分钟后再试", mins))
}

func (h *authHandler) logout(c *gin.Context) {
	p := principalOf(c)
	if err := h.store.RevokeSession(c.Request.Context(), p.sessionID, h.now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *authHandler) me(c *gin.Context) {
	c.JSON(http.StatusOK, viewUser(principalOf(c).User))
}

// newToken returns an opaque random token and the hash that is stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Principal is the signed-in user and what they may see.
type Principal struct {
	*store.User
	sessionID int64
}

// CanSeeTownship reports whether the user may read or act on cases of a township: county
// roles see the whole county, township roles only their own township.
func (p *Principal) CanSeeTownship(code string) bool {
	if !p.Role.Township() {
		return true
	}
	return p.Org.Code == code
}

const principalKey = "mzflow.principal"

func principalOf(c *gin.Context) *Principal {
	p, _ := c.Get(principalKey)
	return p.(*Principal)
}

// authenticate resolves the bearer token to a principal or answers 401.
func (h *authHandler) authenticate(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || token == "" {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "请先登录"))
		return
	}
	ctx := c.Request.Context()
	sess, err := h.store.SessionByTokenHash(ctx, hashToken(strings.TrimSpace(token)))
	if mzflow.ErrorCode(err) == mzflow.CodeNotFound {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "登录已失效，请重新登录"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	now := h.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > idleTimeout {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "登录已超时，请重新登录"))
		return
	}
	u, err := h.store.UserByID(ctx, sess.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	if !u.Active {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "账号已停用"))
		return
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := h.store.TouchSession(ctx, sess.ID, now); err != nil {
			fail(c, err)
			return
		}
	}
	p := &Principal{User: u, sessionID: sess.ID}
	// Township scope, for every authenticated route in this one place: a township_code
	// in the query or path must be the caller's own township for township roles.
	// Handlers that load a case by ID check it with Principal.CanSeeTownship.
	for _, code := range []string{c.Query("township_code"), c.Param("township_code")} {
		if code != "" && !p.CanSeeTownship(code) {
			fail(c, mzflow.Errorf(mzflow.CodeForbidden, "只能查看和办理本乡镇（%s）的事项", u.Org.Name))
			return
		}
	}
	c.Set(principalKey, p)
	c.Next()
}

// allow admits only the given roles (any signed-in user when none are given).
// duty refuses a role that has no part in an action (mzflow's duties table), before the
// handler loads anything; the handler checks the case's program once it has it.
func duty(a mzflow.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		if may(c, a, "") {
			c.Next()
		}
	}
}

func allow(roles ...mzflow.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principalOf(c)
		if len(roles) > 0 {
			ok := false
			for _, r := range roles {
				ok = ok || p.Role == r
			}
			if !ok {
				fail(c, mzflow.Errorf(mzflow.CodeForbidden, "您的角色（%s）无权进行此操作", p.Role.Name()))
				return
			}
		}
		c.Next()
	}
}
