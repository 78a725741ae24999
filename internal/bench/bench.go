// Package bench implements `sieve bench`: end-to-end ingestion through HTTP
// against an in-process server on 127.0.0.1, with the raw store append rate
// measured in the same run so that the two can be compared as a ratio on a
// noisy machine. Every run is bounded in events and time and cleans up its
// temporary data directory.
//
// bench may import server and store; nothing imports bench but cmd.
package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/server"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// Main runs `sieve bench <what> [flags]`.
func Main(args []string) error {
	if len(args) > 0 && args[0] == "query" {
		return queryMain(args[1:])
	}
	if len(args) == 0 || args[0] != "ingest" {
		return errors.New("usage: sieve bench query [--events N] [--runs N] --store clickhouse://... [--dir DIR] [--keep] [--only a,b]\n       sieve bench ingest [--events N] [--batch N] [--senders N] [--guard=on|off|both] [--format=mixpanel|posthog|both] [--forward=off|on|both] [--dir DIR] [--store clickhouse://...]\n       sieve bench ingest --query-loop funnel|retention [--query-events N] [--query-threads 1,0] [--rounds N] [--idle 5s] [--busy 10s] [--batch N] [--senders N] [--dir DIR]\n       sieve bench ingest --probe-senders 1,2,4,8,16 [--rounds N] [--probe-phase 3s] [--batch N] [--profile PREFIX] [--trace FILE] [--dir DIR]")
	}
	fs := flag.NewFlagSet("bench ingest", flag.ContinueOnError)
	o := Options{}
	fs.IntVar(&o.Events, "events", 300_000, "events per phase")
	fs.IntVar(&o.Batch, "batch", 50, "events per request")
	fs.IntVar(&o.Senders, "senders", 16, "concurrent HTTP senders")
	fs.StringVar(&o.Guard, "guard", "both", "on, off or both")
	fs.StringVar(&o.Format, "format", "mixpanel", "wire format: mixpanel (JSON to /track), posthog (posthog-js-shaped gzip batches to /e/), or both (the same events in both, guard on)")
	fs.StringVar(&o.Observers, "observers", "on", "lexicon and alerts: on, off, or both (adds a guard-on phase with them off)")
	fs.StringVar(&o.Dir, "dir", "", "parent of the temporary data directories (default: system temp)")
	fs.StringVar(&o.Store, "store", "duckdb", "duckdb, or clickhouse://host:port/db?cluster=NAME&shards=... (each phase uses a fresh database <db>_bench_<random>, dropped after; adds a phase of ClickHouse's own bulk insert of the same rows)")
	fs.DurationVar(&o.MaxTime, "max-time", 5*time.Minute, "stop a phase after this long")
	fs.BoolVar(&o.Password, "password", false, "every event carries a password property (one finding each)")
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:0", "listen address of the in-process server (a loopback port, 0 for any)")
	pids := fs.String("cpu-pids", "", "comma-separated pids of other processes (e.g. the clickhouse-servers) whose CPU seconds each phase reports")
	fs.StringVar(&o.Forward, "forward", "off", "off; on (guard-on phases forward every event to one destination, an in-process sink answering like Mixpanel's /import); or both (guard on: without, with, without, with a destination, alternated)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	loop := LoopOptions{}
	fs.StringVar(&loop.Query, "query-loop", "", "funnel or retention: instead of the phases above, ingest (Mixpanel /track, guard on) idle and then while this query loops through the query API, over a dataset of --query-events events (docs/PERFORMANCE.md)")
	fs.IntVar(&loop.Events, "query-events", 1_000_000, "--query-loop: events in the query dataset (kept in --dir between runs)")
	fs.DurationVar(&loop.Idle, "idle", 5*time.Second, "--query-loop: length of an idle phase")
	fs.DurationVar(&loop.Busy, "busy", 10*time.Second, "--query-loop: length of a phase beside the query loop")
	fs.IntVar(&loop.Rounds, "rounds", 3, "--query-loop: rounds, each a fresh server per budget, idle then busy; --probe-senders: rounds, each a fresh server")
	budgets := fs.String("query-threads", strconv.Itoa(max(1, runtime.NumCPU()/2)), "--query-loop: comma-separated --query-threads budgets alternated in each round (0: none)")
	probe := fs.String("probe-senders", "", "comma-separated sender counts: instead of the phases above, one server per round (--rounds) on an empty data directory, closed-loop ingestion (Mixpanel /track, guard on) with each count in turn, reversed every other round (docs/PERFORMANCE.md)")
	probePhase := fs.Duration("probe-phase", 3*time.Second, "--probe-senders: length of each sender count's phase")
	profile := fs.String("profile", "", "--probe-senders: write CPU, mutex and block profiles to PREFIX.cpu, PREFIX.mutex, PREFIX.block")
	traceOut := fs.String("trace", "", "--probe-senders: write an execution trace of the run to this file (go tool trace)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *probe != "" {
		po := ProbeOptions{Batch: o.Batch, Rounds: loop.Rounds, Phase: *probePhase, Dir: o.Dir, Addr: o.Addr, Profile: *profile, Trace: *traceOut}
		for _, f := range strings.Split(*probe, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("bench: --probe-senders %q: comma-separated counts", *probe)
			}
			po.Senders = append(po.Senders, n)
		}
		res, err := ProbeSenders(context.Background(), po)
		if err != nil {
			return err
		}
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Println(string(b))
		return nil
	}
	for _, p := range strings.Split(*pids, ",") {
		if p = strings.TrimSpace(p); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				return fmt.Errorf("bench: --cpu-pids: %q is not a pid", p)
			}
			o.CPUPids = append(o.CPUPids, n)
		}
	}
	if loop.Query != "" {
		for _, f := range strings.Split(*budgets, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 0 {
				return fmt.Errorf("bench: --query-threads %q: comma-separated counts, 0 or more", *budgets)
			}
			loop.Budgets = append(loop.Budgets, n)
		}
		loop.Batch, loop.Senders, loop.Dir, loop.Addr = o.Batch, o.Senders, o.Dir, o.Addr
		res, err := IngestUnderQuery(context.Background(), loop)
		if err != nil {
			return err
		}
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Println(string(b))
		return nil
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := Ingest(context.Background(), o)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	fmt.Println(string(b))
	return nil
}

// Options of an ingest benchmark.
type Options struct {
	Events, Batch, Senders int
	Guard                  string
	Format                 string // mixpanel (default), posthog, both
	Observers              string // lexicon and alerts: on (default), off, both
	Dir                    string
	MaxTime                time.Duration
	Store                  string // "" or duckdb, or clickhouse://...
	// Password adds a "password" property to every event of the HTTP
	// phases: one guard finding per event (the findings stream's worst case).
	Password bool
	Addr     string // in-process server's listen address; "" means 127.0.0.1:0
	// Forward: "off" (default), "on" (guard-on phases forward to one
	// destination) or "both" (alternated phases without and with one).
	Forward string
	// CPUPids are other processes (the clickhouse-servers) whose CPU
	// seconds each phase reports.
	CPUPids []int `json:",omitempty"`
}

// Phase is one measured phase.
type Phase struct {
	Name         string  `json:"name"`
	Events       int64   `json:"events"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_sec"`
	MBPerSec     float64 `json:"mb_per_sec,omitempty"`
	P50Ms        float64 `json:"p50_ms,omitempty"`
	P99Ms        float64 `json:"p99_ms,omitempty"`
	// CPUMicrosPerEvent is the process's CPU time (server and bench
	// clients, user+system) per event: steadier than rates on a shared
	// machine, and comparable between phases.
	CPUMicrosPerEvent float64 `json:"cpu_us_per_event,omitempty"`
	// ForwardedPerSec, with a destination: events the destination
	// received over the time from the first request until it had them all.
	ForwardedPerSec float64 `json:"forwarded_per_sec,omitempty"`
	// CPUSeconds: this process's CPU seconds in the phase ("self": Sieve
	// and the load generator, which run in one process) and those of
	// each --cpu-pids process ("pid N").
	CPUSeconds map[string]float64 `json:"cpu_s,omitempty"`
	// StoredSeconds, with ClickHouse's local log (wal=on): from the first
	// request until the cluster held every acknowledged event (the
	// phase's Seconds end with the last acknowledgement).
	StoredSeconds float64 `json:"stored_s,omitempty"`
}

// waitStored, for a clickhouse:// store with wal=on, waits until the
// cluster holds n events of project 1 (read without the log) and returns
// when it did; the zero time for other stores.
func waitStored(ctx context.Context, storeURL string, n int64, deadline time.Time) (time.Time, error) {
	if !isClickHouse(storeURL) {
		return time.Time{}, nil
	}
	cfg, err := clickhouse.ParseURL(storeURL)
	if err != nil || !cfg.WAL {
		return time.Time{}, err
	}
	cfg.WAL = false
	st, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		return time.Time{}, err
	}
	defer st.Close()
	for {
		days, err := st.CountByDay(ctx, store.ScanQuery{ProjectID: 1, From: math.MinInt64 / 2, To: math.MaxInt64 / 2})
		if err != nil {
			return time.Time{}, err
		}
		var got int64
		for _, d := range days {
			got += d.Events
		}
		if got >= n {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("bench: the cluster holds %d of %d acknowledged events", got, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cpuMeter measures the CPU seconds of this process and of others by pid.
type cpuMeter struct {
	pids []int
	self time.Duration
	t0   []float64
}

func startCPU(pids []int) *cpuMeter {
	m := &cpuMeter{pids: pids, self: cpuTime()}
	for _, p := range pids {
		m.t0 = append(m.t0, procCPU(p))
	}
	return m
}

// stop returns the CPU seconds used since startCPU, by process.
func (m *cpuMeter) stop() map[string]float64 {
	out := map[string]float64{"self": (cpuTime() - m.self).Seconds()}
	for i, p := range m.pids {
		out["pid "+strconv.Itoa(p)] = procCPU(p) - m.t0[i]
	}
	return out
}

// procCPU is the user+system CPU seconds of process pid (from
// /proc/pid/stat, in clock ticks of 1/100 s), 0 when unreadable.
func procCPU(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s) // f[0] is field 3 (state): utime is field 14, stime 15
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100
}

// Result of a run.
type Result struct {
	Date    string  `json:"date"`
	Options Options `json:"options"`
	Phases  []Phase `json:"phases"`
	// Ratios of the end-to-end rates to the raw append rate, and guard on to off.
	E2EOverRaw     float64 `json:"e2e_over_raw"`
	GuardOnOverOff float64 `json:"guard_on_over_off,omitempty"`
	// ObserversOnOverOff compares guard-on phases with the lexicon and
	// alerts on and off (--observers=both).
	ObserversOnOverOff float64 `json:"observers_on_over_off,omitempty"`
	// PostHogOverMixpanel compares PostHog ingestion with Mixpanel
	// ingestion of the same events, guard on (--format=both): the PostHog
	// phase over the mean of the Mixpanel phases before and after it.
	PostHogOverMixpanel float64 `json:"posthog_over_mixpanel,omitempty"`
	// PostHogOverMixpanelCPU is the same comparison by CPU time per event
	// (Mixpanel's over PostHog's: above 1, PostHog costs less), steadier
	// than rates when other work shares the machine.
	PostHogOverMixpanelCPU float64 `json:"posthog_over_mixpanel_cpu,omitempty"`
	// E2EOverBulk compares end-to-end ingestion (guard on when run) with
	// ClickHouse's own bulk insert of the same rows (--store clickhouse://).
	E2EOverBulk float64 `json:"e2e_over_bulk,omitempty"`
	// E2EStoredOverBulk, with ClickHouse's local log (wal=on): the rate
	// until the cluster held every event (StoredSeconds) over the bulk
	// insert's.
	E2EStoredOverBulk float64 `json:"e2e_stored_over_bulk,omitempty"`
	// ForwardOverNone compares guard-on ingestion with one destination to
	// without (--forward=both): the mean of the phases with over the mean
	// of those without, alternated; ForwardOverNoneCPU by CPU time per
	// event (without's over with's: below 1, forwarding costs CPU).
	ForwardOverNone    float64 `json:"forward_over_none,omitempty"`
	ForwardOverNoneCPU float64 `json:"forward_over_none_cpu,omitempty"`
}

// The wire formats of the HTTP phases.
const (
	formatMixpanel = "mixpanel"
	formatPostHog  = "posthog"
)

// Ingest runs the raw store append phase and the HTTP phases.
func Ingest(ctx context.Context, o Options) (Result, error) {
	if o.Events <= 0 || o.Batch <= 0 || o.Senders <= 0 {
		return Result{}, errors.New("bench: events, batch and senders must be positive")
	}
	if o.MaxTime <= 0 {
		o.MaxTime = 5 * time.Minute
	}
	switch o.Format {
	case "":
		o.Format = formatMixpanel
	case formatMixpanel, formatPostHog, "both":
	default:
		return Result{}, errors.New("bench: format must be mixpanel, posthog or both")
	}
	switch o.Forward {
	case "":
		o.Forward = "off"
	case "off", "on", "both":
	default:
		return Result{}, errors.New("bench: forward must be off, on or both")
	}
	res := Result{Date: time.Now().UTC().Format(time.RFC3339), Options: o}
	raw, err := rawAppend(ctx, o)
	if err != nil {
		return res, err
	}
	res.Phases = append(res.Phases, raw)
	var bulk Phase
	if isClickHouse(o.Store) {
		if bulk, err = bulkLoad(ctx, o); err != nil {
			return res, err
		}
		res.Phases = append(res.Phases, bulk)
	}
	format := o.Format
	if format == "both" {
		format = formatMixpanel
	}
	var on, off Phase
	if o.Guard == "off" || o.Guard == "both" {
		if off, err = httpIngest(ctx, o, false, format); err != nil {
			return res, err
		}
		res.Phases = append(res.Phases, off)
	}
	if o.Guard == "on" || o.Guard == "both" {
		if on, err = httpIngest(ctx, o, true, format); err != nil {
			return res, err
		}
		res.Phases = append(res.Phases, on)
		res.E2EOverRaw = on.EventsPerSec / raw.EventsPerSec
	} else {
		res.E2EOverRaw = off.EventsPerSec / raw.EventsPerSec
	}
	if on.EventsPerSec > 0 && off.EventsPerSec > 0 {
		res.GuardOnOverOff = on.EventsPerSec / off.EventsPerSec
	}
	if bulk.EventsPerSec > 0 {
		e2e := on
		if e2e.EventsPerSec == 0 {
			e2e = off
		}
		res.E2EOverBulk = e2e.EventsPerSec / bulk.EventsPerSec
		if e2e.StoredSeconds > 0 {
			res.E2EStoredOverBulk = float64(e2e.Events) / e2e.StoredSeconds / bulk.EventsPerSec
		}
	}
	if o.Format == "both" {
		// Mixpanel, PostHog, Mixpanel again: the PostHog phase is compared
		// with the mean of the two around it, so that a drift of the
		// machine during the run does not favour either format.
		mp := on
		if mp.EventsPerSec == 0 {
			if mp, err = httpIngest(ctx, o, true, formatMixpanel); err != nil {
				return res, err
			}
			res.Phases = append(res.Phases, mp)
		}
		ph, err := httpIngest(ctx, o, true, formatPostHog)
		if err != nil {
			return res, err
		}
		mp2, err := httpIngest(ctx, o, true, formatMixpanel)
		if err != nil {
			return res, err
		}
		res.Phases = append(res.Phases, ph, mp2)
		res.PostHogOverMixpanel = ph.EventsPerSec / ((mp.EventsPerSec + mp2.EventsPerSec) / 2)
		res.PostHogOverMixpanelCPU = (mp.CPUMicrosPerEvent + mp2.CPUMicrosPerEvent) / 2 / ph.CPUMicrosPerEvent
	}
	if o.Forward == "both" {
		// Without, with, without, with: a drift of the machine during the
		// run does not favour either.
		var none, one []Phase
		for i := 0; i < 4; i++ {
			p, err := httpPhase(ctx, o, true, format, i%2 == 1)
			if err != nil {
				return res, err
			}
			res.Phases = append(res.Phases, p)
			if i%2 == 1 {
				one = append(one, p)
			} else {
				none = append(none, p)
			}
		}
		mean := func(ps []Phase, f func(Phase) float64) float64 { return (f(ps[0]) + f(ps[1])) / 2 }
		rate := func(p Phase) float64 { return p.EventsPerSec }
		cpu := func(p Phase) float64 { return p.CPUMicrosPerEvent }
		res.ForwardOverNone = mean(one, rate) / mean(none, rate)
		res.ForwardOverNoneCPU = mean(none, cpu) / mean(one, cpu)
	}
	if o.Observers == "both" && on.EventsPerSec > 0 {
		oo := o
		oo.Observers = "off"
		noObs, err := httpIngest(ctx, oo, true, format)
		if err != nil {
			return res, err
		}
		noObs.Name += ", lexicon and alerts off"
		res.Phases = append(res.Phases, noObs)
		res.ObserversOnOverOff = on.EventsPerSec / noObs.EventsPerSec
	}
	return res, nil
}

// sampleEvent returns one realistic mixpanel-browser event as JSON, ~600 bytes.
func sampleEvent(r *rand.Rand, token string, i int, now time.Time) map[string]any {
	names := []string{"Page View", "Sign Up", "Add To Cart", "Checkout", "Search", "$mp_web_page_view"}
	return map[string]any{
		"event": names[r.IntN(len(names))],
		"properties": map[string]any{
			"token":             token,
			"time":              now.Add(-time.Duration(r.IntN(3600)) * time.Second).UnixMilli(),
			"distinct_id":       "$device:" + strconv.FormatUint(r.Uint64(), 36),
			"$insert_id":        strconv.FormatUint(r.Uint64(), 36) + strconv.Itoa(i),
			"$os":               "Mac OS X",
			"$browser":          "Chrome",
			"$browser_version":  131,
			"$current_url":      "https://shop.example.com/products/" + strconv.Itoa(r.IntN(5000)) + "?utm_source=newsletter&utm_campaign=winter",
			"$referrer":         "https://www.example.org/search?q=running+shoes",
			"$referring_domain": "www.example.org",
			"$screen_height":    1080,
			"$screen_width":     1920,
			"mp_lib":            "web",
			"$lib_version":      "2.83.0",
			"plan":              "pro",
			"cart_value":        float64(r.IntN(50000)) / 100,
			"items":             []any{"sku-" + strconv.Itoa(r.IntN(900)), "sku-" + strconv.Itoa(r.IntN(900))},
			"experiment":        map[string]any{"id": r.IntN(40), "variant": "B"},
			"search_terms":      "trail running shoes size 44",
		},
	}
}

func isClickHouse(u string) bool {
	return len(u) > len("clickhouse://") && u[:len("clickhouse://")] == "clickhouse://"
}

// benchStoreURL returns o.Store with a fresh database for one phase, and
// a function that drops it.
func benchStoreURL(o Options) (string, func(), error) {
	if !isClickHouse(o.Store) {
		return o.Store, func() {}, nil
	}
	cfg, err := clickhouse.ParseURL(o.Store)
	if err != nil {
		return "", nil, err
	}
	db := cfg.Database + "_bench_" + strconv.FormatUint(rand.Uint64(), 36)
	u, err := url.Parse(o.Store)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + db
	cfg.Database = db
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if st, err := clickhouse.Open(ctx, cfg); err == nil {
			_ = st.DropDatabase(ctx)
			st.Close()
		}
	}
	return u.String(), drop, nil
}

// openRaw opens the store a raw phase appends to.
func openRaw(o Options, dir string) (store.Store, func(), error) {
	if !isClickHouse(o.Store) {
		st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		return st, func() {}, err
	}
	u, drop, err := benchStoreURL(o)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := clickhouse.ParseURL(u)
	if err != nil {
		return nil, nil, err
	}
	if cfg.WAL {
		if dir == "" {
			cfg.WAL = false // the bulk insert: no log
		} else {
			cfg.WALDir = filepath.Join(dir, "chlog")
		}
	}
	st, err := clickhouse.Open(context.Background(), cfg)
	if err != nil {
		return nil, nil, err
	}
	return st, drop, nil
}

// rawBatches are the rows of the raw phases, batch by batch, and their
// properties' size.
func rawBatches(o Options) ([][]event.Row, int64) {
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	batches := make([][]event.Row, 0, o.Events/o.Batch+1)
	var bytesTotal int64
	for i := 0; i < o.Events; i += o.Batch {
		n := min(o.Batch, o.Events-i)
		rows := make([]event.Row, n)
		for j := range rows {
			ev := sampleEvent(r, "t", i+j, now)
			props := ev["properties"].(map[string]any)
			row := event.Row{ProjectID: 1, Name: ev["event"].(string), Time: props["time"].(int64),
				DistinctID: props["distinct_id"].(string), InsertID: props["$insert_id"].(string)}
			delete(props, "token")
			delete(props, "time")
			delete(props, "distinct_id")
			delete(props, "$insert_id")
			row.Props, _ = json.Marshal(props)
			bytesTotal += int64(len(row.Props))
			rows[j] = row
		}
		batches = append(batches, rows)
	}
	return batches, bytesTotal
}

func rawAppend(ctx context.Context, o Options) (Phase, error) {
	dir, err := os.MkdirTemp(o.Dir, "sieve-bench-raw-*")
	if err != nil {
		return Phase{}, err
	}
	defer os.RemoveAll(dir)
	st, drop, err := openRaw(o, dir)
	if err != nil {
		return Phase{}, err
	}
	defer drop()
	defer st.Close()
	batches, bytesTotal := rawBatches(o)
	var next atomic.Int64
	var done atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(o.MaxTime)
	cm := startCPU(o.CPUPids)
	t0 := time.Now()
	var wg sync.WaitGroup
	for range o.Senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if i >= int64(len(batches)) {
					return
				}
				res, err := st.Append(ctx, batches[i])
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				done.Add(int64(res.Stored + res.Duplicates))
			}
		}()
	}
	wg.Wait()
	secs := time.Since(t0).Seconds()
	if firstErr != nil {
		return Phase{}, fmt.Errorf("bench: raw append: %w", firstErr)
	}
	n := done.Load()
	return Phase{Name: "store append (raw)", Events: n, Seconds: secs, EventsPerSec: float64(n) / secs,
		MBPerSec: float64(bytesTotal) / secs / 1e6, CPUSeconds: cm.stop()}, nil
}

// bulkLoad inserts the raw phase's rows with ClickHouse's own bulk insert
// (one RowBinary statement per 100,000 rows, no key look-up), one
// statement at a time, as a loader would.
func bulkLoad(ctx context.Context, o Options) (Phase, error) {
	st, drop, err := openRaw(o, "")
	if err != nil {
		return Phase{}, err
	}
	defer drop()
	defer st.Close()
	batches, bytesTotal := rawBatches(o)
	var all []event.Row
	for _, b := range batches {
		all = append(all, b...)
	}
	cm := startCPU(o.CPUPids)
	t0 := time.Now()
	for len(all) > 0 {
		n := min(len(all), 100_000)
		if err := st.(*clickhouse.Store).BulkLoad(ctx, all[:n]); err != nil {
			return Phase{}, err
		}
		all = all[n:]
	}
	secs := time.Since(t0).Seconds()
	n := int64(o.Events)
	return Phase{Name: "ClickHouse bulk insert (RowBinary, 100k rows per statement)", Events: n, Seconds: secs,
		EventsPerSec: float64(n) / secs, MBPerSec: float64(bytesTotal) / secs / 1e6, CPUSeconds: cm.stop()}, nil
}

// posthogBatch turns Mixpanel-shaped events into a posthog-js 1.449 body:
// {api_key, batch, sent_at}, each event with a uuid, an ISO timestamp and
// its properties (distinct_id and token inside, $lib "web"), gzipped.
func posthogBatch(r *rand.Rand, token string, evs []any, now time.Time) []byte {
	batch := make([]any, len(evs))
	for i, e := range evs {
		ev := e.(map[string]any)
		props := ev["properties"].(map[string]any)
		ph := make(map[string]any, len(props))
		for k, v := range props {
			switch k {
			case "time", "$insert_id", "mp_lib":
			default:
				ph[k] = v
			}
		}
		ph["$lib"] = "web"
		ph["$lib_version"] = "1.449.2"
		var u [16]byte
		binary.BigEndian.PutUint64(u[:8], r.Uint64())
		binary.BigEndian.PutUint64(u[8:], r.Uint64())
		u[6], u[8] = u[6]&0x0f|0x70, u[8]&0x3f|0x80
		h := hex.EncodeToString(u[:])
		batch[i] = map[string]any{
			"event":      ev["event"],
			"uuid":       h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:],
			"timestamp":  time.UnixMilli(props["time"].(int64)).UTC().Format("2006-01-02T15:04:05.000Z"),
			"properties": ph,
		}
	}
	b, _ := json.Marshal(map[string]any{"api_key": token, "batch": batch, "sent_at": now.UTC().Format("2006-01-02T15:04:05.000Z")})
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return z.Bytes()
}

// httpIngest runs one HTTP phase: the same events (same seed) in the given
// wire format.
func httpIngest(ctx context.Context, o Options, guardOn bool, format string) (Phase, error) {
	return httpPhase(ctx, o, guardOn, format, guardOn && o.Forward == "on")
}

// httpPhase runs one HTTP phase, with one forwarding destination when fwd.
func httpPhase(ctx context.Context, o Options, guardOn bool, format string, fwd bool) (Phase, error) {
	dir, err := os.MkdirTemp(o.Dir, "sieve-bench-http-*")
	if err != nil {
		return Phase{}, err
	}
	defer os.RemoveAll(dir)
	adminKey := "bench-admin-key-0123456789"
	storeURL, drop, err := benchStoreURL(o)
	if err != nil {
		return Phase{}, err
	}
	defer drop()
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	srv, err := server.New(server.Config{Addr: addr, DataDir: dir, AdminKey: adminKey, Store: storeURL,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Console: io.Discard, AllowPrivateWebhooks: fwd})
	if err != nil {
		return Phase{}, err
	}
	srv.Ingest().SetGuardEnabled(guardOn)
	srv.Ingest().SetObserversEnabled(o.Observers != "off")
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(sctx) }()
	defer func() { cancel(); <-served }()
	select {
	case <-srv.Ready():
	case err := <-served:
		return Phase{}, err
	}
	base := "http://" + srv.Addr()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: o.Senders * 2}}

	token, err := defaultToken(client, base, adminKey)
	if err != nil {
		return Phase{}, err
	}
	var received *atomic.Int64
	if fwd {
		var stop func()
		if received, stop, err = forwardSink(client, base, adminKey); err != nil {
			return Phase{}, err
		}
		defer stop()
	}
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Now()
	var bodies [][]byte
	var bytesTotal int64
	for i := 0; i < o.Events; i += o.Batch {
		n := min(o.Batch, o.Events-i)
		evs := make([]any, n)
		for j := range evs {
			ev := sampleEvent(r, token, i+j, now)
			if o.Password {
				ev["properties"].(map[string]any)["password"] = "Pw-" + strconv.FormatUint(r.Uint64(), 36)
			}
			evs[j] = ev
		}
		var b []byte
		if format == formatPostHog {
			b = posthogBatch(r, token, evs, now)
		} else {
			b, _ = json.Marshal(evs)
		}
		bytesTotal += int64(len(b))
		bodies = append(bodies, b)
	}
	var next, done atomic.Int64
	lat := make([][]time.Duration, o.Senders)
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(o.MaxTime)
	cpu0 := cpuTime()
	cm := startCPU(o.CPUPids)
	t0 := time.Now()
	var wg sync.WaitGroup
	for s := range o.Senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if i >= int64(len(bodies)) {
					return
				}
				start := time.Now()
				path, ctype := "/track?verbose=1", "application/json"
				if format == formatPostHog {
					path, ctype = "/e/", "text/plain" // posthog-js: gzip without Content-Encoding
				}
				resp, err := client.Post(base+path, ctype, bytes.NewReader(bodies[i]))
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"status":1`)) {
					once.Do(func() { firstErr = fmt.Errorf("bench: %s answered %d %s", path, resp.StatusCode, body) })
					return
				}
				lat[s] = append(lat[s], time.Since(start))
				done.Add(int64(o.Batch))
			}
		}()
	}
	wg.Wait()
	secs := time.Since(t0).Seconds()
	var shipped float64
	if firstErr == nil {
		at, err := waitStored(ctx, storeURL, done.Load(), deadline.Add(time.Minute))
		if err != nil {
			return Phase{}, err
		}
		if !at.IsZero() {
			shipped = at.Sub(t0).Seconds()
		}
	}
	cpuSecs := (cpuTime() - cpu0).Seconds()
	cpuAfter := cm.stop()
	if firstErr != nil {
		return Phase{}, firstErr
	}
	var fwdRate float64
	if received != nil {
		for received.Load() < done.Load() && time.Now().Before(deadline.Add(time.Minute)) {
			time.Sleep(5 * time.Millisecond)
		}
		if received.Load() < done.Load() {
			return Phase{}, fmt.Errorf("bench: the destination received %d of %d events", received.Load(), done.Load())
		}
		fwdRate = float64(received.Load()) / time.Since(t0).Seconds()
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	name := "HTTP /track (Mixpanel JSON), guard "
	if format == formatPostHog {
		name = "HTTP /e/ (PostHog gzip batches), guard "
	}
	if guardOn {
		name += "on"
	} else {
		name += "off"
	}
	if fwd {
		name += ", forwarding to one destination"
	}
	n := done.Load()
	return Phase{Name: name, Events: n, Seconds: secs, EventsPerSec: float64(n) / secs,
		MBPerSec: float64(bytesTotal) / secs / 1e6, P50Ms: pct(0.50), P99Ms: pct(0.99),
		CPUMicrosPerEvent: cpuSecs * 1e6 / float64(max(n, 1)), ForwardedPerSec: fwdRate, CPUSeconds: cpuAfter,
		StoredSeconds: shipped}, nil
}

func defaultToken(c *http.Client, base, adminKey string) (string, error) {
	req, _ := http.NewRequest("GET", base+"/api/projects", nil)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var ps []struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ps); err != nil || len(ps) == 0 {
		return "", fmt.Errorf("bench: list projects: status %d", resp.StatusCode)
	}
	return ps[0].Token, nil
}

// cpuTime is the CPU time (user+system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// forwardSink starts an in-process destination answering like Mixpanel's
// /import (gzip JSON array in, {"code":200,"status":"OK"} out), sets it as
// project 1's one destination, and returns the count of events it
// received and a function that stops it.
func forwardSink(c *http.Client, base, adminKey string) (*atomic.Int64, func(), error) {
	var n atomic.Int64
	sink := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, "not gzip", http.StatusBadRequest)
			return
		}
		var recs []json.RawMessage
		if err := json.NewDecoder(zr).Decode(&recs); err != nil {
			http.Error(w, "not a JSON array", http.StatusBadRequest)
			return
		}
		n.Add(int64(len(recs)))
		_, _ = w.Write([]byte(`{"code":200,"num_records_imported":` + strconv.Itoa(len(recs)) + `,"status":"OK"}`))
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	go func() { _ = sink.Serve(l) }()
	body := `{"destinations":[{"name":"bench","kind":"mixpanel","host":"http://` + l.Addr().String() + `","token":"bench-destination-token"}]}`
	req, _ := http.NewRequest("PUT", base+"/api/projects/1/destinations", bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+adminKey)
	resp, err := c.Do(req)
	if err != nil {
		sink.Close()
		return nil, nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		sink.Close()
		return nil, nil, fmt.Errorf("bench: PUT destinations answered %d %s", resp.StatusCode, b)
	}
	return &n, func() { _ = sink.Close() }, nil
}
