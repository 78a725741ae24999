package clickhouse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

// openQuery loads d into a fresh database (rows by Append, profiles by
// UpdateProfiles) and returns the store.
func openQuery(t *testing.T, d querytest.Data) *Store {
	t.Helper()
	s := openDir(t, t.TempDir())
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Append(ctx, d.Rows); err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Profiles {
		if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: querytest.ProjectID, Kind: event.People, ID: p.ID,
			Time: 1, IgnoreTime: true, Ops: []event.ProfileOpRow{{Op: "$set", Value: p.Props}}}}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// lexBackend is the store queried as the API queries it: with the
// project's lexicon, here the top-level property names of the rows.
type lexBackend struct {
	s     *Store
	known map[string]bool
}

func (b lexBackend) Query(ctx context.Context, p query.Project, q *query.Query) (*query.Result, query.Stats, error) {
	p.KnownProperty = func(name string) bool { return b.known[name] }
	return b.s.Query(ctx, p, q)
}

// lexOf is the top-level property names of rows, as a lexicon has them.
func lexOf(t *testing.T, rows []event.Row) lexBackend {
	known := map[string]bool{}
	for _, r := range rows {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(r.Props, &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			known[k] = true
		}
	}
	return lexBackend{known: known}
}

// TestQueryConformance runs every shared query case on the cluster, with
// the dataset's property names known (trends with properties in SQL) and
// without (by rows).
func TestQueryConformance(t *testing.T) {
	testConfig(t)
	d := querytest.Dataset(t)
	s := openQuery(t, d)
	cases := querytest.Cases(t)
	if len(cases) < 20 {
		t.Fatalf("only %d cases", len(cases))
	}
	lex := lexOf(t, d.Rows)
	lex.s = s
	sql0 := propAnswers.Load()
	for _, mode := range []struct {
		name string
		b    query.Backend
	}{{"lexicon", lex}, {"no_lexicon", s}} {
		for _, c := range cases {
			t.Run(mode.name+"/"+c.Name, func(t *testing.T) {
				res, _, err := query.Run(context.Background(), mode.b, c.Project, c.Query)
				if err != nil {
					t.Fatal(err)
				}
				compare(t, c.Expected, res)
			})
		}
	}
	if propAnswers.Load() == sql0 {
		t.Error("no case was answered by propSeries")
	}
	t.Logf("%d answers by propSeries, %d fell back to rows (unsure rows)", propAnswers.Load()-sql0, propUnsure.Load())
}

// TestQueryTrendsTotal compares total-count and user trends in every interval and
// several time zones (DST changes inside the range) with the reference
// evaluator on the shared dataset, one named event and all events, and
// checks that the store's duplicate copies are counted once.
func TestQueryTrendsTotal(t *testing.T) {
	testConfig(t)
	d := querytest.Dataset(t)
	s := openQuery(t, d)
	ctx := context.Background()
	// A retried batch: stored twice by nobody's fault, read once.
	if _, err := s.Append(ctx, d.Rows[:5]); err != nil {
		t.Fatal(err)
	}
	if err := s.BulkLoad(ctx, d.Rows[5:10]); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	var from, to int64 = 1 << 62, 0
	for _, r := range d.Rows {
		names[r.Name] = true
		from, to = min(from, r.Time), max(to, r.Time)
	}
	var series [][]query.Series
	series = append(series, []query.Series{{}})
	for n := range names {
		series = append(series, []query.Series{{Event: n}, {}}, []query.Series{{Event: n, Math: query.Unique}, {Math: query.AvgPerUser}, {Math: query.DAU}},
			[]query.Series{{Event: n, Math: query.WAU}, {Math: query.MAU}})
		if len(series) > 10 {
			break
		}
	}
	day := func(ms int64, delta int) string {
		return time.UnixMilli(ms).UTC().AddDate(0, 0, delta).Format(time.DateOnly)
	}
	checked, broken := 0, 0
	for _, tz := range []string{"UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		for _, iv := range []query.Interval{query.Hour, query.Day, query.Week, query.Month} {
			for _, ss := range series {
				if iv == query.Hour && (ss[0].Math == query.WAU) {
					continue // not valid hourly
				}
				f, e := day(from, -1), day(to, 1)
				if iv == query.Hour {
					e = day(from, 2)
				}
				doc := &query.Query{Kind: query.Trends, From: f, To: e, Interval: iv, Series: ss}
				if len(ss) == 3 && ss[1].Math == query.AvgPerUser {
					// By event name, top 2 and the rest as other.
					doc.Breakdown, doc.BreakdownLimit = []query.Property{{Scope: query.ScopeEventName}}, 2
				}
				if err := doc.Validate(); err != nil {
					t.Fatalf("%s %s: %v", tz, iv, err)
				}
				p := query.Project{ID: querytest.ProjectID, Location: loc}
				want, err := reference.Eval(d.Rows, p, doc)
				if err != nil {
					t.Fatal(err)
				}
				got, _, err := query.Run(ctx, s, p, doc)
				if err != nil {
					t.Fatalf("%s %s: %v", tz, iv, err)
				}
				if wj, gj := mustJSON(t, want), mustJSON(t, got); querytest.Diff(wj, gj) != "" {
					t.Fatalf("%s %s %+v: %s\nwant %s\ngot  %s", tz, iv, ss, querytest.Diff(wj, gj), wj, gj)
				}
				if len(doc.Breakdown) > 0 {
					broken++
					if !strings.Contains(string(mustJSON(t, got)), query.Other) && len(names) > 2 {
						t.Fatalf("no %s group: %s", query.Other, mustJSON(t, got))
					}
				}
				checked++
			}
		}
	}
	if broken == 0 {
		t.Fatal("no breakdown checked")
	}
	t.Logf("%d queries (%d broken down by event name) agree with the reference evaluator", checked, broken)
}

// TestQueryPath: the queries SQL answers, and why the others go by rows.
func TestQueryPath(t *testing.T) {
	for _, c := range []struct {
		q    query.Query
		want string
	}{
		{query.Query{Kind: query.Funnels}, "funnels"},
		{query.Query{Kind: query.Retention}, "retention"},
		{query.Query{Kind: query.Trends, Series: []query.Series{{Math: query.Sum, Property: "x"}}}, `"sum"`},
		{query.Query{Kind: query.Trends, Breakdown: []query.Property{{Name: "x"}}}, "breakdown by a property"},
		{query.Query{Kind: query.Trends, Series: []query.Series{{Math: query.MAU}}, Breakdown: []query.Property{{Scope: query.ScopeEventName}}}, `"mau" and a breakdown`},
	} {
		err := sqlPath(&c.q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v", c.q, err)
		}
	}
	if err := sqlPath(&query.Query{Kind: query.Trends, Series: []query.Series{{Event: "e"}}}); err != nil {
		t.Error(err)
	}
}

// TestQueryDifferential compares random queries of every kind (filters,
// breakdowns by property, profile and expression, every math, funnels,
// retention, addiction) on random event sets, a third of them stored
// twice, with the reference evaluator.
func TestQueryDifferential(t *testing.T) {
	testConfig(t)
	n := 12
	if v, err := strconv.Atoi(os.Getenv("SIEVE_CH_DIFF_SETS")); err == nil && v > 0 {
		n = v
	}
	sets := 0
	sql0, unsure0 := propAnswers.Load(), propUnsure.Load()
	querytest.Differential(t, func(t *testing.T, d querytest.Data) query.Backend {
		s := openQuery(t, d)
		// A third of the rows stored twice (a retried batch), read once.
		if err := s.BulkLoad(context.Background(), d.Rows[:len(d.Rows)/3]); err != nil {
			t.Fatal(err)
		}
		// Two sets of three with the rows' property names known (trends
		// with properties in SQL), one without (by rows).
		if sets++; sets%3 == 0 {
			return s
		}
		lex := lexOf(t, d.Rows)
		lex.s = s
		return lex
	}, n)
	t.Logf("%d trends by propSeries, %d fell back to rows (unsure rows)", propAnswers.Load()-sql0, propUnsure.Load()-unsure0)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// compare fails t when res differs from the expected JSON.
func compare(t *testing.T, want []byte, res *query.Result) {
	t.Helper()
	got := mustJSON(t, res)
	if d := querytest.Diff(want, got); d != "" {
		t.Errorf("result differs: %s\ngot:\n%s", d, got)
	}
}

// TestQueryNoValueInLogs runs trends on an event name that is a unique
// value, counting its events and users, and then finds the value in no
// server log (the servers log every statement's text; a positive control
// proves it) and in no error.
func TestQueryNoValueInLogs(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	serverLogs(t) // skips without SIEVE_CH_DIR
	ctx := context.Background()
	name, control := canary(t), canary(t)
	rows := []event.Row{{ProjectID: 1, Time: base, Name: name, DistinctID: "d1", InsertID: "a", Props: []byte(`{}`)},
		{ProjectID: 1, Time: base + 1, Name: name, DistinctID: "d2", InsertID: "b", Props: []byte(`{"$user_id":"d1"}`)}}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	day := time.UnixMilli(base).UTC().Format(time.DateOnly)
	q := &query.Query{Kind: query.Trends, From: day, To: day, Interval: query.Day,
		Series: []query.Series{{Event: name}, {Event: name, Math: query.Unique}}}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, st, err := query.Run(ctx, s, query.Project{ID: 1}, q)
	if err != nil {
		t.Fatal(err)
	}
	if st.RowsScanned != 2 {
		t.Errorf("rows scanned %d, want 2", st.RowsScanned)
	}
	if v := res.Trends.Series; len(v) != 2 || v[0].Values[0] != 2 || v[1].Values[0] != 1 {
		t.Fatalf("trends: %+v", v)
	}
	if _, err := s.q.queryString(ctx, "SELECT '"+control+"'"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !bytes.Contains(serverLogs(t), []byte(control)); {
		if time.Now().After(deadline) {
			t.Fatal("positive control: a statement's text is not in the server log (log level must be debug)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if bytes.Contains(serverLogs(t), []byte(name)) {
		t.Fatal("the event name of a query reached a server log")
	}
}

// TestQueryManyBuckets: 4,800 hourly and 5,000 daily buckets (the
// statement would be too long for the server's URL limit if the bucket
// starts were in it) agree with the reference evaluator.
func TestQueryManyBuckets(t *testing.T) {
	testConfig(t)
	d := querytest.Dataset(t)
	s := openQuery(t, d)
	loc, _ := time.LoadLocation("Europe/Berlin")
	p := query.Project{ID: querytest.ProjectID, Location: loc}
	first := time.UnixMilli(d.Rows[0].Time).UTC()
	for _, c := range []struct {
		iv   query.Interval
		days int
	}{{query.Hour, 200}, {query.Day, 5000}, {query.Week, 5000}} {
		q := &query.Query{Kind: query.Trends, From: first.AddDate(0, 0, -c.days/2).Format(time.DateOnly),
			To: first.AddDate(0, 0, c.days/2-1).Format(time.DateOnly), Interval: c.iv,
			Series: []query.Series{{}, {Math: query.Unique}, {Math: query.MAU}}}
		if c.iv == query.Hour {
			q.Series = q.Series[:2]
		}
		if err := q.Validate(); err != nil {
			t.Fatal(err)
		}
		want, err := reference.Eval(d.Rows, p, q)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := query.Run(context.Background(), s, p, q)
		if err != nil {
			t.Fatalf("%s: %v", c.iv, err)
		}
		if wj, gj := mustJSON(t, want), mustJSON(t, got); querytest.Diff(wj, gj) != "" {
			t.Fatalf("%s: %s", c.iv, querytest.Diff(wj, gj))
		}
		if n := len(got.Trends.Buckets); n < 700 {
			t.Fatalf("%s: only %d buckets", c.iv, n)
		}
	}
}

// TestQueryRowsNoValueInLogs runs the queries answered by rows — filters,
// a where expression, property, profile and expression breakdowns, a
// numeric math, funnels with an exclusion, retention, addiction — with
// event names, property names and values that are unique values, checks
// their answers, and then finds none of those values in any server log (a
// positive control proves statements are logged) nor in an error.
func TestQueryRowsNoValueInLogs(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	serverLogs(t) // skips without SIEVE_CH_DIR
	ctx := context.Background()
	e1, e2, ex := canary(t), canary(t), canary(t)
	pn, pv, num, up, uv := canary(t), canary(t), canary(t), canary(t), canary(t)
	control := canary(t)
	props := func(v string, x int) []byte {
		return []byte(`{"` + pn + `":"` + v + `","` + num + `":` + strconv.Itoa(x) + `}`)
	}
	rows := []event.Row{
		{ProjectID: 1, Time: base, Name: e1, DistinctID: "u1", InsertID: "a", Props: props(pv, 5)},
		{ProjectID: 1, Time: base + 60_000, Name: e2, DistinctID: "u1", InsertID: "b", Props: props(pv, 7)},
		{ProjectID: 1, Time: base + 1000, Name: e1, DistinctID: "u2", InsertID: "c", Props: props("other", 1)},
		{ProjectID: 1, Time: base + 2000, Name: ex, DistinctID: "u2", InsertID: "d", Props: props("other", 1)},
		{ProjectID: 1, Time: base + 3000, Name: e2, DistinctID: "u2", InsertID: "e", Props: props("other", 1)},
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: "u1", Time: 1, IgnoreTime: true,
		Ops: []event.ProfileOpRow{{Op: "$set", Value: []byte(`{"` + up + `":"` + uv + `"}`)}}}}); err != nil {
		t.Fatal(err)
	}
	day := time.UnixMilli(base).UTC().Format(time.DateOnly)
	where, err := expr.Parse(`properties["` + pn + `"] == "` + pv + `" or user["` + up + `"] == "` + uv + `"`)
	if err != nil {
		t.Fatal(err)
	}
	cond := &expr.Filter{Property: pn, Operator: "eq", Value: pv}
	cases := []struct {
		doc  string
		q    *query.Query
		want string // in the JSON answer
	}{
		{"trends", &query.Query{Kind: query.Trends, From: day, To: day, Filter: cond, Series: []query.Series{{Event: e1}, {Math: query.Sum, Property: num}},
			Breakdown: []query.Property{{Name: pn}, {Name: up, Scope: query.ScopeUser}}}, `"values":[12]`},
		{"where", &query.Query{Kind: query.Trends, From: day, To: day, Where: where, Series: []query.Series{{Math: query.Unique}}}, `"values":[1]`},
		{"funnel", &query.Query{Kind: query.Funnels, From: day, To: day, Series: []query.Series{{Event: e1}, {Event: e2, Filter: cond}},
			Funnel: &query.FunnelOptions{Exclusions: []query.Exclusion{{Event: ex, From: 0, To: 1}}}}, `"count":1`},
		{"retention", &query.Query{Kind: query.Retention, From: day, To: day, Retention: &query.RetentionOptions{Start: query.Series{Event: e1},
			Return: query.Series{Event: e2, Filter: cond}}, Breakdown: []query.Property{{Source: `user["` + up + `"]`}}}, `"size":1`},
		{"addiction", &query.Query{Kind: query.Addiction, From: day, To: day, Interval: query.Week, Series: []query.Series{{Event: e1, Filter: cond}},
			Addiction: &query.AddictionOptions{Unit: query.Day}}, `"counts":[1,0,0,0,0,0,0]`},
	}
	for _, c := range cases {
		if err := c.q.Validate(); err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		res, _, err := query.Run(ctx, s, query.Project{ID: 1}, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		got, _ := json.Marshal(res)
		if !strings.Contains(string(got), c.want) {
			t.Errorf("%s: %s lacks %s", c.doc, got, c.want)
		}
	}
	if _, err := s.q.queryString(ctx, "SELECT '"+control+"'"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !bytes.Contains(serverLogs(t), []byte(control)); {
		if time.Now().After(deadline) {
			t.Fatal("positive control: a statement's text is not in the server log (log level must be debug)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs := serverLogs(t)
	for _, v := range []string{e1, e2, ex, pn, pv, num, up, uv} {
		if bytes.Contains(logs, []byte(v)) {
			t.Fatalf("a value of a query reached a server log")
		}
	}
}

// TestQueryRowsMemoryLimit: a query by rows beyond the context's memory
// budget fails with query.ErrMemoryLimit (the API's 422); with room, it
// answers.
func TestQueryRowsMemoryLimit(t *testing.T) {
	testConfig(t)
	d := querytest.Dataset(t)
	s := openQuery(t, d)
	c := querytest.Cases(t)
	for _, c := range c {
		if c.Name != "profile_trends_breakdown" && c.Name != "funnel_ordered" {
			continue
		}
		_, _, err := query.Run(query.WithMemoryLimit(context.Background(), 512), s, c.Project, c.Query)
		if !errors.Is(err, query.ErrMemoryLimit) {
			t.Errorf("%s in 512 bytes: %v", c.Name, err)
		}
		res, _, err := query.Run(query.WithMemoryLimit(context.Background(), 64<<20), s, c.Project, c.Query)
		if err != nil {
			t.Fatalf("%s in 64 MiB: %v", c.Name, err)
		}
		compare(t, c.Expected, res)
	}
}
