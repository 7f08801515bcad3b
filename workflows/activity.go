package workflows

import (
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/calendar"
)

// The activities workflows ask for, by name: the worker registers package activities'
// methods under these names. Their inputs and results are written into histories, so
// they live here, beside the workflows that write them; activities imports them, and a
// change to a projection's rows never changes a history by accident.
const (
	ActivityDeadline = "Deadline" // DeadlineInput → DeadlineResult; run local
	ActivityShift    = "Shift"    // ShiftInput → DeadlineResult; run local
	ActivityDraw     = "Draw"     // DrawInput → DrawResult; run local
	ActivityProject  = "Project"  // ProjectInput; local since "project-local" 1
)

// DeadlineInput asks for a step's due time and its reminder time: Limit counted from
// From, or the end of DueDate (YYYY-MM-DD) when that is set.
type DeadlineInput struct {
	From         time.Time
	Limit        mzflow.Limit
	DueDate      string `json:",omitempty"`
	RemindBefore mzflow.Limit
}

// DeadlineResult is the due time on the calendar and when to remind.
type DeadlineResult struct {
	Due      calendar.Due
	RemindAt time.Time
}

// ShiftInput moves a due time by a pause (the publicity, when it does not count).
type ShiftInput struct {
	Due, PausedFrom, PausedTo time.Time
}

// DrawInput is a spot-check draw at a rate in [0, 1].
type DrawInput struct{ Rate float64 }

// DrawResult says whether the case was drawn.
type DrawResult struct{ Hit bool }

// Applicant is the person a case is about. The ID number arrives only sealed, hashed and
// masked (the API does that), so it is never in a workflow's history in any readable form;
// the payload codec encrypts the rest. The projection stores it as it is.
type Applicant struct {
	Name          string
	IDSealed      []byte
	IDHash        string
	IDMasked      string
	Phone         string
	Address       string
	HouseholdSize int
}

// Notified records who was told about a task at an escalation level.
type Notified struct {
	Level int         `json:"level"`
	Role  mzflow.Role `json:"role"`
	Org   string      `json:"org"`
	At    time.Time   `json:"at"`
}

// TaskRow is a task as the projection stores it.
type TaskRow struct {
	ID          string
	Step        mzflow.Step
	Role        mzflow.Role
	OrgCode     string
	Status      string
	CreatedAt   time.Time
	DueAt       time.Time
	Provisional bool
	Level       int
	Notified    []Notified
	AssigneeID  int64
	Outcome     string
	DecidedAt   time.Time
	DecidedBy   int64
}

// EventRow is a timeline event as the projection stores it.
type EventRow struct {
	Seq       int
	Type      string
	Step      mzflow.Step
	ActorID   int64
	ActorName string
	ActorRole mzflow.Role
	At        time.Time
	Comment   string
	Data      string
}

// NoticeRow asks to notify every active user of a role in an organisation, or one user.
type NoticeRow struct {
	Key     string
	Seq     int // the timeline event it goes with
	Kind    string
	Role    mzflow.Role
	OrgCode string
	UserID  int64
	TaskID  string
	Text    string
}

// ProjectInput is a case's state to write to the read model.
type ProjectInput struct {
	CaseID            string
	WorkflowID        string
	Program           mzflow.Program
	Category          string
	TownshipCode      string
	Village           string
	Urgent            bool
	RelatedToStaff    bool
	HouseholdCategory string
	Applicant         Applicant
	Status            mzflow.CaseStatus
	Step              mzflow.Step
	SubmittedAt       time.Time
	DueAt             time.Time
	DecidedAt         time.Time
	Outcome           string
	AmountMonthly     float64
	PayFrom           string
	SpotCheck         bool
	LastSeq           int
	// Revision orders projections of one case (store.Projection); FromSeq says that the
	// events and notices after it, up to LastSeq, are exactly those given; TaskSeq is the
	// number of the last task the workflow opened.
	Revision int64
	FromSeq  int
	TaskSeq  int
	Tasks    []TaskRow
	Events   []EventRow
	Notices  []NoticeRow
}
