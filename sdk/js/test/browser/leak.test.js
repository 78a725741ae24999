// Browser tests: sieve.js (autotrack on) on pages built to leak, and the
// official mixpanel-browser SDK, both against a real Sieve server.
//
// Needs bin/sieve (or SIEVE_BIN) and Debian's chromium (scripts/setup.sh).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { createProject, decodings, exportEvents, filesUnder, launch, pageServer, recordingProxy, root, startSieve, vendor, waitFor } from './harness.js'

const hex = () => randomBytes(6).toString('hex')
// Not a secret: tracked on purpose, so it must be found where the secrets must not.
const CANARY = 'Canary' + hex() + 'Ok'
// What the test types or puts on the pages; none may leave the browser.
const S = {
  password: 'Pw' + hex() + 'Zq',
  otp: String(randomInt(10000000, 99999999)),
  card: '4242424242424242',
  note: 'Note' + hex() + 'Xy',
  hidden: 'csrf' + hex() + 'Hd',
  hidden2: 'sess' + hex() + 'Hd',
  link: 'reset' + hex() + 'Lk',
  pageToken: 'page' + hex() + 'Tk',
  plainField: 'Plain' + hex() + 'Fd',
  memo: 'Memo' + hex() + 'Rc',
  linkText: 'txt' + hex() + 'Lt', // a token in a link's visible URL text
  // typed, then echoed by a button's text; words, not token-shaped, so that
  // only the echo rule can keep it out
  search: 'quiet ' + hex().replace(/[0-9]/g, (d) => 'ghijklmnop'[d]) + ' plans',
}

let sieve
let browser
let pages
let sieveProject
let mpProject
let proxy // the pages talk to Sieve through it; proxy.requests holds all they sent

before(async () => {
  sieve = await startSieve()
  sieveProject = await createProject(sieve, 'browser', true)
  mpProject = await createProject(sieve, 'mixpanel-browser', false)
  proxy = await recordingProxy(sieve.url)
  pages = await pageServer(routes())
  browser = await launch()
})

after(async () => {
  if (browser) await browser.stop()
  if (pages) await pages.stop()
  if (proxy) await proxy.stop()
  if (sieve) {
    await sieve.stop()
    rmSync(sieve.dataDir, { recursive: true, force: true })
  }
})

function html(title, head, body) {
  return { type: 'text/html; charset=utf-8', body: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>` }
}

function sieveTag() {
  return `<script src="${proxy.url}/sdk/sieve.js" data-token="${sieveProject.token}"></script>`
}

function routes() {
  const js = (b) => () => ({ type: 'text/javascript; charset=utf-8', body: b })
  return {
    '/vendor/react.js': js(vendor('react/umd/react.production.min.js')),
    '/vendor/react-dom.js': js(vendor('react-dom/umd/react-dom.production.min.js')),
    '/vendor/mixpanel.module.js': js(vendor('mixpanel-browser/dist/mixpanel.module.js')),
    '/login': () =>
      html(
        'Sign in',
        sieveTag() + '<script src="/vendor/react.js"></script><script src="/vendor/react-dom.js"></script>',
        `<div id="app"></div>
        <input type="hidden" name="session" value="${S.hidden2}">
        <form id="card-form" class="card" onsubmit="event.preventDefault()">
          <input id="cc-number" name="cc-number" autocomplete="cc-number" inputmode="numeric">
          <input id="cc-exp" name="cc-exp" autocomplete="cc-exp">
          <input id="cvc" name="cvc" autocomplete="cc-csc">
          <input id="plain" name="f1" type="text">
          <button id="pay" type="submit">Pay now</button>
        </form>
        <label>Code <input id="otp" name="code" autocomplete="one-time-code" inputmode="numeric"></label>
        <div id="note" class="note" contenteditable="true"></div>
        <script>
          const h = React.createElement
          function Login() {
            const [user, setUser] = React.useState('')
            const [pw, setPw] = React.useState('')
            const [show, setShow] = React.useState(false)
            const [memo, setMemo] = React.useState('')
            return h('form', { id: 'login', method: 'GET', action: '/welcome' },
              h('input', { id: 'username', name: 'username', value: user, onChange: (e) => setUser(e.target.value) }),
              h('input', { id: 'memo', name: 'memo', title: 'Memo', value: memo, onChange: (e) => setMemo(e.target.value) }),
              h('div', { id: 'pw-wrap', className: 'pw-wrap' },
                h('input', { id: 'password', name: 'password', type: show ? 'text' : 'password', autoComplete: 'current-password', value: pw, onChange: (e) => setPw(e.target.value) })),
              h('button', { id: 'toggle', type: 'button', onClick: () => setShow(!show) }, show ? 'Hide password' : 'Show password'),
              h('input', { type: 'hidden', name: 'csrf_token', value: '${S.hidden}' }),
              h('button', { id: 'sign-in', type: 'submit' }, 'Sign in'))
          }
          ReactDOM.createRoot(document.getElementById('app')).render(h(Login))
          // A password manager marking the field it filled.
          document.addEventListener('input', (e) => {
            const t = e.target
            if (t.id !== 'password') return
            t.setAttribute('data-com-onepassword-filled', 'dark')
            t.setAttribute('data-pm-value', t.value)
            t.setAttribute('title', 'Filled: ' + t.value)
            t.parentElement.setAttribute('data-lastpass-icon-root', 'true')
          }, true)
        </script>`,
      ),
    '/welcome': () =>
      html(
        'Welcome',
        sieveTag(),
        `<h1>Welcome</h1><p><a id="reset-link" href="/next?token=${S.link}&utm_source=browser-test">Reset your password</a></p>
        <p><a id="url-text" href="#copied">https://app.example/reset?token=${S.linkText}&amp;utm_source=mail</a></p>
        <input id="search" name="q"><button id="echo" type="button">Search for <span id="echoed"></span></button>
        <script>document.getElementById('search').addEventListener('input', (e) => { document.getElementById('echoed').textContent = e.target.value })</script>`,
      ),
    '/next': () => html('Next', sieveTag(), '<h1>Next</h1>'),
    '/mixpanel': () =>
      html(
        'mixpanel-browser',
        '',
        `<h1>mixpanel-browser</h1>
        <script type="module">
          import mixpanel from '/vendor/mixpanel.module.js'
          mixpanel.init('${mpProject.token}', { api_host: '${proxy.url}', batch_flush_interval_ms: 500 })
          mixpanel.identify('mp-user-1')
          mixpanel.track('mp batch event', { plan: 'pro', emoji: 'ok \u{1F600}' })
          mixpanel.people.set({ name: 'Ada' })
          window.mp = mixpanel
        </script>`,
      ),
  }
}

async function sieveReady(page) {
  await waitFor('sieve.js autotrack', () => page.evaluate(() => !!(window.sieve && window.sieve.autotrack_enabled && window.sieve.autotrack_enabled())), 15000)
}

// A beacon is a POST the browser sends in no-cors mode (fetch and XHR use cors).
const isBeacon = (r) => r.method === 'POST' && r.headers['sec-fetch-mode'] === 'no-cors'

function leaks(text) {
  return Object.entries(S)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k)
}

test('sieve.js autotrack captures clicks, submits and pageviews but no typed secret', async () => {
  const page = await browser.context.newPage()
  await page.goto(`${pages.url}/login?token=${S.pageToken}&utm_source=browser-test`)
  await sieveReady(page)

  await page.locator('#username').pressSequentially('ada')
  await page.locator('#memo').pressSequentially(S.memo)
  await page.locator('#password').pressSequentially(S.password)
  // The 2017 mechanism is live on this page: React mirrors the value into the attribute,
  // and the password manager wrote it into more attributes.
  assert.equal(await page.locator('#password').getAttribute('value'), S.password)
  assert.equal(await page.locator('#password').getAttribute('data-pm-value'), S.password)
  assert.equal(await page.locator('#memo').getAttribute('value'), S.memo)
  await page.locator('#toggle').click()
  assert.equal(await page.locator('#password').getAttribute('type'), 'text')
  await page.locator('#password').click()
  await page.locator('#toggle').click()
  await page.locator('#cc-number').pressSequentially(S.card)
  await page.locator('#cc-exp').pressSequentially('12/34')
  await page.locator('#cvc').pressSequentially('737')
  await page.locator('#plain').pressSequentially(S.plainField)
  await page.locator('#pay').click()
  await page.locator('#otp').pressSequentially(S.otp)
  await page.locator('#note').click()
  await page.keyboard.type(S.note)
  await page.locator('#note').click()
  await page.locator('#username').click()

  // Submitting the GET form puts the password into the next page's URL.
  await Promise.all([page.waitForURL(/\/welcome\?/), page.locator('#sign-in').click()])
  assert.ok(page.url().includes(S.password), 'the browser URL carries the password, as a GET form does')
  await sieveReady(page)
  await page.locator('#url-text').click()
  await page.locator('#search').pressSequentially(S.search)
  await page.locator('#echo').click()
  await Promise.all([page.waitForURL(/\/next\?/), page.locator('#reset-link').click()])
  await sieveReady(page)
  await page.evaluate((c) => window.sieve.track('browser canary', { canary: c }), CANARY)
  await page.evaluate(() => window.sieve.flush())

  const want = (evs) => {
    const by = (name, f) => evs.some((e) => e.event === name && f(e.properties))
    return (
      by('$mp_web_page_view', (p) => p.current_url_path === '/login') &&
      by('$mp_web_page_view', (p) => p.current_url_path === '/welcome') &&
      by('$mp_web_page_view', (p) => p.current_url_path === '/next') &&
      by('$mp_click', (p) => p.$el_id === 'toggle') &&
      by('$mp_click', (p) => p.$el_id === 'reset-link') &&
      by('$mp_click', (p) => p.$el_id === 'url-text' && /^https:\/\/app\.example\/reset\?utm_source=mail$/.test(p.$el_text)) &&
      by('$mp_click', (p) => p.$el_id === 'echo' && p.$el_text === undefined) &&
      by('$mp_submit', (p) => p.$el_id === 'login') &&
      by('$mp_submit', (p) => p.$el_id === 'card-form') &&
      by('$mp_input_change', (p) => p.$el_tag_name === 'input') &&
      by('$mp_input_change', (p) => p.$el_attr__name === 'memo') &&
      by('browser canary', (p) => p.canary === CANARY)
    )
  }
  const exp = await waitFor('the autotrack events in the export', async () => {
    const r = await exportEvents(sieve, sieveProject)
    return want(r.events) && r
  })
  await page.close()

  const evs = exp.events
  const toggle = evs.find((e) => e.event === '$mp_click' && e.properties.$el_id === 'toggle').properties
  assert.equal(toggle.$el_text, 'Show password')
  assert.equal(toggle.$lib, 'sieve-js')
  const link = evs.find((e) => e.event === '$mp_click' && e.properties.$el_id === 'reset-link').properties
  assert.equal(link.$el_attr__href, `${pages.url}/next?utm_source=browser-test`)
  const login = evs.find((e) => e.event === '$mp_web_page_view' && e.properties.current_url_path === '/login').properties
  assert.equal(login.$current_url, `${pages.url}/login?utm_source=browser-test`)
  const next = evs.find((e) => e.event === '$mp_web_page_view' && e.properties.current_url_path === '/next').properties
  assert.equal(next.$referrer, `${pages.url}/welcome`)
  const pwChange = evs.filter((e) => e.event === '$mp_input_change' && JSON.stringify(e.properties).includes('"password"'))
  assert.deepEqual(pwChange, [], 'the password field is described by tag and position only')

  // Nothing typed left the browser: requests (intercepted), export, server log, data files.
  const sent = proxy.requests.filter((r) => r.url.startsWith('/track/'))
  assert.ok(sent.some(isBeacon), 'events were sent with sendBeacon when pages were left')
  assert.ok(sent.some((r) => !isBeacon(r)), 'events were sent with fetch')
  for (const r of proxy.requests) {
    const found = [...decodings(r.body), r.url, decodeURIComponent(r.url), JSON.stringify(r.headers)].flatMap(leaks)
    assert.deepEqual(found, [], `request ${r.url.replace(/\?.*/, '')} carries ${found}`)
  }
  assert.deepEqual(leaks(exp.text), [], 'export')
  assert.deepEqual(leaks(sieve.log()), [], 'server log')
  // Read while the server runs: its write-ahead log holds values in the clear,
  // which the canary proves (compressed files alone would make a byte search vacuous).
  let canarySeen = false
  for (const f of filesUnder(sieve.dataDir)) {
    const bytes = readFileSync(f).toString('latin1')
    canarySeen ||= bytes.includes(CANARY)
    assert.deepEqual(leaks(bytes), [], `data file ${f.slice(sieve.dataDir.length)}`)
  }
  assert.ok(canarySeen, 'a tracked value is visible in the data directory, so the search above can see stored values')
})

test('mixpanel-browser pointed at Sieve works end to end (base64, batches, sendBeacon)', async () => {
  const page = await browser.context.newPage()
  await page.goto(`${pages.url}/mixpanel`)
  await waitFor('mixpanel-browser', () => page.evaluate(() => !!window.mp))
  await waitFor('the batched event in the export', async () => (await exportEvents(sieve, mpProject)).events.some((e) => e.event === 'mp batch event'))

  // Payloads are base64 against a non-Mixpanel host.
  const batch = proxy.requests.find((r) => r.url.startsWith('/track') && decodings(r.body).some((d) => d.includes('mp batch event')))
  assert.ok(batch, 'the batch request was intercepted')
  const data = new URLSearchParams(batch.body).get('data')
  assert.match(data, /^[A-Za-z0-9+/=]+$/, 'data= is base64')
  assert.ok(Array.isArray(JSON.parse(Buffer.from(data, 'base64').toString('utf8'))))

  await page.evaluate(() => window.mp.track('mp beacon event', { via: 'beacon' }, { transport: 'sendBeacon', send_immediately: true }))
  await page.evaluate(() => window.mp.track('mp unload event'))
  await page.goto('about:blank')
  const exp = await waitFor('beacon and unload events in the export', async () => {
    const r = await exportEvents(sieve, mpProject)
    const names = new Set(r.events.map((e) => e.event))
    return names.has('mp beacon event') && names.has('mp unload event') && r
  })
  await page.close()
  for (const name of ['mp beacon event', 'mp unload event'])
    assert.ok(proxy.requests.some((r) => isBeacon(r) && decodings(r.body).some((d) => d.includes(name))), `${name} was sent with sendBeacon`)
  const ev = exp.events.find((e) => e.event === 'mp batch event').properties
  assert.equal(ev.mp_lib, 'web')
  assert.equal(ev.plan, 'pro')
  assert.equal(ev.distinct_id, 'mp-user-1')
  assert.equal(ev.emoji, 'ok \u{1F600}', 'CESU-8 surrogates are paired back')
  assert.ok(ev.$insert_id)
})

test('Sieve serves the embedded sieve.js with the pinned version', async () => {
  const pkg = JSON.parse(readFileSync(root + 'package.json', 'utf8'))
  const dist = readFileSync(root + 'dist/sieve.min.js', 'utf8')
  const cur = await fetch(`${sieve.url}/sdk/sieve.js`)
  assert.equal(cur.status, 200)
  assert.equal(await cur.text(), dist)
  const pinned = await fetch(`${sieve.url}/sdk/v${pkg.version}/sieve.js`)
  assert.equal(pinned.status, 200)
  assert.match(pinned.headers.get('cache-control'), /immutable/)
  const cfg = await (await fetch(`${sieve.url}/sdk/config?token=${sieveProject.token}`)).json()
  assert.deepEqual(cfg, { autotrack: true, url_params: ['utm_*'] })
  const off = await (await fetch(`${sieve.url}/sdk/config?token=${mpProject.token}`)).json()
  assert.equal(off.autotrack, false, 'autotrack is off for a new project')
})
