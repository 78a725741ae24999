package clickhouse

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// TestExportErrorMidStream: ClickHouse writes an error that happens after
// it began answering into the body (HTTP 200 already sent). The export
// must fail there, having handed on only the rows before it, not rows
// decoded from the error's text.
func TestExportErrorMidStream(t *testing.T) {
	var w rbWriter
	w.i64(base)
	w.str("e")
	w.str("u")
	w.str("i")
	w.str(`{"a":1}`)
	// 18.16 follows the message with a stack trace: long enough to decode
	// into whole rows if nothing checks them.
	msg := "Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB, e.what() = DB::Exception, Stack trace:\n"
	for range 20 {
		msg += "0. /usr/lib/x86_64-linux-gnu/libclickhouse.so.18(StackTrace::StackTrace()+0x16) [0x7f3a1c2e1b46]\n"
	}
	body := append(w.b, msg...)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { _, _ = rw.Write(body) }))
	defer srv.Close()
	s := &Store{db: "x", q: &node{base: srv.URL + "/", client: srv.Client()}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	defer s.cancel()
	var got []event.Row
	err := s.Export(context.Background(), store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		got = append(got, *r)
		return nil
	})
	if !errors.Is(err, errMidStream) && err == nil {
		t.Fatalf("export of a broken answer: %v", err)
	}
	if err == nil || len(got) != 1 || got[0].Name != "e" {
		t.Fatalf("rows handed on: %+v, err %v; want the one row before the error, then an error", got, err)
	}
}
