package forward

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestDeadLetters: records refused in strict mode and a batch answered
// 403 go to the destination's dead-letter file (0600) with an alert; while
// the destination is down, records older than the bound go there too; a
// purge reaches them; retry delivers them once the destination accepts;
// discard deletes them.
func TestDeadLetters(t *testing.T) {
	var mode atomic.Int32 // 0: the stand-in, 1: 403, 2: 503
	s := &standIn{maxBatch: 1000}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case 1:
			w.WriteHeader(403)
		case 2:
			w.WriteHeader(503)
		default:
			s.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	var mu sync.Mutex
	var alerts []string
	f, err := New(Options{Dir: dir, AllowPrivate: true, BatchSize: 40, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		OnDeadLetter: func(project int64, name string, n int, reason string) {
			mu.Lock()
			alerts = append(alerts, fmt.Sprintf("%d/%s %d %s", project, name, n, reason))
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if _, err := f.Configure(ctx, 1, Settings{DeadLetterAfterHours: 0.5 / 3600}, []Destination{{Name: "mp", Kind: KindMixpanel, Host: srv.URL, Token: "t"}}); err != nil {
		t.Fatal(err)
	}
	view := func() View { return f.List(1)[0] }

	// Strict-mode refusals.
	if err := f.Append(rows(1, 0, 10, func(i int) bool { return i%5 == 0 }), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "strict refusals", func() bool { return view().Queued == 0 && view().DeadLetters == 2 })
	st, err := os.Stat(filepath.Join(dir, "dest", "1-mp", "dead.log"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("dead-letter file: %v %v", st, err)
	}
	ds, n, err := f.DeadLetters(1, "mp", 10)
	if err != nil || n != 2 || ds[0].Record.InsertID != "id-0000" || ds[1].Record.InsertID != "id-0005" || !strings.Contains(ds[0].Reason, "strict") {
		t.Fatalf("dead letters %v (%d, %v)", ds, n, err)
	}

	// 403: the batch goes whole.
	mode.Store(1)
	if err := f.Append(rows(1, 10, 3, nil), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "403", func() bool { return view().Queued == 0 && view().DeadLetters == 5 })

	// Down for longer than the bound (0.5 s): the records go after it,
	// not before.
	mode.Store(2)
	if err := f.Append([]event.Row{{ProjectID: 1, Time: 1, Name: "e", DistinctID: "gdpr-me", InsertID: "late-1", Props: []byte(`{"note":"dl-canary-9a"}`)}}, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if v := view(); v.DeadLetters != 5 || v.Queued != 1 || v.Failures == 0 {
		t.Fatalf("before the bound: %+v", v)
	}
	waitFor(t, "the bound", func() bool { return view().DeadLetters == 6 && view().Queued == 0 })
	ds, _, _ = f.DeadLetters(1, "mp", 100)
	if last := ds[len(ds)-1]; last.Record.InsertID != "late-1" || !strings.Contains(last.Reason, "not accepted within") || !strings.Contains(last.Reason, "HTTP 503") {
		t.Errorf("bounded-time dead letter: %+v", last)
	}
	mu.Lock()
	if len(alerts) != 3 || !strings.Contains(alerts[1], "1/mp 3 HTTP 403") {
		t.Errorf("alerts: %q", alerts)
	}
	mu.Unlock()

	// A purge reaches the dead letters.
	if hits := grepDir(t, filepath.Join(dir, "dest"), "dl-canary-9a"); len(hits) == 0 {
		t.Fatal("positive control: the dead letter should hold the canary")
	}
	if _, err := f.Purge([]Rule{{Project: 1, From: 0, To: 1 << 62, DistinctIDs: []string{"gdpr-me"}, DeleteEvents: true}}); err != nil {
		t.Fatal(err)
	}
	if hits := grepDir(t, filepath.Join(dir, "dest"), "dl-canary-9a"); len(hits) > 0 {
		t.Errorf("the purged dead letter is still on disk: %v", hits)
	}
	if v := view(); v.DeadLetters != 5 {
		t.Errorf("after the purge: %d dead letters, want 5", v.DeadLetters)
	}

	// Retry once the destination accepts (the strict refusals come back).
	mode.Store(0)
	s.mu.Lock()
	before := len(s.got)
	s.mu.Unlock()
	if n, err := f.RetryDeadLetters(1, "mp"); err != nil || n != 5 {
		t.Fatalf("retry: %d %v", n, err)
	}
	waitFor(t, "retry", func() bool { v := view(); return v.Retrying == 0 && v.DeadLetters == 2 })
	s.mu.Lock()
	got := s.got[before:]
	s.mu.Unlock()
	if strings.Join(got, ",") != "id-0010,id-0011,id-0012" {
		t.Errorf("retried delivery: %v", got)
	}
	if n, err := f.DiscardDeadLetters(1, "mp"); err != nil || n != 2 || view().DeadLetters != 0 {
		t.Errorf("discard: %d %v %+v", n, err, view())
	}
	if _, err := os.Stat(filepath.Join(dir, "dest", "1-mp", "dead.log")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead-letter file should be gone: %v", err)
	}
	if _, _, err := f.DeadLetters(1, "nope", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown destination: %v", err)
	}
}

func grepDir(t *testing.T, dir, s string) []string {
	var hits []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), s) {
				hits = append(hits, p)
			}
		}
		return nil
	})
	return hits
}

// TestOutboxBound: beyond outbox_max_mb, Admit refuses the project (and
// only it) until delivery catches up.
func TestOutboxBound(t *testing.T) {
	dir := t.TempDir()
	f, cancel, done := newTest(t, dir)
	defer func() { cancel(); <-done }()
	if _, err := f.Configure(context.Background(), 1, Settings{OutboxMaxMB: 1}, []Destination{{Name: "down", Kind: KindSieve, Host: "http://127.0.0.1:32002", Token: "t"}}); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 64<<10)
	for i := 0; f.Admit(1) == nil; i++ {
		if i > 40 {
			t.Fatal("the outbox passed 1 MB without Admit refusing")
		}
		if err := f.Append([]event.Row{{ProjectID: 1, Time: 1, Name: "e", DistinctID: "u", InsertID: fmt.Sprint(i), Props: []byte(`{"b":"` + big + `"}`)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Admit(1); !errors.Is(err, ErrOutboxFull) || f.Admit(2) != nil {
		t.Fatalf("Admit: %v, other project %v", err, f.Admit(2))
	}
	if _, err := f.Configure(context.Background(), 1, Settings{OutboxMaxMB: -1}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative bound: %v", err)
	}
	if _, err := f.Configure(context.Background(), 1, Settings{Mode: "sometimes"}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad mode: %v", err)
	}
}
