package duckdb

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestPurgeBenchmark measures a purge of one property from many stored
// events and its effect on concurrent ingest latency. It runs only with
// SIEVE_PURGE_BENCH_EVENTS set (e.g. 10000000) and SIEVE_PURGE_BENCH_DIR
// (a directory with room for the data); results are printed.
func TestPurgeBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIEVE_PURGE_BENCH_EVENTS"))
	root := os.Getenv("SIEVE_PURGE_BENCH_DIR")
	if n <= 0 || root == "" {
		t.Skip("set SIEVE_PURGE_BENCH_EVENTS and SIEVE_PURGE_BENCH_DIR to run")
	}
	dir, err := os.MkdirTemp(root, "purgebench")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s := mustOpen(t, dir, Options{})
	defer s.Close()
	ctx := context.Background()
	const days = 30
	start := time.Now()
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	var wg sync.WaitGroup
	const senders = 2
	per := n / senders
	for g := 0; g < senders; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rows := make([]event.Row, 0, 20000)
			for i := 0; i < per; i++ {
				k := g*per + i
				props := fmt.Sprintf(`{"$current_url":"https://shop.example.com/products/%d?utm_source=newsletter&utm_medium=email&utm_campaign=spring-%d","$referrer":"https://www.google.com/search?q=blue+running+shoes+%d","$browser":"Chrome","$browser_version":124,"$os":"Mac OS X","$screen_height":1080,"$screen_width":1920,"mp_lib":"web","$lib_version":"2.55.0","$device_id":"18f2c%08x-0b1c-4a9e","search":{"terms":"running shoes size %d","filters":["color:blue","brand:acme"],"page":%d},"cart":[{"sku":"SKU-%d","qty":1,"price":89.9},{"sku":"SKU-%d","qty":2,"price":12.5}]`,
					k%5000, k%12, k%977, k, k%13, k%7, k%1000, k%333)
				if k%10 == 0 {
					props += fmt.Sprintf(`,"password":"hunter-%d-%x"`, k, k*7919)
				}
				props += "}"
				rows = append(rows, event.Row{ProjectID: 1, Time: base + int64(k%days)*dayMs + int64(k/days), Name: "page_view",
					DistinctID: "user-" + strconv.Itoa(k%100000), InsertID: strconv.Itoa(k), Props: []byte(props)})
				if len(rows) == cap(rows) || i == per-1 {
					if _, err := s.Append(ctx, rows); err != nil {
						t.Error(err)
						return
					}
					rows = rows[:0]
				}
			}
		}(g)
	}
	wg.Wait()
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	t.Logf("loaded %d events in %s: %d partitions, %d files", st.SealedRows, time.Since(start).Round(time.Second), st.Partitions, st.SealedFiles)

	// Ingest latency: 50-event appends in a loop, before and during the purge.
	measure := func(stop <-chan struct{}) []time.Duration {
		var lat []time.Duration
		k := 0
		for {
			select {
			case <-stop:
				return lat
			default:
			}
			rows := make([]event.Row, 50)
			for i := range rows {
				k++
				rows[i] = event.Row{ProjectID: 2, Time: time.Now().UnixMilli(), Name: "e", DistinctID: "d", InsertID: "x" + strconv.Itoa(k), Props: []byte(`{"a":1,"b":"some text of a property"}`)}
			}
			t0 := time.Now()
			if _, err := s.Append(ctx, rows); err != nil {
				t.Error(err)
				return lat
			}
			lat = append(lat, time.Since(t0))
		}
	}
	pct := func(l []time.Duration, p float64) time.Duration {
		if len(l) == 0 {
			return 0
		}
		slices.Sort(l)
		return l[int(float64(len(l)-1)*p)]
	}
	stop := make(chan struct{})
	done := make(chan []time.Duration)
	go func() { done <- measure(stop) }()
	time.Sleep(10 * time.Second)
	close(stop)
	idle := <-done
	t.Logf("ingest latency without purge: %d appends, p50 %s, p99 %s, max %s", len(idle), pct(idle, 0.5), pct(idle, 0.99), pct(idle, 1))

	stop = make(chan struct{})
	go func() { done <- measure(stop) }()
	t0 := time.Now()
	rules := []PurgeRule{{Project: 1, From: AllTimeFrom, To: AllTimeTo, Paths: []string{"password"}}}
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	er, err := s.PurgeEvents(ctx, PurgeJob{ID: "bench", Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	tEvents := time.Since(t0)
	sr, err := s.PurgeState(ctx, StatePurgeJob{ID: "bench", Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WaitObsolete(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	close(stop)
	busy := <-done
	var changed int64
	for _, p := range er.Partitions {
		changed += p.RowsChanged
	}
	t.Logf("purge of one property: %s (events %s), %d rows changed in %d partitions, %d left, state rewritten %v",
		took.Round(time.Millisecond), tEvents.Round(time.Millisecond), changed, len(er.Partitions), er.Remaining, sr.Rewritten)
	t.Logf("ingest latency during purge: %d appends, p50 %s, p99 %s, max %s", len(busy), pct(busy, 0.5), pct(busy, 0.99), pct(busy, 1))
	if er.Remaining != 0 || changed != int64(n/10) {
		t.Errorf("changed %d, want %d; remaining %d", changed, n/10, er.Remaining)
	}
}
