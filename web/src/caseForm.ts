// The new-application form's model and its client-side checks, mirroring the server's
// validateCreate in api/cases.go: a program, a township, a name of 2–30 characters, a
// valid ID number and a household size within 0–50. The server checks again.
import { validateIdNumber } from './idnumber'

export interface CaseForm {
  program: string
  township_code: string
  village: string
  urgent: boolean
  category: string
  household_category: string
  related_to_staff: boolean
  applicant: {
    name: string
    id_number: string
    phone: string
    address: string
    household_size: number
  }
}

export function emptyCaseForm(townshipCode = ''): CaseForm {
  return {
    program: 'dibao',
    township_code: townshipCode,
    village: '',
    urgent: false,
    category: '',
    household_category: 'stable',
    related_to_staff: false,
    applicant: { name: '', id_number: '', phone: '', address: '', household_size: 1 },
  }
}

/** Field path (as the server's details keys) → Chinese message; empty when the form is fine. */
export function checkCaseForm(f: CaseForm, today: Date = new Date()): Record<string, string> {
  const errs: Record<string, string> = {}
  if (!['dibao', 'tekun', 'linshi', 'veteran'].includes(f.program)) errs.program = '请选择救助项目'
  if (f.program === 'veteran' && !f.category) errs.category = '请选择认定类别'
  if (!f.township_code.trim()) errs.township_code = '请选择乡镇'
  else if (!/^[0-9]{9}$/.test(f.township_code.trim())) errs.township_code = '乡镇代码应为9位数字（GB/T 10114）'
  const n = [...f.applicant.name.trim()].length
  if (n < 2 || n > 30) errs['applicant.name'] = '请填写申请人姓名（2–30 个字）'
  if (!f.applicant.id_number.trim()) errs['applicant.id_number'] = '请填写身份证号码'
  else {
    const r = validateIdNumber(f.applicant.id_number, today)
    if (!r.ok) errs['applicant.id_number'] = r.message
  }
  const hs = f.applicant.household_size
  if (!Number.isInteger(hs) || hs < 0 || hs > 50) errs['applicant.household_size'] = '家庭人口数应在 0–50 之间'
  const phone = f.applicant.phone.trim()
  if (phone && !/^[0-9+\- ]{7,20}$/.test(phone)) errs['applicant.phone'] = '联系电话格式不正确'
  return errs
}

/** The request body of POST /cases. */
export function caseRequest(f: CaseForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    program: f.program,
    township_code: f.township_code.trim(),
    village: f.village.trim() || undefined,
    household_category: f.household_category,
    related_to_staff: f.related_to_staff,
    applicant: {
      name: f.applicant.name.trim(),
      id_number: f.applicant.id_number.trim(),
      phone: f.applicant.phone.trim() || undefined,
      address: f.applicant.address.trim() || undefined,
      household_size: f.applicant.household_size,
    },
  }
  if (f.program === 'linshi') body.urgent = f.urgent
  if (f.program === 'veteran') body.category = f.category
  return body
}
