// harness.js: a Sieve server, a page server and a headless Chromium for the
// browser tests, on the shared harness (testkit/browser). Everything binds
// to 127.0.0.1 and is torn down by stop().
import { readFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import * as kit from '../../../../testkit/browser/harness.mjs'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const { filesUnder } = kit
const { sleep } = kit

/**
 * startSieve runs `sieve serve` on a free 127.0.0.1 port with a fresh data
 * directory and waits for /healthz. Returns {url, dataDir, adminKey, log(),
 * api(), stop(), proc}; api answers the body's text. The data directory
 * stays after stop() (the test removes it).
 */
export async function startSieve() {
  const s = await kit.startSieve({ bin: resolve(root, process.env.SIEVE_BIN || '../../bin/sieve'), keepData: true })
  return { ...s, api: s.apiText }
}

/** createProject makes a project and turns autotrack on when asked; returns {id, token, api_secret}. */
export async function createProject(sieve, name, autotrack) {
  const p = JSON.parse(await sieve.api('POST', '/api/projects', { name }))
  if (autotrack) await sieve.api('PATCH', `/api/projects/${p.id}`, { autotrack: true })
  return p
}

/** exportEvents reads today's raw export of a project as [{event, properties}]. */
export async function exportEvents(sieve, project) {
  const day = new Date().toISOString().slice(0, 10)
  const auth = 'Basic ' + Buffer.from(project.api_secret + ':').toString('base64')
  const text = await sieve.api('GET', `/api/2.0/export?project_id=${project.id}&from_date=${day}&to_date=${day}`, null, auth)
  return { text, events: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) }
}

/** pageServer serves routes {path: () => {type, body}} on a free 127.0.0.1 port. */
export async function pageServer(routes) {
  const srv = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    const route = routes[path]
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      return res.end('not found')
    }
    const { type, body } = route()
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' })
    res.end(body)
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${srv.address().port}`, stop: () => new Promise((r) => srv.close(r)) }
}

/**
 * recordingProxy forwards every request to target and records it first, so
 * the test sees each byte a page sent to Sieve, beacons sent while a page
 * unloads included. Returns {url, requests: [{method, url, headers, body}], stop()}.
 */
export async function recordingProxy(target) {
  const requests = []
  const t = new URL(target)
  const srv = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') })
      const headers = { ...req.headers, host: t.host }
      const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      })
      up.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      up.end(body)
    })
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${srv.address().port}`,
    requests,
    stop: () => new Promise((r) => srv.close(r)),
  }
}

/** vendor reads a file from node_modules. */
export function vendor(path) {
  return readFileSync(join(root, 'node_modules', path))
}

/** launch starts Debian's Chromium headless with a fresh profile; returns {context, stop()}. */
export function launch() {
  return kit.launch(chromium, { args: ['--disable-quic'] })
}

/**
 * decodings returns the forms a secret could take in a request body: the
 * raw text, its URL-decoded form, and the data= field both as sent and
 * base64-decoded (mixpanel-browser's payload encoding).
 */
export function decodings(text) {
  const out = [text]
  try {
    out.push(decodeURIComponent(text.replace(/\+/g, ' ')))
  } catch {
    // Not URL-encoded.
  }
  const data = new URLSearchParams(text).get('data')
  if (data) out.push(data, Buffer.from(data, 'base64').toString('utf8'))
  return out
}

/** waitFor polls fn every 250 ms until it returns something truthy. */
export async function waitFor(what, fn, ms = 30000) {
  const end = Date.now() + ms
  let last
  for (;;) {
    try {
      last = await fn()
      if (last) return last
    } catch (e) {
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ': ' + last.message : ''}`)
    await sleep(250)
  }
}
