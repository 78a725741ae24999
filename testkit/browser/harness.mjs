// harness.mjs: what the browser tests of web/ (the UI) and sdk/js (sieve.js)
// share: bin/sieve on a free 127.0.0.1 port with a fresh data directory,
// Debian's Chromium headless with a fresh profile, and searches of the data
// directory. Nothing is downloaded. It imports no npm package: each test
// suite passes its own playwright-core `chromium` to launch(), so the file
// needs no node_modules of its own.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium'
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * freePort is a TCP port free on 127.0.0.1 at the time of asking: any, or
 * with SIEVE_TEST_PORTS=FROM-TO (e.g. 18900-18999, for a machine shared
 * with others) the first free one in that range, from a random start.
 */
export async function freePort() {
  const m = /^(\d+)-(\d+)$/.exec(process.env.SIEVE_TEST_PORTS || '')
  if (!m) return listenOn(0)
  const [lo, hi] = [Number(m[1]), Number(m[2])]
  const start = Math.floor(Math.random() * (hi - lo + 1))
  for (let i = 0; i <= hi - lo; i++) {
    try {
      return await listenOn(lo + ((start + i) % (hi - lo + 1)))
    } catch {
      // Taken: the next one.
    }
  }
  throw new Error(`no free port in SIEVE_TEST_PORTS=${process.env.SIEVE_TEST_PORTS}`)
}

function listenOn(want) {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(want, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

/**
 * startSieve runs `bin serve` with a fresh data directory and a random
 * admin key (extra environment in env) and waits for /healthz. Returns
 * {url, port, dataDir, adminKey, api, apiText, log(), stop(), proc}: api and
 * apiText call the server with the admin key (or the auth given) and throw
 * on a status that is not 2xx, api parsing the JSON answer. stop() ends the
 * server; it removes the data directory too unless keepData.
 */
export async function startSieve({ bin, env = {}, keepData = false } = {}) {
  if (!bin || !existsSync(bin)) throw new Error(`no Sieve binary at ${bin}: run \`make build\` or set SIEVE_BIN`)
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'sieve-browser-data-'))
  const adminKey = randomBytes(24).toString('hex')
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir], {
    env: { ...process.env, SIEVE_ADMIN_KEY: adminKey, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout.on('data', (b) => (output += b))
  proc.stderr.on('data', (b) => (output += b))
  let exited = null
  proc.on('exit', (code, sig) => (exited = { code, sig }))

  const apiText = async (method, path, body, auth = `Bearer ${adminKey}`) => {
    const r = await fetch(url + path, {
      method,
      headers: { ...(auth ? { Authorization: auth } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status}: ${text.slice(0, 300)}`)
    return text
  }
  const api = async (...args) => {
    const text = await apiText(...args)
    return text ? JSON.parse(text) : null
  }
  const stop = async () => {
    if (!exited) {
      proc.kill('SIGTERM')
      for (let i = 0; i < 100 && !exited; i++) await sleep(100)
      if (!exited) proc.kill('SIGKILL')
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true })
  }
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`sieve serve exited (${JSON.stringify(exited)}) before it was ready:\n${output.slice(-2000)}`)
    try {
      if ((await fetch(url + '/healthz')).status === 200) break
    } catch {
      // Not listening yet.
    }
    if (i > 300) {
      await stop()
      throw new Error(`sieve serve was not healthy after 30 s:\n${output.slice(-2000)}`)
    }
    await sleep(100)
  }
  return { url, port, dataDir, adminKey, api, apiText, stop, log: () => output, proc }
}

/**
 * launch starts Debian's Chromium headless with a fresh profile through the
 * caller's playwright-core chromium; options go to launchPersistentContext
 * (args are added to the defaults). Returns {context, stop()}.
 */
export async function launch(chromium, { args = [], ...options } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (web/scripts/setup.sh --browser)`)
  const profile = mkdtempSync(join(tmpdir(), 'sieve-browser-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  })
  return {
    context,
    stop: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** filesUnder lists every regular file below dir. */
export function filesUnder(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) out.push(...filesUnder(p))
    else if (st.isFile()) out.push(p)
  }
  return out
}

/** filesHolding lists the files below dir whose bytes contain s. */
export function filesHolding(dir, s) {
  return filesUnder(dir).filter((f) => readFileSync(f).includes(Buffer.from(s)))
}
