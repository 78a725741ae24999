// Package store defines what Sieve needs from a storage backend: durable,
// de-duplicated appends of guarded events, profile state, findings, and
// streamed reads. It holds interfaces and errors only; backends live in
// sub-packages (store/duckdb is the embedded default) and must pass the
// conformance suite in store/storetest.
//
// A backend sees only guarded data (event.Row, event.ProfileRow): the guard
// runs before anything reaches a Store. store must not import ingest, api,
// server or guard.
package store

import (
	"context"
	"errors"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// Errors every backend reports through errors.Is.
var (
	ErrClosed   = errors.New("store: closed")
	ErrNotFound = errors.New("store: not found")
	// ErrUnsupported: the query asks for what the backend cannot answer
	// (a where expression reading what the query has not, or one too
	// complex). Its message names the reason, never a value.
	ErrUnsupported = errors.New("store: query not supported")
)

// AppendResult tells how many of the appended rows were new.
type AppendResult struct {
	Stored     int // rows written
	Duplicates int // rows skipped because an identical key was already stored
}

// ExportQuery selects events for export. From and To are Unix milliseconds,
// From inclusive and To exclusive; Events, when not empty, lists the event
// names to keep; Where, when not nil, keeps the events it is truthy for
// (expr.Eval's semantics; event properties and the event name only).
type ExportQuery struct {
	ProjectID int64
	From, To  int64
	Events    []string
	Where     expr.Node
}

// ProfileQuery selects profiles of one kind. IDs, when not empty, lists the
// distinct_ids (or group ids) to return; otherwise all, ordered by id, after
// skipping Offset and returning at most Limit (0 = no limit). Where, when
// not nil, keeps the profiles it is truthy for: properties["x"] and
// user["x"] both read the profile's properties.
type ProfileQuery struct {
	ProjectID int64
	Kind      event.ProfileKind
	GroupKey  string
	IDs       []string
	Offset    int
	Limit     int
	Where     expr.Node
}

// Profile is the current state of one user or group profile.
type Profile struct {
	ID         string
	GroupKey   string
	Properties []byte // JSON object, including $last_seen unless never set
}

// FindingQuery selects findings of one project in [From, To) Unix ms; Class,
// when not empty, keeps one class.
type FindingQuery struct {
	ProjectID int64
	From, To  int64
	Class     string
}

// ScanQuery selects the events of one project a rescan reads: time in
// [From, To) Unix ms, name in Events when that is not empty, and, when
// PropsContain is not empty, properties whose JSON text contains one of
// its strings (a cheap prefilter; the scan's pick decides).
type ScanQuery struct {
	ProjectID    int64
	From, To     int64
	Events       []string
	PropsContain []string
}

// DayCount is how many events a ScanQuery selects in one UTC day; Day is
// the day's start, Unix ms.
type DayCount struct {
	Day    int64
	Events int64
}

// Pick inspects one stored event inside a backend's scan. name,
// distinctID and props are borrowed: valid only during the call, never
// retained. A non-nil result selects the event; the backend copies it,
// and it must be valid UTF-8. Pick is called from several goroutines at
// once.
type Pick = func(name, distinctID, props string) (result []byte, err error)

// EventScanner runs Go code over stored events where they are stored, so
// that only what it selects comes back: the guard's rescans (package
// scope). Backends implement it beside Store.
type EventScanner interface {
	// CountByDay returns how many events q selects per UTC day, days in
	// order, days without events left out.
	CountByDay(ctx context.Context, q ScanQuery) ([]DayCount, error)
	// Scan runs pick over every event q selects, concurrently, and then
	// calls fn serially, in no particular order, for each event pick
	// selected, with its time, name, distinct_id and pick's result (valid
	// only during the call). seen, when not nil, is called concurrently
	// with how many events pick has looked at, for progress. Selected
	// events are held until the scan ends: pick should select few. An
	// error from pick stops the scan and is returned wrapped; one from fn
	// is returned as it is.
	Scan(ctx context.Context, q ScanQuery, pick Pick, seen func(n int),
		fn func(t int64, name, distinctID string, result []byte) error) error
}

// Store is the storage backend. All methods are safe for concurrent use.
//
// Lifecycle: open the backend (its own constructor), call methods, then Close
// once. After Close every method returns ErrClosed.
type Store interface {
	// Append stores rows durably and returns only once they are committed:
	// a crash after Append returns loses none of them. Concurrent calls may be
	// combined into one commit (group commit). A row whose InsertID is not
	// empty nor generated (event.Row.GeneratedID) and whose key
	// (ProjectID, Name, DistinctID, Time, InsertID) is
	// already stored, or repeated earlier in rows, is skipped and counted as a
	// duplicate. Either every new row of the call is stored or, with an error,
	// none is.
	Append(ctx context.Context, rows []event.Row) (AppendResult, error)

	// UpdateProfiles applies profile updates in order, durably, with the
	// semantics of package profile (Mixpanel's $set, $set_once, $add...).
	// A people update with MergeFrom first merges MergeFrom's person into
	// ID's (profile.State.Merge; the source profile is deleted); from then
	// on updates and Profiles look-ups by any id of either person reach the
	// one profile, stored under the id it already had. A purge that erases
	// a merged id erases its person and forgets every id linked to it.
	UpdateProfiles(ctx context.Context, updates []event.ProfileRow) error

	// Export streams the events matching q in time order to fn, which must
	// not keep the row after it returns. Memory stays flat for any result
	// size. An error from fn stops the export and is returned.
	Export(ctx context.Context, q ExportQuery, fn func(*event.Row) error) error

	// Profiles streams matching profiles to fn and returns how many profiles
	// matched (Where included) before Offset and Limit were applied.
	Profiles(ctx context.Context, q ProfileQuery, fn func(*Profile) error) (total int, err error)

	// AppendFindings stores guard findings durably (they hold no values).
	AppendFindings(ctx context.Context, fs []event.Finding) error

	// Findings streams findings matching q in time order.
	Findings(ctx context.Context, q FindingQuery, fn func(*event.Finding) error) error

	// Close commits what is pending and releases the backend's files.
	Close() error
}
