package mzflow

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Unit is the unit of a time limit.
type Unit string

// Units of DESIGN.md: working days and calendar days for real limits, hours, minutes and
// seconds for tests and demos.
const (
	WorkingDays  Unit = "WD"
	CalendarDays Unit = "d"
	Hours        Unit = "h"
	Minutes      Unit = "m"
	Seconds      Unit = "s"
)

// Limit is a time limit with its unit, written "3WD", "7d", "20s".
type Limit struct {
	N    int
	Unit Unit
}

// ParseLimit reads "3WD", "7d", "12h", "30m" or "20s". A negative or missing number or
// an unknown unit is an error whose message says which.
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || (i == 0 && s[i] == '-')) {
		i++
	}
	num, unit := s[:i], Unit(s[i:])
	if num == "" || num == "-" {
		return Limit{}, fmt.Errorf("时限 %q 缺少数字（例如 3WD、7d）", s)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return Limit{}, fmt.Errorf("时限 %q 的数字无效", s)
	}
	if n < 0 {
		return Limit{}, fmt.Errorf("时限 %q 不能为负数", s)
	}
	switch unit {
	case WorkingDays, CalendarDays, Hours, Minutes, Seconds:
	default:
		return Limit{}, fmt.Errorf("时限 %q 的单位无效，应为 WD（工作日）、d（自然日）、h、m 或 s", s)
	}
	return Limit{N: n, Unit: unit}, nil
}

func (l Limit) String() string { return strconv.Itoa(l.N) + string(l.Unit) }

// IsZero reports whether the limit is unset.
func (l Limit) IsZero() bool { return l.Unit == "" }

// Clock reports whether the unit is a plain duration (h, m, s) rather than days.
func (l Limit) Clock() bool { return l.Unit == Hours || l.Unit == Minutes || l.Unit == Seconds }

// Duration is the limit as a duration; only for h, m and s.
func (l Limit) Duration() time.Duration {
	switch l.Unit {
	case Hours:
		return time.Duration(l.N) * time.Hour
	case Minutes:
		return time.Duration(l.N) * time.Minute
	case Seconds:
		return time.Duration(l.N) * time.Second
	}
	return 0
}

// MarshalText writes the limit as "3WD", and an unset limit as "".
func (l Limit) MarshalText() ([]byte, error) {
	if l.IsZero() {
		return []byte{}, nil
	}
	return []byte(l.String()), nil
}

// UnmarshalText reads the limit with ParseLimit; "" is an unset limit.
func (l *Limit) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*l = Limit{}
		return nil
	}
	v, err := ParseLimit(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
