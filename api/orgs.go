package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow/store"
)

// OrgStore lists the organisation tree.
type OrgStore interface {
	Orgs(ctx context.Context) ([]store.Org, error)
}

type orgHandler struct {
	store OrgStore
}

// list answers GET /admin/orgs for every signed-in user: the page needs the townships
// for its filters and forms, and the names of offices are not personal data.
func (h *orgHandler) list(c *gin.Context) {
	os, err := h.store.Orgs(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": os, "total": len(os)})
}
