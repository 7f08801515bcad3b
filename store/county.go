package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/mzflow/mzflow"
)

// InitCounty gives a fresh production database its county and first administrator
// (username "admin"), who then adds townships, villages and staff through the API. It
// does nothing when a county exists, so `mzflow migrate` may run it on every deploy.
// County and administrator are created in one transaction.
func (s *Store) InitCounty(ctx context.Context, code, name, adminHash string, now time.Time) (bool, error) {
	created, utc := false, now.UTC()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Org{}).Where("level = ?", mzflow.LevelCounty).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		county := Org{Code: code, Name: name, Level: mzflow.LevelCounty, CreatedAt: now.UTC()}
		if err := tx.Create(&county).Error; err != nil {
			return err
		}
		admin := User{Username: "admin", Name: "系统管理员", PasswordHash: adminHash, Role: mzflow.RoleAdmin,
			OrgID: county.ID, Active: true, CreatedAt: now.UTC(), PasswordChangedAt: &utc, MustChangePassword: true}
		if err := tx.Omit("Org").Create(&admin).Error; err != nil {
			return err
		}
		created = true
		return nil
	})
	return created, translate(err, "县级单位")
}
