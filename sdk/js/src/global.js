// global.js: entry of the <script> build. Installs window.sieve, replays
// calls queued by the snippet (window.sieve = window.sieve || [];
// sieve.push(['init', 'TOKEN'])), and initialises itself when the script tag
// carries data-token. The default api_host is the origin the script came from.

import { sieve, setDefaultHost } from './sieve.js'

const g = globalThis
const queued = g.sieve
const script = g.document && g.document.currentScript

function call([name, ...args]) {
  const [o, f] = String(name).split('.')
  const fn = f ? sieve[o] && sieve[o][f] : sieve[o]
  if (typeof fn === 'function') fn(...args)
}

if (script && script.src) {
  try {
    setDefaultHost(new URL(script.src, g.location.href).origin)
  } catch {
    // Keep the page's origin.
  }
}
sieve.push = call
g.sieve = sieve
if (Array.isArray(queued)) queued.forEach(call)
if (script && script.dataset && script.dataset.token) sieve.init(script.dataset.token)
