package clickhouse

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

// TestQueryPropertyReader stores property texts that 18.16's
// visitParamExtractRaw would misread (the key nested before the top-level
// one, repeated, spelt with an escape, followed by a space, a value with
// escapes, an exponent, an object, the name as an earlier value) beside
// plain ones: with only plain rows the trends are answered in SQL, with
// one tricky row added they fall back to rows; every answer equals the
// reference evaluator's.
func TestQueryPropertyReader(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	plain := []string{`{"k":"top","n":5}`, `{"k":"top","n":-2.5}`, `{"k":true,"n":1}`, `{"k":null}`, `{}`, `{"n":"7","k":"b{c"}`,
		`{"x":1,"k":"other","n":3}`, `{"k":12,"n":0.25}`}
	tricky := []string{`{"a":{"k":"nested"},"k":"top"}`, `{"k":"first","k":"top"}`, `{"k" : "top"}`, `{"\u006b":"top"}`,
		`{"k":"to\u0070"}`, `{"k":"a\\b"}`, `{"k":"\"top\""}`, `{"k": "top"}`, `{"n":5 }`, `{"k":1e3,"n":1}`, `{"k":{"x":1}}`, `{"k":[1]}`, `{"x":"k","k":"top"}`, `{"n":2e400}`,
		`{"x":"a\"k","k":"top"}`, `{"a":[{"k":"in array"}],"k":"top"}`}
	sets := [][]string{plain}
	for _, tr := range tricky {
		sets = append(sets, append(append([]string(nil), plain...), tr))
	}
	var rows []event.Row
	for i, set := range sets {
		for j, pj := range set {
			if !json.Valid([]byte(pj)) {
				t.Fatalf("invalid test JSON %s", pj)
			}
			rows = append(rows, event.Row{ProjectID: int64(100 + i), Time: base + int64(j)*1000, Name: "e", DistinctID: "u" + string(rune('a'+j%3)),
				InsertID: "i" + string(rune('a'+j)), Props: []byte(pj)})
		}
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	day := time.UnixMilli(base).UTC().Format(time.DateOnly)
	queries := []string{
		`{"kind":"trends","from":"` + day + `","to":"` + day + `","series":[{"event":"e"}],"breakdown":[{"property":"k"}]}`,
		`{"kind":"trends","from":"` + day + `","to":"` + day + `","series":[{"event":"e","math":"sum","property":"n"},{"math":"p90","property":"k"}],"filter":{"property":"k","operator":"eq","value":"top"}}`,
		`{"kind":"trends","from":"` + day + `","to":"` + day + `","series":[{"math":"unique"}],"filter":{"or":[{"property":"k","operator":"is_set"},{"property":"k","operator":"eq","value":true}]},"breakdown":[{"property":"n"}],"breakdown_limit":2}`,
		`{"kind":"trends","from":"` + day + `","to":"` + day + `","series":[{"math":"avg","property":"n"},{"math":"max","property":"n"}],"filter":{"property":"k","operator":"not_in","value":["top","other"]}}`,
	}
	for i, set := range sets {
		var prow []event.Row
		for _, r := range rows {
			if r.ProjectID == int64(100+i) {
				prow = append(prow, r)
			}
		}
		p := query.Project{ID: int64(100 + i), Location: time.UTC, KnownProperty: func(n string) bool { return n == "k" || n == "n" }}
		ref := reference.Backend{Rows: prow}
		for _, doc := range queries {
			q, err := query.Parse([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if err := propPath(p, q); err != nil {
				t.Fatalf("%s: not in SQL: %v", doc, err)
			}
			sql0, unsure0 := propAnswers.Load(), propUnsure.Load()
			want, _, err := query.Run(ctx, ref, p, q)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := query.Run(ctx, s, p, q)
			if err != nil {
				t.Fatalf("set %v: %s: %v", set, doc, err)
			}
			wj, gj := mustJSON(t, want), mustJSON(t, got)
			if d := querytest.Diff(wj, gj); d != "" {
				t.Fatalf("set %v: %s: %s\nwant %s\ngot %s", set, doc, d, wj, gj)
			}
			sql, unsure := propAnswers.Load()-sql0, propUnsure.Load()-unsure0
			if i == 0 && sql != 1 {
				t.Logf("sql %d unsure %d", sql, unsure)
				t.Errorf("plain rows: %s not answered in SQL", doc)
			}
			if i > 0 && unsure != 1 && (strings.Contains(set[len(set)-1], `"k"`) || !strings.HasPrefix(doc, queries[0])) {
				t.Errorf("%s: %s did not fall back to rows", set[len(set)-1], doc)
			}
		}
	}
}

// TestQuerySQLNoValueInLogs: trends pushed down to SQL write the property
// names the lexicon holds in their statements (found in the servers' logs:
// the positive control that SQL answered), but no value of the request
// (event names, filter strings, a name the lexicon does not hold) reaches
// a log or an error.
func TestQuerySQLNoValueInLogs(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	serverLogs(t) // skips without SIEVE_CH_DIR
	ctx := context.Background()
	e1 := canary(t)
	pn, num, flag, hidden := canary(t), canary(t), canary(t), canary(t)
	pv, pv2, hv := canary(t), canary(t), canary(t)
	props := func(v string, x int, f bool) []byte {
		b, _ := json.Marshal(map[string]any{pn: v, num: x, flag: f, hidden: hv})
		return b
	}
	rows := []event.Row{
		{ProjectID: 1, Time: base, Name: e1, DistinctID: "u1", InsertID: "a", Props: props(pv, 5, true)},
		{ProjectID: 1, Time: base + 1000, Name: e1, DistinctID: "u1", InsertID: "b", Props: props(pv, 7, false)},
		{ProjectID: 1, Time: base + 2000, Name: e1, DistinctID: "u2", InsertID: "c", Props: props(pv2, 1, true)},
		{ProjectID: 1, Time: base + 3000, Name: "other", DistinctID: "u3", InsertID: "d", Props: props(pv2, 100, true)},
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	day := time.UnixMilli(base).UTC().Format(time.DateOnly)
	p := query.Project{ID: 1, KnownProperty: func(n string) bool { return n == pn || n == num || n == flag }}
	where, err := expr.Parse(`properties["` + flag + `"] == true and defined(properties["` + num + `"])`)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    *query.Query
		want string
		sql  bool
	}{
		{&query.Query{Kind: query.Trends, From: day, To: day, Filter: &expr.Filter{Property: pn, Operator: "eq", Value: pv},
			Series: []query.Series{{Event: e1}, {Math: query.Sum, Property: num}}, Breakdown: []query.Property{{Name: pn}}}, `"values":[12]`, true},
		{&query.Query{Kind: query.Trends, From: day, To: day, Filter: &expr.Filter{Property: pn, Operator: "in", Value: []any{pv, pv2}},
			Series: []query.Series{{Event: e1, Math: query.Unique}}, Breakdown: []query.Property{{Name: pn}}, BreakdownLimit: 1}, `"$other"`, true},
		{&query.Query{Kind: query.Trends, From: day, To: day, Where: where, Series: []query.Series{{Math: query.P90, Property: num}}}, `"values":[81]`, true},
		{&query.Query{Kind: query.Trends, From: day, To: day, Filter: &expr.Filter{Property: hidden, Operator: "eq", Value: hv},
			Series: []query.Series{{Event: e1}}}, `"values":[3]`, false},
		// A total without properties (shard aggregation, slot buckets)
		// and a funnel (per-user arrays): no property, the event name in
		// an external table.
		{&query.Query{Kind: query.Trends, From: day, To: day, Series: []query.Series{{Event: e1}}}, `"values":[3]`, false},
		{&query.Query{Kind: query.Funnels, From: day, To: day, Series: []query.Series{{Event: e1}, {Event: e1}},
			Funnel: &query.FunnelOptions{Window: 1}}, `"count":1`, false},
	}
	for i, c := range cases {
		if err := c.q.Validate(); err != nil {
			t.Fatal(err)
		}
		sql0 := propAnswers.Load()
		res, _, err := query.Run(ctx, s, p, c.q)
		if err != nil {
			for _, v := range []string{e1, pv, pv2, hidden, hv} {
				if strings.Contains(err.Error(), v) {
					t.Fatal("a value of a query is in an error")
				}
			}
			t.Fatalf("case %d: %v", i, err)
		}
		if got := propAnswers.Load() > sql0; got != c.sql {
			t.Errorf("case %d: answered in SQL %v, want %v", i, got, c.sql)
		}
		got, _ := json.Marshal(res)
		if !strings.Contains(string(got), c.want) {
			t.Errorf("case %d: %s lacks %s", i, got, c.want)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); !bytes.Contains(serverLogs(t), []byte(pn)); {
		if time.Now().After(deadline) {
			t.Fatal("positive control: the known property name is not in a server log (no SQL answer, or log level not debug)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Positive controls: the statements of the new paths are logged.
	for _, stmt := range []string{"arrayElement(sb, intDiv(time - ", "groupArray(event) AS es"} {
		for deadline := time.Now().Add(10 * time.Second); !bytes.Contains(serverLogs(t), []byte(stmt)); {
			if time.Now().After(deadline) {
				t.Fatalf("positive control: no statement with %q in the server logs", stmt)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	logs := serverLogs(t)
	for _, v := range []string{e1, pv, pv2, hidden, hv} {
		if bytes.Contains(logs, []byte(v)) {
			t.Fatal("a value of a query, or a name the lexicon does not hold, reached a server log")
		}
	}
}

// TestPropPath: which trends with properties SQL answers: only names the
// lexicon holds, and filters of the subset.
func TestPropPath(t *testing.T) {
	known := query.Project{ID: 1, KnownProperty: func(n string) bool { return n == "plan" || n == "n" || n == "distinct_id" || n == `a"b` }}
	day := `"from":"2026-01-01","to":"2026-01-02"`
	for _, c := range []struct {
		doc string
		p   query.Project
		sql bool
	}{
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"plan"}]}`, known, true},
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"plan"}]}`, query.Project{ID: 1}, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"other"}]}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"distinct_id"}]}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"a\"b"}]}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"n","bins":4}]}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"breakdown":[{"property":"plan","scope":"user"}]}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{"math":"p99","property":"n"}],"filter":{"and":[{"event":["a","b"]},{"property":"plan","operator":"ne","value":"x"},{"property":"n","operator":"is_not_set"}]}}`, known, true},
		{`{"kind":"trends",` + day + `,"series":[{"math":"mau"}],"filter":{"property":"plan","operator":"eq","value":"x"}}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"filter":{"property":"plan","operator":"contains","value":"x"}}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{}],"filter":{"property":"n","operator":"eq","value":3}}`, known, false},
		{`{"kind":"trends",` + day + `,"series":[{"filter":{"property":"plan","operator":"in","value":["x",true]}}]}`, known, true},
		{`{"kind":"trends",` + day + `,"series":[{"filter":{"property":"plan","operator":"in","value":["x",3]}}]}`, known, false},
		{`{"kind":"funnels",` + day + `,"series":[{"event":"a"},{"event":"b"}],"breakdown":[{"property":"plan"}]}`, known, false},
	} {
		q, err := query.Parse([]byte(c.doc))
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		if got := propPath(c.p, q) == nil; got != c.sql {
			t.Errorf("%s: in SQL %v, want %v", c.doc, got, c.sql)
		}
	}
}
