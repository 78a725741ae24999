package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/sieve-analytics/sieve/internal/project"
)

// The format-neutral pipeline. A front end (mixpanel.go, posthog.go) decodes
// a request into event.Event and event.ProfileUpdate values and hands each to
// addEvent or addProfile, which resolve the project, apply advisories, run
// the guard and the observer and encode the row, all in memory; commit then
// stores the whole batch. A new wire format is a new front end only.

// batch is the state of one ingestion request.
type batch struct {
	ctx      context.Context // the request's: its log lines carry its id
	now      time.Time
	fixed    *project.Project // set when credentials chose the project (/import)
	projects map[int64]*target
	findings []event.Finding
	parser   *fastjson.Parser
	arena    *fastjson.Arena
	propBuf  []byte
	// counts for metrics: objects dropped by the guard, kept for the store,
	// and, after commit, stored (events and profile updates) and duplicates
	dropped, kept, stored, dups int
}

// target gathers what one request sends to one project.
type target struct {
	p        project.Project
	checker  *guard.Checker
	rows     []event.Row
	profiles []event.ProfileRow
}

// refusalKind says why the pipeline refused an object.
type refusalKind uint8

const (
	refusedToken       refusalKind = iota + 1 // missing or unknown token, or a token of another project
	refusedAdvisory                           // an SDK advisory refuses the event
	refusedUnavailable                        // the project's guard policy cannot be loaded
	refusedInvalid                            // the object cannot be stored as JSON
)

// refusal is why one object was not kept. Field and Message never hold a
// value from the object.
type refusal struct {
	kind    refusalKind
	field   string
	message string
}

func (in *Ingester) newBatch(ctx context.Context) *batch {
	return &batch{ctx: ctx, now: in.now(), projects: map[int64]*target{}}
}

// parserOf returns the batch's parser, taken from the pool on first use.
// Strings of decoded events point into its buffer: it goes back to the pool
// only in release, after commit.
func (in *Ingester) parserOf(b *batch) *fastjson.Parser {
	if b.parser == nil {
		b.parser = in.parsers.Get()
	}
	return b.parser
}

// arenaOf returns the batch's arena, taken from the pool on first use.
func (in *Ingester) arenaOf(b *batch) *fastjson.Arena {
	if b.arena == nil {
		b.arena = in.arenas.Get()
	}
	return b.arena
}

// release returns the batch's parser and arena to their pools; nothing
// decoded from the request may be used afterwards.
func (in *Ingester) release(b *batch) {
	if b.parser != nil {
		in.parsers.Put(b.parser)
		b.parser = nil
	}
	if b.arena != nil {
		b.arena.Reset()
		in.arenas.Put(b.arena)
		b.arena = nil
	}
}

// target returns the project an object is for: the authenticated one when
// credentials chose it, the one whose token the object carries otherwise.
func (in *Ingester) target(b *batch, token string) (*target, *refusal) {
	var p project.Project
	switch {
	case b.fixed != nil:
		if token != "" && token != b.fixed.Token {
			if _, known := in.projects.ByToken(token); known {
				return nil, &refusal{refusedToken, "token", "the token belongs to another project than the credentials"}
			}
		}
		p = *b.fixed
	case token == "":
		return nil, &refusal{refusedToken, "token", "the project token is missing"}
	default:
		var ok bool
		if p, ok = in.projects.ByToken(token); !ok {
			return nil, &refusal{refusedToken, "token", "the project token is not known to this server"}
		}
	}
	if t, ok := b.projects[p.ID]; ok {
		return t, nil
	}
	chk, err := in.guards.Checker(p)
	if err != nil {
		in.log.ErrorContext(b.ctx, "guard unavailable for project", "project_id", p.ID, "err", err)
		return nil, &refusal{refusedUnavailable, "token", "the project's guard policy cannot be loaded; nothing was stored"}
	}
	t := &target{p: p, checker: chk}
	b.projects[p.ID] = t
	return t, nil
}

// addEvent runs one decoded event through the pipeline: project, IP
// removal, advisories, guard, observer, row. dropped is true when the guard
// dropped the event, or failed on it (nothing of it is stored; not a
// refusal).
func (in *Ingester) addEvent(b *batch, ev *event.Event, token string) (dropped bool, r *refusal) {
	t, r := in.target(b, token)
	if r != nil {
		return false, r
	}
	ev.ProjectID = t.p.ID
	if !t.p.Settings.StoreIP {
		// SDKs send "ip" for geolocation; Sieve keeps raw addresses only
		// when the project asks for it.
		ev.Props.Del("ip")
		ev.Props.Del("$ip")
	}
	a := in.arenaOf(b)
	if in.enforcer != nil && in.enforcer.Enforce(ev, a) {
		return false, &refusal{refusedAdvisory, "$lib_version", "events from this SDK version are refused by an advisory; update the SDK"}
	}
	n := len(b.findings)
	var drop bool
	if !in.guardOff.Load() {
		b.findings, drop = t.checker.Event(ev, a, b.findings)
		if !drop && in.profiler != nil {
			b.findings = in.profiler.Check(ev, a, string(t.checker.ActionFor(guard.AnomalousValue)), t.checker.Allowed, b.now, b.findings)
		}
		in.stamp(b, n)
		if in.guardFailed(b, n) {
			return true, nil
		}
	}
	if in.planner != nil && !drop {
		m := len(b.findings)
		b.findings, drop = in.planner.Check(ev, b.findings)
		in.stamp(b, m)
	}
	if in.observer != nil && !in.obsOff.Load() {
		if drop {
			ev.Props = nil
		}
		in.observer.Observe(ev, b.findings[n:], b.now)
	}
	if drop {
		in.Stats.Dropped.Add(1)
		b.dropped++
		return true, nil
	}
	start := len(b.propBuf)
	buf, err := jsontext.AppendValue(b.propBuf, ev.Props)
	if err != nil {
		b.propBuf = buf[:start]
		return false, &refusal{refusedInvalid, "properties", err.Error()}
	}
	b.propBuf = buf
	row := event.Row{
		ProjectID:  t.p.ID,
		Time:       ev.Time,
		Name:       ev.Name,
		DistinctID: ev.DistinctID,
		InsertID:   ev.InsertID,
		// Earlier rows keep the old backing array when propBuf grows.
		Props: b.propBuf[start:len(b.propBuf):len(b.propBuf)],
	}
	if row.InsertID == "" {
		// As Mixpanel does, every stored event gets an $insert_id: export
		// readers rely on it. It is stored, so every export shows the same
		// one, and never de-duplicates (see event.Row.GeneratedID).
		row.InsertID, row.GeneratedID = newInsertID(), true
	}
	t.rows = append(t.rows, row)
	return false, nil
}

// addProfile runs one decoded profile update through the pipeline:
// project, guard, row.
func (in *Ingester) addProfile(b *batch, u *event.ProfileUpdate, token string) *refusal {
	t, r := in.target(b, token)
	if r != nil {
		return r
	}
	u.ProjectID = t.p.ID
	n := len(b.findings)
	var drop bool
	if !in.guardOff.Load() {
		from := u.MergeFrom
		b.findings, drop = t.checker.Profile(u, in.arenaOf(b), b.findings)
		in.stamp(b, n)
		if in.guardFailed(b, n) {
			return nil
		}
		if u.MergeFrom != from {
			// The guard judged the merge source a secret: a redacted id
			// would join unrelated persons, so no merge is made.
			u.MergeFrom = ""
		}
	}
	if drop || len(u.Ops) == 0 && u.MergeFrom == "" {
		in.Stats.Dropped.Add(1)
		b.dropped++
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
		MergeFrom:  u.MergeFrom,
		FromEvent:  u.FromEvent,
	}
	if t.p.Settings.StoreIP {
		row.IP = u.IP
	}
	for _, op := range u.Ops {
		if op.Value == nil {
			row.Ops = append(row.Ops, event.ProfileOpRow{Op: op.Op, Value: []byte("null")})
			continue
		}
		v, err := jsontext.AppendValue(nil, op.Value)
		if err != nil {
			return &refusal{refusedInvalid, op.Op, err.Error()}
		}
		row.Ops = append(row.Ops, event.ProfileOpRow{Op: op.Op, Value: v})
	}
	t.profiles = append(t.profiles, row)
	return nil
}

// guardFailed reports whether the guard failed on the object whose findings
// start at index n. Such an object was dropped whole, as any object the
// guard drops is (the front end counts it as accepted); the rest of the
// request goes on. Only its guard_error finding is kept: the observers never
// see it, since its name, distinct_id and SDK may not have been judged.
func (in *Ingester) guardFailed(b *batch, n int) bool {
	if !guard.Failed(b.findings[n:]) {
		return false
	}
	in.Stats.GuardErrors.Add(1)
	in.Stats.Dropped.Add(1)
	b.dropped++
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
func (in *Ingester) stamp(b *batch, n int) {
	ms := b.now.UnixMilli()
	for i := n; i < len(b.findings); i++ {
		b.findings[i].Time = ms
	}
}

// commit stores what the batch kept, durably. A failure is logged (never
// with a value) and returned; the front end answers it as transient.
func (in *Ingester) commit(ctx context.Context, b *batch, endpoint string) error {
	err := in.write(ctx, b)
	if !errors.Is(err, context.Canceled) {
		in.failing.Store(err != nil)
		if err != nil {
			in.log.ErrorContext(ctx, "ingest commit failed", "endpoint", endpoint, "err", err)
		}
	}
	return err
}

// observe counts one request's objects by outcome, and its latency, in the
// metrics: rejected is the number of objects the front end refused, err the
// request's failure (its kept objects then count as failed).
func (in *Ingester) observe(endpoint string, b *batch, rejected int, err error, d time.Duration) {
	m := in.metrics
	if m == nil {
		return
	}
	m.Batch(endpoint, d)
	m.Events(endpoint, "rejected", rejected)
	if b == nil {
		return
	}
	m.Events(endpoint, "dropped", b.dropped)
	if err != nil {
		m.Events(endpoint, "failed", b.kept)
		return
	}
	m.Events(endpoint, "stored", b.stored)
	m.Events(endpoint, "duplicate", b.dups)
	for i := range b.findings {
		f := &b.findings[i]
		m.GuardAction(f.Class, f.Detector, f.Action)
	}
}

// write stores findings, events and profiles durably, in that order: a
// finding never waits on the data it describes.
func (in *Ingester) write(ctx context.Context, b *batch) error {
	for _, t := range b.projects {
		b.kept += len(t.rows) + len(t.profiles)
		if in.admit != nil && len(t.rows)+len(t.profiles) > 0 {
			if err := in.admit(t.p.ID); err != nil {
				return err
			}
		}
	}
	if len(b.findings) > 0 {
		t := time.Now()
		if in.findingSink != nil {
			if err := in.findingSink(b.findings); err != nil {
				return err
			}
		}
		if err := in.store.AppendFindings(ctx, b.findings); err != nil {
			return err
		}
		in.metrics.Commit("findings", time.Since(t))
		in.Stats.Findings.Add(int64(len(b.findings)))
	}
	var rows, onlyRows []event.Row
	var profiles, onlyProfiles []event.ProfileRow
	for _, t := range b.projects {
		if in.storedSink != nil && in.forwardOnly != nil && in.forwardOnly(t.p.ID) {
			// Forward-only: the outbox alone holds them until delivered.
			onlyRows = append(onlyRows, t.rows...)
			onlyProfiles = append(onlyProfiles, t.profiles...)
			continue
		}
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
		b.stored, b.dups = res.Stored, res.Duplicates
		in.Stats.Events.Add(int64(res.Stored))
		in.Stats.Dups.Add(int64(res.Duplicates))
	}
	if len(profiles) > 0 {
		t := time.Now()
		if err := in.store.UpdateProfiles(ctx, profiles); err != nil {
			return err
		}
		in.metrics.Commit("profiles", time.Since(t))
		b.stored += len(profiles)
		in.Stats.Profiles.Add(int64(len(profiles)))
	}
	if len(onlyRows)+len(onlyProfiles) > 0 {
		rows, profiles = append(rows, onlyRows...), append(profiles, onlyProfiles...)
		b.stored += len(onlyRows) + len(onlyProfiles)
		in.Stats.Events.Add(int64(len(onlyRows)))
		in.Stats.Profiles.Add(int64(len(onlyProfiles)))
	}
	if in.storedSink != nil && len(rows)+len(profiles) > 0 {
		// After the store's commits: what is handed on is what was stored
		// (or, forward-only, what would have been).
		if err := in.storedSink(rows, profiles); err != nil {
			return err
		}
	}
	return nil
}
