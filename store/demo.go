package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/mzflow/mzflow"
)

// Demo organisation codes: a made-up county 示范县 under Anhui (34), with prefecture 99,
// which no real division uses, so demo data never looks like a real county's.
const (
	DemoCounty   = "349901"
	DemoYunling  = "349901100" // 云岭镇
	DemoHeshan   = "349901101" // 河山镇
	DemoPassword = "demo1234"
)

// DemoUser is one of the demo logins of docs/api.md.
type DemoUser struct {
	Username, Name string
	Role           mzflow.Role
	Org            string
}

// DemoUsers are created by SeedDemo, in this order.
var DemoUsers = []DemoUser{
	{"admin", "系统管理员", mzflow.RoleAdmin, DemoCounty},
	{"clerk_yl", "王芳", mzflow.RoleTownshipClerk, DemoYunling},
	{"head_yl", "李建国", mzflow.RoleTownshipHead, DemoYunling},
	{"clerk_hs", "赵敏", mzflow.RoleTownshipClerk, DemoHeshan},
	{"head_hs", "陈志强", mzflow.RoleTownshipHead, DemoHeshan},
	{"reviewer", "刘洋", mzflow.RoleCountyReviewer, DemoCounty},
	{"approver", "张伟", mzflow.RoleCountyApprover, DemoCounty},
	{"veteran", "孙立军", mzflow.RoleVeteranOfficer, DemoCounty},
	{"supervisor", "周明", mzflow.RoleSupervisor, DemoCounty},
	{"security", "吴静", mzflow.RoleSecurityAdmin, DemoCounty},
	{"auditor", "郑华", mzflow.RoleAuditAdmin, DemoCounty},
}

var demoOrgs = []struct {
	Code, Name, Parent string
	Level              mzflow.OrgLevel
}{
	{DemoCounty, "示范县", "", mzflow.LevelCounty},
	{DemoYunling, "云岭镇", DemoCounty, mzflow.LevelTownship},
	{"349901100001", "云岭社区", DemoYunling, mzflow.LevelVillage},
	{"349901100201", "青松村", DemoYunling, mzflow.LevelVillage},
	{"349901100202", "石桥村", DemoYunling, mzflow.LevelVillage},
	{DemoHeshan, "河山镇", DemoCounty, mzflow.LevelTownship},
	{"349901101001", "河山社区", DemoHeshan, mzflow.LevelVillage},
	{"349901101201", "柳湾村", DemoHeshan, mzflow.LevelVillage},
	{"349901101202", "杏花村", DemoHeshan, mzflow.LevelVillage},
}

// SeedDemo creates the demo county, townships, villages and users of docs/api.md when the
// database has no users yet; otherwise it does nothing, so a restart keeps what is there.
// It runs in one transaction: a crash half-way leaves an empty database that the next
// start seeds again. passwordHash is the hash of DemoPassword.
func (s *Store) SeedDemo(ctx context.Context, passwordHash string, now time.Time) (bool, error) {
	seeded := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		ids := map[string]int64{}
		for _, o := range demoOrgs {
			org := Org{Code: o.Code, Name: o.Name, Level: o.Level, CreatedAt: now.UTC()}
			if o.Parent != "" {
				p := ids[o.Parent]
				org.ParentID = &p
			}
			if err := tx.Create(&org).Error; err != nil {
				return err
			}
			ids[o.Code] = org.ID
		}
		changed := now.UTC()
		for _, d := range DemoUsers {
			// The demo password is an initial one: only mzflow dev lets demo users keep it
			// (api.SignInPolicy.KeepDemoPasswords); mzflow api on this database makes
			// them change it.
			u := User{Username: d.Username, Name: d.Name, PasswordHash: passwordHash, Role: d.Role,
				OrgID: ids[d.Org], Active: true, CreatedAt: now.UTC(), PasswordChangedAt: &changed, MustChangePassword: true}
			if err := tx.Omit("Org").Create(&u).Error; err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, translate(err, "演示数据")
}
