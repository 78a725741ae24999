import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dom, el } from './dom.js'
import {
  describe as describeEl,
  elementProps,
  isFormish,
  isNoTrack,
  isSecretShaped,
  isSensitive,
  safeText,
  sanitizeUrl,
  scrubText,
  shouldTrackDomEvent,
} from '../../src/rules.js'

const SECRET = 'hunter2-Correct-Horse'

// --- never reading values --------------------------------------------------

test('an input value mirrored into the value attribute is never collected (the 2017 leak)', () => {
  for (const type of ['password', 'text', 'email', 'search', '']) {
    const { document, $ } = dom(`<form id="login"><label>Pass <input id="f" type="${type}" value="${SECRET}" data-sieve-kind="x"></label><button id="go">Sign in</button></form>`)
    $('#f').value = SECRET
    for (const [target, evt] of [[$('#f'), 'change'], [$('#go'), 'click'], [$('#login'), 'submit']]) {
      const p = elementProps(target, evt, ['utm_*'], 'https://app.example/')
      assert.ok(p, `${type}/${evt} recorded`)
      assert.doesNotMatch(JSON.stringify(p), /hunter2/, `${type}/${evt}`)
    }
    assert.ok(document)
  }
})

test('value, textContent and innerText are never read from form controls or contenteditable', () => {
  const { $, document } = dom(
    `<input id="i" type="text"><textarea id="t"></textarea><select id="s"><option>opt</option></select><div id="ce" contenteditable="true">note</div>`,
  )
  const trap = (node) => {
    for (const k of ['value', 'textContent', 'innerText', 'innerHTML', 'outerHTML'])
      Object.defineProperty(node, k, { get: () => assert.fail(`read ${k}`), configurable: true })
  }
  for (const id of ['i', 't', 's', 'ce']) trap($('#' + id))
  for (const opt of document.querySelectorAll('option')) trap(opt)
  for (const [id, type] of [['i', 'change'], ['t', 'change'], ['s', 'change'], ['ce', 'click']]) {
    elementProps($('#' + id), type, [], 'https://a.example/')
    assert.equal(safeText($('#' + id)), '')
  }
  elementProps(document.querySelector('option'), 'click', [], 'https://a.example/')
})

test('password and hidden inputs give nothing but their tag and position', () => {
  for (const type of ['password', 'hidden', 'PASSWORD']) {
    const d = describeEl(el(`<input type="${type}" id="pw" name="x" class="c" title="t" aria-label="a" data-sieve-x="y" value="${SECRET}">`), [])
    assert.deepEqual(Object.keys(d).sort(), ['$nth_child', '$nth_of_type', '$tag_name'])
  }
})

test('a password manager writing attributes on the field adds nothing', () => {
  const input = el(`<input type="password" name="pw" data-com-onepassword-filled="light" data-lastpass-value="${SECRET}" title="${SECRET}">`)
  assert.doesNotMatch(JSON.stringify(elementProps(input, 'change', [], 'https://a/')), /hunter2|onepassword|lastpass/)
})

test('a show-password toggle (type=text) keeps the field sensitive by its name or autocomplete', () => {
  for (const html of [
    `<input type="text" name="password" title="${SECRET}">`,
    `<input type="text" id="user-pwd" title="${SECRET}">`,
    `<input type="text" autocomplete="current-password" name="x" title="${SECRET}">`,
    `<input type="text" autocomplete="new-password" name="x" title="${SECRET}">`,
    `<input type="text" autocomplete="one-time-code" name="x" title="${SECRET}">`,
    `<input type="text" autocomplete="cc-number" name="x" title="${SECRET}">`,
    `<input type="text" aria-label="Your password" name="x" title="${SECRET}">`,
    `<input type="text" placeholder="Card number" name="x" title="${SECRET}">`,
  ]) {
    assert.ok(isSensitive(el(html)), html)
    assert.deepEqual(Object.keys(describeEl(el(html), [])).sort(), ['$nth_child', '$nth_of_type', '$tag_name'], html)
  }
})

test('a plain input gives its allowlisted attributes and never its value', () => {
  const d = describeEl(el(`<input type="email" name="email" id="em" class="field big" role="textbox" title="Email" value="bob@example.com" style="x" onclick="y" data-x="z" data-sieve-step="2">`), [])
  assert.deepEqual(d, {
    $tag_name: 'input',
    $nth_child: 1,
    $nth_of_type: 1,
    $id: 'em',
    $classes: ['field', 'big'],
    '$attr-name': 'email',
    '$attr-type': 'email',
    '$attr-role': 'textbox',
    '$attr-title': 'Email',
    '$attr-data-sieve-step': '2',
  })
})

// --- mixpanel-js tests/unit/autocapture-utils.js: shouldTrackElementDetails ---

test('mixpanel: form controls and contenteditable are never a text source', () => {
  for (const html of ['<input>', '<select></select>', '<textarea></textarea>', '<div contenteditable="true">x</div>', '<div contenteditable="">x</div>'])
    assert.ok(isFormish(el(html)), html)
  assert.ok(!isFormish(el('<div contenteditable="false">x</div>')))
  assert.ok(!isSensitive(el('<div contenteditable="false">x</div>')))
})

test('mixpanel/posthog: sieve-sensitive and sieve-no-track on the element or any ancestor', () => {
  const { $ } = dom(`
    <div class="sieve-no-track"><div><button id="nt">x</button></div></div>
    <div class="sieve-sensitive"><div><button id="se" name="ok">x</button></div></div>
    <button id="self-nt" class="sieve-no-track">x</button>
    <button id="self-se" class="a sieve-sensitive">x</button>
    <button id="plain">x</button>`)
  assert.ok(isNoTrack($('#nt')))
  assert.ok(isNoTrack($('#self-nt')))
  assert.ok(!isNoTrack($('#se')))
  assert.ok(isSensitive($('#se')))
  assert.ok(isSensitive($('#self-se')))
  assert.ok(isSensitive($('#nt')))
  assert.ok(!isSensitive($('#plain')))
  assert.equal(elementProps($('#nt'), 'click', [], 'https://a/'), null)
  assert.equal(elementProps($('#self-nt'), 'click', [], 'https://a/'), null)
  const se = elementProps($('#se'), 'click', [], 'https://a/')
  assert.deepEqual(Object.keys(se.$elements[0]).sort(), ['$nth_child', '$nth_of_type', '$tag_name'])
  assert.equal(se.$el_text, undefined)
})

test('mixpanel/posthog: sensitive names and ids', () => {
  const names = ['cc_name', 'card-num', 'ccnum', 'credit-card_number', 'credit_card[number]', 'csc num', 'CVC', 'Expiration', 'password', 'pwd', 'routing', 'routing-number', 'security code', 'seccode', 'security number', 'social sec', 'SsN']
  for (const n of names) {
    assert.ok(isSensitive(el(`<input type="text" name="${n}">`)), `name ${n}`)
    assert.ok(isSensitive(el(`<div id="${n}"></div>`)), `id ${n}`)
  }
  for (const n of ['', 'email', 'q', 'first_name', 'city']) assert.ok(!isSensitive(el(`<input type="text" name="${n}">`)), `name ${n}`)
})

test('mixpanel: hidden and password types', () => {
  assert.ok(isSensitive(el('<input type="hidden">')))
  assert.ok(isSensitive(el('<input type="password">')))
  assert.ok(!isSensitive(el('<input type="text">')))
})

test('mixpanel #165 / posthog: DOM-valued name, id or type do not break the rules (clobbering)', () => {
  const { $ } = dom(`<form id="f" name="ok"><input name="name"><input name="id"><input name="type"><input name="tagName"><input name="parentNode"><input name="getAttribute"><input name="className"><button>Send</button></form>`)
  const f = $('#f')
  // linkedom does not clobber; do it the way a browser does for named form controls.
  for (const name of ['name', 'id', 'type', 'tagName', 'getAttribute', 'className', 'getAttributeNames', 'children'])
    Object.defineProperty(f, name, { get: () => f.querySelector('input'), configurable: true })
  assert.doesNotThrow(() => isSensitive(f))
  assert.ok(shouldTrackDomEvent(f, 'submit'))
  const p = elementProps(f, 'submit', [], 'https://a/')
  assert.equal(p.$el_tag_name, 'form')
  assert.equal(p.$el_id, 'f')
  assert.equal(p['$el_attr__name'], 'ok')
})

test('posthog: a cyclic parent chain fails closed', () => {
  const a = el('<div><button>x</button></div>')
  const b = a.firstElementChild
  Object.defineProperty(a, 'parentNode', { get: () => b })
  Object.defineProperty(b, 'parentNode', { get: () => a })
  assert.ok(isNoTrack(b))
  assert.ok(isSensitive(b))
  assert.equal(elementProps(b, 'click', [], 'https://a/'), null)
})

test('posthog: sieve-no-track beyond a very deep chain fails closed', () => {
  const { document } = dom('<div id="top" class="sieve-no-track"></div>')
  let n = document.getElementById('top')
  for (let i = 0; i < 1100; i++) n = n.appendChild(document.createElement('div'))
  const btn = n.appendChild(document.createElement('button'))
  assert.ok(isNoTrack(btn))
  assert.equal(elementProps(btn, 'click', [], 'https://a/'), null)
})

// --- shouldTrackDomEvent (mixpanel and posthog) ---------------------------------

test('mixpanel/posthog: which DOM events are tracked', () => {
  const f = (html, type, want) => assert.equal(shouldTrackDomEvent(el(html), type), want, `${html} ${type}`)
  f('<form></form>', 'submit', true)
  f('<form></form>', 'click', false)
  f('<input>', 'change', true)
  f('<SELECT></SELECT>', 'change', true)
  f('<textarea></textarea>', 'change', true)
  f('<a href="/x">x</a>', 'click', true)
  f('<A href="/x">x</A>', 'click', true)
  f('<button>x</button>', 'click', true)
  f('<input type="button">', 'click', true)
  f('<input type="submit">', 'click', true)
  f('<input type="text">', 'click', false)
  f('<input type="submit">', 'change', false)
  f('<div>x</div>', 'change', false)
  const { document } = dom('')
  assert.equal(shouldTrackDomEvent(document.documentElement, 'click'), false)
  assert.equal(shouldTrackDomEvent(document.body, 'click'), false)
  for (const x of [null, undefined, 'div', {}]) assert.equal(shouldTrackDomEvent(x, 'click'), false)
})

// --- values (shouldTrackValue / shouldCaptureValue) -----------------------------

test('mixpanel/posthog: card numbers and SSNs are secret-shaped', () => {
  for (const v of [null, undefined, '3419-881002-84912', '30148420855976', '5183792099737678', '6011-5100-8788-7057', '180035601937848', '180072512946394', '4556617778508', '123-45-6789'])
    assert.ok(isSecretShaped(v), String(v))
})

test('posthog network mode: delimited cards and SSN variants are secret-shaped', () => {
  for (const v of ['{"card":"4242 4242 4242 4242"}', '4242-4242-4242-4242', '4556 617 778 508', '4222222222222', '123456789', '123-456789', '12345-6789', 'SSN123-45-6789', '123-45-6789SSN', '912-70-1234'])
    assert.ok(isSecretShaped(v), v)
})

test('tokens, keys and emails are secret-shaped; ordinary words are not', () => {
  for (const v of ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', '8f14e45fceea167a5a36dedd4bea2543', 'bob@example.com', 'otp 482913'])
    assert.ok(isSecretShaped(v), v)
  for (const v of ['save changes', 'Sign in', 'internationalization', 'Order #12345', '2024-12-31', 'btn-primary'])
    assert.ok(!isSecretShaped(v), v)
})

// --- text (getSafeText) ----------------------------------------------------------

test('mixpanel/posthog getSafeText cases', () => {
  const f = (html, want) => assert.equal(safeText(el(html)), want, html)
  f('<div>  Why  hello  there  </div>', 'Why hello there')
  f('<div>\n  Why\n  hello\n  there\n</div>', 'Why hello there')
  f('<div>Why<p>not</p>hello<p>not</p>there</div>', 'Why hello there')
  f('<div><div>sensitive</div></div>', '')
  f('<input>', '')
  f('<textarea>Why hello there</textarea>', '')
  f('<select><option>Why hello there</option></select>', '')
  f('<div contenteditable="true">Why hello there</div>', '')
  f('<div>Why 123-58-1321 hello there</div>', 'Why hello there')
  f('<div>Why\n4111111111111111\nhello there</div>', 'Why hello there')
  f('<div>Why 5105-1051-0510-5100 hello there</div>', 'Why hello there')
  f('<div>Text with "double quotes" in it</div>', 'Text with "double quotes" in it')
  f('<div class="sieve-sensitive">Why hello there</div>', '')
})

test('posthog makeSafeText: card numbers with spaces are dropped', () => {
  assert.equal(scrubText('card 4111111111111111 ok'), 'card ok')
  assert.equal(scrubText('card 4111 1111 1111 1111 ok'), 'card ok')
  assert.equal(scrubText(null), null)
  assert.equal(scrubText(undefined), null)
})

test('links and buttons include nested text but never a nested field or sensitive part', () => {
  assert.equal(safeText(el('<button><span>Buy</span> <b>now</b></button>')), 'Buy now')
  assert.equal(safeText(el('<a href="/x"><span>Open</span><span class="sieve-sensitive">secret</span></a>')), 'Open')
  assert.equal(safeText(el(`<label>Remember <input value="${SECRET}"></label>`)), 'Remember')
  assert.equal(safeText(el(`<button>Go <select><option>${SECRET}</option></select></button>`)), 'Go')
})

test('posthog: button text with SSN and card tokens', () => {
  const p = elementProps(el('<button>Why 123-58-1321 hello 4111111111111111 there</button>'), 'click', [], 'https://a/')
  assert.equal(p.$el_text, 'Why hello there')
})

test('text inside a contenteditable note is never read, on any element inside it', () => {
  const { $ } = dom(`<div id="note" contenteditable="true"><p id="p">${SECRET}</p><a id="l" href="https://x.example/${SECRET}">${SECRET}</a></div>`)
  for (const id of ['note', 'p', 'l']) {
    const p = elementProps($('#' + id), 'click', [], 'https://a/')
    assert.doesNotMatch(JSON.stringify(p), /hunter2/, id)
  }
  assert.ok(isSensitive($('#p')))
  assert.ok(!isSensitive($('#note')))
})

// --- href (posthog getPropertiesFromElement) ----------------------------------------

test('posthog: href not captured from a hidden link, or when card/SSN-shaped', () => {
  const href = (html) => describeEl(el(html), ['utm_*'], 'https://a.example/')['$attr-href']
  assert.equal(href('<a type="hidden" href="https://x.example/a">x</a>'), undefined)
  assert.equal(href('<a href="https://x.example/4111111111111111">x</a>'), 'https://x.example/*')
  assert.equal(href('<a href="https://x.example/123-58-1321">x</a>'), 'https://x.example/*')
  assert.equal(href('<a href="/docs/intro?utm_source=n&token=abc#frag">x</a>'), 'https://a.example/docs/intro?utm_source=n')
  assert.equal(describeEl(el('<div href="/x">x</div>'), [])['$attr-href'], undefined)
})

test('posthog: sieve-no-track on a link suppresses clicks on it and on its child', () => {
  const { $ } = dom('<a class="sieve-no-track" href="/x"><span id="s">x</span></a>')
  assert.equal(elementProps($('#s'), 'click', [], 'https://a/'), null)
  assert.equal(elementProps($('a'), 'click', [], 'https://a/'), null)
})

// --- URLs ----------------------------------------------------------------------------

test('sanitizeUrl', () => {
  const f = (url, allow, want) => assert.equal(sanitizeUrl(url, allow), want, url)
  f('https://a.example/reset?token=abc123&utm_source=mail&utm_medium=e#access_token=x', undefined, 'https://a.example/reset?utm_source=mail&utm_medium=e')
  f('https://a.example/p?UTM_Campaign=x&ref=y', ['utm_*'], 'https://a.example/p?UTM_Campaign=x')
  f('https://a.example/p?ref=y&q=z', ['ref'], 'https://a.example/p?ref=y')
  f('https://a.example/p?utm_source=4111111111111111', ['utm_*'], 'https://a.example/p')
  f('https://a.example/p?x=1', [], 'https://a.example/p')
  f('https://user:pass@a.example:8443/p', [], 'https://a.example:8443/p')
  f('https://a.example/reset/8f14e45fceea167a5a36dedd4bea2543/confirm', [], 'https://a.example/reset/*/confirm')
  f('https://a.example/users/bob%40example.com', [], 'https://a.example/users/*')
  f('https://a.example/orders/42', [], 'https://a.example/orders/42')
  f('mailto:bob@example.com', [], 'mailto:')
  f('javascript:alert(1)', [], 'javascript:')
  f('not a url', [], '')
  assert.equal(sanitizeUrl('/x?token=1', ['utm_*'], 'https://a.example/base/'), 'https://a.example/x')
})

test('elementProps shape for a click on a span inside a link', () => {
  const { $ } = dom('<nav id="n" class="top"><a id="home" class="link" href="/home?token=t">  <span id="s">Home</span></a></nav>')
  const p = elementProps($('#s'), 'click', ['utm_*'], 'https://a.example/')
  assert.equal(p.$event_type, 'click')
  assert.equal(p.$el_tag_name, 'a')
  assert.equal(p.$el_id, 'home')
  assert.deepEqual(p.$el_classes, ['link'])
  assert.equal(p.$el_attr__href, 'https://a.example/home')
  assert.equal(p.$el_text, 'Home')
  assert.deepEqual(p.$elements.map((e) => e.$tag_name), ['a', 'nav'])
  assert.equal(p.$mp_autocapture, true)
})

test('shadow DOM: the rules follow the host chain out of a shadow root', () => {
  const { $ } = dom('<div class="sieve-no-track"><div id="h1"></div></div><div class="sieve-sensitive"><div id="h2"></div></div><nav id="n"><div id="h3"></div></nav>')
  const inside = (id) => {
    const root = $('#' + id).attachShadow({ mode: 'open' })
    root.innerHTML = '<button id="b" name="ok">Go</button>'
    return root.querySelector('button')
  }
  assert.equal(elementProps(inside('h1'), 'click', [], 'https://a/'), null)
  assert.ok(isSensitive(inside('h2')))
  const p = elementProps(inside('h3'), 'click', [], 'https://a/')
  assert.deepEqual(p.$elements.map((e) => e.$tag_name), ['button', 'div', 'nav'])
  assert.equal(p.$el_text, 'Go')
})

test('document.designMode on makes the whole page editable: no text, no details', () => {
  const { document, $ } = dom('<p id="p">Hello</p>')
  assert.equal(safeText($('#p')), 'Hello')
  document.designMode = 'on'
  assert.equal(safeText($('#p')), '')
  assert.ok(isSensitive($('#p')))
})

// --- clicked text passes the URL and token rules (issue 16, item 11) ------

test('a link whose text is a URL carrying a token: the text goes through sanitizeUrl', () => {
  const tok = 'Zq8xN2vR7tLm4pKd9sWc'
  const { $ } = dom(`<p><a id="l" href="/r">Open https://app.example/reset?utm_source=mail&amp;token=${tok} now</a></p>`)
  const p = elementProps($('#l'), 'click', ['utm_*'], 'https://app.example/')
  assert.doesNotMatch(JSON.stringify(p), new RegExp(tok))
  assert.match(p.$el_text, /^Open https:\/\/app\.example\/reset\?utm_source=mail\b/)
})

test('clicked text that repeats what a field holds is not sent', () => {
  const typed = 'my private query words'
  const { $ } = dom(`<form><input id="q" name="q"><textarea id="t"></textarea><button id="b" type="button">Search for <span id="echo"></span></button><button id="ok" type="button">Search</button></form>`)
  $('#q').value = typed
  $('#echo').textContent = typed
  const p = elementProps($('#b'), 'click', ['utm_*'], 'https://app.example/')
  assert.ok(p, 'the click is recorded')
  assert.equal(p.$el_text, undefined)
  assert.doesNotMatch(JSON.stringify(p), /private query/)
  // A plain label, and a field holding something short or unrelated, keep the text.
  assert.equal(elementProps($('#ok'), 'click', ['utm_*'], 'https://app.example/').$el_text, 'Search')
  $('#t').value = 'ok'
  $('#q').value = 'unrelated'
  assert.equal(elementProps($('#b'), 'click', ['utm_*'], 'https://app.example/').$el_text, 'Search for my private query words')
})
