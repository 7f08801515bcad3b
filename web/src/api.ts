// A small typed client for the mzflow HTTP API (docs/api.md). The bearer token
// lives in sessionStorage, so closing the tab signs the user out and two tabs can hold
// two different users. Errors arrive as DESIGN.md's JSON and are thrown as ApiError.
import { reactive } from 'vue'

export const API_BASE = '/api/v1'

export interface Org {
  id: number
  code: string
  name: string
  level: 'county' | 'township' | 'village'
  parent_id?: number
}

export interface User {
  id: number
  username: string
  name: string
  role: string
  role_name?: string
  org: Org
  /** The case actions the role may do, and the programs it works on (the server's duties table). */
  actions?: string[]
  programs?: string[]
}

/** Whether the signed-in user's role may do a case action (file, read, withdraw, …) on a program's case. */
export function may(action: string, program = ''): boolean {
  const u = session.user
  if (!u?.actions?.includes(action)) return false
  return !program || !u.programs || u.programs.includes(program)
}

/**
 * A sign-in's answer: a token and the user, or (a user with a second factor) a challenge
 * for POST /auth/totp. A restricted token must change the password or enrol first.
 */
export interface LoginResult {
  token?: string
  expires_at: string
  user?: User
  second_factor_required?: boolean
  challenge?: string
  password_change_required?: boolean
  enrollment_required?: boolean
}

/** GET /me: the user and what their session must do first. */
export interface Me extends User {
  totp_enabled: boolean
  recovery_codes_left: number
  second_factor_required: boolean
  password_change_required: boolean
  enrollment_required: boolean
}

/** What a restricted session may do: change the password, or enrol the second factor. */
export type Restriction = '' | 'password' | 'enroll'

export function restrictionOf(r: { password_change_required?: boolean; enrollment_required?: boolean }): Restriction {
  if (r.password_change_required) return 'password'
  if (r.enrollment_required) return 'enroll'
  return ''
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface Task {
  id: string
  case_id: string
  program: string
  step: string
  step_name: string
  role: string
  role_name?: string
  org: { code: string; name: string }
  assignee: number | null
  status: string
  created_at: string
  due_at: string | null
  due_provisional?: boolean
  overdue: boolean
  escalation_level: number
  applicant_name: string
  outcome?: string
  decided_at?: string | null
}

export interface TimelineEvent {
  seq: number
  type: string
  step: string
  step_name?: string
  actor: { id: number | null; name: string; role: string }
  at: string
  comment: string
  data: unknown
}

export interface CaseSummary {
  id: string
  workflow_id: string
  program: string
  program_name?: string
  category: string
  status: string
  step: string
  step_name?: string
  applicant: {
    name: string
    id_number_masked: string
    phone: string
    address: string
    household_size: number
  }
  township: { code: string; name: string }
  village: string
  submitted_at: string
  due_at: string | null
  overdue: boolean
  outcome: string
  amount_monthly: number | null
  spot_check: boolean
  urgent?: boolean
}

export interface CaseView extends CaseSummary {
  tasks: Task[]
  timeline: TimelineEvent[]
}

/** An error the API returned, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

const TOKEN_KEY = 'mzflow.token'
const USER_KEY = 'mzflow.user'
const RESTRICTED_KEY = 'mzflow.restricted'

function readUser(): User | null {
  try {
    const s = sessionStorage.getItem(USER_KEY)
    return s ? (JSON.parse(s) as User) : null
  } catch {
    return null
  }
}

/** The signed-in user, shared by every page. */
export const session = reactive<{ token: string | null; user: User | null; restricted: Restriction }>({
  token: sessionStorage.getItem(TOKEN_KEY),
  user: readUser(),
  restricted: (sessionStorage.getItem(RESTRICTED_KEY) ?? '') as Restriction,
})

export function setSession(token: string, user: User, restricted: Restriction = ''): void {
  session.token = token
  session.user = user
  sessionStorage.setItem(TOKEN_KEY, token)
  sessionStorage.setItem(USER_KEY, JSON.stringify(user))
  setRestricted(restricted)
}

/** Records what the session must do first; the router sends every page there until done. */
export function setRestricted(r: Restriction): void {
  session.restricted = r
  sessionStorage.setItem(RESTRICTED_KEY, r)
}

export function setUser(user: User): void {
  session.user = user
  sessionStorage.setItem(USER_KEY, JSON.stringify(user))
}

export function clearSession(): void {
  session.token = null
  session.user = null
  sessionStorage.removeItem(TOKEN_KEY)
  sessionStorage.removeItem(USER_KEY)
  sessionStorage.removeItem(RESTRICTED_KEY)
  session.restricted = ''
}

let unauthorized: () => void = () => {}

/** Sets what happens when the API answers 401 to a signed-in request (main.ts: go to login). */
export function onUnauthorized(fn: () => void): void {
  unauthorized = fn
}

const statusMessages: Record<number, string> = {
  400: '请求有误',
  401: '登录已失效，请重新登录',
  403: '没有权限执行此操作',
  404: '未找到',
  409: '操作冲突，请刷新后重试',
  422: '不符合办理规则',
  429: '尝试次数过多，请稍后再试',
  500: '内部错误',
  502: '服务暂不可用，请稍后再试',
  503: '服务暂不可用，请稍后再试',
}

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  query?: Query
  body?: unknown
  headers?: Record<string, string>
}

function buildURL(path: string, query?: Query): string {
  let url = API_BASE + path
  if (query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
    }
    const s = q.toString()
    if (s) url += '?' + s
  }
  return url
}

/** Sends one request and returns the decoded JSON body; throws ApiError on failure. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  const token = session.token
  if (token) headers.Authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(buildURL(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络')
  }
  const text = await res.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error
    const err = new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message || statusMessages[res.status] || `请求失败（${res.status}）`,
      e?.details ?? {},
    )
    // A 401 on a signed-in request means the token expired or was ended: back to login.
    // A 401 on login itself is a wrong password, shown on the form.
    if (res.status === 401 && token) {
      clearSession()
      unauthorized()
    }
    throw err
  }
  return data as T
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>('POST', path, { body: body ?? {}, headers }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),

  login: (username: string, password: string) => request<LoginResult>('POST', '/auth/login', { body: { username, password } }),
  logout: () => request<unknown>('POST', '/auth/logout', { body: {} }),
  me: () => request<Me>('GET', '/me'),
  /** The second sign-in step: the challenge of a right password and a code (or a recovery code). */
  totp: (challenge: string, code: string) => request<LoginResult>('POST', '/auth/totp', { body: { challenge, code } }),
  totpEnroll: () => request<{ otpauth_url: string; secret: string }>('POST', '/me/totp/enroll', { body: {} }),
  totpConfirm: (code: string) => request<{ recovery_codes: string[] }>('POST', '/me/totp/confirm', { body: { code } }),
  tasks: (q: Query) => request<Page<Task>>('GET', '/tasks', { query: q }),
  claim: (id: string) => request<Task>('POST', `/tasks/${encodeURIComponent(id)}/claim`, { body: {} }),
  cases: (q: Query) => request<Page<CaseSummary>>('GET', '/cases', { query: q }),
  getCase: (id: string) => request<CaseView>('GET', `/cases/${encodeURIComponent(id)}`),
  createCase: (body: unknown, idempotencyKey?: string) =>
    request<CaseView>('POST', '/cases', {
      body,
      headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
    }),
  /** A case action (objections, withdraw, materials, extend) answers the case after it. */
  caseAction: (id: string, action: 'objections' | 'withdraw' | 'materials' | 'extend', body: unknown) =>
    request<CaseView>('POST', `/cases/${encodeURIComponent(id)}/${action}`, { body }),
  reveal: (id: string, reason: string) =>
    request<{ id_number: string }>('POST', `/cases/${encodeURIComponent(id)}/reveal`, { body: { reason } }),
  // The key makes a retried click (a slow answer, a double click) decide once.
  decide: (id: string, body: unknown, idempotencyKey: string) =>
    request<CaseView>('POST', `/tasks/${encodeURIComponent(id)}/decide`, {
      body,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  overdue: (q: Query) => request<{ items: OverdueTask[]; total: number }>('GET', '/overdue', { query: q }),
  summary: (period: string) => request<{ period: string; items: TownshipSummary[] }>('GET', '/overdue/summary', { query: { period } }),
  notifications: (q: Query) => request<NotificationPage>('GET', '/notifications', { query: q }),
  markRead: (id: number) => request<unknown>('POST', `/notifications/${id}/read`, { body: {} }),
  rules: () => request<{ programs: ProgramRules[] }>('GET', '/admin/rules'),
  orgs: () => request<{ items: Org[] }>('GET', '/admin/orgs'),
  createOrg: (body: { code: string; name: string; level: string; parent_code: string }) => request<Org>('POST', '/admin/orgs', { body }),
  users: () => request<{ items: { user: User; active: boolean; created_at: string }[] }>('GET', '/admin/users'),
  createUser: (body: { username: string; name: string; role: string; org_code: string; password: string }) =>
    request<User>('POST', '/admin/users', { body }),
  changePassword: (oldPassword: string, newPassword: string) =>
    request<unknown>('POST', '/me/password', { body: { old_password: oldPassword, new_password: newPassword } }),
  calendarYear: (year: number) => request<CalendarYear>('GET', `/admin/calendar/${year}`),
  /** The audit log (audit_admin only); auditExport is the same filter as an xlsx file. */
  audit: (q: Query) => request<Page<AuditEntry>>('GET', '/audit', { query: q }),
  auditVerify: () => request<AuditCheck>('GET', '/audit/verify'),
  /** The step tables; programs.ts loads them once per page session. */
  programs: () => request<ProgramView[]>('GET', '/programs'),
}

/** The header's unread count, refreshed by AppLayout and by the notifications page. */
export const inbox = reactive({ unread: 0 })

/** Ends the session on the server (when it still answers) and in this tab. */
export async function signOut(): Promise<void> {
  try {
    await api.logout()
  } catch {
    /* the token is dropped either way */
  }
  clearSession()
}

export async function refreshUnread(): Promise<void> {
  inbox.unread = (await api.notifications({ unread: 'true', page_size: 1 })).unread
}

let townshipList: Promise<Org[]> | null = null

/** Forgets the cached townships (after the administrator adds one). */
export function forgetTownships(): void {
  townshipList = null
}

/** The county's townships, fetched once per page load (they change rarely). */
export function townships(): Promise<Org[]> {
  townshipList ??= api.orgs().then(
    (r) => r.items.filter((o) => o.level === 'township'),
    (e) => {
      townshipList = null
      throw e
    },
  )
  return townshipList
}

/** Who was told about a late task, level by level (activities.Notified). */
export interface Notified {
  level: number
  role: string
  org: string
  at: string
}

export interface OverdueTask extends Task {
  overdue_by: number
  notified: Notified[] | null
}

export interface TownshipSummary {
  township_code: string
  township_name: string
  received: number
  decided: number
  decided_on_time: number
  on_time_rate: number
  open: number
  overdue: number
  escalated: number
}

export interface Notification {
  id: number
  kind: 'reminder' | 'escalation' | 'notice'
  case_id: string
  task_id: string
  text: string
  created_at: string
  read_at: string | null
}

export interface NotificationPage extends Page<Notification> {
  unread: number
}

export interface ProgramRules {
  program: string
  name: string
  overall_limit: string
  extended_limit: string
  count_publicity: boolean
  spot_check_rate: number
  remind_before: string
  escalation: string[]
  escalate_every: string
  township_cap: number
  recheck_months: Record<string, number> | null
  steps: Record<string, { limit: string }>
}

/**
 * One program's step table as GET /programs serves it (api/programs.go, from the
 * workflows' tables): the page's decision forms, step names and progress bar come from it.
 */
export interface ProgramView {
  program: string
  name: string
  steps: StepView[]
}

export interface StepView {
  code: string
  name: string
  role?: string
  role_name?: string
  /** Where the step sits on the progress bar (its own code, or the step it runs beside); absent when not on it. */
  bar?: string
  /** The bar the step is on when a program has two: "urgent" for an urgent 临时救助 case; absent for the main bar. */
  track?: string
  outcomes: OutcomeView[]
  /** The data fields of every outcome, each naming the outcomes it belongs to. */
  fields: FieldView[]
}

export interface OutcomeView {
  code: string
  label: string
  reason_required: boolean
}

/** How a field is entered and sent (workflows.Field). */
export type FieldType = 'number' | 'integer' | 'text' | 'lines' | 'names' | 'date' | 'enum' | 'object'

export interface StepField {
  name: string
  label: string
  type: FieldType
  unit?: string
  required: boolean
  /** A case fact that makes the field required ("home_visit": the case is spot-checked). */
  required_if?: string
  /** Inclusive unless min_exclusive; for names, the number of names. */
  min?: number
  min_exclusive?: boolean
  enum?: { value: string; label: string }[]
  /** Offered in a list that also takes free text. */
  suggest?: string[]
  /** An object's fields, sent as a nested object. */
  fields?: StepField[]
}

export interface FieldView extends StepField {
  outcomes: string[]
}

export interface CalendarYear {
  year: number
  holidays: string[]
  workdays: string[]
  published: boolean
}

/**
 * A fresh Idempotency-Key. crypto.randomUUID exists only in secure contexts (https or
 * localhost); an office LAN address over http gets the fallback.
 */
export function newRequestKey(): string {
  return crypto.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}

/** Whether the same request may be sent again with the same key (no answer, or the server was unavailable). */
export const retryable = (e: unknown): boolean => e instanceof ApiError && (e.status === 0 || e.status >= 500)

/** A readable message for anything a request may throw. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  return '发生未知错误'
}

/** One row of the audit log (GET /audit). */
export interface AuditEntry {
  id: number
  at: string
  user_id: number
  username: string
  role: string
  role_name: string
  org_code: string
  address: string
  action: string
  object: string
  result: 'ok' | 'denied' | 'failed' | 'error'
  status: number
  request_id: string
  detail: string
}

/** What GET /audit/verify found walking the hash chain. */
export interface AuditCheck {
  ok: boolean
  checked: number
  first_break?: { id: number; reason: string }
}

/**
 * Downloads the audit rows of a filter as xlsx: fetched with the token (a plain link
 * would carry none), then saved through an object URL.
 */
export async function downloadAudit(q: Query): Promise<void> {
  const headers: Record<string, string> = {}
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  let res: Response
  try {
    res = await fetch(buildURL('/audit', { ...q, format: 'xlsx' }), { headers })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络')
  }
  if (!res.ok) {
    let e: { code?: string; message?: string } | undefined
    try {
      e = (await res.json())?.error
    } catch {
      e = undefined
    }
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message || statusMessages[res.status] || `导出失败（${res.status}）`)
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'audit.xlsx'
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  URL.revokeObjectURL(url)
}
