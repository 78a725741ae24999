// Package query holds Sieve's backend-neutral analytics query model: the
// query document (trends, funnels, retention), its validation, its exact
// semantics, the result types and the Backend interface a store implements
// to answer it. docs/QUERIES.md is the user-facing description; the
// definitions below are the contract every backend and the reference
// evaluator (query/reference) follow, checked by query/querytest.
//
// # Users
//
// Unique users follow Mixpanel's simplified ID merge. An event's user is its
// "$user_id" property when that is a non-empty string. Otherwise take its
// device: "$device_id" when a non-empty string, else distinct_id; if the
// device is linked to a user, the user is that link's target, else the device
// itself. Links come from the project's events up to the end of the query
// range: an "$identify" event links "$anon_distinct_id" to "$identified_id"
// (or to its distinct_id when "$identified_id" is absent), a "$create_alias"
// or "$merge_dangerously" event links its "alias" to its distinct_id (the
// alias calls of Mixpanel's and PostHog's SDKs), and any event with
// both "$device_id" and "$user_id" links the device to the user. A device
// linked more than once keeps its earliest link (ties: the smallest user).
// Links are not followed transitively.
//
// # Profiles
//
// A user["x"] filter (scope "user") or a breakdown of scope "user" reads
// property x of the profile whose id is the event's user (the rule above),
// as the profile is when the query runs; an event whose user has no
// profile, or whose profile lacks x, reads x as absent. So the anonymous
// events of a device later linked to a user read that user's profile.
//
// # Time
//
// Dates are yyyy-mm-dd in the project's IANA time zone; a range covers local
// midnight of From up to local midnight after To. Day, week (Monday first)
// and month buckets are local calendar periods, so a DST day has 23 or 25
// hours; hour buckets are consecutive hours of absolute time from local
// midnight of From, labelled with their local start and offset.
//
// # Property values
//
// A property is read from an event's JSON properties by its top-level name.
// As a breakdown value it is the string itself for a JSON string, the JSON
// text for a number or boolean, and "(none)" when absent or null. A numeric
// aggregate reads JSON numbers only; other values are skipped.
//
// query must not import store, api, server or ingest.
package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// ErrInvalid is wrapped by every validation error (a *FieldError).
var ErrInvalid = errors.New("query: invalid")

// FieldError names the field of the document that is wrong.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Kind is what a query computes.
type Kind string

const (
	Trends    Kind = "trends"
	Funnels   Kind = "funnels"
	Retention Kind = "retention"
)

// Interval is the width of a time bucket.
type Interval string

const (
	Hour  Interval = "hour"
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
)

// Math is how a trends series aggregates the events of a bucket.
type Math string

const (
	Total      Math = "total"        // events
	Unique     Math = "unique"       // distinct users
	DAU        Math = "dau"          // distinct users (same as unique)
	WAU        Math = "wau"          // distinct users in the 7 local days ending with the bucket's last day
	MAU        Math = "mau"          // distinct users in the 30 local days ending with the bucket's last day
	Sum        Math = "sum"          // of a numeric property
	Avg        Math = "avg"          // of a numeric property
	Min        Math = "min"          // of a numeric property
	Max        Math = "max"          // of a numeric property
	Median     Math = "median"       // of a numeric property, linear interpolation
	P90        Math = "p90"          // of a numeric property, linear interpolation
	P99        Math = "p99"          // of a numeric property, linear interpolation
	AvgPerUser Math = "avg_per_user" // events per distinct user
)

// NeedsProperty reports whether m aggregates a numeric property.
func (m Math) NeedsProperty() bool {
	switch m {
	case Sum, Avg, Min, Max, Median, P90, P99:
		return true
	}
	return false
}

// NeedsUsers reports whether m counts users.
func (m Math) NeedsUsers() bool {
	switch m {
	case Unique, DAU, WAU, MAU, AvgPerUser:
		return true
	}
	return false
}

// Quantile is the fraction of the quantile maths, 0 for others.
func (m Math) Quantile() float64 {
	switch m {
	case Median:
		return 0.5
	case P90:
		return 0.9
	case P99:
		return 0.99
	}
	return 0
}

// Filter is a filter document: AND/OR groups of conditions on event
// properties and the event name (package query/expr, docs/QUERIES.md).
// Profile properties (scope "user") are refused by Validate for now.
type Filter = *expr.Filter

// Query is the query document, POSTed as JSON.
type Query struct {
	Kind     Kind     `json:"kind"`
	From     string   `json:"from"` // yyyy-mm-dd, project time zone, inclusive
	To       string   `json:"to"`   // yyyy-mm-dd, project time zone, inclusive
	Interval Interval `json:"interval,omitempty"`
	// Series are the trends series, or the funnel steps in order.
	Series []Series `json:"series,omitempty"`
	// Filter applies to every event the query counts (user links come from
	// every event).
	Filter Filter `json:"filter,omitempty"`
	// Where is a parsed Mixpanel expression, ANDed with Filter (the Query
	// API's where parameter; not part of the JSON document).
	Where expr.Node `json:"-"`
	// Breakdown splits results by up to 3 properties.
	Breakdown      []Property `json:"breakdown,omitempty"`
	BreakdownLimit int        `json:"breakdown_limit,omitempty"` // trends: top N tuples, default 25, the rest is "other"
	// Formulas combine trends series by letter: A is Series[0].
	Formulas []Formula `json:"formulas,omitempty"`
	// Compare adds, to every trends series, its values over the previous
	// period of the same number of days.
	Compare   bool              `json:"compare,omitempty"`
	Funnel    *FunnelOptions    `json:"funnel,omitempty"`
	Retention *RetentionOptions `json:"retention,omitempty"`
	Addiction *AddictionOptions `json:"addiction,omitempty"`
}

// Series is one trends series (an event, or any event when Event is empty)
// or one funnel step (an event).
type Series struct {
	Event    string `json:"event,omitempty"`
	Math     Math   `json:"math,omitempty"`     // trends: default total
	Property string `json:"property,omitempty"` // the numeric property of sum..p99
	Filter   Filter `json:"filter,omitempty"`
}

// Property names a property to break down by.
type Property struct {
	Name  string `json:"property,omitempty"`
	Scope string `json:"scope,omitempty"` // "event" (default), "user", or "event_name": the event's name (Name unused)
	// Bins splits a numeric property's range into this many equal-width
	// ranges (see Bins): the range over a trends series' events, a
	// funnel's first step's, or retention's start events, in the range.
	Bins int `json:"bins,omitempty"`
	// Source, when set, breaks down by an expression's value instead of a
	// property (Mixpanel's expression language; the Query API's on
	// parameter): string(expr) of the event (package query/expr), "(none)"
	// when undefined. Name, Scope and Bins must be unset. Validate parses
	// it into Expr.
	Source string `json:"expr,omitempty"`
	// Expr is Source parsed (set by Validate, or directly by a caller that
	// parsed it).
	Expr expr.Node `json:"-"`
}

// ScopeEventName breaks down by the event's name.
const ScopeEventName = "event_name"

// ScopeUser breaks down by a property of the event's user's profile (see
// Profiles in the package documentation).
const ScopeUser = "user"

// Formula is an arithmetic expression over series letters, e.g. "A/B*100".
type Formula struct {
	Formula string `json:"formula"`
	Name    string `json:"name,omitempty"`
}

// Funnel orders.
const (
	Ordered = "ordered" // other events may come between steps
	Strict  = "strict"  // no other event of the user between steps
	AnyOrd  = "any"     // every step within the window, in any order
)

// FunnelOptions shape a funnel.
type FunnelOptions struct {
	Window     int         `json:"window,omitempty"`      // default 14
	WindowUnit string      `json:"window_unit,omitempty"` // minute, hour, day (default), week, month
	Order      string      `json:"order,omitempty"`       // ordered (default), strict, any
	Exclusions []Exclusion `json:"exclusions,omitempty"`
}

// Exclusion drops a user whose best attempt has the event between steps
// From and To (indexes into the steps, From < To).
type Exclusion struct {
	Event  string `json:"event"`
	Filter Filter `json:"filter,omitempty"`
	From   int    `json:"from_step"`
	To     int    `json:"to_step"`
}

// Retention types and modes.
const (
	FirstTime = "first_time" // a user's cohort is the bucket of their first start event ever
	Recurring = "recurring"  // a user is in the cohort of every bucket with a start event
	On        = "on"         // counted in interval i: a return event in bucket i
	OnOrAfter = "on_or_after"
)

// RetentionOptions shape a retention query; buckets are Query.Interval
// (day, week or month).
type RetentionOptions struct {
	Type      string `json:"type,omitempty"` // first_time (default), recurring
	Start     Series `json:"start"`
	Return    Series `json:"return"`              // Event empty: any event
	Intervals int    `json:"intervals,omitempty"` // default 8: counts for intervals 0..Intervals
	// Width is how many buckets one interval spans (default 1; Mixpanel's
	// interval): interval i holds the returns i*Width to (i+1)*Width-1
	// buckets after the cohort's. Cohorts stay one bucket each.
	Width int    `json:"width,omitempty"`
	Mode  string `json:"mode,omitempty"` // on (default), on_or_after
}

// Parse decodes a query document strictly (unknown fields are errors) and
// validates it.
func Parse(data []byte) (*Query, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var q Query
	if err := dec.Decode(&q); err != nil {
		return nil, &FieldError{Field: "document", Msg: jsonMsg(err)}
	}
	if dec.More() {
		return nil, fieldErr("document", "one JSON object expected")
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return &q, nil
}

func jsonMsg(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s must be %s", te.Field, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	}
	// Unknown fields: encoding/json names the field; nothing else echoes input.
	return err.Error()
}

// Limits of a document.
const (
	MaxSteps       = 20
	MaxSeries      = 26
	MaxBreakdowns  = 3
	MaxBins        = 100
	MaxBuckets     = 5000
	maxWindowDays  = 366
	DefaultTopN    = 25
	MaxTopN        = 10000
	DefaultWindow  = 14
	DefaultPeriods = 8
	MaxPeriods     = 366
	MaxWidth       = 90 // buckets per retention interval
)

// Validate checks q and fills in defaults. Errors are *FieldError.
func (q *Query) Validate() error {
	switch q.Kind {
	case Trends, Funnels, Retention, Addiction:
	case "":
		return fieldErr("kind", "required: trends, funnels, retention or addiction")
	default:
		return fieldErr("kind", "must be trends, funnels, retention or addiction")
	}
	from, err := time.Parse(time.DateOnly, q.From)
	if err != nil {
		return fieldErr("from", "required, as yyyy-mm-dd")
	}
	to, err := time.Parse(time.DateOnly, q.To)
	if err != nil {
		return fieldErr("to", "required, as yyyy-mm-dd")
	}
	if to.Before(from) {
		return fieldErr("to", "must not be before from")
	}
	if q.Interval == "" {
		q.Interval = Day
	}
	switch q.Interval {
	case Hour, Day, Week, Month:
	default:
		return fieldErr("interval", "must be hour, day, week or month")
	}
	days := int(to.Sub(from)/(24*time.Hour)) + 1
	if n := bucketEstimate(q.Interval, days); n > MaxBuckets {
		return fieldErr("interval", "%d buckets; at most %d (use a longer interval or a shorter range)", n, MaxBuckets)
	}
	if err := checkFilter("filter", q.Filter); err != nil {
		return err
	}
	if len(q.Breakdown) > MaxBreakdowns {
		return fieldErr("breakdown", "at most %d properties", MaxBreakdowns)
	}
	for i, p := range q.Breakdown {
		f := fmt.Sprintf("breakdown[%d]", i)
		if p.Source != "" && p.Expr == nil {
			n, err := expr.Parse(p.Source)
			if err != nil {
				return fieldErr(f+".expr", "%v", err)
			}
			q.Breakdown[i].Expr, p.Expr = n, n
		}
		if p.Expr != nil {
			if p.Name != "" || p.Scope != "" || p.Bins != 0 {
				return fieldErr(f, "an expression breakdown has no property, scope or bins")
			}
			continue
		}
		if p.Name == "" && p.Scope != ScopeEventName {
			return fieldErr(f+".property", "required")
		}
		if p.Bins != 0 && (p.Bins < 2 || p.Bins > MaxBins || (p.Scope != "" && p.Scope != "event") || q.Kind == Addiction) {
			return fieldErr(f+".bins", "from 2 to %d, on an event property of a trends, funnels or retention query", MaxBins)
		}
		switch p.Scope {
		case "", "event", ScopeEventName, ScopeUser:
		default:
			return fieldErr(f+".scope", "must be event, user or event_name")
		}
	}
	switch {
	case q.BreakdownLimit == 0:
		q.BreakdownLimit = DefaultTopN
	case q.BreakdownLimit < 0 || q.BreakdownLimit > MaxTopN:
		return fieldErr("breakdown_limit", "must be from 1 to %d", MaxTopN)
	}
	if q.Kind != Trends {
		switch {
		case len(q.Formulas) > 0:
			return fieldErr("formulas", "only for trends")
		case q.Compare:
			return fieldErr("compare", "only for trends")
		}
	}
	if q.Kind != Funnels && q.Funnel != nil {
		return fieldErr("funnel", "only for funnels")
	}
	if q.Kind != Retention && q.Retention != nil {
		return fieldErr("retention", "only for retention")
	}
	if q.Kind != Addiction && q.Addiction != nil {
		return fieldErr("addiction", "only for addiction")
	}
	switch q.Kind {
	case Trends:
		return q.validateTrends()
	case Funnels:
		return q.validateFunnel()
	case Addiction:
		return q.validateAddiction()
	default:
		return q.validateRetention()
	}
}

func bucketEstimate(iv Interval, days int) int {
	switch iv {
	case Hour:
		return days*24 + 1
	case Day:
		return days
	case Week:
		return days/7 + 2
	}
	return days/28 + 2
}

func checkFilter(field string, f Filter) error {
	if f == nil {
		return nil
	}
	if _, err := f.Node(); err != nil {
		var fe *expr.FieldError
		if errors.As(err, &fe) && fe.Path != "" {
			return fieldErr(field+"."+fe.Path, "%s", fe.Msg)
		}
		return fieldErr(field, "%v", err)
	}
	return nil
}

// Node is f's syntax tree; nil for no filter. f must have been validated.
func Node(f Filter) expr.Node {
	if f == nil {
		return nil
	}
	n, err := f.Node()
	if err != nil {
		panic("query: Node of an unvalidated filter: " + err.Error())
	}
	return n
}

// GlobalNode is the condition on every counted event: Filter and Where
// together; nil for none.
func (q *Query) GlobalNode() expr.Node {
	return And(Node(q.Filter), q.Where)
}

// And is the conjunction of the non-nil nodes; nil for none.
func And(ns ...expr.Node) expr.Node {
	var out expr.Node
	for _, n := range ns {
		switch {
		case n == nil:
		case out == nil:
			out = n
		default:
			out = &expr.Binary{Op: expr.OpAnd, L: out, R: n}
		}
	}
	return out
}

func (q *Query) validateTrends() error {
	if len(q.Series) == 0 {
		return fieldErr("series", "at least one series is required")
	}
	if len(q.Series) > MaxSeries {
		return fieldErr("series", "at most %d series", MaxSeries)
	}
	for i := range q.Series {
		s := &q.Series[i]
		f := fmt.Sprintf("series[%d]", i)
		if s.Math == "" {
			s.Math = Total
		}
		switch s.Math {
		case Total, Unique, DAU, WAU, MAU, AvgPerUser, Sum, Avg, Min, Max, Median, P90, P99:
		default:
			return fieldErr(f+".math", "unknown; one of total, unique, dau, wau, mau, sum, avg, min, max, median, p90, p99, avg_per_user")
		}
		if s.Math.NeedsProperty() && s.Property == "" {
			return fieldErr(f+".property", "required with math %s", s.Math)
		}
		if !s.Math.NeedsProperty() && s.Property != "" {
			return fieldErr(f+".property", "only with math sum, avg, min, max, median, p90 or p99")
		}
		if (s.Math == WAU || s.Math == MAU) && q.Interval == Hour {
			return fieldErr(f+".math", "%s needs an interval of day or longer", s.Math)
		}
		if err := checkFilter(f+".filter", s.Filter); err != nil {
			return err
		}
	}
	for i, fm := range q.Formulas {
		if _, err := ParseFormula(fm.Formula, len(q.Series)); err != nil {
			return fieldErr(fmt.Sprintf("formulas[%d].formula", i), "%v", err)
		}
	}
	return nil
}

func (q *Query) validateFunnel() error {
	if len(q.Series) < 2 || len(q.Series) > MaxSteps {
		return fieldErr("series", "a funnel has 2 to %d steps", MaxSteps)
	}
	for i, s := range q.Series {
		f := fmt.Sprintf("series[%d]", i)
		if s.Event == "" {
			return fieldErr(f+".event", "required for a funnel step")
		}
		if (s.Math != "" && s.Math != Total) || s.Property != "" {
			return fieldErr(f+".math", "funnel steps take no math")
		}
		if err := checkFilter(f+".filter", s.Filter); err != nil {
			return err
		}
	}
	if q.Funnel == nil {
		q.Funnel = &FunnelOptions{}
	}
	o := q.Funnel
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.WindowUnit == "" {
		o.WindowUnit = "day"
	}
	if o.Order == "" {
		o.Order = Ordered
	}
	if o.Window < 0 {
		return fieldErr("funnel.window", "must be positive")
	}
	unit, ok := windowUnits[o.WindowUnit]
	if !ok {
		return fieldErr("funnel.window_unit", "must be minute, hour, day, week or month")
	}
	if time.Duration(o.Window)*unit > maxWindowDays*24*time.Hour {
		return fieldErr("funnel.window", "at most %d days", maxWindowDays)
	}
	switch o.Order {
	case Ordered, Strict, AnyOrd:
	default:
		return fieldErr("funnel.order", "must be ordered, strict or any")
	}
	for i, e := range o.Exclusions {
		f := fmt.Sprintf("funnel.exclusions[%d]", i)
		if o.Order == AnyOrd {
			return fieldErr(f, "exclusions need an ordered or strict funnel")
		}
		if e.Event == "" {
			return fieldErr(f+".event", "required")
		}
		if e.From < 0 || e.To >= len(q.Series) || e.From >= e.To {
			return fieldErr(f+".to_step", "need 0 <= from_step < to_step < %d", len(q.Series))
		}
		if err := checkFilter(f+".filter", e.Filter); err != nil {
			return err
		}
	}
	return nil
}

var windowUnits = map[string]time.Duration{
	"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "month": 30 * 24 * time.Hour,
}

// WindowMillis is the funnel's conversion window in milliseconds (a month
// is 30 days).
func (o *FunnelOptions) WindowMillis() int64 {
	return (time.Duration(o.Window) * windowUnits[o.WindowUnit]).Milliseconds()
}

func (q *Query) validateRetention() error {
	if len(q.Series) > 0 {
		return fieldErr("series", "retention takes retention.start and retention.return")
	}
	if q.Interval == Hour {
		return fieldErr("interval", "retention needs day, week or month")
	}
	if q.Retention == nil {
		return fieldErr("retention", "required: start and return events")
	}
	o := q.Retention
	if o.Type == "" {
		o.Type = FirstTime
	}
	if o.Mode == "" {
		o.Mode = On
	}
	if o.Intervals == 0 {
		o.Intervals = DefaultPeriods
	}
	if o.Width == 0 {
		o.Width = 1
	}
	switch {
	case o.Type != FirstTime && o.Type != Recurring:
		return fieldErr("retention.type", "must be first_time or recurring")
	case o.Mode != On && o.Mode != OnOrAfter:
		return fieldErr("retention.mode", "must be on or on_or_after")
	case o.Intervals < 1 || o.Intervals > MaxPeriods:
		return fieldErr("retention.intervals", "must be from 1 to %d", MaxPeriods)
	case o.Width < 1 || o.Width > MaxWidth:
		return fieldErr("retention.width", "must be from 1 to %d", MaxWidth)
	case (o.Intervals+1)*o.Width > MaxPeriods+1:
		return fieldErr("retention.width", "intervals+1 times width is at most %d buckets", MaxPeriods+1)
	case o.Start.Event == "":
		return fieldErr("retention.start.event", "required")
	case o.Start.Math != "" || o.Start.Property != "":
		return fieldErr("retention.start.math", "retention events take no math")
	case o.Return.Math != "" || o.Return.Property != "":
		return fieldErr("retention.return.math", "retention events take no math")
	}
	if err := checkFilter("retention.start.filter", o.Start.Filter); err != nil {
		return err
	}
	return checkFilter("retention.return.filter", o.Return.Filter)
}

// Project is what a backend needs to know of the project queried.
type Project struct {
	ID       int64
	Location *time.Location // nil: UTC
	// KnownProperty, when set, reports whether name is a top-level event
	// property name the project's lexicon holds: a name ingestion stored
	// before, after the guard. A backend may then write the name in a
	// statement's text (it is schema of stored data, already on disk);
	// a name it does not know is read as a request value (never in a
	// statement's text). nil: no name is known.
	KnownProperty func(name string) bool
}

// Known reports whether p's lexicon holds the event property name.
func (p Project) Known(name string) bool {
	return p.KnownProperty != nil && p.KnownProperty(name)
}

// Loc is p's time zone.
func (p Project) Loc() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// Stats describe how a query ran.
type Stats struct {
	RowsScanned int64 `json:"rows_scanned"` // event rows the backend read
}

// Backend answers validated queries. It computes trends series (without
// formulas or compare: Run adds those), funnels and retention exactly as the
// package documents, and honours ctx's cancellation.
type Backend interface {
	Query(ctx context.Context, p Project, q *Query) (*Result, Stats, error)
}

// Run answers a validated q with b, adding formulas and the previous period
// to trends.
func Run(ctx context.Context, b Backend, p Project, q *Query) (*Result, Stats, error) {
	res, st, err := b.Query(ctx, p, q)
	if err != nil || q.Kind != Trends {
		return res, st, err
	}
	defer res.Trends.emptyNotNull()
	if q.Compare {
		pq := *q
		pq.From, pq.To = PreviousPeriod(q.From, q.To)
		pq.Formulas, pq.Compare = nil, false
		prev, pst, err := b.Query(ctx, p, &pq)
		if err != nil {
			return nil, st, err
		}
		st.RowsScanned += pst.RowsScanned
		prev.Trends.applyFormulas(q.Formulas)
		res.Trends.applyFormulas(q.Formulas)
		res.Trends.attachPrevious(prev.Trends)
		return res, st, nil
	}
	res.Trends.applyFormulas(q.Formulas)
	return res, st, nil
}

// PreviousPeriod is the range of the same number of days ending the day
// before from.
func PreviousPeriod(from, to string) (string, string) {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	days := int(t.Sub(f)/(24*time.Hour)) + 1
	return f.AddDate(0, 0, -days).Format(time.DateOnly), f.AddDate(0, 0, -1).Format(time.DateOnly)
}
