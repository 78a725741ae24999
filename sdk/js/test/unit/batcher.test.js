import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Batcher } from '../../src/batcher.js'
import { clock, memStorage, settle } from './fakes.js'

// server returns a send function answering with the given statuses in turn
// (the last one repeats) and records every batch it was sent.
function server(...answers) {
  const batches = []
  const send = async (items) => {
    batches.push(items.map((i) => i.n))
    const a = answers[Math.min(batches.length - 1, answers.length - 1)]
    return typeof a === 'number' ? { status: a } : a
  }
  return { batches, send }
}

function make(o = {}) {
  const c = o.clock || clock()
  const storage = o.storage || memStorage()
  const srv = o.server || server(200)
  const b = new Batcher({ key: 'sieve_T_ev', tab: o.tab || 'tab1', storage, send: srv.send, beacon: o.beacon, size: o.size || 50, interval: 5000, clock: c, max: o.max })
  return { b, c, storage, srv }
}

const push = (b, from, to) => {
  for (let n = from; n < to; n++) b.push('id' + n, { n })
}

test('a full batch of 50 is sent at once, the rest after the interval', async () => {
  const { b, c, srv } = make()
  push(b, 0, 60)
  await c.tick(0)
  assert.equal(srv.batches.length, 1)
  assert.equal(srv.batches[0].length, 50)
  assert.deepEqual(srv.batches[0], [...Array(50).keys()])
  await c.tick(4999)
  assert.equal(srv.batches.length, 1)
  await c.tick(1)
  assert.deepEqual(srv.batches[1], [...Array(10).keys()].map((i) => i + 50))
  assert.equal(b.items.length, 0)
})

test('a small batch waits for the 5 s interval', async () => {
  const { b, c, srv } = make()
  push(b, 0, 3)
  await c.tick(4000)
  assert.equal(srv.batches.length, 0)
  await c.tick(1000)
  assert.deepEqual(srv.batches, [[0, 1, 2]])
})

test('the queue is in storage until the server accepts it, and survives a reload', async () => {
  const storage = memStorage()
  const c = clock()
  const first = make({ storage, clock: c, server: server(0) })
  push(first.b, 0, 3)
  await settle()
  assert.deepEqual(storage.get('sieve_T_ev_tab1').items.map((i) => i.d.n), [0, 1, 2])
  // The page goes away before anything was sent.
  first.b.unload(true)
  assert.equal(storage.get('sieve_T_ev_tab1').ts, 0)
  // The next page load adopts the abandoned queue and sends it.
  const srv = server(200)
  const second = make({ storage, clock: c, server: srv, tab: 'tab2' })
  assert.equal(storage.get('sieve_T_ev_tab1'), null)
  await c.tick(0)
  assert.deepEqual(srv.batches, [[0, 1, 2]])
  assert.equal(second.b.items.length, 0)
  assert.equal(storage.get('sieve_T_ev_tab2'), null)
})

test('a live tab keeps its queue; a stale one is adopted', async () => {
  const storage = memStorage()
  const c = clock()
  storage.set('sieve_T_ev_live', { ts: c.now() - 1000, items: [{ id: 'a', d: { n: 1 } }] })
  storage.set('sieve_T_ev_dead', { ts: c.now() - 120000, items: [{ id: 'b', d: { n: 2 } }, { id: 'a', d: { n: 1 } }] })
  storage.set('sieve_OTHER_ev_dead', { ts: 0, items: [{ id: 'c', d: { n: 3 } }] })
  const { b } = make({ storage, clock: c })
  assert.deepEqual(b.items.map((i) => i.id), ['b', 'a'])
  assert.ok(storage.get('sieve_T_ev_live'))
  assert.equal(storage.get('sieve_T_ev_dead'), null)
  assert.ok(storage.get('sieve_OTHER_ev_dead'))
})

test('5xx, 429 and network errors keep the items and back off exponentially', async () => {
  const srv = server(500, 503, { status: 0 }, 200)
  const { b, c } = make({ server: srv })
  push(b, 0, 2)
  await c.tick(5000)
  assert.equal(srv.batches.length, 1)
  assert.deepEqual(c.pending(), [10000])
  await c.tick(10000)
  assert.equal(srv.batches.length, 2)
  assert.deepEqual(c.pending(), [20000])
  await c.tick(20000)
  assert.equal(srv.batches.length, 3)
  assert.deepEqual(c.pending(), [40000])
  await c.tick(40000)
  assert.equal(srv.batches.length, 4)
  assert.deepEqual(srv.batches.at(-1), [0, 1])
  assert.equal(b.items.length, 0)
  assert.equal(b.fails, 0)
})

test('backoff is capped at 10 minutes', async () => {
  const srv = server(502)
  const { b, c } = make({ server: srv })
  push(b, 0, 1)
  await c.tick(5000)
  for (let i = 0; i < 12; i++) await c.tick(c.pending()[0])
  assert.deepEqual(c.pending(), [600000])
})

test('429 honours Retry-After', async () => {
  const srv = server({ status: 429, retryAfter: 7 }, { status: 503, retryAfter: 0 }, 200)
  const { b, c } = make({ server: srv })
  push(b, 0, 1)
  await c.tick(5000)
  assert.deepEqual(c.pending(), [7000])
  await c.tick(6999)
  assert.equal(srv.batches.length, 1)
  await c.tick(1)
  // The 503 said Retry-After: 0, so the third try follows at once.
  assert.equal(srv.batches.length, 3)
  assert.equal(b.items.length, 0)
})

test('new events do not bypass a backoff', async () => {
  const srv = server(503, 200)
  const { b, c } = make({ server: srv, size: 2 })
  push(b, 0, 2)
  await c.tick(0)
  assert.equal(srv.batches.length, 1)
  push(b, 2, 6)
  await c.tick(9999)
  assert.equal(srv.batches.length, 1)
  await c.tick(1)
  assert.deepEqual(srv.batches, [[0, 1], [0, 1], [2, 3], [4, 5]])
})

test('413 halves the batch until it fits; a single item that is too large is dropped', async () => {
  // The server takes at most 12 items, and never item 3.
  const batches = []
  const delivered = []
  const send = async (items) => {
    batches.push(items.length)
    if (items.length > 12 || items.some((i) => i.n === 3)) return { status: 413 }
    delivered.push(...items.map((i) => i.n))
    return { status: 200 }
  }
  const { b, c } = make({ server: { send, batches } })
  push(b, 0, 50)
  await c.tick(0)
  await c.tick(60000)
  assert.equal(b.items.length, 0)
  assert.deepEqual(batches.slice(0, 5), [50, 25, 12, 6, 3])
  assert.deepEqual(delivered.sort((x, y) => x - y), [...Array(50).keys()].filter((n) => n !== 3))
  assert.ok(batches.includes(1))
})

test('other 4xx answers drop the batch without retrying', async () => {
  const srv = server(400, 200)
  const { b, c } = make({ server: srv, size: 2 })
  push(b, 0, 3)
  await c.tick(0)
  assert.deepEqual(srv.batches, [[0, 1]])
  assert.deepEqual(b.items.map((i) => i.d.n), [2])
  await c.tick(5000)
  assert.deepEqual(srv.batches, [[0, 1], [2]])
})

test('a send that throws counts as a network error', async () => {
  let calls = 0
  const send = async () => {
    calls++
    throw new Error('offline')
  }
  const { b, c } = make({ server: { send } })
  push(b, 0, 1)
  await c.tick(5000)
  assert.equal(calls, 1)
  assert.equal(b.items.length, 1)
  assert.equal(b.fails, 1)
})

test('the queue keeps at most max items, dropping the oldest', async () => {
  const { b } = make({ max: 5, server: server(0) })
  push(b, 0, 8)
  assert.deepEqual(b.items.map((i) => i.d.n), [3, 4, 5, 6, 7])
})

test('unload sends everything with the beacon in chunks under 64 KB and forgets it', async () => {
  const sent = []
  const beacon = (items) => {
    sent.push(items)
    return true
  }
  const { b, storage } = make({ beacon, server: server(0) })
  const big = 'x'.repeat(2000)
  for (let n = 0; n < 70; n++) b.push('id' + n, { n, big })
  b.unload(true)
  assert.ok(sent.length >= 3, `chunks: ${sent.length}`)
  for (const chunk of sent) assert.ok(encodeURIComponent(JSON.stringify(chunk)).length < 64 * 1024)
  assert.deepEqual(sent.flat().map((i) => i.n), [...Array(70).keys()])
  assert.equal(b.items.length, 0)
  assert.equal(storage.get('sieve_T_ev_tab1'), null)
})

test('what the beacon refuses stays queued and is marked for the next page', async () => {
  const beacon = () => false
  const { b, storage } = make({ beacon, server: server(0) })
  push(b, 0, 2)
  b.unload(true)
  assert.equal(b.items.length, 2)
  assert.equal(storage.get('sieve_T_ev_tab1').ts, 0)
  // Back from the back-forward cache: live again.
  b.resume()
  assert.notEqual(storage.get('sieve_T_ev_tab1').ts, 0)
})

test('unload does not beacon the batch already in flight', async () => {
  let release
  const send = () => new Promise((r) => (release = r))
  const sent = []
  const { b, c } = make({ server: { send }, beacon: (items) => sent.push(items) > 0, size: 2 })
  push(b, 0, 3)
  await c.tick(0)
  b.unload(false)
  assert.deepEqual(sent.flat().map((i) => i.n), [2])
  release({ status: 200 })
  await settle()
  assert.equal(b.items.length, 0)
})

test('flushAll sends every batch now', async () => {
  const srv = server(200)
  const { b } = make({ server: srv, size: 10 })
  push(b, 0, 25)
  await b.flushAll()
  assert.deepEqual(srv.batches.map((x) => x.length), [10, 10, 5])
  assert.equal(b.items.length, 0)
})
