// The resident ID number check of GB 11643-1999 (docs/domain.md §6), mirroring the server's
// rules/idnumber.go (ValidateID) so a form can say what is wrong before it is sent. The
// server stays the authority: it checks again and its message is shown on the field.

/** The part of the number a failure names, as the server's details.part. */
export type IdPart = 'length' | 'characters' | 'region' | 'birth_date' | 'check_digit'

export type IdResult = { ok: true; id: string } | { ok: false; part: IdPart; message: string }

/** ISO 7064 MOD 11-2 weights 2^(17-i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'

/** The earliest birth year accepted (rules/idnumber.go idEarliestYear). */
export const EARLIEST_YEAR = 1850

/** Province-level codes of GB/T 2260 (docs/domain.md §6), 71 台湾, 81 香港 and 82 澳门 included. */
export const PROVINCES: Record<string, string> = {
  '11': '北京', '12': '天津', '13': '河北', '14': '山西', '15': '内蒙古',
  '21': '辽宁', '22': '吉林', '23': '黑龙江',
  '31': '上海', '32': '江苏', '33': '浙江', '34': '安徽', '35': '福建', '36': '江西', '37': '山东',
  '41': '河南', '42': '湖北', '43': '湖南', '44': '广东', '45': '广西', '46': '海南',
  '50': '重庆', '51': '四川', '52': '贵州', '53': '云南', '54': '西藏',
  '61': '陕西', '62': '甘肃', '63': '青海', '64': '宁夏', '65': '新疆',
  '71': '台湾', '81': '香港', '82': '澳门',
}

const allDigits = (s: string) => /^[0-9]*$/.test(s)

/** The check character of 17 digits. */
export function checkChar(id17: string): string {
  let s = 0
  for (let i = 0; i < 17; i++) s += (id17.charCodeAt(i) - 48) * WEIGHTS[i]
  return CHECK_CHARS[s % 11]
}

function isRealDate(yyyymmdd: string): boolean {
  if (yyyymmdd.length !== 8 || !allDigits(yyyymmdd)) return false
  const y = Number(yyyymmdd.slice(0, 4))
  const m = Number(yyyymmdd.slice(4, 6))
  const d = Number(yyyymmdd.slice(6))
  const t = new Date(Date.UTC(y, m - 1, d))
  // Date.UTC maps years 0–99 to 1900–1999; such years fail the earliest-year check anyway.
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

function yyyymmdd(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`
}

const fail = (part: IdPart, message: string): IdResult => ({ ok: false, part, message })

function charError(n: number): IdResult {
  return n === 15
    ? fail('characters', '身份证号码含有无效字符：15位旧号码应全部为数字')
    : fail('characters', '身份证号码含有无效字符：前17位应为数字，最后一位为数字或X')
}

/**
 * Checks a resident ID number and returns it normalised to 18 characters with an upper-case
 * X. A 15-digit legacy number is upgraded first ("19" before its birth date, check character
 * computed). The checks, in the server's order: length, characters, region, birth date
 * (real, not after today, not before 1850), check character. No message repeats the number
 * or says what the check character should be.
 */
export function validateIdNumber(input: string, today: Date = new Date()): IdResult {
  const s = input.trim()
  const n = [...s].length
  if (n !== 15 && n !== 18) {
    return fail('length', `身份证号码应为18位（或15位旧号码），实际为${n}位`)
  }
  if (s.length !== n || !/^[\x00-\x7f]*$/.test(s)) return charError(n)
  let id17: string
  if (n === 15) {
    if (!allDigits(s)) return charError(n)
    id17 = s.slice(0, 6) + '19' + s.slice(6)
  } else {
    id17 = s.slice(0, 17)
    if (!allDigits(id17) || !/^[0-9Xx]$/.test(s[17])) return charError(n)
  }

  const p = id17.slice(0, 2)
  const permit = p === '81' || p === '82' || p === '83' // HK, Macau, Taiwan residence permits
  if (!(p in PROVINCES) && !permit) {
    return fail('region', `身份证号码的地区码无效：前两位 ${p} 不是省级行政区划代码`)
  }
  if (id17.slice(2, 6) === '0000' && !permit) {
    return fail('region', '身份证号码的地区码无效：前6位应为县级行政区划代码，不能以0000结尾')
  }

  const birth = id17.slice(6, 14)
  if (!isRealDate(birth)) return fail('birth_date', '身份证号码中的出生日期不是真实的日期')
  if (birth > yyyymmdd(today)) return fail('birth_date', '身份证号码中的出生日期晚于今天')
  if (Number(birth.slice(0, 4)) < EARLIEST_YEAR) {
    return fail('birth_date', `身份证号码中的出生日期早于${EARLIEST_YEAR}年`)
  }

  const want = checkChar(id17)
  if (n === 18 && s[17].toUpperCase() !== want) {
    return fail('check_digit', '身份证号码校验位不正确，请核对号码')
  }
  return { ok: true, id: id17 + want }
}

/** An Element Plus form validator built on validateIdNumber. */
export function idNumberValidator(_rule: unknown, value: string, callback: (e?: Error) => void): void {
  if (!value || !value.trim()) {
    callback(new Error('请填写身份证号码'))
    return
  }
  const r = validateIdNumber(value)
  callback(r.ok ? undefined : new Error(r.message))
}
