package logx

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// 10,000 identical errors in a burst write burst lines; the next window's
// first line says how many were suppressed; other messages and info lines
// are not limited.
func TestRateLimit(t *testing.T) {
	var buf bytes.Buffer
	h := RateLimit(slog.NewTextHandler(&buf, nil), 5, time.Minute).(*limiter)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	h.st.now = func() time.Time { return now }
	log := slog.New(h).With("component", "ingest")
	for range 10000 {
		log.Error("ingest commit failed", "err", "no space left on device")
	}
	log.Error("another failure")
	for range 20 {
		log.Info("listening")
	}
	if n := strings.Count(buf.String(), "ingest commit failed"); n != 5 {
		t.Errorf("%d lines of the flooding error, want 5", n)
	}
	if strings.Count(buf.String(), "another failure") != 1 || strings.Count(buf.String(), "listening") != 20 {
		t.Errorf("other lines limited:\n%s", buf.String())
	}
	buf.Reset()
	now = now.Add(time.Minute)
	log.Error("ingest commit failed", "err", "no space left on device")
	if !strings.Contains(buf.String(), "suppressed=9995") || !strings.Contains(buf.String(), "component=ingest") {
		t.Errorf("after the window: %s", buf.String())
	}
}

// JSON output, and the request id of the middleware on lines logged with
// the request's context.
func TestJSONAndRequestID(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, JSON, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id = RequestID(r.Context())
		log.ErrorContext(r.Context(), "api request failed", "route", "GET /x")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not JSON: %s", buf.String())
	}
	if len(id) != 16 || line["request_id"] != id || rec.Header().Get("X-Request-Id") != id {
		t.Errorf("request id %q, line %v, header %q", id, line, rec.Header().Get("X-Request-Id"))
	}
	if _, err := New(&buf, "xml", slog.LevelInfo); err == nil {
		t.Error("an unknown format was accepted")
	}
}
