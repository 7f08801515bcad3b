// The case page's progress bar and step names come from the served step table: the
// fixture's bar, and after the table changes (a step off the bar, a step removed) a bar
// without them, with no change to the page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import CaseView from './CaseView.vue'
import { api, type CaseView as Case, type ProgramView } from '../api'
import { served } from '../fixture'
import { forgetPrograms } from '../programs'

const theCase = {
  id: 'c-1', workflow_id: 'w-1', program: 'dibao', program_name: '最低生活保障', category: '', status: 'in_progress',
  step: 'township_review', step_name: '乡镇审核',
  applicant: { name: '王秀英', id_number_masked: '110105********0021', phone: '', address: '', household_size: 2 },
  township: { code: '349901100', name: '云岭镇' }, village: '', submitted_at: '2026-11-20T02:00:00Z', due_at: null,
  overdue: false, outcome: '', amount_monthly: null, spot_check: false, tasks: [],
  timeline: [
    { seq: 1, type: 'decided', step: 'intake', actor: { id: 1, name: '李明', role: 'township_clerk' }, at: '2026-11-20T02:00:00Z',
      comment: '', data: { outcome: 'complete' } },
  ],
} as unknown as Case

async function mountCase(programs: ProgramView[]) {
  vi.spyOn(api, 'programs').mockResolvedValue(programs)
  vi.spyOn(api, 'getCase').mockResolvedValue(theCase)
  const w = mount(CaseView, { props: { id: 'c-1' }, global: { plugins: [ElementPlus] } })
  await flushPromises()
  return w
}

const titles = (w: Awaited<ReturnType<typeof mountCase>>) => w.findAll('[data-test="progress"] .el-step__title').map((t) => t.text())

beforeEach(() => forgetPrograms())
afterEach(() => vi.restoreAllMocks())

describe('CaseView', () => {
  it('draws the served bar with the current step under way and names outcomes as the table does', async () => {
    const w = await mountCase(served())
    expect(titles(w)).toEqual(['受理', '家庭经济状况调查', '乡镇审核', '公示', '县级审核', '县级审批'])
    expect(w.get('[data-test="progress"] .el-step__title.is-process').text()).toBe('乡镇审核')
    expect(w.get('[data-test="timeline"]').text()).toContain('受理 · 受理') // intake's complete is labelled 受理
    w.unmount()
  })

  it('follows a changed table: a step off the bar and a removed step are no longer drawn', async () => {
    const list = served()
    const dibao = list.find((p) => p.program === 'dibao')!
    delete dibao.steps.find((s) => s.code === 'county_review')!.bar
    // Without publicity (and the objection review that sits at its place).
    dibao.steps = dibao.steps.filter((s) => s.code !== 'publicity' && s.code !== 'objection_review')
    dibao.steps.find((s) => s.code === 'intake')!.outcomes[0].label = '予以受理'
    const w = await mountCase(list)
    expect(titles(w)).toEqual(['受理', '家庭经济状况调查', '乡镇审核', '县级审批'])
    expect(w.get('[data-test="progress"] .el-step__title.is-process').text()).toBe('乡镇审核')
    expect(w.get('[data-test="timeline"]').text()).toContain('予以受理')
    w.unmount()
  })
})
