package rules

import "github.com/mzflow/mzflow"

func wd(n int) mzflow.Limit    { return mzflow.Limit{N: n, Unit: mzflow.WorkingDays} }
func days(n int) mzflow.Limit  { return mzflow.Limit{N: n, Unit: mzflow.CalendarDays} }
func hours(n int) mzflow.Limit { return mzflow.Limit{N: n, Unit: mzflow.Hours} }

// Defaults returns the national defaults of docs/domain.md, a new value on every call so the
// caller may change it. Each number cites its source key in docs/domain.md's list; where no
// text sets a number, the comment says it is the product's default. Counties change
// these through a rules file (Parse) or the administration page, never here.
func Defaults() *Rules {
	return &Rules{Programs: map[mzflow.Program]*Program{
		mzflow.Dibao:   dibao(),
		mzflow.Tekun:   tekun(),
		mzflow.Linshi:  linshi(),
		mzflow.Veteran: veteran(),
	}, Security: defaultSecurity()}
}

// withCommon fills what every program shares. No national text sets reminders or
// escalation: the work plans of docs/domain.md §0 ask for a named owner per township and
// accountability when late (一级抓一级, 责任追究制), so the township head hears first and
// the supervisor (督查) next, with a reminder one working day before the deadline.
func withCommon(p *Program) *Program {
	p.Name = p.Program.Name()
	p.RemindBefore = wd(1)                                                       // product default (§0)
	p.Escalation = []mzflow.Role{mzflow.RoleTownshipHead, mzflow.RoleSupervisor} // §0 responsibility chain
	p.EscalateEvery = wd(2)                                                      // product default (§0)
	// Sanity bounds, the product's defaults (no text sets them): the largest households
	// registered are well under 20 people; a monthly income, amount or one-off grant
	// beyond these is a typing error or an attack, never a case.
	p.MaxHouseholdSize = 20
	p.MaxIncomeMonthly = 100000
	p.MaxAmountMonthly = 20000
	p.MaxAmount = 100000
	return p
}

// dibao is 最低生活保障 under 民发〔2021〕57号 (docs/domain.md §1).
func dibao() *Program {
	return withCommon(&Program{
		Program:        mzflow.Dibao,
		OverallLimit:   wd(30), // [R1 Art 22] ≤30 WD from acceptance
		ExtendedLimit:  wd(45), // [R1 Art 22] extendable to 45 WD
		CountPublicity: false,  // [R1 Art 22] is silent; [L7][L9] exclude publicity (不含公示时间)
		SpotCheckRate:  0.3,    // [R2 Art 26] ≥30% (the 2021 text sets no %); §0 county spot-check 30%
		RecheckMonths: map[string]int{
			"stable":   12, // [R1 Art 31] stable households yearly
			"unstable": 6,  // [R1 Art 31] unstable income, able-bodied members: every 6 months
		},
		Steps: map[mzflow.Step]Step{
			mzflow.StepIntake:          {wd(3)},   // [R1 Art 10] sets no days; 3 WD as [R1 Art 15] (investigation starts ≤3 WD after acceptance)
			mzflow.StepInvestigation:   {wd(10)},  // [R2 Art 18] ≤10 WD (the 2021 text sets no duration)
			mzflow.StepInfoCheck:       {wd(3)},   // [R1 Art 17] ≤3 WD after the township's request
			mzflow.StepTownshipReview:  {wd(5)},   // product default; [R2 Art 21–22] gave the township 5 WD for appraisal
			mzflow.StepPublicity:       {days(7)}, // [R1 Art 19] 7 days
			mzflow.StepObjectionReview: {wd(10)},  // product default: [R1 Art 19] sets no days ([R2 Art 29] allowed 20 WD)
			mzflow.StepCountyReview:    {wd(10)},  // [R1 Art 20] ≤10 WD after receiving the file
			mzflow.StepCountyDecision:  {wd(3)},   // [R2 Art 29] decision ≤3 WD after publicity
			mzflow.StepNotice:          {wd(3)},   // [R1 Art 21] written reasons via the township ≤3 WD
			mzflow.StepRecheck:         {wd(10)},  // product default, as [R3 Art 21–23] re-assessment ≤10 WD
		},
	})
}

// tekun is 特困人员认定 under the 2021 办法 (docs/domain.md §2.1).
func tekun() *Program {
	return withCommon(&Program{
		Program:        mzflow.Tekun,
		OverallLimit:   wd(45), // product default: [R3] sets no overall limit; Art 13 + 16 + 18 (15 + 15 + 3 WD) plus intake, review and publicity
		ExtendedLimit:  wd(60), // product default: room for an objection's re-investigation ([R3 Art 15], 15 WD)
		CountPublicity: false,  // as dibao: [L7][L9] exclude publicity
		SpotCheckRate:  0.3,    // [R3 Art 16] random spot-check ≥30%
		RecheckMonths: map[string]int{
			"stable":   12, // [R3] sets no cycle; as dibao [R1 Art 31]
			"unstable": 6,  // as dibao [R1 Art 31]
		},
		Steps: map[mzflow.Step]Step{
			mzflow.StepIntake:          {wd(3)},   // as dibao ([R1 Art 15])
			mzflow.StepInvestigation:   {wd(15)},  // [R3 Art 13–14] investigation and opinion ≤15 WD
			mzflow.StepInfoCheck:       {wd(3)},   // as dibao [R1 Art 17]
			mzflow.StepTownshipReview:  {wd(5)},   // product default, as dibao
			mzflow.StepPublicity:       {days(7)}, // [R3 Art 15] 7 days
			mzflow.StepObjectionReview: {wd(15)},  // [R3 Art 15] new opinion ≤15 WD
			mzflow.StepCountyReview:    {wd(15)},  // [R3 Art 16] opinion ≤15 WD
			mzflow.StepCountyDecision:  {wd(3)},   // [L11] confirm ≤3 WD; [R2 Art 29]
			mzflow.StepNotice:          {wd(3)},   // [R3 Art 18] written reasons ≤3 WD
			mzflow.StepRecheck:         {wd(10)},  // [R3 Art 21–23] re-assess ≤10 WD after a change report
		},
	})
}

// linshi is 临时救助 (docs/domain.md §2.2). No national day limits exist [R5 §二]; the numbers
// follow the local rules quoted there.
func linshi() *Program {
	return withCommon(&Program{
		Program:        mzflow.Linshi,
		OverallLimit:   wd(15), // [L12b] 1 + 9 + 5 = 15 WD; [L13] ≤15 WD
		ExtendedLimit:  wd(20), // product default, as Jianshan's 15 → 20 WD [L12]
		CountPublicity: false,  // as dibao: [L7][L9] exclude publicity
		SpotCheckRate:  0,      // [R5 §二] sets no spot-check
		TownshipCap:    2000,   // [L14] township approves ≤2,000 yuan alone; [R5 §二(二)] delegated caps
		Steps: map[mzflow.Step]Step{
			mzflow.StepTownshipGrant:  {hours(24)}, // [L14] 先行救助 within 24 h; [R5 §二]
			mzflow.StepPaperwork:      {wd(5)},     // [L14] paperwork within 5 WD
			mzflow.StepIntake:         {wd(1)},     // [L12b] 1 WD
			mzflow.StepInvestigation:  {wd(9)},     // [L12b] 9 WD
			mzflow.StepTownshipReview: {wd(3)},     // [L14] township-approved cases ≤3 WD
			mzflow.StepPublicity:      {wd(5)},     // [L12b] publicity 5 WD
			mzflow.StepCountyReview:   {wd(5)},     // [L12b] 5 WD
			mzflow.StepCountyDecision: {wd(3)},     // product default, as dibao [R2 Art 29]
			mzflow.StepNotice:         {wd(3)},     // as dibao [R1 Art 21]
		},
	})
}

// veteran is 退役军人身份认定 (docs/domain.md §3). No national procedural text was found, so
// most limits are the product's defaults for the common local chain [V1][V6a].
func veteran() *Program {
	return withCommon(&Program{
		Program:        mzflow.Veteran,
		OverallLimit:   wd(60), // product default: no national limit (§3); the archive check dominates
		ExtendedLimit:  wd(90), // product default
		CountPublicity: false,  // as the assistance programs [L7][L9]
		SpotCheckRate:  0,      // the archive check replaces a spot-check [V1]
		Steps: map[mzflow.Step]Step{
			mzflow.StepIntake:              {wd(3)},   // product default, as dibao
			mzflow.StepTownshipReview:      {wd(10)},  // product default
			mzflow.StepArchiveCheck:        {wd(20)},  // product default: the township pulls the original file [V1]
			mzflow.StepCountyReview:        {wd(15)},  // product default
			mzflow.StepPublicity:           {days(7)}, // [V4][V6a] 7 days (Anhui 带病回乡: 15 days [V3])
			mzflow.StepCountyDecision:      {wd(10)},  // product default
			mzflow.StepBenefitRegistration: {wd(10)},  // product default
			mzflow.StepNotice:              {wd(3)},   // as dibao [R1 Art 21]
		},
	})
}
