// sieve.js: the browser SDK of Sieve.
//
// Speaks Mixpanel's wire format to a Sieve server (POST /track/ and
// /engage/ with a form field data=<JSON array>), batches and persists what it
// sends, and runs autotrack only when the project's settings on the server
// turn it on. What autotrack may read from the page is decided in rules.js
// and nowhere else. No runtime dependencies.

import { Batcher } from './batcher.js'
import { elementProps, sanitizeUrl, scrubText } from './rules.js'
import { VERSION } from './version.js'

const LIB = 'sieve-js'
const TIMEOUT_MS = 90000

function rand(n) {
  const a = new Uint8Array(n)
  globalThis.crypto.getRandomValues(a)
  return a
}

/** uuid returns a random (version 4) UUID; crypto.randomUUID needs a secure context. */
export function uuid() {
  const b = rand(16)
  b[6] = (b[6] & 15) | 64
  b[8] = (b[8] & 63) | 128
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** insertId returns 20 random characters from [a-z0-9], a valid Mixpanel $insert_id. */
export function insertId() {
  return [...rand(20)].map((x) => (x % 36).toString(36)).join('')
}

/** parseRetryAfter turns a Retry-After header (seconds or an HTTP date) into seconds, -1 if absent or bad. */
export function parseRetryAfter(h, now = Date.now()) {
  if (h == null || h === '') return -1
  if (/^\s*\d+\s*$/.test(h)) return Number(h)
  const t = Date.parse(h)
  return Number.isNaN(t) ? -1 : Math.max(0, Math.ceil((t - now) / 1000))
}

// storage wraps localStorage; when it is missing or throws (private mode,
// blocked cookies) the data lives in memory for this page only.
function storage(ls) {
  const mem = new Map()
  const ok = (() => {
    try {
      ls.setItem('__sieve', '1')
      ls.removeItem('__sieve')
      return true
    } catch {
      return false
    }
  })()
  return {
    get(k) {
      try {
        const v = ok ? ls.getItem(k) : mem.get(k)
        return v == null ? null : JSON.parse(v)
      } catch {
        return null
      }
    },
    set(k, v) {
      const s = JSON.stringify(v)
      try {
        if (ok) return ls.setItem(k, s)
      } catch {
        // Over quota: keep it in memory rather than lose it.
      }
      mem.set(k, s)
    },
    del(k) {
      mem.delete(k)
      try {
        if (ok) ls.removeItem(k)
      } catch {
        // Nothing to do.
      }
    },
    keys() {
      const out = [...mem.keys()]
      try {
        for (let i = 0; ok && i < ls.length; i++) out.push(ls.key(i))
      } catch {
        // Nothing to do.
      }
      return out
    },
  }
}

function browser(ua) {
  const b = [
    ['Edge', /Edg(e|A|iOS)?\//],
    ['Opera', /OPR\/|Opera/],
    ['Samsung Internet', /SamsungBrowser/],
    ['Chrome iOS', /CriOS/],
    ['Firefox iOS', /FxiOS/],
    ['Firefox', /Firefox/],
    ['Chrome', /Chrome|Chromium/],
    ['Mobile Safari', /Mobile.*Safari/],
    ['Safari', /Safari/],
  ].find(([, re]) => re.test(ua))
  const o = [
    ['Windows', /Windows/],
    ['iOS', /iPhone|iPad|iPod/],
    ['Android', /Android/],
    ['Chrome OS', /CrOS/],
    ['Mac OS X', /Mac/],
    ['Linux', /Linux/],
  ].find(([, re]) => re.test(ua))
  return { $browser: b ? b[0] : '', $os: o ? o[0] : '' }
}

let defaultHost = ''

/** setDefaultHost sets the api_host used when init() is given none (the origin the script came from). */
export function setDefaultHost(h) {
  defaultHost = h
}

/**
 * createSieve returns a new, uninitialised SDK instance. env replaces the
 * browser globals (window, document, navigator, localStorage, fetch, clock)
 * in tests.
 */
export function createSieve(env = {}) {
  const win = env.window || globalThis.window || {}
  const doc = env.document || win.document
  const nav = env.navigator || win.navigator || {}
  const doFetch = env.fetch || ((...a) => globalThis.fetch(...a))
  const clock = env.clock
  const now = () => (clock ? clock.now() : Date.now())

  let cfg = null
  let token = ''
  let store = null
  let state = null
  let events = null
  let people = null
  let allow = ['utm_*']
  let autotrack = false
  let lastPage = ''
  const pending = []

  const warn = (msg) => {
    if (win.console) win.console.warn('sieve: ' + msg)
  }
  const save = () => store.set('sieve_' + token, state)
  const anonId = () => '$device:' + state.device_id
  const url = (path) => cfg.api_host.replace(/\/+$/, '') + path

  // ready queues calls made before init() and replays them after.
  const ready = (name, args) => {
    if (cfg) return true
    if (pending.length < 100) pending.push([name, args])
    return false
  }

  function post(path, items) {
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null
    const t = setTimeout(() => ctrl && ctrl.abort(), TIMEOUT_MS)
    return Promise.resolve()
      .then(() =>
        doFetch(url(path) + '?verbose=1&ip=0&_=' + now(), {
          method: 'POST',
          body: new URLSearchParams({ data: JSON.stringify(items) }),
          credentials: 'omit',
          signal: ctrl ? ctrl.signal : undefined,
        }),
      )
      .then(
        (r) => ({ status: r.status, retryAfter: parseRetryAfter(r.headers && r.headers.get('Retry-After'), now()) }),
        () => ({ status: 0 }),
      )
      .finally(() => clearTimeout(t))
  }

  function beacon(path) {
    return (items) => {
      try {
        return !!nav.sendBeacon(url(path) + '?ip=0&_=' + now(), new URLSearchParams({ data: JSON.stringify(items) }))
      } catch {
        return false
      }
    }
  }

  function pageUrl() {
    return sanitizeUrl(win.location ? win.location.href : '', allow)
  }

  function defaults() {
    const p = {
      $lib: LIB,
      mp_lib: LIB,
      $lib_version: VERSION,
      ...browser(nav.userAgent || ''),
    }
    if (win.location) p.$current_url = pageUrl()
    const ref = doc && doc.referrer
    if (ref) {
      p.$referrer = sanitizeUrl(ref, allow)
      try {
        p.$referring_domain = new URL(ref).hostname
      } catch {
        // Not a URL: leave it out.
      }
    }
    if (win.screen) {
      p.$screen_height = win.screen.height
      p.$screen_width = win.screen.width
    }
    return p
  }

  function identity() {
    const p = { distinct_id: state.distinct_id, $device_id: state.device_id }
    if (state.user_id) p.$user_id = state.user_id
    return p
  }

  function fresh() {
    const device = uuid()
    state = { device_id: device, distinct_id: '$device:' + device, props: {}, timers: {} }
    save()
  }

  const api = {
    /**
     * init(token, config) starts the SDK for one project. config:
     * api_host (default: the origin sieve.js was loaded from, else the page's),
     * batch_size (50), batch_flush_interval_ms (5000), url_params (query
     * parameters kept in captured URLs until the server says otherwise;
     * default ["utm_*"]), autotrack (false forbids it even if the project
     * turns it on), loaded (callback).
     */
    init(t, config = {}) {
      if (cfg || typeof t !== 'string' || !t) {
        warn(cfg ? 'init() was already called' : 'init() needs the project token')
        return api
      }
      token = t
      cfg = {
        api_host: config.api_host || defaultHost || (win.location ? win.location.origin : ''),
        batch_size: config.batch_size || 50,
        batch_flush_interval_ms: config.batch_flush_interval_ms || 5000,
        autotrack: config.autotrack,
      }
      if (Array.isArray(config.url_params)) allow = config.url_params
      store = storage(env.localStorage || (() => { try { return win.localStorage } catch { return null } })())
      state = store.get('sieve_' + token)
      if (!state || !state.device_id) fresh()
      const tab = uuid()
      const mk = (kind, path) =>
        new Batcher({
          key: `sieve_${token}_${kind}`,
          tab,
          storage: store,
          send: (items) => post(path, items),
          beacon: beacon(path),
          size: cfg.batch_size,
          interval: cfg.batch_flush_interval_ms,
          clock,
        })
      events = mk('ev', '/track/')
      people = mk('pp', '/engage/')
      if (win.addEventListener) {
        win.addEventListener('pagehide', () => api._unload(true))
        win.addEventListener('pageshow', (e) => e.persisted && [events, people].forEach((b) => b.resume()))
      }
      if (doc && doc.addEventListener)
        doc.addEventListener('visibilitychange', () => doc.visibilityState === 'hidden' && api._unload(false))
      api._config = loadConfig()
      for (const [name, args] of pending.splice(0)) {
        const [o, f] = name.split('.')
        f ? api[o][f](...args) : api[o](...args)
      }
      if (typeof config.loaded === 'function') config.loaded(api)
      return api
    },

    /** track(event, properties) queues one event. */
    track(event, props) {
      if (!ready('track', [event, props]) || state.opted_out) return
      if (typeof event !== 'string' || !event) return warn('track() needs an event name')
      const own = props && typeof props === 'object' ? props : {}
      const p = { ...defaults(), token, time: now(), ...identity(), ...state.props, ...own }
      const start = state.timers[event]
      if (start) {
        delete state.timers[event]
        save()
        p.$duration = Math.round(now() - start) / 1000
      }
      p.token = token
      if (!p.$insert_id) p.$insert_id = insertId()
      events.push(p.$insert_id, { event, properties: p })
    },

    /** track_pageview(properties) records a $mp_web_page_view for the current page. */
    track_pageview(props) {
      if (!ready('track_pageview', [props])) return
      const loc = win.location
      let path = ''
      try {
        path = new URL(pageUrl()).pathname
      } catch {
        // No location.
      }
      lastPage = pageUrl()
      api.track('$mp_web_page_view', {
        current_page_title: scrubText(doc ? doc.title : '') || '',
        current_domain: loc ? loc.hostname : '',
        current_url_path: path,
        current_url_protocol: loc ? loc.protocol : '',
        ...props,
      })
    },

    /** identify(id) ties this device to a known user; sends $identify. */
    identify(id) {
      if (!ready('identify', [id])) return
      if (typeof id !== 'string' || !id) return warn('identify() needs an id')
      const before = state.distinct_id
      if (id === before) return
      state.distinct_id = state.user_id = id
      save()
      api.track('$identify', { distinct_id: id, $anon_distinct_id: before })
    },

    /** alias(alias, original) sends $create_alias so alias and original are one user. */
    alias(alias, original) {
      if (!ready('alias', [alias, original])) return
      original = original || state.distinct_id
      if (typeof alias !== 'string' || !alias || alias === original) return warn('alias() needs a new id')
      api.track('$create_alias', { alias, distinct_id: original })
    },

    /** get_distinct_id returns the current distinct_id ('' before init). */
    get_distinct_id() {
      return state ? state.distinct_id : ''
    },

    /** register(properties) adds super properties sent with every event. */
    register(props) {
      if (!ready('register', [props]) || !props || typeof props !== 'object') return
      Object.assign(state.props, props)
      save()
    },

    /** register_once(properties) adds super properties that are not set yet. */
    register_once(props) {
      if (!ready('register_once', [props]) || !props || typeof props !== 'object') return
      for (const k of Object.keys(props)) if (!(k in state.props)) state.props[k] = props[k]
      save()
    },

    /** unregister(name) removes one super property. */
    unregister(name) {
      if (!ready('unregister', [name])) return
      delete state.props[name]
      save()
    },

    /** get_property(name) returns a super property. */
    get_property(name) {
      return state ? state.props[name] : undefined
    },

    /** time_event(event) starts a timer; the next track(event) carries $duration in seconds. */
    time_event(event) {
      if (!ready('time_event', [event])) return
      state.timers[event] = now()
      save()
    },

    /** reset() forgets the user: new device id, no super properties or timers. */
    reset() {
      if (!ready('reset', [])) return
      const out = state.opted_out
      fresh()
      if (out) {
        state.opted_out = true
        save()
      }
    },

    /** opt_out_tracking() stops all sending from this browser until opt_in_tracking(). */
    opt_out_tracking() {
      if (!ready('opt_out_tracking', [])) return
      state.opted_out = true
      save()
    },

    opt_in_tracking() {
      if (!ready('opt_in_tracking', [])) return
      delete state.opted_out
      save()
    },

    has_opted_out_tracking() {
      return !!(state && state.opted_out)
    },

    /** flush() sends everything queued now; resolves when the server has answered. */
    flush() {
      if (!cfg) return Promise.resolve()
      return Promise.all([events.flushAll(), people.flushAll()]).then(() => undefined)
    },

    /** autotrack_enabled reports whether autotrack is running. */
    autotrack_enabled() {
      return autotrack
    },

    people: {},

    _unload(leaving) {
      events.unload(leaving)
      people.unload(leaving)
    },
  }

  function engage(op, data) {
    if (state.opted_out) return
    const rec = { $token: token, $distinct_id: state.distinct_id, $device_id: state.device_id, [op]: data }
    if (state.user_id) rec.$user_id = state.user_id
    people.push(insertId(), rec)
  }

  // people.<name>(prop, value) or people.<name>({prop: value, ...}).
  const ops = {
    set: ['$set', (v) => v],
    set_once: ['$set_once', (v) => v],
    increment: ['$add', (v) => (v === undefined ? 1 : Number(v))],
    append: ['$append', (v) => v],
    union: ['$union', (v) => (Array.isArray(v) ? v : [v])],
  }
  for (const [name, [op, conv]] of Object.entries(ops)) {
    api.people[name] = (prop, value) => {
      if (!ready('people.' + name, [prop, value])) return
      let data = {}
      if (prop && typeof prop === 'object') for (const k of Object.keys(prop)) data[k] = conv(prop[k])
      else if (typeof prop === 'string' && prop) data[prop] = conv(value)
      else return warn('people.' + name + '() needs a property name')
      engage(op, data)
    }
  }
  api.people.unset = (prop) => {
    if (!ready('people.unset', [prop])) return
    const names = (Array.isArray(prop) ? prop : [prop]).filter((x) => typeof x === 'string' && x)
    if (!names.length) return warn('people.unset() needs a property name')
    engage('$unset', names)
  }

  // loadConfig asks the server whether the project wants autotrack and which
  // URL parameters it keeps. Anything but a clear yes leaves autotrack off.
  function loadConfig() {
    return Promise.resolve()
      .then(() => doFetch(url('/sdk/config?token=' + encodeURIComponent(token)), { credentials: 'omit' }))
      .then((r) => (r.ok ? r.json() : null))
      .then((c) => {
        if (!c || typeof c !== 'object') return
        if (Array.isArray(c.url_params)) allow = c.url_params.filter((x) => typeof x === 'string')
        if (c.autotrack === true && cfg.autotrack !== false) startAutotrack()
      })
      .catch(() => {})
  }

  function startAutotrack() {
    if (autotrack || !doc || !doc.addEventListener) return
    autotrack = true
    const names = { click: '$mp_click', submit: '$mp_submit', change: '$mp_input_change' }
    for (const type of Object.keys(names)) {
      doc.addEventListener(
        type,
        (e) => {
          try {
            const target = e.composedPath ? e.composedPath()[0] : e.target
            const base = doc.baseURI || (win.location && win.location.href)
            const props = elementProps(target, type, allow, base)
            if (props) api.track(names[type], props)
          } catch {
            // Autotrack must never break the page.
          }
        },
        true,
      )
    }
    api.track_pageview()
    // Single-page apps: a new pageview when the (sanitised) URL changes.
    const h = win.history
    const changed = () => pageUrl() !== lastPage && api.track_pageview()
    if (h) {
      for (const m of ['pushState', 'replaceState']) {
        const orig = h[m]
        if (typeof orig !== 'function') continue
        h[m] = function (...a) {
          const r = orig.apply(this, a)
          changed()
          return r
        }
      }
    }
    if (win.addEventListener) win.addEventListener('popstate', changed)
  }

  return api
}

/** sieve is the default instance (the global `sieve` of the script build). */
export const sieve = createSieve()
export default sieve
export { VERSION }
