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
}

// LoginThrottle counts failed logins for one username in a window.
type LoginThrottle struct {
	Username    string `gorm:"primaryKey"`
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
