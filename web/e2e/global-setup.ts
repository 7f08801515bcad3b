// Starts one `mzflow dev` for the whole run: a fresh data folder in the OS temp dir, a
// free HTTP port, any free Temporal port, the short rules of e2e/rules.yaml. The binary
// is the one `make e2e` just built (../bin/mzflow, with this page embedded).
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))))
    })
  })
}

async function waitReady(url: string, exited: () => string | null, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const why = exited()
    if (why) throw new Error(`mzflow dev stopped before it was ready (${why}); see test-output/mzflow-dev.log`)
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`mzflow dev not ready after ${ms / 1000}s; see test-output/mzflow-dev.log`)
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = resolve(process.env.MZFLOW_BIN ?? '../bin/mzflow')
  const data = mkdtempSync(join(tmpdir(), 'mzflow-e2e-'))
  const port = await freePort()
  mkdirSync('test-output/screenshots', { recursive: true })
  const log = createWriteStream('test-output/mzflow-dev.log')
  const child = spawn(
    bin,
    ['dev', '--data', data, '--addr', `127.0.0.1:${port}`, '--temporal-port', '0', '--rules', resolve('e2e/rules.yaml')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  let exit: string | null = null
  child.on('exit', (code, signal) => (exit = `exit ${code ?? signal}`))
  child.on('error', (e) => (exit = e.message))

  const base = `http://127.0.0.1:${port}`
  await waitReady(`${base}/readyz`, () => exit, 120_000)
  process.env.E2E_BASE_URL = base

  return async () => {
    if (!exit) {
      const stopped = new Promise((r) => child.once('exit', r))
      child.kill('SIGINT')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await stopped
      clearTimeout(timer)
    }
    rmSync(data, { recursive: true, force: true })
  }
}
