package store

import "math"

// Purges (docs/PURGE.md): what a job asks a backend to remove, and what
// the backend reports it did. No value is ever part of a result.

// PurgeRule selects stored data of one project for a purge. Events match
// when their time is in [From, To), and, when the lists are not empty,
// their name is in Events and their distinct_id in DistinctIDs. Matching
// events lose the property Paths (the events stay), or, with DeleteEvents,
// are deleted. A rule with neither leaves events alone.
//
// ProfilePaths are removed from the properties of the project's profiles
// (people profiles of DistinctIDs when that list is not empty, else every
// user and group profile). EraseProfiles deletes the people profiles and the
// findings of DistinctIDs (GDPR erasure).
type PurgeRule struct {
	Project       int64
	From, To      int64 // Unix ms; math.MinInt64 and math.MaxInt64 for all time
	DistinctIDs   []string
	Events        []string
	Paths         []string
	DeleteEvents  bool
	ProfilePaths  []string
	EraseProfiles bool
}

// AllTime is the time range of a rule without one.
const (
	AllTimeFrom = int64(math.MinInt64)
	AllTimeTo   = int64(math.MaxInt64)
)

// TouchesEvents reports whether the rule changes events.
func (r *PurgeRule) TouchesEvents() bool {
	return len(r.Paths) > 0 || r.DeleteEvents
}

// TouchesState reports whether the rule changes profiles or findings.
func (r *PurgeRule) TouchesState() bool {
	return len(r.ProfilePaths) > 0 || (r.EraseProfiles && len(r.DistinctIDs) > 0)
}

// FileDigest identifies a file a purge read or wrote: its path relative to
// the data directory, its row count and the SHA-256 of its bytes.
type FileDigest struct {
	File   string `json:"file"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
	// Kind is "" for a file of events and "links" for the identity link
	// file of one (the embedded store's <gen>.links.parquet: one row per
	// device with its earliest user, docs/STORAGE.md), which holds
	// distinct_ids and user ids too.
	Kind string `json:"kind,omitempty"`
}

// FileDigestLinks is FileDigest.Kind of an identity link file.
const FileDigestLinks = "links"

// PartitionResult is what a purge did to one project-day (of one shard,
// on a sharded backend).
type PartitionResult struct {
	Project     int64        `json:"project_id"`
	Day         string       `json:"day"`
	Shard       int          `json:"shard,omitempty"` // 1-based shard number; 0 on an unsharded backend
	RowsScanned int64        `json:"rows_scanned"`
	RowsDeleted int64        `json:"rows_deleted"`
	RowsChanged int64        `json:"rows_changed"` // rows that lost properties
	Rewritten   bool         `json:"rewritten"`
	Before      []FileDigest `json:"before,omitempty"`
	After       []FileDigest `json:"after,omitempty"`
}

// PurgeBatch is a set of partitions installed with one manifest write.
type PurgeBatch struct {
	ID         string            `json:"id"`
	Partitions []PartitionResult `json:"partitions"`
}

// PurgeJob is a purge of sealed event partitions.
type PurgeJob struct {
	ID    string // names the job's batches in the manifest; letters, digits, '-'
	Rules []PurgeRule
	// Skip lists partitions ("<project>/<yyyy-mm-dd>") an earlier run of the
	// job finished (their batch is in PurgeApplied).
	Skip map[string]bool
	// Prepared, when set, is called with each batch's results after its
	// files are written and before they are installed; an error stops the
	// purge with nothing of the batch installed. This is where a caller
	// records results durably, so that a crash after the install loses
	// nothing.
	Prepared func(PurgeBatch) error
	// Progress, when set, is called after each partition.
	Progress func(done, total int)
	// BatchRows caps the rows rewritten per manifest write (default 4M).
	BatchRows int64
}

// PurgeEventsResult is the outcome of PurgeEvents.
type PurgeEventsResult struct {
	Partitions []PartitionResult // partitions in scope handled by this run (not the skipped ones)
	// Verification: matches found re-scanning every partition in scope
	// after the rewrite (0 for a successful purge).
	Checked   int
	Remaining int64
}

// StatePurgeJob is a purge of profiles and findings (state.duckdb).
type StatePurgeJob struct {
	ID    string
	Rules []PurgeRule
	// Prepared, when set, is called with the results once the fresh state
	// file is written and before it replaces the old one; an error stops
	// the purge with the old file in place.
	Prepared func(StateResult) error
}

// StateResult is what a purge did to state.duckdb.
type StateResult struct {
	Rewritten       bool        `json:"rewritten"`
	ProfilesScanned int64       `json:"profiles_scanned"`
	ProfilesDeleted int64       `json:"profiles_deleted"`
	ProfilesChanged int64       `json:"profiles_changed"`
	FindingsScanned int64       `json:"findings_scanned"`
	FindingsDeleted int64       `json:"findings_deleted"`
	Before          *FileDigest `json:"before,omitempty"`
	After           *FileDigest `json:"after,omitempty"`
	// Remaining is the number of matches a re-scan found after the swap
	// (0 for a successful purge).
	Remaining int64 `json:"remaining"`
	// Shards is what removing profile properties did on each shard of a
	// sharded backend (nil on the others).
	Shards []StateShardResult `json:"shards,omitempty"`
}

// StateShardResult is what removing profile properties did on one shard.
type StateShardResult struct {
	Shard           int   `json:"shard"` // 1-based
	ProfilesChanged int64 `json:"profiles_changed"`
	// VersionsRewritten counts the profiles whose current version was
	// written again without the paths; VersionsDeleted the stored
	// versions (current and earlier) then deleted.
	VersionsRewritten int64 `json:"versions_rewritten"`
	VersionsDeleted   int64 `json:"versions_deleted"`
	Remaining         int64 `json:"remaining"` // versions on the shard still holding a path after the purge
}
