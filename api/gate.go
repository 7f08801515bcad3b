package api

import (
	"context"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
)

// temporalGate answers 503 with Retry-After at once when Temporal does not answer a
// health check within gateTimeout, instead of letting a write wait out its update
// timeout. The answer is cached for gateCache, so a busy API asks Temporal at most a few
// times a second.
type temporalGate struct {
	health Health
	mu     sync.Mutex
	at     time.Time
	err    error
}

const (
	gateTimeout = 3 * time.Second
	gateCache   = time.Second
)

func (g *temporalGate) check(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if time.Since(g.at) < gateCache {
		return g.err
	}
	ctx, cancel := context.WithTimeout(ctx, gateTimeout)
	defer cancel()
	g.err = g.health.Ready(ctx)
	g.at = time.Now()
	return g.err
}

func (g *temporalGate) handle(c *gin.Context) {
	if g.health == nil {
		c.Next()
		return
	}
	if err := g.check(c.Request.Context()); err != nil {
		fail(c, &mzflow.Error{Code: mzflow.CodeUnavailable, Message: "流程引擎暂时不可用，请稍后重试", Err: err})
		return
	}
	c.Next()
}
