// The privacy pages added for issues 11/14/17 in Debian's Chromium against
// bin/sieve: the self-test run from the page and its result read back from
// the API, a signing-key rotation, the audit head, the Personal data page
// (a path marked there reads hashed to an analyst without pii in export and
// queries; pii granted and revoked; the 403 explained to an admin without it), a
// forwarding destination (this same Sieve's second project) whose token is
// never shown or sent back whole and whose events arrive, the tracking plan
// drafted from the lexicon and saved, an analyst kept out, and a screenshot
// of each page under docs/ui/.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { launch, root, screenshot, startSieve, unlabelled } from './harness.js'

const shots = join(root, 'docs/ui')

async function shot(page, name) {
  mkdirSync(shots, { recursive: true })
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.waitForTimeout(150)
  assert.deepEqual(await unlabelled(page), [], `controls without a name on ${name}`)
  await screenshot(page, join(shots, `${name}.png`))
}

/** shots saves the page in the light theme and, as name-dark, in the dark one (the system's, which the page follows by default). */
async function shots2(page, name) {
  await shot(page, name)
  await page.emulateMedia({ colorScheme: 'dark' })
  try {
    await shot(page, `${name}-dark`)
  } finally {
    await page.emulateMedia({ colorScheme: 'light' })
  }
}

async function open(page, base, path, heading) {
  await page.goto(base + path)
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15000 }).catch(() => {})
}

async function track(sieve, token, event, props) {
  const data = JSON.stringify([{ event, properties: { token, ...props } }])
  const r = await fetch(`${sieve.url}/track?verbose=1`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'data=' + encodeURIComponent(data) })
  const j = await r.json()
  assert.equal(j.status, 1, JSON.stringify(j))
}

test('privacy pages', { timeout: 240_000 }, async (t) => {
  const sieve = await startSieve({ SIEVE_WEBHOOK_ALLOW_PRIVATE: '1' })
  const chrome = await launch()
  t.after(async () => {
    await chrome.stop()
    await sieve.stop()
  })
  const [def] = await sieve.api('GET', '/api/projects')
  const page = await chrome.context.newPage()
  const errors = []
  const responses = []
  const scripts = []
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    // The one refusal the test provokes: a destination with a bad host (400).
    if (/\/destinations$/.test(m.location().url) && /400/.test(m.text())) return
    errors.push(`${page.url()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`))
  page.on('dialog', (d) => d.accept())
  page.on('response', async (r) => {
    if (r.url().endsWith('.js')) scripts.push(r.url())
    // What the destinations API sends back (the project list, which an admin
    // reads, holds every project's token by design).
    if (!/\/destinations$/.test(r.url())) return
    try { responses.push(await r.text()) } catch { /* no body */ }
  })

  await t.test('sign in; the new pages are not in the first page\'s script', async () => {
    await page.goto(sieve.url + '/')
    await page.locator('input[name=admin_key]').fill(sieve.adminKey)
    await page.keyboard.press('Enter')
    await page.getByText('Signed in as').waitFor()
    const nav = await page.getByRole('navigation', { name: 'Sections' }).innerText()
    for (const p of ['Self-test and keys', 'Tracking plan', 'Personal data', 'Forwarding']) assert.ok(nav.includes(p), `navigation lacks ${p}: ${nav}`)
    const before = new Set(scripts)
    await open(page, sieve.url, '/plan', 'Tracking plan')
    assert.ok(scripts.some((s) => !before.has(s)), 'opening the plan loaded no chunk of its own')
  })

  await t.test('layout: the navigation fits or scrolls on its own at 1366x768 and 1920x1080; groups fold', async () => {
    const nav = page.getByRole('navigation', { name: 'Sections' })
    for (const [w, h] of [[1366, 768], [1920, 1080]]) {
      await page.setViewportSize({ width: w, height: h })
      await open(page, sieve.url, '/settings/forwarding', 'Forwarding')
      // The page shown is in view in the navigation, which stays put while the page scrolls.
      const cur = nav.getByRole('link', { name: 'Forwarding' })
      await page.waitForTimeout(100)
      const box = await cur.boundingBox()
      assert.ok(box && box.y >= 0 && box.y + box.height <= h, `the current page's link is off screen at ${w}x${h}: ${JSON.stringify(box)}`)
      const m = await page.evaluate(() => {
        const n = document.querySelector('.side')
        window.scrollTo(0, document.body.scrollHeight)
        return { navHeight: n.getBoundingClientRect().height, top: n.getBoundingClientRect().top, scrolls: n.scrollHeight > n.clientHeight, overflow: getComputedStyle(n).overflowY }
      })
      assert.ok(m.navHeight <= h && m.top === 0, `the navigation is not one screen high at ${w}x${h}: ${JSON.stringify(m)}`)
      assert.ok(!m.scrolls || m.overflow === 'auto', JSON.stringify(m))
      await page.evaluate(() => window.scrollTo(0, 0))
      await shot(page, `layout-${w}x${h}`)
    }
    // At 1920x1080 (the last size) every item fits without scrolling.
    assert.ok(await page.evaluate(() => { const n = document.querySelector('.side'); return n.scrollHeight <= n.clientHeight }), 'the navigation does not fit 1920x1080')
    // Folding a group hides its links, is remembered, and opening one of its pages unfolds it.
    const head = nav.getByRole('button', { name: /^Privacy center/ })
    await head.click()
    assert.equal(await head.getAttribute('aria-expanded'), 'false')
    assert.equal(await nav.getByRole('link', { name: 'Findings' }).count(), 0)
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Forwarding' }).waitFor()
    assert.equal(await nav.getByRole('link', { name: 'Findings' }).count(), 0, 'the fold was not remembered')
    await open(page, sieve.url, '/findings', 'Findings')
    await nav.getByRole('link', { name: 'Findings' }).waitFor()
    assert.equal(await head.getAttribute('aria-expanded'), 'true')
    await page.reload()
    await nav.getByRole('link', { name: 'Findings' }).waitFor()
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  await t.test('self-test: run from the page, result as the API reports it', async () => {
    await open(page, sieve.url, '/selftest', 'Self-test and keys')
    await page.getByRole('button', { name: 'Run the self-test now' }).click()
    const done = page.getByRole('status').filter({ hasText: 'Self-test run finished' })
    await done.waitFor({ timeout: 60_000 })
    const runs = (await sieve.api('GET', '/api/selftest')).runs
    assert.ok(runs.length >= 1)
    assert.equal(await done.innerText(), `Self-test run finished: ${runs[0].passed ? 'passed' : 'failed'}.`)
    const table = page.getByRole('table', { name: 'Self-test runs' })
    await table.getByRole('row').nth(runs.length).waitFor()
    assert.equal(await table.getByRole('row').count(), runs.length + 1)
    const first = await table.getByRole('row').nth(1).innerText()
    for (const c of runs[0].canaries) assert.ok(first.includes(`${c.kind}: ${c.passed ? 'ok' : 'FAILED'}`), first)

    const keys0 = (await sieve.api('GET', '/api/keys/certificates')).keys
    await page.getByRole('button', { name: 'Rotate the signing key' }).click()
    await page.getByRole('status').filter({ hasText: 'A new signing key is current' }).waitFor()
    const keys = (await sieve.api('GET', '/api/keys/certificates')).keys
    assert.equal(keys.length, keys0.length + 1)
    const kt = page.getByRole('table', { name: 'Signing keys' })
    await kt.getByRole('row').nth(keys.length).waitFor()
    const ktext = await kt.innerText()
    for (const k of keys) assert.ok(ktext.includes(k.key_id) && ktext.includes(k.public_key), `key ${k.key_id} missing`)
    assert.equal((ktext.match(/current/g) || []).length, 1, ktext)
    const head = await sieve.api('GET', '/api/audit/head')
    const facts = await page.locator('dl.facts').innerText()
    assert.ok(facts.includes(head.hash.slice(0, 16)) || facts.includes(String(head.seq)), facts)
    await shots2(page, 'selftest')
  })

  await t.test('Personal data: a path marked on the page reads hashed to a reader without pii, in export and queries', async () => {
    const ref = 'CUST-UI-4711'
    await track(sieve, def.token, 'Ordered', { distinct_id: 'u-pii', customer_ref: ref, plan: 'pro', contact: 'ann.ui@example.com' })
    const reader = await sieve.api('POST', `/api/projects/${def.id}/service-accounts`, { name: 'Reader', role: 'analyst' })
    const auth = { Authorization: 'Basic ' + Buffer.from(`${reader.username}:${reader.secret}`).toString('base64') }
    const day = (d) => new Date(Date.now() + d * 86400_000).toISOString().slice(0, 10)
    const exportAsReader = async () => {
      const r = await fetch(`${sieve.url}/api/2.0/export?project_id=${def.id}&from_date=${day(-1)}&to_date=${day(1)}&event=${encodeURIComponent('["Ordered"]')}`, { headers: auth })
      assert.equal(r.status, 200, await r.clone().text())
      return (await r.text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    }
    const queryAsReader = async () => {
      const r = await fetch(`${sieve.url}/api/projects/${def.id}/query`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'trends', from: day(-1), to: day(1), series: [{ event: 'Ordered' }], breakdown: [{ property: 'customer_ref' }] }) })
      const j = await r.json()
      assert.equal(r.status, 200, JSON.stringify(j))
      return j.results.trends.series.map((x) => x.breakdown[0])
    }
    let rows = []
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = await exportAsReader()
      if (rows.length === 0) await page.waitForTimeout(100)
    }
    // Before the path is marked, the reader without pii reads it in clear
    // (the guard's e-mail path is hashed already).
    assert.equal(rows[0]?.properties.customer_ref, ref, JSON.stringify(rows))
    assert.match(rows[0].properties.contact, /^pii_[0-9a-f]{24}$/)
    assert.deepEqual(await queryAsReader(), [ref])

    await open(page, sieve.url, '/settings/pii', 'Personal data')
    const table = page.getByRole('table', { name: 'PII paths in effect' })
    await table.getByRole('row', { name: /contact/ }).waitFor()
    assert.match(await table.getByRole('row', { name: /contact/ }).innerText(), /found by the guard/)
    assert.match(await table.getByRole('row', { name: /\$email/ }).innerText(), /default/)
    assert.equal(await table.getByRole('row', { name: /customer_ref/ }).count(), 0)
    // Bad input is refused in the page, with nothing sent.
    await page.getByRole('button', { name: 'Mark personal' }).click()
    await page.getByRole('alert').filter({ hasText: 'Type the property path to mark' }).waitFor()
    assert.deepEqual((await sieve.api('GET', `/api/projects/${def.id}/pii`)).paths, [])
    await page.getByLabel('Property path').fill('customer_ref')
    await page.getByRole('button', { name: 'Mark personal' }).click()
    await page.getByRole('status').filter({ hasText: 'Marked customer_ref personal' }).waitFor()
    const pii = await sieve.api('GET', `/api/projects/${def.id}/pii`)
    assert.deepEqual(pii.paths, ['customer_ref'])
    await table.getByRole('row', { name: /customer_ref/ }).waitFor()
    assert.match(await table.getByRole('row', { name: /customer_ref/ }).innerText(), /marked personal/)
    const eff = await table.innerText()
    for (const p of pii.effective) assert.ok(eff.includes(p), `${p} not listed: ${eff}`)

    // The reader without pii now sees the keyed hash, the same in export and in a query's breakdown.
    rows = await exportAsReader()
    const hashed = rows[0].properties.customer_ref
    assert.match(hashed, /^pii_[0-9a-f]{24}$/, JSON.stringify(rows))
    assert.ok(!JSON.stringify(rows).includes(ref))
    assert.equal(rows[0].properties.plan, 'pro')
    assert.deepEqual(await queryAsReader(), [hashed])

    // Granted pii on the page, the reader reads the value; revoked, the hash again.
    const who = page.getByRole('table', { name: 'Who holds pii' })
    await who.getByRole('button', { name: `Grant pii for ${reader.username}` }).click()
    await page.getByRole('status').filter({ hasText: `Granted pii to ${reader.username}` }).waitFor()
    assert.equal((await exportAsReader())[0].properties.customer_ref, ref)
    await who.getByRole('button', { name: `Revoke pii for ${reader.username}` }).click()
    await page.getByRole('status').filter({ hasText: `Revoked pii for ${reader.username}` }).waitFor()
    assert.equal((await exportAsReader())[0].properties.customer_ref, hashed)

    // The API secret's grant (api_secret_pii), taken away and given back.
    await who.getByRole('button', { name: 'Take pii from the API secret' }).click()
    await page.getByRole('status').filter({ hasText: 'The API secret no longer holds pii' }).waitFor()
    assert.equal((await sieve.api('GET', `/api/projects/${def.id}`)).api_secret_pii, false)
    await page.setViewportSize({ width: 1280, height: 1000 }) // the whole page, both tables
    await shots2(page, 'pii')
    await page.setViewportSize({ width: 1280, height: 800 })
    await who.getByRole('button', { name: 'Give pii to the API secret' }).click()
    await page.getByRole('status').filter({ hasText: 'The API secret holds pii again' }).waitFor()
    assert.equal((await sieve.api('GET', `/api/projects/${def.id}/pii`)).api_secret, true)

    // Unmarked, the path reads in clear again.
    await table.getByRole('button', { name: 'Unmark customer_ref' }).click()
    await page.getByRole('status').filter({ hasText: 'Unmarked customer_ref' }).waitFor()
    assert.equal((await exportAsReader())[0].properties.customer_ref, ref)
    await page.getByLabel('Property path').fill('customer_ref')
    await page.getByRole('button', { name: 'Mark personal' }).click()
    await page.getByRole('status').filter({ hasText: 'Marked customer_ref personal' }).waitFor()

    // A project admin without pii: the page says why it may change nothing (the API answers 403).
    const padmin = await sieve.api('POST', `/api/projects/${def.id}/service-accounts`, { name: 'Pat', role: 'admin' })
    const other = await launch()
    t.after(() => other.stop())
    const ap = await other.context.newPage()
    let provoked = 0 // the two refusals the test provokes below (PUT /pii without the grant: 403)
    ap.on('console', (m) => {
      if (m.type() !== 'error') return
      if (/\/pii$/.test(m.location().url) && /403/.test(m.text()) && provoked++ < 2) return
      errors.push(`${ap.url()}: ${m.location().url} ${m.text()}`)
    })
    ap.on('pageerror', (e) => errors.push(`${ap.url()}: ${e.message}`))
    await ap.goto(sieve.url + '/settings/pii')
    await ap.getByRole('tab', { name: 'Service account' }).click()
    await ap.getByLabel('Username').fill(padmin.username)
    await ap.getByLabel('Secret').fill(padmin.secret)
    await ap.getByRole('button', { name: 'Sign in' }).click()
    await ap.getByRole('heading', { level: 1, name: 'Personal data' }).waitFor()
    await ap.getByRole('note').filter({ hasText: 'You do not hold pii' }).waitFor()
    assert.match(await ap.getByRole('note').innerText(), /answers 403/)
    assert.ok(await ap.getByRole('button', { name: 'Mark personal' }).isDisabled())
    assert.ok(await ap.getByRole('button', { name: 'Unmark customer_ref' }).isDisabled())
    assert.ok(await ap.getByRole('button', { name: `Grant pii for ${reader.username}` }).isDisabled())
    // The API refuses the change anyway (with the session's CSRF token, so the 403 is the grant's).
    const refused = await ap.evaluate(async (id) => {
      const { csrf_token: token } = await (await fetch('/api/session')).json()
      const r = await fetch(`/api/projects/${id}/pii`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: '{"paths":[]}' })
      return { status: r.status, error: (await r.json()).error }
    }, def.id)
    assert.equal(refused.status, 403)
    assert.match(refused.error, /pii grant/)
    assert.deepEqual((await sieve.api('GET', `/api/projects/${def.id}/pii`)).paths, ['customer_ref'])
    await ap.setViewportSize({ width: 1280, height: 1000 })
    await ap.emulateMedia({ colorScheme: 'dark' })
    await shot(ap, 'pii-denied-dark')
    await ap.emulateMedia({ colorScheme: 'light' })
    // Granted, the same admin may change things; revoked while the page is
    // open, the API's 403 is shown with the reason, and nothing changes.
    await sieve.api('PUT', `/api/projects/${def.id}/service-accounts/${padmin.username}/pii`, { pii: true })
    await ap.reload()
    await ap.getByText('You hold pii on').waitFor()
    await sieve.api('PUT', `/api/projects/${def.id}/service-accounts/${padmin.username}/pii`, { pii: false })
    await ap.getByRole('button', { name: 'Unmark customer_ref' }).click()
    const alert = ap.getByRole('alert')
    await alert.waitFor()
    assert.match(await alert.innerText(), /pii grant.*answers 403/s)
    assert.deepEqual((await sieve.api('GET', `/api/projects/${def.id}/pii`)).paths, ['customer_ref'])
  })

  await t.test('forwarding: several destinations edited on the page deliver, their tokens never sent back', async () => {
    const dest = await sieve.api('POST', '/api/projects', { name: 'Mirror' })
    const dest2 = await sieve.api('POST', '/api/projects', { name: 'Mirror two' })
    const stored = async () => (await sieve.api('GET', `/api/projects/${def.id}/destinations`)).destinations || []
    const group = (n) => page.getByRole('group', { name: new RegExp(`^Destination ${n}\\b`) })
    const arrived = async (project, event) => {
      for (let i = 0; i < 100; i++) {
        const got = (await sieve.api('GET', `/api/projects/${project.id}/events/recent?limit=50`).catch(() => ({ events: [] }))).events || []
        if (got.some((e) => e.event === event)) return true
        await new Promise((r) => setTimeout(r, 200))
      }
      return false
    }
    await open(page, sieve.url, '/settings/forwarding', 'Forwarding')
    await page.getByRole('button', { name: 'Add destination' }).click()
    // A bad host: the server's sentence, nothing saved.
    await group(1).getByLabel('Name').fill('mirror')
    await group(1).getByLabel('Kind').selectOption('sieve')
    await group(1).getByLabel('Host').fill('ftp://example.invalid')
    await group(1).getByLabel('Token (project token or API key)').fill(dest.token)
    await page.getByRole('button', { name: 'Save destinations' }).click()
    await page.getByRole('alert').waitFor()
    assert.deepEqual(await stored(), [])
    await group(1).getByLabel('Host').fill(sieve.url)
    await page.getByRole('button', { name: 'Save destinations' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved: forwarding to mirror.' }).waitFor()
    let [d] = await stored()
    assert.equal(d.name, 'mirror')
    assert.equal(d.kind, 'sieve')
    assert.ok(!d.token.includes(dest.token))
    // The typed token left the form; the stored one is shown as a placeholder only.
    assert.equal(await group(1).getByLabel('Token (project token or API key)').inputValue(), '')
    assert.match(await group(1).getByLabel('Token (project token or API key)').getAttribute('placeholder'), /^unchanged \(\*\*\*\*/)

    // A second destination, the first one's token not typed again: both deliver.
    await page.getByRole('button', { name: 'Add destination' }).click()
    await group(2).getByLabel('Name').fill('mirror-two')
    await group(2).getByLabel('Kind').selectOption('sieve')
    await group(2).getByLabel('Host').fill(sieve.url)
    await group(2).getByLabel('Token (project token or API key)').fill(dest2.token)
    await page.getByRole('button', { name: 'Save destinations' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved: forwarding to mirror, mirror-two.' }).waitFor()
    assert.deepEqual((await stored()).map((x) => x.name), ['mirror', 'mirror-two'])
    await track(sieve, def.token, 'Forwarded', { distinct_id: 'f1' })
    assert.ok(await arrived(dest, 'Forwarded'), 'the event did not arrive at the first destination (its kept token)')
    assert.ok(await arrived(dest2, 'Forwarded'), 'the event did not arrive at the second destination')

    // A changed host with the token left empty: refused in the page, nothing sent.
    await group(1).getByLabel('Host').fill('https://elsewhere.example.com')
    await page.getByRole('button', { name: 'Save destinations' }).click()
    await page.getByRole('alert').filter({ hasText: 'kind or host changed' }).waitFor()
    await group(1).getByLabel('Host').fill(sieve.url)

    await page.reload()
    const table = page.getByRole('table', { name: 'Destinations' })
    await table.getByRole('cell', { name: 'mirror-two' }).waitFor()
    d = (await stored())[0]
    assert.ok((await table.innerText()).includes(d.token), 'the masked token is not shown')
    const html = await page.content()
    assert.ok(!html.includes(dest.token) && !html.includes(dest2.token), 'a token is on the page')
    assert.ok(responses.length >= 4, `${responses.length} destinations answers seen`)
    assert.ok(!responses.some((b) => b.includes(dest.token) || b.includes(dest2.token)), 'the destinations API sent a token back to the browser')
    await shots2(page, 'forwarding')

    // Remove the first; the second keeps its token and still delivers.
    await page.getByRole('button', { name: 'Remove destination 1 (mirror)' }).click()
    await page.getByRole('button', { name: 'Save destinations' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved: forwarding to mirror-two.' }).waitFor()
    assert.deepEqual((await stored()).map((x) => x.name), ['mirror-two'])
    await track(sieve, def.token, 'Forwarded again', { distinct_id: 'f1' })
    assert.ok(await arrived(dest2, 'Forwarded again'), 'the kept destination stopped delivering')

    await page.getByRole('button', { name: 'Stop forwarding' }).click()
    await page.getByText('forwards nowhere').waitFor()
    assert.deepEqual(await stored(), [])
  })

  await t.test('tracking plan: drafted from the lexicon, saved in report mode', async () => {
    await track(sieve, def.token, 'Signed up', { distinct_id: 'u1', plan: 'pro' })
    await open(page, sieve.url, '/plan', 'Tracking plan')
    await page.getByLabel('Plan (JSON)').fill('{not json')
    await page.getByRole('button', { name: 'Save the plan' }).click()
    await page.getByRole('alert').filter({ hasText: 'not valid JSON' }).waitFor()
    await page.getByRole('button', { name: 'Draft from the lexicon' }).click()
    await page.waitForFunction(() => document.querySelector('textarea')?.value.includes('Signed up'))
    await page.getByLabel('Mode (from the JSON below)').selectOption('report')
    await page.getByRole('button', { name: 'Save the plan' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved: mode report' }).waitFor()
    const plan = await sieve.api('GET', `/api/projects/${def.id}/plan`)
    assert.equal(plan.mode, 'report')
    assert.ok(plan.events['Signed up'] && plan.events['Signed up'].properties.plan, JSON.stringify(plan))
    const planned = await page.getByRole('table', { name: 'Planned events' }).innerText()
    for (const e of Object.keys(plan.events)) assert.ok(planned.includes(e), `${e} not listed`)
    await shots2(page, 'plan')
  })

  await t.test('an analyst sees the plan but not the admin pages', async () => {
    const sa = await sieve.api('POST', `/api/projects/${def.id}/service-accounts`, { name: 'Ana', role: 'analyst' })
    // The pii grant, from the Access page, read back from the API.
    await open(page, sieve.url, '/settings/access', 'Access')
    await page.getByRole('button', { name: `Grant pii for ${sa.username}` }).click()
    await page.getByRole('status').filter({ hasText: `Granted pii to ${sa.username}` }).waitFor()
    const acct = (await sieve.api('GET', `/api/projects/${def.id}/service-accounts`)).find((a) => a.username === sa.username)
    assert.equal(acct.pii, true)
    await page.getByRole('button', { name: `Revoke pii for ${sa.username}` }).click()
    await page.getByRole('status').filter({ hasText: `Revoked pii for ${sa.username}` }).waitFor()
    assert.ok(!(await sieve.api('GET', `/api/projects/${def.id}/service-accounts`)).find((a) => a.username === sa.username).pii)
    const other = await launch()
    t.after(() => other.stop())
    const ap = await other.context.newPage()
    await ap.goto(sieve.url + '/plan')
    await ap.getByRole('tab', { name: 'Service account' }).click()
    await ap.getByLabel('Username').fill(sa.username)
    await ap.getByLabel('Secret').fill(sa.secret)
    await ap.getByRole('button', { name: 'Sign in' }).click()
    await ap.getByRole('heading', { level: 1, name: 'Tracking plan' }).waitFor()
    await ap.getByRole('table', { name: 'Planned events' }).waitFor()
    assert.equal(await ap.getByRole('button', { name: 'Save the plan' }).count(), 0)
    const nav = await ap.getByRole('navigation', { name: 'Sections' }).innerText()
    for (const p of ['Self-test and keys', 'Personal data', 'Forwarding']) assert.ok(!nav.includes(p), `the analyst's navigation shows ${p}`)
    for (const p of ['/selftest', '/settings/pii', '/settings/forwarding']) {
      await ap.goto(sieve.url + p)
      await ap.getByText(/This page needs/).waitFor()
    }
  })

  assert.deepEqual(errors, [], 'console errors')
})
