package workflows

import (
	"encoding/json"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
)

// Workflow type, update and signal names: the API and tests use these constants.
const (
	AssistanceWorkflow = "Assistance"

	UpdateDecide    = "decide"
	UpdateObject    = "object"
	UpdateWithdraw  = "withdraw"
	UpdateMaterials = "materials"
	UpdateExtend    = "extend"
	UpdateClaim     = "claim"
	UpdateReassign  = "reassign"
	UpdateReveal    = "reveal"
	// QueryState answers the case as the workflow knows it, in the read model's shape
	// (ProjectInput with every event and notice of this run): the read model
	// is checked against it and rebuilt from it.
	QueryState = "state"
	// UpdateReproject projects the whole of this run again, in a workflow task of its
	// own: the read-model check sends it when the read model differs from the state
	// query, so the rows an uncommitted workflow task left are replaced in order with
	// every other projection (store.Projection's revision).
	UpdateReproject = "reproject"
	// UpdateSync does nothing but wait until the case's first projection is written, so
	// the clerk who filed a case reads it at once.
	UpdateSync = "sync"

	// SignalCalendarChanged tells a case that a year's holidays were edited.
	SignalCalendarChanged = "calendar_changed"
)

// Decision outcomes of docs/api.md.
const (
	OutcomeApprove  = "approve"
	OutcomeReject   = "reject"
	OutcomeReturn   = "return"
	OutcomeComplete = "complete"
	OutcomeContinue = "continue"
	OutcomeAdjust   = "adjust"
	OutcomeStop     = "stop"
)

// Actor is who did something: passed by the API from the authenticated user.
type Actor struct {
	ID      int64
	Name    string
	Role    mzflow.Role
	OrgCode string
}

// CaseInput starts a case workflow. It carries the rules the case started with, so a
// later edit of the rules never changes a running case. State is set only when the
// workflow continues as new.
type CaseInput struct {
	CaseID            string
	Program           mzflow.Program
	Category          string
	TownshipCode      string
	CountyCode        string
	Village           string
	Applicant         Applicant
	Urgent            bool
	RelatedToStaff    bool
	HouseholdCategory string
	Details           json.RawMessage
	Rules             rules.Program
	SubmittedBy       Actor
	RequestID         string
	State             *CaseState
}

// CaseResult is what a finished case workflow returns.
type CaseResult struct {
	Status  mzflow.CaseStatus
	Outcome string
}

// Decision is a person's decision on a task.
type Decision struct {
	Outcome   string
	Comment   string
	Data      json.RawMessage
	Actor     Actor
	At        time.Time
	RequestID string
	// data is Data as the step table's type for the outcome, validated; it is parsed
	// again on replay, so it is never written into history twice.
	data StepData
}

// Event is a timeline entry waiting to be projected.
type Event struct {
	Seq     int
	Type    string
	Step    mzflow.Step
	Actor   Actor
	At      time.Time
	Comment string
	Data    json.RawMessage
}

// Notice asks the projection to tell every user of a role in an organisation.
type Notice struct {
	Key     string // unique per case: the projection turns it into one row per user
	Seq     int    // the timeline event it goes with: the projection replaces a seq's notices as a whole
	Kind    string // reminder, escalation, notice
	Role    mzflow.Role
	OrgCode string
	UserID  int64 // a single user instead of a role, when set
	TaskID  string
	Text    string
}

// CaseState is all a case knows; it is handed to continue-as-new whole.
type CaseState struct {
	Status         mzflow.CaseStatus
	Step           mzflow.Step
	SubmittedAt    time.Time
	AcceptedAt     time.Time
	DueAt          time.Time // overall limit, from acceptance
	Extended       bool
	SpotCheck      bool
	HomeVisit      bool // mandatory home visit: related to staff or objections
	Objections     int
	InPublicity    bool
	PublicityEnds  time.Time
	CountyReviewer int64
	Outcome        string
	AmountMonthly  float64
	PayFrom        string
	DecidedAt      time.Time
	Cycle          int // re-check cycles completed (continue-as-new count)
	// Overall is the watch of the overall limit (due DueAt). States handed over before
	// it existed carry OverallLevel and OverallNextAt instead.
	Overall       *Deadline `json:",omitempty"`
	OverallLevel  int       `json:",omitempty"`
	OverallNextAt time.Time `json:",omitzero"`
	Record
}

// Update inputs. Every update carries the actor the API authenticated.
type (
	DecideInput struct {
		TaskID    string
		Outcome   string
		Comment   string
		Data      json.RawMessage
		Actor     Actor
		RequestID string // the HTTP request's ID, so logs and the timeline meet
	}
	ObjectInput struct {
		Content  string
		Reporter string
		Actor    Actor
	}
	ReasonInput struct {
		Reason string
		Actor  Actor
	}
	ClaimInput struct {
		TaskID string
		Actor  Actor
	}
	ReassignInput struct {
		TaskID string
		UserID int64
		Name   string
		Reason string
		Actor  Actor
	}
	// UpdateResult is what every update returns: the projection version that contains it.
	UpdateResult struct {
		CaseID  string
		Version int
	}
	// CalendarChange is the signal sent when a year's holidays were edited.
	CalendarChange struct {
		Year int
	}
)
