package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// AuthStore is what authentication needs from the database.
type AuthStore interface {
	UserByUsername(ctx context.Context, username string) (*store.User, error)
	UserByID(ctx context.Context, id int64) (*store.User, error)
	CreateSession(ctx context.Context, s *store.Session) error
	SessionByTokenHash(ctx context.Context, hash string) (*store.Session, error)
	TouchSession(ctx context.Context, id int64, at time.Time) error
	RevokeSession(ctx context.Context, id int64, at time.Time) error
	SetSessionScope(ctx context.Context, id int64, scope string) error
	LoginThrottle(ctx context.Context, key string) (store.LoginThrottle, error)
	RecordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration, max int, lock time.Duration) (store.LoginThrottle, error)
	ClearLoginFailures(ctx context.Context, keys ...string) error
	CreateChallenge(ctx context.Context, c *store.LoginChallenge) error
	ChallengeByTokenHash(ctx context.Context, hash string) (*store.LoginChallenge, error)
	UseChallenge(ctx context.Context, id int64, now time.Time) (bool, error)
	SetPendingTOTP(ctx context.Context, userID int64, sealed []byte) error
	EnableTOTP(ctx context.Context, userID, step int64, codeHashes []string) error
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	UseRecoveryCode(ctx context.Context, userID int64, codeHash string, now time.Time) (bool, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
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
	store  AuthStore
	keys   Sealer
	policy SignInPolicy
	now    func() time.Time
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
	Username text   `json:"username" binding:"required,max=64,line" label:"用户名"`
	Password string `json:"password" binding:"required,maxbytes=72" label:"密码"`
}

// login answers POST /auth/login. The account from this address and the address itself
// may be locked (429); a wrong password counts against both. A right password gives a
// challenge for the second factor when the user has one, else a session (restricted when
// the password must change or the second factor be enrolled first).
func (h *authHandler) login(c *gin.Context) {
	var req loginRequest
	if !bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	now, username := h.now(), string(req.Username)
	c.Set(auditUsernameKey, username)
	keys := throttleKeysFor(username, c.ClientIP())
	if !h.notLocked(c, now, keys.address, keys.account) {
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
		h.failed(c, now, keys, 0, "用户名或密码错误")
		return
	}
	if err := h.store.ClearLoginFailures(ctx, keys.account); err != nil {
		fail(c, err)
		return
	}
	if u.TOTPEnabled {
		if !h.notLocked(c, now, codeKey(u.ID)) {
			return
		}
		token, hashed, err := newToken()
		if err != nil {
			fail(c, err)
			return
		}
		ch := &store.LoginChallenge{TokenHash: hashed, UserID: u.ID, ExpiresAt: now.Add(challengeFor).UTC()}
		if err := h.store.CreateChallenge(ctx, ch); err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, LoginView{SecondFactorRequired: true, Challenge: token, ExpiresAt: ch.ExpiresAt})
		return
	}
	h.startSession(c, u, now)
}

// startSession makes the session of a user who has proved who they are and answers
// with its token.
func (h *authHandler) startSession(c *gin.Context, u *store.User, now time.Time) {
	token, hashed, err := newToken()
	if err != nil {
		fail(c, err)
		return
	}
	scope := h.policy.scopeFor(u, now)
	sess := &store.Session{TokenHash: hashed, UserID: u.ID, CreatedAt: now.UTC(), LastSeenAt: now.UTC(),
		ExpiresAt: now.Add(maxSession).UTC(), Scope: scope}
	if err := h.store.CreateSession(c.Request.Context(), sess); err != nil {
		fail(c, err)
		return
	}
	v := viewUser(u)
	c.JSON(http.StatusOK, LoginView{Token: token, ExpiresAt: sess.ExpiresAt, User: &v,
		PasswordChangeRequired: scope == store.ScopePassword, EnrollmentRequired: scope == store.ScopeEnroll})
}

func (h *authHandler) logout(c *gin.Context) {
	p := principalOf(c)
	if err := h.store.RevokeSession(c.Request.Context(), p.sessionID, h.now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// me answers GET /me: the user, and what a restricted session must do first.
func (h *authHandler) me(c *gin.Context) {
	p := principalOf(c)
	left := 0
	if p.TOTPEnabled {
		n, err := h.store.RecoveryCodesLeft(c.Request.Context(), p.ID)
		if err != nil {
			fail(c, err)
			return
		}
		left = n
	}
	c.JSON(http.StatusOK, MeView{userView: viewUser(p.User), TOTPEnabled: p.TOTPEnabled, RecoveryCodesLeft: left,
		SecondFactorRequired:   needsSecondFactor(p.Role),
		PasswordChangeRequired: p.scope == store.ScopePassword, EnrollmentRequired: p.scope == store.ScopeEnroll})
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
	scope     string
}

// CanSeeTownship reports whether the user may read or act on cases of a township: county
// roles see their county's townships (a township's code starts with its county's, GB/T
// 10114), township roles only their own township.
func (p *Principal) CanSeeTownship(code string) bool {
	if !p.Role.Township() {
		return strings.HasPrefix(code, p.County())
	}
	return p.Org.Code == code
}

// County is the division code of the user's county: the first six digits of its
// organisation's code.
func (p *Principal) County() string {
	if len(p.Org.Code) > 6 {
		return p.Org.Code[:6]
	}
	return p.Org.Code
}

// Scope says whether the caller may see a case of program in township: outside its
// scope a case is answered as missing (404), so that a refusal does not tell which case
// IDs exist elsewhere.
func (p *Principal) Scope(township string, program mzflow.Program) bool {
	return p.CanSeeTownship(township) && p.Role.WorksOn(program)
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
	u, err := h.store.UserByID(ctx, sess.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	now := h.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > idleFor(u.Role) {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "登录已超时，请重新登录"))
		return
	}
	if !u.Active {
		fail(c, mzflow.Errorf(mzflow.CodeUnauthorized, "账号已停用"))
		return
	}
	if !scopeAllows(sess.Scope, c.Request.Method+" "+c.FullPath()) {
		c.Set(auditUsernameKey, u.Username) // the denial is this user's in the audit log
		if sess.Scope == store.ScopePassword {
			fail(c, mzflow.Errorf(mzflow.CodePasswordChangeRequired, "请先修改密码（初始密码或密码已过期）"))
		} else {
			fail(c, mzflow.Errorf(mzflow.CodeEnrollmentRequired, "请先绑定两步验证（身份验证器应用）"))
		}
		return
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := h.store.TouchSession(ctx, sess.ID, now); err != nil {
			fail(c, err)
			return
		}
	}
	p := &Principal{User: u, sessionID: sess.ID, scope: sess.Scope}
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
