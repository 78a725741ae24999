package duckdb

// Hot properties: the top-level event properties that breakdowns and
// filters read most (Mixpanel's and PostHog's defaults such as $browser,
// $os, $city, plus a per-project list from Options.HotProperties) are kept
// in sealed Parquet files as columns beside the JSON text, so a query that
// reads them does not parse every event's properties.
//
// Each hot property takes two columns in a file, numbered by its place in
// the file's manifest entry (sealedFile.Hot, 1-based):
//
//	hs<i> VARCHAR  the value when it is a JSON string, else NULL
//	hj<i> JSON     the value when it is anything else (number, boolean,
//	               null, list, object), else NULL
//
// Both NULL means absent. So the columns hold exactly what the JSON holds,
// whatever the property's type in each event: a property that is a string
// in some events and a number in others (type drift) reads the string from
// hs and the number, as JSON, from hj, with the semantics of the JSON path
// unchanged. props stays the source of truth: the columns are computed from
// it whenever a file is written (seal, compaction, purge: a purge rewrites
// them from the stripped properties), and files written before them, and
// active files, have them computed when read.
//
// Names. Only names of hotNameChars (at most maxHotName bytes) can be hot:
// they are written into SQL text as JSON pointers and into the manifest, so
// they must be plain. Values never reach SQL text or the manifest.

import (
	"fmt"
	"slices"
	"strings"
)

// defaultHotProperties are hot in every project: the properties Mixpanel's
// and PostHog's SDKs set on every event that breakdowns use most.
var defaultHotProperties = []string{
	"$browser", "$os", "$device", "$city", "$region", "mp_country_code", "$country_code",
	"$current_url", "$referring_domain", "$initial_referring_domain", "$browser_version",
	"utm_source", "utm_medium", "utm_campaign",
}

// maxHot bounds the hot properties of a file (two columns each).
const maxHot = 24

const maxHotName = 64

// hotNameChars are the bytes a hot property's name may hold.
const hotNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.- "

// hotName reports whether name can be a hot property.
func hotName(name string) bool {
	if name == "" || len(name) > maxHotName {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !strings.ContainsRune(hotNameChars, rune(name[i])) {
			return false
		}
	}
	return true
}

// hotList is the list of hot properties new files of project get: the
// defaults, then Options.HotProperties' names (plain names only, no
// duplicates, at most maxHot in all, sorted).
func (s *Store) hotList(project int64) []string {
	out := slices.Clone(defaultHotProperties)
	fn := s.opts.HotProperties
	if p := s.hotFn.Load(); p != nil {
		fn = *p
	}
	if fn != nil {
		for _, n := range fn(project) {
			if len(out) >= maxHot {
				break
			}
			if hotName(n) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	// Sorted, so that a list changes only when its names do (not when
	// their ranking does): files of one list are read together.
	slices.Sort(out[len(defaultHotProperties):])
	return out
}

// SetHotProperties replaces Options.HotProperties for the files written
// from now on (the server sets it once the lexicon is open).
func (s *Store) SetHotProperties(fn func(project int64) []string) {
	s.hotFn.Store(&fn)
}

// hotPointer is the SQL literal of name's JSON pointer (hotName names only).
func hotPointer(name string) string {
	return quote(jsonPointer(name))
}

// eventSelect is a SELECT over src (with an optional where clause) of the
// event columns, the identity columns, the user keys uk and dk
// (identity.go) and, for each name of want, the hot columns hs<n> and
// hj<n> (n its 1-based place in want). schema: src's file schema (0 for
// the event columns only: active files, legacy files); have: the hot
// properties src has as columns (its hs<i>, hj<i>). What src lacks is
// computed: identity and hot columns from props, with one JSON parse per
// row, the keys from the identity columns.
func eventSelect(src, where string, schema int, have, want []string) string {
	var paths, cols, hotNames []string
	raw := func(path string) string {
		paths = append(paths, path)
		return fmt.Sprintf("_x[%d]", len(paths))
	}
	if schema >= idSchema {
		cols = append(cols, idCols)
	} else {
		for i, c := range []string{"user_id", "device_id", "anon_id", "identified_id"} {
			x := raw(quote([]string{"/$user_id", "/$device_id", "/$anon_distinct_id", "/$identified_id"}[i]))
			cols = append(cols, fmt.Sprintf("CASE WHEN json_type(%[1]s) = 'VARCHAR' THEN nullif(%[1]s->>'$', '') END AS %[2]s", x, c))
		}
	}
	if schema >= keySchema {
		cols = append(cols, keyCols)
	}
	for n, name := range want {
		hotNames = append(hotNames, fmt.Sprintf("hs%d, hj%d", n+1, n+1))
		if i := slices.Index(have, name); i >= 0 {
			cols = append(cols, fmt.Sprintf("hs%d AS hs%d, hj%d AS hj%d", i+1, n+1, i+1, n+1))
			continue
		}
		x := raw(hotPointer(name))
		cols = append(cols, fmt.Sprintf("CASE WHEN json_type(%[1]s) = 'VARCHAR' THEN %[1]s->>'$' END AS hs%[2]d, "+
			"CASE WHEN json_type(%[1]s) <> 'VARCHAR' THEN %[1]s END AS hj%[2]d", x, n+1))
	}
	sel := "SELECT " + eventCols + ", " + strings.Join(cols, ", ")
	if len(paths) > 0 {
		sel = fmt.Sprintf("%s FROM (SELECT *, json_extract(props, [%s]) AS _x FROM %s%s)", sel, strings.Join(paths, ", "), src, where)
	} else {
		sel += " FROM " + src + where
	}
	if schema >= keySchema {
		return sel
	}
	// The keys, from the identity columns, in their place (before the hot
	// columns: every branch of a relation has the same column order).
	return "SELECT " + eventCols + ", " + idCols + ", " + keyExprs + prefixed(strings.Join(hotNames, ", ")) + " FROM (" + sel + ")"
}

// writeSelect is the SELECT of a new sealed file's columns over src, which
// has the event columns only: identity and hot columns computed from props.
func writeSelect(src string, hot []string) string {
	return eventSelect(src, "", 0, nil, hot)
}

// rewriteSelect is a SELECT of the columns of a new file of partition p
// holding the rows of files, with the hot properties hot: the stored
// columns when every file has the identity columns, the same schema and
// exactly these hot columns (the keys computed from the identity columns
// when the files lack them), else computed from props.
func rewriteSelect(root string, p partKey, files []sealedFile, hot []string) string {
	for _, f := range files {
		if f.Schema < idSchema || f.Schema != files[0].Schema || !slices.Equal(f.Hot, hot) {
			return writeSelect(parquetList(root, p, files), hot)
		}
	}
	return eventSelect(parquetList(root, p, files), "", files[0].Schema, hot, hot)
}

// hotWanted lists the hot properties a query reading props should read
// from hot columns: those of names stored as columns by at least one of
// the project's files in v, sorted. The relation of eventsAt then carries
// them as hs<n>, hj<n>, n their 1-based place in the list.
func (s *Store) hotWanted(v *version, project int64, names []string) []string {
	stored := map[string]bool{}
	for p, files := range v.parts {
		if p.project != project {
			continue
		}
		for _, f := range files {
			for _, h := range f.Hot {
				stored[h] = true
			}
		}
	}
	var out []string
	for _, n := range names {
		if stored[n] && hotName(n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// hotGroup is a set of sealed files of one layout (schema and hot list),
// read by one read_parquet.
type hotGroup struct {
	schema int
	hot    []string
	paths  []string
}

// groupFiles adds a file's path to the group of its layout.
func groupFiles(groups []hotGroup, f sealedFile, path string) []hotGroup {
	for i := range groups {
		if groups[i].schema == f.Schema && slices.Equal(groups[i].hot, f.Hot) {
			groups[i].paths = append(groups[i].paths, path)
			return groups
		}
	}
	return append(groups, hotGroup{schema: f.Schema, hot: f.Hot, paths: []string{path}})
}
