// Display helpers: dates as 2026-11-23 in China time (UTC+8, no daylight saving, as the
// server's calendar package uses), amounts in 元 with two decimals, and the Chinese
// names of the API's codes.

const CHINA_OFFSET_MS = 8 * 3600 * 1000

function chinaParts(v: string | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null
  const d = v instanceof Date ? v : new Date(v)
  if (Number.isNaN(d.getTime())) return null
  // Shift so that the UTC getters read China's wall clock.
  return new Date(d.getTime() + CHINA_OFFSET_MS)
}

const pad = (n: number) => String(n).padStart(2, '0')

/** 2026-11-23, or — for no date. */
export function formatDate(v: string | Date | null | undefined): string {
  const d = chinaParts(v)
  if (!d) return '—'
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** 2026-11-23 14:05, or — for no date. */
export function formatDateTime(v: string | Date | null | undefined): string {
  const d = chinaParts(v)
  if (!d) return '—'
  return `${formatDate(v)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** 1,234.50 元, or — for no amount. */
export function formatYuan(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return (
    v.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: true }) + ' 元'
  )
}

/**
 * Programs the new-application form offers that GET /programs has no step table for yet
 * (filing one answers 422 尚未开通); the served programs' names come from the table.
 */
export const unservedProgramNames: Record<string, string> = {
  veteran: '退役军人身份认定',
}

export const statusNames: Record<string, string> = {
  in_progress: '办理中',
  awaiting_materials: '待补材料',
  approved: '已批准',
  rejected: '未批准',
  withdrawn: '已撤回',
  stopped: '已停发',
}

export const statusTagTypes: Record<string, 'primary' | 'success' | 'info' | 'warning' | 'danger'> = {
  in_progress: 'primary',
  awaiting_materials: 'warning',
  approved: 'success',
  rejected: 'danger',
  withdrawn: 'info',
  stopped: 'info',
}

export const roleNames: Record<string, string> = {
  township_clerk: '乡镇经办人',
  township_head: '乡镇审核人',
  county_reviewer: '县级审核员',
  county_approver: '县级审批人',
  veteran_officer: '退役军人事务局经办',
  supervisor: '督查',
  admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
}

export const veteranCategoryNames: Record<string, string> = {
  combat: '参战',
  nuclear_test: '参试',
  ill_returned: '带病回乡',
  rural_60: '60周岁以上农村籍退役士兵',
}

// The timeline's event types as the workflows write them (workflows/*.go r.event).
export const eventNames: Record<string, string> = {
  submitted: '提交申请',
  accepted: '受理',
  task_opened: '生成待办',
  claimed: '签收',
  decided: '办理',
  reassigned: '转办',
  reminder: '到期提醒',
  escalated: '逾期督办',
  overall_escalated: '总时限逾期督办',
  id_revealed: '查看身份证号码',
  id_revealed_after_close: '查看身份证号码（办结后）',
  withdrawn: '撤回申请',
  objection: '收到异议',
  publicity_started: '开始公示',
  publicity_ended: '公示期满',
  materials_requested: '一次性告知补正材料',
  materials_received: '补齐材料',
  extended: '延长办理期限',
  due_changed: '办理期限调整',
  spot_check_drawn: '抽查',
  approved: '批准',
  rejected: '不予批准',
  granted: '先行救助',
  amount_adjusted: '调整保障金额',
  recheck_continued: '复核后继续享受',
  stopped: '停止享受',
}

/** 2 天 03:04:05 — the time left until an instant, for countdowns; 0 when past. */
export function formatCountdown(ms: number): string {
  if (!(ms > 0)) return '0 秒'
  const total = Math.floor(ms / 1000)
  const d = Math.floor(total / 86400)
  const h = Math.floor((total % 86400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const sec = total % 60
  const clock = `${pad(h)}:${pad(m)}:${pad(sec)}`
  return d > 0 ? `${d} 天 ${clock}` : clock
}

const limitUnits: Record<string, string> = { WD: ' 个工作日', d: ' 天', h: ' 小时', m: ' 分钟', s: ' 秒' }

/** A rules limit as staff read it: 3WD → 3 个工作日, 7d → 7 天; empty → —. */
export function formatLimit(v: string | null | undefined): string {
  const m = /^(\d+)(WD|d|h|m|s)$/.exec(v ?? '')
  return m ? `${m[1]}${limitUnits[m[2]]}` : v || '—'
}

export const nameOf = (table: Record<string, string>, code: string | null | undefined): string =>
  code ? (table[code] ?? code) : '—'

/**
 * The last day of a limit. The API's due_at is the instant the limit runs out: midnight
 * China time after the last day (a task due 2026-11-26 has due_at 2026-11-26T16:00:00Z),
 * so the day shown is the one just before that instant.
 */
export function formatDue(v: string | null | undefined): string {
  if (!v) return '—'
  const t = new Date(v).getTime()
  if (Number.isNaN(t)) return '—'
  return formatDate(new Date(t - 1))
}
