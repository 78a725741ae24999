// dom.js: a small DOM for unit tests (linkedom).
import { parseHTML } from 'linkedom'

/** dom parses a body fragment and returns {document, window, $} where $(sel) is querySelector. */
export function dom(body) {
  const { document, window } = parseHTML(`<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`)
  return { document, window, $: (sel) => document.querySelector(sel) }
}

/** el parses one element and returns it. */
export function el(html) {
  const { document } = dom(`<div id="__root">${html}</div>`)
  return document.getElementById('__root').firstElementChild
}
