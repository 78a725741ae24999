// Sends events, identify, alias and group updates to sieve with the official
// posthog-node client, unchanged, and prints what it sent and the status of
// every request as JSON on stdout, for the Go test to compare with the
// export. Env: SIEVE_URL, SIEVE_TOKEN.
//
// Phase 1: ordinary calls, one gzip /batch/ on shutdown.
// Phase 2: 100 events of ~250 KB each: the first /batch/ (25 MB once
// inflated) is over Sieve's 20 MiB limit, Sieve answers 413, and
// posthog-node halves its batch size and resends.
"use strict";
const { PostHog } = require("posthog-node");

const host = process.env.SIEVE_URL;
const token = process.env.SIEVE_TOKEN;
const statuses = [];
const fetchRecorded = async (url, opts) => {
  const r = await fetch(url, opts);
  statuses.push({ path: new URL(url).pathname, status: r.status });
  return r;
};

async function main() {
  const sent = [];
  const ph = new PostHog(token, { host, flushAt: 1000, flushInterval: 0, fetch: fetchRecorded, disableGeoip: true });
  for (let i = 0; i < 25; i++) {
    const properties = { seq: i, plan: "pro", unicode: "Ünïcödé ✓ 😀", nested: { a: [1, 2, { b: "c" }] }, ratio: 0.25 };
    ph.capture({ distinctId: "node-user-" + (i % 3), event: "node event", properties });
    sent.push({ event: "node event", properties });
  }
  ph.identify({ distinctId: "node-user-1", properties: { email: "n1@example.com", plan: "team" } });
  ph.alias({ distinctId: "node-user-1", alias: "node-alias-1" });
  ph.groupIdentify({ groupType: "company", groupKey: "initech", properties: { name: "Initech", employees: 12 } });
  ph.capture({ distinctId: "node-user-1", event: "grouped", properties: { seq: 100 }, groups: { company: "initech" } });
  sent.push({ event: "grouped", properties: { seq: 100 } });
  await ph.shutdown();

  const big = new PostHog(token, { host, flushAt: 100, maxBatchSize: 100, flushInterval: 0, fetch: fetchRecorded, disableGeoip: true });
  const filler = "the quick brown fox jumps over the lazy dog ".repeat(5800); // ~250 KB
  for (let i = 0; i < 100; i++) {
    big.capture({ distinctId: "node-big", event: "big event", properties: { seq: 1000 + i, filler } });
  }
  await big.shutdown();
  process.stdout.write(JSON.stringify({ sent, statuses }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
