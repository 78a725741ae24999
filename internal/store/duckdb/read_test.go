package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// closeDuringRead starts Close from inside a read and waits until done
// (the read's context, or the store's read context) ends: Close cancels the
// running reads after sealing. It returns Close's result channel.
func closeDuringRead(t *testing.T, s *Store, done <-chan struct{}) <-chan error {
	t.Helper()
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not cancel the running read")
	}
	return closed
}

// Closing the store stops a running Export, which reports store.ErrClosed
// (not the context error of the cancel Close made).
func TestExportClose(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	mustAppend(t, s, rowsFor(5000, 1, "c", `{"a":1}`))
	var closed <-chan error
	n := 0
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: t0, To: t0 + 5000*60_000}, func(*event.Row) error {
		if n++; n == 100 {
			closed = closeDuringRead(t, s, s.readCtx.Done())
		}
		if closed != nil {
			// Export's context ends a moment after the store's (the
			// cancel runs in a goroutine of its own): rows go slowly
			// until Export checks it, every 256 rows.
			time.Sleep(time.Millisecond)
		}
		return nil
	})
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("err = %v, want store.ErrClosed", err)
	}
	if n >= 5000 {
		t.Errorf("the export ran to its end (%d rows)", n)
	}
	if closed == nil {
		t.Fatal("the export ended before Close was started")
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}

// Closing the store stops a running Events query, which reports
// store.ErrClosed, whether fn returns its context's error or the error of
// the query Close interrupted.
func TestEventsClose(t *testing.T) {
	for _, tc := range []struct {
		name string
		scan func(ctx context.Context, rows *sql.Rows) error // after Close cancelled the read
	}{
		{"query error", func(ctx context.Context, rows *sql.Rows) error {
			// database/sql closes rows whose context ended, from a
			// goroutine of its own: go slowly until it has.
			for rows.Next() {
				time.Sleep(time.Millisecond)
			}
			return rows.Err()
		}},
		{"ctx error", func(ctx context.Context, rows *sql.Rows) error {
			return ctx.Err()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustOpen(t, t.TempDir(), Options{})
			mustAppend(t, s, rowsFor(5000, 1, "c", `{"a":1}`))
			var closed <-chan error
			n := 0
			var fnErr error
			err := s.Events(context.Background(), 1, t0, t0+5000*60_000, func(ctx context.Context, conn *sql.Conn, rel string) error {
				rows, err := conn.QueryContext(ctx, "SELECT insert_id FROM "+rel)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					if n++; n == 100 {
						closed = closeDuringRead(t, s, ctx.Done())
						fnErr = tc.scan(ctx, rows)
						return fnErr
					}
				}
				return rows.Err()
			})
			if fnErr == nil {
				t.Fatalf("fn returned no error after Close (%d rows); the test shows nothing", n)
			}
			if !errors.Is(err, store.ErrClosed) {
				t.Errorf("err = %v, want store.ErrClosed", err)
			}
			if closed == nil {
				t.Fatal("the query ended before Close was started")
			}
			if err := <-closed; err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// A read the caller cancels reports the caller's cancel, not ErrClosed,
// while the store stays open.
func TestReadCallerCancel(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	mustAppend(t, s, rowsFor(3000, 1, "c", `{"a":1}`))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: t0, To: t0 + 3000*60_000}, func(*event.Row) error {
		if n++; n == 100 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrClosed) {
		t.Errorf("Export: err = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	err = s.Events(ctx, 1, t0, t0+3000*60_000, func(ctx context.Context, conn *sql.Conn, rel string) error {
		cancel()
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrClosed) {
		t.Errorf("Events: err = %v, want context.Canceled", err)
	}
}

// Closing the store stops a running Findings read, which reports
// store.ErrClosed.
func TestFindingsClose(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	fs := make([]event.Finding, 5000)
	for i := range fs {
		fs[i] = event.Finding{Time: t0 + int64(i), ProjectID: 1, DistinctID: "u", Event: "e", Path: "password", Class: "password", Detector: "key.password", Action: "drop_property"}
	}
	if err := s.AppendFindings(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	var closed <-chan error
	n := 0
	err := s.Findings(context.Background(), store.FindingQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(*event.Finding) error {
		if n++; n == 100 {
			closed = closeDuringRead(t, s, s.readCtx.Done())
		}
		if closed != nil {
			time.Sleep(time.Millisecond)
		}
		return nil
	})
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("err = %v, want store.ErrClosed", err)
	}
	if closed == nil {
		t.Fatal("the read ended before Close was started")
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}
