package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"

	"github.com/mzflow/mzflow"
)

// idempotencyKey is a row of idempotency_keys (migration 00002): the result of one
// user's request under an Idempotency-Key, with the SHA-256 of the request.
type idempotencyKey struct {
	UserID      int64  `gorm:"primaryKey;autoIncrement:false"`
	KeyValue    string `gorm:"primaryKey"`
	RequestHash string
	Result      string
	CreatedAt   time.Time
}

func (idempotencyKey) TableName() string { return "idempotency_keys" }

// IdempotentResult finds the record of Idempotency-Key key for a user.
// Returns found=false when absent.
func (s *Store) IdempotentResult(ctx context.Context, userID int64, key string) (requestHash, result string, found bool, err error) {
	var rows []idempotencyKey
	err = s.db.WithContext(ctx).Where("user_id = ? AND key_value = ?", userID, key).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", "", false, translate(err, "幂等键")
	}
	return rows[0].RequestHash, rows[0].Result, true, nil
}

// SaveIdempotentResult inserts; a concurrent insert of the same (user, key) is not an error if requestHash is equal
// (then the stored result wins and is returned); different requestHash → *mzflow.Error CodeConflict "幂等键已用于另一请求".
func (s *Store) SaveIdempotentResult(ctx context.Context, userID int64, key, requestHash, result string, at time.Time) (stored string, err error) {
	row := idempotencyKey{UserID: userID, KeyValue: key, RequestHash: requestHash, Result: result, CreatedAt: at.UTC()}
	// Outside a transaction: when another request holds the key, the insert waits for it
	// (MySQL) or for the write lock (SQLite), then the read below sees its committed row.
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "key_value"}},
		DoNothing: true,
	}).Create(&row)
	if res.Error != nil {
		return "", translate(res.Error, "幂等键")
	}
	if res.RowsAffected > 0 {
		return result, nil
	}
	hash, storedResult, found, err := s.IdempotentResult(ctx, userID, key)
	switch {
	case err != nil:
		return "", err
	case !found:
		// Only when the row was deleted between the two statements.
		return "", errors.New("幂等键: record vanished after a conflicting insert")
	case hash != requestHash:
		return "", &mzflow.Error{Code: mzflow.CodeConflict, Message: "幂等键已用于另一请求"}
	}
	return storedResult, nil
}
