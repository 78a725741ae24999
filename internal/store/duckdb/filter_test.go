package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	ddb "github.com/duckdb/duckdb-go/v2"
	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// filterRow is what a test expects Filter to hand fn.
type filterRow struct {
	t        int64
	name, id string
	result   string
}

func (r filterRow) String() string {
	return fmt.Sprintf("%d %s %s %s", r.t, r.name, r.id, r.result)
}

// filterFixture is a store holding project 1's events over four days in two
// sealed files per partition and the active file, and project 2's events on
// the same days (which no Filter of project 1 may see). Each event's props
// hold its number "i" and a filler.
type filterFixture struct {
	s    *Store
	rows []event.Row // project 1's rows, i = index
}

var filterNames = []string{"view", "buy", "leak"}

func newFilterFixture(t *testing.T, o Options) *filterFixture {
	t.Helper()
	f := &filterFixture{s: mustOpen(t, t.TempDir(), o)}
	t.Cleanup(func() { f.s.Close() })
	ctx := context.Background()
	n := 0
	for batch := range 3 {
		var rows []event.Row
		for j := range 700 {
			day := int64(j % 4)
			tm := t0 + day*dayMs + int64(batch*1000+j)*1000
			r := event.Row{ProjectID: 1, Time: tm, Name: filterNames[n%3], DistinctID: fmt.Sprintf("user-%d", n%5),
				InsertID: fmt.Sprintf("p1-%d", n), Props: fmt.Appendf(nil, `{"i":%d,"pad":"%s","nested":{"a":[1,2,"x"]}}`, n, strings.Repeat("z", n%40))}
			rows = append(rows, r)
			f.rows = append(f.rows, r)
			rows = append(rows, event.Row{ProjectID: 2, Time: tm, Name: "view", DistinctID: "other",
				InsertID: fmt.Sprintf("p2-%d", n), Props: fmt.Appendf(nil, `{"i":%d}`, n)})
			n++
		}
		mustAppend(t, f.s, rows)
		if batch < 2 {
			if err := f.s.Seal(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	st := f.s.Stats()
	if st.Actives != 1 || st.Partitions != 8 || st.SealedRows != 2*2*700 {
		t.Fatalf("fixture: want two batches sealed in 8 partitions and one in the active file, have %+v", st)
	}
	return f
}

// numberOf reads "i" from a fixture event's props.
func numberOf(props string) (int, error) {
	v, err := fastjson.Parse(props)
	if err != nil {
		return 0, errors.New("props are not JSON")
	}
	return v.GetInt("i"), nil
}

// runFilter runs Filter and returns fn's rows sorted, the number of pick
// calls and the total seen.
func runFilter(t *testing.T, s *Store, project, from, to int64, where string, args []any, pick Pick) (got []filterRow, calls, seen int64) {
	t.Helper()
	var c, sn atomic.Int64
	counted := func(name, id, props string) ([]byte, error) {
		c.Add(1)
		return pick(name, id, props)
	}
	err := s.Filter(context.Background(), project, from, to, where, args, counted, func(n int) { sn.Add(int64(n)) },
		func(tm int64, name, id string, result []byte) error {
			got = append(got, filterRow{tm, name, id, string(result)})
			return nil
		})
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}
	slices.SortFunc(got, func(a, b filterRow) int { return strings.Compare(a.String(), b.String()) })
	return got, c.Load(), sn.Load()
}

func TestFilter(t *testing.T) {
	f := newFilterFixture(t, Options{})
	// Every 7th event, with a result that is not plain ASCII.
	every7 := func(name, id, props string) ([]byte, error) {
		i, err := numberOf(props)
		if err != nil {
			return nil, err
		}
		if i%7 != 0 {
			return nil, nil
		}
		return fmt.Appendf(nil, `{"i":%d,"name":%q,"é":"✓"}`, i, name), nil
	}
	check := func(t *testing.T, from, to int64, where string, args []any, names map[string]bool) {
		t.Helper()
		var want []filterRow
		inRange := 0
		for i, r := range f.rows {
			if r.Time < from || r.Time >= to || (names != nil && !names[r.Name]) {
				continue
			}
			inRange++
			if i%7 == 0 {
				want = append(want, filterRow{r.Time, r.Name, r.DistinctID, fmt.Sprintf(`{"i":%d,"name":%q,"é":"✓"}`, i, r.Name)})
			}
		}
		slices.SortFunc(want, func(a, b filterRow) int { return strings.Compare(a.String(), b.String()) })
		got, calls, seen := runFilter(t, f.s, 1, from, to, where, args, every7)
		if len(want) == 0 || inRange == 0 {
			t.Fatal("test case selects nothing")
		}
		if !slices.Equal(got, want) {
			t.Errorf("got %d rows, want %d\nfirst got:  %v\nfirst want: %v", len(got), len(want), got[:min(3, len(got))], want[:min(3, len(want))])
		}
		if calls != int64(inRange) {
			t.Errorf("pick called %d times, want once per row in range: %d", calls, inRange)
		}
		if seen != int64(inRange) {
			t.Errorf("seen totals %d, want %d", seen, inRange)
		}
	}
	t.Run("all", func(t *testing.T) {
		check(t, t0, t0+4*dayMs, "", nil, nil)
	})
	t.Run("range cuts days", func(t *testing.T) {
		check(t, t0+dayMs/2, t0+3*dayMs+dayMs/3, "", nil, nil)
	})
	t.Run("where with args", func(t *testing.T) {
		check(t, t0+dayMs/2, t0+4*dayMs, "e.name IN (?, ?)", []any{"view", "leak"}, map[string]bool{"view": true, "leak": true})
	})
	t.Run("empty range", func(t *testing.T) {
		got, calls, _ := runFilter(t, f.s, 1, t0, t0, "", nil, every7)
		if len(got) != 0 || calls != 0 {
			t.Errorf("empty range: %d rows, %d calls", len(got), calls)
		}
	})
	t.Run("other project", func(t *testing.T) {
		got, calls, _ := runFilter(t, f.s, 2, t0, t0+4*dayMs, "e.distinct_id = ?", []any{"nobody"}, every7)
		if len(got) != 0 || calls != 0 {
			t.Errorf("no matching rows: %d rows, %d calls", len(got), calls)
		}
		got, calls, _ = runFilter(t, f.s, 2, t0, t0+4*dayMs, "", nil, every7)
		if calls != int64(len(f.rows)) || len(got) != (len(f.rows)+6)/7 {
			t.Errorf("project 2: %d rows, %d calls; want %d rows, %d calls", len(got), calls, (len(f.rows)+6)/7, len(f.rows))
		}
	})
	t.Run("parallel", func(t *testing.T) {
		if runtime.NumCPU() < 2 {
			t.Skip("one core")
		}
		// Each call holds the pick for a while: with DuckDB's threads
		// calling it, calls overlap. DuckDB may leave a small scan to one
		// thread now and then, so a pass of three runs suffices.
		most := int64(0)
		for range 3 {
			var in, peak atomic.Int64
			_, calls, _ := runFilter(t, f.s, 1, t0, t0+4*dayMs, "", nil, func(string, string, string) ([]byte, error) {
				n := in.Add(1)
				for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
				}
				for t := time.Now(); time.Since(t) < 20*time.Microsecond; {
				}
				in.Add(-1)
				return nil, nil
			})
			if calls != int64(len(f.rows)) {
				t.Fatalf("%d calls, want %d", calls, len(f.rows))
			}
			if most = peak.Load(); most >= 2 {
				break
			}
		}
		if most < 2 {
			t.Errorf("pick never ran concurrently in three scans of %d rows", len(f.rows))
		}
	})
	t.Run("empty result selects", func(t *testing.T) {
		got, _, _ := runFilter(t, f.s, 1, t0, t0+4*dayMs, "e.name = ?", []any{"buy"}, func(string, string, string) ([]byte, error) {
			return []byte{}, nil
		})
		if len(got) != len(f.rows)/3 {
			t.Errorf("got %d rows, want every buy event: %d", len(got), len(f.rows)/3)
		}
	})
}

// A result buffer pick reuses is copied by the store. (With several
// threads a pick needs a buffer per call: one DuckDB thread keeps the
// sharing legal.)
func TestFilterResultCopied(t *testing.T) {
	f := newFilterFixture(t, Options{Threads: 1})
	var mu sync.Mutex
	bufs := map[string][]byte{}
	pick := func(name, id, props string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		b := bufs[name]
		b = append(b[:0], props...)
		bufs[name] = b
		return b, nil
	}
	got, _, _ := runFilter(t, f.s, 1, t0, t0+4*dayMs, "", nil, pick)
	if len(got) != len(f.rows) {
		t.Fatalf("got %d rows, want %d", len(got), len(f.rows))
	}
	want := map[int64]string{}
	for _, r := range f.rows {
		want[r.Time] = string(r.Props)
	}
	for _, r := range got {
		if want[r.t] != r.result {
			t.Fatalf("row at %d: result is not the props pick saw", r.t)
		}
	}
}

var errTestPick = errors.New("test pick failed")

func TestFilterErrors(t *testing.T) {
	f := newFilterFixture(t, Options{})
	secret := `"i":1000,` // part of one row's props: no error text may hold it
	noop := func(int64, string, string, []byte) error { return nil }
	t.Run("pick", func(t *testing.T) {
		var calls atomic.Int64
		err := f.s.Filter(context.Background(), 1, t0, t0+4*dayMs, "", nil, func(_, _, props string) ([]byte, error) {
			calls.Add(1)
			if strings.Contains(props, secret) {
				return nil, fmt.Errorf("row rejected: %w", errTestPick)
			}
			return nil, nil
		}, nil, noop)
		if !errors.Is(err, errTestPick) {
			t.Fatalf("err = %v, want one wrapping the pick error", err)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "sieve filter stopped") {
			t.Errorf("error text %q holds row data or DuckDB's message", err)
		}
		if calls.Load() >= int64(len(f.rows)) {
			t.Errorf("the scan went on after the error: %d calls", calls.Load())
		}
	})
	t.Run("fn", func(t *testing.T) {
		errFn := errors.New("fn failed")
		n := 0
		err := f.s.Filter(context.Background(), 1, t0, t0+4*dayMs, "", nil, func(string, string, string) ([]byte, error) {
			return []byte("x"), nil
		}, nil, func(int64, string, string, []byte) error {
			if n++; n == 10 {
				return errFn
			}
			return nil
		})
		if !errors.Is(err, errFn) || n != 10 {
			t.Fatalf("err = %v after %d calls, want fn's error after 10", err, n)
		}
	})
	t.Run("result not UTF-8", func(t *testing.T) {
		err := f.s.Filter(context.Background(), 1, t0, t0+4*dayMs, "", nil, func(string, string, string) ([]byte, error) {
			return []byte("a\xffb"), nil
		}, nil, noop)
		if !errors.Is(err, ErrFilterResult) {
			t.Fatalf("err = %v, want ErrFilterResult", err)
		}
	})
	t.Run("bad where", func(t *testing.T) {
		err := f.s.Filter(context.Background(), 1, t0, t0+4*dayMs, "e.no_such_column = ?", []any{"x"},
			func(string, string, string) ([]byte, error) { return nil, nil }, nil, noop)
		if err == nil {
			t.Fatal("a condition on a missing column: no error")
		}
	})
	t.Run("nil pick", func(t *testing.T) {
		if err := f.s.Filter(context.Background(), 1, t0, t0+4*dayMs, "", nil, nil, nil, noop); err == nil {
			t.Fatal("nil pick: no error")
		}
	})
	t.Run("closed store", func(t *testing.T) {
		s := mustOpen(t, t.TempDir(), Options{})
		s.Close()
		err := s.Filter(context.Background(), 1, t0, t0+4*dayMs, "", nil, func(string, string, string) ([]byte, error) { return nil, nil }, nil, noop)
		if err == nil {
			t.Fatal("closed store: no error")
		}
	})
}

// Cancelling ctx stops a long scan promptly, with ctx's error.
func TestFilterCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 100k rows")
	}
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	const total = 100_000
	start := time.Now()
	rows := make([]event.Row, 0, 10_000)
	for b := 0; b < total/10_000; b++ {
		rows = rows[:0]
		for j := range 10_000 {
			n := b*10_000 + j
			rows = append(rows, event.Row{ProjectID: 1, Time: t0 + int64(n)*1000, Name: "view", DistinctID: "u",
				InsertID: strconv.Itoa(n), Props: fmt.Appendf(nil, `{"i":%d}`, n)})
		}
		mustAppend(t, s, rows)
		if b == 4 {
			if err := s.Seal(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("stored in %v", time.Since(start))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int64
	var cancelled atomic.Int64 // UnixNano of the cancel
	// Without the cancel the scan takes 100k x 50 us / 2 threads = 2.5 s.
	pick := func(string, string, string) ([]byte, error) {
		if calls.Add(1) == 2000 {
			cancelled.Store(time.Now().UnixNano())
			cancel()
		}
		for t := time.Now(); time.Since(t) < 50*time.Microsecond; {
		}
		return nil, nil
	}
	err := s.Filter(ctx, 1, t0, t0+total*1000, "", nil, pick, nil, func(int64, string, string, []byte) error { return nil })
	took := time.Since(time.Unix(0, cancelled.Load()))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if cancelled.Load() == 0 || took > time.Second {
		t.Errorf("Filter returned %v after the cancel, want within a second", took)
	}
	if calls.Load() >= total {
		t.Errorf("pick ran over all %d rows", calls.Load())
	}
	t.Logf("returned %v after the cancel, %d calls", took, calls.Load())
}

// Closing the store stops a running Filter, which reports store.ErrClosed.
func TestFilterClose(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	mustAppend(t, s, rowsFor(5000, 1, "c", `{"a":1}`))
	closed := make(chan error, 1)
	var calls atomic.Int64
	err := s.Filter(context.Background(), 1, t0, t0+5000*60_000, "", nil, func(string, string, string) ([]byte, error) {
		if calls.Add(1) == 100 {
			go func() { closed <- s.Close() }()
		}
		for t := time.Now(); time.Since(t) < 100*time.Microsecond; {
		}
		return nil, nil
	}, nil, func(int64, string, string, []byte) error { return nil })
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("err = %v, want store.ErrClosed", err)
	}
	if calls.Load() >= 5000 {
		t.Errorf("the scan ran to its end (%d calls)", calls.Load())
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}

// Rows with a NULL input are passed over without a call to pick (stored
// rows have none; the function is safe anyway).
func TestFilterNullInputs(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var calls atomic.Int64
	run := &filterRun{ctx: context.Background(), pick: func(name, id, props string) ([]byte, error) {
		calls.Add(1)
		return []byte(name + id + props), nil
	}}
	f := &filterFuncs{}
	if err := ddb.RegisterScalarUDF(conn, "test_filter_nulls", &filterUDF{funcs: f}); err != nil {
		t.Fatal(err)
	}
	id := f.runs.start(run)
	rows, err := conn.QueryContext(context.Background(), `SELECT k, test_filter_nulls(`+strconv.FormatInt(id, 10)+`, n, d, p) FROM (VALUES
		(1, 'a', 'b', 'c'), (2, NULL, 'b', 'c'), (3, 'a', NULL, 'c'), (4, 'a', 'b', NULL), (5, 'x', 'y', 'z')) t(k, n, d, p) ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var k int
		var r sql.NullString
		if err := rows.Scan(&k, &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%v:%s", k, r.Valid, r.String))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"1:true:abc", "2:false:", "3:false:", "4:false:", "5:true:xyz"}
	if !slices.Equal(got, want) || calls.Load() != 2 {
		t.Errorf("got %v with %d calls, want %v with 2", got, calls.Load(), want)
	}
	// A run that ended (its Filter call returned), or that never was, or
	// a run id that is not a constant fails the query with the fixed text.
	f.end(id)
	for _, arg := range []string{strconv.FormatInt(id, 10), strconv.FormatInt(id+1, 10), "k", "?"} {
		var r sql.NullString
		err := conn.QueryRowContext(context.Background(),
			"SELECT test_filter_nulls("+arg+", 'a', 'b', 'c') FROM (VALUES (1)) t(k)", id).Scan(&r)
		if err == nil || !strings.Contains(err.Error(), errFilterStopped.Error()) {
			t.Errorf("run %s: err = %v, want one with %q", arg, err, errFilterStopped)
		}
	}
	if calls.Load() != 2 {
		t.Errorf("pick ran for a run that ended")
	}
}

// filterFunctions counts the filter functions in s's catalog.
func filterFunctions(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	err := s.db.QueryRowContext(context.Background(),
		"SELECT count(*) FROM duckdb_functions() WHERE function_name LIKE 'sieve_filter%'").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Filter calls, serial and parallel, share one function in DuckDB's
// catalog, and each call sees its own pick only.
func TestFilterOneFunction(t *testing.T) {
	f := newFilterFixture(t, Options{})
	if n := filterFunctions(t, f.s); n != 0 {
		t.Fatalf("a new store has %d filter functions, want 0", n)
	}
	// Call c selects the rows with i%50 == c.
	filter := func(c int) error {
		pick := func(_, _, props string) ([]byte, error) {
			i, err := numberOf(props)
			if err != nil || i%50 != c {
				return nil, err
			}
			return strconv.AppendInt(nil, int64(c), 10), nil
		}
		got := 0
		err := f.s.Filter(context.Background(), 1, t0, t0+4*dayMs, "", nil, pick, nil, func(_ int64, _, _ string, r []byte) error {
			if string(r) != strconv.Itoa(c) {
				return fmt.Errorf("call %d got a row of call %s", c, r)
			}
			got++
			return nil
		})
		if want := (len(f.rows) - c + 49) / 50; err == nil && got != want {
			err = fmt.Errorf("call %d got %d rows, want %d", c, got, want)
		}
		return err
	}
	// The first calls run in parallel: they race to register.
	errs := make(chan error, 50)
	var wg sync.WaitGroup
	for c := range 10 {
		wg.Go(func() { errs <- filter(c) })
	}
	wg.Wait()
	for c := 10; c < 50; c++ {
		errs <- filter(c)
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := filterFunctions(t, f.s); n != 1 {
		t.Errorf("50 Filter calls left %d filter functions in the catalog, want 1", n)
	}
}

// DuckDB's catalog is per database: a function registered through one
// connection of the pool is callable from another, so registering once
// per store suffices.
func TestFilterFunctionSharedByConnections(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	c1, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := s.db.Conn(ctx) // c1 is held: a different connection
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	f := &s.filters
	if err := f.register(c1); err != nil {
		t.Fatal(err)
	}
	id := f.runs.start(&filterRun{ctx: ctx, pick: func(name, id, props string) ([]byte, error) {
		return []byte(props + id + name), nil
	}})
	defer f.end(id)
	var got string
	if err := c2.QueryRowContext(ctx, "SELECT "+filterFuncName+"("+strconv.FormatInt(id, 10)+", 'a', 'b', 'c')").Scan(&got); err != nil {
		t.Fatalf("the function registered through one connection, called from another: %v", err)
	}
	if got != "cba" {
		t.Errorf("got %q, want %q", got, "cba")
	}
}

// BenchmarkFilter compares a Filter pass with a pick that selects nothing
// against reading the same rows through Events and rows.Scan into
// sql.RawBytes, over a store of -filter.rows realistic browser events
// (~650 bytes of props) over 30 days, sealed but for the last 5% in the
// active file. Each op is one pass over every row; the metrics are the
// median over the run's passes (use -benchtime 3x for a median of 3): rows
// per wall second, the CPU time used per wall second (2 = both cores busy)
// and the CPU time per row (the figure other processes disturb least).
//
//	go test -run '^$' -bench Filter -benchtime 3x ./internal/store/duckdb/
//
// -filter.dir keeps the generated store there for later runs.
var (
	filterRows = flag.Int("filter.rows", 1_000_000, "events in BenchmarkFilter's store")
	filterDir  = flag.String("filter.dir", "", "keep BenchmarkFilter's data directory here for later runs")
)

func BenchmarkFilter(b *testing.B) {
	dir := *filterDir
	if dir == "" {
		dir = b.TempDir()
	}
	s, err := Open(dir, Options{NoSealOnClose: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	from, to := t0-31*dayMs, t0+dayMs
	if st := s.Stats(); st.SealedRows == 0 {
		start := time.Now()
		bytes := generateFilterBench(b, s, *filterRows)
		b.Logf("generated %d events (%.0f bytes of props each) in %.1fs", *filterRows, float64(bytes)/float64(*filterRows), time.Since(start).Seconds())
	}
	var total int64
	err = s.Events(context.Background(), 1, from, to, func(ctx context.Context, conn *sql.Conn, rel string) error {
		return conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rel).Scan(&total)
	})
	if err != nil || total != int64(*filterRows) {
		b.Fatalf("the store holds %d events, want %d (%v)", total, *filterRows, err)
	}
	passes := func(b *testing.B, pass func() (int64, error)) {
		var rates, cpu, perRow []float64
		for range b.N {
			c0 := cpuTime()
			w0 := time.Now()
			n, err := pass()
			if err != nil {
				b.Fatal(err)
			}
			wall := time.Since(w0)
			if n != total {
				b.Fatalf("pass saw %d rows, want %d", n, total)
			}
			rates = append(rates, float64(n)/wall.Seconds())
			used := cpuTime() - c0
			cpu = append(cpu, used.Seconds()/wall.Seconds())
			perRow = append(perRow, float64(used.Nanoseconds())/float64(n))
		}
		b.ReportMetric(median(rates), "rows/s")
		b.ReportMetric(median(cpu), "cpu/wall")
		b.ReportMetric(median(perRow), "cpu-ns/row")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("filter", func(b *testing.B) {
		passes(b, func() (int64, error) {
			var seen atomic.Int64
			err := s.Filter(context.Background(), 1, from, to, "", nil,
				func(string, string, string) ([]byte, error) { return nil, nil },
				func(n int) { seen.Add(int64(n)) },
				func(int64, string, string, []byte) error { return nil })
			return seen.Load(), err
		})
	})
	// A pick that reads every props byte once (a substring search), to
	// show what a real pick's memory traffic adds.
	b.Run("filter-contains", func(b *testing.B) {
		passes(b, func() (int64, error) {
			var seen, hits atomic.Int64
			err := s.Filter(context.Background(), 1, from, to, "", nil,
				func(_, _, props string) ([]byte, error) {
					if strings.Contains(props, `"password"`) {
						return []byte{}, nil
					}
					return nil, nil
				},
				func(n int) { seen.Add(int64(n)) },
				func(int64, string, string, []byte) error { hits.Add(1); return nil })
			if err == nil && hits.Load() != int64((total+993)/1000) {
				err = fmt.Errorf("found %d, want %d", hits.Load(), (total+993)/1000)
			}
			return seen.Load(), err
		})
	})
	b.Run("scan", func(b *testing.B) {
		passes(b, func() (int64, error) {
			var n int64
			err := s.Events(context.Background(), 1, from, to, func(ctx context.Context, conn *sql.Conn, rel string) error {
				rows, err := conn.QueryContext(ctx, "SELECT time, name, distinct_id, props FROM "+rel)
				if err != nil {
					return err
				}
				defer rows.Close()
				var tm int64
				var name, id, props sql.RawBytes
				for rows.Next() {
					if err := rows.Scan(&tm, &name, &id, &props); err != nil {
						return err
					}
					n++
				}
				return rows.Err()
			})
			return n, err
		})
	})
}

// generateFilterBench appends n events of project 1 over the 30 days
// before t0, one in a thousand with a "password" property, seals all but the
// last 5%, and returns the props bytes.
func generateFilterBench(b *testing.B, s *Store, n int) (bytes int64) {
	const batch = 10_000
	r := rand.New(rand.NewPCG(7, 11))
	names := []string{"Page View", "Sign Up", "Add To Cart", "Checkout", "Search", "$mp_web_page_view"}
	buf := make([]event.Row, 0, batch)
	sealed := false
	for i := range n {
		props := map[string]any{
			"$os": "Mac OS X", "$browser": "Chrome", "$browser_version": 131,
			"$current_url":      "https://shop.example.com/products/" + strconv.Itoa(r.IntN(5000)) + "?utm_source=newsletter&utm_medium=email&utm_campaign=winter_" + strconv.Itoa(r.IntN(9)),
			"$initial_referrer": "https://www.example.org/search?q=running+shoes&src=" + strconv.Itoa(r.IntN(100)),
			"$referrer":         "https://www.example.org/search?q=running+shoes",
			"$referring_domain": "www.example.org", "$screen_height": 1080, "$screen_width": 1920,
			"$device_id": strconv.FormatUint(r.Uint64(), 36) + "-" + strconv.FormatUint(r.Uint64(), 36),
			"mp_lib":     "web", "$lib_version": "2.83.0", "plan": "pro",
			"cart_value":   float64(r.IntN(50000)) / 100,
			"items":        []any{"sku-" + strconv.Itoa(r.IntN(900)), "sku-" + strconv.Itoa(r.IntN(900))},
			"experiment":   map[string]any{"id": r.IntN(40), "variant": "B", "since": "2026-01-" + strconv.Itoa(10+r.IntN(20))},
			"search_terms": "trail running shoes size " + strconv.Itoa(36+r.IntN(12)),
		}
		if i%1000 == 7 {
			props["password"] = "Kept-Pw-" + strconv.Itoa(i)
		}
		p, _ := json.Marshal(props)
		bytes += int64(len(p))
		buf = append(buf, event.Row{ProjectID: 1, Time: t0 - 30*dayMs + int64(i)*(30*dayMs/int64(n)),
			Name: names[r.IntN(len(names))], DistinctID: "$device:" + strconv.FormatUint(r.Uint64()%200_000, 36),
			InsertID: strconv.Itoa(i), Props: p})
		if len(buf) == batch || i == n-1 {
			if _, err := s.Append(context.Background(), buf); err != nil {
				b.Fatal(err)
			}
			buf = buf[:0]
		}
		if !sealed && i >= n*95/100 {
			if err := s.Seal(context.Background()); err != nil {
				b.Fatal(err)
			}
			sealed = true
		}
	}
	return bytes
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
