// First-load time of the page on a running mzflow, in Debian's Chromium with a cold cache
// each time: `node e2e/first-load.mjs http://127.0.0.1:8080`. Prints the median of 7 loads
// of /login (until the sign-in form is on screen) beside the same run's baseline, the
// bare index.html request, so the figure can be read against this machine's speed.
import { chromium } from '@playwright/test'

const base = process.argv[2] ?? 'http://127.0.0.1:8080'
const runs = 7
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
})
const page = [], html = [], bytes = []
for (let i = 0; i < runs; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
  const p = await ctx.newPage()
  let transferred = 0
  p.on('response', async (r) => {
    const n = Number((await r.allHeaders())['content-length'] ?? 0)
    transferred += n
  })
  const t0 = Date.now()
  await p.goto(base + '/login')
  await p.getByRole('button', { name: '登录' }).waitFor()
  page.push(Date.now() - t0)
  bytes.push(transferred)
  const t1 = Date.now()
  await p.request.get(base + '/login')
  html.push(Date.now() - t1)
  await ctx.close()
}
await browser.close()
console.log(`first load of /login until the form shows: median ${median(page)} ms over ${runs} cold loads ` +
  `(baseline, index.html alone: ${median(html)} ms; ratio ${(median(page) / Math.max(1, median(html))).toFixed(0)}x); ` +
  `bytes on the wire ${Math.round(median(bytes) / 1024)} KB`)
