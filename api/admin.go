package api

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	SetPassword(ctx context.Context, userID int64, hash string, keepSession int64, now time.Time) error
}

type adminHandler struct {
	store AdminStore
	now   func() time.Time
}

// minPassword is the shortest password accepted for a new user or a change.
const minPassword = 8

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
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	ParentCode string `json:"parent_code"`
}

// createOrg answers POST /admin/orgs: a township under the county (9-digit code starting
// with the county's 6) or a village under a township (12 digits starting with its 9).
func (h *adminHandler) createOrg(c *gin.Context) {
	var req orgRequest
	if !bind(c, &req) {
		return
	}
	req.Code, req.Name, req.ParentCode = strings.TrimSpace(req.Code), strings.TrimSpace(req.Name), strings.TrimSpace(req.ParentCode)
	details := map[string]any{}
	level := mzflow.OrgLevel(req.Level)
	want, parentLevel := 0, mzflow.OrgLevel("")
	switch level {
	case mzflow.LevelTownship:
		want, parentLevel = 9, mzflow.LevelCounty
	case mzflow.LevelVillage:
		want, parentLevel = 12, mzflow.LevelTownship
	default:
		details["level"] = "请选择 township（乡镇、街道）或 village（村、社区）"
	}
	if n := utf8.RuneCountInString(req.Name); n < 2 || n > 30 {
		details["name"] = "请填写单位名称（2–30 个字）"
	}
	var parent *store.Org
	if want > 0 {
		p, err := h.store.OrgByCode(c.Request.Context(), req.ParentCode)
		switch {
		case err != nil && mzflow.ErrorCode(err) != mzflow.CodeNotFound:
			fail(c, err)
			return
		case err != nil || p.Level != parentLevel:
			details["parent_code"] = "上级单位不存在或级别不对"
		default:
			parent = p
			switch {
			case len(req.Code) != want || !digitsOnly.MatchString(req.Code) || !strings.HasPrefix(req.Code, p.Code):
				details["code"] = "代码应为 " + strconv.Itoa(want) + " 位数字，并以上级代码 " + p.Code + " 开头（GB/T 10114）"
			case level == mzflow.LevelTownship:
				if err := rules.CheckTownshipCode(req.Code); err != nil {
					details["code"] = mzflow.ErrorMessage(err)
				}
			case strings.HasSuffix(req.Code, "000"):
				details["code"] = "村（社区）代码后3位为序号，不能为000"
			}
		}
	}
	if len(details) > 0 {
		fail(c, invalidFields(details))
		return
	}
	o := &store.Org{Code: req.Code, Name: req.Name, Level: level, ParentID: &parent.ID, CreatedAt: h.now().UTC()}
	if err := h.store.CreateOrg(c.Request.Context(), o); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, o)
}

type userRequest struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	OrgCode  string `json:"org_code"`
	Password string `json:"password"`
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
	req.Username, req.Name = strings.TrimSpace(req.Username), strings.TrimSpace(req.Name)
	details := map[string]any{}
	if !usernamePattern.MatchString(req.Username) {
		details["username"] = "用户名为 3–32 位小写字母、数字或 _ . -，以字母开头"
	}
	if n := utf8.RuneCountInString(req.Name); n < 2 || n > 30 {
		details["name"] = "请填写姓名（2–30 个字）"
	}
	role := mzflow.Role(req.Role)
	if !role.Valid() {
		details["role"] = "请选择角色"
	}
	if utf8.RuneCountInString(req.Password) < minPassword {
		details["password"] = "初始密码不少于 8 位"
	}
	org, err := h.store.OrgByCode(c.Request.Context(), strings.TrimSpace(req.OrgCode))
	switch {
	case err != nil && mzflow.ErrorCode(err) != mzflow.CodeNotFound:
		fail(c, err)
		return
	case err != nil:
		details["org_code"] = "单位不存在"
	case role.Valid() && role.Township() && org.Level != mzflow.LevelTownship:
		details["org_code"] = role.Name() + "应属于乡镇（街道）"
	case role.Valid() && !role.Township() && org.Level != mzflow.LevelCounty:
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
	u := &store.User{Username: req.Username, Name: req.Name, PasswordHash: hash, Role: role, OrgID: org.ID,
		Org: *org, Active: true, CreatedAt: h.now().UTC()}
	if err := h.store.CreateUser(c.Request.Context(), u); err != nil {
		if mzflow.ErrorCode(err) == mzflow.CodeConflict {
			err = &mzflow.Error{Code: mzflow.CodeConflict, Message: "用户名 " + req.Username + " 已被使用",
				Details: map[string]any{"username": "用户名已被使用"}}
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, viewUser(u))
}

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

// changePassword answers POST /me/password for every signed-in user; the user's other
// sessions end.
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
	if utf8.RuneCountInString(req.NewPassword) < minPassword || req.NewPassword == req.OldPassword {
		fail(c, invalidFields(map[string]any{"new_password": "新密码不少于 8 位，且不能与原密码相同"}))
		return
	}
	hash, err := HashPassword(req.NewPassword)
	if err != nil {
		fail(c, err)
		return
	}
	if err := h.store.SetPassword(c.Request.Context(), p.ID, hash, p.sessionID, h.now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
