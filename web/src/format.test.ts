import { describe, expect, it } from 'vitest'
import { formatCountdown, formatLimit, formatDate, formatDateTime, formatDue, formatYuan } from './format'

describe('format', () => {
  it('shows dates in China time as YYYY-MM-DD', () => {
    expect(formatDate('2026-11-22T16:30:00Z')).toBe('2026-11-23')
    expect(formatDateTime('2026-11-23T06:05:00Z')).toBe('2026-11-23 14:05')
    expect(formatDate(null)).toBe('—')
  })
  it('shows a limit as its last day', () => {
    expect(formatDue('2026-11-26T16:00:00Z')).toBe('2026-11-26')
    expect(formatDue(null)).toBe('—')
  })
  it('shows amounts in 元 with two decimals', () => {
    expect(formatYuan(1234.5)).toBe('1,234.50 元')
    expect(formatYuan(0)).toBe('0.00 元')
    expect(formatYuan(null)).toBe('—')
  })
  it('counts down in days and a clock', () => {
    expect(formatCountdown(((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000)).toBe('2 天 03:04:05')
    expect(formatCountdown(59_999)).toBe('00:00:59')
    expect(formatCountdown(-1)).toBe('0 秒')
  })
  it('reads rules limits in Chinese', () => {
    expect(formatLimit('3WD')).toBe('3 个工作日')
    expect(formatLimit('7d')).toBe('7 天')
    expect(formatLimit('20s')).toBe('20 秒')
    expect(formatLimit('')).toBe('—')
  })
})
