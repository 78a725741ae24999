package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

var (
	cmpEvents = flag.Int("qcmp.events", 300_000, "BenchmarkQueryBackends: events")
	cmpDir    = flag.String("qcmp.dir", "", "BenchmarkQueryBackends: keep the DuckDB store here between runs")
)

// cmpQueries are the questions timed on both backends.
var cmpQueries = []struct{ name, doc string }{
	{"trends_total_day", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"math":"total"}]}`},
	{"breakdown_browser", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"property":"$browser"}]}`},
	{"breakdown_expr", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"expr":"string(properties[\"$browser\"]) == \"Chrome\""}]}`},
	{"filter_sum", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"math":"sum","property":"amount"}],"filter":{"property":"plan","operator":"eq","value":"pro"}}`},
	{"funnel_3_steps_7d", `{"kind":"funnels","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Viewed signup"},{"event":"Signed up"},{"event":"Completed onboarding"}],"funnel":{"window":7}}`},
	{"funnel_any_event_breakdown", `{"kind":"funnels","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"},{"event":"Purchased"}],"breakdown":[{"property":"$country_code"}],"funnel":{"window":1}}`},
	{"retention_8_weeks", `{"kind":"retention","from":"2026-01-05","to":"2026-02-03","interval":"week","retention":{"start":{"event":"Signed up"},"return":{},"intervals":8}}`},
	{"addiction_week_hours", `{"kind":"addiction","from":"2026-01-05","to":"2026-02-03","interval":"week","series":[{"event":"Page viewed"}],"addiction":{"unit":"hour"}}`},
}

// cmpRows is the dataset: users of 100 events in sessions over 30 days,
// about 40 properties an event, a third sign up (identify, then $user_id
// with $device_id), as the DuckDB store's query benchmark has it.
func cmpRows(n int) []event.Row {
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	names := []string{"Page viewed", "Page viewed", "Page viewed", "Clicked", "Searched", "Added to cart", "Purchased"}
	browsers := []string{"Chrome", "Safari", "Firefox", "Edge", "Opera", "Samsung Internet"}
	countries := []string{"US", "FR", "DE", "GB", "IN", "BR", "JP", "CA", "ES", "IT"}
	sources := []string{"google", "twitter", "newsletter", "direct", "facebook"}
	var rows []event.Row
	for u := 0; len(rows) < n; u++ {
		dev, user := fmt.Sprintf("dev-%07d", u), fmt.Sprintf("user-%07d", u)
		signs, signedUp := r.IntN(3) == 0, false
		browser, country := browsers[r.IntN(len(browsers))], countries[r.IntN(len(countries))]
		for left := 100; left > 0 && len(rows) < n; {
			t := start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
			k := min(left, 5+r.IntN(20))
			for i := range k {
				name := names[r.IntN(len(names))]
				if i == 0 {
					name = "Page viewed"
				}
				if signs && !signedUp && i == 2 {
					name = "Viewed signup"
				}
				props := map[string]any{"$browser": browser, "$os": "Mac OS X", "$country_code": country, "$city": "City " + country,
					"$current_url": "https://example.com/p/" + fmt.Sprint(r.IntN(50)), "$referrer": "https://" + sources[r.IntN(5)] + ".com/",
					"utm_source": sources[r.IntN(5)], "utm_medium": "cpc", "utm_campaign": "spring", "$screen_width": 1440, "$screen_height": 900,
					"mp_lib": "web", "$lib_version": "2.55.0", "amount": r.IntN(200), "plan": []string{"free", "pro", "team"}[r.IntN(3)]}
				for p := range 25 {
					props[fmt.Sprintf("p%02d", p)] = r.IntN(10)
				}
				id := dev
				if signedUp {
					props["$device_id"], props["$user_id"] = dev, user
					id = user
				}
				add := func(name string, props map[string]any, at time.Time) {
					pj, _ := json.Marshal(props)
					rows = append(rows, event.Row{ProjectID: 1, Time: at.UnixMilli(), Name: name, DistinctID: id, InsertID: fmt.Sprintf("%d-%d", u, len(rows)), Props: pj})
				}
				add(name, props, t)
				t = t.Add(time.Duration(5+r.IntN(120)) * time.Second)
				if signs && !signedUp && i == 3 {
					add("Signed up", props, t)
					add("$identify", map[string]any{"$anon_distinct_id": dev, "$identified_id": user}, t)
					signedUp = true
					if r.IntN(2) == 0 {
						t = t.Add(time.Duration(r.IntN(3*24)) * time.Hour)
						add("Completed onboarding", props, t)
					}
				}
			}
			left -= k
		}
	}
	return rows
}

// BenchmarkQueryBackends times the same queries on the same rows in the
// DuckDB store and on the ClickHouse cluster of SIEVE_CH_URL (trends
// without properties in SQL, the rest by rows through query/rowengine),
// after checking that both give the same answers:
//
//	go test ./internal/bench -run '^$' -bench QueryBackends -benchtime 5x -qcmp.dir /tmp/qcmp
func BenchmarkQueryBackends(b *testing.B) {
	u := os.Getenv("SIEVE_CH_URL")
	if u == "" {
		b.Skip("SIEVE_CH_URL is not set (scripts/clickhouse-cluster up)")
	}
	ctx := context.Background()
	n := *cmpEvents
	var rows []event.Row
	dir := *cmpDir
	if dir == "" {
		dir = b.TempDir()
	}
	ddir := filepath.Join(dir, fmt.Sprintf("duckdb-%d", n))
	_, statErr := os.Stat(filepath.Join(ddir, "loaded"))
	dk, err := duckdb.Open(ddir, duckdb.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer dk.Close()
	if statErr != nil {
		rows = cmpRows(n)
		for i := 0; i < len(rows); i += 20_000 {
			if _, err := dk.Append(ctx, rows[i:min(i+20_000, len(rows))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := dk.Seal(ctx); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(ddir, "loaded"), nil, 0o600)
	}
	cfg, err := clickhouse.ParseURL(u)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Database = fmt.Sprintf("bench_cmp_%d", n) // kept for the next run; dropped with the cluster
	ch, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer ch.Close()
	p := query.Project{ID: 1, Location: time.UTC}
	all := &query.Query{Kind: query.Trends, From: "2026-01-01", To: "2026-03-31", Interval: query.Month, Series: []query.Series{{}}}
	if err := all.Validate(); err != nil {
		b.Fatal(err)
	}
	if res, _, err := query.Run(ctx, ch, p, all); err != nil || sumValues(res.Trends.Series) < float64(n) {
		if rows == nil {
			rows = cmpRows(n)
		}
		for i := 0; i < len(rows); i += 50_000 {
			if err := ch.BulkLoad(ctx, rows[i:min(i+50_000, len(rows))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	backends := []struct {
		name string
		b    query.Backend
	}{{"duckdb", dk}, {"clickhouse", ch}}
	for _, cq := range cmpQueries {
		q, err := query.Parse([]byte(cq.doc))
		if err != nil {
			b.Fatal(err)
		}
		var answers [][]byte
		for _, be := range backends {
			res, _, err := query.Run(ctx, be.b, p, q)
			if err != nil {
				b.Fatalf("%s on %s: %v", cq.name, be.name, err)
			}
			j, _ := json.Marshal(res)
			answers = append(answers, j)
		}
		if d := querytest.Diff(answers[0], answers[1]); d != "" {
			b.Fatalf("%s: the backends differ: %s", cq.name, d)
		}
		for _, be := range backends {
			b.Run(cq.name+"/"+be.name, func(b *testing.B) {
				for range b.N {
					if _, _, err := query.Run(ctx, be.b, p, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func sumValues(ss []query.TrendSeries) float64 {
	t := 0.0
	for _, s := range ss {
		for _, v := range s.Values {
			t += v
		}
	}
	return t
}
