package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// EventRevealedAfterClose is a reveal of the full ID number on a closed case: no
// workflow runs to record it, so the API writes it into the timeline itself. A
// reprojection of the closed case keeps it (its seq is after the workflow's last).
const EventRevealedAfterClose = "id_revealed_after_close"

// recordedOutsideWorkflow are the event types no workflow projects, which a projection
// never removes.
var recordedOutsideWorkflow = []string{EventRevealedAfterClose}

// AppendCaseEvent writes e into a closed case's timeline after its last event and
// returns the seq it took. The (subject, seq) key keeps two at once from sharing a seq:
// the loser tries the next.
func (s *Store) AppendCaseEvent(ctx context.Context, caseID string, e TimelineEvent) (int, error) {
	e.ID, e.SubjectKind, e.SubjectID, e.CaseID = 0, SubjectCase, caseID, caseID
	e.At = e.At.UTC().Truncate(time.Microsecond)
	var err error
	for range 3 {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var last *int
			if err := tx.Model(&TimelineEvent{}).Where("subject_kind = ? AND subject_id = ?", SubjectCase, caseID).
				Select("MAX(seq)").Scan(&last).Error; err != nil {
				return err
			}
			e.Seq = 1
			if last != nil {
				e.Seq = *last + 1
			}
			return tx.Create(&e).Error
		})
		if err == nil || !isDuplicate(err) {
			break
		}
		e.ID = 0
	}
	return e.Seq, translate(err, "时间线")
}
