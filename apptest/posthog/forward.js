// Sends to Sieve A, in the forwarding apptest, with the official
// posthog-node client, unchanged: captures (some with a password A's guard
// removes), identify with $set, group identify and $set events. Prints the
// number of events sent as JSON on stdout. Env: SIEVE_URL, SIEVE_TOKEN,
// SIEVE_CANARY (the password), NODE_EXTRA_CA_CERTS for A's certificate.
"use strict";
const { PostHog } = require("posthog-node");

async function main() {
  const ph = new PostHog(process.env.SIEVE_TOKEN, { host: process.env.SIEVE_URL, flushAt: 40, flushInterval: 0, disableGeoip: true });
  const canary = process.env.SIEVE_CANARY;
  let n = 0;
  for (let i = 0; i < 120; i++) {
    ph.capture({ distinctId: "ph-user-" + (i % 4), event: "ph event", properties: { seq: i, plan: "pro", password: canary, nested: { a: [1, { b: "c" }] } } });
    n++;
  }
  for (let u = 0; u < 4; u++) {
    ph.identify({ distinctId: "ph-user-" + u, properties: { email: "ph" + u + "@example.com", tier: "gold", password: canary } });
    n++;
  }
  ph.groupIdentify({ groupType: "company", groupKey: "globex", properties: { name: "Globex", seats: 42 } });
  n++;
  ph.capture({ distinctId: "ph-user-1", event: "grouped", properties: { seq: 500 }, groups: { company: "globex" } });
  n++;
  await ph.shutdown();
  process.stdout.write(JSON.stringify({ events: n }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
