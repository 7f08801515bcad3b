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

test('the administrator adds a township and its clerk, who changes the initial password at first sign-in', async ({ browser }) => {
  const admin = await signIn(browser, 'admin')
  await admin.getByRole('menuitem', { name: '用户与单位' }).click()
  await expect(admin.getByTestId('orgs')).toContainText('云岭镇')

  // A code outside the county is refused on its field; the right one is added.
  await admin.getByTestId('new-org').click()
  const orgForm = admin.getByTestId('org-form')
  await orgForm.getByPlaceholder('9 位乡级代码').fill('349902102')
  await orgForm.locator('.el-form-item', { hasText: '名称' }).locator('input').fill('青山镇')
  await admin.getByTestId('save-org').click()
  await expect(orgForm).toContainText('并以上级代码 349901 开头')
  await orgForm.getByPlaceholder('9 位乡级代码').fill('349901102')
  await admin.getByTestId('save-org').click()
  await expect(admin.getByTestId('orgs')).toContainText('青山镇')

  await admin.getByTestId('new-user').click()
  const userForm = admin.getByTestId('user-form')
  await userForm.getByPlaceholder('小写字母开头，如 clerk_qs').fill('clerk_qs')
  await userForm.locator('.el-form-item', { hasText: '姓名' }).locator('input').fill('吴静')
  await userForm.locator('.el-form-item', { hasText: '单位' }).locator('.el-select').click()
  await admin.getByRole('option', { name: '青山镇' }).click()
  // The password policy refuses a short one on its field.
  await userForm.getByPlaceholder('不少于 12 位，至少 3 类字符').fill('qingshan2026')
  await admin.getByTestId('save-user').click()
  await expect(userForm).toContainText('须包含小写字母、大写字母、数字、符号中的至少 3 类')
  await userForm.getByPlaceholder('不少于 12 位，至少 3 类字符').fill('Qingshan-2026')
  await admin.getByTestId('save-user').click()
  await expect(admin.getByTestId('users')).toContainText('吴静')
  await finish(admin, 'admin-users')

  // The administrator's password is an initial one: the first sign-in must change it.
  const ctx = await browser.newContext({ baseURL: baseURL(), locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const clerk = await ctx.newPage()
  watchConsole(clerk)
  await clerk.goto('/login')
  await clerk.getByPlaceholder('请输入用户名').fill('clerk_qs')
  await clerk.getByPlaceholder('请输入密码').fill('Qingshan-2026')
  await clerk.getByRole('button', { name: '登录' }).click()
  await expect(clerk).toHaveURL(/\/security\/password$/)
  await clerk.getByTestId('old-password').fill('Qingshan-2026')
  await clerk.getByTestId('new-password').fill('Qingshan-2027')
  await clerk.getByTestId('again-password').fill('Qingshan-2027')
  await clerk.getByTestId('save-password').click()
  await expect(clerk).toHaveURL(/\/tasks$/)
  await expect(clerk.locator('header')).toContainText('青山镇')
  await finish(clerk, 'password-changed')
  await signIn(browser, 'clerk_qs', 'Qingshan-2027')
})
