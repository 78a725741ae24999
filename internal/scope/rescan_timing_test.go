package scope_test

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/scope"
	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// BenchmarkRescan runs a full rescan (every event through the current guard
// policy) over a store of -rescan.events realistic browser events (~650
// bytes, the shape `sieve bench ingest` sends), one in a thousand holding a
// password that the project's policy kept. Only `go test -bench` runs it.
// The store is generated once through the store's own Append API into
// -rescan.dir (reused by later runs; default: a temporary directory).
//
//	go test -run '^$' -bench Rescan -benchtime 1x ./internal/scope/ -rescan.events 10000000 -rescan.dir DIR
//
// With -rescan.unique no value repeats from event to event (a fresh DIR).
var (
	rescanEvents = flag.Int("rescan.events", 1_000_000, "events in the rescan benchmark's store")
	rescanDir    = flag.String("rescan.dir", "", "keep the benchmark's data directory here for later runs")
	rescanUnique = flag.Bool("rescan.unique", false, "generate events whose every value differs from every other event's (the guard's memo never helps)")
	rescanAllHit = flag.Bool("rescan.allhit", false, "also rescan with a rule that every event matches (every event affected)")
)

// everyEvent is a guard policy whose custom rule matches every generated
// event ($os holds "Mac OS X").
type everyEvent struct{ c *guard.Checker }

func (e everyEvent) Checker(project.Project) (*guard.Checker, error) { return e.c, nil }

func BenchmarkRescan(b *testing.B) {
	dir := *rescanDir
	if dir == "" {
		dir = b.TempDir()
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		b.Fatal(err)
	}
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if len(reg.List()) == 0 {
		c, err := reg.Create("Bench")
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		generate(b, st, c.ID, *rescanEvents)
		b.Logf("generated %d events in %.1fs", *rescanEvents, time.Since(t0).Seconds())
	}
	pid := reg.List()[0].ID
	var total int64
	days, err := st.CountByDay(context.Background(), store.ScanQuery{ProjectID: pid, To: time.Now().Add(48 * time.Hour).UnixMilli()})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range days {
		total += d.Events
	}
	rs := &scope.Rescanner{Projects: reg, Source: st, Guards: guardcache.New(reg, guard.New())}
	b.ResetTimer()
	for range b.N {
		var prog scope.Progress
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap0, peak := ms.HeapAlloc, ms.HeapAlloc
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() { // Go heap, sampled: the rescan must not grow with the data
			defer close(sampled)
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapAlloc)
				}
			}
		}()
		cpu0 := cpuTime()
		t0 := time.Now()
		rep, err := rs.Rescan(context.Background(), scope.Criteria{Rescan: true}, time.Now().Add(48*time.Hour), &prog)
		cores := (cpuTime() - cpu0).Seconds() / time.Since(t0).Seconds()
		close(stop)
		<-sampled
		if err != nil {
			b.Fatal(err)
		}
		secs := time.Since(t0).Seconds()
		b.ReportMetric(float64(peak-heap0)/1e6, "heap-growth-MB")
		if rep.Scanned != total {
			b.Fatalf("scanned %d of %d events", rep.Scanned, total)
		}
		if len(rep.Projects) != 1 || rep.Projects[0].Events < total/1000-1 {
			b.Fatalf("the rescan missed the kept passwords: %+v", rep.Projects)
		}
		b.ReportMetric(float64(total)/secs, "events/s")
		// A targeted rescan: the property criterion is pushed down to SQL.
		t1 := time.Now()
		trep, err := rs.Rescan(context.Background(), scope.Criteria{Rescan: true, Properties: []string{"password"}}, time.Now().Add(48*time.Hour), nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(trep.Projects) != 1 || trep.Projects[0].Events < total/1000-1 {
			b.Fatalf("the targeted rescan missed the kept passwords: %+v", trep.Projects)
		}
		b.Logf("targeted rescan (properties: [password]) of the same %d events: %.2fs, %.0f events/s of the store, %d events read",
			total, time.Since(t1).Seconds(), float64(total)/time.Since(t1).Seconds(), trep.Scanned)
		b.Logf("rescan of %d events: %.2fs, %.0f events/s, %d affected, Go heap grew at most %.1f MB, %.2f cores busy (process CPU time / wall time)",
			total, secs, float64(total)/secs, rep.Projects[0].Events, float64(peak-heap0)/1e6, cores)
		if *rescanAllHit {
			c, err := guard.New().Compile(guard.Policy{Rules: []guard.Rule{{Name: "os", Class: guard.Password,
				Pattern: `Mac OS`, Keywords: []string{"mac"}, Action: guard.Keep}}}, "", nil)
			if err != nil {
				b.Fatal(err)
			}
			all := &scope.Rescanner{Projects: reg, Source: st, Guards: everyEvent{c}}
			runtime.GC()
			runtime.ReadMemStats(&ms)
			heap0 := ms.HeapAlloc
			t2 := time.Now()
			arep, err := all.Rescan(context.Background(), scope.Criteria{Rescan: true}, time.Now().Add(48*time.Hour), nil)
			if err != nil {
				b.Fatal(err)
			}
			runtime.ReadMemStats(&ms)
			if len(arep.Projects) != 1 || arep.Projects[0].Events != total {
				b.Fatalf("the every-event rescan found %+v", arep.Projects)
			}
			b.Logf("rescan with every event affected: %.2fs, %.0f events/s, %d distinct_ids in the report, Go heap after: +%.0f MB",
				time.Since(t2).Seconds(), float64(total)/time.Since(t2).Seconds(), arep.Projects[0].DistinctIDs, float64(ms.HeapAlloc-heap0)/1e6)
		}
	}
}

// generate appends n events over 30 days through the store's API.
func generate(b *testing.B, st *duckdb.Store, pid int64, n int) {
	const batch = 5000
	now := time.Now()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 9))
			rows := make([]event.Row, 0, batch)
			for i := w; i < n; i += 2 {
				rows = append(rows, benchRow(r, pid, i, now))
				if len(rows) == batch {
					if _, err := st.Append(context.Background(), rows); err != nil {
						errc <- err
						return
					}
					rows = rows[:0]
				}
			}
			if len(rows) > 0 {
				if _, err := st.Append(context.Background(), rows); err != nil {
					errc <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	if err := st.Seal(context.Background()); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("RESCAN_KEEP_ACTIVE") == "" {
		time.Sleep(time.Second)
	}
}

var benchNames = []string{"Page View", "Sign Up", "Add To Cart", "Checkout", "Search", "$mp_web_page_view"}

func benchRow(r *rand.Rand, pid int64, i int, now time.Time) event.Row {
	if *rescanUnique {
		return uniqueRow(r, pid, i, now)
	}
	props := map[string]any{
		"$os": "Mac OS X", "$browser": "Chrome", "$browser_version": 131,
		"$current_url":      "https://shop.example.com/products/" + strconv.Itoa(r.IntN(5000)) + "?utm_source=newsletter&utm_campaign=winter",
		"$referrer":         "https://www.example.org/search?q=running+shoes",
		"$referring_domain": "www.example.org", "$screen_height": 1080, "$screen_width": 1920,
		"mp_lib": "web", "$lib_version": "2.83.0", "plan": "pro",
		"cart_value":   float64(r.IntN(50000)) / 100,
		"items":        []any{"sku-" + strconv.Itoa(r.IntN(900)), "sku-" + strconv.Itoa(r.IntN(900))},
		"experiment":   map[string]any{"id": r.IntN(40), "variant": "B"},
		"search_terms": "trail running shoes size 44",
	}
	if i%1000 == 7 {
		props["password"] = "Kept-Pw-" + strconv.Itoa(i)
	}
	b, _ := json.Marshal(props)
	return event.Row{ProjectID: pid, Time: now.Add(-time.Duration(r.IntN(30*24*3600)) * time.Second).UnixMilli(),
		Name: benchNames[r.IntN(len(benchNames))], DistinctID: "$device:" + strconv.FormatUint(r.Uint64(), 36),
		InsertID: strconv.FormatUint(r.Uint64(), 36), Props: b}
}

// uniqueRow is benchRow's shape with no value repeated across events: the
// worst case for the guard's memo of clean values.
func uniqueRow(r *rand.Rand, pid int64, i int, now time.Time) event.Row {
	u := strconv.Itoa(i)
	props := map[string]any{
		"$os": "Mac OS X " + u, "$browser": "Chrome " + u, "$browser_version": 100000 + i,
		"$current_url":      "https://shop.example.com/products/" + u + "?utm_source=newsletter" + u + "&utm_campaign=winter",
		"$referrer":         "https://www.example.org/search?q=running+shoes+" + u,
		"$referring_domain": "www" + u + ".example.org", "$screen_height": 1000000 + i, "$screen_width": 2000000 + i,
		"mp_lib": "web", "$lib_version": "2.83." + u, "plan": "pro-" + u,
		"cart_value":   float64(i) + 0.25,
		"items":        []any{"sku-" + u, "sku-" + u + "b"},
		"experiment":   map[string]any{"id": i, "variant": "B" + u},
		"search_terms": "trail running shoes size " + u,
	}
	if i%1000 == 7 {
		props["password"] = "Kept-Pw-" + u
	}
	b, _ := json.Marshal(props)
	return event.Row{ProjectID: pid, Time: now.Add(-time.Duration(r.IntN(30*24*3600)) * time.Second).UnixMilli(),
		Name: "Event " + u, DistinctID: "$device:" + strconv.FormatUint(r.Uint64(), 36),
		InsertID: strconv.FormatUint(r.Uint64(), 36), Props: b}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
