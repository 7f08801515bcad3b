package api

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
)

// AdminStore is what the organisation and user management reads and writes.
type AdminStore interface {
	Orgs(ctx context.Context) ([]store.Org, error)
	OrgByCode(ctx context.Context, code string) (*store.Org, error)
	CreateOrg(ctx context.Context, o *store.Org) error
	Users(ctx context.Context) ([]store.User, error)
	CreateUser(ctx context.Context, u *store.User) error
	UserByID(ctx context.Context, id int64) (*store.User, error)
	PasswordHashes(ctx context.Context, userID int64, n int) ([]string, error)
	SetPassword(ctx context.Context, userID int64, hash string, initial bool, keepSession int64, keep int, now time.Time) error
	SetSessionScope(ctx context.Context, id int64, scope string) error
	SetRole(ctx context.Context, userID int64, role mzflow.Role, now time.Time) error
	ResetTOTP(ctx context.Context, userID int64, now time.Time) error
	ClearLoginFailures(ctx context.Context, keys ...string) error
	ClearLoginFailuresLike(ctx context.Context, prefix string) error
}

type adminHandler struct {
	store  AdminStore
	policy SignInPolicy
	now    func() time.Time
}

var (
	usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)
	digitsOnly      = regexp.MustCompile(`^[0-9]+$`)
)

func invalidFields(details map[string]any) error {
	return &mzflow.Error{Code: mzflow.CodeInvalid, Message: "请按提示修改标红的内容", Details: details}
}

// listOrgs answers GET /admin/orgs for every signed-in user: the page needs the
// townships for its filters and forms, and the names of offices are not personal data.
func (h *adminHandler) listOrgs(c *gin.Context) {
	os, err := h.store.Orgs(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, List[store.Org]{Items: os, Total: len(os)})
}

type orgRequest struct {
	Code       text   `json:"code" binding:"required,max=12,line" label:"单位代码"`
	Name       text   `json:"name" binding:"required,min=2,max=30,line" label:"单位名称"`
	Level      string `json:"level" binding:"chosen,oneof=township village" label:"单位级别"`
	ParentCode text   `json:"parent_code" binding:"chosen,max=12,line" label:"上级单位"`
}

// createOrg answers POST /admin/orgs: a township under the county (9-digit code starting
// with the county's 6) or a village under a township (12 digits starting with its 9).
func (h *adminHandler) createOrg(c *gin.Context) {
	var req orgRequest
	if !bind(c, &req) {
		return
	}
	code, level := string(req.Code), mzflow.OrgLevel(req.Level)
	want, parentLevel := 9, mzflow.LevelCounty
	if level == mzflow.LevelVillage {
		want, parentLevel = 12, mzflow.LevelTownship
	}
	parent, err := h.store.OrgByCode(c.Request.Context(), string(req.ParentCode))
	details := map[string]any{}
	switch {
	case err != nil && mzflow.ErrorCode(err) != mzflow.CodeNotFound:
		fail(c, err)
		return
	case err != nil || parent.Level != parentLevel:
		details["parent_code"] = "上级单位不存在或级别不对"
	case len(code) != want || !digitsOnly.MatchString(code) || !strings.HasPrefix(code, parent.Code):
		details["code"] = "代码应为 " + strconv.Itoa(want) + " 位数字，并以上级代码 " + parent.Code + " 开头（GB/T 10114）"
	case level == mzflow.LevelTownship:
		if err := rules.CheckTownshipCode(code); err != nil {
			details["code"] = mzflow.ErrorMessage(err)
		}
	case strings.HasSuffix(code, "000"):
		details["code"] = "村（社区）代码后3位为序号，不能为000"
	}
	if len(details) > 0 {
		fail(c, invalidFields(details))
		return
	}
	o := &store.Org{Code: code, Name: string(req.Name), Level: level, ParentID: &parent.ID, CreatedAt: h.now().UTC()}
	if err := h.store.CreateOrg(c.Request.Context(), o); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, o)
}

type userRequest struct {
	Username text   `json:"username" binding:"username" label:"用户名"`
	Name     text   `json:"name" binding:"required,min=2,max=30,name" label:"姓名"`
	Role     string `json:"role" binding:"chosen,role" label:"角色"`
	OrgCode  text   `json:"org_code" binding:"chosen,max=12,line" label:"所属单位"`
	Password string `json:"password" binding:"required,maxbytes=72" label:"初始密码"`
}

// listUsers answers GET /admin/users.
func (h *adminHandler) listUsers(c *gin.Context) {
	us, err := h.store.Users(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]UserRow, 0, len(us))
	for i := range us {
		items = append(items, UserRow{User: viewUser(&us[i]), Active: us[i].Active, CreatedAt: us[i].CreatedAt})
	}
	c.JSON(http.StatusOK, List[UserRow]{Items: items, Total: len(items)})
}

// createUser answers POST /admin/users: township roles belong to a township, the others
// to the county.
func (h *adminHandler) createUser(c *gin.Context) {
	var req userRequest
	if !bind(c, &req) {
		return
	}
	role := mzflow.Role(req.Role)
	if isThreeAdmin(role) {
		fail(c, forbidThreeAdmins())
		return
	}
	if err := checkPassword("password", req.Password, string(req.Username), nil); err != nil {
		fail(c, err)
		return
	}
	details := map[string]any{}
	org, err := h.store.OrgByCode(c.Request.Context(), string(req.OrgCode))
	switch {
	case err != nil && mzflow.ErrorCode(err) != mzflow.CodeNotFound:
		fail(c, err)
		return
	case err != nil:
		details["org_code"] = "单位不存在"
	case role.Township() && org.Level != mzflow.LevelTownship:
		details["org_code"] = role.Name() + "应属于乡镇（街道）"
	case !role.Township() && org.Level != mzflow.LevelCounty:
		details["org_code"] = role.Name() + "应属于县级单位"
	}
	if len(details) > 0 {
		fail(c, invalidFields(details))
		return
	}
	hash, err := HashPassword(req.Password)
	if err != nil {
		fail(c, err)
		return
	}
	// An administrator's password is an initial one: the user changes it at first sign-in.
	now := h.now().UTC()
	u := &store.User{Username: string(req.Username), Name: string(req.Name), PasswordHash: hash, Role: role, OrgID: org.ID,
		Org: *org, Active: true, CreatedAt: now, PasswordChangedAt: &now, MustChangePassword: true}
	if err := h.store.CreateUser(c.Request.Context(), u); err != nil {
		if mzflow.ErrorCode(err) == mzflow.CodeConflict {
			err = &mzflow.Error{Code: mzflow.CodeConflict, Message: "用户名 " + string(req.Username) + " 已被使用",
				Details: map[string]any{"username": "用户名已被使用"}}
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, viewUser(u))
}

type passwordRequest struct {
	OldPassword string `json:"old_password" binding:"required" label:"原密码"`
	NewPassword string `json:"new_password" binding:"required,maxbytes=72,nefield=OldPassword" label:"新密码"`
}

// setPassword sets u's password under the policy (field names the request's field in a
// refusal): not one of the last passwordHistory, hashed, kept in the history; initial
// marks one the user must change at the next sign-in. Every session but keepSession ends.
func (h *adminHandler) setPassword(ctx context.Context, u *store.User, field, pw string, initial bool, keepSession int64, now time.Time) error {
	recent, err := h.store.PasswordHashes(ctx, u.ID, passwordHistory)
	if err != nil {
		return err
	}
	if err := checkPassword(field, pw, u.Username, recent); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	return h.store.SetPassword(ctx, u.ID, hash, initial, keepSession, passwordHistory, now)
}

// changePassword answers POST /me/password for every signed-in user, under the password
// policy; the user's other sessions end. A session restricted to the password change
// moves on to what the user must do next (enrol the second factor, or nothing).
func (h *adminHandler) changePassword(c *gin.Context) {
	var req passwordRequest
	if !bind(c, &req) {
		return
	}
	p := principalOf(c)
	if bcrypt.CompareHashAndPassword([]byte(p.PasswordHash), []byte(req.OldPassword)) != nil {
		fail(c, invalidFields(map[string]any{"old_password": "原密码不正确"}))
		return
	}
	ctx := c.Request.Context()
	now := h.now()
	if err := h.setPassword(ctx, p.User, "new_password", req.NewPassword, false, p.sessionID, now); err != nil {
		fail(c, err)
		return
	}
	if p.scope == store.ScopePassword {
		u := *p.User
		u.MustChangePassword, u.PasswordChangedAt = false, &now
		if err := h.store.SetSessionScope(ctx, p.sessionID, h.policy.scopeFor(&u, now)); err != nil {
			fail(c, err)
			return
		}
	}
	c.Status(http.StatusNoContent)
}
