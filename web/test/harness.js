// harness.js: the web UI's browser tests on the shared harness
// (testkit/browser): bin/sieve on a free 127.0.0.1 port with a fresh data
// directory (files uncompressed, so that a byte search of it means
// something), and Debian's Chromium with a fresh profile and a 1280x800
// viewport. Nothing is downloaded.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import * as kit from '../../testkit/browser/harness.mjs'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const { filesHolding, filesUnder } = kit

/** startSieve runs `sieve serve` (with env added) and waits for /healthz; returns {url, port, dataDir, adminKey, api, log, stop}. */
export function startSieve(env = {}) {
  return kit.startSieve({ bin: resolve(root, process.env.SIEVE_BIN || 'bin/sieve'), env: { SIEVE_TEST_UNCOMPRESSED: '1', ...env } })
}

/** launch starts Debian's Chromium headless with a fresh profile, a 1280x800 viewport, the UTC time zone and the en-US locale; returns {context, stop}. */
export function launch() {
  // A fixed time zone and locale: what the page shows does not depend on the machine's.
  return kit.launch(chromium, { viewport: { width: 1280, height: 800 }, acceptDownloads: true, timezoneId: 'UTC', locale: 'en-US' })
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

/**
 * screenshot saves a screenshot of the page with what changes from run to
 * run although the UI does not left blank: instants the server stamps
 * (<time> elements, and ISO instants in text), durations (marked
 * data-volatile), random ids, tokens and hashes (runs of 12 or more
 * hex digits in text, drawn as dots), public keys (runs of 40 or more
 * base64 characters), the last 4 characters of masked secrets (after
 * ****), and the test server's port (after 127.0.0.1:), in text and in
 * inputs' values and placeholders. So docs/ui/*.png change only when
 * the UI does. The tests read those values before; hiding goes through
 * the CSSOM and text nodes (which the page's Content-Security-Policy
 * allows, unlike an injected stylesheet) and is undone afterwards.
 */
export async function screenshot(page, path) {
  await page.evaluate(() => {
    document.querySelectorAll('time, [data-volatile]').forEach((e) => e.style.setProperty('visibility', 'hidden'))
    const re = /[0-9a-f]{12,}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[0-9:.]*Z|(?<=127\.0\.0\.1:)\d{2,5}|(?<=\*\*\*\*)[\w-]{4}|[A-Za-z0-9+/]{40,}={0,2}/g
    const dots = (m) => '·'.repeat(Math.min(m.length, 16))
    const saved = []
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (re.test(n.data)) {
        saved.push([n, n.data])
        n.data = n.data.replace(re, dots)
      }
      re.lastIndex = 0
    }
    // Values typed into inputs (e.g. the test server's address and port).
    const inputs = []
    for (const el of document.querySelectorAll('input')) {
      if (re.test(el.value) || (re.lastIndex = 0, re.test(el.placeholder))) {
        inputs.push([el, el.value, el.placeholder])
        el.value = el.value.replace(re, dots)
        el.placeholder = el.placeholder.replace(re, dots)
      }
      re.lastIndex = 0
    }
    window.__shotSaved = saved
    window.__shotInputs = inputs
  })
  try {
    await page.screenshot({ path })
  } finally {
    await page.evaluate(() => {
      document.querySelectorAll('time, [data-volatile]').forEach((e) => e.style.removeProperty('visibility'))
      for (const [n, data] of window.__shotSaved || []) n.data = data
      for (const [el, value, placeholder] of window.__shotInputs || []) {
        el.value = value
        el.placeholder = placeholder
      }
      delete window.__shotSaved
      delete window.__shotInputs
    })
  }
}
