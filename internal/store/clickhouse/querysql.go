package clickhouse

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
)

// This file pushes trends that read event properties down to the cluster
// (docs/CLICKHOUSE.md, "Queries"): filters and where expressions of a
// subset (below), breakdowns by event properties and the event name, and
// every non-rolling math, including sum ... p99.
//
// The rule on statement text: a property NAME that the project's lexicon
// holds (query.Project.Known: ingestion stored it, after the guard) may
// appear in a statement as a quoted constant, since ClickHouse 18.16 reads
// JSON only by a name written in the statement; a name the lexicon does
// not hold keeps the query on the row path. VALUES never appear: a
// filter's strings and booleans travel in external tables (q_v1, q_v2,
// ...), compared with IN (SELECT s FROM q_vN), which the shards receive
// with the query. (A scalar subquery would not do: 18.16's entry server
// folds it into a literal of the text it sends to the shards.)
//
// Reading a property exactly. 18.16's visitParamExtractRaw(props, name)
// takes the first "name": anywhere in the text, also inside a nested
// object; package query reads the top-level key. Each row is therefore
// classed, per name read, by the SQL of propCols:
//
//   - absent: the text holds no "name" and no \u escape of a character
//     of the name (a key spelt with escapes): the key is absent.
//   - sure: the first "name" is followed by ':', preceded by '{' or ','
//     (so its opening quote is not an escaped one), no '{' or '[' comes
//     before it (so it is at the top level), it occurs once, and its value
//     is a string without escapes, a number without exponent, true, false
//     or null. Then visitParamExtractRaw reads that very occurrence.
//   - unsure: anything else (nesting or a quote before it, a repeated key,
//     an object or array value, escapes).
//
// A statement reports whether any row of its range was unsure; if one
// was, the query is answered on the row path instead, which decodes the
// JSON in Sieve. The check is conservative: a '{' inside an earlier string
// value also makes a row unsure, which costs time, never exactness.

// errUnsure says that a row of the range holds a property the SQL reader
// cannot read exactly: the query goes by rows.
var errUnsure = errors.New("a property the SQL reader cannot read exactly")

// propAnswers counts trends answered by propSeries in SQL, and those that
// fell back to rows because a row was unsure (tests read them).
var propAnswers, propUnsure atomic.Int64

// liftedKeys are property names package expr answers from the row's
// columns, not from its properties.
var liftedKeys = map[string]bool{"distinct_id": true, "time": true, "$insert_id": true}

// pushable reports whether name can be read in SQL: known to the
// project's lexicon, not a lifted key, and spelt without characters that
// JSON escapes (so its key text is "name").
func pushable(p query.Project, name string) bool {
	if name == "" || liftedKeys[name] || !utf8.ValidString(name) || !p.Known(name) {
		return false
	}
	for _, c := range name {
		if c < 0x20 || c == '"' || c == '\\' || c == 0x7f || c == utf8.RuneError {
			return false
		}
	}
	return true
}

// pushdown collects what one statement reads: the property names (column
// prefix q<i>), the value tables and the external tables.
type pushdown struct {
	p     query.Project
	names []string
	idx   map[string]int
	ext   []extTable
}

func newPushdown(p query.Project) *pushdown { return &pushdown{p: p, idx: map[string]int{}} }

var errNotSQL = errors.New("not in SQL")

// prop registers name and returns its column prefix.
func (d *pushdown) prop(name string) (string, error) {
	if !pushable(d.p, name) {
		return "", errNotSQL
	}
	i, ok := d.idx[name]
	if !ok {
		i = len(d.names)
		d.idx[name] = i
		d.names = append(d.names, name)
	}
	return "q" + strconv.Itoa(i), nil
}

// values adds an external table of the strings vs and returns the
// subquery that reads them.
func (d *pushdown) values(vs []string) string {
	var w rbWriter
	for _, v := range vs {
		w.str(v)
	}
	name := "q_v" + strconv.Itoa(len(d.ext)+1)
	d.ext = append(d.ext, extTable{name: name, structure: "s String", data: w.b})
	return "(SELECT s FROM " + name + ")"
}

// maxValueTables bounds the external tables of one statement; a larger
// filter goes by rows.
const maxValueTables = 64

// cond is the SQL (UInt8) of a filter node, for a row whose properties
// are sure (see above); errNotSQL for a node outside the subset: and, or,
// not, event == / != / in strings, property == / != / in strings or
// booleans, defined(property).
func (d *pushdown) cond(n expr.Node) (string, error) {
	if len(d.ext) > maxValueTables {
		return "", errNotSQL
	}
	switch n := n.(type) {
	case *expr.Unary:
		if n.Op != expr.OpNot {
			return "", errNotSQL
		}
		x, err := d.cond(n.X)
		if err != nil {
			return "", err
		}
		return "NOT (" + x + ")", nil
	case *expr.Call:
		pr, ok := n.Arg.(*expr.Prop)
		if n.Fn != expr.FnDefined || !ok || pr.Scope != expr.EventScope {
			return "", errNotSQL
		}
		c, err := d.prop(pr.Name)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("(%[1]sp > 0 AND %[1]sc != 'n')", c), nil
	case *expr.Binary:
		switch n.Op {
		case expr.OpAnd, expr.OpOr:
			l, err := d.cond(n.L)
			if err != nil {
				return "", err
			}
			r, err := d.cond(n.R)
			if err != nil {
				return "", err
			}
			op := " AND "
			if n.Op == expr.OpOr {
				op = " OR "
			}
			return "(" + l + op + r + ")", nil
		case expr.OpEq, expr.OpNe:
			l, r := n.L, n.R
			if _, ok := l.(*expr.Literal); ok {
				l, r = r, l
			}
			lit, ok := r.(*expr.Literal)
			if !ok {
				return "", errNotSQL
			}
			c, err := d.eqList(l, []*expr.Literal{lit})
			if err != nil {
				return "", err
			}
			if n.Op == expr.OpNe {
				c = "NOT " + c
			}
			return c, nil
		case expr.OpIn:
			list, ok := n.R.(*expr.ListLit)
			if !ok || len(list.Items) == 0 {
				return "", errNotSQL
			}
			return d.eqList(n.L, list.Items)
		}
	}
	return "", errNotSQL
}

// eqList is "x equals one of lits" (package expr's equal: same type and
// value), for x the event name or an event property and lits all strings
// or all booleans.
func (d *pushdown) eqList(x expr.Node, lits []*expr.Literal) (string, error) {
	var strs []string
	kind := ""
	for _, l := range lits {
		k := ""
		switch v := l.Value.(type) {
		case string:
			k = "s"
			strs = append(strs, v)
		case bool:
			k = "b"
			strs = append(strs, strconv.FormatBool(v))
		default:
			return "", errNotSQL
		}
		if kind != "" && kind != k {
			return "", errNotSQL
		}
		kind = k
	}
	switch x := x.(type) {
	case *expr.EventName:
		if kind != "s" {
			return "0", nil // an event name is a string: it equals no boolean
		}
		return "(event IN " + d.values(strs) + ")", nil
	case *expr.Prop:
		if x.Scope != expr.EventScope {
			return "", errNotSQL
		}
		c, err := d.prop(x.Name)
		if err != nil {
			return "", err
		}
		if kind == "b" {
			return fmt.Sprintf("(%sr IN %s)", c, d.values(strs)), nil
		}
		return fmt.Sprintf("(%[1]sc = '\"' AND %[1]ss IN %[2]s)", c, d.values(strs)), nil
	}
	return "", errNotSQL
}

// label is the SQL of the breakdown value of property column c: the
// string, the JSON text of a number or boolean, query.None when absent or
// null.
func label(c string) string {
	return fmt.Sprintf("multiIf(%[1]sp = 0 OR %[1]sc = 'n', %[2]s, %[1]sc = '\"', %[1]ss, %[1]sr)", c, quote(query.None))
}

// isNumber is the SQL of "property column c holds a JSON number".
func isNumber(c string) string {
	return fmt.Sprintf("(%[1]sp > 0 AND %[1]sc IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'))", c)
}

// propCols are the columns of the inner SELECT that read every registered
// name, and unsure, the SQL of "some name is not read exactly in this
// row" (see the file's comment).
func (d *pushdown) propCols() (cols, unsure string) {
	var b strings.Builder
	var us, esc []string
	for i, name := range d.names {
		c := "q" + strconv.Itoa(i)
		pat := `"` + name + `"`
		fmt.Fprintf(&b, ", position(props, %[2]s) AS %[1]sp, substring(props, %[1]sp + %[4]d, 1) AS %[1]sc, visitParamExtractString(props, %[3]s) AS %[1]ss, visitParamExtractRaw(props, %[3]s) AS %[1]sr", c, quote(pat), quote(name), len(pat)+1)
		// The value's text starts right after the colon (c): a string is
		// sure when its text is exactly '"' + s + '"' (no escape), a
		// number, true, false or null when its text is exactly r and ends
		// there.
		sure := fmt.Sprintf(`%[1]sp > 1 AND substring(props, greatest(%[1]sp, 2) - 1, 1) IN ('{', ',') AND substring(props, %[1]sp + %[2]d, 1) = ':'`+
			` AND position(substring(props, 2, greatest(%[1]sp, 2) - 2), '{') = 0 AND position(substring(props, 2, greatest(%[1]sp, 2) - 2), '[') = 0`+
			` AND position(substring(props, %[1]sp + %[2]d), %[3]s) = 0`+
			` AND ((%[1]sc = '"' AND position(%[1]ss, '\\') = 0 AND substring(props, %[1]sp + %[2]d + 1, length(%[1]ss) + 2) = concat('"', %[1]ss, '"'))`+
			` OR ((%[1]sr IN ('true', 'false', 'null') OR (%[4]s AND match(%[1]sr, '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$')))`+
			` AND substring(props, %[1]sp + %[2]d + 1 + length(%[1]sr), 1) IN (',', '}') AND substring(props, %[1]sp + %[2]d + 1, length(%[1]sr)) = %[1]sr))`,
			c, len(pat), quote(pat), isNumber(c))
		us = append(us, fmt.Sprintf("(%sp > 0 AND NOT (%s))", c, sure))
		for _, e := range escapes(name) {
			esc = append(esc, regexp.QuoteMeta(e))
		}
	}
	if len(us) == 0 {
		return "", "0"
	}
	// One scan of the text for every escape of every name's characters.
	slices.Sort(esc)
	us = append(us, "match(props, "+quote(strings.Join(slices.Compact(esc), "|"))+")")
	return b.String(), "(" + strings.Join(us, " OR ") + ")"
}

// escapes are the JSON escapes that could spell a character of name in a
// stored key: \uXXXX in both cases of hex (surrogate pairs for characters
// beyond the BMP: their first half) and \/ for '/'.
func escapes(name string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, r := range name {
		v := r
		if r > 0xffff {
			v = 0xd800 + ((r - 0x10000) >> 10)
		}
		add(fmt.Sprintf(`\u%04x`, v))
		add(fmt.Sprintf(`\u%04X`, v))
		if r == '/' {
			add(`\/`)
		}
	}
	return out
}

// propPath says why q cannot be answered by propSeries (nil: it can).
func propPath(p query.Project, q *query.Query) error {
	if q.Kind != query.Trends {
		return errNotSQL
	}
	for _, b := range q.Breakdown {
		if b.Expr != nil || b.Bins > 0 || b.Scope == query.ScopeUser {
			return errNotSQL
		}
		if b.Scope != query.ScopeEventName && !pushable(p, b.Name) {
			return errNotSQL
		}
	}
	for _, sr := range q.Series {
		if sr.Math == query.WAU || sr.Math == query.MAU {
			return errNotSQL
		}
		if sr.Math.NeedsProperty() && !pushable(p, sr.Property) {
			return errNotSQL
		}
		d := newPushdown(p)
		if n := query.And(q.GlobalNode(), query.Node(sr.Filter)); n != nil {
			if _, err := d.cond(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// agg is the aggregate of one breakdown tuple in one bucket.
type agg struct {
	n, users int64
	sum      float64
	cnt      int64
	lo, hi   float64
	xs       []float64
	hasLoHi  bool
}

func (a *agg) merge(o *agg) {
	a.n += o.n
	a.sum += o.sum
	a.cnt += o.cnt
	if o.hasLoHi {
		if !a.hasLoHi {
			a.lo, a.hi, a.hasLoHi = o.lo, o.hi, true
		}
		a.lo, a.hi = min(a.lo, o.lo), max(a.hi, o.hi)
	}
	a.xs = append(a.xs, o.xs...)
}

// value is m of a, as package query defines it.
func (a *agg) value(m query.Math) float64 {
	switch m {
	case "", query.Total:
		return float64(a.n)
	case query.Unique, query.DAU:
		return float64(a.users)
	case query.AvgPerUser:
		if a.users == 0 {
			return 0
		}
		return float64(a.n) / float64(a.users)
	}
	if a.cnt == 0 {
		return 0
	}
	switch m {
	case query.Sum:
		return a.sum
	case query.Avg:
		return a.sum / float64(a.cnt)
	case query.Min:
		return a.lo
	case query.Max:
		return a.hi
	}
	xs := a.xs
	slices.Sort(xs)
	pos := m.Quantile() * float64(len(xs)-1)
	lo := math.Floor(pos)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[i]
	}
	return xs[i] + (pos-lo)*(xs[i+1]-xs[i])
}

// propSeries computes sr, a series of a trends query propPath accepts, per
// bucket of bk and breakdown tuple, in one statement (two for a math
// counting users with a breakdown: the top tuples first, in SQL). It
// fails with errUnsure when a row of the range holds a property it cannot
// read exactly.
func (s *Store) propSeries(ctx context.Context, q *query.Query, p query.Project, start, end, readEnd int64, bk *query.Buckets, sr query.Series) ([]query.TrendSeries, error) {
	d := newPushdown(p)
	cond := "1"
	if n := query.And(q.GlobalNode(), query.Node(sr.Filter)); n != nil {
		c, err := d.cond(n)
		if err != nil {
			return nil, err
		}
		cond = c
	}
	var gcols []string // the inner columns of the tuple, qg<j>
	inner := ""
	for j, b := range q.Breakdown {
		g := "qg" + strconv.Itoa(j)
		gcols = append(gcols, g)
		if b.Scope == query.ScopeEventName {
			inner += ", event AS " + g
			continue
		}
		c, err := d.prop(b.Name)
		if err != nil {
			return nil, err
		}
		inner += ", " + label(c) + " AS " + g
	}
	numeric := sr.Math.NeedsProperty()
	if numeric {
		c, err := d.prop(sr.Property)
		if err != nil {
			return nil, err
		}
		inner += fmt.Sprintf(", toFloat64OrZero(%sr) AS qv, materialize(%s) AS qh", c, isNumber(c))
	} else {
		inner += ", materialize(0.) AS qv, materialize(0) AS qh"
	}
	cols, unsure := d.propCols()
	// materialize: 18.16 types "x IN (list)" as a constant in a union's
	// first branch's header when no row has been read (dedupRows).
	inner = cols + inner + ", materialize(" + cond + ") AS qf, materialize(" + unsure + ") AS qu"
	outerCols := ", qv, qh, qf, qu"
	for _, g := range gcols {
		outerCols += ", " + g
	}
	ext := d.ext
	names := ""
	if sr.Event != "" {
		var w rbWriter
		w.str(sr.Event)
		ext = append(ext, extTable{name: "q_events", structure: "e String", data: w.b})
		names = " AND event IN (SELECT e FROM q_events)"
	}
	where := fmt.Sprintf("project_id = %d AND time >= %d AND time < %d", p.ID, start, end) + names
	users := sr.Math.NeedsUsers()
	var from string
	if users {
		var dext []extTable
		from, dext = s.usersSQLCols(planOf(ctx), p.ID, readEnd, where, inner, outerCols)
		ext = addExt(ext, dext)
	} else {
		var dext []extTable
		from, dext = s.dedupRows(planOf(ctx), where, "time, event, materialize('') AS usr"+inner)
		ext = addExt(ext, dext)
	}
	// The tuple's columns: every tuple (the top ones are chosen here),
	// except for user maths, whose sets cannot be merged here: the
	// top BreakdownLimit tuples are chosen in SQL, the others are Other.
	group := make([]string, len(gcols))
	copy(group, gcols)
	keep := ""
	if users && len(gcols) > 0 {
		tup := strings.Join(gcols, ", ")
		keep = fmt.Sprintf(", (%[1]s) IN (SELECT %[1]s FROM (SELECT %[1]s, count() AS c FROM %[2]s WHERE qf OR qu GROUP BY %[1]s ORDER BY c DESC, %[1]s LIMIT %[3]d)) AS qk", tup, from, q.BreakdownLimit)
		for j, g := range gcols {
			group[j] = fmt.Sprintf("if(qk, %s, %s)", g, quote(query.Other))
		}
	}
	bs := makeBucketSQL(bk, start, end)
	ext = append(ext, bs.ext)
	sel := "toInt64(" + bs.expr + ") AS b"
	gb := "b"
	for j, g := range group {
		sel += ", " + g + " AS g" + strconv.Itoa(j)
		gb += ", g" + strconv.Itoa(j)
	}
	xs := "emptyArrayFloat64()"
	if sr.Math.Quantile() > 0 {
		xs = "groupArrayIf(qv, qh)"
	}
	stmt := fmt.Sprintf("%s SELECT %s, count(), uniqExact(usr), sumIf(qv, qh), countIf(qh), minIf(qv, qh), maxIf(qv, qh), %s, max(qu) FROM %s WHERE qf OR qu GROUP BY %s ORDER BY %s FORMAT RowBinary",
		bs.with, sel, xs, from, gb, gb)
	if keep != "" {
		// qk (the tuple is one of the top ones) is computed a level below.
		stmt = fmt.Sprintf("%s SELECT %s, count(), uniqExact(usr), sumIf(qv, qh), countIf(qh), minIf(qv, qh), maxIf(qv, qh), %s, max(qu) FROM (SELECT *%s FROM %s WHERE qf OR qu) GROUP BY %s ORDER BY %s FORMAT RowBinary",
			bs.with, sel, xs, keep, from, gb, gb)
	}
	caller := ctx
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rc, err := s.q.do(ctx, stmt, readSettings, nil, ext)
	if err != nil {
		return nil, s.readErr(caller, "query", err)
	}
	defer rc.Close()
	nb := len(bk.Starts)
	type tupleAggs struct {
		tuple   []string
		total   int64
		buckets []agg
	}
	tuples := map[string]*tupleAggs{}
	rd := newRB(rc)
	for rd.more() {
		b := rd.i64()
		tu := make([]string, len(gcols))
		for j := range tu {
			tu[j] = rd.str()
		}
		a := agg{n: int64(rd.u64()), users: int64(rd.u64()), sum: rd.f64(), cnt: int64(rd.u64()), lo: rd.f64(), hi: rd.f64()}
		a.hasLoHi = a.cnt > 0
		if k := rd.uvarint(); k > 0 && rd.err == nil {
			if k > 1<<28 {
				return nil, s.readErr(caller, "query", errMidStream)
			}
			a.xs = make([]float64, k)
			for i := range a.xs {
				a.xs[i] = rd.f64()
			}
		}
		uns := rd.u8()
		if rd.err != nil {
			break
		}
		if uns != 0 {
			return nil, errUnsure
		}
		if b < 1 || b > int64(nb) {
			return nil, s.readErr(caller, "query", errMidStream)
		}
		for _, g := range tu {
			if !utf8.ValidString(g) {
				return nil, s.readErr(caller, "query", errMidStream)
			}
		}
		k := tupleKey(tu)
		t := tuples[k]
		if t == nil {
			t = &tupleAggs{tuple: tu, buckets: make([]agg, nb)}
			tuples[k] = t
		}
		t.total += a.n
		t.buckets[b-1].merge(&a)
		t.buckets[b-1].users += a.users
	}
	if err := s.readErr(caller, "query", rd.err); err != nil {
		return nil, err
	}
	var rows []*tupleAggs
	if len(gcols) == 0 {
		t := tuples[tupleKey(nil)]
		if t == nil {
			t = &tupleAggs{buckets: make([]agg, nb)}
		}
		t.tuple = nil
		rows = append(rows, t)
	} else {
		for _, t := range tuples {
			rows = append(rows, t)
		}
		if !users {
			// The top BreakdownLimit tuples by events in the range (ties:
			// the smaller tuple); the others merged as Other.
			sort.Slice(rows, func(i, j int) bool {
				if rows[i].total != rows[j].total {
					return rows[i].total > rows[j].total
				}
				return slices.Compare(rows[i].tuple, rows[j].tuple) < 0
			})
			if len(rows) > q.BreakdownLimit {
				other := &tupleAggs{buckets: make([]agg, nb)}
				for range gcols {
					other.tuple = append(other.tuple, query.Other)
				}
				for _, t := range rows[q.BreakdownLimit:] {
					for b := range t.buckets {
						other.buckets[b].merge(&t.buckets[b])
					}
				}
				rows = append(rows[:q.BreakdownLimit], other)
			}
		}
	}
	out := make([]query.TrendSeries, 0, len(rows))
	for _, t := range rows {
		vals := make([]float64, nb)
		for b := range vals {
			vals[b] = t.buckets[b].value(sr.Math)
		}
		out = append(out, query.TrendSeries{Breakdown: t.tuple, Values: vals})
	}
	return out, nil
}

// tupleKey is a map key of a breakdown tuple.
func tupleKey(t []string) string {
	var b strings.Builder
	for _, s := range t {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String()
}

func (r *rbReader) f64() float64 { return math.Float64frombits(r.u64()) }

// uvarint reads an array's length.
func (r *rbReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		r.fail(err)
	}
	return n
}
