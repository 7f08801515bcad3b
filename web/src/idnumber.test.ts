// The same cases as the server's rules/idnumber_test.go, so the form and the server agree.
import { describe, expect, it } from 'vitest'
import { checkChar, validateIdNumber, idNumberValidator } from './idnumber'

const today = new Date(2026, 0, 15) // 2026-01-15, local time
const withCheck = (id17: string) => id17 + checkChar(id17)

describe('validateIdNumber', () => {
  const ok: [string, string, string][] = [
    ['verified vector with X', '11010519491231002X', '11010519491231002X'],
    ['verified vector 1880', '440524188001010014', '440524188001010014'],
    ['lower-case x', '11010519491231002x', '11010519491231002X'],
    ['spaces', '  11010519491231002X\t', '11010519491231002X'],
    ['full-width spaces', '\u300011010519491231002X\u3000', '11010519491231002X'],
    ['legacy 15 upgraded', '110105491231002', '11010519491231002X'],
    ['legacy 15 Chengdu', '510107720815201', '510107197208152014'],
    ['born today', withCheck('34010220260115123'), withCheck('34010220260115123')],
    ['leap day', withCheck('34010220000229123'), withCheck('34010220000229123')],
    ['Hong Kong permit', withCheck('81000019900101002'), withCheck('81000019900101002')],
    ['Macau permit', withCheck('82000019900101002'), withCheck('82000019900101002')],
    ['Taiwan permit', withCheck('83000019900101002'), withCheck('83000019900101002')],
    ['earliest year', withCheck('11010518500101002'), withCheck('11010518500101002')],
  ]
  for (const [name, input, want] of ok) {
    it(`accepts ${name}`, () => {
      expect(validateIdNumber(input, today)).toEqual({ ok: true, id: want })
    })
  }

  const bad: [string, string, string, string][] = [
    ['empty', '', 'length', '应为18位（或15位旧号码）'],
    ['16 characters', '1101051949123100', 'length', '身份证号码应为18位（或15位旧号码），实际为16位'],
    ['19 characters', '11010519491231002X1', 'length', '实际为19位'],
    ['letter in body', '1101051949123A002X', 'characters', '无效字符'],
    ['bad check letter', '11010519491231002Y', 'characters', '最后一位为数字或X'],
    ['full-width digit', '1101051949123100２X', 'characters', '无效字符'],
    ['legacy with X', '11010549123100X', 'characters', '15位旧号码应全部为数字'],
    ['inner space', '110105 9491231002X', 'characters', '无效字符'],
    ['unknown province', withCheck('99010519491231002'), 'region', '身份证号码的地区码无效：前两位 99 不是省级行政区划代码'],
    ['province 72', withCheck('72010519491231002'), 'region', '前两位 72'],
    ['province own code', withCheck('11000019491231002'), 'region', '不能以0000结尾'],
    ['Taiwan 710000', withCheck('71000019491231002'), 'region', '地区码'],
    ['February 30', withCheck('11010519490230002'), 'birth_date', '身份证号码中的出生日期不是真实的日期'],
    ['month 13', withCheck('11010519491301002'), 'birth_date', '出生日期不是真实的日期'],
    ['day 00', withCheck('11010519491200002'), 'birth_date', '出生日期不是真实的日期'],
    ['1900 not leap', withCheck('11010519000229002'), 'birth_date', '出生日期不是真实的日期'],
    ['future birth date', withCheck('34010220260116123'), 'birth_date', '身份证号码中的出生日期晚于今天'],
    ['before 1850', withCheck('11010518491231002'), 'birth_date', '早于1850年'],
    ['legacy February 30', '110105490230002', 'birth_date', '出生日期'],
    ['wrong check digit', '110105194912310021', 'check_digit', '身份证号码校验位不正确，请核对号码'],
    ['swapped digits', '11010519491231200X', 'check_digit', '校验位'],
  ]
  for (const [name, input, part, msg] of bad) {
    it(`rejects ${name}`, () => {
      const r = validateIdNumber(input, today)
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.part).toBe(part)
        expect(r.message).toContain(msg)
        // Never echo the number back (it would end up in screenshots and logs).
        if (input.trim().length >= 15) expect(r.message).not.toContain(input.trim())
      }
    })
  }

  it('never says what the check character should be', () => {
    const r = validateIdNumber('110105194912310021', today)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).not.toMatch(/X/)
  })
})

describe('idNumberValidator', () => {
  const run = (v: string) => {
    let got: Error | undefined
    idNumberValidator(null, v, (e) => (got = e))
    return got?.message
  }
  it('asks for a missing number', () => expect(run('  ')).toBe('请填写身份证号码'))
  it('passes a valid number', () => expect(run('11010519491231002X')).toBeUndefined())
  it('names the wrong part', () => expect(run('110105194912310021')).toContain('校验位'))
})
