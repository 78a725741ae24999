package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// TestRowsIn: the rows a query reports scanned, counted from the manifest
// for whole partitions and in SQL at the edges and in active files, equal
// a plain count over the events relation, for ranges that start and end
// mid-day and at midnight, over sealed files and an active file.
func TestRowsIn(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	var rows []event.Row
	for i := range 500 {
		rows = append(rows, event.Row{ProjectID: 1 + int64(i%2), Time: t0 + int64(i)*997_000, Name: "e", DistinctID: "u", InsertID: fmt.Sprint(i), Props: []byte(`{}`)})
	}
	mustAppend(t, s, rows[:300])
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s, rows[300:])
	ranges := [][2]int64{{t0, t0 + dayMs}, {t0 - 5*dayMs, t0 + 10*dayMs}, {t0 + 3_600_000, t0 + dayMs + 7_200_000}, {0, t0 + 2*dayMs + 1}, {t0 + 4*dayMs, t0 + 5*dayMs}}
	for _, r := range ranges {
		var want, got int64
		err := s.eventsAt(ctx, 1, 0, r[1], nil, func(ctx context.Context, conn *sql.Conn, rel string, v *version, _ []string) error {
			if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE time >= %d", rel, r[0])).Scan(&want); err != nil {
				return err
			}
			var err error
			got, err = s.rowsIn(ctx, conn, v, 1, r[0], r[1])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != want || (r[1]-r[0] > dayMs && want == 0) {
			t.Errorf("range %v: rowsIn = %d, count = %d", r, got, want)
		}
	}
}
