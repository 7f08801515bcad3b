package api

import (
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
)

// The resource views the API answers with: one Go type each, so the JSON a client reads
// has one definition, which the OpenAPI description (openapi.go) is generated from.

// NamedOrg is an organisation as views name it.
type NamedOrg struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// ApplicantView is the applicant as staff see them: the ID number masked.
type ApplicantView struct {
	Name           string `json:"name"`
	IDNumberMasked string `json:"id_number_masked"`
	Phone          string `json:"phone"`
	Address        string `json:"address"`
	HouseholdSize  int    `json:"household_size"`
}

// CaseSummary is a case in lists.
type CaseSummary struct {
	ID                string            `json:"id"`
	WorkflowID        string            `json:"workflow_id"`
	Program           mzflow.Program    `json:"program"`
	ProgramName       string            `json:"program_name"`
	Category          string            `json:"category"`
	Status            mzflow.CaseStatus `json:"status"`
	Step              mzflow.Step       `json:"step"`
	StepName          string            `json:"step_name"`
	Applicant         ApplicantView     `json:"applicant"`
	Township          NamedOrg          `json:"township"`
	Village           string            `json:"village"`
	SubmittedAt       time.Time         `json:"submitted_at"`
	DueAt             *time.Time        `json:"due_at"`
	Overdue           bool              `json:"overdue"`
	Outcome           string            `json:"outcome"`
	AmountMonthly     *float64          `json:"amount_monthly"`
	PayFrom           string            `json:"pay_from"`
	SpotCheck         bool              `json:"spot_check"`
	Urgent            bool              `json:"urgent"`
	RelatedToStaff    bool              `json:"related_to_staff"`
	HouseholdCategory string            `json:"household_category"`
	DecidedAt         *time.Time        `json:"decided_at"`
}

// CaseView is one case with its tasks and timeline.
type CaseView struct {
	CaseSummary
	Tasks    []TaskView  `json:"tasks"`
	Timeline []EventView `json:"timeline"`
}

// ActorView is who did something.
type ActorView struct {
	ID   *int64      `json:"id"`
	Name string      `json:"name"`
	Role mzflow.Role `json:"role"`
}

// EventView is one timeline entry.
type EventView struct {
	Seq      int         `json:"seq"`
	Type     string      `json:"type"`
	Step     mzflow.Step `json:"step"`
	StepName string      `json:"step_name"`
	Actor    ActorView   `json:"actor"`
	At       time.Time   `json:"at"`
	Comment  string      `json:"comment"`
	Data     any         `json:"data"` // the event's own fields, an object
}

// TaskView is a task in inboxes, boards and case views.
type TaskView struct {
	ID              string         `json:"id"`
	SubjectKind     string         `json:"subject_kind"`
	SubjectID       string         `json:"subject_id"`
	Title           string         `json:"title"`
	CaseID          string         `json:"case_id"`
	Program         mzflow.Program `json:"program"`
	Step            mzflow.Step    `json:"step"`
	StepName        string         `json:"step_name"`
	Role            mzflow.Role    `json:"role"`
	RoleName        string         `json:"role_name"`
	Org             NamedOrg       `json:"org"`
	Assignee        *int64         `json:"assignee"`
	Status          string         `json:"status"`
	CreatedAt       time.Time      `json:"created_at"`
	DueAt           *time.Time     `json:"due_at"`
	DueProvisional  bool           `json:"due_provisional"`
	Overdue         bool           `json:"overdue"`
	EscalationLevel int            `json:"escalation_level"`
	Notified        any            `json:"notified"` // [{level, role, org, at}] told at each escalation level
	ApplicantName   string         `json:"applicant_name"`
	Outcome         string         `json:"outcome"`
	DecidedAt       *time.Time     `json:"decided_at"`
}

// OverdueItem is a task on the overdue board.
type OverdueItem struct {
	TaskView
	OverdueBy int `json:"overdue_by"` // working days late; the due day itself is on time
}

// NotificationView is a reminder, escalation or notice in the caller's messages.
type NotificationView struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	SubjectKind string     `json:"subject_kind"`
	SubjectID   string     `json:"subject_id"`
	Title       string     `json:"title"`
	CaseID      string     `json:"case_id"`
	TaskID      string     `json:"task_id"`
	Text        string     `json:"text"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
}

// Page is one page of a list; Total stops counting at 10 000.
type Page[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

// NotificationPage is a page of messages with the caller's unread count.
type NotificationPage struct {
	Page[NotificationView]
	Unread int64 `json:"unread"`
}

// List is a whole (unpaged) list.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// SummaryView is the overdue board's month per township.
type SummaryView struct {
	Period string                  `json:"period"`
	Items  []store.TownshipSummary `json:"items"`
}

// UserRow is a user in the administrator's list.
type UserRow struct {
	User      userView  `json:"user"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// LoginView is what a sign-in answers: a token and the user, or, when the user has a
// second factor, a challenge for POST /auth/totp (expires_at is then the challenge's).
// A restricted token says what must be done first.
type LoginView struct {
	Token                  string    `json:"token,omitempty"`
	ExpiresAt              time.Time `json:"expires_at"`
	User                   *userView `json:"user,omitempty"`
	SecondFactorRequired   bool      `json:"second_factor_required,omitempty"`
	Challenge              string    `json:"challenge,omitempty"`
	PasswordChangeRequired bool      `json:"password_change_required,omitempty"`
	EnrollmentRequired     bool      `json:"enrollment_required,omitempty"`
}

// MeView is the signed-in user (GET /me) with the state of their sign-in.
type MeView struct {
	userView
	TOTPEnabled            bool `json:"totp_enabled"`
	RecoveryCodesLeft      int  `json:"recovery_codes_left"`
	SecondFactorRequired   bool `json:"second_factor_required"`
	PasswordChangeRequired bool `json:"password_change_required"`
	EnrollmentRequired     bool `json:"enrollment_required"`
}

// DueView is a computed deadline.
type DueView struct {
	Due         string `json:"due"`
	Provisional bool   `json:"provisional"`
}

// RevealView is a case's full ID number, for roles allowed to see it.
type RevealView struct {
	IDNumber string `json:"id_number"`
}

// StatusView is what /healthz and /readyz answer.
type StatusView struct {
	Status string `json:"status"`
}
