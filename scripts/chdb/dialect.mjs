// Replays the statements store/clickhouse sends (recorded by
// TestRecordDialect on the 18.16 test cluster) on a current ClickHouse
// engine: npm chdb, in-process, single node. Usage:
//   node dialect.mjs statements.jsonl
// Distributed tables need a cluster, which an in-process engine does not
// have: they become Merge tables over the local table (same columns, same
// reads). External tables become Memory tables of the same structure.
// INSERTs are checked by selecting their columns from their table, and
// their settings by SET. Exits 1 when any statement fails.
import { readFileSync } from "node:fs";
import { Session } from "chdb";

const lines = readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const s = new Session();
const version = s.query("SELECT version()", "TSV").trim();
let ok = 0;
const failures = [];
const run = (what, sql) => {
  try {
    s.query(sql, "TSV");
    ok++;
    return true;
  } catch (e) {
    failures.push(`${what}\n    ${sql.replace(/\s+/g, " ").slice(0, 300)}\n    -> ${String(e.message).split("\n")[0].slice(0, 300)}`);
    return false;
  }
};
const setSettings = (settings) => Object.entries(settings || {}).map(([k, v]) => `SET ${k} = ${/^\d+$/.test(v) ? v : `'${v}'`}; `).join("");

s.query("CREATE DATABASE IF NOT EXISTS sieve", "TSV");
for (const st of lines.filter((l) => l.kind === "ddl")) {
  const m = /CREATE TABLE IF NOT EXISTS (\w+)\.(\w+) AS \w+\.(\w+)\s+ENGINE = Distributed\(/.exec(st.query);
  const sql = m ? `CREATE TABLE IF NOT EXISTS ${m[1]}.${m[2]} AS ${m[1]}.${m[3]} ENGINE = Merge(${m[1]}, '^${m[3]}$')` : st.query;
  run("schema", sql);
}
// A few rows, so that reads evaluate their expressions on data.
// Columns named, so that columns a later migration adds take their defaults.
run("sample rows", `INSERT INTO sieve.events_local (project_id, time, event, distinct_id, insert_id, nodup, props, ver, k) VALUES (1, 1772323200000, 'e', 'u1', 'k1', '', '{"password":"x","n":1}', 18446744073709551615, 7),
  (1, 1772323200000, 'e', 'u1', 'k1', '', '{"n":1}', 1, 7), (2, -86400001, 'view', 'u2', '', 'abc', '{}', 5, 0)`);
run("sample rows", `INSERT INTO sieve.profiles_local VALUES (1, 1, '', 'alice', '{"a":1}', 0, 1), (1, 1, '', 'alice', '{"a":2}', 0, 2), (1, 2, 'company', 'acme', '{}', 1, 3)`);
run("sample rows", `INSERT INTO sieve.findings_local VALUES (1772323200000, 1, 'u1', 'e', 'password', 'password', 'name', 'drop', 'web', '1.0')`);

for (const st of lines.filter((l) => l.kind === "stmt")) {
  const ins = /^INSERT INTO (\S+) \(([^)]*)\) FORMAT RowBinary$/.exec(st.query);
  if (ins) {
    run("insert columns", `SELECT ${ins[2]} FROM ${ins[1]} LIMIT 0`);
    run("insert settings", setSettings(st.settings) + "SELECT 1");
    continue;
  }
  let pre = "";
  for (const [name, structure] of Object.entries(st.ext || {})) {
    pre += `DROP TABLE IF EXISTS default.${name}; CREATE TABLE default.${name} (${structure}) ENGINE = Memory; `;
  }
  const sql = st.query.replace(/ FORMAT RowBinary$/, " FORMAT TSV");
  run("statement", pre + setSettings(st.settings) + sql);
}
s.cleanup();
console.log(`chdb ${version}: ${ok} statements ran, ${failures.length} failed`);
for (const f of failures) console.log("FAIL " + f);
process.exit(failures.length ? 1 : 0);
