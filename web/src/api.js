// api.js: the one way the UI talks to the server. The session cookie is
// HttpOnly (never seen here); the CSRF token lives only in memory and goes
// with every changing request. No credential is ever put in storage or URLs.

let csrf = ''
let onSignedOut = () => {}

export function setCSRF(token) { csrf = token || '' }
export function whenSignedOut(fn) { onSignedOut = fn }

/** ApiError carries the server's sentence and the HTTP status. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

const words = {
  0: 'The server cannot be reached. Is `sieve serve` running?',
  401: 'Your session has ended. Sign in again.',
  403: 'Your role may not see or do this.',
  404: 'Not found.',
  429: 'Too many attempts. Wait a minute and try again.',
  503: 'The server is shutting down or not ready.',
}

/** api sends one request and returns the parsed JSON (or text for JSONL). */
export async function api(method, path, body, { raw = false, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf
  let r
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' })
  } catch {
    throw new ApiError(0, words[0])
  }
  if (r.status === 204) return null
  const text = await r.text()
  if (!r.ok) {
    let msg = ''
    try { msg = JSON.parse(text).error } catch { /* not JSON */ }
    if (r.status === 401 && !quiet401) onSignedOut()
    throw new ApiError(r.status, msg ? capitalize(msg) + (msg.endsWith('.') ? '' : '.') : (words[r.status] || `The server answered HTTP ${r.status}.`))
  }
  if (raw) return text
  return text ? JSON.parse(text) : null
}

function capitalize(s) { return s.charAt(0).toUpperCase() + s.slice(1) }

/** qs builds a query string from an object, skipping empty values. */
export function qs(o) {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? '?' + s : ''
}
