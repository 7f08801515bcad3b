// The decision form mounted as the page mounts it, on the served step table
// (programs.fixture.json): the page's checks stop an incomplete decision before any
// request, a complete one sends the step's data, a server refusal lands on the field it
// names, and a changed table changes the form with no change to the page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import DecisionForm from './DecisionForm.vue'
import { ApiError, api, type CaseView, type ProgramView, type Task } from '../api'
import { served } from '../fixture'
import { forgetPrograms } from '../programs'

const task = { id: 't-1', case_id: 'c-1', program: 'dibao', step: 'investigation', step_name: '家庭经济状况调查', role: 'township_clerk',
  org: { code: '349901100', name: '云岭镇' }, assignee: null, status: 'open', created_at: '', due_at: null, overdue: false,
  escalation_level: 0, applicant_name: '王秀英' } as Task
const caseView = { id: 'c-1', program: 'dibao', spot_check: false, tasks: [task], timeline: [] } as unknown as CaseView

/** Mounts the form of a step (the investigation unless told) once the table has loaded. */
async function mountForm(over: { step?: string; program?: string; spot_check?: boolean; programs?: ProgramView[] } = {}) {
  vi.spyOn(api, 'programs').mockResolvedValue(over.programs ?? served())
  const t = { ...task, step: over.step ?? task.step, program: over.program ?? task.program }
  const cv = { ...caseView, program: t.program, spot_check: over.spot_check ?? false, tasks: [t] } as CaseView
  const w = mount(DecisionForm, { props: { task: t, caseView: cv }, global: { plugins: [ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return w
}
type Wrapper = Awaited<ReturnType<typeof mountForm>>

const step = (list: ProgramView[], program: string, code: string) =>
  list.find((p) => p.program === program)!.steps.find((s) => s.code === code)!
const outcomeLabels = (w: Wrapper) => w.findAll('[data-test="f-outcome"] .el-radio-button').map((b) => b.text())
const fieldNames = (w: Wrapper) =>
  w.findAll('[data-test^="f-"]').map((e) => e.attributes('data-test')!.slice(2)).filter((n) => !['outcome', 'comment'].includes(n) && !n.includes('.'))

async function type(w: Wrapper, field: string, value: string) {
  const input = w.get(`[data-test="f-${field}"] input`)
  await input.setValue(value)
  await input.trigger('change')
  await input.trigger('blur')
}

// Submits and lets the form items take the errors the form set (their watchers run on
// the next render; the message under a field shows after Element Plus's 100 ms debounce).
async function submit(w: Wrapper) {
  await w.get('form').trigger('submit')
  await flushPromises()
  await nextTick()
  await nextTick()
  await new Promise((r) => setTimeout(r, 150))
  await nextTick()
}

beforeEach(() => forgetPrograms())
afterEach(() => vi.restoreAllMocks())

describe('DecisionForm', () => {
  it('shows every missing field and sends nothing', async () => {
    const decide = vi.spyOn(api, 'decide')
    const w = await mountForm()
    await submit(w)
    expect(decide).not.toHaveBeenCalled()
    // Each missing field is marked red (the browser tests read the messages under them).
    for (const f of ['household_income_monthly', 'members', 'investigators'])
      expect(w.get(`[data-test="f-${f}"]`).classes(), f).toContain('is-error')
    expect(w.get('[data-test="f-comment"]').classes()).not.toContain('is-error')
    expect(w.get('[data-test="decision-error"]').text()).toContain('请按提示补全标红的内容')
    w.unmount()
  })

  it('sends the investigation with its data and reports the decided case', async () => {
    const decided = { ...caseView, step: 'township_review' } as CaseView
    const decide = vi.spyOn(api, 'decide').mockResolvedValue(decided)
    const w = await mountForm()
    await type(w, 'household_income_monthly', '620')
    await type(w, 'members', '2')
    await type(w, 'investigators', '李明、张华')
    await submit(w)
    expect(decide).toHaveBeenCalledTimes(1)
    const [id, body, key] = decide.mock.calls[0]
    expect(id).toBe('t-1')
    expect(body).toEqual({ outcome: 'complete', comment: '', data: { household_income_monthly: 620, members: 2, investigators: ['李明', '张华'] } })
    expect(key).toBeTruthy()
    expect(w.emitted('decided')?.[0]).toEqual([decided])
    w.unmount()
  })

  it('puts a server refusal on the field it names', async () => {
    vi.spyOn(api, 'decide').mockRejectedValue(new ApiError(422, 'rule_violation', 'investigators：入户调查人员须为本乡镇工作人员'))
    const w = await mountForm()
    await type(w, 'household_income_monthly', '620')
    await type(w, 'members', '2')
    await type(w, 'investigators', '李明、张华')
    await submit(w)
    expect(w.get('[data-test="f-investigators"]').classes()).toContain('is-error')
    expect(w.get('[data-test="f-members"]').classes()).not.toContain('is-error')
    expect(w.get('[data-test="decision-error"]').text()).toContain('入户调查人员须为本乡镇工作人员')
    w.unmount()
  })

  it('offers the served outcomes with their labels and asks reasons where they are required', async () => {
    const w = await mountForm({ step: 'objection_review' })
    expect(outcomeLabels(w)).toEqual(['异议不成立，继续办理', '异议成立，不予批准'])
    await w.findAll('[data-test="f-outcome"] input')[1].setValue(true)
    await submit(w)
    expect(w.get('[data-test="f-comment"]').text()).toContain('「异议成立，不予批准」必须填写理由')
    w.unmount()
  })

  it('requires the nested home visit on a spot-checked case and sends it as an object', async () => {
    const decide = vi.spyOn(api, 'decide').mockResolvedValue(caseView)
    const w = await mountForm({ step: 'county_review', spot_check: true })
    expect(fieldNames(w)).toEqual(['home_visit'])
    expect(w.get('[data-test="f-home_visit"]').text()).toContain('本案须入户核查')
    await submit(w)
    expect(decide).not.toHaveBeenCalled()
    expect(w.get('[data-test="f-home_visit"]').text()).toContain('本案须入户核查，请填写入户日期和核查人员')
    const visitors = w.get('[data-test="f-home_visit.visitors"] input')
    expect(visitors.attributes('placeholder')).toBe('核查人员，用顿号分隔')
    await visitors.setValue('赵强、钱敏')
    await submit(w)
    expect(w.get('[data-test="f-home_visit"]').text()).toContain('请填写入户日期')
    const date = w.get('[data-test="f-home_visit.visited_at"] input')
    expect(date.attributes('placeholder')).toBe('入户日期')
    await date.setValue('2026-11-20')
    await date.trigger('change')
    await submit(w)
    expect(decide.mock.calls[0][1]).toEqual({
      outcome: 'approve', comment: '', data: { home_visit: { visited_at: '2026-11-20', visitors: ['赵强', '钱敏'] } },
    })
    w.unmount()
  })

  it('follows the table: a field, an outcome and a label changed on the server change the form', async () => {
    const list = served()
    const investigation = step(list, 'dibao', 'investigation')
    investigation.fields = investigation.fields.filter((f) => f.name !== 'investigators')
    investigation.fields.find((f) => f.name === 'members')!.label = '共同生活家庭成员数'
    const review = step(list, 'dibao', 'township_review')
    review.outcomes = review.outcomes.filter((o) => o.code !== 'return')

    const decide = vi.spyOn(api, 'decide').mockResolvedValue(caseView)
    const w = await mountForm({ programs: list })
    expect(fieldNames(w)).toEqual(['household_income_monthly', 'members'])
    expect(w.find('[data-test="f-investigators"]').exists()).toBe(false)
    expect(w.get('[data-test="f-members"]').text()).toContain('共同生活家庭成员数')
    await type(w, 'household_income_monthly', '620')
    await type(w, 'members', '2')
    await submit(w)
    expect(decide.mock.calls[0][1]).toEqual({ outcome: 'complete', comment: '', data: { household_income_monthly: 620, members: 2 } })
    w.unmount()
    forgetPrograms()

    const r = await mountForm({ step: 'township_review', programs: list })
    expect(outcomeLabels(r)).toEqual(['同意', '不同意'])
    r.unmount()
  })

  it('renders a field type by its description: a new enum field on a step becomes a choice that is checked and sent', async () => {
    const list = served()
    step(list, 'dibao', 'investigation').fields.push({
      name: 'housing', label: '住房情况', type: 'enum', required: true, outcomes: ['complete'],
      enum: [{ value: 'own', label: '自有住房' }, { value: 'rent', label: '租住' }],
    })
    const decide = vi.spyOn(api, 'decide').mockResolvedValue(caseView)
    const w = await mountForm({ programs: list })
    await type(w, 'household_income_monthly', '620')
    await type(w, 'members', '2')
    await type(w, 'investigators', '李明、张华')
    await submit(w)
    expect(decide).not.toHaveBeenCalled()
    expect(w.get('[data-test="f-housing"]').classes()).toContain('is-error')
    expect(w.get('[data-test="f-housing"]').text()).toContain('请选择住房情况')
    await w.findAll('[data-test="f-housing"] input')[1].setValue(true)
    await submit(w)
    expect(decide.mock.calls[0][1]).toMatchObject({ data: { housing: 'rent', members: 2 } })
    w.unmount()
  })

  it('says so when the table has no form for the step', async () => {
    const w = await mountForm({ step: 'archive_check', program: 'veteran' })
    expect(w.find('form').exists()).toBe(false)
    expect(w.get('[data-test="decision-error"]').text()).toContain('没有办理表单')
    w.unmount()
  })
})
