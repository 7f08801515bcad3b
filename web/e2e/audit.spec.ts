// The audit administrator's page: the menu entry only that role sees, the rows of a
// failed and a successful sign-in, the xlsx export (itself a row) and the chain check.
import { expect, test } from '@playwright/test'
import { finish, signIn } from './helpers'

test('the audit administrator reads the sign-ins and exports them', async ({ browser }) => {
  // A failed sign-in to find: the API refuses it and the audit log keeps it.
  const other = await signIn(browser, 'clerk_yl')
  await expect(other.getByTestId('menu-audit')).toHaveCount(0)
  await other.request.post('/api/v1/auth/login', { data: { username: 'clerk_yl', password: 'wrong-password' } })

  const page = await signIn(browser, 'auditor')
  await page.getByTestId('menu-audit').click()
  await expect(page).toHaveURL(/\/admin\/audit$/)
  const rows = page.getByTestId('audit-rows')
  await page.getByTestId('audit-user').fill('clerk_yl')
  await page.getByTestId('audit-search').click()
  await expect(rows).toContainText('POST /auth/login')
  await expect(rows).toContainText('拒绝 401')
  await expect(rows).toContainText('成功 200')

  const download = page.waitForEvent('download')
  await page.getByTestId('audit-export').click()
  expect((await download).suggestedFilename()).toMatch(/^audit-\d{8}-\d{6}\.xlsx$/)

  await page.getByTestId('audit-user').fill('auditor')
  await page.getByTestId('audit-action').fill('GET /audit')
  await page.getByTestId('audit-search').click()
  await expect(rows).toContainText('export xlsx')

  await page.getByTestId('audit-verify').click()
  await expect(page.getByTestId('audit-check')).toContainText('哈希链完整')
  await finish(page, 'audit-log')
})
