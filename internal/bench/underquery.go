package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/sieve-analytics/sieve/internal/eventgen"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/server"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// LoopOptions of `sieve bench ingest --query-loop funnel`: HTTP ingestion
// into a server whose embedded store holds a query dataset, first idle,
// then while an analytics query runs in a loop through the query API.
type LoopOptions struct {
	Query   string // the looping query: funnel (3 steps, 7-day window) or retention (8 weeks)
	Events  int    // events in the query dataset (project 1, January 2026)
	Batch   int    // events per ingestion request
	Senders int    // concurrent ingestion senders
	Idle    time.Duration
	Busy    time.Duration
	Rounds  int
	// Budgets are the servers' --query-threads values, alternated in
	// every round (0: no budget, queries use all of DuckDB's threads).
	Budgets []int
	Dir     string // keeps the dataset between runs; "" a temporary one
	Addr    string // the servers' listen address (a loopback port, 0 for any)
}

// LoopPhase is one idle or busy ingestion phase.
type LoopPhase struct {
	Round        int     `json:"round"`
	QueryThreads int     `json:"query_threads"`
	Busy         bool    `json:"busy"`
	Events       int64   `json:"events"`
	EventsPerSec float64 `json:"events_per_sec"`
	P50Ms        float64 `json:"p50_ms"`
	P99Ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	// Queries answered during a busy phase, and their median time.
	Queries       int     `json:"queries,omitempty"`
	QueryMedianMs float64 `json:"query_median_ms,omitempty"`
}

// LoopSummary is one budget's medians over the rounds.
type LoopSummary struct {
	QueryThreads int `json:"query_threads"`
	// BusyOverIdle is the median over rounds of busy events/s over the
	// same round's idle events/s (the goal: at least 0.5).
	BusyOverIdle float64 `json:"busy_over_idle"`
	IdleP99Ms    float64 `json:"idle_p99_ms"`
	BusyP99Ms    float64 `json:"busy_p99_ms"` // goal: under 100
	QueriesPerS  float64 `json:"queries_per_s"`
}

// LoopResult is the JSON `sieve bench ingest --query-loop` prints.
type LoopResult struct {
	Date       string        `json:"date"`
	Options    LoopOptions   `json:"options"`
	LoadSecond float64       `json:"dataset_load_seconds,omitempty"`
	Phases     []LoopPhase   `json:"phases"`
	Summary    []LoopSummary `json:"summary"`
}

// loopQueries are the documents --query-loop can run (over genRows' dataset).
var loopQueries = map[string]string{
	"funnel":    `{"kind":"funnels","from":"2026-01-05","to":"2026-02-03","series":[{"event":"Viewed signup"},{"event":"Signed up"},{"event":"Completed onboarding"}],"funnel":{"window":7}}`,
	"retention": `{"kind":"retention","from":"2026-01-05","to":"2026-02-03","interval":"week","retention":{"start":{"event":"Signed up"},"return":{},"intervals":8}}`,
}

// insertMark stands for the request's unique part of every $insert_id in
// a pre-built ingestion body; it is overwritten per request.
const insertMark = "QQQQQQQQQQQQQQQQ"

// IngestUnderQuery loads (or reuses) the query dataset in a data
// directory, then for each round and budget starts a server on it and
// measures HTTP ingestion (Mixpanel /track, guard on) idle and beside a
// query loop.
func IngestUnderQuery(ctx context.Context, o LoopOptions) (LoopResult, error) {
	res := LoopResult{Date: time.Now().UTC().Format(time.RFC3339), Options: o}
	doc, ok := loopQueries[o.Query]
	if !ok {
		return res, fmt.Errorf("bench: --query-loop %q: use funnel or retention", o.Query)
	}
	if o.Events <= 0 || o.Batch <= 0 || o.Senders <= 0 || o.Rounds <= 0 || o.Idle <= 0 || o.Busy <= 0 || len(o.Budgets) == 0 {
		return res, errors.New("bench: query events, batch, senders, rounds, idle and busy must be positive, and one budget given")
	}
	dir := o.Dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "sieve-bench-loop-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
	}
	data := filepath.Join(dir, fmt.Sprintf("loop-%d", o.Events))
	secs, err := loadLoopDataset(ctx, data, o.Events)
	if err != nil {
		return res, err
	}
	res.LoadSecond = secs
	for round := 1; round <= o.Rounds; round++ {
		for _, budget := range o.Budgets {
			idle, busy, err := loopRound(ctx, o, data, doc, budget)
			if err != nil {
				return res, err
			}
			idle.Round, busy.Round = round, round
			res.Phases = append(res.Phases, idle, busy)
		}
	}
	for _, budget := range o.Budgets {
		var ratio, ip99, bp99, qps []float64
		for i := 0; i+1 < len(res.Phases); i += 2 {
			idle, busy := res.Phases[i], res.Phases[i+1]
			if idle.QueryThreads != budget {
				continue
			}
			ratio = append(ratio, busy.EventsPerSec/idle.EventsPerSec)
			ip99, bp99 = append(ip99, idle.P99Ms), append(bp99, busy.P99Ms)
			qps = append(qps, float64(busy.Queries)/o.Busy.Seconds())
		}
		res.Summary = append(res.Summary, LoopSummary{QueryThreads: budget, BusyOverIdle: round2(median(ratio)),
			IdleP99Ms: median(ip99), BusyP99Ms: median(bp99), QueriesPerS: round2(median(qps))})
	}
	return res, nil
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// loadLoopDataset fills data/store with genRows' n events (project 1),
// sealed and compacted as a store a month old would be, unless a previous
// run did; it returns the seconds spent loading.
func loadLoopDataset(ctx context.Context, data string, n int) (float64, error) {
	marker := filepath.Join(data, "loaded")
	if _, err := os.Stat(marker); err == nil {
		return 0, nil
	}
	if err := os.RemoveAll(data); err != nil {
		return 0, err
	}
	t0 := time.Now()
	st, err := duckdb.Open(filepath.Join(data, "store"), duckdb.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), CompactInterval: -1})
	if err != nil {
		return 0, err
	}
	_, err = eventgen.Generate(eventgen.Config{Events: n, Names: eventgen.BackendNames, Exact: true, Batch: 20_000}, func(rows []event.Row) error {
		_, err := st.Append(ctx, rows)
		return err
	})
	if err == nil {
		err = st.Seal(ctx)
	}
	if err == nil {
		_, err = st.Compact(ctx)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return time.Since(t0).Seconds(), os.WriteFile(marker, nil, 0o600)
}

// loopRound starts a server with the given query thread budget on data,
// and measures an idle phase, then a busy one beside the query loop.
func loopRound(ctx context.Context, o LoopOptions, data, doc string, budget int) (idle, busy LoopPhase, err error) {
	adminKey := "bench-admin-key-0123456789"
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	srv, err := server.New(server.Config{Addr: addr, DataDir: data, AdminKey: adminKey, QueryThreads: budget,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Console: io.Discard})
	if err != nil {
		return idle, busy, err
	}
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(sctx) }()
	defer func() {
		cancel()
		if serr := <-served; err == nil && serr != nil && !errors.Is(serr, context.Canceled) {
			err = serr
		}
	}()
	select {
	case <-srv.Ready():
	case err := <-served:
		return idle, busy, err
	}
	base := "http://" + srv.Addr()
	client := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: o.Senders * 2}}
	token, err := defaultToken(client, base, adminKey)
	if err != nil {
		return idle, busy, err
	}
	bodies := loopBodies(token, o.Batch)
	runQuery := func() error {
		req, _ := http.NewRequestWithContext(sctx, http.MethodPost, base+"/api/projects/1/query", bytes.NewReader([]byte(doc)))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("bench: the query answered %d %s", resp.StatusCode, b)
		}
		return nil
	}
	// Warm up: one query (file metadata, caches) and a second of ingestion.
	if err := runQuery(); err != nil {
		return idle, busy, err
	}
	if _, err := loopIngest(client, base, bodies, o.Batch, o.Senders, time.Second); err != nil {
		return idle, busy, err
	}
	if idle, err = loopIngest(client, base, bodies, o.Batch, o.Senders, o.Idle); err != nil {
		return idle, busy, err
	}
	qctx, stop := context.WithCancel(sctx)
	var mu sync.Mutex
	var times []float64
	var qerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for qctx.Err() == nil {
			t := time.Now()
			if err := runQuery(); err != nil {
				if qctx.Err() == nil {
					qerr = err
				}
				return
			}
			if qctx.Err() == nil {
				mu.Lock()
				times = append(times, float64(time.Since(t).Microseconds())/1000)
				mu.Unlock()
			}
		}
	}()
	time.Sleep(300 * time.Millisecond) // the first query is under way
	busy, err = loopIngest(client, base, bodies, o.Batch, o.Senders, o.Busy)
	mu.Lock()
	n := len(times) // queries answered within the phase
	mu.Unlock()
	stop()
	wg.Wait()
	if err == nil {
		err = qerr
	}
	idle.QueryThreads, busy.QueryThreads, busy.Busy = budget, budget, true
	busy.Queries, busy.QueryMedianMs = n, median(times[:n])
	return idle, busy, err
}

// loopBodies pre-builds ingestion bodies of batch events each; every
// $insert_id starts with insertMark, which loopIngest overwrites with a
// unique value per request, so that no event is a duplicate.
func loopBodies(token string, batch int) [][]byte {
	r := rand.New(rand.NewPCG(5, 6))
	now := time.Now()
	var out [][]byte
	for range 64 {
		evs := make([]any, batch)
		for j := range evs {
			ev := sampleEvent(r, token, j, now)
			ev["properties"].(map[string]any)["$insert_id"] = insertMark + "-" + strconv.Itoa(j)
			evs[j] = ev
		}
		b, _ := json.Marshal(evs)
		out = append(out, b)
	}
	return out
}

// loopIngest runs senders posting bodies to /track for d and measures
// every request's acknowledgement time.
func loopIngest(client *http.Client, base string, bodies [][]byte, batch, senders int, d time.Duration) (LoopPhase, error) {
	var seq, done atomic.Int64
	lat := make([][]time.Duration, senders)
	var firstErr error
	var once sync.Once
	salt := uint32(time.Now().UnixNano())
	t0 := time.Now()
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(t0) < d {
				k := seq.Add(1)
				id := fmt.Sprintf("%08x%08x", salt, uint32(k)) // as long as insertMark
				body := bytes.ReplaceAll(bodies[k%int64(len(bodies))], []byte(insertMark), []byte(id))
				start := time.Now()
				resp, err := client.Post(base+"/track?verbose=1", "application/json", bytes.NewReader(body))
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"status":1`)) {
					once.Do(func() { firstErr = fmt.Errorf("bench: /track answered %d %s", resp.StatusCode, b) })
					return
				}
				lat[s] = append(lat[s], time.Since(start))
				done.Add(int64(batch))
			}
		}()
	}
	wg.Wait()
	secs := time.Since(t0).Seconds()
	if firstErr != nil {
		return LoopPhase{}, firstErr
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	ms := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	n := done.Load()
	return LoopPhase{Events: n, EventsPerSec: float64(n) / secs, P50Ms: ms(0.5), P99Ms: ms(0.99), MaxMs: ms(1)}, nil
}
