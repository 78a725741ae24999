package ingest_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/ingest"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// slowObserver counts how many requests are in the pipeline's CPU-bound
// part at once; it sleeps, so without a limit every request would be.
type slowObserver struct{ now, peak atomic.Int32 }

func (o *slowObserver) Observe(*event.Event, []event.Finding, time.Time) {
	n := o.now.Add(1)
	for {
		p := o.peak.Load()
		if n <= p || o.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	o.now.Add(-1)
}

// At most GOMAXPROCS requests run the pipeline at once; the others wait
// for a slot and are all answered.
func TestDecodeSlotsBoundConcurrency(t *testing.T) {
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := guard.New()
	ing := ingest.New(log, reg, st, guardcache.New(reg, g))
	obs := &slowObserver{}
	ing.SetHooks(nil, obs)
	c, err := reg.Create("p")
	if err != nil {
		t.Fatal(err)
	}
	procs := runtime.GOMAXPROCS(0)
	senders := 3*procs + 2
	var wg sync.WaitGroup
	codes := make([]int, senders)
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`[{"event":"e","properties":{"token":%q,"distinct_id":"u%d","$insert_id":"i%d"}}]`, c.Project.Token, i, i)
			rec := httptest.NewRecorder()
			ing.Track().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(body))))
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusOK {
			t.Fatalf("request %d answered %d", i, code)
		}
	}
	if p := obs.peak.Load(); p < 1 || int(p) > procs {
		t.Fatalf("%d requests in the pipeline at once; want 1 to GOMAXPROCS (%d)", p, procs)
	}
}
