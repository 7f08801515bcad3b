package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mzflow/mzflow"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[mzflow.Code]int{
	mzflow.CodeInvalid:                http.StatusBadRequest,
	mzflow.CodeBadRequest:             http.StatusBadRequest,
	mzflow.CodeInvalidIDNumber:        http.StatusBadRequest,
	mzflow.CodeUnauthorized:           http.StatusUnauthorized,
	mzflow.CodeInvalidCredentials:     http.StatusUnauthorized,
	mzflow.CodeForbidden:              http.StatusForbidden,
	mzflow.CodeNotFound:               http.StatusNotFound,
	mzflow.CodeConflict:               http.StatusConflict,
	mzflow.CodeDuplicateCase:          http.StatusConflict,
	mzflow.CodeTaskNotOpen:            http.StatusConflict,
	mzflow.CodeTaskClaimed:            http.StatusConflict,
	mzflow.CodeNotInPublicity:         http.StatusConflict,
	mzflow.CodeCommentRequired:        http.StatusUnprocessableEntity,
	mzflow.CodeRuleViolation:          http.StatusUnprocessableEntity,
	mzflow.CodeWeakPassword:           http.StatusUnprocessableEntity,
	mzflow.CodePasswordChangeRequired: http.StatusForbidden,
	mzflow.CodeEnrollmentRequired:     http.StatusForbidden,
	mzflow.CodePayloadTooLarge:        http.StatusRequestEntityTooLarge,
	mzflow.CodeTooManyAttempts:        http.StatusTooManyRequests,
	mzflow.CodeCaseBusy:               http.StatusTooManyRequests,
	mzflow.CodeRevealCapReached:       http.StatusTooManyRequests,
	mzflow.CodeUnavailable:            http.StatusServiceUnavailable,
	mzflow.CodeInternal:               http.StatusInternalServerError,
}

// ErrorView is every error answer (DESIGN.md, Conventions).
type ErrorView struct {
	Error     errorBody `json:"error"`
	RequestID string    `json:"request_id"`
}

type errorBody struct {
	Code    mzflow.Code    `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// renderErrors is the one middleware that turns an error attached with c.Error into
// DESIGN.md's JSON. Internal errors are logged with the request ID and shown as 内部错误.
func renderErrors(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		err := c.Errors.Last().Err
		code := mzflow.ErrorCode(err)
		body := errorBody{Code: code, Message: mzflow.ErrorMessage(err)}
		var e *mzflow.Error
		if errors.As(err, &e) {
			body.Details = e.Details
		}
		status, ok := statusOf[code]
		if !ok {
			status = http.StatusInternalServerError
		}
		if status >= 500 {
			log.Error("request failed", "request_id", requestID(c), "method", c.Request.Method,
				"route", c.FullPath(), "err", err)
		}
		switch code {
		case mzflow.CodeUnavailable:
			c.Header("Retry-After", "5")
		case mzflow.CodeCaseBusy:
			c.Header("Retry-After", "2")
		}
		c.JSON(status, ErrorView{Error: body, RequestID: requestID(c)})
	}
}

// fail attaches err to the request and stops the chain; renderErrors writes it.
func fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}
