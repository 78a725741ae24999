package duckdb

import "fmt"

// Identity columns. Queries count users by the rule of package query:
// $user_id when set, else $device_id, else distinct_id, with $identify
// events ($anon_distinct_id -> $identified_id) and events carrying both
// $user_id and $device_id linking a device to a user. Finding those four
// values in the JSON properties of every event read is most of a query's
// time, so sealed Parquet files (schema idSchema) keep them as columns,
// computed from props when the file is written (seal, compaction, purge:
// a purge that removes one of these properties recomputes them).
//
// Active files and sealed files written before the columns existed
// (schema 0) have them computed when read (eventSelect), so every
// relation over events has the same columns; compaction and sealing
// rewrite legacy files into the current schema over time.
//
// A value is a JSON string that is not empty; anything else is NULL.
//
// User keys. Counting users (unique users, funnels, retention) groups
// events by user; grouping 10M events by a string was most of those
// queries' time, so files of schema keySchema also keep two integer keys,
// written from the identity columns when the file is written (and so
// rewritten by purges, like them):
//
//	uk UBIGINT  userKey($user_id), NULL when the event has none
//	dk UBIGINT  userKey($device_id, else distinct_id): the key of the
//	            device (or anonymous distinct_id) the links apply to
//
// A query's user key is then coalesce(uk, the linked user's key, dk),
// the same rule as the strings' (links in query.go), with the link rows'
// strings turned into keys at query time (a few per device). userKey is
// the low 64 bits of the MD5 of the string: stable across DuckDB versions
// (unlike hash()), so keys written by one version match keys computed by
// another. Two different identities share a key with probability about
// n^2/2^65 for n identities in a project (3e-8 for a million); queries
// that need the user's string (profile properties) read the strings.

// idSchema is the sealed-file schema with the identity columns.
const idSchema = 1

// keySchema is the sealed-file schema with the identity columns and the
// user keys uk, dk. New files are written in it.
const keySchema = 2

// keyCols are the user-key columns, after the identity columns.
const keyCols = "uk, dk"

// userKey is the SQL of the user key of the VARCHAR expression x (NULL for
// NULL).
func userKey(x string) string { return "md5_number_lower(" + x + ")" }

// keyExprs is the SQL of the key columns computed from the identity
// columns (for files and active rows that lack them).
const keyExprs = "md5_number_lower(user_id) AS uk, md5_number_lower(coalesce(device_id, distinct_id)) AS dk"

// idCols are the identity columns, in the order of query.IdentityProperties.
const idCols = "user_id, device_id, anon_id, identified_id"

// idPaths are the JSON pointers of the identity properties, in the order of
// idCols (the same names as query.IdentityProperties; constants, so the SQL
// text holds no value from a request).
const idPaths = `['/$user_id', '/$device_id', '/$anon_distinct_id', '/$identified_id']`

// identitySelect is a SELECT of the event columns plus the identity
// columns computed from props, over src (a relation) with an optional
// where clause (" WHERE ..." or "").
func identitySelect(src, where string) string {
	return fmt.Sprintf(`SELECT %s, _ids[1] AS user_id, _ids[2] AS device_id, _ids[3] AS anon_id, _ids[4] AS identified_id FROM (
  SELECT %s, list_transform(json_extract(props, %s), x -> CASE WHEN json_type(x) = 'VARCHAR' THEN nullif(x->>'$', '') END) AS _ids
  FROM %s%s)`, eventCols, eventCols, idPaths, src, where)
}

// storedSelect is a SELECT of the event and identity columns of sealed
// files of schema idSchema.
func storedSelect(src, where string) string {
	return "SELECT " + eventCols + ", " + idCols + " FROM " + src + where
}
