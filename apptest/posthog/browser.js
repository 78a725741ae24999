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
// 500 by the proxy: posthog-js must resend the same events.
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
      if (capture) {
        try {
          for (const ev of decodeEvents(req, body)) {
            const p = ev.properties || {};
            sent.set(ev.uuid, { uuid: ev.uuid, event: ev.event, custom: p.custom, lib_version: p.$lib_version });
          }
        } catch (e) {
          rec.decodeError = String(e);
        }
        if (failNext > 0) {
          failNext--;
          rec.status = 500;
          res.writeHead(500, { "Access-Control-Allow-Origin": req.headers.origin || "*", "Access-Control-Allow-Credentials": "true" });
          return res.end("injected failure");
        }
      }
      const headers = { ...req.headers, host: sieve.host };
      const up = http.request({ host: sieve.hostname, port: sieve.port, method: req.method, path: req.url, headers }, (r) => {
        rec.status = r.statusCode;
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
      r({ url: `http://127.0.0.1:${srv.address().port}`, requests, sent, wire, failOnce: () => (failNext = 1), stop: () => new Promise((q) => srv.close(q)) }),
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
  const pg = await context.newPage();
  pg.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text().slice(0, 200)));
  const timeout = setTimeout(() => {
    console.error("browser.js: timed out");
    process.exit(2);
  }, 150000);
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
  process.stdout.write(JSON.stringify({ sent: [...px.sent.values()], requests: px.requests, consoleErrors, onWire }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
