// Drives sieve with the official posthog-js, unchanged, in Debian's chromium
// through playwright-core: the current npm version (remote config, gzip
// bodies without a header, {api_key, batch, sent_at}) and a /decide-era one
// (1.200, array bodies). Prints JSON on stdout: every event the pages sent
// (read from the bytes on the wire by a recording proxy in front of sieve)
// and every request's path, query and status, for the Go test to compare
// with the export, the data directory and the server output.
//
// Env: SIEVE_URL; TOKEN (a project with autotrack on); the planted secrets
// URL_TOKEN, RESET_TOKEN, PASSWORD, CARD, OTP; CONTROL, a harmless text that
// must be stored. The first capture request of the retry page is answered
// 500 by the proxy: posthog-js must resend the same events. Further pages:
// PostHog's HTML snippet (array.js from Sieve's /static/); a page whose
// config requests the proxy answers 404 (autocapture must stay off); a
// capture answered 429 (never resent); a capture stored but answered with
// quota_limited (posthog-js pauses sending).
"use strict";
const http = require("node:http");
const zlib = require("node:zlib");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const env = process.env;
const sieve = new URL(env.SIEVE_URL);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// decodeEvents reads the events of a capture request as posthog-js sent them.
function decodeEvents(req, body) {
  let data = body;
  const s = body.toString("latin1");
  if (s.startsWith("data=")) {
    const v = decodeURIComponent(s.slice(5).split("&")[0]);
    data = Buffer.from(v, "base64");
  }
  if (data[0] === 0x1f && data[1] === 0x8b) data = zlib.gunzipSync(data);
  let j = JSON.parse(data.toString("utf8"));
  if (!Array.isArray(j)) j = j.batch ? j.batch : [j];
  return j;
}

function proxy() {
  const requests = [];
  const sent = new Map();
  const wire = []; // decoded capture and flags bodies, to tell which secrets reached the wire
  let failNext = 0;
  let failStatus = 500;
  let configMissing = false;
  let quotaNext = false;
  const refused = new Map(); // uuid -> times a 429'd event reached the proxy
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const u = new URL(req.url, "http://x");
      const capture = req.method === "POST" && /^\/(e|i\/v0\/e|batch|capture|track)\/?$/.test(u.pathname);
      const rec = { method: req.method, path: u.pathname, query: u.search, type: req.headers["content-type"] || "", encoding: req.headers["content-encoding"] || "" };
      requests.push(rec);
      if (req.method === "POST") {
        try {
          wire.push(JSON.stringify(decodeEvents(req, body)));
        } catch {
          // Not JSON: /s/ or an empty body.
        }
      }
      const cors = { "Access-Control-Allow-Origin": req.headers.origin || "*", "Access-Control-Allow-Credentials": "true" };
      if (configMissing && /^\/array\//.test(u.pathname)) {
        rec.status = 404;
        rec.injected = true;
        res.writeHead(404, cors);
        return res.end("no config");
      }
      if (capture) {
        let evs = [];
        try {
          evs = decodeEvents(req, body);
        } catch (e) {
          rec.decodeError = String(e);
        }
        rec.t = Date.now();
        if (failNext > 0 && failStatus === 429) {
          // Refused for good: these events are never stored, and must never come back.
          failNext--;
          for (const ev of evs) refused.set(ev.uuid, (refused.get(ev.uuid) || 0) + 1);
          rec.status = 429;
          rec.injected = true;
          res.writeHead(429, { ...cors, "Retry-After": "1" });
          return res.end("injected 429");
        }
        for (const ev of evs) {
          if (refused.has(ev.uuid)) {
            refused.set(ev.uuid, refused.get(ev.uuid) + 1);
            continue;
          }
          const p = ev.properties || {};
          sent.set(ev.uuid, { uuid: ev.uuid, event: ev.event, custom: p.custom, lib_version: p.$lib_version, url: p.$current_url });
        }
        if (failNext > 0) {
          failNext--;
          rec.status = 500;
          res.writeHead(500, cors);
          return res.end("injected failure");
        }
      }
      const quota = capture && quotaNext;
      if (quota) {
        quotaNext = false;
        rec.quota = true;
      }
      const headers = { ...req.headers, host: sieve.host };
      const up = http.request({ host: sieve.hostname, port: sieve.port, method: req.method, path: req.url, headers }, (r) => {
        rec.status = r.statusCode;
        if (quota) {
          // Stored by Sieve; posthog-js is told its events quota is used up.
          r.resume();
          const b = JSON.stringify({ status: 1, quota_limited: ["events"] });
          res.writeHead(200, { ...cors, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(b) });
          return res.end(b);
        }
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on("error", () => {
        rec.status = 502;
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  return new Promise((r) =>
    srv.listen(0, "127.0.0.1", () =>
      r({
        url: `http://127.0.0.1:${srv.address().port}`,
        requests,
        sent,
        wire,
        refused,
        failOnce: (status = 500) => ((failNext = 1), (failStatus = status)),
        setConfigMissing: (v) => (configMissing = v),
        quotaOnce: () => (quotaNext = true),
        stop: () => new Promise((q) => srv.close(q)),
      }),
    ),
  );
}

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

// opt_out_useragent_filter: posthog-js drops events from browsers that
// say they are automated (headless chromium does).
function page(title, script, apiHost, body, initExtra = "") {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<script src="${script}"></script>
<script>posthog.init(${JSON.stringify(env.TOKEN)}, {api_host: ${JSON.stringify(apiHost)}, opt_out_useragent_filter: true${initExtra}});</script>
</head><body>${body}</body></html>`;
}

// PostHog's HTML snippet: a stub that queues calls and loads
// api_host + "/static/array.js" (written after PostHog's published snippet).
function snippetPage(apiHost) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Snippet</title>
<script>
!function(t,e){var o,n,p,r;e.__SV||(window.posthog=e,e._i=[],e.init=function(i,s,a){function g(t,e){var o=e.split(".");2==o.length&&(t=t[o[0]],e=o[1]),t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}}(p=t.createElement("script")).type="text/javascript",p.crossOrigin="anonymous",p.async=!0,p.src=s.api_host.replace(".i.posthog.com","-assets.i.posthog.com")+"/static/array.js",(r=t.getElementsByTagName("script")[0]).parentNode.insertBefore(p,r);var u=e;for(void 0!==a?u=e[a]=[]:a="posthog",u.people=u.people||[],u.toString=function(t){var e="posthog";return"posthog"!==a&&(e+="."+a),t||(e+=" (stub)"),e},u.people.toString=function(){return u.toString(1)+".people (stub)"},o="init capture register unregister getFeatureFlag isFeatureEnabled reloadFeatureFlags onFeatureFlags identify alias group reset get_distinct_id set_config".split(" "),n=0;n<o.length;n++)g(u,o[n]);e._i.push([i,s,a])},e.__SV=1)}(document,window.posthog||[]);
posthog.init(${JSON.stringify(env.TOKEN)}, {api_host: ${JSON.stringify(apiHost)}, opt_out_useragent_filter: true});
posthog.capture("custom", {custom: "snippet"});
</script></head><body><p>snippet</p></body></html>`;
}

function pages(apiHost) {
  const cur = "/posthog.js";
  const login = `
<form id="login" onsubmit="event.preventDefault()">
  <label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username">
  <label for="pw">Password</label>
  <input id="pw" name="login-secret" type="password" autocomplete="current-password" data-com-onepassword-filled="light" data-1p-ignore-not>
  <button id="toggle" type="button" onclick="var f=document.getElementById('pw');f.type=f.type==='password'?'text':'password';this.textContent=f.type==='password'?'Show':'Hide'">Show</button>
  <button id="signin" type="submit">Sign in</button>
</form>
<a id="reset-link" class="btn" href="/reset?token=${esc(env.RESET_TOKEN)}&email=a%40b.example" data-reset-token="${esc(env.RESET_TOKEN)}">Reset password</a>
<button id="control" class="plan">${esc(env.CONTROL)}</button>
<script>
  // A controlled input echoes what is typed into its value attribute.
  document.getElementById('pw').addEventListener('input', function(){ this.setAttribute('value', this.value) })
</script>`;
  const card = `
<form id="pay" onsubmit="event.preventDefault()">
  <input id="cc" name="cardnumber" autocomplete="cc-number" inputmode="numeric">
  <input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric">
  <button id="pay-btn" type="submit">Pay</button>
</form>
<script>
  document.getElementById('cc').addEventListener('input', function(){ this.setAttribute('data-last-value', this.value) })
</script>
<a id="leave" href="/bye">Leave</a>`;
  const identity = `<button id="go">Go</button>`;
  return {
    "/posthog.js": () => ({ type: "application/javascript", body: fs.readFileSync(require.resolve("posthog-js/dist/array.full.js")) }),
    "/posthog-decide.js": () => ({ type: "application/javascript", body: fs.readFileSync(path.join(path.dirname(require.resolve("posthog-js-decide/package.json")), "dist/array.full.js")) }),
    "/login": () => ({ type: "text/html", body: page("Sign in", cur, apiHost, login) }),
    "/reset": () => ({ type: "text/html", body: page("Reset", cur, apiHost, `<p>Choose a new password</p>`) }),
    "/card": () => ({ type: "text/html", body: page("Card", cur, apiHost, card) }),
    "/bye": () => ({ type: "text/html", body: page("Bye", cur, apiHost, `<p>Bye</p>`) }),
    "/identity": () => ({ type: "text/html", body: page("Identity", cur, apiHost, identity) }),
    "/retry": () => ({ type: "text/html", body: page("Retry", cur, apiHost, `<p>retry</p>`) }),
    "/old": () => ({ type: "text/html", body: page("Old", "/posthog-decide.js", apiHost, `<button id="old-btn">Old button</button>`) }),
    "/snippet": () => ({ type: "text/html", body: snippetPage(apiHost) }),
    "/noconfig": () => ({ type: "text/html", body: page("No config", cur, apiHost, `<button id="nc-btn">No config button</button>`) }),
    "/throttled": () => ({ type: "text/html", body: page("Throttled", cur, apiHost, `<p>throttled</p>`) }),
    "/quota": () => ({ type: "text/html", body: page("Quota", cur, apiHost, `<p>quota</p>`) }),
  };
}

function pageServer(routes) {
  const srv = http.createServer((req, res) => {
    const r = routes[new URL(req.url, "http://x").pathname];
    if (!r) {
      res.writeHead(404);
      return res.end();
    }
    const { type, body } = r();
    res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" });
    res.end(body);
  });
  return new Promise((r) => srv.listen(0, "127.0.0.1", () => r({ url: `http://127.0.0.1:${srv.address().port}`, stop: () => new Promise((q) => srv.close(q)) })));
}

async function flush(pg) {
  // posthog-js sends its queue every 3 s; wait for it.
  await pg.waitForTimeout(3500);
}

async function main() {
  const px = await proxy();
  const site = await pageServer(pages(px.url));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "sieve-posthog-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.CHROMIUM_BIN || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const consoleErrors = [];
  let quotaAt = 0;
  let flag = null;
  let pausedUntil = 0;
  const pg = await context.newPage();
  pg.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text().slice(0, 200)));
  const timeout = setTimeout(() => {
    console.error("browser.js: timed out");
    process.exit(2);
  }, 240000);
  try {
    // Login with a password manager's attributes, a token in the URL, a
    // show-password toggle; then the reset link (navigates: the click
    // leaves by beacon).
    await pg.goto(`${site.url}/login?token=${env.URL_TOKEN}&utm_source=news`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await flush(pg);
    await pg.fill("#email", "someone@example.com");
    await pg.type("#pw", env.PASSWORD);
    await pg.click("#toggle");
    await pg.click("#pw");
    await pg.click("#control");
    await pg.click("#signin");
    await flush(pg);
    await pg.click("#reset-link");
    await pg.waitForURL("**/reset**");
    await flush(pg);

    // Card form and OTP field; then leave by a link (pageleave by beacon).
    await pg.goto(`${site.url}/card`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await pg.type("#cc", env.CARD);
    await pg.type("#otp", env.OTP);
    await pg.click("#pay-btn");
    await pg.click("#leave");
    await pg.waitForURL("**/bye");
    await flush(pg);

    // identify, alias, group.
    await pg.goto(`${site.url}/identity`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await pg.evaluate(() => {
      posthog.identify("browser-user", { email: "browser@example.com", plan: "pro" }, { first_visit: "yes" });
      posthog.alias("browser-alias");
      posthog.group("company", "acme", { name: "Acme", seats: 10 });
      posthog.capture("custom", { custom: "identified" });
    });
    // No flags: getFeatureFlag answers undefined once flags have loaded.
    flag = await pg.evaluate(
      () =>
        new Promise((resolve) => {
          const done = (loaded) => resolve({ loaded, type: typeof posthog.getFeatureFlag("new-checkout"), enabled: posthog.isFeatureEnabled("new-checkout") });
          posthog.onFeatureFlags(() => done(true));
          posthog.reloadFeatureFlags();
          setTimeout(() => done(false), 8000);
        }),
    );
    await flush(pg);

    // Retries: the proxy answers the first capture request 500.
    await pg.goto(`${site.url}/retry`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await flush(pg);
    px.failOnce();
    await pg.evaluate(() => posthog.capture("custom", { custom: "retried" }));
    for (let i = 0; i < 30 && ![...px.sent.values()].some((e) => e.custom === "retried"); i++) await pg.waitForTimeout(500);
    await pg.waitForTimeout(12000); // the retry: 3 s +-50%, and the next flush

    // The /decide-era posthog-js.
    await pg.goto(`${site.url}/old`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await flush(pg);
    await pg.click("#old-btn");
    await pg.evaluate(() => posthog.capture("custom", { custom: "old" }));
    await flush(pg);
    await pg.goto("about:blank");
    await pg.waitForTimeout(1500);

    // PostHog's HTML snippet: posthog-js comes from Sieve's /static/array.js.
    await pg.goto(`${site.url}/snippet`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded, null, { timeout: 20000 });
    await flush(pg);

    // Config requests answered 404: capture still works, autocapture stays
    // off although the project's autotrack is on. Another origin
    // (localhost), so that no config persisted by the pages above applies.
    px.setConfigMissing(true);
    await pg.goto(`${site.url.replace("127.0.0.1", "localhost")}/noconfig`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await pg.waitForTimeout(1000);
    await pg.click("#nc-btn");
    await pg.evaluate(() => posthog.capture("custom", { custom: "noconfig" }));
    await flush(pg);
    px.setConfigMissing(false);

    // A capture answered 429 is dropped by posthog-js, never resent.
    await pg.goto(`${site.url}/throttled`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await flush(pg);
    px.failOnce(429);
    await pg.evaluate(() => posthog.capture("custom", { custom: "throttled" }));
    await pg.waitForTimeout(12000); // a retry would come within 3 s +-50% and the next flush
    await pg.evaluate(() => posthog.capture("custom", { custom: "after-429" }));
    await flush(pg);

    // quota_limited: the capture is stored, and posthog-js then pauses
    // sending events (60 s): nothing reaches the proxy meanwhile.
    await pg.goto(`${site.url}/quota`);
    await pg.waitForFunction(() => window.posthog && window.posthog.__loaded);
    await flush(pg);
    px.quotaOnce();
    await pg.evaluate(() => posthog.capture("custom", { custom: "quota" }));
    await flush(pg);
    quotaAt = Date.now();
    await pg.evaluate(() => posthog.capture("custom", { custom: "paused" }));
    await pg.waitForTimeout(8000);
    pausedUntil = Date.now();
  } finally {
    clearTimeout(timeout);
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await site.stop();
    await px.stop();
  }
  const all = px.wire.join("\n");
  const onWire = {};
  for (const k of ["URL_TOKEN", "RESET_TOKEN", "PASSWORD", "CARD", "OTP"]) onWire[k] = all.includes(env[k]);
  process.stdout.write(
    JSON.stringify({ sent: [...px.sent.values()], requests: px.requests, consoleErrors, onWire, flag, refused: Object.fromEntries(px.refused), quotaAt, pausedUntil }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
