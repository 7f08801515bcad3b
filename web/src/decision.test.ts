import { describe, expect, it } from 'vitest'
import { checkDecision, decisionFields, decisionRequest, emptyDecision, serverFieldError, stepOutcomes } from './decision'

const dibao = (step: string, spotCheck = false) => ({ step, program: 'dibao', spotCheck })

describe('stepOutcomes', () => {
  it('offers what the server allows and starts on the first', () => {
    expect(stepOutcomes.township_review).toEqual(['approve', 'reject', 'return'])
    expect(emptyDecision('intake').outcome).toBe('complete')
    expect(emptyDecision('recheck').outcome).toBe('continue')
  })
})

describe('checkDecision', () => {
  it('requires reasons for reject and return but not for approve', () => {
    const f = emptyDecision('county_decision')
    f.outcome = 'reject'
    expect(checkDecision(dibao('county_decision'), f).comment).toBe('退回、不同意或停止享受必须填写理由')
    f.comment = '家庭人均收入高于当地低保标准'
    expect(checkDecision(dibao('county_decision'), f)).toEqual({})
    f.outcome = 'approve'
    f.comment = ''
    expect(checkDecision(dibao('county_decision'), f)).toEqual({ amount_monthly: '请填写大于 0 的金额（元）' })
  })

  it('checks the investigation: income, members and at least two investigators', () => {
    const f = emptyDecision('investigation')
    f.investigators = '王五'
    const errs = checkDecision(dibao('investigation'), f)
    expect(Object.keys(errs).sort()).toEqual(['household_income_monthly', 'investigators', 'members'])
    f.household_income_monthly = 0
    f.members = 3
    f.investigators = '王五、赵六'
    expect(checkDecision(dibao('investigation'), f)).toEqual({})
  })

  it('asks for the township amount on 临时救助 and the proposed monthly amount on 低保', () => {
    expect(decisionFields({ step: 'township_review', program: 'linshi', spotCheck: false }, 'approve')).toEqual(['amount'])
    expect(decisionFields(dibao('township_review'), 'approve')).toEqual(['proposed_amount_monthly'])
    expect(decisionFields(dibao('township_review'), 'reject')).toEqual([])
  })

  it('requires a home visit on a spot-checked county review, and a complete one when any part is given', () => {
    const f = emptyDecision('county_review')
    expect(checkDecision(dibao('county_review', true), f).home_visit).toContain('入户')
    expect(checkDecision(dibao('county_review', false), f)).toEqual({})
    f.visitors = '李四'
    expect(checkDecision(dibao('county_review', false), f).home_visit).toContain('入户')
    f.visited_at = '2026-11-20'
    f.visitors = '李四 钱七'
    expect(checkDecision(dibao('county_review', true), f)).toEqual({})
  })

  it('requires every missing item on a return at intake', () => {
    const f = emptyDecision('intake')
    f.outcome = 'return'
    f.comment = '材料不全'
    expect(checkDecision(dibao('intake'), f).missing_items).toBeTruthy()
    f.missing_items = '户口簿复印件\n\n收入证明'
    expect(checkDecision(dibao('intake'), f)).toEqual({})
  })

  it('refuses an outcome the step does not have', () => {
    const f = emptyDecision('investigation')
    f.outcome = 'approve'
    expect(checkDecision(dibao('investigation'), f).outcome).toBe('请选择办理结果')
  })
})

describe('decisionRequest', () => {
  it('sends the data of the chosen outcome only, with names and items split', () => {
    const f = emptyDecision('investigation')
    f.household_income_monthly = 800
    f.members = 3
    f.investigators = '王五，赵六'
    expect(decisionRequest(dibao('investigation'), f)).toEqual({
      outcome: 'complete',
      comment: '',
      data: { household_income_monthly: 800, members: 3, investigators: ['王五', '赵六'] },
    })
    const r = emptyDecision('intake')
    r.outcome = 'return'
    r.comment = ' 材料不全 '
    r.missing_items = '户口簿复印件\n收入证明\n'
    r.amount_monthly = 500 // left over from another outcome: not sent
    expect(decisionRequest(dibao('intake'), r)).toEqual({
      outcome: 'return',
      comment: '材料不全',
      data: { missing_items: ['户口簿复印件', '收入证明'] },
    })
  })

  it('leaves out an empty optional home visit', () => {
    expect(decisionRequest(dibao('county_review'), emptyDecision('county_review'))).toEqual({ outcome: 'approve', comment: '' })
  })
})

describe('serverFieldError', () => {
  it('puts the server refusal on the field it names', () => {
    expect(serverFieldError('rule_violation', 'investigators：入户调查人员不少于 2 人')).toEqual({
      field: 'investigators',
      message: '入户调查人员不少于 2 人',
    })
    expect(serverFieldError('comment_required', '必须填写理由')?.field).toBe('comment')
    expect(serverFieldError('forbidden', '该任务属于其他单位')).toBeNull()
  })
})
