// The web UI in Debian's Chromium against bin/sieve: sign-in, findings of a
// password sent with the official Mixpanel client (the value nowhere in the
// page or the network), XSS through event and property names, a scope
// report turned into a purge and its certificate, the audit entry of a page
// view, the guard's dry run (nothing stored or logged), a role without admin
// rights kept out of admin pages and APIs, no console errors, and a
// screenshot of every page under docs/ui/.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { filesHolding, launch, root, screenshot, startSieve, unlabelled } from './harness.js'

const Mixpanel = createRequire(import.meta.url)('mixpanel')
const shots = join(root, 'docs/ui')

// Values that must never be shown, sent to the browser, stored or logged.
const PASSWORD = 'Tr0ub4dor&3-leaked-password'
const DRY_RUN_SECRET = 'Correct-Horse-Battery-9-dry-run'
const XSS_EVENT = '<img src=x onerror="window.__xss=1">'
const XSS_PROP = '<svg onload="window.__xss=2">'
const XSS_VALUE = '<script>window.__xss=3</script><img src=x onerror="window.__xss=4">'

function send(sieve, token, name, props) {
  const mp = Mixpanel.init(token, { host: '127.0.0.1', port: sieve.port, protocol: 'http', keepAlive: false })
  return new Promise((res, rej) => mp.track(name, props, (err) => (err ? rej(err) : res())))
}

/** watch records console errors, page errors and every network body of a page. */
function watch(page) {
  const seen = { errors: [], bodies: [] }
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    seen.errors.push(`${page.url()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => seen.errors.push(`${page.url()}: ${e.message}`))
  page.on('request', (r) => seen.bodies.push(r.url() + ' ' + (r.postData() || '')))
  page.on('response', async (r) => {
    try {
      seen.bodies.push(await r.text())
    } catch {
      // Redirects and aborted requests have no body.
    }
  })
  return seen
}

/** shot saves a 1280x800 screenshot of the page, after checking that every
 * control on it has an accessible name. */
async function shot(page, name) {
  mkdirSync(shots, { recursive: true })
  await page.waitForTimeout(150)
  assert.deepEqual(await unlabelled(page), [], `controls without a name on ${name}`)
  await screenshot(page, join(shots, `${name}.png`))
}

async function open(page, path, heading) {
  await page.goto(page.url().replace(/^(https?:\/\/[^/]+).*$/, '$1') + path)
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15000 }).catch(() => {})
}

test('web UI', { timeout: 240_000 }, async (t) => {
  const sieve = await startSieve()
  const chrome = await launch()
  t.after(async () => {
    await chrome.stop()
    await sieve.stop()
  })
  const [def] = await sieve.api('GET', '/api/projects')
  const page = await chrome.context.newPage()
  const seen = watch(page)

  await t.test('sign in with the admin key', async () => {
    await page.goto(sieve.url + '/')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await shot(page, 'signin')
    // By keyboard: the key field has the focus, Enter submits.
    assert.equal(await page.evaluate(() => document.activeElement.name), 'admin_key')
    await page.keyboard.type(sieve.adminKey)
    await page.keyboard.press('Enter')
    await page.getByText('Signed in as').waitFor()
    const cookies = await chrome.context.cookies()
    const c = cookies.find((x) => x.name === 'sieve_session')
    assert.ok(c && c.httpOnly && c.sameSite === 'Strict', `session cookie ${JSON.stringify(c)}`)
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href)
    assert.ok(!stored.includes(sieve.adminKey), 'the admin key is in storage or the URL')
  })

  await t.test('a password sent with mixpanel-node appears as a finding, never as a value', async () => {
    await send(sieve, def.token, 'Signed up', { distinct_id: 'user-1', plan: 'pro', password: PASSWORD })
    await send(sieve, def.token, 'Viewed page', { distinct_id: 'user-2', path: '/pricing' })
    await open(page, '/findings', 'Findings')
    const byPath = page.getByRole('table', { name: 'Findings by path' })
    await byPath.getByRole('cell', { name: 'password' }).first().waitFor()
    assert.match(await byPath.innerText(), /password\s+Signed up\s+password\s+1/)
    const bySDK = await page.getByRole('table', { name: 'Findings by SDK version' }).innerText()
    assert.match(bySDK, /node\s+\d+\.\d+\.\d+\s+password\s+1/, bySDK)
    const latest = await page.getByRole('table', { name: 'Latest findings' }).innerText()
    assert.match(latest, /Signed up\s+password\s+password\s+\S+\s+drop_property\s+node/, latest)
    await shot(page, 'findings')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shot(page, 'findings-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    for (const [p, h] of [['/events', 'Live events'], ['/lexicon', 'Lexicon'], ['/users?id=user-1', 'Users']]) {
      await open(page, p, h)
      assert.ok(!(await page.content()).includes(PASSWORD), `the password is on ${p}`)
    }
    assert.ok(!seen.bodies.some((b) => b.includes(PASSWORD)), 'the password crossed the network to the browser')
  })

  await t.test('event and property names and values render as text', async () => {
    await send(sieve, def.token, XSS_EVENT, { distinct_id: XSS_VALUE, [XSS_PROP]: XSS_VALUE })
    await open(page, '/events', 'Live events')
    await page.getByRole('cell', { name: XSS_EVENT }).waitFor()
    await shot(page, 'events')
    await open(page, '/lexicon', 'Lexicon')
    await page.getByRole('cell', { name: XSS_PROP }).waitFor()
    await shot(page, 'lexicon')
    await open(page, `/users?id=${encodeURIComponent(XSS_VALUE)}`, 'Users')
    await page.getByRole('table', { name: 'Events of this user' }).waitFor()
    await shot(page, 'users')
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'injected markup ran')
    assert.equal(await page.locator('main img, main svg:not(figure svg), main script').count(), 0, 'injected elements exist')
  })

  await t.test('scope report with a rescan, the purge it proposes, and its certificate', async () => {
    // A project whose policy let passwords through (an "allow" path): the
    // incident. The allow is removed, then the rescan finds what is stored.
    const legacy = await sieve.api('POST', '/api/projects', { name: 'Legacy' })
    await sieve.api('PUT', `/api/projects/${legacy.id}/guard`, { allow: ['password'] })
    for (let i = 0; i < 3; i++) await send(sieve, legacy.token, 'Logged in', { distinct_id: `legacy-${i}`, password: `${PASSWORD}-${i}` })
    await sieve.api('PUT', `/api/projects/${legacy.id}/guard`, {})
    assert.ok(filesHolding(sieve.dataDir, `${PASSWORD}-0`).length > 0, 'the leaked value should be stored before the purge')

    await open(page, '/scope', 'Incident scope')
    await page.getByRole('checkbox', { name: 'password' }).check()
    await page.getByRole('checkbox', { name: 'Legacy' }).check()
    await page.getByRole('checkbox', { name: /Rescan stored events/ }).check()
    // Another detector than the one that found the passwords: nothing.
    await page.getByLabel('Detectors').fill('value.card')
    await page.getByRole('button', { name: 'Build the report' }).click()
    await page.getByText('Nothing matched these criteria.').waitFor({ timeout: 60000 })
    await page.getByLabel('Detectors').fill('key.password')
    await page.getByRole('button', { name: 'Build the report' }).click()
    await page.getByRole('heading', { name: /Report \(rescan\): 3 affected events in 1 project/ }).waitFor({ timeout: 60000 })
    await shot(page, 'scope')
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Purge what this report lists' }).click()
    await page.getByText('Purge started').waitFor()
    await page.locator('.notice a').first().click()
    await page.getByRole('heading', { name: /Certificate — verification passed/ }).waitFor({ timeout: 60000 })
    await shot(page, 'purge')
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the certificate' }).click()])
    const cert = JSON.parse(readFileSync(await dl.path(), 'utf8'))
    assert.equal(cert.verification.result, 'passed')
    assert.ok(cert.rows_changed >= 3, `rows changed: ${cert.rows_changed}`)
    assert.deepEqual(filesHolding(sieve.dataDir, `${PASSWORD}-0`), [], 'the purged value is still on disk')
    const pid = await page.locator('#project').inputValue()
    await page.locator('#project').selectOption(String(legacy.id))
    await open(page, '/purges', 'Purges')
    await page.getByRole('table', { name: 'Purge jobs' }).getByText('done').waitFor()
    await shot(page, 'purges')
    await page.locator('#project').selectOption(pid)
  })

  await t.test('the guard dry run shows what would be dropped, and stores and logs nothing', async () => {
    await open(page, '/guard', 'Guard policy')
    await page.getByLabel('Event (JSON)').fill(JSON.stringify({ event: 'Signed up', properties: { distinct_id: 'dry-1', password: DRY_RUN_SECRET, plan: 'pro' } }))
    await page.getByRole('button', { name: 'Dry run' }).click()
    const result = page.getByRole('status').filter({ hasText: 'finding(s)' })
    await result.waitFor()
    assert.match(await result.innerText(), /password\s+password\s+\S+\s+drop_property/)
    assert.ok(!(await result.innerText()).includes(DRY_RUN_SECRET))
    await result.scrollIntoViewIfNeeded()
    await shot(page, 'guard')
    assert.deepEqual(filesHolding(sieve.dataDir, DRY_RUN_SECRET), [], 'the dry-run event reached the data directory')
    assert.ok(!sieve.log().includes(DRY_RUN_SECRET), 'the dry-run event reached the log')
  })

  await t.test('the SDK fleet: an advisory and the share of affected projects on a fixed version', async () => {
    await sieve.api('POST', '/api/advisories', { lib: 'node', versions: '<=0.24.0', description: 'Old node clients sent form fields', action: 'drop_properties', properties: ['password'] })
    await open(page, '/fleet', 'SDK fleet')
    await page.getByRole('button', { name: 'Report' }).click()
    const report = page.getByRole('table', { name: 'Projects affected' })
    await report.waitFor()
    assert.match(await report.innerText(), /Default \(#1\)\s+0\.24\.0\s+\d+\s+\S+ \S+\s+no/)
    assert.match(await page.getByText(/affected projects updated/).innerText(), /0 of 2 affected projects updated.*0%/)
    // Every event so far came from mixpanel-node 0.24.0: none on a fixed version.
    assert.match(await page.getByText(/^Last 7 days:/).innerText(), /Last 7 days: 0% of these projects’ node events came from a fixed version/)
    const days = page.getByRole('table', { name: 'Traffic by day' })
    const today = new Date().toISOString().slice(0, 10)
    const rep = await sieve.api('GET', '/api/advisories/1/report')
    const t = rep.traffic.find((d) => d.day === today)
    assert.ok(t.affected > 0 && t.fixed === 0, JSON.stringify(t))
    assert.match(await days.innerText(), new RegExp(`${today}\\s+${t.affected}\\s+0\\s+0%`))
    await shot(page, 'fleet')
  })

  await t.test('the other pages', async () => {
    for (const [p, h, name] of [['/alerts', 'Alerts', 'alerts'], ['/settings', 'Project', 'settings'],
      ['/settings/webhook', 'Webhook', 'webhook']]) {
      await open(page, p, h)
      await shot(page, name)
    }
  })

  await t.test('project settings: time zone and API secret rotation', async () => {
    const other = await sieve.api('POST', '/api/projects', { name: 'Zoned' })
    await open(page, '/settings', 'Project')
    const pid = await page.locator('#project').inputValue()
    await page.locator('#project').selectOption(String(other.id))
    await page.getByText(`Settings of Zoned (#${other.id}).`).waitFor()
    await page.getByLabel(/^Time zone/).fill('Mars/Olympus')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('alert').getByText('“Mars/Olympus” is not an IANA time zone name').waitFor()
    await page.getByLabel(/^Time zone/).fill('Europe/Paris')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Saved.').waitFor()
    assert.equal((await sieve.api('GET', `/api/projects/${other.id}`)).settings.time_zone, 'Europe/Paris')

    const basic = (secret) => `Basic ${Buffer.from(`${secret}:`).toString('base64')}`
    await sieve.api('GET', `/api/projects/${other.id}`, null, basic(other.api_secret))
    const form = page.getByRole('form', { name: 'Rotate the API secret' })
    await form.getByLabel('Previous secret keeps working for').selectOption('0')
    await form.getByRole('button', { name: 'Rotate the API secret' }).click()
    const fresh = (await form.locator('pre').innerText()).trim()
    assert.match(fresh, /^\S{20,}$/)
    assert.notEqual(fresh, other.api_secret)
    await form.getByText('The previous secret works until').waitFor()
    await sieve.api('GET', `/api/projects/${other.id}`, null, basic(fresh))
    await assert.rejects(sieve.api('GET', `/api/projects/${other.id}`, null, basic(other.api_secret)), /HTTP 401/)
    assert.ok(!sieve.log().includes(fresh), 'the new secret reached the log')
    await page.locator('#project').selectOption(pid)
  })

  await t.test('the audit log shows this session reading the findings page', async () => {
    const me = await page.evaluate(() => fetch('/api/session').then((r) => r.json()))
    await open(page, '/audit?action=page.view', 'Audit log')
    await page.getByText('Chain verified').waitFor()
    const rows = page.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'GET /findings' })
    await rows.first().waitFor()
    assert.match(await rows.first().innerText(), new RegExp(`admin\\s+${me.id}\\s+page.view`))
    await open(page, '/audit', 'Audit log')
    await page.getByRole('table', { name: 'Audit entries' }).getByText('findings.read').first().waitFor()
    // The screenshot shows entries the test makes one after another with a
    // service account of its own (the page's own reads run at the same time
    // and are logged in any order, so they are filtered out); counts and
    // sequence numbers, which depend on everything before, are left blank.
    const aud = await sieve.api('POST', `/api/projects/${def.id}/service-accounts`, { name: 'Auditor', role: 'analyst' })
    const as = { Authorization: `Basic ${Buffer.from(`${aud.username}:${aud.secret}`).toString('base64')}` }
    for (const p of [`/api/projects/${def.id}/findings`, `/api/projects/${def.id}/lexicon`, `/api/projects/${def.id}/findings/summary`]) {
      const r = await fetch(sieve.url + p, { headers: as })
      assert.equal(r.status, 200, p)
      await r.arrayBuffer()
    }
    await open(page, `/audit?actor=${encodeURIComponent(`sa:${aud.username}`)}`, 'Audit log')
    const entries = page.getByRole('table', { name: 'Audit entries' }).getByRole('row')
    await entries.nth(3).waitFor()
    assert.equal(await entries.count(), 4, 'three entries and the header')
    await shot(page, 'audit')
  })

  await t.test('an analyst cannot reach admin pages or their APIs', async () => {
    const sa = await sieve.api('POST', `/api/projects/${def.id}/service-accounts`, { name: 'Ana', role: 'analyst' })
    const other = await launch()
    t.after(() => other.stop())
    const ap = await other.context.newPage()
    const aseen = watch(ap)
    await ap.goto(sieve.url + '/findings')
    await ap.getByRole('tab', { name: 'Service account' }).click()
    await ap.getByLabel('Username').fill(sa.username)
    await ap.getByLabel('Secret').fill(sa.secret)
    await ap.getByRole('button', { name: 'Sign in' }).click()
    await ap.getByRole('heading', { level: 1, name: 'Findings' }).waitFor()
    const nav = await ap.getByRole('navigation', { name: 'Sections' }).innerText()
    for (const admin of ['Audit log', 'Purges', 'Incident scope', 'Access', 'Webhook', 'Settings']) assert.ok(!nav.toLowerCase().includes(admin.toLowerCase()), `the analyst's navigation shows ${admin}`)
    for (const p of ['/audit', '/purges', '/settings/access', '/scope']) {
      await ap.goto(sieve.url + p)
      await ap.getByText(/This page needs/).waitFor()
    }
    await shot(ap, 'analyst-denied')
    const cookie = (await other.context.cookies()).find((c) => c.name === 'sieve_session')
    const csrf = (await ap.evaluate(() => fetch('/api/session').then((r) => r.json()))).csrf_token
    const as = (method, path, body) => fetch(sieve.url + path, {
      method, headers: { Cookie: `sieve_session=${cookie.value}`, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    }).then((r) => r.status)
    assert.equal(await as('GET', `/api/projects/${def.id}/findings`), 200)
    for (const [m, p, b] of [['GET', `/api/audit?project_id=${def.id}`], ['GET', `/api/purges?project_id=${def.id}`],
      ['GET', `/api/projects/${def.id}/service-accounts`], ['GET', '/api/sessions'], ['POST', '/api/scope', {}],
      ['PATCH', `/api/projects/${def.id}`, { store_ip: true }], ['PUT', `/api/projects/${def.id}/guard`, {}]]) {
      assert.equal(await as(m, p, b), 403, `${m} ${p} as an analyst`)
    }
    assert.deepEqual(aseen.errors, [], 'console errors')
  })

  await t.test('an admin disables, enables and deletes a service account on the Access page', async () => {
    const bob = await sieve.api('POST', `/api/projects/${def.id}/service-accounts`, { name: 'Bob', role: 'analyst' })
    const signIn = await fetch(sieve.url + '/api/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: bob.username, secret: bob.secret }),
    })
    assert.equal(signIn.status, 201)
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('sieve_session=')).split(';')[0]
    const basic = `Basic ${Buffer.from(`${bob.username}:${bob.secret}`).toString('base64')}`
    const status = (headers) => fetch(sieve.url + `/api/projects/${def.id}/lexicon`, { headers }).then((r) => r.status)
    assert.equal(await status({ Authorization: basic }), 200)
    assert.equal(await status({ Cookie: cookie }), 200)

    await open(page, '/settings/access', 'Access')
    const table = page.getByRole('table', { name: 'Service accounts' })
    const row = table.getByRole('row').filter({ hasText: bob.username })
    assert.match(await row.innerText(), /Bob\s+analyst\s+active/)
    await page.getByRole('button', { name: `Disable ${bob.username}` }).click()
    await page.getByRole('status').getByText(`Disabled ${bob.username}`).waitFor()
    await row.getByText('disabled').waitFor()
    assert.equal(await status({ Authorization: basic }), 401, 'a disabled account\'s Basic auth')
    assert.equal(await status({ Cookie: cookie }), 401, 'a disabled account\'s session')
    const sessions = page.getByRole('table', { name: 'Sessions' })
    await sessions.getByText(`sa:${bob.username}`).waitFor({ state: 'detached' })
    await shot(page, 'access')

    await page.getByRole('button', { name: `Enable ${bob.username}` }).click()
    await page.getByRole('status').getByText(`Enabled ${bob.username}`).waitFor()
    await row.getByText('active').waitFor()
    assert.equal(await status({ Authorization: basic }), 200, 'an enabled account')
    const again = await fetch(sieve.url + '/api/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: bob.username, secret: bob.secret }),
    })
    assert.equal(again.status, 201, 'an enabled account signs in')
    const cookie2 = again.headers.getSetCookie().find((c) => c.startsWith('sieve_session=')).split(';')[0]

    await page.getByRole('button', { name: `Delete ${bob.username}` }).click()
    await row.getByText(`Delete ${bob.username} for good?`).waitFor()
    await row.getByRole('button', { name: 'Delete', exact: true }).click()
    await page.getByRole('status').getByText(`Deleted ${bob.username}`).waitFor()
    await row.waitFor({ state: 'detached' })
    assert.equal(await status({ Authorization: basic }), 401, 'a deleted account')
    assert.equal(await status({ Cookie: cookie2 }), 401, 'a deleted account\'s session')
    const list = await sieve.api('GET', `/api/projects/${def.id}/service-accounts`)
    assert.ok(!list.some((a) => a.username === bob.username), 'the deleted account is still listed')
    const log = await sieve.api('GET', `/api/audit?project_id=${def.id}`)
    for (const action of ['key.disable', 'key.enable', 'key.delete']) {
      assert.ok(log.entries.some((e) => e.action === action && e.criteria?.username === bob.username), `no ${action} entry`)
    }
  })

  await t.test('sign out ends the session', async () => {
    const cookie = (await chrome.context.cookies()).find((c) => c.name === 'sieve_session')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    const r = await fetch(sieve.url + `/api/projects/${def.id}/findings`, { headers: { Cookie: `sieve_session=${cookie.value}` } })
    assert.equal(r.status, 401)
  })

  assert.deepEqual(seen.errors, [], 'console errors')
})
