// fakes.js: a manual clock and an in-memory storage for unit tests.

/** clock returns {now, setTimeout, clearTimeout, tick(ms), pending()} driven by hand. */
export function clock(start = 1_700_000_000_000) {
  let now = start
  let seq = 0
  const timers = new Map()
  const c = {
    now: () => now,
    setTimeout(f, ms) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), f })
      return id
    },
    clearTimeout(id) {
      timers.delete(id)
    },
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    // tick advances time, running due timers in order and letting promises settle.
    async tick(ms) {
      const end = now + ms
      for (;;) {
        await settle()
        let next = null
        for (const [id, t] of timers) if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t]
        if (!next) break
        timers.delete(next[0])
        now = next[1].at
        next[1].f()
      }
      now = end
      await settle()
    },
  }
  return c
}

/** settle lets pending promise callbacks run. */
export async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
}

/** memStorage is the storage interface Batcher wants, over a Map of JSON strings. */
export function memStorage(map = new Map()) {
  return {
    map,
    get: (k) => (map.has(k) ? JSON.parse(map.get(k)) : null),
    set: (k, v) => map.set(k, JSON.stringify(v)),
    del: (k) => map.delete(k),
    keys: () => [...map.keys()],
  }
}

/** localStorageLike is a Storage (getItem/setItem/key/length) over a Map. */
export function localStorageLike(map = new Map()) {
  return {
    map,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size
    },
  }
}
