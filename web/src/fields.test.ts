// The decision's checks and request, built from the served step table alone.
import { describe, expect, it } from 'vitest'
import type { StepView } from './api'
import { served } from './fixture'
import { checkDecision, decisionRequest, emptyDecision, outcomeFields, serverFieldError } from './fields'
import { Programs } from './programs'

const table = new Programs(served())
const step = (code: string, program = 'dibao'): StepView => {
  const s = table.step(program, code)
  if (!s) throw new Error(`${program}.${code} not in the fixture`)
  return s
}
const plain = { spotCheck: false }
const spotChecked = { spotCheck: true }

describe('emptyDecision', () => {
  it('starts on the step\'s first outcome with every field empty', () => {
    expect(emptyDecision(step('intake')).outcome).toBe('complete')
    expect(emptyDecision(step('recheck')).outcome).toBe('continue')
    expect(emptyDecision(step('county_review')).values).toEqual({ home_visit: { visited_at: '', visitors: '' } })
    expect(emptyDecision(step('investigation')).values).toEqual({ household_income_monthly: null, members: null, investigators: '' })
  })
})

describe('checkDecision', () => {
  it('requires reasons where the outcome says so, not otherwise', () => {
    const s = step('county_decision')
    const f = emptyDecision(s)
    f.outcome = 'reject'
    expect(checkDecision(s, f, plain).comment).toBe('「不同意」必须填写理由')
    f.comment = '家庭人均收入高于当地低保标准'
    expect(checkDecision(s, f, plain)).toEqual({})
    f.outcome = 'approve'
    f.comment = ''
    expect(checkDecision(s, f, plain)).toEqual({ amount_monthly: '请填写核定保障金额' })
    f.values.amount_monthly = 0
    expect(checkDecision(s, f, plain)).toEqual({ amount_monthly: '核定保障金额须大于 0 元/月' })
  })

  it('checks the investigation: income, members and at least two investigators', () => {
    const s = step('investigation')
    const f = emptyDecision(s)
    f.values.investigators = '王五'
    expect(checkDecision(s, f, plain)).toEqual({
      household_income_monthly: '请填写家庭月收入',
      members: '请填写家庭人口',
      investigators: '入户调查人员不少于 2 人',
    })
    f.values.household_income_monthly = -1
    f.values.members = 1.5
    expect(checkDecision(s, f, plain).household_income_monthly).toBe('家庭月收入须不小于 0 元')
    expect(checkDecision(s, f, plain).members).toBe('家庭人口须为整数')
    f.values.household_income_monthly = 0
    f.values.members = 3
    f.values.investigators = '王五、赵六'
    expect(checkDecision(s, f, plain)).toEqual({})
  })

  it('asks for a choice of the enum', () => {
    const s = step('info_check')
    const f = emptyDecision(s)
    expect(checkDecision(s, f, plain)).toEqual({ result: '请选择核对结果' })
    f.values.result = 'maybe'
    expect(checkDecision(s, f, plain)).toEqual({ result: '请选择核对结果' })
    f.values.result = 'fail'
    expect(checkDecision(s, f, plain)).toEqual({})
  })

  it('asks for the township amount on 临时救助 and the proposed monthly amount on 低保', () => {
    expect(outcomeFields(step('township_review', 'linshi'), 'approve').map((f) => f.name)).toEqual(['amount'])
    expect(outcomeFields(step('township_review'), 'approve').map((f) => f.name)).toEqual(['proposed_amount_monthly'])
    expect(outcomeFields(step('township_review'), 'reject')).toEqual([])
  })

  it('requires a home visit on a spot-checked county review, and a complete one when any part is given', () => {
    const s = step('county_review')
    const f = emptyDecision(s)
    expect(checkDecision(s, f, spotChecked).home_visit).toBe('本案须入户核查，请填写入户日期和核查人员')
    expect(checkDecision(s, f, plain)).toEqual({})
    f.values.home_visit = { visited_at: '', visitors: '李四' }
    expect(checkDecision(s, f, plain).home_visit).toBe('入户核查：请填写入户日期；核查人员不少于 2 人')
    f.values.home_visit = { visited_at: '2026-11-20', visitors: '李四 钱七' }
    expect(checkDecision(s, f, spotChecked)).toEqual({})
  })

  it('requires every missing item on a return at intake', () => {
    const s = step('intake')
    const f = emptyDecision(s)
    f.outcome = 'return'
    f.comment = '材料不全'
    expect(checkDecision(s, f, plain).missing_items).toBe('请填写需补正材料（每行一项）')
    f.values.missing_items = '户口簿复印件\n\n收入证明'
    expect(checkDecision(s, f, plain)).toEqual({})
  })

  it('takes a delivery method outside the suggestions, not an empty one or a bad date', () => {
    const s = step('notice')
    const f = emptyDecision(s)
    expect(checkDecision(s, f, plain)).toEqual({ delivered_at: '请选择送达日期', method: '请选择或填写送达方式' })
    f.values.delivered_at = '24/11/2026'
    f.values.method = '公告送达'
    expect(checkDecision(s, f, plain)).toEqual({ delivered_at: '送达日期应为 YYYY-MM-DD 格式的日期' })
  })

  it('refuses an outcome the step does not have', () => {
    const s = step('investigation')
    const f = emptyDecision(s)
    f.outcome = 'approve'
    expect(checkDecision(s, f, plain).outcome).toBe('请选择办理结果')
  })
})

describe('decisionRequest', () => {
  it('sends the data of the chosen outcome only, with names and items split', () => {
    const s = step('investigation')
    const f = emptyDecision(s)
    f.values.household_income_monthly = 800
    f.values.members = 3
    f.values.investigators = '王五，赵六'
    expect(decisionRequest(s, f)).toEqual({
      outcome: 'complete',
      comment: '',
      data: { household_income_monthly: 800, members: 3, investigators: ['王五', '赵六'] },
    })
    const intake = step('intake')
    const r = emptyDecision(intake)
    r.outcome = 'return'
    r.comment = ' 材料不全 '
    r.values.missing_items = '户口簿复印件\n收入证明\n'
    expect(decisionRequest(intake, r)).toEqual({
      outcome: 'return',
      comment: '材料不全',
      data: { missing_items: ['户口簿复印件', '收入证明'] },
    })
    r.outcome = 'complete' // the items belong to the return: not sent
    expect(decisionRequest(intake, r)).toEqual({ outcome: 'complete', comment: '材料不全' })
  })

  it('sends an object nested, and leaves out an empty optional one', () => {
    const s = step('county_review')
    const f = emptyDecision(s)
    expect(decisionRequest(s, f)).toEqual({ outcome: 'approve', comment: '' })
    f.values.home_visit = { visited_at: '2026-11-20', visitors: '赵强、钱敏' }
    expect(decisionRequest(s, f)).toEqual({
      outcome: 'approve', comment: '', data: { home_visit: { visited_at: '2026-11-20', visitors: ['赵强', '钱敏'] } },
    })
    const n = step('notice')
    const d = emptyDecision(n)
    d.values.delivered_at = '2026-11-24'
    d.values.method = ' 直接送达 '
    expect(decisionRequest(n, d).data).toEqual({ delivered_at: '2026-11-24', method: '直接送达' })
  })
})

describe('serverFieldError', () => {
  it('puts the server refusal on the step field it names', () => {
    const s = step('investigation')
    expect(serverFieldError(s, 'rule_violation', 'investigators：入户调查人员不少于 2 人')).toEqual({
      field: 'investigators',
      message: '入户调查人员不少于 2 人',
    })
    expect(serverFieldError(s, 'comment_required', '必须填写理由')?.field).toBe('comment')
    expect(serverFieldError(s, 'forbidden', '该任务属于其他单位')).toBeNull()
    expect(serverFieldError(s, 'rule_violation', 'amount：请填写大于 0 的金额（元）')).toBeNull() // not this step's
  })
})
