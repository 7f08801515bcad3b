package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm/clause"
)

// CreateOrg inserts an organisation. Errors: conflict when the code exists.
func (s *Store) CreateOrg(ctx context.Context, o *Org) error {
	return translate(s.db.WithContext(ctx).Create(o).Error, "单位")
}

// OrgByCode finds an organisation by its division code. Errors: not_found.
func (s *Store) OrgByCode(ctx context.Context, code string) (*Org, error) {
	var o Org
	err := s.db.WithContext(ctx).Where("code = ?", code).First(&o).Error
	return &o, translate(err, "单位")
}

// Orgs lists organisations, ordered by code (the tree order of division codes).
func (s *Store) Orgs(ctx context.Context) ([]Org, error) {
	var os []Org
	err := s.db.WithContext(ctx).Order("code").Find(&os).Error
	return os, translate(err, "单位")
}

// CreateUser inserts a user. Errors: conflict when the username is taken.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	return translate(s.db.WithContext(ctx).Omit("Org").Create(u).Error, "用户")
}

// UserByUsername finds an active or inactive user with their organisation. Errors: not_found.
func (s *Store) UserByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Preload("Org").Where("username = ?", username).First(&u).Error
	return &u, translate(err, "用户")
}

// UserByID finds a user with their organisation. Errors: not_found.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Preload("Org").First(&u, id).Error
	return &u, translate(err, "用户")
}

// Users lists users with their organisations, ordered by ID.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var us []User
	err := s.db.WithContext(ctx).Preload("Org").Order("id").Find(&us).Error
	return us, translate(err, "用户")
}

// CountUsers is the number of users (zero on a fresh database).
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, translate(err, "用户")
}

// CreateSession stores a new login.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return translate(s.db.WithContext(ctx).Create(sess).Error, "会话")
}

// SessionByTokenHash finds a session that is not revoked. Errors: not_found.
func (s *Store) SessionByTokenHash(ctx context.Context, hash string) (*Session, error) {
	var sess Session
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash).First(&sess).Error
	return &sess, translate(err, "会话")
}

// TouchSession records activity on a session (for the idle timeout).
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", id).Update("last_seen_at", at.UTC()).Error
	return translate(err, "会话")
}

// RevokeSession ends a session; revoking twice is harmless.
func (s *Store) RevokeSession(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&Session{}).Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", at.UTC()).Error
	return translate(err, "会话")
}

// SaveCalendarYear stores (replaces) an administrator's holiday arrangement for a year.
func (s *Store) SaveCalendarYear(ctx context.Context, year int, holidays, workdays []string, by int64, at time.Time) error {
	h, _ := json.Marshal(nonNil(holidays))
	w, _ := json.Marshal(nonNil(workdays))
	row := CalendarYear{Year: year, Holidays: string(h), Workdays: string(w), UpdatedBy: &by, UpdatedAt: at.UTC()}
	// Name the updated columns: with UpdateAll gorm would set updated_at to its own clock
	// on a replace instead of at.
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "year"}},
		DoUpdates: clause.AssignmentColumns([]string{"holidays", "workdays", "updated_by", "updated_at"}),
	}).Create(&row).Error
	return translate(err, "日历")
}

// CalendarYears returns every stored year, oldest first, as (year, holidays, workdays).
func (s *Store) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	var ys []CalendarYear
	err := s.db.WithContext(ctx).Order("year").Find(&ys).Error
	return ys, translate(err, "日历")
}

// Dates decodes a CalendarYear's JSON lists.
func (y CalendarYear) Dates() (holidays, workdays []string, err error) {
	if err = json.Unmarshal([]byte(y.Holidays), &holidays); err != nil {
		return nil, nil, err
	}
	err = json.Unmarshal([]byte(y.Workdays), &workdays)
	return holidays, workdays, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
