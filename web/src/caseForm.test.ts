import { describe, expect, it } from 'vitest'
import { caseRequest, checkCaseForm, emptyCaseForm } from './caseForm'

const today = new Date(2026, 10, 23)

function filled() {
  const f = emptyCaseForm('530102001')
  f.applicant.name = '张三'
  f.applicant.id_number = '11010519491231002X'
  return f
}

describe('checkCaseForm', () => {
  it('passes a complete form', () => expect(checkCaseForm(filled(), today)).toEqual({}))

  it('requires the name, ID number and township', () => {
    const errs = checkCaseForm(emptyCaseForm(), today)
    expect(errs['applicant.name']).toBe('请填写申请人姓名（2–30 个字）')
    expect(errs['applicant.id_number']).toBe('请填写身份证号码')
    expect(errs.township_code).toBe('请选择乡镇')
  })

  it('rejects a one-character name and a 31-character name', () => {
    const f = filled()
    f.applicant.name = '张'
    expect(checkCaseForm(f, today)['applicant.name']).toContain('2–30')
    f.applicant.name = '张'.repeat(31)
    expect(checkCaseForm(f, today)['applicant.name']).toContain('2–30')
  })

  it('puts the ID check message on the ID field', () => {
    const f = filled()
    f.applicant.id_number = '110105194912310021'
    expect(checkCaseForm(f, today)).toEqual({ 'applicant.id_number': '身份证号码校验位不正确，请核对号码' })
  })

  it('checks the household size and township code', () => {
    const f = filled()
    f.applicant.household_size = 51
    f.township_code = '5301'
    const errs = checkCaseForm(f, today)
    expect(errs['applicant.household_size']).toBe('家庭人口数应在 0–50 之间')
    expect(errs.township_code).toContain('9位数字')
  })

  it('asks for the veteran category', () => {
    const f = filled()
    f.program = 'veteran'
    expect(checkCaseForm(f, today).category).toBe('请选择认定类别')
  })
})

describe('caseRequest', () => {
  it('trims and sends urgent only for linshi', () => {
    const f = filled()
    f.applicant.name = ' 张三 '
    f.urgent = true
    expect(caseRequest(f)).not.toHaveProperty('urgent')
    f.program = 'linshi'
    const body = caseRequest(f) as { urgent: boolean; applicant: { name: string } }
    expect(body.urgent).toBe(true)
    expect(body.applicant.name).toBe('张三')
  })
})
