// The staff's day in a real browser: each demo user in their own browser session moves
// cases through their steps on the page, as docs/api.md's demo users would.
import { expect, test } from '@playwright/test'
import { decide, field, fileCase, finish, idNumber, openCase, signIn } from './helpers'

test.describe.configure({ mode: 'serial' })

let dibaoCase = ''

test('a 低保 application filed by the clerk is moved by each role until approved', async ({ browser }) => {
  const clerk = await signIn(browser, 'clerk_yl')
  dibaoCase = await fileCase(clerk, '最低生活保障', '王秀英', idNumber('19560312', 21))

  // Intake: accepted as filed.
  await decide(clerk, 'intake')
  // Investigation: the household, by two investigators (the page refuses one first).
  await decide(clerk, 'investigation', async (f) => {
    await field(f, 'household_income_monthly', '620')
    await field(f, 'members', '2')
    await field(f, 'investigators', '李明')
    await f.getByTestId('decide-submit').click()
    await expect(f.getByTestId('f-investigators')).toContainText('入户调查人员不少于 2 人')
    await field(f, 'investigators', '李明、张华')
  })
  // The information check still runs beside the investigation: the bar stays there.
  await expect(clerk.getByTestId('progress').locator('.el-step__title.is-process')).toHaveText('家庭经济状况调查')
  await finish(clerk, 'clerk-investigated')

  // Information check at the county, in parallel with the investigation.
  const reviewer = await signIn(browser, 'reviewer')
  await openCase(reviewer, dibaoCase)
  await decide(reviewer, 'info_check', async (f) => {
    await f.getByText('通过（收入、财产符合条件）').click()
  })

  // Township review proposes the monthly amount; publicity opens with its countdown.
  // The head finds it in 待办 and opens it from there.
  const head = await signIn(browser, 'head_yl')
  const inbox = head.locator('.el-table__row', { hasText: '王秀英' })
  await expect(inbox).toContainText('乡镇审核')
  await inbox.getByRole('link', { name: '办理' }).click()
  await expect(head).toHaveURL(new RegExp(`/cases/${dibaoCase}$`))
  await decide(head, 'township_review', async (f) => {
    await field(f, 'proposed_amount_monthly', '480')
  })
  await expect(head.getByTestId('publicity')).toBeVisible()
  await expect(head.getByTestId('countdown')).toHaveText(/\d\d:\d\d:\d\d/)
  await finish(head, 'publicity-countdown')

  // The publicity ends by itself (8 s in the test rules); the county reviewer's page sees
  // the case move on and records the home visit of this spot-checked case.
  await openCase(reviewer, dibaoCase)
  const review = reviewer.getByTestId('decide-county_review')
  await expect(review).toBeVisible({ timeout: 60_000 })
  await decide(reviewer, 'county_review', async (f) => {
    await f.getByTestId('decide-submit').click()
    await expect(f.getByTestId('f-home_visit')).toContainText('须入户核查')
    const date = f.getByTestId('f-home_visit').getByPlaceholder('入户日期')
    await date.fill('2026-11-20')
    await date.press('Enter')
    await f.getByTestId('f-home_visit').getByPlaceholder('核查人员，用顿号分隔').fill('赵强、钱敏')
  })
  // The reviewer may see the full ID number; the reveal is logged in the timeline.
  await reviewer.getByTestId('reveal').click()
  const why = reviewer.locator('.el-message-box')
  await why.getByRole('textbox').fill('核对户籍信息')
  await why.getByRole('button', { name: '查看' }).click()
  await expect(reviewer.getByTestId('id-number')).toHaveText(idNumber('19560312', 21))
  await expect(reviewer.getByTestId('timeline')).toContainText('查看身份证号码')

  // The approver decides; the case is approved at 480.00 元 a month.
  const approver = await signIn(browser, 'approver')
  await openCase(approver, dibaoCase)
  await decide(approver, 'county_decision', async (f) => {
    await field(f, 'amount_monthly', '480')
  })
  await expect(approver.getByTestId('case-status')).toHaveText('已批准')
  await expect(approver.getByTestId('amount')).toHaveText('480.00 元')
  await expect(approver.getByTestId('id-number')).toHaveText(/^110105\*+\d{3}[\dX]$/)
  await expect(approver.getByTestId('timeline')).toContainText('批准')
  await finish(approver, 'dibao-approved')
})

test('a township user cannot open another township\'s case', async ({ browser }) => {
  expect(dibaoCase, 'the approval test filed a case').not.toBe('')
  const other = await signIn(browser, 'clerk_hs')
  await openCase(other, dibaoCase)
  await expect(other.getByTestId('case-error')).toBeVisible()
  await expect(other.getByText('王秀英')).toHaveCount(0)
  await other.goto('/cases')
  await expect(other.locator('.el-table')).toContainText('暂无申请')
  await finish(other, 'township-isolation')
})

test('an objection during publicity leads to a rejection whose written notice prints on A4', async ({ browser }) => {
  const clerk = await signIn(browser, 'clerk_yl')
  const id = await fileCase(clerk, '特困人员供养', '陈桂兰', idNumber('19400708', 33))
  await decide(clerk, 'intake')
  await decide(clerk, 'investigation', async (f) => {
    await field(f, 'household_income_monthly', '0')
    await field(f, 'members', '1')
    await field(f, 'investigators', '李明、张华')
  })
  const reviewer = await signIn(browser, 'reviewer')
  await openCase(reviewer, id)
  await decide(reviewer, 'info_check', async (f) => {
    await f.getByText('通过（收入、财产符合条件）').click()
  })
  const head = await signIn(browser, 'head_yl')
  await openCase(head, id)
  await decide(head, 'township_review', async (f) => {
    await field(f, 'proposed_amount_monthly', '1200')
  })

  // An objection through the form ends the publicity and opens the objection review.
  await openCase(clerk, id)
  await expect(clerk.getByTestId('countdown')).toBeVisible()
  await clerk.getByTestId('f-objection').locator('textarea').fill('申请人子女有稳定收入并有赡养能力')
  await clerk.getByTestId('objection-submit').click()
  await expect(clerk.getByTestId('publicity')).toBeHidden()
  await expect(clerk.getByTestId('timeline')).toContainText('收到异议')

  // The head upholds the objection: a rejection needs reasons (the page asks first).
  await openCase(head, id)
  await decide(head, 'objection_review', async (f) => {
    await f.getByText('异议成立，不予批准').click()
    await f.getByTestId('decide-submit').click()
    await expect(f.getByTestId('f-comment')).toContainText('必须填写理由')
    await f.getByTestId('f-comment').locator('textarea').fill('经复查，申请人子女有赡养能力，不符合特困人员认定条件。')
  })
  await expect(head.getByTestId('case-status')).toHaveText('未批准')
  await expect(head.getByTestId('progress').locator('.el-step__title.is-error')).toHaveText('公示')

  // The clerk prints the written notice with the reasons, then records its delivery.
  await openCase(clerk, id)
  await clerk.getByTestId('print-notice').click()
  const notice = clerk.getByTestId('notice')
  await expect(notice).toContainText('不予批准特困人员供养告知书')
  await expect(clerk.getByTestId('notice-reason')).toHaveText('经复查，申请人子女有赡养能力，不符合特困人员认定条件。')
  await expect(notice).toContainText('申请行政复议')
  const box = await notice.boundingBox()
  // 210 mm at 96 dpi is 794 px: the sheet is laid out on A4.
  expect(Math.round(box?.width ?? 0)).toBe(794)
  await clerk.emulateMedia({ media: 'print' })
  await expect(clerk.getByTestId('print')).toBeHidden()
  await finish(clerk, 'rejection-notice')
  await clerk.emulateMedia({ media: 'screen' })

  await clerk.goBack()
  await decide(clerk, 'notice', async (f) => {
    const date = f.getByTestId('f-delivered_at').locator('input')
    await date.fill('2026-11-24')
    await date.press('Enter')
    await f.getByTestId('f-method').locator('.el-select').click()
    await clerk.getByRole('option', { name: '直接送达' }).click()
  })
  await finish(clerk, 'notice-delivered')
})

test('the supervisors\' board shows a task made overdue by the short rules', async ({ browser }) => {
  const clerk = await signIn(browser, 'clerk_yl')
  await fileCase(clerk, '临时救助', '刘建国', idNumber('19781102', 45))

  // Intake is due in 3 s and escalates every 2 s: township head, then the supervisor.
  const supervisor = await signIn(browser, 'supervisor')
  await supervisor.goto('/overdue')
  const board = supervisor.getByTestId('overdue-board')
  await expect(async () => {
    await supervisor.getByRole('button', { name: '刷新' }).click()
    await expect(board).toContainText('刘建国', { timeout: 2_000 })
    await expect(board.locator('tr', { hasText: '刘建国' })).toContainText('2 级', { timeout: 2_000 })
  }).toPass({ timeout: 60_000 })
  const row = board.locator('tr', { hasText: '刘建国' })
  await expect(row).toContainText('受理')
  await expect(row).toContainText('工作日') // overdue by, in working days
  await expect(row).toContainText('云岭镇')
  await expect(row).toContainText('督查')
  await expect(supervisor.getByTestId('township-chart').locator('canvas')).toBeVisible()
  await expect(supervisor.getByTestId('summary-table')).toContainText('云岭镇')

  // The escalation reached the supervisor's messages: the header counts it.
  await expect(async () => {
    await supervisor.reload()
    await expect(supervisor.getByTestId('unread')).toContainText(/\d+/, { timeout: 2_000 })
  }).toPass({ timeout: 60_000 })
  await finish(supervisor, 'supervisor-board')

  await supervisor.getByTestId('unread').click()
  await expect(supervisor.getByTestId('notifications')).toContainText('刘建国')
  await finish(supervisor, 'notifications')
})

test('the new-application form checks the ID number as the server does and warns of a duplicate case', async ({ browser }) => {
  const clerk = await signIn(browser, 'clerk_yl')
  await clerk.goto('/cases/new')
  await clerk.locator('.el-radio-button', { hasText: '临时救助' }).click()
  await clerk.getByLabel('申请人姓名').fill('刘建国')
  // One digit off: the check digit no longer matches, caught before anything is sent.
  const good = idNumber('19781102', 45)
  const bad = good.slice(0, 16) + String((Number(good[16]) + 1) % 10) + good[17]
  await clerk.getByLabel('身份证号码').fill(bad)
  await clerk.getByLabel('身份证号码').blur()
  await expect(clerk.locator('.el-form-item', { has: clerk.getByLabel('身份证号码') })).toContainText('身份证号码校验位不正确')
  // The same person and program as the case still at intake: the server's warning links to it.
  await clerk.getByLabel('身份证号码').fill(good)
  await clerk.getByRole('button', { name: '提交申请' }).click()
  await expect(clerk.getByTestId('form-error')).toContainText('不能重复受理')
  await clerk.getByRole('link', { name: '查看已有申请' }).click()
  await expect(clerk).toHaveURL(/\/cases\/(?!new)[^/]+$/)
  await expect(clerk.getByTestId('case-program')).toHaveText('临时救助')
  await finish(clerk, 'duplicate-warning')
})
