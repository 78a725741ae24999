// Package event defines the values that flow from ingestion to storage:
// decoded events and profile updates (before the guard), stored rows (after
// it), and guard findings, which are metadata only.
//
// It imports no other package of Sieve. A value of an event is sensitive until
// the guard has seen it: nothing here formats one for a log (see Redacted).
package event

import (
	"log/slog"

	"github.com/valyala/fastjson"
)

// Event is one tracked event as decoded from a client request, before the
// guard. Props is a JSON object holding every property the client sent except
// the ones lifted into fields (token, distinct_id, time, $insert_id); the guard
// edits it in place. Props points into the request's parser: it is valid only
// while the request is being handled.
type Event struct {
	ProjectID  int64
	Name       string
	DistinctID string
	Time       int64 // Unix milliseconds, UTC
	InsertID   string
	Lib        string // mp_lib or $lib, for findings and the SDK fleet
	LibVersion string // $lib_version
	Props      *fastjson.Value
}

// Row is an event ready for storage: guarded, with its properties encoded as
// one JSON object (text, valid UTF-8). Rows own their memory.
type Row struct {
	ProjectID  int64
	Time       int64 // Unix milliseconds, UTC
	Name       string
	DistinctID string
	InsertID   string // the client's $insert_id, or one Sieve generated (see GeneratedID)
	// GeneratedID means InsertID was generated at ingestion because the
	// client sent none: such rows are never de-duplicated.
	GeneratedID bool
	Props       []byte
}

// ProfileKind says whether a profile update is for a user (/engage) or a
// group (/groups).
type ProfileKind uint8

const (
	People ProfileKind = iota + 1
	Group
)

func (k ProfileKind) String() string {
	switch k {
	case People:
		return "people"
	case Group:
		return "group"
	}
	return "unknown"
}

// Profile operations, applied in this order when one update carries several.
const (
	OpSet     = "$set"
	OpSetOnce = "$set_once"
	OpAdd     = "$add"
	OpAppend  = "$append"
	OpUnion   = "$union"
	OpRemove  = "$remove"
	OpUnset   = "$unset"
	OpDelete  = "$delete"
)

// ProfileOp is one operation of a profile update. Value is the operation's
// argument as sent (an object for $set, an array of names for $unset...).
type ProfileOp struct {
	Op    string
	Value *fastjson.Value
}

// ProfileUpdate is one /engage or /groups object, before the guard.
// For People, ID is the distinct_id; for Group, GroupKey and ID name the group.
type ProfileUpdate struct {
	ProjectID  int64
	Kind       ProfileKind
	GroupKey   string
	ID         string
	Time       int64 // Unix milliseconds: $time if sent, else the time of receipt
	IgnoreTime bool  // $ignore_time: do not move $last_seen
	IP         string
	Lib        string
	LibVersion string
	Ops        []ProfileOp
	// MergeFrom, for People only, names another distinct_id whose person
	// merges into ID's before Ops apply (PostHog's $identify with
	// $anon_distinct_id, $create_alias and $merge_dangerously): its
	// properties fill the gaps of ID's, and later updates and look-ups by
	// MergeFrom reach ID's person. An update may then carry no Ops.
	MergeFrom string
	// FromEvent is set when a stored event implies the update and carries
	// it in its properties (PostHog's $set, $identify, $groupidentify):
	// forwarding to PostHog sends the event alone.
	FromEvent bool
}

// ProfileOpRow is a guarded profile operation with its argument encoded as JSON.
type ProfileOpRow struct {
	Op    string
	Value []byte
}

// ProfileRow is a guarded profile update ready for storage.
type ProfileRow struct {
	ProjectID  int64
	Kind       ProfileKind
	GroupKey   string
	ID         string
	Time       int64
	IgnoreTime bool
	IP         string // empty unless the project stores IP addresses
	Ops        []ProfileOpRow
	MergeFrom  string // see ProfileUpdate.MergeFrom
	FromEvent  bool   // see ProfileUpdate.FromEvent
}

// Finding records that the guard acted on a property. It never holds the
// value, nor a hash of it. Path names the property: object keys joined by
// ".", and "[]" for any array element, e.g. "$elements[].attr__value" or
// "$set.password".
type Finding struct {
	Time       int64  `json:"-"` // Unix milliseconds, when the guard acted
	ProjectID  int64  `json:"project_id"`
	DistinctID string `json:"distinct_id"`
	Event      string `json:"event"` // event name; "$engage" or "$groups" for profile updates
	Path       string `json:"path"`
	Class      string `json:"class"`
	Detector   string `json:"detector"`
	Action     string `json:"action"`
	Lib        string `json:"lib"`
	LibVersion string `json:"lib_version"`
}

// Redacted wraps a string that may hold an event value so that it is safe to
// pass to a logger: it logs as a length, never as its text.
type Redacted string

// LogValue implements slog.LogValuer.
func (r Redacted) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("redacted_len", len(r)))
}

// String implements fmt.Stringer with the same redaction.
func (r Redacted) String() string { return "[redacted]" }
