package duckdb

import (
	"context"
	"errors"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
)

func openQuery(opts Options) querytest.Open {
	return func(t *testing.T, d querytest.Data) query.Backend {
		s, err := Open(t.TempDir(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		loadQueryData(t, s, d)
		return s
	}
}

// loadQueryData appends d's events and sets d's profiles ($set of their
// properties, in project querytest.ProjectID).
func loadQueryData(t *testing.T, s *Store, d querytest.Data) {
	t.Helper()
	if len(d.Rows) > 0 {
		if _, err := s.Append(context.Background(), d.Rows); err != nil {
			t.Fatal(err)
		}
	}
	var ups []event.ProfileRow
	for _, p := range d.Profiles {
		ups = append(ups, event.ProfileRow{ProjectID: querytest.ProjectID, Kind: event.People, ID: p.ID, Time: 1,
			IgnoreTime: true, Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: p.Props}}})
	}
	if len(ups) > 0 {
		if err := s.UpdateProfiles(context.Background(), ups); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQueryConformance(t *testing.T) {
	querytest.Run(t, openQuery(Options{}))
}

// TestQueryConformanceSealed reads the dataset from sealed Parquet files
// and an active file at once.
func TestQueryConformanceSealed(t *testing.T) {
	querytest.Run(t, openQuery(Options{SealBytes: 1 << 10, GroupRows: 4}))
}

func TestQueryDifferential(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 8
	}
	querytest.Differential(t, openQuery(Options{SealBytes: 4 << 10}), n)
}

// TestQueryInputIsNeverSQL: names from the document are parameters, so
// quotes, JSON-path syntax and SQL in them are just names.
func TestQueryInputIsNeverSQL(t *testing.T) {
	name := `a'b"); DROP TABLE events; --`
	prop := `p."q"[0]/~x'`
	rows := []event.Row{
		{ProjectID: 7, Time: 1772323200000, Name: name, DistinctID: "u1", InsertID: "1", Props: []byte(`{"p.\"q\"[0]/~x'":"v'1"}`)},
		{ProjectID: 7, Time: 1772323200001, Name: name, DistinctID: "u2", InsertID: "2", Props: []byte(`{"p.\"q\"[0]/~x'":"v'1"}`)},
		{ProjectID: 7, Time: 1772323200002, Name: "other", DistinctID: "u2", InsertID: "3", Props: []byte(`{}`)},
	}
	b := openQuery(Options{})(t, querytest.Data{Rows: rows})
	q := &query.Query{Kind: query.Trends, From: "2026-03-01", To: "2026-03-01", Series: []query.Series{{Event: name, Math: query.Unique}},
		Breakdown: []query.Property{{Name: prop}}}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, _, err := query.Run(context.Background(), b, query.Project{ID: 7}, q)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Trends.Series; len(s) != 1 || s[0].Breakdown[0] != "v'1" || s[0].Values[0] != 2 {
		t.Errorf("got %+v", s)
	}
}

// TestQueryLimits: a cancelled query stops with the context's error, and
// a funnel over its memory budget with query.ErrMemoryLimit.
func TestQueryLimits(t *testing.T) {
	b := openQuery(Options{})(t, querytest.Dataset(t))
	p := query.Project{ID: querytest.ProjectID}
	funnel, err := query.Parse([]byte(`{"kind":"funnels","from":"2026-03-01","to":"2026-03-31","series":[{"event":"Viewed page"},{"event":"Signed up"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := query.Run(ctx, b, p, funnel); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, _, err := query.Run(query.WithMemoryLimit(context.Background(), 100), b, p, funnel); !errors.Is(err, query.ErrMemoryLimit) {
		t.Errorf("over the memory limit: %v", err)
	}
	if _, _, err := query.Run(query.WithMemoryLimit(context.Background(), 1<<20), b, p, funnel); err != nil {
		t.Errorf("within the memory limit: %v", err)
	}
}
