// The insight pages in Debian's Chromium against bin/sieve: events
// imported at fixed times through Mixpanel's /import; a trend, a funnel and a retention chart
// built from query documents in the URL, their plotted numbers read back
// from the page and compared with the query API's answer to the same
// document; the builder changing the URL; the CSV download; an insight
// saved to a dashboard and seen there; no console errors; screenshots under
// docs/ui/.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { launch, root, screenshot, startSieve, unlabelled } from './harness.js'

const shots = join(root, 'docs/ui')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** send imports an event at its fixed time ({time} in seconds) through
 * Mixpanel's /import (/track takes only the last 5 days' events, and
 * mixpanel-node sends an API secret over HTTPS only), as the Mixpanel
 * clients send it: a JSON array, Basic auth with the project's API secret. */
async function send(sieve, { token, secret }, name, { time, distinct_id: id, ...props }) {
  const r = await fetch(`${sieve.url}/import?strict=1`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${secret}:`).toString('base64')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify([{ event: name, properties: { token, time, distinct_id: id, $insert_id: `${id}-${name}-${time}`.replace(/\W/g, ''), ...props } }]),
  })
  if (r.status !== 200) throw new Error(`/import: HTTP ${r.status}: ${await r.text()}`)
}

/** shot saves a 1280x800 screenshot of the page, after checking that every
 * control on it has an accessible name. */
async function shot(page, name) {
  mkdirSync(shots, { recursive: true })
  await page.waitForTimeout(200)
  assert.deepEqual(await unlabelled(page), [], `controls without a name on ${name}`)
  await screenshot(page, join(shots, `${name}.png`))
}

/** plotted waits for the chart and returns what it drew. */
async function plotted(page) {
  const el = page.locator('[data-chart][data-plotted]').first()
  await el.waitFor({ timeout: 20000 })
  return JSON.parse(await el.getAttribute('data-plotted'))
}

/** colourPixels counts, on the canvas inside loc, the pixels of each colour
 * (#rrggbb, within a small tolerance for anti-aliasing). */
function colourPixels(loc, colours) {
  return loc.locator('canvas').first().evaluate((c, colours) => {
    const rgb = colours.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)))
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    const n = rgb.map(() => 0)
    for (let p = 0; p < d.length; p += 4) {
      if (d[p + 3] < 250) continue
      rgb.forEach(([r, g, b], i) => {
        if (Math.abs(d[p] - r) + Math.abs(d[p + 1] - g) + Math.abs(d[p + 2] - b) <= 12) n[i]++
      })
    }
    return n
  }, colours)
}

// The day the test's events happen (UTC).
const DAY = '2026-01-15'

const insightPath = (q) => `/insights?${new URLSearchParams({ q: JSON.stringify(q) })}`

test('insight pages', { timeout: 180_000 }, async (t) => {
  const sieve = await startSieve()
  const chrome = await launch()
  t.after(async () => {
    await chrome.stop()
    await sieve.stop()
  })
  const [def] = await sieve.api('GET', '/api/projects')
  const query = (q) => sieve.api('POST', `/api/projects/${def.id}/query`, q)
  const page = await chrome.context.newPage()
  const errors = []
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    // The one refusal the test provokes: a malformed breakdown expression (400).
    if (/\/query$/.test(m.location().url) && /400/.test(m.text()) && page.url().includes('floor')) return
    errors.push(`${page.url()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`))

  // Fixed data and clock, so that the screenshots change only when the UI
  // does: the events happen on a fixed day (a minute apart, in order), and
  // the page's clock (its "today", for the default date range) is fixed
  // on that day.
  const today = DAY
  const weekAgo = '2026-01-09'
  await chrome.context.clock.setFixedTime(new Date(`${DAY}T18:00:00Z`))
  const keys = { token: def.token, secret: (await sieve.api('POST', `/api/projects/${def.id}/secret`, { grace_seconds: 0 })).api_secret }
  let minute = 0
  const at = () => Date.parse(`${DAY}T10:00:00Z`) / 1000 + 60 * minute++
  // Four users sign up (two plans), three view pricing, two purchase; one
  // also sends a password, which the guard strips (never offered).
  for (const [u, plan] of [['u1', 'pro'], ['u2', 'pro'], ['u3', 'free'], ['u4', 'free']]) {
    await send(sieve, keys, 'Signed up', { distinct_id: u, time: at(), plan, ...(u === 'u1' ? { password: 'S3cret-never-offered' } : {}) })
  }
  for (const u of ['u1', 'u2', 'u3']) await send(sieve, keys, 'Viewed pricing', { distinct_id: u, time: at(), amount: 10 })
  for (const u of ['u1', 'u2']) await send(sieve, keys, 'Purchased', { distinct_id: u, time: at(), amount: u === 'u1' ? 30 : 12 })
  const trend = { kind: 'trends', from: weekAgo, to: today, interval: 'day', series: [{ event: 'Signed up', math: 'total' }, { event: 'Purchased', math: 'unique' }], breakdown: [{ property: 'plan' }] }
  for (let i = 0; ; i++) {
    const r = await query({ kind: 'trends', from: today, to: today, series: [{ event: 'Purchased' }] })
    if (r.results.trends.series[0].values[0] === 2) break
    if (i > 100) throw new Error('the events were not queryable after 10 s')
    await sleep(100)
  }

  // Profiles: u1 and u3 are gold, u2 silver, u4 has none.
  for (const [u, tier] of [['u1', 'gold'], ['u2', 'silver'], ['u3', 'gold']]) {
    const body = 'data=' + encodeURIComponent(JSON.stringify([{ $token: def.token, $distinct_id: u, $set: { tier } }]))
    const r = await fetch(`${sieve.url}/engage?verbose=1`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })
    assert.equal((await r.json()).status, 1)
  }
  for (let i = 0; (await sieve.api('GET', `/api/2.0/engage?project_id=${def.id}`)).results.length < 3; i++) {
    if (i > 100) throw new Error('the profiles were not readable after 10 s')
    await sleep(100)
  }

  const current = () => JSON.parse(new URL(page.url()).searchParams.get('q'))

  await t.test('sign in', async () => {
    await page.goto(sieve.url + '/')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.keyboard.type(sieve.adminKey)
    await page.keyboard.press('Enter')
    await page.getByText('Signed in as').waitFor()
  })

  await t.test('a trend: the plotted numbers are the query API\'s', async () => {
    await page.goto(sieve.url + insightPath(trend))
    const drawn = await plotted(page)
    const want = (await query(trend)).results.trends
    assert.deepEqual(drawn.map((s) => s.values), want.series.map((s) => s.values))
    assert.deepEqual(drawn.map((s) => s.name), want.series.map((s) => (s.breakdown?.length ? `${s.name} · ${s.breakdown.join(', ')}` : s.name)))
    // Signed up by plan (2 + 2) today; purchases: 2 unique users.
    assert.equal(want.series.find((s) => s.name === 'A' && s.breakdown[0] === 'pro').values.at(-1), 2)
    await page.locator('[data-chart]').first().evaluate((e) => e.scrollIntoView({ block: 'end' }))
    await shot(page, 'insights-trends')
    // The canvas is drawn again in the dark theme's text colour.
    const light = await page.locator('[data-chart]').first().getAttribute('data-ink')
    await page.locator('#theme').selectOption('dark')
    await page.waitForFunction((l) => {
      const m = document.querySelector('[data-chart]').dataset.ink.match(/\d+/g)
      return document.querySelector('[data-chart]').dataset.ink !== l && m && Number(m[0]) > 150
    }, light)
    await shot(page, 'insights-trends-dark')
    await page.locator('#theme').selectOption('auto')
  })

  await t.test('pickers come from the lexicon and never offer a guard-stripped key', async () => {
    const options = await page.getByLabel('Breakdown').locator('option').allInnerTexts()
    assert.ok(options.includes('plan') && options.includes('amount'), options.join(','))
    assert.ok(!options.some((o) => /password/i.test(o)), `a stripped key is offered: ${options}`)
    const events = await page.getByLabel('Event').first().locator('option').allInnerTexts()
    assert.deepEqual(['Purchased', 'Signed up', 'Viewed pricing'].filter((e) => events.includes(e)).length, 3, events.join(','))
  })

  await t.test('the builder rewrites the URL, which alone holds the query', async () => {
    await page.getByLabel('Compare with the previous period').check()
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).compare === true)
    const q = JSON.parse(new URL(page.url()).searchParams.get('q'))
    const drawn = await plotted(page)
    assert.equal(drawn.length, 2 * (await query(q)).results.trends.series.length, 'compare adds a previous-period line per row')
    // The same URL in a fresh page shows the same chart.
    const other = await chrome.context.newPage()
    await other.goto(page.url())
    assert.deepEqual(await plotted(other), drawn)
    await other.close()
  })

  await t.test('filters and formulas from the builder: the plotted numbers are the query API\'s', async () => {
    await page.goto(sieve.url + insightPath({ ...trend, breakdown: undefined }))
    await plotted(page)
    await page.getByRole('button', { name: 'Add condition' }).click()
    const cond = page.getByRole('group', { name: 'Condition 1' })
    await cond.getByLabel('Property').selectOption('plan')
    await cond.getByLabel('Operator').selectOption('ne')
    await cond.getByLabel('Value').fill('free')
    await cond.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).filter?.and?.[0]?.value === 'free')
    await page.getByRole('button', { name: 'Add formula' }).click()
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).formulas?.length === 1)
    const q = JSON.parse(new URL(page.url()).searchParams.get('q'))
    assert.deepEqual(q.filter, { and: [{ property: 'plan', operator: 'ne', value: 'free' }] })
    assert.deepEqual(q.formulas, [{ formula: 'A/B' }])
    const want = (await query(q)).results.trends
    let drawn = await plotted(page)
    for (let i = 0; i < 50 && drawn.length !== want.series.length; i++) drawn = await plotted(page)
    assert.deepEqual(drawn.map((s) => s.values), want.series.map((s) => s.values))
    // Plan not free: two pro sign-ups; purchases carry no plan, so both
    // purchasers count: A = 2, B = 2, A/B = 1.
    assert.deepEqual(want.series.map((s) => s.values.at(-1)), [2, 2, 1])
    await page.getByRole('group', { name: 'Formula 1' }).evaluate((e) => e.scrollIntoView({ block: 'start' }))
    await shot(page, 'insights-filter-formula')
  })

  await t.test('or groups and a per-series filter from the builder: the plotted numbers are the query API\'s', async () => {
    const base = { kind: 'trends', from: weekAgo, to: today, interval: 'day', series: [{ event: 'Signed up', math: 'total' }, { event: 'Purchased', math: 'unique' }] }
    const current = () => JSON.parse(new URL(page.url()).searchParams.get('q'))
    const readBack = async (want) => {
      const q = current()
      const answer = (await query(q)).results.trends
      let drawn = await plotted(page)
      for (let i = 0; i < 50 && JSON.stringify(drawn.map((x) => x.values)) !== JSON.stringify(answer.series.map((x) => x.values)); i++) {
        await sleep(100)
        drawn = await plotted(page)
      }
      assert.deepEqual(drawn.map((x) => x.values), answer.series.map((x) => x.values))
      assert.deepEqual(answer.series.map((x) => x.values.at(-1)), want)
    }
    await page.goto(sieve.url + insightPath(base))
    await plotted(page)
    // Series B counts only purchases under 20 (u2's 12, not u1's 30).
    await page.getByRole('button', { name: 'Filter series B', exact: true }).click()
    const sb = page.getByRole('group', { name: 'Condition 1 of series B', exact: true })
    await sb.getByLabel('Property').selectOption('amount')
    await sb.getByLabel('Operator').selectOption('lt')
    await sb.getByLabel('Value').fill('20')
    await sb.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).series?.[1]?.filter?.and?.[0]?.value === 20)
    assert.deepEqual(current().series[1].filter, { and: [{ property: 'amount', operator: 'lt', value: 20 }] })
    assert.equal(current().series[0].filter, undefined)
    await readBack([4, 1])
    // Every event: plan is pro, or amount is set. Sign-ups carry a plan and
    // no amount, purchases the reverse: each half of the or keeps one series.
    await page.getByRole('button', { name: 'Add condition', exact: true }).click()
    const c1 = page.getByRole('group', { name: 'Condition 1', exact: true })
    await c1.getByLabel('Property').selectOption('plan')
    await c1.getByLabel('Operator').selectOption('eq')
    await c1.getByLabel('Value').fill('pro')
    await c1.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).filter?.and?.[0]?.value === 'pro')
    await page.getByRole('button', { name: 'Or: an alternative to condition 1', exact: true }).click()
    const c12 = page.getByRole('group', { name: 'Condition 1 or 2', exact: true })
    await c12.getByLabel('Property').selectOption('amount')
    await c12.getByLabel('Operator').selectOption('is_set')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).filter?.and?.[0]?.or?.[1]?.property === 'amount')
    assert.deepEqual(current().filter, { and: [{ or: [{ property: 'plan', operator: 'eq', value: 'pro' }, { property: 'amount', operator: 'is_set' }] }] })
    assert.deepEqual(current().series[1].filter, { and: [{ property: 'amount', operator: 'lt', value: 20 }] })
    await readBack([2, 1])
    // Each half alone gives other numbers: the or is what the page sent.
    const half = (c) => query({ ...current(), filter: { and: [c] } }).then((r) => r.results.trends.series.map((x) => x.values.at(-1)))
    assert.deepEqual(await half({ property: 'plan', operator: 'eq', value: 'pro' }), [2, 0])
    assert.deepEqual(await half({ property: 'amount', operator: 'is_set' }), [0, 1])
    // The URL alone brings the same builder back.
    const other = await chrome.context.newPage()
    await other.goto(page.url())
    await plotted(other)
    assert.equal(await other.getByRole('group', { name: 'Condition 1 or 2', exact: true }).getByLabel('Property').inputValue(), 'amount')
    assert.equal(await other.getByRole('group', { name: 'Condition 1 of series B', exact: true }).getByLabel('Value').inputValue(), '20')
    await other.close()
    // Removing the alternative leaves a plain condition.
    await page.getByRole('button', { name: 'Remove condition 1 or 2', exact: true }).click()
    await page.waitForURL((u) => !JSON.parse(new URL(u).searchParams.get('q')).filter?.and?.[0]?.or)
    assert.deepEqual(current().filter, { and: [{ property: 'plan', operator: 'eq', value: 'pro' }] })
    await readBack([2, 0])
    await page.getByRole('button', { name: 'Or: an alternative to condition 1', exact: true }).click()
    await page.getByRole('group', { name: 'Condition 1 or 2', exact: true }).getByLabel('Property').selectOption('amount')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).filter?.and?.[0]?.or?.[1]?.property === 'amount')
    await readBack([2, 1])
    await page.getByRole('group', { name: 'Condition 1', exact: true }).evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await shot(page, 'insights-or-series-filter')
  })

  await t.test('three breakdowns, bins, exclusions and on-or-after from the URL show in the builder and run', async () => {
    const multi = { ...trend, breakdown: [{ property: 'plan' }, { property: 'amount', bins: 2 }] }
    await page.goto(sieve.url + insightPath(multi))
    const drawn = await plotted(page)
    const want = (await query(multi)).results.trends
    assert.deepEqual(drawn.map((s) => s.values), want.series.map((s) => s.values))
    assert.equal(await page.getByRole('group', { name: 'Breakdown 2' }).getByLabel('Property').inputValue(), 'amount')
    assert.equal(await page.getByLabel('Bins').inputValue(), '2')
    await page.getByRole('button', { name: 'Add breakdown' }).click()
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).breakdown?.length === 3)
    assert.equal(await page.getByRole('button', { name: 'Add breakdown' }).count(), 0, 'at most three breakdowns')

    const excl = { kind: 'funnels', from: weekAgo, to: today, series: [{ event: 'Signed up' }, { event: 'Purchased' }], funnel: { exclusions: [{ event: 'Viewed pricing', from_step: 0, to_step: 1 }] } }
    await page.goto(sieve.url + insightPath(excl))
    const fd = await plotted(page)
    const fw = (await query(excl)).results.funnel.steps.map((s) => s.count)
    assert.deepEqual(fd[0].values, fw)
    assert.equal(await page.getByRole('group', { name: 'Exclusion 1' }).getByLabel('Excluded event').inputValue(), 'Viewed pricing')

    const later = { kind: 'retention', from: weekAgo, to: today, interval: 'day', retention: { start: { event: 'Signed up' }, return: { event: 'Purchased' }, intervals: 3 } }
    await page.goto(sieve.url + insightPath(later))
    await plotted(page)
    await page.getByLabel('Counted in interval').selectOption('on_or_after')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).retention?.mode === 'on_or_after')
  })

  await t.test('a funnel broken down: conversion lines per group are the query API\'s', async () => {
    const fb = { kind: 'funnels', from: weekAgo, to: today, series: [{ event: 'Signed up' }, { event: 'Viewed pricing' }, { event: 'Purchased' }], breakdown: [{ property: 'plan' }] }
    await page.goto(sieve.url + insightPath(fb))
    const drawn = await plotted(page)
    const f = (await query(fb)).results.funnel
    const conv = (steps) => steps.map((s) => Math.round(s.overall_conversion * 10000) / 100)
    assert.deepEqual(drawn.map((s) => s.name), ['All users', ...f.breakdowns.map((b) => b.breakdown.join(', '))])
    assert.deepEqual(drawn.map((s) => s.values), [conv(f.steps), ...f.breakdowns.map((b) => conv(b.steps))])
    // Pro: both signed up, viewed pricing and purchased.
    assert.deepEqual(drawn.find((s) => s.name === 'pro').values, [100, 100, 100])
    await page.locator('[data-chart]').first().evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await shot(page, 'insights-funnel-breakdown')
  })

  await t.test('a quick range sets from and to (today from the page\'s clock)', async () => {
    await page.goto(sieve.url + insightPath(trend))
    await plotted(page)
    assert.equal(await page.getByLabel('Range', { exact: true }).inputValue(), '7')
    await page.getByLabel('Range', { exact: true }).selectOption('30')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).from === '2025-12-17')
    assert.equal(current().to, today)
    await page.getByLabel('From').fill('2026-01-03')
    await page.getByLabel('From').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).from === '2026-01-03')
    assert.equal(await page.getByLabel('Range', { exact: true }).inputValue(), 'custom')
  })

  await t.test('the kind tabs work from the keyboard', async () => {
    await page.goto(sieve.url + insightPath(trend))
    await plotted(page)
    await page.getByRole('tab', { name: 'Trends' }).focus()
    await page.keyboard.press('ArrowRight')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).kind === 'funnels')
    await page.waitForFunction(() => document.activeElement?.textContent === 'Funnels')
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).kind === 'addiction')
    assert.equal(await page.getByRole('tab', { selected: true }).innerText(), 'Frequency')
  })

  await t.test('CSV download', async () => {
    await page.goto(sieve.url + insightPath(trend))
    await plotted(page)
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    assert.equal(dl.suggestedFilename(), `trends-${weekAgo}-${today}.csv`)
    const text = readFileSync(await dl.path(), 'utf8')
    const want = (await query(trend)).results.trends
    const lines = text.trim().split('\r\n')
    assert.equal(lines[0], ['Series', 'Breakdown', ...want.buckets].join(','))
    assert.deepEqual(lines.slice(1), want.series.map((s) => [s.name, s.breakdown.join(', '), ...s.values].join(',')))
  })

  await t.test('a filter on a funnel step from the builder: the plotted counts are the query API\'s', async () => {
    const funnel = { kind: 'funnels', from: weekAgo, to: today, series: [{ event: 'Signed up' }, { event: 'Purchased' }] }
    await page.goto(sieve.url + insightPath(funnel))
    assert.deepEqual((await plotted(page))[0].values, [4, 2])
    // Step 2 counts only purchases of 20 or more: u1's 30, not u2's 12.
    await page.getByRole('button', { name: 'Filter step 2', exact: true }).click()
    const c = page.getByRole('group', { name: 'Condition 1 of step 2', exact: true })
    await c.getByLabel('Property').selectOption('amount')
    await c.getByLabel('Operator').selectOption('gte')
    await c.getByLabel('Value').fill('20')
    await c.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).series?.[1]?.filter?.and?.[0]?.value === 20)
    const q = JSON.parse(new URL(page.url()).searchParams.get('q'))
    assert.deepEqual(q.series, [{ event: 'Signed up' }, { event: 'Purchased', filter: { and: [{ property: 'amount', operator: 'gte', value: 20 }] } }])
    const want = (await query(q)).results.funnel.steps.map((x) => x.count)
    assert.deepEqual(want, [4, 1])
    let drawn = await plotted(page)
    for (let i = 0; i < 50 && JSON.stringify(drawn[0].values) !== JSON.stringify(want); i++) {
      await sleep(100)
      drawn = await plotted(page)
    }
    assert.deepEqual(drawn[0].values, want)
  })

  await t.test('a funnel: the plotted counts are the query API\'s', async () => {
    const funnel = { kind: 'funnels', from: weekAgo, to: today, series: [{ event: 'Signed up' }, { event: 'Viewed pricing' }, { event: 'Purchased' }] }
    await page.goto(sieve.url + insightPath(funnel))
    const drawn = await plotted(page)
    const want = (await query(funnel)).results.funnel.steps.map((s) => s.count)
    assert.deepEqual(drawn[0].values, want)
    assert.deepEqual(want, [4, 3, 2])
    // Conversion over time: a second chart, the share completed per day of entry.
    const overTime = (await query(funnel)).results.funnel.over_time
    const second = page.getByRole('img', { name: 'Chart of the funnel\'s conversion by day' })
    await second.and(page.locator('[data-plotted]')).waitFor()
    const ot = JSON.parse(await second.getAttribute('data-plotted'))
    assert.deepEqual(ot[0].values, overTime.map((b) => Math.round(b.conversion * 10000) / 100))
    assert.equal(ot[0].values.at(-1), 50, 'two of four who entered today completed')
    await page.getByRole('table', { name: 'Results of the funnels query' }).getByRole('cell', { name: '75.0%' }).first().waitFor()
    await page.locator('[data-chart]').first().evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await shot(page, 'insights-funnels')
  })

  await t.test('a retention chart: the plotted curve is the query API\'s', async () => {
    const ret = { kind: 'retention', from: weekAgo, to: today, interval: 'day', retention: { start: { event: 'Signed up' }, return: { event: 'Purchased' }, intervals: 3 } }
    await page.goto(sieve.url + insightPath(ret))
    const drawn = await plotted(page)
    const cohorts = (await query(ret)).results.retention.cohorts
    const n = Math.max(...cohorts.map((c) => c.counts.length))
    const want = Array.from({ length: n }, (_, i) => {
      const ok = cohorts.filter((c) => i < c.counts.length)
      const size = ok.reduce((s, c) => s + c.size, 0)
      return size ? Math.round((ok.reduce((s, c) => s + c.counts[i], 0) / size) * 10000) / 100 : 0
    })
    assert.deepEqual(drawn[0].values, want)
    assert.equal(want[0], 50, 'two of four sign-ups purchased the same day')
    await shot(page, 'insights-retention')
  })

  /** drawnIs waits until the chart shows what the query API answers to the URL's document; returns the answer. */
  const drawnIs = async (pick) => {
    const answer = pick((await query(current())).results)
    let drawn = await plotted(page)
    for (let i = 0; i < 50 && JSON.stringify(drawn.map((x) => x.values)) !== JSON.stringify(answer.values); i++) {
      await sleep(100)
      drawn = await plotted(page)
    }
    assert.deepEqual(drawn.map((x) => x.values), answer.values)
    return answer
  }

  await t.test('user (profile) properties: a breakdown and a filter from the builder are the query API\'s', async () => {
    const base = { kind: 'trends', from: weekAgo, to: today, interval: 'day', series: [{ event: 'Signed up', math: 'total' }] }
    await page.goto(sieve.url + insightPath(base))
    await plotted(page)
    await page.getByRole('button', { name: 'Add breakdown' }).click()
    const b1 = page.getByRole('group', { name: 'Breakdown 1' })
    await b1.getByLabel('Breakdown 1 by').selectOption('user')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).breakdown?.[0]?.scope === 'user')
    // The names seen on profiles are offered.
    await page.waitForFunction(() => [...document.querySelectorAll('datalist option')].some((o) => o.value === 'tier'))
    await b1.getByLabel('Property').fill('tier')
    await b1.getByLabel('Property').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).breakdown?.[0]?.property === 'tier')
    assert.deepEqual(current().breakdown, [{ property: 'tier', scope: 'user' }])
    const t1 = await drawnIs((r) => ({ values: r.trends.series.map((x) => x.values), rows: r.trends.series }))
    const last = Object.fromEntries(t1.rows.map((x) => [x.breakdown.join(), x.values.at(-1)]))
    assert.deepEqual(last, { gold: 2, silver: 1, '(none)': 1 })
    // A condition on the profile: tier is gold.
    await page.getByRole('button', { name: 'Add condition', exact: true }).click()
    const c1 = page.getByRole('group', { name: 'Condition 1', exact: true })
    await c1.getByLabel('Of', { exact: true }).selectOption('user')
    await c1.getByLabel('Property').fill('tier')
    await c1.getByLabel('Property').press('Enter')
    await c1.getByLabel('Operator').selectOption('eq')
    await c1.getByLabel('Value').fill('gold')
    await c1.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).filter?.and?.[0]?.value === 'gold')
    assert.deepEqual(current().filter, { and: [{ property: 'tier', scope: 'user', operator: 'eq', value: 'gold' }] })
    const t2 = await drawnIs((r) => ({ values: r.trends.series.map((x) => x.values), rows: r.trends.series }))
    assert.deepEqual(t2.rows.map((x) => [x.breakdown.join(), x.values.at(-1)]), [['gold', 2]])
    // The URL alone brings the builder back with both.
    await page.reload()
    await plotted(page)
    assert.equal(await page.getByRole('group', { name: 'Condition 1', exact: true }).getByLabel('Of', { exact: true }).inputValue(), 'user')
    assert.equal(await page.getByRole('group', { name: 'Breakdown 1' }).getByLabel('Property').inputValue(), 'tier')
    await page.getByRole('group', { name: 'Breakdown 1' }).evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await shot(page, 'insights-user-properties')
  })

  await t.test('users: the profiles listed, each a link to its page', async () => {
    await page.goto(sieve.url + '/users')
    const table = page.getByRole('table', { name: 'Profiles' })
    await table.waitFor()
    const want = (await sieve.api('GET', `/api/2.0/engage?project_id=${def.id}&page_size=50`)).results
    assert.equal(await table.getByRole('row').count(), want.length + 1)
    for (const p of want) assert.ok((await table.innerText()).includes(`tier: ${p.$properties.tier}`), p.$distinct_id)
    await table.getByRole('link', { name: 'u2', exact: true }).click()
    await page.waitForURL((u) => new URL(u).searchParams.get('id') === 'u2')
    await page.getByRole('table', { name: 'Profile properties' }).getByText('silver').waitFor()
  })

  await t.test('an expression breakdown from the URL shows in the builder, is edited there and runs', async () => {
    const ex = { kind: 'trends', from: weekAgo, to: today, interval: 'day', series: [{ event: 'Purchased', math: 'total' }], breakdown: [{ expr: 'number(properties["amount"]) > 20' }] }
    await page.goto(sieve.url + insightPath(ex))
    const b1 = page.getByRole('group', { name: 'Breakdown 1' })
    await drawnIs((r) => ({ values: r.trends.series.map((x) => x.values) }))
    assert.equal(await b1.getByLabel('Breakdown 1 by').inputValue(), 'expr')
    assert.equal(await b1.getByLabel('Expression').inputValue(), ex.breakdown[0].expr)
    await b1.getByLabel('Expression').fill('floor(number(properties["amount"]) / 10) * 10')
    await b1.getByLabel('Expression').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).breakdown?.[0]?.expr?.startsWith('floor'))
    const a = await drawnIs((r) => ({ values: r.trends.series.map((x) => x.values), rows: r.trends.series }))
    assert.deepEqual(a.rows.map((x) => x.breakdown.join()).sort(), ['10', '30'])
    // A bad expression: the server's sentence, pointing at the column.
    await b1.getByLabel('Expression').fill('floor(')
    await b1.getByLabel('Expression').press('Enter')
    await page.getByRole('alert').filter({ hasText: 'breakdown' }).waitFor()
  })

  await t.test('retention start and return filters from the builder: the plotted curve is the query API\'s', async () => {
    const ret = { kind: 'retention', from: weekAgo, to: today, interval: 'day', retention: { start: { event: 'Signed up' }, return: { event: 'Purchased' }, intervals: 3 } }
    await page.goto(sieve.url + insightPath(ret))
    await plotted(page)
    await page.getByRole('button', { name: 'Filter the start event', exact: true }).click()
    const sc = page.getByRole('group', { name: 'Condition 1 of the start event', exact: true })
    await sc.getByLabel('Property').selectOption('plan')
    await sc.getByLabel('Operator').selectOption('eq')
    await sc.getByLabel('Value').fill('free')
    await sc.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).retention?.start?.filter?.and?.[0]?.value === 'free')
    assert.equal(current().retention.start.event, 'Signed up')
    const curve = (r) => {
      const c = r.retention.cohorts
      const n = Math.max(...c.map((x) => x.counts.length))
      return { values: [Array.from({ length: n }, (_, i) => {
        const ok = c.filter((x) => i < x.counts.length)
        const size = ok.reduce((a, x) => a + x.size, 0)
        return size ? Math.round((ok.reduce((a, x) => a + x.counts[i], 0) / size) * 10000) / 100 : 0
      })] }
    }
    // Free users (u3, u4) never purchased.
    assert.equal((await drawnIs(curve)).values[0][0], 0)
    await page.getByRole('button', { name: 'Filter the return event', exact: true }).click()
    const rc = page.getByRole('group', { name: 'Condition 1 of the return event', exact: true })
    await rc.getByLabel('Property').selectOption('amount')
    await rc.getByLabel('Operator').selectOption('gt')
    await rc.getByLabel('Value').fill('20')
    await rc.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).retention?.return?.filter?.and?.[0]?.value === 20)
    await sc.getByLabel('Value').fill('pro')
    await sc.getByLabel('Value').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).retention?.start?.filter?.and?.[0]?.value === 'pro')
    // Pro users u1, u2; only u1's purchase (30) is over 20: 50%.
    assert.equal((await drawnIs(curve)).values[0][0], 50)
    assert.deepEqual(current().retention.return, { event: 'Purchased', filter: { and: [{ property: 'amount', operator: 'gt', value: 20 }] } })
    await shot(page, 'insights-retention-filters')
  })

  await t.test('frequency (addiction) from the builder: the plotted counts are the query API\'s', async () => {
    // Opened app: u1 on 4 days, u2 on 3, u3 on 1 (two weeks: Jan 5-11, Jan 12-18).
    const opens = { u1: ['01-10', '01-12', '01-13', '01-14'], u2: ['01-11', '01-13', '01-14'], u3: ['01-14'] }
    for (const [u, days] of Object.entries(opens)) {
      for (const d of days) await send(sieve, keys, 'Opened app', { distinct_id: u, time: Date.parse(`2026-${d}T09:30:00Z`) / 1000 })
    }
    for (let i = 0; (await query({ kind: 'trends', from: weekAgo, to: today, series: [{ event: 'Opened app' }] })).results.trends.series[0].values.reduce((a, b) => a + b, 0) < 8; i++) {
      if (i > 100) throw new Error('the events were not queryable after 10 s')
      await sleep(100)
    }
    await page.goto(sieve.url + insightPath(trend))
    await plotted(page)
    await page.getByRole('tab', { name: 'Frequency' }).click()
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).kind === 'addiction')
    await page.getByLabel('From').fill(weekAgo)
    await page.getByLabel('From').press('Enter')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).from === weekAgo)
    await page.getByRole('combobox', { name: /^Event/ }).selectOption('Opened app')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).series?.[0]?.event === 'Opened app')
    const q = current()
    assert.equal(q.interval, 'week')
    assert.deepEqual(q.addiction, { unit: 'day' })
    const a = await drawnIs((r) => {
      const n = Math.max(1, ...r.addiction.periods.map((p) => p.counts.findLastIndex((c) => c > 0) + 1))
      return { values: r.addiction.periods.map((p) => p.counts.slice(0, n)), periods: r.addiction.periods }
    })
    assert.deepEqual(a.periods.map((p) => [p.date, p.counts.slice(0, 4)]), [['2026-01-05', [2, 0, 0, 0]], ['2026-01-12', [3, 2, 1, 0]]])
    const table = await page.getByRole('table', { name: 'Results of the addiction query' }).innerText()
    assert.ok(table.includes('At least 3') && !table.includes('At least 4'), table)
    // Hours: a day interval counts distinct hours only.
    await page.getByLabel('Interval').selectOption('day')
    await page.waitForURL((u) => JSON.parse(new URL(u).searchParams.get('q')).addiction?.unit === 'hour')
    await page.getByLabel('Interval').selectOption('week')
    await page.getByLabel('Distinct').selectOption('day')
    await page.waitForURL((u) => { const x = JSON.parse(new URL(u).searchParams.get('q')); return x.interval === 'week' && x.addiction?.unit === 'day' })
    await drawnIs((r) => ({ values: r.addiction.periods.map((p) => p.counts.slice(0, 3)) }))
    await page.evaluate(() => document.activeElement?.blur())
    await page.locator('[data-chart]').first().evaluate((e) => e.scrollIntoView({ block: 'center' }))
    await shot(page, 'insights-frequency')
  })

  await t.test('save an insight to a dashboard and see it there', async () => {
    await page.goto(sieve.url + '/dashboards')
    await page.getByRole('heading', { level: 1, name: 'Dashboards' }).waitFor()
    await page.getByRole('form', { name: 'New dashboard' }).getByLabel('Name').fill('Growth')
    await page.getByRole('button', { name: 'Create dashboard' }).click()
    await page.getByRole('heading', { level: 1, name: 'Growth' }).waitFor()
    await page.getByText('This dashboard is empty').waitFor()

    await page.goto(sieve.url + insightPath(trend))
    await plotted(page)
    const form = page.getByRole('form', { name: 'Save this insight' })
    await form.getByLabel('Name').fill('Sign-ups by plan')
    await form.getByLabel('Add to dashboard').selectOption({ label: 'Growth' })
    await form.getByRole('button', { name: 'Save insight' }).click()
    await page.getByText('Saved “Sign-ups by plan” and added it to the dashboard.').waitFor()
    await page.getByRole('table', { name: 'Saved insights' }).getByRole('link', { name: 'Sign-ups by plan' }).waitFor()

    await page.goto(sieve.url + '/dashboards')
    await page.getByRole('link', { name: 'Growth' }).click()
    const tile = page.getByRole('article', { name: 'Sign-ups by plan' })
    await tile.waitFor()
    const drawn = JSON.parse(await tile.locator('[data-plotted]').getAttribute('data-plotted', { timeout: 20000 }).catch(async () => {
      await tile.locator('[data-plotted]').waitFor({ timeout: 20000 })
      return tile.locator('[data-plotted]').getAttribute('data-plotted')
    }))
    assert.deepEqual(drawn.map((s) => s.values), (await query(trend)).results.trends.series.map((s) => s.values))
    // Three lines with the same values (free and pro signed up alike, and
    // (none) purchased as many): each one's colour is still on the canvas.
    assert.deepEqual(drawn[0].values, drawn[1].values)
    const seen = await colourPixels(tile, drawn.map((s) => s.color))
    for (const [i, s] of drawn.entries()) assert.ok(seen[i] >= 30, `${s.name} (${s.color}) is hidden: ${seen[i]} pixels of its colour`)
    await shot(page, 'dashboard')
    // The dashboard-wide range applies to every tile.
    await page.getByRole('group', { name: 'Dashboard date range' }).getByLabel('From').fill(today)
    await page.waitForURL((u) => new URL(u).searchParams.get('from') === today)
    await page.getByRole('group', { name: 'Dashboard date range' }).getByLabel('To').fill(today)
    await page.waitForURL((u) => new URL(u).searchParams.get('to') === today)
    await tile.getByText(`${today} – ${today}`).waitFor()
    const one = JSON.parse(await tile.locator('[data-plotted]').getAttribute('data-plotted'))
    assert.equal(one[0].values.length, 1, 'one day, one bucket')
    // A saved insight not on the dashboard is added from the dashboard's page.
    const funnel = await sieve.api('POST', `/api/projects/${def.id}/insights`, { name: 'Sign-up to purchase', query: { kind: 'funnels', from: weekAgo, to: today, series: [{ event: 'Signed up' }, { event: 'Purchased' }] } })
    await page.reload()
    const addForm = page.getByRole('form', { name: 'Add a saved insight' })
    await addForm.getByLabel('Saved insight').selectOption(String(funnel.id))
    await addForm.getByRole('button', { name: 'Add to this dashboard' }).click()
    await page.getByRole('article', { name: 'Sign-up to purchase' }).locator('[data-plotted]').waitFor({ timeout: 20000 })
    const boards = (await sieve.api('GET', `/api/projects/${def.id}/dashboards`)).dashboards
    assert.deepEqual(boards.find((b) => b.name === 'Growth').insights.slice(-1), [funnel.id])
    assert.equal(await addForm.count(), 0, 'every saved insight is on the dashboard: nothing left to add')
    await sieve.api('DELETE', `/api/projects/${def.id}/insights/${funnel.id}`) // the next test starts from one saved insight
    await page.goto(sieve.url + '/dashboards')
    await page.getByRole('table', { name: 'Dashboards' }).waitFor()
    await shot(page, 'dashboards')
  })

  await t.test('rename, replace and delete a saved insight; delete a dashboard', async () => {
    const retention = { kind: 'retention', from: weekAgo, to: today, interval: 'day', retention: { start: { event: 'Signed up' }, return: { event: 'Purchased' }, intervals: 3 } }
    await page.goto(sieve.url + insightPath(retention))
    await plotted(page)
    const saved = page.getByRole('table', { name: 'Saved insights' })
    await saved.getByRole('button', { name: 'Rename Sign-ups by plan' }).click()
    await page.getByRole('form', { name: 'Rename Sign-ups by plan' }).getByLabel('New name').fill('Plans <b>& co</b>')
    await page.getByRole('form', { name: 'Rename Sign-ups by plan' }).getByRole('button', { name: 'Rename' }).click()
    await page.getByText('Renamed to “Plans <b>& co</b>”.').waitFor()
    await saved.getByRole('link', { name: 'Plans <b>& co</b>' }).waitFor()
    await saved.getByRole('button', { name: 'Replace Plans <b>& co</b> with the query above' }).click()
    await page.getByText('now holds the query above').waitFor()
    const list = await sieve.api('GET', `/api/projects/${def.id}/insights`)
    assert.deepEqual(list.insights.map((i) => [i.name, i.query.kind]), [['Plans <b>& co</b>', 'retention']])
    await shot(page, 'insights-saved')
    await saved.getByRole('button', { name: 'Delete Plans <b>& co</b>' }).click()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await page.getByText('No saved insights yet').waitFor()
    assert.deepEqual((await sieve.api('GET', `/api/projects/${def.id}/insights`)).insights, [])

    await page.goto(sieve.url + '/dashboards')
    await page.getByRole('link', { name: 'Growth' }).click()
    await page.getByText('This dashboard is empty').waitFor() // deleting an insight takes it off its dashboards
    await page.getByRole('button', { name: 'Delete dashboard…' }).click()
    await page.getByRole('button', { name: 'Delete dashboard', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Dashboards' }).waitFor()
    await page.getByText('No dashboards yet').waitFor()
    assert.deepEqual((await sieve.api('GET', `/api/projects/${def.id}/dashboards`)).dashboards, [])
  })

  await t.test('the labelled-controls check (run before every screenshot) finds unnamed controls', async () => {
    const blank = await chrome.context.newPage()
    await blank.setContent('<label>Named<input></label><label><select><option>only an option</option></select></label><input id=a><button></button><button aria-label="Close"></button><a href="/x"> </a><input type=hidden>')
    assert.deepEqual((await unlabelled(blank)).map((h) => h.slice(0, 7)), ['<select', '<input ', '<button', '<a href'])
    await blank.close()
  })

  await t.test('no console errors', () => {
    assert.deepEqual(errors, [])
  })
})
