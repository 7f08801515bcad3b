// A decision's data, entered, checked and sent as the served step table describes its
// fields (GET /programs: type, label, unit, required, min, enum, nested fields). The page
// checks first so a clerk sees every missing field at once; the server checks again and
// its refusal is shown on the field it names.
import type { OutcomeView, StepField, StepView } from './api'

/** A field's value as the form holds it: numbers or null, text as typed, an object's fields. */
export type FieldValue = number | null | string | FormValues
export interface FormValues {
  [name: string]: FieldValue
}

export interface DecisionForm {
  outcome: string
  comment: string
  values: FormValues
}

/** The case facts a field's required_if may name, read from the case view. */
export interface CaseFacts {
  spotCheck: boolean
}

const factHolds = (fact: string, facts: CaseFacts): boolean => fact === 'home_visit' && facts.spotCheck

/** Whether a field must be filled on this case. */
export const isRequired = (f: StepField, facts: CaseFacts): boolean =>
  f.required || (!!f.required_if && factHolds(f.required_if, facts))

export const splitNames = (s: string): string[] =>
  s.split(/[、,，;；\s]+/).map((x) => x.trim()).filter(Boolean)

export const splitLines = (s: string): string[] => s.split(/\n+/).map((x) => x.trim()).filter(Boolean)

const isObject = (v: FieldValue | undefined): v is FormValues => typeof v === 'object' && v !== null

/** Empty values for fields (an object gets its fields' empty values). */
export function emptyValues(fields: StepField[]): FormValues {
  const out: FormValues = {}
  for (const f of fields) {
    if (f.type === 'object') out[f.name] = emptyValues(f.fields ?? [])
    else if (f.type === 'number' || f.type === 'integer') out[f.name] = null
    else out[f.name] = ''
  }
  return out
}

/** A new form for a step: its first outcome, no comment, every field empty. */
export function emptyDecision(step: StepView | undefined): DecisionForm {
  return { outcome: step?.outcomes[0]?.code ?? '', comment: '', values: emptyValues(step?.fields ?? []) }
}

/** Whether nothing was entered for a field. */
export function isEmpty(f: StepField, v: FieldValue | undefined): boolean {
  switch (f.type) {
    case 'object':
      return (f.fields ?? []).every((sub) => isEmpty(sub, isObject(v) ? v[sub.name] : undefined))
    case 'number':
    case 'integer':
      return typeof v !== 'number' || !Number.isFinite(v)
    case 'lines':
      return splitLines(typeof v === 'string' ? v : '').length === 0
    case 'names':
      return splitNames(typeof v === 'string' ? v : '').length === 0
    default:
      return typeof v !== 'string' || v.trim() === ''
  }
}

const unitOf = (f: StepField) => (f.unit ? ` ${f.unit}` : '')

/** What is wrong with an entered value ('' when nothing); the field is known to be non-empty or required. */
function problem(f: StepField, v: FieldValue | undefined, facts: CaseFacts): string {
  switch (f.type) {
    case 'number':
    case 'integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `请填写${f.label}`
      if (f.type === 'integer' && !Number.isInteger(v)) return `${f.label}须为整数`
      if (f.min !== undefined && (f.min_exclusive ? v <= f.min : v < f.min))
        return `${f.label}须${f.min_exclusive ? '大于' : '不小于'} ${f.min}${unitOf(f)}`
      return ''
    }
    case 'names': {
      const n = splitNames(typeof v === 'string' ? v : '').length
      const min = Math.max(f.min ?? 0, 1)
      if (n >= min) return ''
      return min > 1 ? `${f.label}不少于 ${min} 人` : `请填写${f.label}`
    }
    case 'lines':
      return splitLines(typeof v === 'string' ? v : '').length ? '' : `请填写${f.label}（每行一项）`
    case 'date': {
      const s = typeof v === 'string' ? v.trim() : ''
      if (!s) return `请选择${f.label}`
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? '' : `${f.label}应为 YYYY-MM-DD 格式的日期`
    }
    case 'enum': {
      const s = typeof v === 'string' ? v : ''
      return (f.enum ?? []).some((c) => c.value === s) ? '' : `请选择${f.label}`
    }
    case 'object': {
      // One message on the object: the fields missing from it, then anything else wrong.
      const sub = isObject(v) ? v : {}
      const missing: string[] = []
      const wrong: string[] = []
      for (const g of f.fields ?? []) {
        if (isEmpty(g, sub[g.name])) {
          if (isRequired(g, facts)) missing.push(g.label)
        } else {
          const p = problem(g, sub[g.name], facts)
          if (p) wrong.push(p)
        }
      }
      const parts = [...(missing.length ? [`请填写${missing.join('和')}`] : []), ...wrong]
      if (!parts.length) return ''
      const lead = f.required_if && factHolds(f.required_if, facts) ? `本案须${f.label}，` : `${f.label}：`
      return lead + parts.join('；')
    }
    default:
      return typeof v === 'string' && v.trim() ? '' : `请${f.suggest?.length ? '选择或' : ''}填写${f.label}`
  }
}

/** A field's message, '' when it may be sent: required ones must be filled, entered ones must be right. */
export function checkField(f: StepField, v: FieldValue | undefined, facts: CaseFacts): string {
  if (isEmpty(f, v) && !isRequired(f, facts)) return ''
  return problem(f, v, facts)
}

/** Field → Chinese message for a decision; empty when it may be sent. */
export function checkDecision(step: StepView | undefined, form: DecisionForm, facts: CaseFacts): Record<string, string> {
  const errs: Record<string, string> = {}
  const outcome = chosen(step, form.outcome)
  if (!outcome) {
    errs.outcome = '请选择办理结果'
    return errs
  }
  if (outcome.reason_required && !form.comment.trim()) errs.comment = `「${outcome.label}」必须填写理由`
  for (const f of outcomeFields(step, outcome.code)) {
    const m = checkField(f, form.values[f.name], facts)
    if (m) errs[f.name] = m
  }
  return errs
}

const chosen = (step: StepView | undefined, code: string): OutcomeView | undefined =>
  step?.outcomes.find((o) => o.code === code)

/** The fields the form shows for an outcome, in the table's order. */
export const outcomeFields = (step: StepView | undefined, outcome: string): StepField[] =>
  (step?.fields ?? []).filter((f) => f.outcomes.includes(outcome))

/** A value as the server takes it: numbers, trimmed text, lists split, objects nested. */
function sendValue(f: StepField, v: FieldValue | undefined): unknown {
  switch (f.type) {
    case 'number':
    case 'integer':
      return v
    case 'lines':
      return splitLines(typeof v === 'string' ? v : '')
    case 'names':
      return splitNames(typeof v === 'string' ? v : '')
    case 'object':
      return sendValues(f.fields ?? [], isObject(v) ? v : {})
    default:
      return typeof v === 'string' ? v.trim() : v
  }
}

/** The entered fields; a field left empty is not sent (the checks stopped a required one). */
function sendValues(fields: StepField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) if (!isEmpty(f, values[f.name])) out[f.name] = sendValue(f, values[f.name])
  return out
}

export interface DecideBody {
  outcome: string
  comment: string
  data?: Record<string, unknown>
}

/** The body of POST /tasks/{id}/decide: the chosen outcome's fields only. */
export function decisionRequest(step: StepView | undefined, form: DecisionForm): DecideBody {
  const data = sendValues(outcomeFields(step, form.outcome), form.values)
  const body: DecideBody = { outcome: form.outcome, comment: form.comment.trim() }
  if (Object.keys(data).length) body.data = data
  return body
}

/**
 * The field a server refusal concerns: step-data refusals read "field：message"
 * (workflows.FieldError), a missing reason is comment_required.
 */
export function serverFieldError(step: StepView | undefined, code: string, message: string): { field: string; message: string } | null {
  if (code === 'comment_required') return { field: 'comment', message }
  const i = message.indexOf('：')
  const name = i > 0 ? message.slice(0, i) : ''
  if (name && (step?.fields ?? []).some((f) => f.name === name)) return { field: name, message: message.slice(i + 1) }
  return null
}
