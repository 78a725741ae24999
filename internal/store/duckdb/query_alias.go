package duckdb

import "fmt"

// Alias links (package query's # Users): a $create_alias or
// $merge_dangerously event links its "alias" property to its distinct_id,
// as PostHog's and Mixpanel's alias calls mean. Kept apart from query.go's
// base so that the identity rule reads in one place.

// aliasNames is the SQL list of the names of alias events.
const aliasNames = "('$create_alias', '$merge_dangerously')"

// aliasLinks is the SQL of the alias links, a UNION ALL branch of base's
// links (dev, usr, time) over its relation ev.
func aliasLinks() string {
	return fmt.Sprintf("\n    UNION ALL SELECT %s, distinct_id, time FROM ev WHERE name IN %s", str(jAlias), aliasNames)
}

// aliasRead is the condition under which base reads an event outside the
// range for its links.
func aliasRead() string { return " OR name IN " + aliasNames }
