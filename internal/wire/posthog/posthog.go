// Package posthog decodes PostHog capture requests as the official PostHog
// SDKs send them (posthog-js, current and /decide-era, posthog-node,
// posthog-go, posthog-python) and builds the replies those SDKs expect:
// capture, flags/decide, and the remote config.
//
// The package is pure, like internal/wire/mixpanel: it reads a request's
// query, the headers that matter and its body, turns each event into an
// event.Event plus the profile updates it implies, and builds reply bytes.
// It knows nothing of net/http (the front end in internal/ingest calls it),
// of the guard, or of storage. It must not import net/http nor any other
// Sieve package except internal/event, internal/jsontext and
// internal/wire/inflate and internal/wire/reqerr (gunzip with a size cap,
// request errors: shared with mixpanel).
//
// Every error it returns is safe to show to a client and to log: messages are
// constant sentences that name fields and limits, never bytes of the input.
//
// A request is handled in this order:
//
//  1. ReadPayload turns the request into JSON text: a form's data= field,
//     base64, gzip recognised by its magic bytes whatever the headers say,
//     within the body and decompressed-size limits.
//  2. Decode parses that text (an array of events, a {api_key, batch,
//     sent_at} object, one event, or an unnamed /engage event), resolves the
//     one project token of the request, and hands each event to a callback
//     as an Item: the event and the person and group updates it implies.
//     Any invalid event fails the whole request, as PostHog's capture does.
//  3. CaptureReply, FlagsReply, Config and ConfigJS build the replies.
//
// IsPostHogBody tells a PostHog body from a Mixpanel one on the paths both
// SDK families use (/track, /engage).
package posthog

import "time"

// Endpoint is a group of PostHog capture paths that share limits and rules.
type Endpoint int

// The endpoints.
const (
	// Capture is /e/, /i/v0/e/, /capture/ and /track/ (PostHog's shape).
	Capture Endpoint = iota + 1
	// Batch is /batch/, the server SDKs' endpoint.
	Batch
	// Engage is /engage/: an event without a name becomes $identify.
	Engage
)

// String returns the endpoint's name.
func (e Endpoint) String() string {
	switch e {
	case Capture:
		return "capture"
	case Batch:
		return "batch"
	case Engage:
		return "engage"
	}
	return "unknown"
}

// Limits, PostHog's where PostHog has one. Going over one is answered with a
// clear error and nothing of the request is kept; values are never truncated
// (except distinct_id, which PostHog cuts to MaxDistinctIDChars).
const (
	// MaxBodyBytes is the largest request body as sent on /e/, /capture/,
	// /track/ and /engage/ (PostHog: 2 MiB).
	MaxBodyBytes = 2 << 20
	// MaxBatchBodyBytes is the largest request body as sent on /batch/
	// (PostHog: 20 MiB).
	MaxBatchBodyBytes = 20 << 20
	// MaxPayloadBytes is the largest payload once decompressed and decoded:
	// a gzip bomb stops there.
	MaxPayloadBytes = 20 << 20
	// MaxEventBytes is the largest single event, measured as its compact
	// JSON size (PostHog: Kafka's 1,000,000-byte message limit).
	MaxEventBytes = 1_000_000
	// MaxEvents is the most events one request may hold.
	MaxEvents = 10_000
	// MaxDepth is the deepest nesting of objects and arrays in one event
	// (exception stack frames sit at depth 5).
	MaxDepth = 32
	// MaxDistinctIDChars is where a longer distinct_id is cut, as PostHog does.
	MaxDistinctIDChars = 200
)

// Time rules (PostHog's, see Decode).
const (
	// MaxFuture is how far ahead of the time of receipt an event may lie
	// before its time is replaced by the time of receipt.
	MaxFuture = 23 * time.Hour
	// SkewTolerance is the clock skew below which a timestamp is kept as
	// the client sent it. PostHog corrects every skew; Sieve corrects only
	// larger ones so that a retried event keeps its time, and with it its
	// de-duplication key.
	SkewTolerance = time.Minute
	// minSentAtMillis: query sent_at/_ values from 2020 or before are
	// ignored, as PostHog does (2021-01-01T00:00:00Z).
	minSentAtMillis = 1609459200000
)
