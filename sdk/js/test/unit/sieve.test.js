import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSieve, parseRetryAfter, uuid, insertId } from '../../src/sieve.js'
import { VERSION } from '../../src/version.js'
import { dom } from './dom.js'
import { clock, localStorageLike, settle } from './fakes.js'

const HOST = 'https://sieve.example'
const PAGE = 'https://shop.example/reset/confirm?token=s3cr3t-reset-token&utm_source=mail&q=x#access_token=abc'
const SECRET = 'hunter2-Correct-Horse'

// setup builds an SDK over a fake browser. config answers GET /sdk/config;
// answer(url) gives the status (and headers) of each POST.
function setup(o = {}) {
  const c = o.clock || clock()
  const page = dom(o.body || '<button id="b">Buy <span>now</span></button>', o.title || 'Checkout')
  const { document } = page
  Object.defineProperty(document, 'referrer', { value: o.referrer ?? 'https://mail.example/inbox?session=abc123#x', configurable: true })
  const listeners = {}
  const loc = new URL(o.url || PAGE)
  const win = {
    document,
    location: loc,
    screen: { width: 1280, height: 800 },
    console: { warn: (m) => warnings.push(m) },
    history: {
      pushState(_s, _t, u) {
        win.location = new URL(u, win.location.href)
      },
      replaceState(_s, _t, u) {
        win.location = new URL(u, win.location.href)
      },
    },
    addEventListener: (type, f) => (listeners[type] = listeners[type] || []).push(f),
  }
  const warnings = []
  const requests = []
  const beacons = []
  const nav = {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0 Safari/537.36',
    sendBeacon: (url, body) => {
      beacons.push({ url, body: String(body) })
      return o.beaconOk ?? true
    },
  }
  const fetch = async (url, init = {}) => {
    requests.push({ url, init, body: init.body ? String(init.body) : '' })
    if (url.includes('/sdk/config')) {
      const cfg = o.config === undefined ? { autotrack: false, url_params: ['utm_*'] } : o.config
      return { ok: cfg !== null, status: cfg === null ? 404 : 200, json: async () => cfg }
    }
    const a = (o.answer && o.answer(url)) || { status: 200 }
    return { ok: a.status < 300, status: a.status, headers: { get: (h) => (a.headers || {})[h] ?? null } }
  }
  const ls = o.localStorage || localStorageLike()
  const sieve = createSieve({ window: win, document, navigator: nav, fetch, localStorage: ls, clock: c })
  const posts = (path) => requests.filter((r) => r.url.startsWith(HOST + path + '?'))
  const sent = (path = '/track/') => posts(path).flatMap((r) => JSON.parse(new URLSearchParams(r.body).get('data')))
  const fire = (type, persisted) => (listeners[type] || []).forEach((f) => f({ persisted }))
  return { sieve, c, page, win, requests, beacons, ls, warnings, posts, sent, fire }
}

async function started(o) {
  const s = setup(o)
  s.sieve.init('T0KEN', { api_host: HOST, ...(o && o.init) })
  await s.sieve._config
  return s
}

test('track sends Mixpanel wire format: POST /track/?verbose=1&ip=0&_=ms with data=[...]', async () => {
  const s = await started()
  s.sieve.track('Signed up', { plan: 'pro' })
  await s.c.tick(5000)
  const [req] = s.posts('/track/')
  assert.match(req.url, new RegExp(`^${HOST}/track/\\?verbose=1&ip=0&_=${s.c.now()}$`))
  assert.equal(req.init.method, 'POST')
  assert.equal(req.init.credentials, 'omit')
  assert.ok(req.init.body instanceof URLSearchParams)
  const [ev] = s.sent()
  assert.equal(ev.event, 'Signed up')
  const p = ev.properties
  assert.equal(p.plan, 'pro')
  assert.equal(p.token, 'T0KEN')
  assert.equal(p.$lib, 'sieve-js')
  assert.equal(p.mp_lib, 'sieve-js')
  assert.equal(p.$lib_version, VERSION)
  assert.equal(p.time, s.c.now() - 5000)
  assert.match(p.$insert_id, /^[a-z0-9]{20}$/)
  assert.match(p.$device_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.equal(p.distinct_id, '$device:' + p.$device_id)
  assert.equal(p.$current_url, 'https://shop.example/reset/confirm?utm_source=mail')
  assert.equal(p.$referrer, 'https://mail.example/inbox')
  assert.equal(p.$referring_domain, 'mail.example')
  assert.equal(p.$screen_width, 1280)
  assert.equal(p.$screen_height, 800)
  assert.equal(p.$browser, 'Chrome')
  assert.equal(p.$os, 'Linux')
  assert.doesNotMatch(JSON.stringify(ev), /s3cr3t|abc123|access_token/)
})

test('the project can allow more URL parameters', async () => {
  const s = await started({ config: { autotrack: false, url_params: ['q'] } })
  s.sieve.track('x')
  await s.sieve.flush()
  assert.equal(s.sent()[0].properties.$current_url, 'https://shop.example/reset/confirm?q=x')
})

test('identify, alias, super properties, time_event and reset', async () => {
  const s = await started()
  const anon = s.sieve.get_distinct_id()
  s.sieve.register({ plan: 'free', team: 'a' })
  s.sieve.register_once({ plan: 'pro', first: 'yes' })
  s.sieve.time_event('Upload')
  await s.c.tick(1500)
  s.sieve.identify('user-42')
  s.sieve.alias('user@example.org')
  s.sieve.track('Upload', { plan: 'explicit' })
  s.sieve.unregister('team')
  s.sieve.track('After')
  s.sieve.reset()
  s.sieve.track('Anon again')
  await s.sieve.flush()
  const evs = s.sent()
  assert.deepEqual(evs.map((e) => e.event), ['$identify', '$create_alias', 'Upload', 'After', 'Anon again'])
  const [ident, alias, upload, after, again] = evs.map((e) => e.properties)
  assert.equal(ident.distinct_id, 'user-42')
  assert.equal(ident.$anon_distinct_id, anon)
  assert.equal(ident.$user_id, 'user-42')
  assert.equal(alias.alias, 'user@example.org')
  assert.equal(alias.distinct_id, 'user-42')
  assert.equal(upload.plan, 'explicit')
  assert.equal(upload.first, 'yes')
  assert.equal(upload.team, 'a')
  assert.equal(upload.$duration, 1.5)
  assert.equal(after.plan, 'free')
  assert.equal(after.team, undefined)
  assert.equal(after.$duration, undefined)
  assert.notEqual(again.$device_id, upload.$device_id)
  assert.equal(again.distinct_id, '$device:' + again.$device_id)
  assert.equal(again.plan, undefined)
  assert.equal(again.$user_id, undefined)
})

test('people operations go to /engage/ with $token and $distinct_id', async () => {
  const s = await started()
  s.sieve.identify('u1')
  s.sieve.people.set('name', 'Ada')
  s.sieve.people.set({ plan: 'pro', seats: 3 })
  s.sieve.people.set_once('first_seen', '2026-01-01')
  s.sieve.people.increment('logins')
  s.sieve.people.increment({ credits: 5 })
  s.sieve.people.append('tags', 'a')
  s.sieve.people.union('roles', ['admin', 'dev'])
  s.sieve.people.unset(['old', 'older'])
  s.sieve.people.unset('gone')
  s.sieve.people.set(42)
  await s.sieve.flush()
  const recs = s.sent('/engage/')
  assert.equal(s.posts('/engage/').length, 1)
  for (const r of recs) {
    assert.equal(r.$token, 'T0KEN')
    assert.equal(r.$distinct_id, 'u1')
    assert.equal(r.$user_id, 'u1')
    assert.ok(r.$device_id)
  }
  const ops = recs.map(({ $token, $distinct_id, $device_id, $user_id, ...op }) => op)
  assert.deepEqual(ops, [
    { $set: { name: 'Ada' } },
    { $set: { plan: 'pro', seats: 3 } },
    { $set_once: { first_seen: '2026-01-01' } },
    { $add: { logins: 1 } },
    { $add: { credits: 5 } },
    { $append: { tags: 'a' } },
    { $union: { roles: ['admin', 'dev'] } },
    { $unset: ['old', 'older'] },
    { $unset: ['gone'] },
  ])
  assert.ok(s.warnings.some((w) => w.includes('people.set() needs a property name')))
})

test('calls made before init are replayed; bad input gets a clear warning without echoing it', async () => {
  const s = setup()
  s.sieve.register({ early: true })
  s.sieve.track('Early')
  s.sieve.init('', { api_host: HOST })
  s.sieve.init('T0KEN', { api_host: HOST })
  s.sieve.track('')
  s.sieve.track({ password: SECRET })
  await s.sieve.flush()
  assert.deepEqual(s.sent().map((e) => e.event), ['Early'])
  assert.equal(s.sent()[0].properties.early, true)
  assert.deepEqual(s.warnings, ['sieve: init() needs the project token', 'sieve: track() needs an event name', 'sieve: track() needs an event name'])
})

test('opt_out_tracking stops sending until opt_in_tracking', async () => {
  const s = await started()
  s.sieve.opt_out_tracking()
  s.sieve.track('no')
  s.sieve.people.set('a', 1)
  s.sieve.reset()
  assert.ok(s.sieve.has_opted_out_tracking())
  s.sieve.opt_in_tracking()
  s.sieve.track('yes')
  await s.sieve.flush()
  assert.deepEqual(s.sent().map((e) => e.event), ['yes'])
  assert.equal(s.sent('/engage/').length, 0)
})

test('identity and super properties persist in localStorage across page loads', async () => {
  const ls = localStorageLike()
  const a = await started({ localStorage: ls })
  a.sieve.identify('u7')
  a.sieve.register({ k: 'v' })
  const b = await started({ localStorage: ls })
  b.sieve.track('x')
  await b.sieve.flush()
  assert.equal(b.sent()[0].properties.distinct_id, 'u7')
  assert.equal(b.sent()[0].properties.k, 'v')
})

test('events queued when the page closes are sent by the next page load', async () => {
  const ls = localStorageLike()
  const a = await started({ localStorage: ls, beaconOk: false, answer: () => ({ status: 503 }) })
  a.sieve.track('Queued')
  await settle()
  a.fire('pagehide')
  assert.equal(a.beacons.length, 1) // the event queue's beacon, refused
  assert.equal(a.posts('/track/').length, 0)
  const b = await started({ localStorage: ls })
  await b.c.tick(0)
  assert.deepEqual(b.sent().map((e) => e.event), ['Queued'])
  assert.equal([...ls.map.keys()].filter((k) => k.includes('_ev_')).length, 0)
})

test('pagehide and visibilitychange send with sendBeacon', async () => {
  const s = await started()
  s.sieve.track('Leaving')
  s.sieve.people.set('a', 1)
  await settle()
  Object.defineProperty(s.page.document, 'visibilityState', { value: 'hidden', configurable: true })
  s.page.document.dispatchEvent(new s.page.Event('visibilitychange'))
  assert.equal(s.beacons.length, 2)
  const [ev, pp] = s.beacons
  assert.match(ev.url, new RegExp(`^${HOST}/track/\\?ip=0&_=\\d+$`))
  assert.match(pp.url, new RegExp(`^${HOST}/engage/\\?ip=0&_=\\d+$`))
  assert.equal(JSON.parse(new URLSearchParams(ev.body).get('data'))[0].event, 'Leaving')
  // Nothing is left to send afterwards.
  s.fire('pagehide')
  await s.c.tick(10000)
  assert.equal(s.beacons.length, 2)
  assert.equal(s.posts('/track/').length, 0)
})

test('Retry-After from the server reaches the backoff', async () => {
  let n = 0
  const s = await started({ answer: () => (n++ === 0 ? { status: 429, headers: { 'Retry-After': '30' } } : { status: 200 }) })
  s.sieve.track('x')
  await s.c.tick(5000)
  assert.equal(s.posts('/track/').length, 1)
  await s.c.tick(29999)
  assert.equal(s.posts('/track/').length, 1)
  await s.c.tick(1)
  assert.equal(s.posts('/track/').length, 2)
})

test('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  assert.equal(parseRetryAfter('120', now), 120)
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30)
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0)
  assert.equal(parseRetryAfter(null, now), -1)
  assert.equal(parseRetryAfter('soon', now), -1)
})

test('ids', () => {
  const ids = new Set(Array.from({ length: 1000 }, insertId))
  assert.equal(ids.size, 1000)
  for (const id of ids) assert.match(id, /^[a-z0-9]{20}$/)
  assert.match(uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

// --- autotrack -----------------------------------------------------------------

test('autotrack stays off unless the server config says true', async () => {
  for (const config of [null, { autotrack: false }, { autotrack: 'true' }, {}, 'yes']) {
    const s = await started({ config })
    s.page.$('#b').dispatchEvent(new s.page.Event('click', { bubbles: true }))
    await s.sieve.flush()
    assert.equal(s.sieve.autotrack_enabled(), false, JSON.stringify(config))
    assert.deepEqual(s.sent(), [], JSON.stringify(config))
    assert.equal(s.requests[0].url, `${HOST}/sdk/config?token=T0KEN`)
  }
  const s = await started({ config: { autotrack: true }, init: { autotrack: false } })
  assert.equal(s.sieve.autotrack_enabled(), false)
})

test('autotrack on: pageview, click, change and submit, never a typed value', async () => {
  const body = `
    <form id="login" name="login">
      <label for="pw">Password</label>
      <input id="pw" name="password" type="password" value="${SECRET}" autocomplete="current-password">
      <input id="email" name="email" type="email" value="bob@example.com">
      <button id="go" type="submit">Sign <b>in</b></button>
    </form>
    <div id="note" contenteditable="true">${SECRET}</div>
    <a id="reset" href="/reset?token=${SECRET}&utm_campaign=c">Reset</a>`
  const s = await started({ body, title: 'Login for bob@example.com', config: { autotrack: true, url_params: ['utm_*'] } })
  const { $, Event } = s.page
  $('#pw').value = SECRET
  $('#pw').dispatchEvent(new Event('change', { bubbles: true }))
  $('#email').dispatchEvent(new Event('change', { bubbles: true }))
  $('#go b').dispatchEvent(new Event('click', { bubbles: true }))
  $('#login').dispatchEvent(new Event('submit', { bubbles: true }))
  $('#note').dispatchEvent(new Event('click', { bubbles: true }))
  $('#reset').dispatchEvent(new Event('click', { bubbles: true }))
  await s.sieve.flush()
  const evs = s.sent()
  assert.deepEqual(evs.map((e) => e.event), ['$mp_web_page_view', '$mp_input_change', '$mp_input_change', '$mp_click', '$mp_submit', '$mp_click', '$mp_click'])
  const [pv, pw, email, click, submit, note, link] = evs.map((e) => e.properties)
  assert.equal(pv.current_page_title, 'Login for')
  assert.equal(pv.current_url_path, '/reset/confirm')
  assert.deepEqual(Object.keys(pw.$elements[0]).sort(), ['$nth_child', '$nth_of_type', '$tag_name'])
  assert.equal(email.$el_attr__name, 'email')
  assert.equal(click.$el_tag_name, 'button')
  assert.equal(click.$el_text, 'Sign in')
  assert.equal(submit.$el_id, 'login')
  assert.equal(note.$el_id, 'note')
  assert.equal(note.$el_text, undefined)
  assert.equal(link.$el_attr__href, 'https://shop.example/reset?utm_campaign=c')
  assert.equal(link.$el_text, 'Reset')
  const all = JSON.stringify(evs)
  assert.doesNotMatch(all, /hunter2|bob@example\.com|s3cr3t/)
})

test('autotrack on: a single-page navigation sends a new pageview', async () => {
  const s = await started({ config: { autotrack: true } })
  s.win.history.pushState({}, '', '/cart?token=zzz')
  s.win.history.pushState({}, '', '/cart?token=yyy')
  s.win.history.replaceState({}, '', '/done')
  await s.sieve.flush()
  assert.deepEqual(s.sent().map((e) => e.properties.current_url_path), ['/reset/confirm', '/cart', '/done'])
})
