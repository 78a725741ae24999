package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

// TestQueryDedupCandidates stores copies of rows the ways they arise — a
// row with an insert id stored twice (two Sieve nodes at once; here
// BulkLoad, which does not look up stored keys) and a row without one
// copied as a property purge's rewrite does (same nodup, gen + 1, on the
// same shard) — and checks that the SQL trends count each row once
// (eventCountSeries and countSeries against the reference evaluator),
// while a plain count() of the table sees the copies (positive control).
func TestQueryDedupCandidates(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	var rows []event.Row
	for i := range 60 {
		r := event.Row{ProjectID: 1, Time: base + int64(i)*3_600_000, Name: []string{"a", "b", "c"}[i%3],
			DistinctID: "u" + strconv.Itoa(i%7), Props: []byte(fmt.Sprintf(`{"n":%d}`, i))}
		if i%2 == 0 {
			r.InsertID = "i" + strconv.Itoa(i)
		}
		rows = append(rows, r)
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	// Copies: every row with an insert id whose index is a multiple of 4,
	// inserted again; and every row without one whose index is 1 mod 4,
	// rewritten on its shard with a higher generation.
	var again []event.Row
	for i := 0; i < len(rows); i += 4 {
		again = append(again, rows[i])
	}
	if err := s.BulkLoad(ctx, again); err != nil {
		t.Fatal(err)
	}
	for _, n := range s.nodes {
		if err := n.exec(ctx, "INSERT INTO "+s.db+".events_local (project_id, time, event, distinct_id, insert_id, nodup, props, ver, k, gen)"+
			" SELECT project_id, time, event, distinct_id, insert_id, nodup, props, ver + 1, k, 1 FROM "+s.db+".events_local"+
			fmt.Sprintf(" WHERE k = 0 AND intDiv(time - %d, 3600000) %% 4 = 1", base), nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := s.plan(ctx, 1, 0, base+10*86_400_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.hashes) != 30 {
		t.Errorf("the plan has %d shared hashes, want 30", len(plan.hashes))
	}
	raw, err := s.q.queryString(ctx, "SELECT count() FROM "+s.db+".events")
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(len(rows) + 15 + 15); raw != want {
		t.Fatalf("positive control: %s rows stored, want %s (the copies)", raw, want)
	}
	day := time.UnixMilli(base).UTC().Format(time.DateOnly)
	to := time.UnixMilli(base).UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	p := query.Project{ID: 1}
	lex := lexBackend{s: s, known: map[string]bool{"n": true}}
	for _, q := range []*query.Query{
		{Kind: query.Trends, From: day, To: to, Interval: query.Day, Series: []query.Series{{}, {Event: "b"}}},
		{Kind: query.Trends, From: day, To: to, Interval: query.Hour, Series: []query.Series{{}}},
		{Kind: query.Trends, From: day, To: to, Interval: query.Day, Series: []query.Series{{}, {Math: query.Unique}},
			Breakdown: []query.Property{{Scope: query.ScopeEventName}}, BreakdownLimit: 2},
		{Kind: query.Trends, From: day, To: to, Interval: query.Day, Series: []query.Series{{Math: query.Sum, Property: "n"}, {Math: query.Unique, Event: "a"}}},
		{Kind: query.Funnels, From: day, To: to, Series: []query.Series{{Event: "a"}, {Event: "b"}}, Funnel: &query.FunnelOptions{Window: 1}},
		{Kind: query.Retention, From: day, To: to, Interval: query.Day, Retention: &query.RetentionOptions{Start: query.Series{Event: "a"}, Intervals: 2}},
		{Kind: query.Addiction, From: day, To: to, Interval: query.Day, Series: []query.Series{{Event: "c"}}, Addiction: &query.AddictionOptions{Unit: query.Hour}},
	} {
		if err := q.Validate(); err != nil {
			t.Fatal(err)
		}
		want, err := reference.Eval(rows, p, q)
		if err != nil {
			t.Fatal(err)
		}
		got, st, err := query.Run(ctx, s, p, q)
		if err != nil {
			t.Fatal(err)
		}
		compare(t, mustJSON(t, want), got)
		// The shared hashes computed inside the statements (the plan's
		// fall-back when parts keep changing under a query).
		got, err = s.answer(withPlan(ctx, &dedupPlan{inline: true}), p, q)
		if err != nil {
			t.Fatal(err)
		}
		compare(t, mustJSON(t, want), got)
		if q.Kind == query.Trends && q.Series[0].Math == query.Sum {
			// Trends with a property: by rows above, in SQL with the
			// lexicon.
			n := propAnswers.Load()
			got, _, err := query.Run(ctx, lex, p, q)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, mustJSON(t, want), got)
			if propAnswers.Load() == n {
				t.Error("the trends with a property known to the lexicon were not answered in SQL")
			}
		}
		if st.RowsScanned != int64(len(rows)+30) {
			t.Errorf("rows scanned %d, want %d", st.RowsScanned, len(rows)+30)
		}
	}
}

// TestQueryPlanParts: a plan stays valid across a merge of the planned
// parts (OPTIMIZE) and not across an insert.
func TestQueryPlanParts(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	row := func(i int) event.Row {
		return event.Row{ProjectID: 1, Time: base + int64(i), Name: "a", DistinctID: "u" + strconv.Itoa(i), InsertID: strconv.Itoa(i), Props: []byte(`{}`)}
	}
	for i := range 4 { // four inserts: several parts per shard
		if _, err := s.Append(ctx, []event.Row{row(2 * i), row(2*i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	to := base + 86_400_000
	d, err := s.plan(ctx, 1, base, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range s.nodes {
		if err := n.exec(ctx, "OPTIMIZE TABLE "+s.db+".events_local FINAL", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	merged := false
	for si := range s.nodes {
		parts, _, err := s.partsOf(ctx, si, 1, base, to)
		if err != nil {
			t.Fatal(err)
		}
		merged = merged || !maps.Equal(parts, d.parts[si])
	}
	if !merged {
		t.Fatal("positive control: OPTIMIZE merged no parts")
	}
	if same, err := s.unchanged(ctx, d, 1, base, to); err != nil || !same {
		t.Fatalf("after a merge: unchanged %v, %v; want true", same, err)
	}
	if _, err := s.Append(ctx, []event.Row{row(100)}); err != nil {
		t.Fatal(err)
	}
	if same, err := s.unchanged(ctx, d, 1, base, to); err != nil || same {
		t.Fatalf("after an insert: unchanged %v, %v; want false", same, err)
	}
}
