// The decision form of a task: which outcomes a step allows and which data each carries,
// mirroring the server's validateDecide and checkData (workflows/decide.go, docs/api.md's step
// table). The page checks first so a clerk sees every missing field at once; the server
// checks again and its answer is shown on the field it names.

export interface DecisionForm {
  outcome: string
  comment: string
  missing_items: string // one item per line
  household_income_monthly: number | null
  members: number | null
  investigators: string // names separated by 、 , or spaces
  result: string
  proposed_amount_monthly: number | null
  amount_monthly: number | null
  amount: number | null
  visited_at: string // YYYY-MM-DD
  visitors: string
  delivered_at: string // YYYY-MM-DD
  method: string
}

/** The outcomes each step allows, in the order the form offers them (workflows/decide.go). */
export const stepOutcomes: Record<string, string[]> = {
  intake: ['complete', 'return'],
  investigation: ['complete'],
  info_check: ['complete'],
  township_review: ['approve', 'reject', 'return'],
  objection_review: ['approve', 'reject'],
  county_review: ['approve', 'reject', 'return'],
  county_decision: ['approve', 'reject', 'return'],
  notice: ['complete'],
  recheck: ['continue', 'adjust', 'stop'],
  township_grant: ['approve', 'reject'],
  paperwork: ['complete'],
}

/** What an outcome is called on a given step's form. */
export function outcomeLabel(step: string, outcome: string): string {
  if (step === 'intake' && outcome === 'complete') return '受理'
  if (step === 'intake' && outcome === 'return') return '一次性告知补正'
  if (step === 'objection_review') return outcome === 'approve' ? '异议不成立，继续办理' : '异议成立，不予批准'
  if (step === 'notice') return '已送达'
  const names: Record<string, string> = {
    approve: '同意', reject: '不同意', return: '退回', complete: '办结',
    continue: '继续享受', adjust: '调整金额', stop: '停止享受',
  }
  return names[outcome] ?? outcome
}

/** Outcomes that must carry reasons (the server answers 422 comment_required without them). */
export const needsReason = (outcome: string): boolean => outcome === 'reject' || outcome === 'return' || outcome === 'stop'

export function emptyDecision(step: string): DecisionForm {
  return {
    outcome: stepOutcomes[step]?.[0] ?? 'complete',
    comment: '',
    missing_items: '',
    household_income_monthly: null,
    members: null,
    investigators: '',
    result: '',
    proposed_amount_monthly: null,
    amount_monthly: null,
    amount: null,
    visited_at: '',
    visitors: '',
    delivered_at: '',
    method: '',
  }
}

/** The case facts a form depends on. */
export interface DecisionContext {
  step: string
  program: string
  spotCheck: boolean // county review must record a home visit
}

export type DecisionField =
  | 'missing_items' | 'household_income_monthly' | 'members' | 'investigators' | 'result'
  | 'proposed_amount_monthly' | 'amount_monthly' | 'amount' | 'home_visit' | 'delivered_at' | 'method'

/** The data fields the form shows for an outcome, in display order. */
export function decisionFields(ctx: DecisionContext, outcome: string): DecisionField[] {
  const { step, program } = ctx
  if (step === 'intake' && outcome === 'return') return ['missing_items']
  if (step === 'investigation') return ['household_income_monthly', 'members', 'investigators']
  if (step === 'info_check') return ['result']
  if (step === 'township_review' && outcome === 'approve') return [program === 'linshi' ? 'amount' : 'proposed_amount_monthly']
  if (step === 'township_grant' && outcome === 'approve') return ['amount']
  // A home visit may always be recorded on a county review; it is required on a spot-checked case.
  if (step === 'county_review' && outcome === 'approve') return ['home_visit']
  if (step === 'county_decision' && outcome === 'approve' && program !== 'linshi') return ['amount_monthly']
  if (step === 'recheck' && outcome === 'adjust') return ['amount_monthly']
  if (step === 'notice') return ['delivered_at', 'method']
  return []
}

export const splitNames = (s: string): string[] =>
  s.split(/[、,，;；\s]+/).map((x) => x.trim()).filter(Boolean)

const splitLines = (s: string): string[] => s.split(/\n+/).map((x) => x.trim()).filter(Boolean)

const positive = (v: number | null): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0

/** Field → Chinese message; empty when the decision may be sent. */
export function checkDecision(ctx: DecisionContext, f: DecisionForm): Record<string, string> {
  const errs: Record<string, string> = {}
  const allowed = stepOutcomes[ctx.step] ?? ['complete']
  if (!allowed.includes(f.outcome)) errs.outcome = '请选择办理结果'
  if (needsReason(f.outcome) && !f.comment.trim()) errs.comment = '退回、不同意或停止享受必须填写理由'
  for (const field of decisionFields(ctx, f.outcome)) {
    switch (field) {
      case 'missing_items':
        if (splitLines(f.missing_items).length === 0) errs.missing_items = '请一次性列明需补正的全部材料（每行一项）'
        break
      case 'household_income_monthly':
        if (typeof f.household_income_monthly !== 'number' || f.household_income_monthly < 0)
          errs.household_income_monthly = '请填写家庭月收入（元）'
        break
      case 'members':
        if (!Number.isInteger(f.members) || (f.members ?? 0) < 1) errs.members = '请填写家庭人口数'
        break
      case 'investigators':
        if (splitNames(f.investigators).length < 2) errs.investigators = '入户调查人员不少于 2 人'
        break
      case 'result':
        if (f.result !== 'pass' && f.result !== 'fail') errs.result = '请选择核对结果'
        break
      case 'proposed_amount_monthly':
      case 'amount_monthly':
      case 'amount':
        if (!positive(f[field])) errs[field] = '请填写大于 0 的金额（元）'
        break
      case 'home_visit': {
        const some = f.visited_at || splitNames(f.visitors).length > 0
        if ((ctx.spotCheck || some) && (!f.visited_at || splitNames(f.visitors).length === 0))
          errs.home_visit = '本案须入户核查，请填写入户日期和核查人员'
        break
      }
      case 'delivered_at':
        if (!f.delivered_at) errs.delivered_at = '请填写送达日期'
        break
      case 'method':
        if (!f.method.trim()) errs.method = '请选择送达方式'
        break
    }
  }
  return errs
}

/** The body of POST /tasks/{id}/decide. */
export function decisionRequest(ctx: DecisionContext, f: DecisionForm): { outcome: string; comment: string; data?: Record<string, unknown> } {
  const data: Record<string, unknown> = {}
  for (const field of decisionFields(ctx, f.outcome)) {
    switch (field) {
      case 'missing_items':
        data.missing_items = splitLines(f.missing_items)
        break
      case 'investigators':
        data.investigators = splitNames(f.investigators)
        break
      case 'home_visit':
        if (f.visited_at) data.home_visit = { visited_at: f.visited_at, visitors: splitNames(f.visitors) }
        break
      case 'method':
        data.method = f.method.trim()
        break
      default:
        data[field] = f[field]
    }
  }
  const body: { outcome: string; comment: string; data?: Record<string, unknown> } = { outcome: f.outcome, comment: f.comment.trim() }
  if (Object.keys(data).length) body.data = data
  return body
}

const serverFields = new Set<string>([
  'missing_items', 'household_income_monthly', 'members', 'investigators', 'result', 'proposed_amount_monthly',
  'amount_monthly', 'amount', 'home_visit', 'delivered_at', 'method',
])

/**
 * The field a server refusal concerns: step-data refusals read "field：message"
 * (workflows/decide.go invalid()), a missing reason is comment_required.
 */
export function serverFieldError(code: string, message: string): { field: string; message: string } | null {
  if (code === 'comment_required') return { field: 'comment', message }
  const i = message.indexOf('：')
  if (i > 0 && serverFields.has(message.slice(0, i))) return { field: message.slice(0, i), message: message.slice(i + 1) }
  return null
}
