package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/mzflow/mzflow"
)

// LoginThrottle returns the failure count under a key (a zero value when none).
func (s *Store) LoginThrottle(ctx context.Context, key string) (LoginThrottle, error) {
	var t LoginThrottle
	err := s.db.WithContext(ctx).Where("throttle_key = ?", key).Limit(1).Find(&t).Error
	return t, translate(err, "登录记录")
}

// RecordLoginFailure counts one failed sign-in under key at now: failures older than
// window start a new count; the max-th failure within window locks the key for lock.
// It returns the updated state.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration, max int, lock time.Duration) (LoginThrottle, error) {
	var t LoginThrottle
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("throttle_key = ?", key).Limit(1).Find(&t).Error; err != nil {
			return err
		}
		now = now.UTC()
		if t.Key == "" || now.Sub(t.WindowStart) > window {
			t = LoginThrottle{Key: key, WindowStart: now}
		}
		t.Failures++
		if t.Failures >= max {
			until := now.Add(lock)
			t.LockedUntil = &until
		}
		return tx.Save(&t).Error
	})
	return t, translate(err, "登录记录")
}

// ClearLoginFailures forgets the failures under the given keys.
func (s *Store) ClearLoginFailures(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return translate(s.db.WithContext(ctx).Where("throttle_key IN ?", keys).Delete(&LoginThrottle{}).Error, "登录记录")
}

// ClearLoginFailuresLike forgets every failure whose key starts with prefix (the
// security administrator's unlock: the account from every address).
func (s *Store) ClearLoginFailuresLike(ctx context.Context, prefix string) error {
	return translate(s.prefix(s.db.WithContext(ctx), "throttle_key", prefix).Delete(&LoginThrottle{}).Error, "登录记录")
}

// PasswordHashes returns the user's current hash and the n most recent earlier ones,
// newest first: a new password may be none of them.
func (s *Store) PasswordHashes(ctx context.Context, userID int64, n int) ([]string, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	var hs []PasswordHistory
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Limit(n).Find(&hs).Error; err != nil {
		return nil, translate(err, "密码记录")
	}
	out := []string{u.PasswordHash}
	for _, h := range hs {
		out = append(out, h.PasswordHash)
	}
	return out, nil
}

// SetPassword replaces a user's password hash, keeps it in the history (the keep most
// recent), and ends the user's other sessions, so a changed password locks out whoever
// knew the old one. initial marks a password set by an administrator, which the user
// must change at first sign-in.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, initial bool, keepSession int64, keep int, now time.Time) error {
	now = now.UTC()
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"password_hash": hash, "password_changed_at": now, "must_change_password": initial})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		if err := tx.Create(&PasswordHistory{UserID: userID, PasswordHash: hash, CreatedAt: now}).Error; err != nil {
			return err
		}
		// Keep only the newest: older hashes are no longer compared against.
		var old []int64
		if err := tx.Model(&PasswordHistory{}).Where("user_id = ?", userID).Order("id DESC").Offset(keep).Limit(1000).Pluck("id", &old).Error; err != nil {
			return err
		}
		if len(old) > 0 {
			if err := tx.Where("id IN ?", old).Delete(&PasswordHistory{}).Error; err != nil {
				return err
			}
		}
		return revokeOthers(tx, userID, keepSession, now)
	}), "用户")
}

func revokeOthers(tx *gorm.DB, userID, keepSession int64, now time.Time) error {
	return tx.Model(&Session{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keepSession).
		Update("revoked_at", now.UTC()).Error
}

// SetSessionScope widens or narrows a session (after the password is changed or the
// second factor enrolled).
func (s *Store) SetSessionScope(ctx context.Context, id int64, scope string) error {
	return translate(s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", id).Update("scope", scope).Error, "会话")
}

// SetRole gives a user another role and ends their sessions: the new duties start at
// the next sign-in. Errors: not_found.
func (s *Store) SetRole(ctx context.Context, userID int64, role mzflow.Role, now time.Time) error {
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", userID).Update("role", role)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		return revokeOthers(tx, userID, 0, now)
	}), "用户")
}

// SetPendingTOTP stores a new, not yet confirmed sealed TOTP secret.
func (s *Store) SetPendingTOTP(ctx context.Context, userID int64, sealed []byte) error {
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_enabled = ?", userID, false).
		Updates(map[string]any{"totp_secret": sealed, "totp_last_step": 0})
	if res.Error == nil && res.RowsAffected == 0 {
		return mzflow.Errorf(mzflow.CodeConflict, "已启用两步验证；如需更换，请联系安全管理员重置")
	}
	return translate(res.Error, "用户")
}

// EnableTOTP confirms the pending secret with the time step of the first code and
// replaces the recovery codes with the given hashes, in one transaction.
func (s *Store) EnableTOTP(ctx context.Context, userID, step int64, codeHashes []string) error {
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ? AND totp_enabled = ? AND totp_secret IS NOT NULL", userID, false).
			Updates(map[string]any{"totp_enabled": true, "totp_last_step": step})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return mzflow.Errorf(mzflow.CodeConflict, "两步验证已启用，或尚未开始绑定")
		}
		if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
			return err
		}
		for _, h := range codeHashes {
			if err := tx.Create(&RecoveryCode{UserID: userID, CodeHash: h}).Error; err != nil {
				return err
			}
		}
		return nil
	}), "两步验证")
}

// ResetTOTP removes a user's second factor and recovery codes (the security
// administrator's reset for a lost phone) and ends the user's sessions.
func (s *Store) ResetTOTP(ctx context.Context, userID int64, now time.Time) error {
	return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"totp_secret": nil, "totp_enabled": false, "totp_last_step": 0})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
			return err
		}
		return revokeOthers(tx, userID, 0, now)
	}), "用户")
}

// UseTOTPStep records that a code of time step step was used; false when that step or
// a later one was used already (a replayed code). The compare-and-set makes two
// simultaneous uses of one code succeed at most once.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", userID, step).
		Update("totp_last_step", step)
	return res.RowsAffected == 1, translate(res.Error, "用户")
}

// UseRecoveryCode spends one recovery code; false when there is no such unused code.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, codeHash string, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, codeHash).Update("used_at", now.UTC())
	return res.RowsAffected == 1, translate(res.Error, "恢复码")
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&RecoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	return int(n), translate(err, "恢复码")
}

// CreateChallenge stores a second-factor challenge.
func (s *Store) CreateChallenge(ctx context.Context, c *LoginChallenge) error {
	return translate(s.db.WithContext(ctx).Create(c).Error, "登录验证")
}

// ChallengeByTokenHash finds an unused challenge. Errors: not_found.
func (s *Store) ChallengeByTokenHash(ctx context.Context, hash string) (*LoginChallenge, error) {
	var c LoginChallenge
	err := s.db.WithContext(ctx).Where("token_hash = ? AND used_at IS NULL", hash).First(&c).Error
	return &c, translate(err, "登录验证")
}

// UseChallenge spends a challenge; false when it was spent already.
func (s *Store) UseChallenge(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&LoginChallenge{}).Where("id = ? AND used_at IS NULL", id).Update("used_at", now.UTC())
	return res.RowsAffected == 1, translate(res.Error, "登录验证")
}
