import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime, formatDue, formatYuan } from './format'

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
})
