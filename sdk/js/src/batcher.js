// batcher.js: a persistent send queue for one endpoint.
//
// Items wait in memory and in storage (one key per page, so tabs do not
// overwrite each other) until the server accepts them. A page that is
// closed marks its queue abandoned; the next page of the same site adopts
// abandoned or stale queues and sends them. Items are sent in batches of
// `size` or after `interval` ms; failures are retried with backoff:
//   2xx                -> done
//   413                -> halve the batch and retry (a single item is dropped)
//   429, 5xx, network  -> keep, retry after Retry-After or interval*2^n (max 10 min)
//   other status       -> drop the batch (the server will not take it)

const MAX_RETRY_MS = 10 * 60 * 1000
const STALE_MS = 60 * 1000
const BEACON_BYTES = 60000

export class Batcher {
  /**
   * @param {object} o
   * @param {string} o.key       storage key prefix of this queue ("sieve_<token>_ev")
   * @param {string} o.tab       id of this page, unique per page load
   * @param {object} o.storage   {get(k), set(k,v), del(k), keys()}; values are JSON-able
   * @param {(items: object[]) => Promise<{status: number, retryAfter?: number}>} o.send
   * @param {(items: object[]) => boolean} [o.beacon]  fire-and-forget send; true if accepted
   * @param {number} [o.size]      items per batch (50)
   * @param {number} [o.interval]  ms between sends (5000)
   * @param {number} [o.max]       items kept at most; the oldest go first (1000)
   * @param {object} [o.clock]     {now, setTimeout, clearTimeout}
   */
  constructor(o) {
    this.o = o
    this.clock = o.clock || { now: () => Date.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) }
    this.size = this.maxSize = o.size || 50
    this.interval = o.interval || 5000
    this.max = o.max || 1000
    this.own = o.key + '_' + o.tab
    this.items = []
    this.fails = 0
    this.busy = false
    this.timer = null
    this.due = 0
    this.dirty = false
    this.gone = false
    this.adopt()
  }

  // adopt takes over queues left by closed pages (ts 0) or by pages that have
  // not written for a while (crashed, or asleep with a long backoff: their
  // items may then be sent twice; $insert_id lets the server drop repeats).
  adopt() {
    const st = this.o.storage
    const seen = new Set(this.items.map((i) => i.id))
    for (const k of st.keys()) {
      if (!k.startsWith(this.o.key + '_') || k === this.own) continue
      const q = st.get(k)
      if (q && q.ts && this.clock.now() - q.ts < STALE_MS) continue
      st.del(k)
      for (const it of (q && Array.isArray(q.items) && q.items) || []) {
        if (it && it.id && !seen.has(it.id)) {
          seen.add(it.id)
          this.items.push(it)
        }
      }
    }
    if (this.items.length) {
      this.trim()
      this.persist(true)
      this.schedule(0)
    }
  }

  trim() {
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max)
  }

  // persist writes the queue, coalescing the writes of one synchronous burst
  // unless now is set. mark: 0 marks the queue abandoned (the page is going
  // away), -1 marks it live again, undefined leaves the mark as it is.
  persist(now, mark) {
    if (now) {
      this.dirty = false
      if (mark !== undefined) this.gone = mark === 0
      if (this.items.length) this.o.storage.set(this.own, { ts: this.gone ? 0 : this.clock.now(), items: this.items })
      else this.o.storage.del(this.own)
      return
    }
    if (this.dirty) return
    this.dirty = true
    queueMicrotask(() => this.dirty && this.persist(true))
  }

  /** push queues one payload; id must be unique (the event's $insert_id). */
  push(id, d) {
    this.items.push({ id, d })
    this.trim()
    this.persist()
    // While backing off, new items wait for the retry.
    if (!this.fails) this.schedule(this.items.length >= this.size ? 0 : this.interval)
    else if (this.timer === null && !this.busy) this.schedule(this.interval)
  }

  // schedule makes sure a flush runs within ms; an earlier one is kept.
  schedule(ms) {
    const at = this.clock.now() + ms
    if (this.timer !== null) {
      if (this.due <= at) return
      this.clock.clearTimeout(this.timer)
    }
    this.due = at
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      this.flush()
    }, ms)
  }

  /** flush sends one batch now; resolves when its answer has been handled. */
  async flush() {
    if (this.busy || !this.items.length) return
    this.busy = true
    const batch = this.items.slice(0, this.size)
    let res
    try {
      res = await this.o.send(batch.map((i) => i.d))
    } catch {
      res = { status: 0 }
    }
    this.busy = false
    const s = res.status
    let delay = -1
    if (s >= 200 && s < 300) {
      this.fails = 0
      this.size = this.maxSize
      this.drop(batch)
    } else if (s === 413) {
      if (batch.length > 1) this.size = Math.max(1, batch.length >> 1)
      else this.drop(batch)
      delay = 0
    } else if (s === 0 || s === 429 || s >= 500) {
      this.fails++
      const ra = res.retryAfter
      delay = Math.min(MAX_RETRY_MS, ra >= 0 ? ra * 1000 : this.interval * 2 ** this.fails)
    } else {
      this.drop(batch)
    }
    this.persist(true)
    if (delay < 0) delay = this.items.length >= this.size ? 0 : this.interval
    if (this.items.length) this.schedule(delay)
  }

  drop(batch) {
    const ids = new Set(batch.map((i) => i.id))
    this.items = this.items.filter((i) => !ids.has(i.id))
  }

  /** flushAll sends everything queued, batch after batch, until the queue is empty or a send fails. */
  async flushAll() {
    while (this.items.length && !this.busy) {
      const n = this.items.length
      const size = this.size
      const fails = this.fails
      await this.flush()
      if (this.fails > fails || (this.items.length >= n && this.size >= size)) return
    }
  }

  /**
   * unload sends what is queued with the beacon in chunks under the beacon
   * size limit, forgets what the browser accepted, and (when the page is
   * going away) marks the rest abandoned so the next page sends it.
   */
  unload(leaving) {
    const beacon = this.o.beacon
    const sending = this.busy ? this.items.slice(0, this.size) : []
    const rest = this.items.filter((i) => !sending.includes(i))
    if (beacon && rest.length) {
      let chunk = []
      let bytes = 0
      const fire = () => {
        if (chunk.length && beacon(chunk.map((i) => i.d))) this.drop(chunk)
        chunk = []
        bytes = 0
      }
      for (const it of rest) {
        const n = encodeURIComponent(JSON.stringify(it.d)).length + 3
        if (bytes + n > BEACON_BYTES) fire()
        chunk.push(it)
        bytes += n
      }
      fire()
    }
    this.persist(true, leaving ? 0 : -1)
  }

  /** resume marks the queue live again (a page restored from the back-forward cache). */
  resume() {
    this.persist(true, -1)
    if (this.items.length) this.schedule(this.interval)
  }
}
