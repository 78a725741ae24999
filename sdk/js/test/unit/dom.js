// dom.js: a small DOM for unit tests (linkedom).
import { parseHTML } from 'linkedom'

/** dom parses a body fragment and returns {document, window, Event, $} where $(sel) is querySelector. */
export function dom(body, title = 't') {
  const { document, window, Event } = parseHTML(`<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`)
  return { document, window, Event, $: (sel) => document.querySelector(sel) }
}

/** el parses one element and returns it. */
export function el(html) {
  const { document } = dom(`<div id="__root">${html}</div>`)
  return document.getElementById('__root').firstElementChild
}
