package clickhouse

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
)

var chBenchEvents = flag.Int("chquery.events", 300_000, "BenchmarkQuery: events (100 per user over 30 days)")

// BenchmarkQuery times trends on the cluster over n events of n/100
// users, a third of whom sign up and send $user_id with $device_id from
// then on (links): total, unique and mau of one event and of all events,
// daily over 30 days. Run with make clickhouse-test's cluster:
//
//	go test ./internal/store/clickhouse -run '^$' -bench Query -benchtime 5x
func BenchmarkQuery(b *testing.B) {
	u := os.Getenv("SIEVE_CH_URL")
	if u == "" {
		b.Skip("SIEVE_CH_URL is not set (scripts/clickhouse-cluster up)")
	}
	cfg, err := ParseURL(u)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Database = fmt.Sprintf("bench_%d", *chBenchEvents) // kept for the next run; dropped with the cluster
	ctx := context.Background()
	s, err := Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	p := query.Project{ID: 1}
	if res, _, err := query.Run(ctx, s, p, &query.Query{Kind: query.Trends, From: "2026-01-05", To: "2026-02-03", Interval: query.Day,
		Series: []query.Series{{}}}); err != nil || sum(res.Trends.Series[0].Values) < float64(*chBenchEvents) {
		r := rand.New(rand.NewPCG(1, 2))
		names := []string{"Page viewed", "Clicked", "Searched", "Signed up", "Purchased"}
		var rows []event.Row
		for u := 0; u < *chBenchEvents/100; u++ {
			dev, user := fmt.Sprintf("dev-%07d", u), fmt.Sprintf("user-%07d", u)
			signAt := 40 + r.IntN(200) // a third sign up, at their event signAt-40
			for i := range 100 {
				props := fmt.Sprintf(`{"$device_id":%q,"n":%d}`, dev, i)
				if signAt < 100 && i >= signAt {
					props = fmt.Sprintf(`{"$device_id":%q,"$user_id":%q,"n":%d}`, dev, user, i)
				}
				rows = append(rows, event.Row{ProjectID: 1, Time: start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))).UnixMilli(),
					Name: names[r.IntN(len(names))], DistinctID: dev, InsertID: fmt.Sprintf("%d-%d", u, i), Props: []byte(props)})
			}
			if len(rows) >= 50_000 {
				if err := s.BulkLoad(ctx, rows); err != nil {
					b.Fatal(err)
				}
				rows = rows[:0]
			}
		}
		if err := s.BulkLoad(ctx, rows); err != nil {
			b.Fatal(err)
		}
	}
	for _, m := range []query.Math{query.Total, query.Unique, query.MAU} {
		for _, ev := range []string{"", "Purchased"} {
			q := &query.Query{Kind: query.Trends, From: "2026-01-05", To: "2026-02-03", Interval: query.Day, Series: []query.Series{{Event: ev, Math: m}}}
			if err := q.Validate(); err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/event=%q", m, ev), func(b *testing.B) {
				for range b.N {
					if _, _, err := query.Run(ctx, s, p, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func sum(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += v
	}
	return t
}
