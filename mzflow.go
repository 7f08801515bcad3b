// Package mzflow holds the domain words every other package speaks: programs, steps,
// roles, case statuses, time limits and the one error type with its closed set of codes.
//
// It imports nothing of the project and nothing with side effects, so workflows, store,
// api and rules can all depend on it.
package mzflow

// Program is an approval process a case follows.
type Program string

// The programs of docs/domain.md.
const (
	Dibao   Program = "dibao"   // 最低生活保障
	Tekun   Program = "tekun"   // 特困人员
	Linshi  Program = "linshi"  // 临时救助
	Veteran Program = "veteran" // 退役军人身份认定
)

// Programs lists the case programs in a fixed order (never range over a map for this).
var Programs = []Program{Dibao, Tekun, Linshi, Veteran}

// Name is the Chinese name staff use.
func (p Program) Name() string {
	switch p {
	case Dibao:
		return "最低生活保障"
	case Tekun:
		return "特困人员供养"
	case Linshi:
		return "临时救助"
	case Veteran:
		return "退役军人身份认定"
	}
	return string(p)
}

// Valid reports whether p is a known program.
func (p Program) Valid() bool {
	for _, q := range Programs {
		if p == q {
			return true
		}
	}
	return false
}

// Role is what a user may do.
type Role string

// The roles of DESIGN.md.
const (
	RoleTownshipClerk  Role = "township_clerk"
	RoleTownshipHead   Role = "township_head"
	RoleCountyReviewer Role = "county_reviewer"
	RoleCountyApprover Role = "county_approver"
	RoleVeteranOfficer Role = "veteran_officer"
	RoleSupervisor     Role = "supervisor"
	RoleAdmin          Role = "admin"
	// The security and audit administrators complete the 三员 of 等保 level three with the
	// system administrator: roles and sign-in policies; the audit log. None reads a case.
	RoleSecurityAdmin Role = "security_admin"
	RoleAuditAdmin    Role = "audit_admin"
)

// Roles lists every role in a fixed order.
var Roles = []Role{RoleTownshipClerk, RoleTownshipHead, RoleCountyReviewer, RoleCountyApprover,
	RoleVeteranOfficer, RoleSupervisor, RoleAdmin, RoleSecurityAdmin, RoleAuditAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, q := range Roles {
		if r == q {
			return true
		}
	}
	return false
}

// Township reports whether the role is bound to one township (and sees only it).
func (r Role) Township() bool { return r == RoleTownshipClerk || r == RoleTownshipHead }

// Name is the Chinese name of the role.
func (r Role) Name() string {
	switch r {
	case RoleTownshipClerk:
		return "乡镇经办人"
	case RoleTownshipHead:
		return "乡镇审核人"
	case RoleCountyReviewer:
		return "县级审核员"
	case RoleCountyApprover:
		return "县级审批人"
	case RoleVeteranOfficer:
		return "退役军人事务局经办"
	case RoleSupervisor:
		return "督查"
	case RoleAdmin:
		return "系统管理员"
	case RoleSecurityAdmin:
		return "安全管理员"
	case RoleAuditAdmin:
		return "审计管理员"
	}
	return string(r)
}

// Step is a step code of docs/api.md.
type Step string

// The step codes of docs/api.md.
const (
	StepIntake              Step = "intake"
	StepInvestigation       Step = "investigation"
	StepInfoCheck           Step = "info_check"
	StepTownshipReview      Step = "township_review"
	StepPublicity           Step = "publicity"
	StepObjectionReview     Step = "objection_review"
	StepCountyReview        Step = "county_review"
	StepCountyDecision      Step = "county_decision"
	StepNotice              Step = "notice"
	StepRecheck             Step = "recheck"
	StepTownshipGrant       Step = "township_grant"
	StepPaperwork           Step = "paperwork"
	StepArchiveCheck        Step = "archive_check"
	StepBenefitRegistration Step = "benefit_registration"
)

// Name is the Chinese name of the step.
func (s Step) Name() string {
	switch s {
	case StepIntake:
		return "受理"
	case StepInvestigation:
		return "家庭经济状况调查"
	case StepInfoCheck:
		return "信息核对"
	case StepTownshipReview:
		return "乡镇审核"
	case StepPublicity:
		return "公示"
	case StepObjectionReview:
		return "异议复查"
	case StepCountyReview:
		return "县级审核"
	case StepCountyDecision:
		return "县级审批"
	case StepNotice:
		return "书面告知"
	case StepRecheck:
		return "动态复核"
	case StepTownshipGrant:
		return "乡镇先行救助"
	case StepPaperwork:
		return "补办手续"
	case StepArchiveCheck:
		return "档案核查"
	case StepBenefitRegistration:
		return "待遇落实"
	}
	return string(s)
}

// CaseStatus is where a case stands as a whole.
type CaseStatus string

// The case statuses of docs/api.md.
const (
	StatusInProgress        CaseStatus = "in_progress"
	StatusAwaitingMaterials CaseStatus = "awaiting_materials"
	StatusApproved          CaseStatus = "approved"
	StatusRejected          CaseStatus = "rejected"
	StatusWithdrawn         CaseStatus = "withdrawn"
	StatusStopped           CaseStatus = "stopped"
)

// OrgLevel is the level of an organisation in the tree.
type OrgLevel string

// Organisation levels: county (GB/T 2260, 6 digits), township (GB/T 10114, 9 digits),
// village or community (统计用区划代码, 12 digits).
const (
	LevelCounty   OrgLevel = "county"
	LevelTownship OrgLevel = "township"
	LevelVillage  OrgLevel = "village"
)
