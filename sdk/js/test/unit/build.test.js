import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { gzipSync, constants } from 'node:zlib'
import { VERSION } from '../../src/version.js'
import { bundle } from '../../scripts/build.mjs'

const root = new URL('../../', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
const dist = readFileSync(new URL('dist/sieve.min.js', root), 'utf8')

test('src/version.js matches package.json', () => {
  assert.equal(VERSION, pkg.version)
})

test('the committed dist/sieve.min.js is what the build produces', async () => {
  assert.ok(dist === (await bundle()), 'dist/sieve.min.js is stale: run `npm run build` and commit it')
})

test('dist/sieve.min.js is under 8 KB gzipped', () => {
  const gz = gzipSync(dist, { level: constants.Z_BEST_COMPRESSION }).length
  assert.ok(gz <= 8192, `${gz} bytes gzipped`)
})

test('the script build installs window.sieve, replays the snippet queue and auto-inits from data-token', async () => {
  const calls = []
  const listeners = []
  const g = {
    sieve: [['register', { a: 1 }], ['init', 'TOK', { api_host: 'https://s.example' }]],
    location: new URL('https://page.example/x'),
    document: { currentScript: { src: 'https://s.example/sdk/sieve.js', dataset: {} }, addEventListener: () => {}, referrer: '' },
    addEventListener: (t) => listeners.push(t),
    navigator: {},
    fetch: async (url, init) => {
      calls.push(url)
      return { ok: false, status: 404, json: async () => ({}) }
    },
    localStorage: undefined,
    console: { warn: () => {} },
    crypto: globalThis.crypto,
  }
  g.window = g
  new Function('globalThis', 'window', 'document', 'location', 'navigator', 'fetch', dist.replace(/^\/\*![^*]*\*\//, ''))(g, g, g.document, g.location, g.navigator, g.fetch)
  assert.equal(typeof g.sieve.track, 'function')
  assert.equal(g.sieve.get_property('a'), 1)
  assert.ok(listeners.includes('pagehide'))
  await new Promise((r) => setTimeout(r, 10))
  assert.deepEqual(calls, ['https://s.example/sdk/config?token=TOK'])
})
