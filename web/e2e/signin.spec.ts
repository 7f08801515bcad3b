// Sign-in to 等保 level three in the browser: enrolling the TOTP second factor from the
// user's menu (QR code, first code, recovery codes), then signing in with a code; and the
// forced change of an administrator's initial password.
import { expect, test, type Page } from '@playwright/test'
import * as OTPAuth from 'otpauth'
import { baseURL, finish, signIn, watchConsole } from './helpers'

// auditor is used by no other browser test: once enrolled it always needs a code.
const user = 'auditor'

async function loginForm(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login')
  await page.getByPlaceholder('请输入用户名').fill(username)
  await page.getByPlaceholder('请输入密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

test('enrol the second factor, then sign in with a code', async ({ browser }) => {
  const page = await signIn(browser, user)
  await page.getByTestId('totp-menu').click()
  await expect(page).toHaveURL(/\/security\/totp$/)
  await page.getByTestId('totp-start').click()
  await expect(page.getByTestId('totp-qr')).toBeVisible()
  expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? ''
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' })

  await page.getByTestId('totp-confirm-code').fill(totp.generate())
  await page.getByTestId('totp-confirm').click()
  const codes = page.getByTestId('recovery-codes').locator('li')
  await expect(codes).toHaveCount(10)
  await finish(page, 'totp-recovery-codes')
  await page.getByTestId('totp-done').click()
  await expect(page).toHaveURL(/\/tasks$/)
  await page.getByRole('button', { name: '退出登录' }).click()
  await expect(page).toHaveURL(/\/login/)

  // The code that confirmed the enrolment is spent: wait for the next 30-second step.
  await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 500)
  await loginForm(page, user, 'demo1234')
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('totp-code').fill('000000')
  await page.getByTestId('totp-submit').click()
  await expect(page.getByTestId('login-error')).toContainText('验证码错误')
  await page.getByTestId('totp-code').fill(totp.generate())
  await page.getByTestId('totp-submit').click()
  await expect(page).toHaveURL(/\/tasks$/)
  await expect(page.getByTestId('user-name')).toHaveText('郑华')
  await finish(page, 'totp-signed-in')
})

test('an initial password must be changed at first sign-in', async ({ browser }) => {
  // The administrator creates the user through the API, as the users page does.
  const admin = await browser.newContext({ baseURL: baseURL() })
  const login = await admin.request.post('/api/v1/auth/login', { data: { username: 'admin', password: 'demo1234' } })
  const { token } = await login.json()
  const created = await admin.request.post('/api/v1/admin/users', {
    headers: { Authorization: `Bearer ${token}` },
    data: { username: 'e2e_clerk', name: '浏览器测试', role: 'township_clerk', org_code: '349901100', password: 'Initial-Pass-2026' },
  })
  expect(created.status()).toBe(201)
  await admin.close()

  const ctx = await browser.newContext({ baseURL: baseURL(), locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await ctx.newPage()
  watchConsole(page)
  await loginForm(page, 'e2e_clerk', 'Initial-Pass-2026')
  await expect(page).toHaveURL(/\/security\/password$/)
  // Every other page leads back here until the password is changed.
  await page.goto('/tasks')
  await expect(page).toHaveURL(/\/security\/password$/)
  await page.getByTestId('old-password').fill('Initial-Pass-2026')
  await page.getByTestId('new-password').fill('Password1234')
  await page.getByTestId('again-password').fill('Password1234')
  await page.getByTestId('save-password').click()
  await expect(page.getByTestId('forced-password')).toContainText('过于常见')
  await page.getByTestId('new-password').fill('Qingsong-Village-7')
  await page.getByTestId('again-password').fill('Qingsong-Village-7')
  await page.getByTestId('save-password').click()
  await expect(page).toHaveURL(/\/tasks$/)
  await expect(page.getByTestId('user-name')).toHaveText('浏览器测试')
  await finish(page, 'forced-password-changed')
})
