package workflows

import (
	"strings"

	"github.com/mzflow/mzflow"
)

// AssistanceSteps is the step table of Assistance (低保, 特困, 临时救助), in process order
// (docs/domain.md §1–2, docs/api.md's step table). Limits are in the rules
// (rules/defaults.go); the flow between steps is in assistance.go.
var AssistanceSteps = Table{
	{Code: mzflow.StepTownshipGrant, Name: "乡镇先行救助", Role: mzflow.RoleTownshipHead, Programs: linshiOnly,
		Bar: mzflow.StepTownshipGrant, Track: TrackUrgent, Outcomes: []OutcomeDef{
			{Code: OutcomeApprove, Label: "同意", Data: func() StepData { return &AmountData{} }},
			{Code: OutcomeReject, Label: "不同意", ReasonRequired: true},
		}},
	{Code: mzflow.StepPaperwork, Name: "补办手续", Role: mzflow.RoleTownshipClerk, Programs: linshiOnly,
		Bar: mzflow.StepPaperwork, Track: TrackUrgent, Outcomes: []OutcomeDef{
			{Code: OutcomeComplete, Label: "办结"},
		}},
	{Code: mzflow.StepIntake, Name: "受理", Role: mzflow.RoleTownshipClerk, Bar: mzflow.StepIntake, Outcomes: []OutcomeDef{
		{Code: OutcomeComplete, Label: "受理"},
		{Code: OutcomeReturn, Label: "一次性告知补正", ReasonRequired: true, Data: func() StepData { return &MissingItemsData{} }},
	}},
	{Code: mzflow.StepInvestigation, Name: "家庭经济状况调查", Role: mzflow.RoleTownshipClerk, Bar: mzflow.StepInvestigation,
		Outcomes: []OutcomeDef{
			{Code: OutcomeComplete, Label: "办结", Data: func() StepData { return &InvestigationData{} }},
		}},
	{Code: mzflow.StepInfoCheck, Name: "信息核对", Role: mzflow.RoleCountyReviewer, Programs: dibaoTekun,
		Bar: mzflow.StepInvestigation, Outcomes: []OutcomeDef{
			{Code: OutcomeComplete, Label: "办结", Data: func() StepData { return &InfoCheckData{} }},
		}},
	{Code: mzflow.StepTownshipReview, Name: "乡镇审核", Role: mzflow.RoleTownshipHead, Programs: dibaoTekun,
		Bar: mzflow.StepTownshipReview, Outcomes: []OutcomeDef{
			{Code: OutcomeApprove, Label: "同意", Data: func() StepData { return &ProposedAmountData{} }},
			{Code: OutcomeReject, Label: "不同意", ReasonRequired: true},
			{Code: OutcomeReturn, Label: "退回", ReasonRequired: true},
		}},
	{Code: mzflow.StepTownshipReview, Name: "乡镇审核", Role: mzflow.RoleTownshipHead, Programs: linshiOnly,
		Bar: mzflow.StepTownshipReview, Outcomes: []OutcomeDef{
			{Code: OutcomeApprove, Label: "同意", Data: func() StepData { return &AmountData{} }},
			{Code: OutcomeReject, Label: "不同意", ReasonRequired: true},
			{Code: OutcomeReturn, Label: "退回", ReasonRequired: true},
		}},
	{Code: mzflow.StepPublicity, Name: "公示", Bar: mzflow.StepPublicity}, // a timer, not a task
	{Code: mzflow.StepObjectionReview, Name: "异议复查", Role: mzflow.RoleTownshipHead, Bar: mzflow.StepPublicity, Outcomes: []OutcomeDef{
		{Code: OutcomeApprove, Label: "异议不成立，继续办理"},
		{Code: OutcomeReject, Label: "异议成立，不予批准", ReasonRequired: true},
	}},
	{Code: mzflow.StepCountyReview, Name: "县级审核", Role: mzflow.RoleCountyReviewer, Programs: dibaoTekun,
		Bar: mzflow.StepCountyReview, Outcomes: countyReviewOutcomes},
	// 临时救助 reaches the county only above the township's cap, which the progress bar
	// cannot know, so its county steps stay off the bar.
	{Code: mzflow.StepCountyReview, Name: "县级审核", Role: mzflow.RoleCountyReviewer, Programs: linshiOnly,
		Outcomes: countyReviewOutcomes},
	{Code: mzflow.StepCountyDecision, Name: "县级审批", Role: mzflow.RoleCountyApprover, Programs: dibaoTekun,
		Bar: mzflow.StepCountyDecision, Outcomes: []OutcomeDef{
			{Code: OutcomeApprove, Label: "同意", Data: func() StepData { return &AmountMonthlyData{} }},
			{Code: OutcomeReject, Label: "不同意", ReasonRequired: true},
			{Code: OutcomeReturn, Label: "退回", ReasonRequired: true},
		}},
	// 临时救助's county approves the amount the township proposed.
	{Code: mzflow.StepCountyDecision, Name: "县级审批", Role: mzflow.RoleCountyApprover, Programs: linshiOnly,
		Outcomes: []OutcomeDef{
			{Code: OutcomeApprove, Label: "同意"},
			{Code: OutcomeReject, Label: "不同意", ReasonRequired: true},
			{Code: OutcomeReturn, Label: "退回", ReasonRequired: true},
		}},
	{Code: mzflow.StepNotice, Name: "书面告知", Role: mzflow.RoleTownshipClerk, Outcomes: []OutcomeDef{
		{Code: OutcomeComplete, Label: "已送达", Data: func() StepData { return &NoticeData{} }},
	}},
	{Code: mzflow.StepRecheck, Name: "动态复核", Role: mzflow.RoleTownshipClerk, Programs: dibaoTekun, Outcomes: []OutcomeDef{
		{Code: OutcomeContinue, Label: "继续享受"},
		{Code: OutcomeAdjust, Label: "调整金额", Data: func() StepData { return &AmountMonthlyData{} }},
		{Code: OutcomeStop, Label: "停止享受", ReasonRequired: true},
	}},
}

// TrackUrgent is the progress bar of an urgent 临时救助 case (先行救助, then paperwork).
const TrackUrgent = "urgent"

var countyReviewOutcomes = []OutcomeDef{
	{Code: OutcomeApprove, Label: "同意", Data: func() StepData { return &HomeVisitData{} }},
	{Code: OutcomeReject, Label: "不同意", ReasonRequired: true},
	{Code: OutcomeReturn, Label: "退回", ReasonRequired: true},
}

var (
	linshiOnly = []mzflow.Program{mzflow.Linshi}
	dibaoTekun = []mzflow.Program{mzflow.Dibao, mzflow.Tekun}
)

// The decision data of the assistance steps (docs/api.md's step table).
type (
	// MissingItemsData is the one-time notice of every missing item (一次性告知).
	MissingItemsData struct {
		MissingItems []string `json:"missing_items" label:"需补正材料" type:"lines" required:"true"`
	}
	// InvestigationData is the household's finances as the investigators found them.
	InvestigationData struct {
		HouseholdIncome *float64 `json:"household_income_monthly" label:"家庭月收入" type:"number" unit:"元" min:"0" required:"true"`
		Members         *int     `json:"members" label:"家庭人口" type:"integer" unit:"人" min:"1" required:"true"`
		Investigators   []string `json:"investigators" label:"入户调查人员" type:"names" min:"2" required:"true"`
	}
	// InfoCheckData is the county's information check (信息核对) result.
	InfoCheckData struct {
		Result string `json:"result" label:"核对结果" type:"enum" enum:"pass:通过（收入、财产符合条件）,fail:未通过" required:"true"`
	}
	// ProposedAmountData is the township's proposed monthly amount (低保, 特困).
	ProposedAmountData struct {
		ProposedAmountMonthly *float64 `json:"proposed_amount_monthly" label:"拟保障金额" type:"number" unit:"元/月" min:">0" required:"true"`
	}
	// AmountData is a one-off 临时救助 amount.
	AmountData struct {
		Amount *float64 `json:"amount" label:"救助金额" type:"number" unit:"元" min:">0" required:"true"`
	}
	// AmountMonthlyData is the monthly amount decided or adjusted.
	AmountMonthlyData struct {
		AmountMonthly *float64 `json:"amount_monthly" label:"核定保障金额" type:"number" unit:"元/月" min:">0" required:"true"`
	}
	// HomeVisitData is the county's home visit, required on a spot-checked case.
	HomeVisitData struct {
		HomeVisit *HomeVisit `json:"home_visit" label:"入户核查" type:"object" required:"home_visit"`
	}
	HomeVisit struct {
		VisitedAt string   `json:"visited_at" label:"入户日期" type:"date" required:"true"`
		Visitors  []string `json:"visitors" label:"核查人员" type:"names" min:"2" required:"true"`
	}
	// NoticeData is how the written notice (书面告知) reached the applicant.
	NoticeData struct {
		DeliveredAt string `json:"delivered_at" label:"送达日期" type:"date" required:"true"`
		Method      string `json:"method" label:"送达方式" type:"text" suggest:"直接送达,邮寄送达,留置送达,委托送达" required:"true"`
	}
)

// The lengths of the texts in step data, in characters: a name fits the 64-character
// columns names go to, an item or a method a line of the notice.
const (
	maxNameLen   = 30
	maxNames     = 20
	maxItemLen   = 100
	maxItems     = 50
	maxMethodLen = 32
)

func (d *MissingItemsData) Validate(Facts) *FieldError {
	if len(nonEmpty(d.MissingItems)) == 0 {
		return &FieldError{"missing_items", "请一次性列明需补正的全部材料"}
	}
	return lines(d.MissingItems, "missing_items", "需补正材料", maxItems, maxItemLen)
}

func (d *InvestigationData) Validate(f Facts) *FieldError {
	if d.HouseholdIncome == nil || *d.HouseholdIncome < 0 {
		return &FieldError{"household_income_monthly", "请填写家庭月收入（元）"}
	}
	if fe := atMost(*d.HouseholdIncome, f.Bounds.IncomeMonthly, "household_income_monthly", "家庭月收入"); fe != nil {
		return fe
	}
	if d.Members == nil || *d.Members < 1 {
		return &FieldError{"members", "请填写家庭人口数"}
	}
	if m := f.Bounds.Members; m > 0 && *d.Members > m {
		return &FieldError{"members", sprintf("家庭人口不能超过 %d 人（规则上限）", m)}
	}
	return names(d.Investigators, "investigators", "入户调查人员", 2)
}

func (d *InfoCheckData) Validate(Facts) *FieldError {
	if d.Result != "pass" && d.Result != "fail" {
		return &FieldError{"result", "请选择核对结果（pass 或 fail）"}
	}
	return nil
}

func (d *ProposedAmountData) Validate(f Facts) *FieldError {
	return amount(d.ProposedAmountMonthly, f.Bounds.AmountMonthly, "proposed_amount_monthly", "拟保障金额")
}

func (d *AmountData) Validate(f Facts) *FieldError {
	return amount(d.Amount, f.Bounds.Amount, "amount", "救助金额")
}

func (d *AmountMonthlyData) Validate(f Facts) *FieldError {
	return amount(d.AmountMonthly, f.Bounds.AmountMonthly, "amount_monthly", "核定保障金额")
}

// Validate: a home visit is required on some cases; when one is sent it is checked
// whether required or not, since it is recorded either way.
func (d *HomeVisitData) Validate(f Facts) *FieldError {
	if d.HomeVisit == nil {
		if f.HomeVisit {
			return &FieldError{"home_visit", "本案须入户核查，请填写入户时间和核查人员"}
		}
		return nil
	}
	if d.HomeVisit.VisitedAt == "" && len(nonEmpty(d.HomeVisit.Visitors)) == 0 && !f.HomeVisit {
		return nil
	}
	if d.HomeVisit.VisitedAt == "" || len(nonEmpty(d.HomeVisit.Visitors)) == 0 {
		return &FieldError{"home_visit", "本案须入户核查，请填写入户时间和核查人员"}
	}
	if !isDate(d.HomeVisit.VisitedAt) {
		return &FieldError{"home_visit", "入户日期应为 YYYY-MM-DD"}
	}
	if fe := names(d.HomeVisit.Visitors, "home_visit", "核查人员", 2); fe != nil {
		return fe
	}
	return nil
}

func (d *NoticeData) Validate(Facts) *FieldError {
	if d.DeliveredAt == "" || strings.TrimSpace(d.Method) == "" {
		return &FieldError{"delivered_at", "请填写送达时间和送达方式"}
	}
	if !isDate(d.DeliveredAt) {
		return &FieldError{"delivered_at", "送达日期应为 YYYY-MM-DD"}
	}
	if why := mzflow.CheckLine(d.Method); why != "" {
		return &FieldError{"method", "送达方式" + why}
	}
	if len([]rune(d.Method)) > maxMethodLen {
		return &FieldError{"method", sprintf("送达方式不能超过 %d 个字", maxMethodLen)}
	}
	return nil
}
