package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
)

// DefaultMaxBody bounds every request body unless Deps.MaxBody says otherwise. The
// largest request mzflow takes is a case filing with 2 000-character texts (about 25 KB
// of UTF-8 at worst) or a year's calendar (two lists of 366 dates, about 10 KB); 64 KB
// holds either with room, while a body of megabytes (a pasted file, an attack) is
// refused before it is read, decoded or sent on to Temporal, whose payloads it would
// bloat.
const DefaultMaxBody = 64 << 10

// bodyLimitKey holds the limit in the request's context, for the handlers' messages.
const bodyLimitKey = "mzflow.max_body"

// limitBody answers 413 payload_too_large at once, before any other handler, for a body
// that declares a length over max, and caps every other body at max, so a chunked one
// is cut off there (bind answers 413 for it, through tooLarge).
func limitBody(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(bodyLimitKey, max)
		if c.Request.ContentLength > max {
			// The client learns at once; the connection is closed rather than drained.
			c.Header("Connection", "close")
			fail(c, tooLarge(max, nil))
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		}
		c.Next()
	}
}

// tooLarge is the refusal of a body over max bytes.
func tooLarge(max int64, err error) error {
	return &mzflow.Error{Code: mzflow.CodePayloadTooLarge,
		Message: "请求内容过大（不能超过 " + strconv.FormatInt(max>>10, 10) + " KB），请精简后重试", Err: err}
}

// bodyLimit is the limit limitBody set for this request.
func bodyLimit(c *gin.Context) int64 {
	if v, ok := c.Get(bodyLimitKey); ok {
		return v.(int64)
	}
	return DefaultMaxBody
}

// isTooLarge reports whether reading the body stopped at the limit.
func isTooLarge(err error) bool {
	var e *http.MaxBytesError
	return errors.As(err, &e)
}
