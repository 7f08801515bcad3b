package activities

import (
	"go.temporal.io/sdk/temporal"

	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/workflows"
)

// Deadline computes a due time and the reminder before it. Workflows run it as a local
// activity, so the answer is in history and a calendar edit never changes a replay.
func (a *Activities) Deadline(ctx context.Context, in workflows.DeadlineInput) (workflows.DeadlineResult, error) {
	a.syncCalendar(ctx)
	d := a.Calendar.Due(in.From, in.Limit)
	if in.DueDate != "" {
		var err error
		if d, err = a.Calendar.On(in.DueDate); err != nil {
			// The date was checked where it was set; a bad one is a bug, not a retry.
			return workflows.DeadlineResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "bad_date", err)
		}
	}
	remind := d.At
	if !in.RemindBefore.IsZero() {
		remind = a.Calendar.Before(d.At, in.RemindBefore)
	}
	if !in.RemindBefore.IsZero() && !remind.After(in.From) {
		// The step is shorter than the reminder's lead (临时救助's 24-hour grant with a
		// 1 WD reminder): remind halfway through it, not the moment it opens.
		remind = in.From.Add(d.At.Sub(in.From) / 2)
	}
	return workflows.DeadlineResult{Due: d, RemindAt: remind}, nil
}

// Shift returns the due time that keeps the working days left at PausedFrom, counted
// again from PausedTo.
func (a *Activities) Shift(ctx context.Context, in workflows.ShiftInput) (workflows.DeadlineResult, error) {
	left := a.Calendar.WorkingDaysBetween(in.PausedFrom, in.Due.Add(-time.Nanosecond))
	return workflows.DeadlineResult{Due: a.Calendar.Due(in.PausedTo, mzflow.Limit{N: left, Unit: mzflow.WorkingDays})}, nil
}

// Draw draws with a cryptographic random number, so nobody can predict which cases the
// county will visit.
func (a *Activities) Draw(ctx context.Context, in workflows.DrawInput) (workflows.DrawResult, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return workflows.DrawResult{}, err
	}
	u := float64(binary.BigEndian.Uint64(b[:])>>11) / (1 << 53)
	return workflows.DrawResult{Hit: u < in.Rate}, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// Project writes a case's state to the read model in one transaction. It is idempotent
// (upserts keyed by case and task ID, events by case and sequence, notifications by a
// dedup key), so a retry after a crash writes nothing twice; and it converges (see
// store.Projection), so what an uncommitted workflow task wrote is replaced.
func (a *Activities) Project(ctx context.Context, in workflows.ProjectInput) error {
	p, err := a.projection(ctx, in)
	if err != nil {
		return err
	}
	return a.Store.ApplyProjection(ctx, p)
}

// Diff reports how the read model of a case differs from what its workflow answered to
// the state query (store.DiffProjection); Reproject also writes that answer over it, for
// a finished case (store.Reproject). Neither is called from workflows: the read-model
// check and mzflow reproject (package worker) run them.
func (a *Activities) Diff(ctx context.Context, in workflows.ProjectInput) ([]string, error) {
	p, err := a.projection(ctx, in)
	if err != nil {
		return nil, err
	}
	return a.Store.DiffProjection(ctx, p)
}

// Reproject: see Diff.
func (a *Activities) Reproject(ctx context.Context, in workflows.ProjectInput) ([]string, error) {
	return a.ReprojectOver(ctx, in, 0)
}

// ReprojectOver is store.ReprojectOver for a workflow's answer: seen is the row's revision
// read before the workflow was asked.
func (a *Activities) ReprojectOver(ctx context.Context, in workflows.ProjectInput, seen int64) ([]string, error) {
	p, err := a.projection(ctx, in)
	if err != nil {
		return nil, err
	}
	return a.Store.ReprojectOver(ctx, p, seen)
}

// projection turns a workflow's projection into read-model rows: one notification per
// user of a notice's role and organisation.
func (a *Activities) projection(ctx context.Context, in workflows.ProjectInput) (*store.Projection, error) {
	p := &store.Projection{Case: store.Case{
		ID: in.CaseID, WorkflowID: in.WorkflowID, Program: in.Program, Category: in.Category,
		Status: in.Status, Step: in.Step, TownshipCode: in.TownshipCode, Village: in.Village,
		ApplicantName: in.Applicant.Name, IDNumberEnc: in.Applicant.IDSealed, IDNumberHash: in.Applicant.IDHash,
		IDNumberMasked: in.Applicant.IDMasked, Phone: in.Applicant.Phone, Address: in.Applicant.Address,
		HouseholdSize: in.Applicant.HouseholdSize, Urgent: in.Urgent, RelatedToStaff: in.RelatedToStaff,
		HouseholdCategory: in.HouseholdCategory, SubmittedAt: in.SubmittedAt.UTC(), DueAt: timePtr(in.DueAt),
		DecidedAt: timePtr(in.DecidedAt), Outcome: in.Outcome, PayFrom: in.PayFrom, SpotCheck: in.SpotCheck,
		LastSeq: in.LastSeq, Revision: in.Revision, UpdatedAt: a.Now().UTC(),
	}, FromSeq: in.FromSeq, TaskSeq: in.TaskSeq}
	if in.AmountMonthly > 0 {
		amt := in.AmountMonthly
		p.Case.AmountMonthly = &amt
	}
	for _, t := range in.Tasks {
		var notified string
		if len(t.Notified) > 0 {
			b, _ := json.Marshal(t.Notified)
			notified = string(b)
		}
		p.Tasks = append(p.Tasks, store.Task{ID: t.ID, CaseID: in.CaseID, Program: in.Program, Step: t.Step,
			Role: t.Role, OrgCode: t.OrgCode, TownshipCode: in.TownshipCode, AssigneeID: idPtr(t.AssigneeID),
			Status: t.Status, CreatedAt: t.CreatedAt.UTC(), DueAt: timePtr(t.DueAt), DueProvisional: t.Provisional,
			DecidedAt: timePtr(t.DecidedAt), DecidedBy: idPtr(t.DecidedBy), Outcome: t.Outcome,
			EscalationLevel: t.Level, Notified: notified, ApplicantName: in.Applicant.Name})
	}
	for _, e := range in.Events {
		p.Events = append(p.Events, store.TimelineEvent{CaseID: in.CaseID, Seq: e.Seq, Type: e.Type, Step: e.Step,
			ActorID: idPtr(e.ActorID), ActorName: e.ActorName, ActorRole: e.ActorRole, At: e.At.UTC(),
			Comment: e.Comment, Data: e.Data})
	}
	for _, n := range in.Notices {
		ids := []int64{n.UserID}
		if n.UserID == 0 {
			users, err := a.Store.UsersByRole(ctx, n.Role, n.OrgCode)
			if err != nil {
				return nil, err
			}
			ids = ids[:0]
			for _, u := range users {
				ids = append(ids, u.ID)
			}
		}
		for _, id := range ids {
			p.Notifications = append(p.Notifications, store.Notification{
				DedupKey: fmt.Sprintf("%s/%s/%d", in.CaseID, n.Key, id), Seq: n.Seq, UserID: id, Kind: n.Kind,
				CaseID: in.CaseID, TaskID: n.TaskID, Text: n.Text, CreatedAt: a.Now().UTC()})
		}
	}
	return p, nil
}
