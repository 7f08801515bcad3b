package mzflow

import (
	"errors"
	"fmt"
)

// Code is a machine-readable error code of docs/api.md. The set is closed: add codes here.
type Code string

// The error codes. api maps each to an HTTP status in one table.
const (
	CodeInvalid            Code = "validation_failed"     // 400: a field is wrong or missing
	CodeBadRequest         Code = "bad_request"           // 400: the request cannot be read
	CodeInvalidIDNumber    Code = "invalid_id_number"     // 400
	CodeUnauthorized       Code = "unauthorized"          // 401: no or expired token
	CodeInvalidCredentials Code = "invalid_credentials"   // 401
	CodeForbidden          Code = "forbidden"             // 403: role, township or four-eyes
	CodeNotFound           Code = "not_found"             // 404
	CodeConflict           Code = "conflict"              // 409
	CodeDuplicateCase      Code = "duplicate_active_case" // 409
	CodeTaskNotOpen        Code = "task_not_open"         // 409
	CodeTaskClaimed        Code = "task_claimed"          // 409
	CodeNotInPublicity     Code = "not_in_publicity"      // 409
	CodeCommentRequired    Code = "comment_required"      // 422
	CodeRuleViolation      Code = "rule_violation"        // 422
	CodeWeakPassword       Code = "weak_password"         // 422: the password policy refuses a new password
	// A restricted session (after sign-in) may only change the password or enrol the
	// second factor: every other route answers 403 with one of these.
	CodePasswordChangeRequired Code = "password_change_required" // 403
	CodeEnrollmentRequired     Code = "enrollment_required"      // 403
	CodePayloadTooLarge        Code = "payload_too_large"        // 413: the request body is over the limit
	CodeTooManyAttempts        Code = "too_many_attempts"        // 429
	CodeCaseBusy               Code = "case_busy"                // 429: too many requests on one case at once; retry after a moment
	CodeRevealCapReached       Code = "reveal_cap_reached"       // 429: the day's reveals of full ID numbers are used up
	CodeUnavailable            Code = "unavailable"              // 503: Temporal or the database is down
	CodeInternal               Code = "internal"                 // 500
)

// Error is the one error type the project returns to people. Message is for staff and in
// Chinese; Details carries per-field messages or the IDs a client needs (case_id).
type Error struct {
	Code    Code
	Message string
	Details map[string]any
	Err     error // the cause, for logs; never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal otherwise.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the staff-readable message of err, 内部错误 for anything that is
// not an *Error (internal details are never shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误"
}
