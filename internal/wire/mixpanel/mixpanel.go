// Package mixpanel decodes Mixpanel ingestion requests exactly as the
// official Mixpanel SDKs send them (/track, /engage, /groups, /import) and
// encodes the replies those SDKs expect.
//
// The package is pure: it reads a request's query, headers that matter and
// body, turns the payload into event.Event and event.ProfileUpdate values,
// and builds reply bytes. It knows nothing of net/http (the HTTP handlers in
// internal/ingest call it), of the guard, or of storage. It must not import
// net/http nor any other Sieve package except internal/event, internal/jsontext
// internal/wire/inflate and internal/wire/reqerr (gunzip with a size cap,
// request errors: shared with posthog).
//
// Every error it returns is safe to show to a client and to log: messages are
// constant sentences that name fields and limits, never bytes of the input.
//
// A request is handled in this order:
//
//  1. ReadPayload turns the request into JSON text (query or form data=,
//     base64 or raw JSON, gzip, CESU-8 repair, UTF-8 check, size limit).
//  2. Objects parses that text into its objects (one, an array, or NDJSON).
//  3. DecodeEvent or DecodeProfile validates each object; a failure is a
//     RecordError for that object only.
//  4. Respond builds the reply from the Outcome, shaped by ReplyOptions.
package mixpanel

import "time"

// Endpoint is one of Mixpanel's ingestion endpoints.
type Endpoint int

// The ingestion endpoints.
const (
	Track Endpoint = iota + 1
	Engage
	Groups
	Import
)

// String returns the endpoint's path name without slashes.
func (e Endpoint) String() string {
	switch e {
	case Track:
		return "track"
	case Engage:
		return "engage"
	case Groups:
		return "groups"
	case Import:
		return "import"
	}
	return "unknown"
}

// Limits. They are Mixpanel's documented limits; going over one is answered
// with a clear error and nothing of the request (or of the record) is kept.
// Values are never truncated.
const (
	// MaxObjects is the most events or profile updates one request may hold.
	MaxObjects = 2000
	// MaxRequestBytes is the largest request payload, measured uncompressed
	// (after gzip, before base64 decoding).
	MaxRequestBytes = 10 << 20
	// MaxObjectBytes is the largest single event or profile update, measured
	// as the size of its compact JSON encoding (see DecodeEvent).
	MaxObjectBytes = 1 << 20
	// MaxProperties is the most properties one event may carry, counting the
	// reserved ones (token, distinct_id, time, $insert_id...).
	MaxProperties = 255
	// MaxDepth is the deepest nesting of objects and arrays inside one
	// property value: a scalar has depth 0, {"a":1} or [1] depth 1.
	MaxDepth = 3
	// MaxElements is the most elements an array, or keys an object, nested
	// inside a property value may hold.
	MaxElements = 255
	// MaxInsertIDBytes is the longest $insert_id.
	MaxInsertIDBytes = 36
	// MaxNameBytes is the longest event name, property name (at any depth,
	// and in $unset), distinct_id, group key and group id, as Mixpanel's
	// 255. A longer one is an error of its record: nothing of it is stored.
	MaxNameBytes = 255
)

// Time rules.
const (
	// TrackWindow is how old an event sent to /track may be.
	TrackWindow = 5 * 24 * time.Hour
	// MaxFuture is how far in the future an event time may lie.
	MaxFuture = time.Hour
	// MinTimeMillis is 1971-01-01T00:00:00Z, the earliest time accepted.
	MinTimeMillis = 31536000 * 1000
	// MillisThreshold decides the unit of a time value: below it the value
	// is seconds, at or above it milliseconds. 1e11 seconds is in the year
	// 5138; 1e11 milliseconds is 1973-03-03.
	MillisThreshold = 1e11
)
