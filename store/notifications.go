package store

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/mzflow/mzflow"
)

// Notifications lists a page of a user's notifications, newest first, with the total.
// unreadOnly keeps those not read yet. Page and page size are clamped as for ListCases.
func (s *Store) Notifications(ctx context.Context, userID int64, unreadOnly bool, page, pageSize int) ([]Notification, int64, error) {
	offset, limit := pageBounds(page, pageSize)
	// user_id, read_at, created_at: idx_notifications_user.
	scope := func(db *gorm.DB) *gorm.DB {
		db = db.Where("user_id = ?", userID)
		if unreadOnly {
			db = db.Where("read_at IS NULL")
		}
		return db
	}
	var total int64
	if err := s.db.WithContext(ctx).Model(&Notification{}).Scopes(scope).Count(&total).Error; err != nil {
		return nil, 0, translate(err, "通知")
	}
	ns := []Notification{}
	if total == 0 || int64(offset) >= total {
		return ns, total, nil
	}
	err := s.db.WithContext(ctx).Scopes(scope).Order("created_at DESC").Order("id DESC").
		Offset(offset).Limit(limit).Find(&ns).Error
	return ns, total, translate(err, "通知")
}

// UnreadCount is the number of a user's notifications not read yet.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, translate(err, "通知")
}

// MarkNotificationRead: not_found ("通知不存在") when the notification is not the user's; reading twice keeps the first read_at.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error {
	db := s.db.WithContext(ctx)
	res := db.Model(&Notification{}).Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).
		Update("read_at", at.UTC())
	if res.Error != nil {
		return translate(res.Error, "通知")
	}
	if res.RowsAffected > 0 {
		return nil
	}
	// Nothing changed: already read (fine) or not the user's (not found).
	var n int64
	if err := db.Model(&Notification{}).Where("id = ? AND user_id = ?", id, userID).Count(&n).Error; err != nil {
		return translate(err, "通知")
	}
	if n == 0 {
		return &mzflow.Error{Code: mzflow.CodeNotFound, Message: "通知不存在"}
	}
	return nil
}

// CaseNotifications lists the notifications of a case, by seq then dedup key.
func (s *Store) CaseNotifications(ctx context.Context, caseID string) ([]Notification, error) {
	ns := []Notification{}
	err := s.db.WithContext(ctx).Where("subject_kind = ? AND subject_id = ?", SubjectCase, caseID).Order("seq").Order("dedup_key").Find(&ns).Error
	return ns, translate(err, "通知")
}

// NotifyRole puts n in the inbox of every active user of role, once: each copy's dedup
// key is n.DedupKey and the user's ID, so telling the same thing again adds nothing. It
// returns how many users were told.
func (s *Store) NotifyRole(ctx context.Context, role mzflow.Role, n Notification) (int, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&User{}).Where("role = ? AND active = ?", role, true).Order("id").Pluck("id", &ids).Error; err != nil {
		return 0, translate(err, "用户")
	}
	if len(ids) == 0 {
		return 0, nil
	}
	notes := make([]Notification, len(ids))
	for i, id := range ids {
		notes[i] = n
		notes[i].ID, notes[i].UserID = 0, id
		notes[i].DedupKey = n.DedupKey + "/" + strconv.FormatInt(id, 10)
		notes[i].CreatedAt = n.CreatedAt.UTC()
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedup_key"}}, DoNothing: true}).
		Create(&notes).Error
	return len(ids), translate(err, "通知")
}
