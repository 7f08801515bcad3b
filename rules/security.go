package rules

import (
	"math"

	"gopkg.in/yaml.v3"
)

// Security holds the county's security settings of the rules file (docs/api.md, "Rules
// file", security): how many full ID numbers one user may reveal a day, and how long the
// audit log is kept.
type Security struct {
	// RevealDailyCap is how many reveals of a full ID number one user may make per
	// calendar day (China time); past it a reveal is refused and the security
	// administrators are told.
	RevealDailyCap int `json:"reveal_daily_cap" yaml:"reveal_daily_cap"`
	// AuditRetentionDays is how long audit rows are kept; never under
	// MinAuditRetentionDays, the legal floor the database's trigger also holds.
	AuditRetentionDays int `json:"audit_retention_days" yaml:"audit_retention_days"`
}

// Security defaults: 20 reveals a day is a product default (a county reviewer checks a
// few cases a day); 180 days is the floor of 等保 level three and of the trigger.
const (
	DefaultRevealDailyCap = 20
	MinAuditRetentionDays = 180
	maxRevealDailyCap     = 1000
	maxAuditRetentionDays = 3650
)

func defaultSecurity() Security {
	return Security{RevealDailyCap: DefaultRevealDailyCap, AuditRetentionDays: MinAuditRetentionDays}
}

// SecurityOf returns r's security settings, the defaults for a nil r or unset fields.
func (r *Rules) SecurityOf() Security {
	s := defaultSecurity()
	if r == nil {
		return s
	}
	if r.Security.RevealDailyCap > 0 {
		s.RevealDailyCap = r.Security.RevealDailyCap
	}
	s.AuditRetentionDays = max(s.AuditRetentionDays, r.Security.AuditRetentionDays)
	return s
}

// security overlays the file's security mapping on s.
func (w *walker) security(s *Security, n *yaml.Node, path string) error {
	return w.mapping(n, path, func(k, v *yaml.Node, path string) error {
		var lo, hi int
		var dst *int
		switch k.Value {
		case "reveal_daily_cap":
			lo, hi, dst = 1, maxRevealDailyCap, &s.RevealDailyCap
		case "audit_retention_days":
			lo, hi, dst = MinAuditRetentionDays, maxAuditRetentionDays, &s.AuditRetentionDays
		default:
			return w.errorf(k, path, "未知的字段（可用：reveal_daily_cap、audit_retention_days）")
		}
		f, node, err := w.number(v, path)
		if err != nil {
			return err
		}
		if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
			return w.errorf(node, path, "应为 %d 至 %d 之间的整数", lo, hi)
		}
		*dst = int(f)
		return nil
	})
}
