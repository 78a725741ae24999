package duckdb

import "fmt"

// Alias links (package query's # Users): a $create_alias or
// $merge_dangerously event links its "alias" property to its distinct_id,
// as PostHog's and Mixpanel's alias calls mean. Kept apart from links so
// that the identity rule reads in one place. Alias events are rare, so
// their "alias" is read from the JSON properties rather than kept as an
// identity column.

// aliasNames is the SQL list of the names of alias events.
const aliasNames = "('$create_alias', '$merge_dangerously')"

// aliasLinks is the SQL of the alias links over the events relation rel, a
// UNION ALL branch of linksOf (dev, usr, time; links.go).
func aliasLinks(rel string) string {
	return fmt.Sprintf("\n    UNION ALL SELECT nullif(json_extract_string(props, '$.alias'), ''), distinct_id, time FROM %s WHERE name IN %s", rel, aliasNames)
}
