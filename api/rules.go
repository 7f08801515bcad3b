package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
)

// RulesView is the rules in force, program by program.
type RulesView struct {
	Programs []rules.Program `json:"programs"`
}

type rulesHandler struct {
	rules func() *rules.Rules
}

// list answers GET /admin/rules: the rules in force, program by program in a fixed order.
func (h *rulesHandler) list(c *gin.Context) {
	rs := h.rules()
	out := []rules.Program{}
	for _, p := range mzflow.Programs {
		if prog, ok := rs.Program(p); ok {
			out = append(out, prog)
		}
	}
	c.JSON(http.StatusOK, RulesView{Programs: out})
}
