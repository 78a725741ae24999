// harness.js: bin/sieve on a free 127.0.0.1 port with a fresh data
// directory, and Debian's Chromium with a fresh profile, for the web UI's
// browser tests. Nothing is downloaded.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const root = fileURLToPath(new URL('../../', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

/** startSieve runs `sieve serve` and waits for /healthz; returns {url, port, dataDir, adminKey, api, log, stop}. */
export async function startSieve() {
  const bin = resolve(root, process.env.SIEVE_BIN || 'bin/sieve')
  if (!existsSync(bin)) throw new Error(`no Sieve binary at ${bin}: run \`make build\` or set SIEVE_BIN`)
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'sieve-ui-data-'))
  const adminKey = randomBytes(24).toString('hex')
  const url = `http://127.0.0.1:${port}`
  let output = ''
  // Uncompressed files, so that a byte search of the data directory means something.
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir], {
    env: { ...process.env, SIEVE_ADMIN_KEY: adminKey, SIEVE_TEST_UNCOMPRESSED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout.on('data', (b) => (output += b))
  proc.stderr.on('data', (b) => (output += b))
  let exited = null
  proc.on('exit', (code, sig) => (exited = { code, sig }))

  const api = async (method, path, body, auth = `Bearer ${adminKey}`) => {
    const r = await fetch(url + path, {
      method,
      headers: { ...(auth ? { Authorization: auth } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status}: ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : null
  }
  const stop = async () => {
    if (!exited) {
      proc.kill('SIGTERM')
      for (let i = 0; i < 100 && !exited; i++) await sleep(100)
      if (!exited) proc.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`sieve serve exited (${JSON.stringify(exited)}):\n${output.slice(-2000)}`)
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
  return { url, port, dataDir, adminKey, api, stop, log: () => output }
}

/** launch starts Debian's Chromium headless with a fresh profile and a 1280x800 viewport; returns {context, stop}. */
export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run web/scripts/setup.sh --browser`)
  const profile = mkdtempSync(join(tmpdir(), 'sieve-ui-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
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

/**
 * unlabelled lists the visible form controls, buttons and links of the page
 * that have no accessible name (no label text of their own, aria-label,
 * aria-labelledby, title, or text for buttons and links): keyboard and
 * screen-reader users cannot tell what they do.
 */
export function unlabelled(page) {
  return page.evaluate(() => {
    const out = []
    const own = (label) => {
      const c = label.cloneNode(true)
      c.querySelectorAll('select, input, textarea').forEach((x) => x.remove())
      return c.textContent.trim()
    }
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')) {
      if (!el.getClientRects().length) continue // not shown
      const name = (el.getAttribute('aria-label') || '').trim() ||
        (el.getAttribute('aria-labelledby') || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim() || '').join('') ||
        [...(el.labels || [])].map(own).join('') ||
        (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent.trim() : '') ||
        (el.getAttribute('title') || '').trim()
      if (!name) out.push(el.outerHTML.slice(0, 160))
    }
    return out
  })
}
