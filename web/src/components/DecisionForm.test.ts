// The decision form mounted as the page mounts it: the page's checks stop an incomplete
// decision before any request, a complete one sends the step's data, and a server refusal
// lands on the field it names.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import DecisionForm from './DecisionForm.vue'
import { ApiError, api, type CaseView, type Task } from '../api'

const task = { id: 't-1', case_id: 'c-1', program: 'dibao', step: 'investigation', step_name: '家庭经济状况调查', role: 'township_clerk',
  org: { code: '349901100', name: '云岭镇' }, assignee: null, status: 'open', created_at: '', due_at: null, overdue: false,
  escalation_level: 0, applicant_name: '王秀英' } as Task
const caseView = { id: 'c-1', program: 'dibao', spot_check: false, tasks: [task], timeline: [] } as unknown as CaseView

function mountForm() {
  return mount(DecisionForm, { props: { task, caseView }, global: { plugins: [ElementPlus] }, attachTo: document.body })
}

async function type(w: ReturnType<typeof mountForm>, field: string, value: string) {
  const input = w.get(`[data-test="f-${field}"] input`)
  await input.setValue(value)
  await input.trigger('change')
  await input.trigger('blur')
}

// Submits and lets the form items take the errors the form set (their watchers run on
// the next render).
async function submit(w: ReturnType<typeof mountForm>) {
  await w.get('form').trigger('submit')
  await flushPromises()
  await nextTick()
  await nextTick()
}

afterEach(() => vi.restoreAllMocks())

describe('DecisionForm', () => {
  it('shows every missing field and sends nothing', async () => {
    const decide = vi.spyOn(api, 'decide')
    const w = mountForm()
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
    const w = mountForm()
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
    const w = mountForm()
    await type(w, 'household_income_monthly', '620')
    await type(w, 'members', '2')
    await type(w, 'investigators', '李明、张华')
    await submit(w)
    expect(w.get('[data-test="f-investigators"]').classes()).toContain('is-error')
    expect(w.get('[data-test="f-members"]').classes()).not.toContain('is-error')
    expect(w.get('[data-test="decision-error"]').text()).toContain('入户调查人员须为本乡镇工作人员')
    w.unmount()
  })
})
