// Shared steps of the browser tests: a signed-in browser session per demo user, ID
// numbers with a valid check digit, and the last-page screenshot with a check that the
// page logged no errors.
import { checkChar } from '../src/idnumber'
import { expect, selectors, type Browser, type Locator, type Page } from '@playwright/test'

// The page marks what tests look for with data-test attributes.
selectors.setTestIdAttribute('data-test')

export const baseURL = (): string => {
  const u = process.env.E2E_BASE_URL
  if (!u) throw new Error('E2E_BASE_URL unset: run through playwright.config.ts (global-setup starts mzflow dev)')
  return u
}

const errors = new WeakMap<Page, string[]>()

/** A new browser session (its own cookies and storage) signed in as a demo user. */
export async function signIn(browser: Browser, username: string, password = 'demo1234'): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: baseURL(),
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await ctx.newPage()
  watchConsole(page)
  await page.goto('/login')
  await page.getByPlaceholder('请输入用户名').fill(username)
  await page.getByPlaceholder('请输入密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page).toHaveURL(/\/tasks$/)
  await expect(page.getByTestId('user-name')).not.toBeEmpty()
  return page
}

/**
 * Records console errors and uncaught exceptions. The API's refusals (4xx on /api/...)
 * are part of the tests and shown on the page, so Chromium's "Failed to load resource"
 * line for them is not an error of the page.
 */
export function watchConsole(page: Page): void {
  const list: string[] = []
  errors.set(page, list)
  page.on('pageerror', (e) => list.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const url = m.location().url ?? ''
    if (m.text().startsWith('Failed to load resource') && /\/api\/v1\//.test(url)) return
    list.push(`console: ${m.text()} (${url})`)
  })
}

/** Saves the page as test-output/screenshots/NAME.png and checks it logged no errors. */
export async function finish(page: Page, name: string): Promise<void> {
  // From the top, so the sticky header and menu are drawn where a user sees them.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `test-output/screenshots/${name}.png`, fullPage: true, animations: 'disabled' })
  expect(errors.get(page) ?? [], 'console errors on the page').toEqual([])
}

/** A valid 18-digit resident ID number (GB 11643 check digit) born on birth (YYYYMMDD). */
export function idNumber(birth: string, seq: number, division = '110105'): string {
  const body = division + birth + String(seq).padStart(3, '0')
  return body + checkChar(body)
}

/** Types into the input of a decision field (data-test="f-NAME") and leaves it, as a user would. */
export async function field(form: Locator, name: string, value: string): Promise<void> {
  const input = form.getByTestId(`f-${name}`).locator('input, textarea').first()
  await input.fill(value)
  await input.press('Tab')
}

/** Files an application through the form as the signed-in clerk; returns the new case's id. */
export async function fileCase(page: Page, program: string, name: string, id: string): Promise<string> {
  await page.goto('/cases')
  await page.getByRole('button', { name: '新建申请' }).click()
  await expect(page).toHaveURL(/\/cases\/new$/)
  await page.locator('.el-radio-button', { hasText: program }).click()
  await page.getByLabel('申请人姓名').fill(name)
  await page.getByLabel('身份证号码').fill(id)
  await page.getByLabel('家庭住址').fill('云岭镇示范村 1 组')
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page).toHaveURL(/\/cases\/(?!new)[^/]+$/)
  await expect(page.getByTestId('case-status')).toHaveText('办理中')
  return new URL(page.url()).pathname.split('/').pop()!
}

/** Opens a case page. */
export async function openCase(page: Page, id: string): Promise<void> {
  await page.goto(`/cases/${id}`)
}

/** Submits the decision form of a step on the open case page and waits for its success message. */
export async function decide(page: Page, step: string, fill?: (form: Locator) => Promise<void>): Promise<void> {
  const card = page.getByTestId(`decide-${step}`)
  await expect(card).toBeVisible()
  if (fill) await fill(card)
  await card.getByTestId('decide-submit').click()
  await expect(page.locator('.el-message--success').last()).toBeVisible()
  await expect(card).toBeHidden()
}
