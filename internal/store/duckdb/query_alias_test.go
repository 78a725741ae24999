package duckdb

import (
	"context"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

// TestQueryAliasLinks: events sent under an alias count as the user the
// alias call names, even when the call comes after them; an
// alias of a number is no link. DuckDB and the reference agree.
func TestQueryAliasLinks(t *testing.T) {
	day := int64(1772323200000) // 2026-03-01
	rows := []event.Row{
		{ProjectID: 7, Time: day, Name: "view", DistinctID: "anon-a", InsertID: "1", Props: []byte(`{}`)},
		{ProjectID: 7, Time: day + 1, Name: "view", DistinctID: "user-a", InsertID: "2", Props: []byte(`{}`)},
		{ProjectID: 7, Time: day + 2, Name: "view", DistinctID: "anon-b", InsertID: "3", Props: []byte(`{}`)},
		{ProjectID: 7, Time: day + 3, Name: "view", DistinctID: "anon-c", InsertID: "4", Props: []byte(`{}`)},
		{ProjectID: 7, Time: day + 10, Name: "$create_alias", DistinctID: "user-a", InsertID: "5", Props: []byte(`{"alias":"anon-a"}`)},
		{ProjectID: 7, Time: day + 11, Name: "$merge_dangerously", DistinctID: "user-a", InsertID: "6", Props: []byte(`{"alias":"anon-b"}`)},
		{ProjectID: 7, Time: day + 12, Name: "$create_alias", DistinctID: "user-a", InsertID: "7", Props: []byte(`{"alias":12}`)},
	}
	q := &query.Query{Kind: query.Trends, From: "2026-03-01", To: "2026-03-01", Series: []query.Series{{Event: "view", Math: query.Unique}}}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]query.Backend{"duckdb": openQuery(Options{})(t, querytest.Data{Rows: rows}), "reference": reference.Backend{Rows: rows}} {
		res, _, err := query.Run(context.Background(), b, query.Project{ID: 7}, q)
		if err != nil {
			t.Fatal(err)
		}
		// user-a (with anon-a and anon-b) and anon-c.
		if s := res.Trends.Series; len(s) != 1 || s[0].Values[0] != 2 {
			t.Errorf("%s: unique users %+v, want 2", name, s)
		}
	}
}
