package duckdb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// BenchmarkExportWhere exports 200,000 sealed events of benchProps' shape
// (plan varied so that where keeps a quarter of them) three ways: all rows,
// where pushed into the store's SQL, and all rows filtered in Go with
// expr.Eval (what a caller without pushdown would do). One op is one export.
func BenchmarkExportWhere(b *testing.B) {
	const n = 200_000
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var props map[string]any
	if err := json.Unmarshal(benchProps, &props); err != nil {
		b.Fatal(err)
	}
	rows := make([]event.Row, 0, 5000)
	for i := 0; i < n; i++ {
		props["plan"] = []string{"pro", "free", "team", "trial"}[i%4]
		props["$browser_version"] = 100 + i%40
		p, _ := json.Marshal(props)
		rows = append(rows, event.Row{ProjectID: 1, Time: t0 + int64(i)*100, Name: "page view",
			DistinctID: "u" + strconv.Itoa(i%5000), InsertID: strconv.Itoa(i), Props: p})
		if len(rows) == cap(rows) {
			if _, err := s.Append(context.Background(), rows); err != nil {
				b.Fatal(err)
			}
			rows = rows[:0]
		}
	}
	if err := s.Seal(context.Background()); err != nil {
		b.Fatal(err)
	}
	q := store.ExportQuery{ProjectID: 1, From: t0, To: t0 + n*100}
	export := func(b *testing.B, q store.ExportQuery, keep func(*event.Row) bool) int {
		kept := 0
		err := s.Export(context.Background(), q, func(r *event.Row) error {
			if keep == nil || keep(r) {
				kept++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return kept
	}
	b.Run("all", func(b *testing.B) {
		for range b.N {
			if got := export(b, q, nil); got != n {
				b.Fatalf("%d rows", got)
			}
		}
	})
	for _, tc := range []struct{ name, where string }{
		{"one", `properties["plan"] == "pro"`},
		{"three", `properties["plan"] == "pro" and properties["$browser"] == "Chrome" and properties["$browser_version"] >= 100`},
	} {
		where, err := expr.Parse(tc.where)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("where=%s/store", tc.name), func(b *testing.B) {
			wq := q
			wq.Where = where
			for range b.N {
				if got := export(b, wq, nil); got != n/4 {
					b.Fatalf("%d rows", got)
				}
			}
		})
		b.Run(fmt.Sprintf("where=%s/go", tc.name), func(b *testing.B) {
			for range b.N {
				got := export(b, q, func(r *event.Row) bool {
					env := &expr.EventEnv{Name: r.Name, DistinctID: r.DistinctID, InsertID: r.InsertID, Time: r.Time}
					var err error
					if env.Props, err = expr.DecodeProps(r.Props); err != nil {
						b.Fatal(err)
					}
					return expr.Truthy(expr.Eval(where, env))
				})
				if got != n/4 {
					b.Fatalf("%d rows", got)
				}
			}
		})
	}
}
