package store

import (
	"time"

	"github.com/mzflow/mzflow"
)

// Org is an organisation: the county (GB/T 2260 code), a township or street (GB/T 10114,
// 9 digits) or a village or community (12-digit statistical code).
type Org struct {
	ID        int64           `gorm:"primaryKey" json:"id"`
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Level     mzflow.OrgLevel `json:"level"`
	ParentID  *int64          `json:"parent_id,omitempty"`
	CreatedAt time.Time       `json:"-"`
}

// User is a member of staff.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Username     string
	Name         string
	PasswordHash string
	Role         mzflow.Role
	OrgID        int64
	Org          Org `gorm:"foreignKey:OrgID"`
	Active       bool
	CreatedAt    time.Time
	// PasswordChangedAt starts the password's expiry; MustChangePassword marks an
	// initial password (set by an administrator) that must be changed at first sign-in.
	PasswordChangedAt  *time.Time
	MustChangePassword bool
	// TOTPSecret is the second factor's secret, sealed (privacy.Keys); TOTPEnabled once
	// a first code confirmed it; TOTPLastStep is the last time step used, so a code
	// cannot be used twice.
	TOTPSecret   []byte `gorm:"column:totp_secret"`
	TOTPEnabled  bool   `gorm:"column:totp_enabled"`
	TOTPLastStep int64  `gorm:"column:totp_last_step"`
}

// Session is a login. Only the SHA-256 of the token is stored, so a copy of the database
// does not let anyone sign in.
type Session struct {
	ID         int64 `gorm:"primaryKey"`
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
	// Scope is empty for a full session; a restricted one may only change the password
	// (ScopePassword) or enrol the second factor (ScopeEnroll).
	Scope string
}

// Session scopes.
const (
	ScopeFull     = ""
	ScopePassword = "password"
	ScopeEnroll   = "enroll"
)

// PasswordHistory is one earlier password's bcrypt hash.
type PasswordHistory struct {
	ID           int64 `gorm:"primaryKey"`
	UserID       int64
	PasswordHash string
	CreatedAt    time.Time
}

// TableName keeps the singular table name of the migration.
func (PasswordHistory) TableName() string { return "password_history" }

// RecoveryCode is the keyed hash of one recovery code.
type RecoveryCode struct {
	ID       int64 `gorm:"primaryKey"`
	UserID   int64
	CodeHash string
	UsedAt   *time.Time
}

// LoginChallenge is the step between a right password and the second factor.
type LoginChallenge struct {
	ID        int64 `gorm:"primaryKey"`
	TokenHash string
	UserID    int64
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// LoginThrottle counts failed sign-ins under one key (an account from an address, an
// address, an account) in a window.
type LoginThrottle struct {
	Key         string `gorm:"primaryKey;column:throttle_key"`
	Failures    int
	WindowStart time.Time
	LockedUntil *time.Time
}

// CalendarYear is an administrator's holiday arrangement for a year; it overrides the
// data shipped in the binary. Holidays and Workdays are JSON lists of YYYY-MM-DD.
type CalendarYear struct {
	Year      int `gorm:"primaryKey;autoIncrement:false"`
	Holidays  string
	Workdays  string
	UpdatedBy *int64
	UpdatedAt time.Time
}

// ProgramRules is an administrator's rules document for one program (JSON).
type ProgramRules struct {
	Program   mzflow.Program `gorm:"primaryKey"`
	Document  string
	UpdatedBy *int64
	UpdatedAt time.Time
}
