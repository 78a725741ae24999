// rules.js: everything autotrack is allowed to learn about a page.
//
// This module is the whole privacy surface of autotrack; keep it small enough
// to audit in one sitting. Its invariants:
//   1. It never sends an element's `.value`, its `value` attribute, nor the
//      textContent/innerText of input, select, textarea or contenteditable
//      elements or of anything inside them. Text is read only from the
//      `nodeValue` of text nodes outside such elements. The `.value` of
//      text fields is read at one place only, repeatsField, to compare it
//      in memory with a clicked element's text: text that repeats what a
//      user typed ("Search for <typed>") is not sent.
//   2. Attributes come only from ALLOWED_ATTRS (plus `href` of links and
//      `data-sieve-*`), and none at all from sensitive elements.
//   3. Card-, SSN-, token- and email-shaped strings are dropped.
//   4. URLs lose credentials, fragments and every query parameter that is not
//      allowlisted; token-shaped path segments become "*". A URL inside
//      clicked text gets the same treatment.
//   5. Unknown or odd DOM shapes fail closed: too deep or cyclic -> no event.
// DOM properties are read through the prototype getters, so a form whose
// inputs are named "parentNode", "tagName" or "getAttribute" cannot confuse
// it (DOM clobbering).

const ALLOWED_ATTRS = ['id', 'name', 'class', 'type', 'role', 'aria-label', 'title']
const MAX_DEPTH = 1000
const MAX_TEXT = 255
const MAX_CHAIN = 10

// Field names, ids, labels and placeholders that mark a field as sensitive,
// matched after removing every non-alphanumeric character. It extends the
// list mixpanel-js and posthog-js use.
const SENSITIVE_NAME = /^cc|cardnum|ccnum|creditcard|csc|cvc|cvv|cvn|exp|pass|pwd|routing|seccode|securitycode|securitynum|socialsec|socsec|ssn|secret|token|otp|onetime|verif|pincode|^pin$|iban|accountnum|acctnum|taxid|apikey|privatekey|authcode|mfa|2fa/i
const SENSITIVE_AUTOCOMPLETE = /password|one-time-code|(^|\s)cc-/i
const SENSITIVE_TYPES = ['password', 'hidden']
const FORM_CONTROLS = ['input', 'select', 'textarea']
const CLICKABLE_INPUTS = ['button', 'submit', 'reset', 'image']

// A digit run of 9 or more digits, single spaces, dots or hyphens allowed
// between digits: card numbers, SSNs, phone and account numbers.
const DIGIT_RUN = /\d(?:[ .-]?\d){8,}/g
const LONG_DIGITS = /\d{6}/
const TOKEN_CHARS = /^[\w\-+/=.~%:]{20,}$/
const SECRET_PREFIX = /^(?:(?:sk|pk|rk)_(?:live|test)_|gh[pousr]_|github_pat_|xox[abposr]-|eyJ|AKIA|AIza|glpat-)/
const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i

// --- DOM access that cannot be clobbered --------------------------------

function prop(obj, name) {
  for (let p = Object.getPrototypeOf(obj); p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name)
    if (d) return d.get ? d.get.call(obj) : d.value
  }
  // Plain objects and DOM shims without prototype getters.
  return obj[name]
}

/** attr returns the attribute's string value or null. */
export function attr(el, name) {
  const get = prop(el, 'getAttribute')
  if (typeof get !== 'function') return null
  const v = get.call(el, name)
  return typeof v === 'string' ? v : null
}

function isElement(n) {
  return !!n && typeof n === 'object' && prop(n, 'nodeType') === 1
}

/** tag returns the lower-case tag name of an element, '' for anything else. */
export function tag(el) {
  if (!isElement(el)) return ''
  const t = prop(el, 'tagName')
  return typeof t === 'string' ? t.toLowerCase() : ''
}

// up returns the parent element, crossing shadow roots to their host; null
// at the document.
function up(el) {
  let p = prop(el, 'parentNode')
  if (p && prop(p, 'nodeType') === 11) p = prop(p, 'host')
  return isElement(p) ? p : null
}

function classes(el) {
  const c = attr(el, 'class')
  return c ? c.split(/\s+/).filter(Boolean) : []
}

function hasClass(el, name) {
  return classes(el).includes(name)
}

// --- value checks ---------------------------------------------------------

function secretToken(t) {
  return (
    LONG_DIGITS.test(t) ||
    EMAIL.test(t) ||
    SECRET_PREFIX.test(t) ||
    (TOKEN_CHARS.test(t) && /\d/.test(t) && /[a-z]/i.test(t))
  )
}

/**
 * isSecretShaped reports whether a string holds anything card-, SSN-,
 * token- or email-shaped. null and undefined count as secret (fail closed).
 */
export function isSecretShaped(v) {
  if (v == null) return true
  const s = String(v)
  DIGIT_RUN.lastIndex = 0
  return DIGIT_RUN.test(s) || s.split(/\s+/).some(secretToken)
}

/**
 * scrubText drops every secret-shaped token from text, normalises
 * whitespace and caps the length. null stays null.
 */
export function scrubText(v) {
  if (v == null) return null
  return String(v)
    .replace(DIGIT_RUN, ' ')
    .split(/\s+/)
    .filter((t) => t && !secretToken(t))
    .join(' ')
    .slice(0, MAX_TEXT)
}

/** isSensitiveName applies the sensitive-field pattern to a name, id or label. */
export function isSensitiveName(v) {
  return typeof v === 'string' && SENSITIVE_NAME.test(v.replace(/[^a-z0-9]/gi, ''))
}

// --- element classification ------------------------------------------------

// editableState: true, false, or undefined when the element does not say.
function editableState(el) {
  const v = attr(el, 'contenteditable')
  if (v === null) return undefined
  return v.toLowerCase() !== 'false'
}

// ancestry scans el and its ancestors once and reports what the rules need.
// Fails closed: a chain deeper than MAX_DEPTH (or a cycle) is no-track.
function ancestry(el) {
  const r = { noTrack: false, sensitive: false, inControl: false, inEditable: false }
  let n = el
  for (let depth = 0; n; depth++, n = up(n)) {
    if (depth > MAX_DEPTH) {
      r.noTrack = r.sensitive = r.inControl = true
      return r
    }
    const cls = classes(n)
    if (cls.includes('sieve-no-track')) r.noTrack = true
    if (cls.includes('sieve-sensitive')) r.sensitive = true
    if (n !== el && FORM_CONTROLS.includes(tag(n))) r.inControl = true
    if (n !== el && editableState(n) === true) r.inEditable = true
  }
  const doc = prop(el, 'ownerDocument')
  if (doc && String(prop(doc, 'designMode')).toLowerCase() === 'on') r.inEditable = true
  return r
}

/** isNoTrack: el or an ancestor has class sieve-no-track (or the DOM is too odd to tell). */
export function isNoTrack(el) {
  return !isElement(el) || ancestry(el).noTrack
}

/**
 * isFormish: el is a form control or contenteditable, or lies inside one.
 * Text is never read from such elements.
 */
export function isFormish(el) {
  const a = ancestry(el)
  return FORM_CONTROLS.includes(tag(el)) || editableState(el) === true || a.inControl || a.inEditable
}

/**
 * isSensitive: nothing but the tag name and position may be recorded for el.
 * True for anything marked sieve-sensitive (on el or an ancestor), password
 * and hidden inputs, fields whose name, id, autocomplete, aria-label or
 * placeholder mark them sensitive, and anything inside a form control or a
 * contenteditable element.
 */
export function isSensitive(el) {
  if (!isElement(el)) return true
  const a = ancestry(el)
  if (a.sensitive || a.noTrack || a.inControl || a.inEditable) return true
  if (SENSITIVE_TYPES.includes((attr(el, 'type') || '').toLowerCase())) return true
  if (SENSITIVE_AUTOCOMPLETE.test(attr(el, 'autocomplete') || '')) return true
  return ['name', 'id', 'aria-label', 'placeholder'].some((n) => isSensitiveName(attr(el, n)))
}

/**
 * shouldTrackDomEvent: which DOM events autotrack records, per element kind.
 * Forms on submit; inputs, selects and textareas on change; buttons and
 * other elements on click; never html or body.
 */
export function shouldTrackDomEvent(el, type) {
  const t = tag(el)
  if (!t || t === 'html' || t === 'body') return false
  if (type === 'submit') return t === 'form'
  if (type === 'change') return FORM_CONTROLS.includes(t) && !CLICKABLE_INPUTS.includes((attr(el, 'type') || '').toLowerCase())
  if (type !== 'click' || t === 'form' || t === 'select' || t === 'textarea') return false
  return t !== 'input' || CLICKABLE_INPUTS.includes((attr(el, 'type') || '').toLowerCase())
}

const INTERACTIVE = /^(a|button|label|summary)$/

/**
 * clickTarget maps the element that received a click to the element worth
 * describing: the nearest link, button or label within a few levels, else
 * the element itself.
 */
export function clickTarget(el) {
  for (let n = el, i = 0; n && i < 5; n = up(n), i++) {
    const t = tag(n)
    if (INTERACTIVE.test(t) || attr(n, 'role') === 'button' || (t === 'input' && CLICKABLE_INPUTS.includes((attr(n, 'type') || '').toLowerCase()))) return n
  }
  return el
}

// --- text ----------------------------------------------------------------------

function directText(el, deep, out, depth) {
  const nodes = prop(el, 'childNodes') || []
  for (let i = 0; i < nodes.length && out.length < 64; i++) {
    const n = nodes[i]
    const type = prop(n, 'nodeType')
    if (type === 3) out.push(prop(n, 'nodeValue') || '')
    else if (deep && type === 1 && depth < 5 && !FORM_CONTROLS.includes(tag(n)) && editableState(n) !== true && !hasClass(n, 'sieve-sensitive') && !hasClass(n, 'sieve-no-track') && !isSensitive(n))
      directText(n, deep, out, depth + 1)
  }
  return out
}

/**
 * safeText returns the visible text of a non-form element: its own text
 * nodes (links and buttons: also their descendants' text, skipping sensitive
 * subtrees), scrubbed of secret-shaped tokens. '' for form controls,
 * contenteditable elements, anything inside them, and sensitive elements.
 */
export function safeText(el, allow = ['utm_*'], base) {
  if (!isElement(el) || isFormish(el) || isSensitive(el)) return ''
  const t = tag(el)
  const words = directText(el, t === 'a' || t === 'button', [], 0)
    .join(' ')
    .split(/\s+/)
    .map((w) => (URL_START.test(w) ? sanitizeUrl(w, allow, base) : w))
  return scrubText(words.join(' ')) || ''
}

const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i
const NOT_TYPED = ['checkbox', 'radio', 'submit', 'button', 'reset', 'image', 'file', 'range', 'color']
const MAX_FIELDS = 500

/**
 * repeatsField reports whether text holds what one of the page's text
 * fields holds (3 characters or more, compared case-insensitively): a
 * button that echoes a query. The values are compared here and dropped.
 */
function repeatsField(el, text) {
  const doc = prop(el, 'ownerDocument')
  const all = doc && prop(doc, 'querySelectorAll')
  if (typeof all !== 'function') return true // fail closed
  const fields = all.call(doc, 'input, textarea')
  const lower = text.toLowerCase()
  for (let i = 0; i < fields.length && i < MAX_FIELDS; i++) {
    const f = fields[i]
    if (NOT_TYPED.includes((attr(f, 'type') || '').toLowerCase())) continue
    const v = prop(f, 'value')
    if (typeof v !== 'string') continue
    const w = v.trim().toLowerCase()
    if (w.length >= 3 && lower.includes(w)) return true
  }
  return false
}

// --- URLs ---------------------------------------------------------------------

function paramAllowed(name, allow) {
  const n = name.toLowerCase()
  return allow.some((p) => {
    p = String(p).toLowerCase()
    return p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p
  })
}

/**
 * sanitizeUrl strips credentials and the fragment, keeps only allowlisted
 * query parameters whose values are not secret-shaped, and replaces
 * secret-shaped path segments with "*". Non-http(s) URLs keep only their
 * scheme (a mailto: address is personal data). Unparseable input gives ''.
 * allow: parameter names, a trailing * matches a prefix ("utm_*").
 */
export function sanitizeUrl(href, allow = ['utm_*'], base) {
  let u
  try {
    u = new URL(String(href), base)
  } catch {
    return ''
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return u.protocol
  const kept = []
  u.searchParams.forEach((v, k) => {
    if (paramAllowed(k, allow) && !isSecretShaped(v) && !isSecretShaped(k)) kept.push([k, v])
  })
  const path = u.pathname
    .split('/')
    .map((seg) => {
      let d = seg
      try {
        d = decodeURIComponent(seg)
      } catch {
        return '*'
      }
      return d && isSecretShaped(d) ? '*' : seg
    })
    .join('/')
  const q = new URLSearchParams(kept).toString()
  return u.origin + path + (q ? '?' + q : '')
}

// --- element description ------------------------------------------------------

function position(el) {
  const p = prop(el, 'parentNode')
  const kids = (p && prop(p, 'children')) || []
  let child = 0
  let ofType = 0
  const t = tag(el)
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]
    child++
    if (tag(k) === t) ofType++
    if (k === el) return { $nth_child: child, $nth_of_type: ofType }
  }
  return { $nth_child: 0, $nth_of_type: 0 }
}

/**
 * describe returns what autotrack records about one element: tag name and
 * position always; for non-sensitive elements also the allowlisted
 * attributes ($id, $classes, $attr-<name>), which are dropped when
 * secret-shaped.
 */
export function describe(el, allow, base) {
  const d = { $tag_name: tag(el), ...position(el) }
  if (isSensitive(el)) return d
  const t = tag(el)
  const get = prop(el, 'getAttributeNames')
  const names = ALLOWED_ATTRS.slice()
  if (t === 'a' || t === 'area') names.push('href')
  if (typeof get === 'function') for (const n of get.call(el)) if (n.toLowerCase().startsWith('data-sieve-')) names.push(n.toLowerCase())
  for (const n of names) {
    let v = attr(el, n)
    if (v === null || v === '') continue
    if (n === 'class') {
      const c = classes(el).filter((x) => !isSecretShaped(x))
      if (c.length) d.$classes = c
      continue
    }
    if (n === 'href') v = sanitizeUrl(v, allow, base)
    else if (isSecretShaped(v)) continue
    if (v) d[n === 'id' ? '$id' : '$attr-' + n] = v.slice(0, MAX_TEXT)
  }
  return d
}

/**
 * elementProps builds autotrack properties for an element that received a
 * DOM event: the element and up to MAX_CHAIN-1 ancestors in $elements, the
 * element's own details copied to $el_* keys, and its safe text. Returns
 * null when the event must not be recorded at all (sieve-no-track on the
 * original target or an ancestor, or an element kind the event is not
 * tracked for).
 */
export function elementProps(target, type, allow, base) {
  if (!isElement(target) || isNoTrack(target)) return null
  const el = type === 'click' ? clickTarget(target) : target
  if (!shouldTrackDomEvent(el, type)) return null
  const chain = []
  for (let n = el; n && chain.length < MAX_CHAIN; n = up(n)) {
    const t = tag(n)
    if (t === 'body' || t === 'html') break
    chain.push(describe(n, allow, base))
  }
  const props = { $event_type: type, $mp_autocapture: true, $elements: chain }
  for (const [k, v] of Object.entries(chain[0])) {
    if (k === '$tag_name' || k === '$id' || k === '$classes') props['$el_' + k.slice(1)] = v
    else if (k.startsWith('$attr-')) props['$el_attr__' + k.slice(6)] = v
  }
  const text = safeText(el, allow, base)
  if (text && !repeatsField(el, text)) props.$el_text = text
  return props
}
