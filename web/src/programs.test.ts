// The page's step look-ups read the served table (programs.fixture.json is GET /programs'
// answer, kept current by a Go test): names, outcomes, fields and the progress bar follow
// it, and a table without a step, outcome or field gives a page without it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from './api'
import source from './api.ts?raw'
import { served } from './fixture'
import { Programs, forgetPrograms, loadPrograms } from './programs'

const table = new Programs(served())

afterEach(() => {
  vi.restoreAllMocks()
  forgetPrograms()
})

describe('Programs', () => {
  it('names programs and steps from the table, falling back to the code', () => {
    expect(table.programName('dibao')).toBe('最低生活保障')
    expect(table.programName('veteran')).toBe('退役军人身份认定') // filed through the form, no table yet
    expect(table.programName('unknown')).toBe('unknown')
    expect(table.programNames()).toEqual({ dibao: '最低生活保障', tekun: '特困人员供养', linshi: '临时救助' })
    expect(table.stepName('dibao', 'investigation')).toBe('家庭经济状况调查')
    expect(table.stepName('veteran', 'intake')).toBe('受理') // the same code in another program
    expect(table.stepName('veteran', 'archive_check')).toBe('archive_check')
  })

  it('lists every step code once, for the case list filter, or one program\'s', () => {
    const all = table.stepNames()
    expect(all.township_grant).toBe('乡镇先行救助')
    expect(all.info_check).toBe('信息核对')
    expect(Object.keys(all)).toHaveLength(new Set(Object.keys(all)).size)
    expect(Object.keys(table.stepNames('linshi'))).not.toContain('info_check')
    expect(Object.keys(table.stepNames('dibao'))).toEqual([
      'intake', 'investigation', 'info_check', 'township_review', 'publicity', 'objection_review',
      'county_review', 'county_decision', 'notice', 'recheck',
    ])
  })

  it('offers a step\'s outcomes with their labels and an outcome\'s fields', () => {
    expect(table.outcomes('dibao', 'township_review').map((o) => o.code)).toEqual(['approve', 'reject', 'return'])
    expect(table.outcomeLabel('dibao', 'objection_review', 'reject')).toBe('异议成立，不予批准')
    expect(table.outcomeLabel('dibao', 'notice', 'complete')).toBe('已送达')
    expect(table.outcomeLabel('dibao', 'notice', 'other')).toBe('other')
    expect(table.fields('linshi', 'township_review', 'approve').map((f) => f.name)).toEqual(['amount'])
    expect(table.fields('dibao', 'township_review', 'approve').map((f) => f.name)).toEqual(['proposed_amount_monthly'])
    expect(table.fields('dibao', 'township_review', 'reject')).toEqual([])
    expect(table.fields('dibao', 'investigation', 'complete').map((f) => f.name)).toEqual([
      'household_income_monthly', 'members', 'investigators',
    ])
  })

  it('draws the bar of each track in table order, parallel steps at their place', () => {
    expect(table.bar('dibao')).toEqual(['intake', 'investigation', 'township_review', 'publicity', 'county_review', 'county_decision'])
    expect(table.bar('linshi')).toEqual(['intake', 'investigation', 'township_review', 'publicity'])
    expect(table.bar('linshi', true)).toEqual(['township_grant', 'paperwork'])
    expect(table.bar('veteran')).toEqual([])
    expect(table.progress('dibao', false, 'in_progress', 'info_check').active).toBe(1)
    expect(table.progress('dibao', false, 'in_progress', 'objection_review').active).toBe(3)
    expect(table.progress('dibao', false, 'approved', '')).toMatchObject({ active: 6, processStatus: 'process' })
    expect(table.progress('tekun', false, 'rejected', 'notice', 'objection_review')).toMatchObject({ active: 3, processStatus: 'error' })
    expect(table.progress('linshi', true, 'in_progress', 'paperwork').active).toBe(1)
    expect(table.progress('dibao', false, 'withdrawn', 'township_review')).toMatchObject({ active: 2, processStatus: 'wait' })
  })

  it('follows a changed table: a step moved off the bar, a new place, a removed outcome', () => {
    const list = served()
    const dibao = list.find((p) => p.program === 'dibao')!
    // 县级审核 leaves the bar, 信息核对 gets a place of its own, 退回 leaves 乡镇审核.
    delete dibao.steps.find((s) => s.code === 'county_review')!.bar
    dibao.steps.find((s) => s.code === 'info_check')!.bar = 'info_check'
    const review = dibao.steps.find((s) => s.code === 'township_review')!
    review.outcomes = review.outcomes.filter((o) => o.code !== 'return')
    const t = new Programs(list)
    expect(t.bar('dibao')).toEqual(['intake', 'investigation', 'info_check', 'township_review', 'publicity', 'county_decision'])
    expect(t.progress('dibao', false, 'in_progress', 'info_check').active).toBe(2)
    expect(t.outcomes('dibao', 'township_review').map((o) => o.code)).toEqual(['approve', 'reject'])
  })
})

describe('loadPrograms', () => {
  it('asks the server once per page session, and again after a failure', async () => {
    const get = vi.spyOn(api, 'programs').mockRejectedValueOnce(new Error('offline')).mockResolvedValue(served())
    await expect(loadPrograms()).rejects.toThrow('offline')
    const [a, b] = await Promise.all([loadPrograms(), loadPrograms()])
    expect(a).toBe(b)
    expect(await loadPrograms()).toBe(a)
    expect(get).toHaveBeenCalledTimes(2)
    expect(a.stepName('tekun', 'county_decision')).toBe('县级审批')
  })
})

describe('the types of GET /programs', () => {
  // The served answer has every key the page's types declare (the fixture is the answer).
  const declared = (name: string): string[] => {
    const m = source.match(new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`))
    if (!m) throw new Error(`interface ${name} not found in api.ts`)
    return [...m[1].matchAll(/^ {2}(\w+)\??:/gm)].map((k) => k[1])
  }
  const list = served()
  const steps = list.flatMap((p) => p.steps)
  const fields = steps.flatMap((s) => s.fields)
  const keys = (xs: object[]) => new Set(xs.flatMap((x) => Object.keys(x)))
  it.each([
    ['ProgramView', keys(list)],
    ['StepView', keys(steps)],
    ['OutcomeView', keys(steps.flatMap((s) => s.outcomes))],
    ['StepField', keys([...fields, ...fields.flatMap((f) => f.fields ?? [])])],
    ['FieldView', keys(fields)],
  ])('%s reads only served keys', (name, served) => {
    for (const k of declared(name)) expect([...served], `${name}.${k}`).toContain(k)
  })
})
