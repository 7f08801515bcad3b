package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// The 三员 duties on accounts (issue 12, part 4). The system administrator creates
// users and resets the passwords of users outside the 三员; the security administrator
// changes roles, unlocks accounts, resets second factors and the 三员's passwords, and
// reads the sign-in policy; neither does any of it to their own account.

func forbidThreeAdmins() error {
	return mzflow.Errorf(mzflow.CodeForbidden, "系统管理员不能创建或授予三员角色（系统管理员、安全管理员、审计管理员）；请由安全管理员更改角色")
}

// target loads the user of the path's :id for an action on another account.
func (h *adminHandler) target(c *gin.Context) (*store.User, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		fail(c, mzflow.Errorf(mzflow.CodeNotFound, "用户不存在"))
		return nil, false
	}
	u, err := h.store.UserByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return nil, false
	}
	if u.ID == principalOf(c).ID {
		fail(c, mzflow.Errorf(mzflow.CodeForbidden, "不能对自己的账号进行此操作，请由另一位管理员办理"))
		return nil, false
	}
	return u, true
}

type roleRequest struct {
	Role string `json:"role" binding:"chosen,role" label:"角色"`
}

// setRole answers PUT /admin/users/{id}/role (security administrator): one role per
// account, so a change replaces it; the user's sessions end.
func (h *adminHandler) setRole(c *gin.Context) {
	var req roleRequest
	if !bind(c, &req) {
		return
	}
	u, ok := h.target(c)
	if !ok {
		return
	}
	role := mzflow.Role(req.Role)
	if role.Township() != u.Role.Township() {
		where := "县级单位"
		if role.Township() {
			where = "乡镇（街道）"
		}
		fail(c, invalidFields(map[string]any{"role": role.Name() + "应属于" + where + "，与该用户的所属单位（" + u.Org.Name + "）不符"}))
		return
	}
	if role != u.Role {
		if err := h.store.SetRole(c.Request.Context(), u.ID, role, h.now()); err != nil {
			fail(c, err)
			return
		}
		u.Role = role
	}
	c.JSON(http.StatusOK, viewUser(u))
}

type resetPasswordRequest struct {
	Password string `json:"password" binding:"required,maxbytes=72" label:"初始密码"`
}

// resetPassword answers POST /admin/users/{id}/password: a new initial password, which
// the user changes at the next sign-in; the user's sessions end. A 三员 account's only
// by the security administrator.
func (h *adminHandler) resetPassword(c *gin.Context) {
	var req resetPasswordRequest
	if !bind(c, &req) {
		return
	}
	u, ok := h.target(c)
	if !ok {
		return
	}
	if isThreeAdmin(u.Role) && principalOf(c).Role != mzflow.RoleSecurityAdmin {
		fail(c, mzflow.Errorf(mzflow.CodeForbidden, "三员账号的密码只能由安全管理员重置"))
		return
	}
	if err := h.setPassword(c.Request.Context(), u, "password", req.Password, true, 0, h.now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// unlock answers POST /admin/users/{id}/unlock (security administrator): the account's
// failure counts from every address and of its second factor are forgotten.
func (h *adminHandler) unlock(c *gin.Context) {
	u, ok := h.target(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := h.store.ClearLoginFailuresLike(ctx, accountPrefix(u.Username)); err != nil {
		fail(c, err)
		return
	}
	if err := h.store.ClearLoginFailures(ctx, codeKey(u.ID)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// resetSecondFactor answers DELETE /admin/users/{id}/totp (security administrator): a
// lost phone; the user enrols again at the next sign-in.
func (h *adminHandler) resetSecondFactor(c *gin.Context) {
	u, ok := h.target(c)
	if !ok {
		return
	}
	if err := h.store.ResetTOTP(c.Request.Context(), u.ID, h.now()); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// signInPolicy answers GET /admin/signin-policy (security administrator).
func (h *adminHandler) signInPolicy(c *gin.Context) {
	c.JSON(http.StatusOK, h.policy.view())
}
