package store

import (
	"time"

	"github.com/mzflow/mzflow"
)

// Case is the read-model row of an application. Workflows own the state; activities
// project it here after every change, so lists and searches never ask Temporal.
// The ID number is stored only sealed (AES-GCM), as a keyed hash for look-ups and masked
// for display.
type Case struct {
	ID                string `gorm:"primaryKey"`
	WorkflowID        string
	Program           mzflow.Program
	Category          string
	Status            mzflow.CaseStatus
	Step              mzflow.Step
	TownshipCode      string
	Village           string
	ApplicantName     string
	IDNumberEnc       []byte
	IDNumberHash      string
	IDNumberMasked    string
	Phone             string
	Address           string
	HouseholdSize     int
	Urgent            bool
	RelatedToStaff    bool
	HouseholdCategory string
	SubmittedAt       time.Time
	DueAt             *time.Time
	DecidedAt         *time.Time
	Outcome           string
	AmountMonthly     *float64
	PayFrom           string
	SpotCheck         bool
	LastSeq           int
	Revision          int64 // the workflow revision this row was projected from (ApplyProjection)
	UpdatedAt         time.Time
}

// Subject kinds: what a task, a timeline event or a notification is about. Every
// process's rows share the three tables, so one inbox, one overdue board and one
// message list serve them all.
const (
	SubjectCase = "case"
	// Next: "project" (elder-home construction), "supervision_item" (督办).
)

// SubjectKinds are the kinds the read model holds, for checking a filter.
var SubjectKinds = []string{SubjectCase}

// Task is the read-model row of a human step: a task for a role in an organisation.
type Task struct {
	ID              string `gorm:"primaryKey"`
	SubjectKind     string // SubjectCase, …
	SubjectID       string
	Title           string // what lists show: the applicant's name for a case
	CaseID          string // the subject's ID when it is a case
	Program         mzflow.Program
	Step            mzflow.Step
	Role            mzflow.Role
	OrgCode         string // the organisation whose role holds the task
	TownshipCode    string // the case's township, for township-scoped boards
	AssigneeID      *int64
	Status          string // TaskOpen, TaskDone, TaskCancelled
	CreatedAt       time.Time
	DueAt           *time.Time
	DueProvisional  bool
	DecidedAt       *time.Time
	DecidedBy       *int64
	Outcome         string
	EscalationLevel int
	Notified        string // JSON list of {level, role, users:[names]} told about this task
	ApplicantName   string
}

// Task statuses.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskCancelled = "cancelled"
)

// TimelineEvent is one entry of a subject's history. (SubjectKind, SubjectID, Seq) is
// unique, so a retried projection never writes an event twice.
type TimelineEvent struct {
	ID          int64 `gorm:"primaryKey"`
	SubjectKind string
	SubjectID   string
	CaseID      string
	Seq         int
	Type        string
	Step        mzflow.Step
	ActorID     *int64
	ActorName   string
	ActorRole   mzflow.Role
	At          time.Time
	Comment     string
	Data        string // JSON object
}

// Notification is a reminder, escalation or notice in a user's inbox. DedupKey is unique,
// so a retried activity never notifies twice.
type Notification struct {
	ID          int64 `gorm:"primaryKey"`
	DedupKey    string
	SubjectKind string
	SubjectID   string
	Title       string
	Seq         int // the timeline event it goes with; 0 for rows from before seqs were kept
	UserID      int64
	Kind        string // reminder, escalation, notice
	CaseID      string
	TaskID      string
	Text        string
	CreatedAt   time.Time
	ReadAt      *time.Time
}

// Projection is what one projection activity writes, in one transaction: the case row,
// the rows of its tasks, the timeline events and notifications recorded since the last
// projection. Applying the same projection twice leaves the database as applying it once.
//
// A workflow task's projection can be written and the task then fail or be discarded
// (a local activity writes before the server commits the task), and its retry may take
// another path. So a projection describes state, and replaces what differs:
//   - events by (case, seq); events after Case.LastSeq are removed;
//   - tasks by ID; tasks numbered after TaskSeq (IDs "<case>-<n>") are removed;
//   - notifications by dedup key; those of the case with a seq after FromSeq that are
//     not in the projection are removed (a notification goes with its event's seq);
//   - the whole projection is skipped when the case row holds a newer Case.Revision,
//     unless Force is set (mzflow reproject, which writes what the workflow answers now).
type Projection struct {
	Case          Case
	Tasks         []Task
	Events        []TimelineEvent
	Notifications []Notification
	FromSeq       int  // the notifications after this seq are exactly Notifications
	TaskSeq       int  // the number of the workflow's last task; 0: remove none
	Force         bool // write even over a newer revision
	// ForceOver, with Force, writes only while the row is still at this revision: the one
	// a check saw before it asked the workflow (0: over any).
	ForceOver int64
}
