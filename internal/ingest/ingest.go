// Package ingest holds the HTTP front ends of ingestion, one per wire format,
// over one format-neutral pipeline (pipeline.go):
//
//   - mixpanel.go: /track, /engage, /groups and /import (package wire/mixpanel);
//   - posthog.go: /e/, /i/v0/e/, /batch/, /capture/, PostHog's /track/ and
//     /engage/, the refused /s/, /flags/ and /decide/, and the remote config
//     (package wire/posthog).
//
// A front end decodes a request into event.Event and event.ProfileUpdate
// values; the pipeline resolves each one's project, applies SDK advisories,
// runs the guard, lets the observer (lexicon, SDK fleet, alerts) see the
// result and encodes rows, in memory; the batch is then stored, and the
// client answered only once its data is durable. The guard runs before the
// first durable write: nothing from an event reaches the store, a log line or
// an error message before it. A third wire format is a new front end only.
//
// ingest must not import api or server.
package ingest

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/metrics"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Stats are counters since start, safe to read at any time.
type Stats struct {
	Requests atomic.Int64
	Events   atomic.Int64 // events stored
	Dups     atomic.Int64 // events skipped as duplicates
	Profiles atomic.Int64 // profile updates applied
	Rejected atomic.Int64 // objects refused with a record error
	Dropped  atomic.Int64 // events and updates dropped by the guard ($ignore not counted)
	Findings atomic.Int64
	// GuardErrors counts events and updates discarded because the guard
	// failed on them (counted in Dropped too; see guard.GuardError).
	GuardErrors atomic.Int64
}

// Ingester serves the ingestion endpoints.
type Ingester struct {
	log      *slog.Logger
	projects *project.Registry
	auth     auth.Authenticator
	store    store.Store
	guards   *guardcache.Cache
	now      func() time.Time

	guardOff atomic.Bool // benchmarks only: see SetGuardEnabled

	enforcer Enforcer    // SDK advisories, before the guard; may be nil
	observer Observer    // lexicon, fleet, alerts, after the guard; may be nil
	profiler Profiler    // value shapes per path, after the guard; may be nil
	obsOff   atomic.Bool // benchmarks only: see SetObserversEnabled

	findingSink func([]event.Finding) error                 // see SetFindingSink
	planner     Planner                                     // see SetPlanner
	storedSink  func([]event.Row, []event.ProfileRow) error // see SetStoredSink
	forwardOnly func(project int64) bool                    // see SetForwardOnly
	admit       func(project int64) error                   // see SetAdmit

	denied  func(r *http.Request, endpoint string, status int) // see SetDeniedHook
	metrics *metrics.Metrics                                   // may be nil
	failing atomic.Bool                                        // the last commit failed

	parsers fastjson.ParserPool
	arenas  fastjson.ArenaPool

	// cpu holds one token per request running the pipeline's CPU-bound part
	// (parse, guard, observers, encoding), at most GOMAXPROCS at a time;
	// see decodeSlot.
	cpu chan struct{}

	Stats Stats
}

// New returns an Ingester writing into st.
func New(log *slog.Logger, reg *project.Registry, st store.Store, guards *guardcache.Cache) *Ingester {
	return &Ingester{
		log:      log.With("component", "ingest"),
		projects: reg,
		auth:     auth.Authenticator{Projects: reg},
		store:    st,
		guards:   guards,
		now:      time.Now,
		cpu:      make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
}

// decodeSlot waits until fewer than GOMAXPROCS requests run the pipeline's
// CPU-bound part, and returns the function that frees the slot. A request
// takes a slot once its body is read (a slow client holds none) and frees
// it before its commit.
//
// Without the limit, the Go scheduler time-slices every request at once:
// the callers a group commit released all decode side by side, finish
// together, and the store's single writer sits idle meanwhile, then commits
// them as one group while the CPU waits on its fsync (docs/PERFORMANCE.md,
// "Group commit under concurrency"). With it, requests finish decoding one
// after another and reach the writer while it commits the previous ones,
// and the writer goroutine, when it returns from DuckDB, waits behind at
// most GOMAXPROCS runnable requests for a thread.
func (in *Ingester) decodeSlot(ctx context.Context) (release func(), err error) {
	select {
	case in.cpu <- struct{}{}:
		return func() { <-in.cpu }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// SetGuardEnabled turns the guard off or on. It exists only so that
// `sieve bench` can measure the guard's cost in one run; nothing else calls
// it, and a server always starts with the guard on.
func (in *Ingester) SetGuardEnabled(on bool) { in.guardOff.Store(!on) }

// Enforcer applies SDK advisories to an event before the guard, in place.
// reject means the event must be refused and nothing of it stored.
type Enforcer interface {
	Enforce(ev *event.Event, a *fastjson.Arena) (reject bool)
}

// Observer sees every event after the guard: the guarded tree (nil when the
// event was dropped) and its findings, metadata only. It must not keep ev,
// its tree or the findings slice, and must be cheap (in memory).
type Observer interface {
	Observe(ev *event.Event, findings []event.Finding, now time.Time)
}

// Profiler learns the shape of the values of every property path after the
// guard and reports, as findings of class guard.AnomalousValue, values
// unlike anything their path held, applying act (the project's action for
// that class) in place, except at paths allowed lists. It must be cheap and
// keep no value.
type Profiler interface {
	Check(ev *event.Event, a *fastjson.Arena, act string, allowed func(path string) bool, now time.Time, dst []event.Finding) []event.Finding
}

// SetHooks installs the advisory enforcer and the observer (either may be
// nil). Call it before serving.
func (in *Ingester) SetHooks(e Enforcer, o Observer) { in.enforcer, in.observer = e, o }

// Planner checks an event against its project's tracking plan after the
// guard (package plan): it appends violations to fs, may remove unplanned
// properties from ev.Props, and reports whether to drop the event.
type Planner interface {
	Check(ev *event.Event, fs []event.Finding) ([]event.Finding, bool)
}

// SetPlanner installs the tracking plans (nil: none). Call it before serving.
func (in *Ingester) SetPlanner(p Planner) { in.planner = p }

// SetFindingSink installs fn, called with a batch's findings before they
// are stored (the findings stream for SIEM consumers); its error fails the
// batch, so a stored finding is always in the stream too. Call it before
// serving.
func (in *Ingester) SetFindingSink(fn func([]event.Finding) error) { in.findingSink = fn }

// SetStoredSink sets where the events and profile updates of a request go
// once the store has committed them (the forwarding outbox): exactly the
// rows stored, after the guard, before the client is answered. An error
// fails the request as a store failure would (the client retries).
func (in *Ingester) SetStoredSink(fn func([]event.Row, []event.ProfileRow) error) { in.storedSink = fn }

// SetForwardOnly sets which projects forward without storing: their
// events and profile updates skip the store and go to the stored sink
// alone (docs/FORWARDING.md, forward-only mode). Without a stored sink it
// has no effect.
func (in *Ingester) SetForwardOnly(fn func(project int64) bool) { in.forwardOnly = fn }

// SetAdmit sets a check run for every project of a request before anything
// of it is stored (the forwarding outbox's bound): an error fails the
// request as a store failure would (503 with Retry-After).
func (in *Ingester) SetAdmit(fn func(project int64) error) { in.admit = fn }

// SetProfiler installs the value-shape profiler (nil: none). It runs with
// the guard. Call it before serving.
func (in *Ingester) SetProfiler(p Profiler) { in.profiler = p }

// SetObserversEnabled turns the observer off or on; like SetGuardEnabled it
// exists only for `sieve bench`.
func (in *Ingester) SetObserversEnabled(on bool) { in.obsOff.Store(!on) }

// SetDeniedHook installs fn, called for every request refused for its
// credentials or token (the audit log records denied attempts). fn must
// not block and must not record the credentials. Call it before serving.
func (in *Ingester) SetDeniedHook(fn func(r *http.Request, endpoint string, status int)) {
	in.denied = fn
}

// Failing reports whether the last commit to the store failed: the server
// is then not ready (GET /readyz) until one succeeds.
func (in *Ingester) Failing() bool { return in.failing.Load() }

// SetMetrics makes the ingester count events by endpoint and outcome,
// request and commit latency and guard actions in m. Call it before
// serving.
func (in *Ingester) SetMetrics(m *metrics.Metrics) { in.metrics = m }
