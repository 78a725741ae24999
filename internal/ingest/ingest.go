// Package ingest holds the HTTP handlers of Mixpanel-compatible ingestion:
// /track, /engage, /groups and /import. Each request goes decode (package
// wire/mixpanel) -> authenticate -> guard -> store, in memory, and is answered
// only once its data is durable. The guard runs before the first durable
// write: nothing from an event reaches the store, a log line or an error
// message before it.
//
// ingest must not import api or server.
package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/sieve-analytics/sieve/internal/metrics"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/wire/mixpanel"
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

	denied  func(r *http.Request, endpoint string, status int) // see SetDeniedHook
	metrics *metrics.Metrics                                   // may be nil
	failing atomic.Bool                                        // the last commit failed

	parsers fastjson.ParserPool
	arenas  fastjson.ArenaPool

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

// Track handles /track and /track/.
func (in *Ingester) Track() http.Handler { return in.handler(mixpanel.Track) }

// Import handles /import and /import/.
func (in *Ingester) Import() http.Handler { return in.handler(mixpanel.Import) }

// Engage handles /engage and /engage/.
func (in *Ingester) Engage() http.Handler { return in.handler(mixpanel.Engage) }

// Groups handles /groups and /groups/.
func (in *Ingester) Groups() http.Handler { return in.handler(mixpanel.Groups) }

func (in *Ingester) handler(ep mixpanel.Endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.Stats.Requests.Add(1)
		start := time.Now()
		var req *request
		q := r.URL.Query()
		var opts mixpanel.ReplyOptions
		var out mixpanel.Outcome
		// Reply options may also come from the form body (mixpanel-python
		// sends verbose=1 there), so they are parsed once after decoding
		// merged the body's fields into q, and before anything is stored.
		_, err := mixpanel.ParseReplyOptions(q, ep)
		if err == nil {
			req, out = in.decode(r, ep, q)
			if opts, err = mixpanel.ParseReplyOptions(q, ep); err == nil && out.Err == nil {
				out = in.commit(r.Context(), req)
			}
			in.release(req)
		}
		if err != nil {
			out = mixpanel.Outcome{Err: err}
		}
		if in.denied != nil {
			switch {
			case errors.Is(out.Err, mixpanel.ErrUnauthorized):
				in.denied(r, ep.String(), http.StatusUnauthorized)
			case errors.Is(out.Err, mixpanel.ErrForbidden):
				in.denied(r, ep.String(), http.StatusForbidden)
			}
		}
		in.observe(ep, req, out, time.Since(start))
		reply := mixpanel.Respond(ep, opts, out)
		h := w.Header()
		for k, v := range reply.Header {
			h.Set(k, v)
		}
		h.Set("Content-Type", reply.ContentType)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(reply.Status)
		_, _ = w.Write(reply.Body)
	})
}

// observe counts one request's objects by outcome and its latency.
func (in *Ingester) observe(ep mixpanel.Endpoint, req *request, out mixpanel.Outcome, d time.Duration) {
	m := in.metrics
	if m == nil {
		return
	}
	name := ep.String()
	m.Batch(name, d)
	m.Events(name, "rejected", len(out.Failed))
	if req == nil {
		return
	}
	m.Events(name, "dropped", req.dropped)
	if out.Err != nil {
		m.Events(name, "failed", req.kept)
		return
	}
	m.Events(name, "stored", req.stored)
	m.Events(name, "duplicate", req.dups)
	for i := range req.findings {
		f := &req.findings[i]
		m.GuardAction(f.Class, f.Detector, f.Action)
	}
}

// request is the state of one ingestion request.
type request struct {
	ep       mixpanel.Endpoint
	now      time.Time
	fixed    *project.Project // /import: the project the credentials name
	projects map[int64]*target
	out      mixpanel.Outcome
	findings []event.Finding
	parser   *fastjson.Parser
	arena    *fastjson.Arena
	propBuf  []byte
	// counts for metrics: objects dropped by the guard, kept for the store,
	// and, after commit, stored (events and profile updates) and duplicates
	dropped, kept, stored, dups int
}

// release returns the request's parser and arena to their pools; nothing
// decoded from the request may be used afterwards.
func (in *Ingester) release(req *request) {
	if req.parser != nil {
		in.parsers.Put(req.parser)
		req.parser = nil
	}
	if req.arena != nil {
		req.arena.Reset()
		in.arenas.Put(req.arena)
		req.arena = nil
	}
}

// target gathers what one request sends to one project.
type target struct {
	p        project.Project
	checker  *guard.Checker
	rows     []event.Row
	profiles []event.ProfileRow
}

// decode reads, validates and guards a request in memory. Nothing is
// stored until commit; the parser and arena are released there.
func (in *Ingester) decode(r *http.Request, ep mixpanel.Endpoint, q url.Values) (*request, mixpanel.Outcome) {
	req := &request{ep: ep, now: in.now(), projects: map[int64]*target{}}
	if ep == mixpanel.Import {
		p, err := in.importProject(r)
		if err != nil {
			return req, mixpanel.Outcome{Err: err}
		}
		req.fixed = &p
	}
	var body = r.Body
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		body = nil
	}
	payload, err := mixpanel.ReadPayload(mixpanel.Request{
		Query:           q,
		ContentLength:   r.ContentLength,
		ContentType:     r.Header.Get("Content-Type"),
		ContentEncoding: r.Header.Get("Content-Encoding"),
		Body:            body,
	})
	if err != nil {
		return req, mixpanel.Outcome{Err: err}
	}
	// Strings of decoded events point into the parser's buffer: the parser
	// goes back to the pool only after commit (see release).
	req.parser = in.parsers.Get()
	objs, err := mixpanel.Objects(req.parser, payload)
	if err != nil {
		return req, mixpanel.Outcome{Err: err}
	}
	req.arena = in.arenas.Get()

	tokenFailures := 0
	for i, v := range objs {
		var rerr *mixpanel.RecordError
		switch ep {
		case mixpanel.Track, mixpanel.Import:
			rerr = in.event(req, v)
		case mixpanel.Engage:
			rerr = in.profile(req, v, event.People)
		case mixpanel.Groups:
			rerr = in.profile(req, v, event.Group)
		}
		if rerr != nil {
			if rerr.Field == "token" || rerr.Field == "$token" {
				tokenFailures++
			}
			rerr.Index = i
			req.out.Failed = append(req.out.Failed, *rerr)
			in.Stats.Rejected.Add(1)
		}
	}
	if len(objs) > 0 && tokenFailures == len(objs) {
		return req, mixpanel.Outcome{Err: mixpanel.ErrUnauthorized}
	}
	return req, req.out
}

// importProject authenticates an /import request: Basic auth with the
// project's API secret or token (empty password), or a service account with
// ?project_id=. Bad credentials are ErrUnauthorized (401), valid ones
// without the right to the project ErrForbidden (403).
func (in *Ingester) importProject(r *http.Request) (project.Project, error) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return project.Project{}, mixpanel.ErrUnauthorized
	}
	who, err := in.auth.Basic(user, pass)
	if err != nil {
		return project.Project{}, mixpanel.ErrUnauthorized
	}
	id := who.ProjectID
	if s := r.URL.Query().Get("project_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return project.Project{}, mixpanel.ErrUnauthorized
		}
		id = n
	}
	// Valid credentials without the right to this project: 403.
	if id == 0 || !who.Can(auth.Ingest, id) {
		return project.Project{}, mixpanel.ErrForbidden
	}
	p, err := in.projects.Get(id)
	if err != nil {
		return project.Project{}, mixpanel.ErrForbidden
	}
	return p, nil
}

// target returns the project an object is for: the authenticated one on
// /import, the one whose token the object carries elsewhere.
func (in *Ingester) target(req *request, token string) (*target, *mixpanel.RecordError) {
	var p project.Project
	switch {
	case req.fixed != nil:
		if token != "" && token != req.fixed.Token {
			if _, known := in.projects.ByToken(token); known {
				return nil, &mixpanel.RecordError{Field: "token", Message: "the token belongs to another project than the credentials"}
			}
		}
		p = *req.fixed
	case token == "":
		return nil, &mixpanel.RecordError{Field: "token", Message: "the project token is missing"}
	default:
		var ok bool
		if p, ok = in.projects.ByToken(token); !ok {
			return nil, &mixpanel.RecordError{Field: "token", Message: "the project token is not known to this server"}
		}
	}
	if t, ok := req.projects[p.ID]; ok {
		return t, nil
	}
	chk, err := in.guards.Checker(p)
	if err != nil {
		in.log.Error("guard unavailable for project", "project_id", p.ID, "err", err)
		return nil, &mixpanel.RecordError{Field: "token", Message: "the project's guard policy cannot be loaded; nothing was stored"}
	}
	t := &target{p: p, checker: chk}
	req.projects[p.ID] = t
	return t, nil
}

func (in *Ingester) event(req *request, v *fastjson.Value) *mixpanel.RecordError {
	ev, token, ignored, rerr := mixpanel.DecodeEvent(v, mixpanel.Options{Endpoint: req.ep, Now: req.now})
	if rerr != nil {
		return rerr
	}
	if ignored {
		req.out.Accepted++
		return nil
	}
	t, rerr := in.target(req, token)
	if rerr != nil {
		return rerr
	}
	ev.ProjectID = t.p.ID
	if !t.p.Settings.StoreIP {
		// Mixpanel reads "ip" for geolocation and does not keep it; Sieve
		// keeps raw addresses only when the project asks for it.
		ev.Props.Del("ip")
		ev.Props.Del("$ip")
	}
	if in.enforcer != nil && in.enforcer.Enforce(&ev, req.arena) {
		return &mixpanel.RecordError{Field: "$lib_version", Message: "events from this SDK version are refused by an advisory; update the SDK"}
	}
	n := len(req.findings)
	var drop bool
	if !in.guardOff.Load() {
		req.findings, drop = t.checker.Event(&ev, req.arena, req.findings)
		if !drop && in.profiler != nil {
			req.findings = in.profiler.Check(&ev, req.arena, string(t.checker.ActionFor(guard.AnomalousValue)), t.checker.Allowed, req.now, req.findings)
		}
		in.stamp(req, n)
		if in.guardFailed(req, n) {
			return nil
		}
	}
	if in.observer != nil && !in.obsOff.Load() {
		if drop {
			ev.Props = nil
		}
		in.observer.Observe(&ev, req.findings[n:], req.now)
	}
	if drop {
		in.Stats.Dropped.Add(1)
		req.dropped++
		req.out.Accepted++
		return nil
	}
	start := len(req.propBuf)
	buf, err := jsontext.AppendValue(req.propBuf, ev.Props)
	if err != nil {
		req.propBuf = buf[:start]
		return &mixpanel.RecordError{Field: "properties", Message: err.Error()}
	}
	req.propBuf = buf
	row := event.Row{
		ProjectID:  t.p.ID,
		Time:       ev.Time,
		Name:       ev.Name,
		DistinctID: ev.DistinctID,
		InsertID:   ev.InsertID,
		// Earlier rows keep the old backing array when propBuf grows.
		Props: req.propBuf[start:len(req.propBuf):len(req.propBuf)],
	}
	if row.InsertID == "" {
		// As Mixpanel does, every stored event gets an $insert_id: export
		// readers rely on it. It is stored, so every export shows the same
		// one, and never de-duplicates (see event.Row.GeneratedID).
		row.InsertID, row.GeneratedID = newInsertID(), true
	}
	t.rows = append(t.rows, row)
	req.out.Accepted++
	return nil
}

func (in *Ingester) profile(req *request, v *fastjson.Value, kind event.ProfileKind) *mixpanel.RecordError {
	u, token, rerr := mixpanel.DecodeProfile(v, kind, mixpanel.Options{Endpoint: req.ep, Now: req.now})
	if rerr != nil {
		return rerr
	}
	t, rerr := in.target(req, token)
	if rerr != nil {
		return rerr
	}
	u.ProjectID = t.p.ID
	n := len(req.findings)
	var drop bool
	if !in.guardOff.Load() {
		req.findings, drop = t.checker.Profile(&u, req.arena, req.findings)
		in.stamp(req, n)
		if in.guardFailed(req, n) {
			return nil
		}
	}
	if drop {
		in.Stats.Dropped.Add(1)
		req.dropped++
		req.out.Accepted++
		return nil
	}
	row := event.ProfileRow{
		ProjectID:  t.p.ID,
		Kind:       u.Kind,
		GroupKey:   u.GroupKey,
		ID:         u.ID,
		Time:       u.Time,
		IgnoreTime: u.IgnoreTime,
		Ops:        make([]event.ProfileOpRow, 0, len(u.Ops)),
	}
	if t.p.Settings.StoreIP {
		row.IP = u.IP
	}
	for _, op := range u.Ops {
		if op.Value == nil {
			row.Ops = append(row.Ops, event.ProfileOpRow{Op: op.Op, Value: []byte("null")})
			continue
		}
		b, err := jsontext.AppendValue(nil, op.Value)
		if err != nil {
			return &mixpanel.RecordError{Field: op.Op, Message: err.Error()}
		}
		row.Ops = append(row.Ops, event.ProfileOpRow{Op: op.Op, Value: b})
	}
	t.profiles = append(t.profiles, row)
	req.out.Accepted++
	return nil
}

// guardFailed reports whether the guard failed on the object whose findings
// start at index n. Such an object was dropped whole and is counted as
// accepted, as any object the guard drops is; the rest of the request goes
// on. Only its guard_error finding is kept: the observers never see it,
// since its name, distinct_id and SDK may not have been judged.
func (in *Ingester) guardFailed(req *request, n int) bool {
	if !guard.Failed(req.findings[n:]) {
		return false
	}
	in.Stats.GuardErrors.Add(1)
	in.Stats.Dropped.Add(1)
	req.dropped++
	req.out.Accepted++
	return true
}

// newInsertID returns a generated $insert_id: 32 hex digits of 128 random
// bits, a valid $insert_id that no other event shares.
func newInsertID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// stamp sets the time of the findings appended since index n.
func (in *Ingester) stamp(req *request, n int) {
	ms := req.now.UnixMilli()
	for i := n; i < len(req.findings); i++ {
		req.findings[i].Time = ms
	}
}

// commit stores what decode kept and returns the outcome to answer.
func (in *Ingester) commit(ctx context.Context, req *request) mixpanel.Outcome {
	err := in.write(ctx, req)
	if !errors.Is(err, context.Canceled) {
		in.failing.Store(err != nil)
	}
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			in.log.ErrorContext(ctx, "ingest commit failed", "endpoint", req.ep.String(), "err", err)
		}
		return mixpanel.Outcome{Err: mixpanel.ErrUnavailable, Failed: req.out.Failed}
	}
	return req.out
}

// write stores findings, events and profiles durably, in that order: a
// finding never waits on the data it describes.
func (in *Ingester) write(ctx context.Context, req *request) error {
	for _, t := range req.projects {
		req.kept += len(t.rows) + len(t.profiles)
	}
	if len(req.findings) > 0 {
		t := time.Now()
		if err := in.store.AppendFindings(ctx, req.findings); err != nil {
			return err
		}
		in.metrics.Commit("findings", time.Since(t))
		in.Stats.Findings.Add(int64(len(req.findings)))
	}
	var rows []event.Row
	var profiles []event.ProfileRow
	for _, t := range req.projects {
		rows = append(rows, t.rows...)
		profiles = append(profiles, t.profiles...)
	}
	if len(rows) > 0 {
		t := time.Now()
		res, err := in.store.Append(ctx, rows)
		if err != nil {
			return err
		}
		in.metrics.Commit("events", time.Since(t))
		req.stored, req.dups = res.Stored, res.Duplicates
		in.Stats.Events.Add(int64(res.Stored))
		in.Stats.Dups.Add(int64(res.Duplicates))
	}
	if len(profiles) > 0 {
		t := time.Now()
		if err := in.store.UpdateProfiles(ctx, profiles); err != nil {
			return err
		}
		in.metrics.Commit("profiles", time.Since(t))
		req.stored += len(profiles)
		in.Stats.Profiles.Add(int64(len(profiles)))
	}
	return nil
}
