// Package rowengine answers any query of package query over a stream of
// event rows, for a backend that cannot evaluate filters, property
// breakdowns, numeric maths, funnels or retention itself (the ClickHouse
// store: its 18.16 JSON readers need property names in the statement text,
// which Sieve never puts there). The backend pushes down what needs no
// property — project, read range, event names (Events), one copy of each
// stored row, each event's user — and streams the rows to an Engine,
// grouped by user.
//
// The engine keeps per-user state only while a user's rows arrive (funnels,
// retention, addiction run on one user's events at a time) and per-group
// aggregates for trends; it decodes an event's properties only when the
// query reads them. It follows the semantics of package query exactly; it
// shares no code with the reference evaluator (query/reference), against
// which its tests compare it.
//
// rowengine must not import store, api, server, ingest or query/reference.
package rowengine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// Row is one event as the engine reads it.
type Row struct {
	Time  int64  // Unix ms
	Name  string // the event's name
	User  string // the event's user (package query's identity rule), resolved by the backend
	Props []byte // the event's properties, a JSON object; the engine copies what it keeps
}

// Profiles returns the profile properties (a JSON object) of a user, nil
// when the user has none.
type Profiles func(user string) []byte

// Engine evaluates one validated query over rows. Add the rows of one user
// together (users in any order, a user's rows in any order; trends only:
// rows in any order, see NeedsUserOrder), then call Result.
type Engine struct {
	q        *query.Query
	loc      *time.Location
	profiles Profiles
	global   expr.Node
	start    int64 // the query range
	end      int64
	readEnd  int64
	bk       *query.Buckets
	decode   bool            // the query reads event properties (needed is not empty)
	needed   map[string]bool // the event properties it reads
	parser   fastjson.Parser
	tuples   bool      // the query has a breakdown
	bins     *binState // funnel and retention: binned breakdown ranges (nil: none)

	cur  string // the user whose rows are buffered
	has  bool
	buf  []ev
	prof map[string]any // cur's profile, decoded
	pdec bool

	users map[string]int32 // user ids, interned

	limit    int64 // memory budget in bytes (0: none)
	held     int64 // approximate bytes of the aggregates
	buffered int64 // approximate bytes of the current user's events

	trends    *trendsState
	funnel    *funnelState
	retention *retentionState
	addiction *addictionState
}

// ev is one buffered event of the current user.
type ev struct {
	time  int64
	name  string
	props map[string]any // json.Number for numbers; nil until decoded
	tuple []string       // breakdown values (not binned)
	mask  uint64         // funnel steps (retention: 1 start, 2 return) it matches
	xmask uint64         // funnel exclusions it matches
	rank  int            // lowest funnel step matched, len(steps) for none
}

// New returns an engine for q (validated) on project p. profiles may be
// nil when q.ReadsProfiles() is false.
func New(q *query.Query, p query.Project, profiles Profiles) *Engine {
	loc := p.Loc()
	e := &Engine{q: q, loc: loc, profiles: profiles, global: q.GlobalNode(), users: map[string]int32{}}
	e.start, e.end = q.Range(loc)
	_, e.readEnd = q.ReadRange(loc)
	e.bk = query.MakeBuckets(q.Interval, loc, q.From, q.To)
	e.tuples = len(q.Breakdown) > 0
	e.bins = newBinState(q)
	e.needed = eventProperties(q)
	e.decode = len(e.needed) > 0
	switch q.Kind {
	case query.Trends:
		e.trends = newTrends(e)
	case query.Funnels:
		e.funnel = newFunnel(e)
	case query.Retention:
		e.retention = newRetention(e)
	default:
		e.addiction = newAddiction(e)
	}
	return e
}

// Events are the event names whose rows can change q's answer, nil when
// any event's can: a backend may stream only rows of these names. User
// links (package query) come from every event all the same: the backend
// resolves users before it filters by name.
func Events(q *query.Query) []string {
	var out []string
	add := func(s query.Series) bool {
		if s.Event == "" {
			return false
		}
		if !slices.Contains(out, s.Event) {
			out = append(out, s.Event)
		}
		return true
	}
	switch q.Kind {
	case query.Funnels:
		if q.Funnel.Order == query.Strict {
			return nil // any other event breaks a strict funnel
		}
		for _, s := range q.Series {
			add(s)
		}
		for _, x := range q.Funnel.Exclusions {
			add(query.Series{Event: x.Event})
		}
	case query.Retention:
		if !add(q.Retention.Start) || !add(q.Retention.Return) {
			return nil
		}
	default:
		for _, s := range q.Series {
			if !add(s) {
				return nil
			}
		}
	}
	slices.Sort(out)
	return out
}

// Early says which rows before the query range can change q's answer:
// for most queries every row of q.ReadRange (from is the read start,
// names nil: rolling maths read the 29 days before the range); for
// first-time retention, which reads from time 0 to find each user's first
// start event, only rows named names (the start event) before from. A
// backend may leave out the other rows before from.
func Early(q *query.Query, loc *time.Location) (from int64, names []string) {
	readStart, _ := q.ReadRange(loc)
	if q.Kind == query.Retention && q.Retention.Type == query.FirstTime {
		start, _ := q.Range(loc)
		return start, []string{q.Retention.Start.Event}
	}
	return readStart, nil
}

// errProps is the error of stored properties that are not a JSON object;
// it names no value.
var errProps = errors.New("rowengine: stored event properties are not a JSON object")

// NeedsProps reports whether the engine reads the rows' properties; when
// it does not, a backend may send "{}" for each.
func (e *Engine) NeedsProps() bool { return e.decode }

// NeedsUserOrder reports whether the rows must come grouped by user
// (funnels, retention, addiction); trends take rows in any order.
func (e *Engine) NeedsUserOrder() bool { return e.trends == nil }

// NeedsUsers reports whether the engine reads the rows' users: for trends
// counting events or properties without profiles it does not, and a
// backend may send "" for each.
func (e *Engine) NeedsUsers() bool {
	if e.trends == nil || e.q.ReadsProfiles() {
		return true
	}
	for _, s := range e.q.Series {
		if s.Math.NeedsUsers() {
			return true
		}
	}
	return false
}

// SetMemoryLimit sets a budget in bytes (0: none) for what the engine
// holds: the current user's events and the aggregates. Add fails with an
// error wrapping query.ErrMemoryLimit beyond it. The count is an estimate
// (about what the Go runtime allocates for them).
func (e *Engine) SetMemoryLimit(n int64) { e.limit = n }

// errMemory is the error of an engine beyond its budget.
var errMemory = fmt.Errorf("%w (the rows of one user or the aggregates of the query)", query.ErrMemoryLimit)

// hold adds n bytes of aggregates.
func (e *Engine) hold(n int) { e.held += int64(n) }

func (e *Engine) overBudget() bool { return e.limit > 0 && e.held+e.buffered > e.limit }

// Add takes the next row. Rows at or after the end of q's read range are
// ignored.
func (e *Engine) Add(r Row) error {
	if r.Time >= e.readEnd {
		return nil
	}
	if !e.has || r.User != e.cur {
		if err := e.flush(); err != nil {
			return err
		}
		e.cur, e.has = r.User, true
	}
	x := ev{time: r.Time, name: r.Name}
	if e.decode {
		m, err := e.extract(r.Props)
		if err != nil {
			return errProps
		}
		x.props = m
	}
	if e.global != nil && !expr.Truthy(expr.Eval(e.global, e.env(&x))) {
		return nil
	}
	if e.trends != nil {
		// Trends need no user's events together: each event is counted
		// as it arrives.
		if e.tuples {
			x.tuple = e.tuple(&x)
		}
		e.trends.event(e, &x, e.userID())
		if e.overBudget() {
			return errMemory
		}
		return nil
	}
	e.buf = append(e.buf, x)
	// An event, its name and decoded properties (maps cost about three
	// times their JSON text).
	e.buffered += 96 + int64(len(r.Name))
	for k, v := range x.props {
		e.buffered += 48 + int64(len(k))
		if s, ok := v.(string); ok {
			e.buffered += int64(len(s))
		}
	}
	if e.overBudget() {
		return errMemory
	}
	return nil
}

// eventProperties are the event properties q reads (breakdowns, numeric
// maths, filters, where and expressions): the only ones Add decodes.
func eventProperties(q *query.Query) map[string]bool {
	out := map[string]bool{}
	nodes := []expr.Node{q.GlobalNode()}
	for _, b := range q.Breakdown {
		switch {
		case b.Expr != nil:
			nodes = append(nodes, b.Expr)
		case b.Scope == "" || b.Scope == "event":
			out[b.Name] = true
		}
	}
	for _, s := range q.Series {
		if s.Property != "" {
			out[s.Property] = true
		}
		nodes = append(nodes, query.Node(s.Filter))
	}
	if q.Funnel != nil {
		for _, x := range q.Funnel.Exclusions {
			nodes = append(nodes, query.Node(x.Filter))
		}
	}
	if q.Retention != nil {
		nodes = append(nodes, query.Node(q.Retention.Start.Filter), query.Node(q.Retention.Return.Filter))
	}
	for _, n := range nodes {
		if n == nil {
			continue
		}
		for _, p := range expr.Props(n) {
			if p.Scope != expr.UserScope {
				out[p.Name] = true
			}
		}
	}
	return out
}

// extract decodes the properties of a JSON object that the query reads
// (e.needed), as decodeObject would: a key given twice at the top level
// keeps its first value (expr.DecodeProps), numbers are json.Number.
func (e *Engine) extract(b []byte) (map[string]any, error) {
	v, err := e.parser.ParseBytes(b)
	if err != nil {
		return nil, err
	}
	o, err := v.Object()
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if len(e.needed) == 0 {
		return m, nil
	}
	o.Visit(func(k []byte, v *fastjson.Value) {
		if _, seen := m[string(k)]; !seen && e.needed[string(k)] {
			m[string(k)] = native(v)
		}
	})
	return m, nil
}

// native is v as encoding/json decodes it with UseNumber.
func native(v *fastjson.Value) any {
	switch v.Type() {
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNumber:
		return json.Number(v.String())
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse:
		return false
	case fastjson.TypeObject:
		m := map[string]any{}
		o, _ := v.Object()
		o.Visit(func(k []byte, v *fastjson.Value) { m[string(k)] = native(v) })
		return m
	case fastjson.TypeArray:
		a, _ := v.Array()
		out := make([]any, len(a))
		for i, x := range a {
			out[i] = native(x)
		}
		return out
	}
	return nil
}

// decodeObject decodes a JSON object, numbers as json.Number (a breakdown
// value keeps a number's text), a repeated top-level key's first value.
func decodeObject(b []byte) (map[string]any, error) {
	m, err := expr.DecodePropsNumber(b)
	if err != nil {
		return nil, errProps
	}
	return m, nil
}

// profile is the current user's profile properties (nil: none).
func (e *Engine) profile() map[string]any {
	if !e.pdec {
		e.pdec = true
		e.prof = nil
		if e.profiles != nil {
			if b := e.profiles(e.cur); b != nil {
				e.prof, _ = decodeObject(b)
			}
		}
	}
	return e.prof
}

// env is what a filter or expression reads of an event.
type env struct {
	e *Engine
	x *ev
}

func (v env) Event() string { return v.x.name }
func (v env) Prop(name string) (any, bool) {
	p, ok := v.x.props[name]
	return p, ok
}
func (v env) User(name string) (any, bool) {
	p, ok := v.e.profile()[name]
	return p, ok
}

func (e *Engine) env(x *ev) env { return env{e, x} }

func (e *Engine) pass(x *ev, f query.Filter) bool {
	n := query.Node(f)
	return n == nil || expr.Truthy(expr.Eval(n, e.env(x)))
}

func (e *Engine) matches(x *ev, s query.Series) bool {
	return (s.Event == "" || s.Event == x.name) && e.pass(x, s.Filter)
}

// userID interns the current user.
func (e *Engine) userID() int32 {
	id, ok := e.users[e.cur]
	if !ok {
		id = int32(len(e.users))
		e.users[e.cur] = id
		e.hold(48 + len(e.cur))
	}
	return id
}

// flush evaluates the buffered user's events.
func (e *Engine) flush() error {
	if !e.has {
		return nil
	}
	if len(e.buf) > 0 {
		if e.tuples {
			for i := range e.buf {
				e.buf[i].tuple = e.tuple(&e.buf[i])
				if e.bins != nil {
					e.bins.observe(e, &e.buf[i])
				}
			}
		}
		switch {
		case e.funnel != nil:
			e.funnel.user(e)
		case e.retention != nil:
			e.retention.user(e)
		default:
			e.addiction.user(e)
		}
	}
	clear(e.buf)
	e.buf = e.buf[:0]
	e.buffered = 0
	e.pdec, e.prof = false, nil
	if e.overBudget() {
		return errMemory
	}
	return nil
}

// Result finishes the stream and returns the answer.
func (e *Engine) Result() (*query.Result, error) {
	if err := e.flush(); err != nil {
		return nil, err
	}
	e.has = false
	switch {
	case e.trends != nil:
		return &query.Result{Trends: e.trends.result(e)}, nil
	case e.funnel != nil:
		return &query.Result{Funnel: e.funnel.result(e)}, nil
	case e.retention != nil:
		return &query.Result{Retention: e.retention.result(e)}, nil
	}
	return &query.Result{Addiction: e.addiction.result(e)}, nil
}

// groupTuple is the tuple x's user is counted under: x.tuple, or its
// pre-tuple when the query bins (binned at the end, see binState).
func (e *Engine) groupTuple(x *ev) []string {
	if e.bins != nil {
		return preTuple(e.q, x)
	}
	return x.tuple
}

// tuple is x's breakdown values (binned properties not binned yet).
func (e *Engine) tuple(x *ev) []string {
	t := make([]string, len(e.q.Breakdown))
	for i, p := range e.q.Breakdown {
		switch {
		case p.Expr != nil:
			var ok bool
			if t[i], ok = expr.StringOf(expr.Eval(p.Expr, e.env(x))); !ok {
				t[i] = query.None
			}
		case p.Scope == query.ScopeEventName:
			t[i] = x.name
		case p.Scope == query.ScopeUser:
			t[i] = value(e.profile(), p.Name)
		default:
			t[i] = value(x.props, p.Name)
		}
	}
	return t
}

// value is a property as a breakdown value.
func value(props map[string]any, k string) string {
	switch v := props[k].(type) {
	case nil:
		return query.None
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// number is a numeric property, if it is a JSON number.
func number(props map[string]any, k string) (float64, bool) {
	n, ok := props[k].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// bucket is the index of the bucket holding t (t in the range).
func (e *Engine) bucket(t int64) int {
	return sort.Search(len(e.bk.Starts), func(i int) bool { return e.bk.Starts[i] > t }) - 1
}

// localDate is the local calendar date of t, as a UTC midnight.
func (e *Engine) localDate(t int64) time.Time {
	l := time.UnixMilli(t).In(e.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// sortUser orders the buffered events by time, then by key (ties).
func (e *Engine) sortUser(key func(a, b *ev) int) {
	slices.SortStableFunc(e.buf, func(a, b ev) int {
		if a.time != b.time {
			if a.time < b.time {
				return -1
			}
			return 1
		}
		return key(&a, &b)
	})
}

// tieNameTuple orders events at one instant by name, then breakdown values.
func tieNameTuple(a, b *ev) int {
	if a.name != b.name {
		if a.name < b.name {
			return -1
		}
		return 1
	}
	return slices.Compare(a.tuple, b.tuple)
}

func tupleKey(t []string) string {
	b, _ := json.Marshal(t)
	return string(b)
}
