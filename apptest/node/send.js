// Sends events, profile and group updates to sieve with the official
// Mixpanel Node.js client (npm "mixpanel"), unchanged, and prints what it
// sent as JSON on stdout so that the Go test can compare it with the export.
// Env: SIEVE_HOST, SIEVE_PORT, SIEVE_TOKEN, SIEVE_SECRET; the server's
// certificate is trusted through NODE_EXTRA_CA_CERTS.
"use strict";
const Mixpanel = require("mixpanel");

const host = process.env.SIEVE_HOST;
const port = Number(process.env.SIEVE_PORT);
const token = process.env.SIEVE_TOKEN;
const secret = process.env.SIEVE_SECRET;

const common = { host, port, protocol: "https", keepAlive: false };
const plain = Mixpanel.init(token, common);
const withSecret = Mixpanel.init(token, { ...common, secret });

const sent = [];
const now = Date.now();
let seq = 0;
function props(extra) {
  seq++;
  return {
    distinct_id: "node-user-" + (seq % 3),
    time: now - seq * 1000,
    $insert_id: "node-" + seq,
    // '>' and '?' make base64 emit '+' and '/', which form decoding mangles.
    tricky: ">>>???~~~ base64 plus and slash",
    unicode: "Ünïcödé ✓ 😀",
    n: seq,
    ...extra,
  };
}

function call(fn) {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

async function main() {
  // GET /track?data=<base64>, one event.
  for (let i = 0; i < 3; i++) {
    const p = props({ via: "track" });
    sent.push({ event: "Node Track", properties: { ...p } });
    await call((cb) => plain.track("Node Track", p, cb));
  }
  // POST /track, body data=<base64 not URL-encoded>, batches of 50.
  const batch = [];
  for (let i = 0; i < 120; i++) {
    const p = props({ via: "track_batch", list: [i, "x"], obj: { k: i } });
    batch.push({ event: "Node Batch", properties: p });
    sent.push({ event: "Node Batch", properties: { ...p } });
  }
  await call((cb) => plain.track_batch(batch, cb));
  // /import with the API secret: single (GET) and batch (POST).
  {
    const p = props({ via: "import" });
    p.time = now - 30 * 24 * 3600 * 1000; // a month old: only /import takes it
    sent.push({ event: "Node Import", properties: { ...p } });
    await call((cb) => withSecret.import("Node Import", p.time, p, cb));
  }
  const ib = [];
  for (let i = 0; i < 60; i++) {
    const p = props({ via: "import_batch" });
    p.time = now - (10 + i) * 24 * 3600 * 1000;
    ib.push({ event: "Node Import Batch", properties: p });
    sent.push({ event: "Node Import Batch", properties: { ...p } });
  }
  await call((cb) => withSecret.import_batch(ib, cb));
  // Profiles and groups.
  await call((cb) => plain.people.set("node-user-1", { $email: "n1@example.com", plan: "team" }, cb));
  await call((cb) => plain.people.increment("node-user-1", "logins", 2, cb));
  await call((cb) => plain.people.set_once("node-user-1", { plan: "ignored", first_seen: "2026-01-01" }, cb));
  await call((cb) => plain.groups.set("company", "initech", { employees: 12 }, cb));
  process.stdout.write(JSON.stringify(sent));
}

main().catch((err) => {
  process.stderr.write("mixpanel-node: " + err.message + "\n");
  process.exit(1);
});
