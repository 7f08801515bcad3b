// Signing in, and the administration pages, in a real browser.
import { expect, test } from '@playwright/test'
import { baseURL, finish, signIn, watchConsole } from './helpers'

test('a wrong password is refused on the form, in Chinese', async ({ browser }) => {
  const ctx = await browser.newContext({ baseURL: baseURL(), viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  const page = await ctx.newPage()
  watchConsole(page)
  await page.goto('/cases') // a signed-out visitor is sent to login
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await page.getByPlaceholder('请输入用户名').fill('clerk_yl')
  await page.getByPlaceholder('请输入密码').fill('wrong-password')
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误')
  await finish(page, 'login-refused')
})

test('the header names the user, role and organisation; the administrator reads rules and the calendar', async ({ browser }) => {
  const admin = await signIn(browser, 'admin')
  await expect(admin.getByTestId('user-name')).toHaveText('系统管理员')
  await expect(admin.locator('header')).toContainText('示范县')

  await admin.getByRole('menuitem', { name: '办理规则' }).click()
  await expect(admin.getByTestId('rules')).toContainText('最低生活保障')
  await admin.getByRole('tab', { name: '临时救助' }).click()
  await expect(admin.locator('.el-table')).toContainText('3 秒') // e2e/rules.yaml's intake limit
  await expect(admin.locator('.el-descriptions')).toContainText('1 级：乡镇审核人，2 级：督查')
  await finish(admin, 'admin-rules')

  await admin.getByRole('menuitem', { name: '工作日历' }).click()
  await admin.locator('.el-select').first().click()
  await admin.getByRole('option', { name: '2026 年' }).click()
  await expect(admin.getByTestId('holidays')).toContainText('2026-10-01')
  await expect(admin.getByTestId('workdays')).toContainText('2026-09-20')
  await finish(admin, 'admin-calendar')
})
