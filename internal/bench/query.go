package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/eventgen"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// cmpQueries are the questions timed on both backends. sql is the same
// question in ClickHouse's own SQL, hand-written against the events table
// ({db}) as one would without Sieve: no de-duplication of retried rows
// and no identity merge (users are distinct_ids; funnels by windowFunnel,
// retention by a join of each distinct_id's first start event), literals
// in the text, so a lower bound rather than the same answer. The
// retention statement joins a shard's local table: events are sharded by
// distinct_id.
var cmpQueries = []struct{ name, doc, sql string }{
	{"trends_total_day", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"math":"total"}]}`,
		`SELECT toDate(toDateTime(intDiv(time, 1000), 'UTC')) AS d, count() FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770163200000 GROUP BY d ORDER BY d`},
	{"breakdown_browser", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"property":"$browser"}]}`,
		`SELECT toDate(toDateTime(intDiv(time, 1000), 'UTC')) AS d, visitParamExtractString(props, '$browser') AS b, count() FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770163200000 AND event = 'Page viewed' GROUP BY d, b ORDER BY d, b`},
	{"breakdown_expr", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"}],"breakdown":[{"expr":"string(properties[\"$browser\"]) == \"Chrome\""}]}`,
		`SELECT toDate(toDateTime(intDiv(time, 1000), 'UTC')) AS d, visitParamExtractString(props, '$browser') = 'Chrome' AS b, count() FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770163200000 AND event = 'Page viewed' GROUP BY d, b ORDER BY d, b`},
	{"filter_sum", `{"kind":"trends","from":"2026-01-05","to":"2026-02-03","series":[{"math":"sum","property":"amount"}],"filter":{"property":"plan","operator":"eq","value":"pro"}}`,
		`SELECT toDate(toDateTime(intDiv(time, 1000), 'UTC')) AS d, sum(visitParamExtractFloat(props, 'amount')) FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770163200000 AND visitParamExtractString(props, 'plan') = 'pro' GROUP BY d ORDER BY d`},
	{"funnel_3_steps_7d", `{"kind":"funnels","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Viewed signup"},{"event":"Signed up"},{"event":"Completed onboarding"}],"funnel":{"window":7}}`,
		`SELECT l, count() FROM (SELECT distinct_id, windowFunnel(604800)(toDateTime(intDiv(time, 1000)), event = 'Viewed signup', event = 'Signed up', event = 'Completed onboarding') AS l FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770768000000 AND event IN ('Viewed signup', 'Signed up', 'Completed onboarding') GROUP BY distinct_id) GROUP BY l ORDER BY l`},
	{"funnel_any_event_breakdown", `{"kind":"funnels","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Page viewed"},{"event":"Purchased"}],"breakdown":[{"property":"$country_code"}],"funnel":{"window":1}}`,
		`SELECT c, l, count() FROM (SELECT distinct_id, anyIf(visitParamExtractString(props, '$country_code'), event = 'Page viewed') AS c, windowFunnel(86400)(toDateTime(intDiv(time, 1000)), event = 'Page viewed', event = 'Purchased') AS l FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770249600000 AND event IN ('Page viewed', 'Purchased') GROUP BY distinct_id) GROUP BY c, l ORDER BY c, l`},
	{"retention_8_weeks", `{"kind":"retention","from":"2026-01-05","to":"2026-02-03","interval":"week","retention":{"start":{"event":"Signed up"},"return":{},"intervals":8}}`,
		`SELECT c, w, uniqExact(distinct_id) FROM {db}.events ANY INNER JOIN (SELECT distinct_id, min(time) AS c0, toMonday(toDateTime(intDiv(min(time), 1000), 'UTC')) AS c FROM {db}.events_local WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770163200000 AND event = 'Signed up' GROUP BY distinct_id) USING distinct_id WHERE project_id = 1 AND time >= 1767571200000 AND time < 1775001600000 GROUP BY c, intDiv(time - c0, 604800000) AS w HAVING w >= 0 AND w <= 8 ORDER BY c, w`},
	{"addiction_week_hours", `{"kind":"addiction","from":"2026-01-05","to":"2026-02-03","interval":"week","series":[{"event":"Page viewed"}],"addiction":{"unit":"hour"}}`,
		`SELECT wk, n, count() FROM (SELECT toMonday(toDateTime(intDiv(time, 1000), 'UTC')) AS wk, distinct_id, uniqExact(intDiv(time, 3600000)) AS n FROM {db}.events WHERE project_id = 1 AND time >= 1767571200000 AND time < 1770163200000 AND event = 'Page viewed' GROUP BY wk, distinct_id) GROUP BY wk, n ORDER BY wk, n`},
}

// QueryOptions of `sieve bench query`.
type QueryOptions struct {
	Events int
	Runs   int
	Store  string // clickhouse://host:port/db?cluster=NAME&shards=...
	Dir    string // keeps the DuckDB store between runs; "" a temporary one
	Keep   bool   // keep the ClickHouse database <db>_benchq_<events> for the next run
	Only   string // comma-separated query names; "" all
	// Progress, when set, gets a line when the load is done and after
	// each query's runs (`sieve bench query` writes them to stderr), so
	// that a long run shows its numbers before it ends.
	Progress io.Writer `json:"-"`
}

// QueryTime is one query's median times in ms (0: not run).
type QueryTime struct {
	Name       string  `json:"name"`
	DuckDBMs   float64 `json:"duckdb_ms"`
	ClickHouse float64 `json:"clickhouse_ms"`
	// HandSQLMs is ClickHouse's own hand-written SQL for the question
	// (cmpQueries), when there is one.
	HandSQLMs float64 `json:"hand_sql_ms,omitempty"`
	Ratio     float64 `json:"clickhouse_over_duckdb"`
}

// QueryResult of `sieve bench query`.
type QueryResult struct {
	Date    string       `json:"date"`
	Options QueryOptions `json:"options"`
	// Load times of this run (0: the stores already held the events).
	// The generator and both loads run at the same time, each batch
	// going to both stores as soon as it is made: LoadSeconds is the
	// wall time of the whole, the others the time each part was busy
	// (DuckDB's includes sealing and compacting after the last append).
	LoadSeconds           float64     `json:"load_seconds,omitempty"`
	DuckDBLoadSeconds     float64     `json:"duckdb_load_seconds"`
	ClickHouseLoadSeconds float64     `json:"clickhouse_load_seconds"`
	GenerateSeconds       float64     `json:"generate_seconds,omitempty"`
	Queries               []QueryTime `json:"queries"`
}

func queryMain(args []string) error {
	fs := flag.NewFlagSet("bench query", flag.ContinueOnError)
	o := QueryOptions{}
	fs.IntVar(&o.Events, "events", 1_000_000, "events in the dataset")
	fs.IntVar(&o.Runs, "runs", 5, "timed runs of each query per backend (medians reported)")
	fs.StringVar(&o.Store, "store", "", "clickhouse://host:port/db?cluster=NAME&shards=... (required): the cluster compared with DuckDB")
	fs.StringVar(&o.Dir, "dir", "", "keep the DuckDB store under this directory between runs (default: a temporary one, removed)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the ClickHouse database <db>_benchq_<events> for the next run (default: dropped)")
	fs.StringVar(&o.Only, "only", "", "comma-separated query names (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Progress = os.Stderr
	res, err := Query(context.Background(), o)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	fmt.Println(string(b))
	return nil
}

// Query loads the same generated events into a DuckDB store and the
// ClickHouse cluster of o.Store (both skipped when they already hold
// them), checks that both backends give the same answer to every query
// (numbers to a relative 1e-9), then times them, alternating backends.
func Query(ctx context.Context, o QueryOptions) (QueryResult, error) {
	res := QueryResult{Date: time.Now().UTC().Format(time.RFC3339), Options: o}
	if o.Events <= 0 || o.Runs <= 0 {
		return res, errors.New("bench query: events and runs must be positive")
	}
	if !isClickHouse(o.Store) {
		return res, errors.New("bench query: --store clickhouse://... is required (the cluster compared with DuckDB)")
	}
	cfg, err := clickhouse.ParseURL(o.Store)
	if err != nil {
		return res, err
	}
	dir := o.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "sieve-bench-query-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
	}
	ddir := filepath.Join(dir, fmt.Sprintf("duckdb-%d", o.Events))
	_, statErr := os.Stat(filepath.Join(ddir, "loaded"))
	loadDuck := statErr != nil
	if loadDuck {
		// A load that did not finish: start again from nothing.
		if err := os.RemoveAll(ddir); err != nil {
			return res, err
		}
	}
	dk, err := duckdb.Open(ddir, duckdb.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), CompactAfter: time.Millisecond})
	if err != nil {
		return res, err
	}
	defer dk.Close()
	cfg.Database = fmt.Sprintf("%s_benchq_%d", cfg.Database, o.Events)
	ch, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer ch.Close()
	if !o.Keep {
		defer ch.DropDatabase(context.Background())
	}
	p := query.Project{ID: 1, Location: time.UTC}
	all := &query.Query{Kind: query.Trends, From: "2026-01-01", To: "2026-03-31", Interval: query.Month, Series: []query.Series{{}}}
	if err := all.Validate(); err != nil {
		return res, err
	}
	r, _, err := query.Run(ctx, ch, p, all)
	if err != nil {
		return res, err
	}
	loadCH := true
	switch held := totalOf(r.Trends.Series); {
	case held == float64(o.Events):
		loadCH = false
	case held > 0:
		return res, fmt.Errorf("bench query: the ClickHouse database %s holds %v events, not %d (a load that did not finish): drop it and run again", cfg.Database, held, o.Events)
	}
	known, err := loadRows(ctx, o.Events, filepath.Join(ddir, "properties.json"), loadDuck, loadCH, dk, ch, &res)
	if err != nil {
		return res, err
	}
	o.progress("bench query: %d events held; this run's load %.0f s (generating %.0f s, DuckDB %.0f s, ClickHouse %.0f s, at once); each query: answers compared, then %d timed runs per backend (%s)\n",
		o.Events, res.LoadSeconds, res.GenerateSeconds, res.DuckDBLoadSeconds, res.ClickHouseLoadSeconds, o.Runs, time.Now().UTC().Format(time.TimeOnly))
	// The names the events hold, as the project's lexicon would after
	// ingesting them: the ClickHouse store reads these in SQL.
	p.KnownProperty = func(name string) bool { return known[name] }
	backends := []struct {
		name string
		b    query.Backend
	}{{"duckdb", dk}, {"clickhouse", ch}}
	for _, cq := range cmpQueries {
		if o.Only != "" && !slices.Contains(strings.Split(o.Only, ","), cq.name) {
			continue
		}
		q, err := query.Parse([]byte(cq.doc))
		if err != nil {
			return res, err
		}
		var answers [][]byte
		for _, be := range backends {
			r, _, err := query.Run(ctx, be.b, p, q)
			if err != nil {
				return res, fmt.Errorf("%s on %s: %w", cq.name, be.name, err)
			}
			j, _ := json.Marshal(r)
			answers = append(answers, j)
		}
		if d := jsonDiff(answers[0], answers[1]); d != "" {
			return res, fmt.Errorf("%s: the backends differ: %s", cq.name, d)
		}
		var dk, cl, hs []float64
		for range o.Runs {
			for i, be := range backends {
				t := time.Now()
				if _, _, err := query.Run(ctx, be.b, p, q); err != nil {
					return res, fmt.Errorf("%s on %s: %w", cq.name, be.name, err)
				}
				ms := float64(time.Since(t).Microseconds()) / 1000
				if i == 0 {
					dk = append(dk, ms)
				} else {
					cl = append(cl, ms)
				}
			}
			if cq.sql != "" {
				t := time.Now()
				if err := handSQL(ctx, cfg, strings.ReplaceAll(cq.sql, "{db}", cfg.Database)); err != nil {
					return res, fmt.Errorf("%s in hand-written SQL: %w", cq.name, err)
				}
				hs = append(hs, float64(time.Since(t).Microseconds())/1000)
			}
		}
		qt := QueryTime{Name: cq.name, DuckDBMs: median(dk), ClickHouse: median(cl), HandSQLMs: median(hs)}
		qt.Ratio = math.Round(qt.ClickHouse/qt.DuckDBMs*100) / 100
		res.Queries = append(res.Queries, qt)
		o.progress("bench query: %s: DuckDB %.1f ms, ClickHouse %.1f ms, hand-written SQL %.1f ms (medians of %d; %s)\n",
			cq.name, qt.DuckDBMs, qt.ClickHouse, qt.HandSQLMs, o.Runs, time.Now().UTC().Format(time.TimeOnly))
	}
	return res, nil
}

func (o QueryOptions) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format, args...)
	}
}

// Batch sizes of the load: the generator's batches (and so each
// ClickHouse bulk insert), and each DuckDB append.
const (
	genBatch  = 100_000
	duckBatch = 50_000
)

// loadRows generates the benchmark's events and loads them into the
// stores that need them (loadDuck, loadCH), both at once, then seals and
// compacts the DuckDB store and marks it loaded. It returns the property
// names the events hold, kept in propsFile: when neither store needs the
// events, they are read from there without generating anything.
func loadRows(ctx context.Context, n int, propsFile string, loadDuck, loadCH bool, dk *duckdb.Store, ch *clickhouse.Store, res *QueryResult) (map[string]bool, error) {
	if !loadDuck && !loadCH {
		if b, err := os.ReadFile(propsFile); err == nil {
			var names []string
			if err := json.Unmarshal(b, &names); err == nil {
				known := map[string]bool{}
				for _, n := range names {
					known[n] = true
				}
				return known, nil
			}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type sink struct {
		load func([]event.Row) error
		in   chan []event.Row
		busy time.Duration
		err  error
	}
	var sinks []*sink
	if loadDuck {
		sinks = append(sinks, &sink{load: func(rows []event.Row) error {
			for i := 0; i < len(rows); i += duckBatch {
				if _, err := dk.Append(ctx, rows[i:min(i+duckBatch, len(rows))]); err != nil {
					return fmt.Errorf("duckdb append: %w", err)
				}
			}
			return nil
		}})
	}
	if loadCH {
		sinks = append(sinks, &sink{load: func(rows []event.Row) error { return ch.BulkLoad(ctx, rows) }})
	}
	var wg sync.WaitGroup
	for _, s := range sinks {
		s.in = make(chan []event.Row, 2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rows := range s.in {
				if s.err != nil {
					continue // drain, so that the generator is never stuck
				}
				t := time.Now()
				if s.err = s.load(rows); s.err != nil {
					cancel()
				}
				s.busy += time.Since(t)
			}
		}()
	}
	t0 := time.Now()
	var blocked time.Duration
	known, err := eventgen.Generate(eventgen.Config{Events: n, Names: eventgen.BackendNames, Exact: true, Batch: genBatch}, func(rows []event.Row) error {
		t := time.Now()
		for _, s := range sinks {
			select {
			case s.in <- rows:
			case <-ctx.Done():
			}
		}
		blocked += time.Since(t)
		return ctx.Err()
	})
	genBusy := time.Since(t0) - blocked
	for _, s := range sinks {
		close(s.in)
	}
	wg.Wait()
	for _, s := range sinks {
		if s.err != nil {
			return nil, s.err
		}
	}
	if err != nil {
		return nil, err
	}
	if loadDuck {
		t := time.Now()
		if err := dk.Seal(ctx); err != nil {
			return nil, err
		}
		if _, err := dk.Compact(ctx); err != nil {
			return nil, err
		}
		sinks[0].busy += time.Since(t)
		names := slices.Sorted(maps.Keys(known))
		b, _ := json.Marshal(names)
		if err := os.WriteFile(propsFile, b, 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(filepath.Dir(propsFile), "loaded"), nil, 0o600); err != nil {
			return nil, err
		}
		res.DuckDBLoadSeconds = sinks[0].busy.Seconds()
	}
	if loadCH {
		res.ClickHouseLoadSeconds = sinks[len(sinks)-1].busy.Seconds()
	}
	res.LoadSeconds, res.GenerateSeconds = time.Since(t0).Seconds(), genBusy.Seconds()
	return known, nil
}

// handSQL runs stmt on the cluster's entry server and reads the whole answer.
func handSQL(ctx context.Context, cfg clickhouse.Config, stmt string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+cfg.Entry+"/?database="+url.QueryEscape(cfg.Database), strings.NewReader(stmt))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(b[:min(len(b), 300)]))
	}
	return err
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func totalOf(ss []query.TrendSeries) float64 {
	t := 0.0
	for _, s := range ss {
		for _, v := range s.Values {
			t += v
		}
	}
	return t
}

// jsonDiff compares two JSON results, numbers to a relative 1e-9; "" if
// equal (the rule of query/querytest's Diff, which is test-only).
func jsonDiff(want, got []byte) string {
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return "first: " + err.Error()
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return "second: " + err.Error()
	}
	return diffAt("$", w, g)
}

func diffAt(path string, w, g any) string {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok || len(gv) != len(wv) {
			return path + ": objects differ"
		}
		for k := range wv {
			if d := diffAt(path+"."+k, wv[k], gv[k]); d != "" {
				return d
			}
		}
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return fmt.Sprintf("%s: %d elements, then %v", path, len(wv), g)
		}
		for i := range wv {
			if d := diffAt(fmt.Sprintf("%s[%d]", path, i), wv[i], gv[i]); d != "" {
				return d
			}
		}
	case float64:
		gv, ok := g.(float64)
		if !ok || math.Abs(wv-gv) > 1e-9*math.Max(1, math.Abs(wv)) {
			return fmt.Sprintf("%s: %v, then %v", path, wv, g)
		}
	default:
		if fmt.Sprint(w) != fmt.Sprint(g) {
			return fmt.Sprintf("%s: %v, then %v", path, w, g)
		}
	}
	return ""
}
