// Sends events, identify, alias and group updates to sieve with the official
// posthog-node client, unchanged, and prints what it sent and the status of
// every request as JSON on stdout, for the Go test to compare with the
// export. Env: SIEVE_URL, SIEVE_TOKEN.
//
// Phase 1: ordinary calls, one gzip /batch/ on shutdown.
// Phase 2: 100 events of ~250 KB each: the first /batch/ (25 MB once
// inflated) is over Sieve's 20 MiB limit, Sieve answers 413, and
// posthog-node halves its batch size and resends.
// Phase 3: the first /batch/ reaches Sieve and is stored, but the client is
// told 503 (as when a reply is lost): posthog-node resends the same events,
// which Sieve must store once.
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
  // A person under the alias before the alias call: merged into node-user-1.
  ph.capture({ distinctId: "node-alias-1", event: "pre-alias", properties: { seq: 200, $set: { referrer: "newsletter", plan: "trial" } } });
  sent.push({ event: "pre-alias", properties: { seq: 200 } });
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

  let lost = 0;
  const loseFirstReply = async (url, opts) => {
    const r = await fetch(url, opts);
    if (lost++ === 0) {
      statuses.push({ path: new URL(url).pathname, status: r.status, lost: true });
      return new Response("unavailable", { status: 503, headers: { "Retry-After": "1" } });
    }
    statuses.push({ path: new URL(url).pathname, status: r.status });
    return r;
  };
  const flaky = new PostHog(token, { host, flushAt: 1000, flushInterval: 0, fetch: loseFirstReply, disableGeoip: true, fetchRetryDelay: 200 });
  for (let i = 0; i < 5; i++) {
    const properties = { seq: 300 + i, phase: "lost reply" };
    flaky.capture({ distinctId: "node-flaky", event: "flaky", properties });
    sent.push({ event: "flaky", properties });
  }
  await flaky.shutdown();
  process.stdout.write(JSON.stringify({ sent, statuses, batchesAfterLoss: lost }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
