package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// revealSlot counts a user's reveals of full ID numbers on one day (Asia/Shanghai).
type revealSlot struct {
	UserID int64  `gorm:"primaryKey"`
	Day    string `gorm:"primaryKey"` // YYYY-MM-DD
	N      int
}

func (revealSlot) TableName() string { return "reveal_slots" }

// TakeRevealSlot takes one of the user's reveals of day, if fewer than limit are taken,
// and reports whether it did. The conditional UPDATE is one statement, so reveals at the
// same moment, in one process or several, never take more than limit between them. A
// slot taken by a reveal that then fails stays taken: the cap errs on the safe side.
func (s *Store) TakeRevealSlot(ctx context.Context, userID int64, day string, limit int) (bool, error) {
	var took bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&revealSlot{UserID: userID, Day: day}).Error; err != nil {
			return err
		}
		res := tx.Model(&revealSlot{}).Where("user_id = ? AND day = ? AND n < ?", userID, day, limit).
			Update("n", gorm.Expr("n + 1"))
		took = res.RowsAffected == 1
		return res.Error
	})
	return took, translate(err, "查看次数")
}
