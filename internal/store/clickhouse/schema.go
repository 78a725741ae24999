package clickhouse

import (
	"context"
	"fmt"
	"strconv"
)

// schemaVersion is the version of the layout below. Each shard records the
// versions applied in <db>.schema_version; Open applies what is missing.
// ON CLUSTER DDL needs ZooKeeper, which a plain sharded cluster lacks, so
// every statement goes to every shard.
const schemaVersion = 5

// versionTable records, on each shard, the schema versions applied.
const versionTable = "CREATE TABLE IF NOT EXISTS %s.schema_version (version UInt32, applied DateTime) ENGINE = MergeTree() ORDER BY version"

// migrations[i] takes a shard from version i to i+1. %[1]s is the
// database, %[2]s the cluster.
var migrations = [][]string{
	{
		// Events: one row per stored event. nodup is empty for rows
		// de-duplicated by (project, event, distinct_id, time, insert_id)
		// and unique otherwise; k is a 64-bit hash of that key (0 for
		// the others), read by Append's look-up instead of the five
		// columns; ver orders copies of a key so that the first stored
		// wins (ReplacingMergeTree keeps the highest ver).
		`CREATE TABLE IF NOT EXISTS %[1]s.events_local (
			project_id Int64, time Int64, event String, distinct_id String,
			insert_id String, nodup String, props String, ver UInt64, k UInt64
		) ENGINE = ReplacingMergeTree(ver)
		PARTITION BY (project_id, toYYYYMM(toDateTime(intDiv(time, 1000))))
		ORDER BY (project_id, event, time, distinct_id, insert_id, nodup)`,
		`CREATE TABLE IF NOT EXISTS %[1]s.events AS %[1]s.events_local
		ENGINE = Distributed(%[2]s, %[1]s, events_local, sipHash64(distinct_id))`,
		// Profiles: every write is a new version of the whole profile;
		// the highest ver is current, deleted = 1 marks a deleted one.
		`CREATE TABLE IF NOT EXISTS %[1]s.profiles_local (
			project_id Int64, kind UInt8, group_key String, id String,
			props String, deleted UInt8, ver UInt64
		) ENGINE = ReplacingMergeTree(ver)
		PARTITION BY project_id
		ORDER BY (project_id, kind, group_key, id)`,
		`CREATE TABLE IF NOT EXISTS %[1]s.profiles AS %[1]s.profiles_local
		ENGINE = Distributed(%[2]s, %[1]s, profiles_local, sipHash64(id))`,
		`CREATE TABLE IF NOT EXISTS %[1]s.findings_local (
			time Int64, project_id Int64, distinct_id String, event String, path String,
			class String, detector String, action String, lib String, lib_version String
		) ENGINE = MergeTree()
		PARTITION BY (project_id, toYYYYMM(toDateTime(intDiv(time, 1000))))
		ORDER BY (project_id, time)`,
		`CREATE TABLE IF NOT EXISTS %[1]s.findings AS %[1]s.findings_local
		ENGINE = Distributed(%[2]s, %[1]s, findings_local, sipHash64(distinct_id))`,
	},
	{
		// The registry shared by the Sieve nodes (projects, keys, guard
		// policies; package project's records): a copy on every shard,
		// one row per version of a record; the highest (ver, node) wins.
		`CREATE TABLE IF NOT EXISTS %[1]s.registry (
			kind String, key String, ver UInt64, node String, deleted UInt8, body String
		) ENGINE = ReplacingMergeTree(ver)
		ORDER BY (kind, key)`,
	},
	{
		// Every Sieve node's audit chain, copied from its log file: one
		// row per entry (the line as written), a copy on every shard.
		`CREATE TABLE IF NOT EXISTS %[1]s.audit_log (
			node String, seq Int64, line String
		) ENGINE = ReplacingMergeTree()
		ORDER BY (node, seq)`,
	},
	{
		// Events: gen is the generation of a row. A property purge
		// rewrites the rows it changes with a higher gen (and ver + 1),
		// then deletes the older generation; reads take the copy of a
		// key with the highest ver, then the highest gen.
		`ALTER TABLE %[1]s.events_local ADD COLUMN gen UInt64 DEFAULT 0`,
		`ALTER TABLE %[1]s.events ADD COLUMN gen UInt64 DEFAULT 0`,
	},
	{
		// Event keys: the key of every stored event with a client insert
		// id, for Append's look-up (storedKeys). Ordered by its hash, so
		// that a look-up reads the few granules holding the group's
		// hashes (index_granularity 64: about 64 rows per hash), whatever
		// the table's size; partitioned as events, so that the group's
		// time range skips other months. Plain MergeTree: two keys with
		// one hash are both kept (the look-up compares full keys), and
		// the copies a property purge's rewrite adds cost only space.
		// The materialized view writes a shard's keys in the same insert
		// as its events, after them (an insert that fails between the two
		// leaves an event without its key: a retry stores a second copy,
		// which reads fold; never a key without its event). Purges delete
		// from it with the events' conditions (purge.go).
		`CREATE TABLE IF NOT EXISTS %[1]s.event_keys_local (
			project_id Int64, k UInt64, time Int64, event String, distinct_id String, insert_id String
		) ENGINE = MergeTree()
		PARTITION BY (project_id, toYYYYMM(toDateTime(intDiv(time, 1000))))
		ORDER BY (project_id, k)
		SETTINGS index_granularity = 64`,
		`CREATE TABLE IF NOT EXISTS %[1]s.event_keys AS %[1]s.event_keys_local
		ENGINE = Distributed(%[2]s, %[1]s, event_keys_local, sipHash64(distinct_id))`,
		`CREATE MATERIALIZED VIEW IF NOT EXISTS %[1]s.event_keys_mv TO %[1]s.event_keys_local AS
		SELECT project_id, k, time, event, distinct_id, insert_id FROM %[1]s.events_local WHERE k != 0`,
		// The keys of the events stored before (after the view exists, so
		// none is missed; one inserted meanwhile is there twice).
		`INSERT INTO %[1]s.event_keys_local SELECT project_id, k, time, event, distinct_id, insert_id FROM %[1]s.events_local WHERE k != 0`,
	},
}

// migrate brings every shard to schemaVersion.
func (s *Store) migrate(ctx context.Context) error {
	for i, n := range s.nodes {
		if err := n.exec(ctx, "CREATE DATABASE IF NOT EXISTS "+s.db, nil, nil); err != nil {
			return fmt.Errorf("clickhouse store: shard %d: create database: %w", i+1, err)
		}
		if err := n.exec(ctx, fmt.Sprintf(versionTable, s.db), nil, nil); err != nil {
			return fmt.Errorf("clickhouse store: shard %d: create schema_version: %w", i+1, err)
		}
		v, err := n.queryString(ctx, "SELECT max(version) FROM "+s.db+".schema_version")
		if err != nil {
			return fmt.Errorf("clickhouse store: shard %d: read schema version: %w", i+1, err)
		}
		have, _ := strconv.Atoi(v)
		if have > schemaVersion {
			return fmt.Errorf("clickhouse store: shard %d has schema version %d, newer than this Sieve's %d", i+1, have, schemaVersion)
		}
		for ; have < schemaVersion; have++ {
			for _, stmt := range migrations[have] {
				if err := n.exec(ctx, fmt.Sprintf(stmt, s.db, s.cfg.Cluster), nil, nil); err != nil {
					return fmt.Errorf("clickhouse store: shard %d: migrate to version %d: %w", i+1, have+1, err)
				}
			}
			if err := n.exec(ctx, fmt.Sprintf("INSERT INTO %s.schema_version VALUES (%d, now())", s.db, have+1), nil, nil); err != nil {
				return fmt.Errorf("clickhouse store: shard %d: record version %d: %w", i+1, have+1, err)
			}
		}
	}
	return nil
}

// DropDatabase removes the store's database from every shard (tests).
func (s *Store) DropDatabase(ctx context.Context) error {
	for i, n := range s.nodes {
		if err := n.exec(ctx, "DROP DATABASE IF EXISTS "+s.db, nil, nil); err != nil {
			return fmt.Errorf("clickhouse store: shard %d: drop database: %w", i+1, err)
		}
	}
	return nil
}
