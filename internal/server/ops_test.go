package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// startTest runs a server on 127.0.0.1:0 until the test ends.
func startTest(t *testing.T) (*Server, string, *bytes.Buffer) {
	t.Helper()
	var stdout bytes.Buffer
	srv, err := New(Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), AdminKey: "server-test-admin-key",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Console: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return srv, "http://" + srv.Addr(), &stdout
}

func get(t *testing.T, url string, h http.Header) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// /metrics (admin key only) counts requests, events by outcome and guard
// actions; /readyz fails once the audit log cannot write.
func TestMetricsAndReadyz(t *testing.T) {
	srv, base, stdout := startTest(t)
	var token string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "token:" {
			token = f[1]
		}
	}
	body := fmt.Sprintf(`[{"event":"e","properties":{"token":%q,"distinct_id":"u","password":"hunter2hunter2"}},{"event":"","properties":{}}]`, token)
	resp, err := http.Post(base+"/track", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, _, _ := get(t, base+"/metrics", nil); code != http.StatusUnauthorized {
		t.Errorf("/metrics without the admin key: %d", code)
	}
	admin := http.Header{"Authorization": {"Bearer server-test-admin-key"}}
	code, _, m := get(t, base+"/metrics", admin)
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`sieve_ingest_events_total{endpoint="track",outcome="stored"} 1`,
		`sieve_ingest_events_total{endpoint="track",outcome="rejected"} 1`,
		`sieve_guard_actions_total{action="drop_property",class="password",detector="key.password"} 1`,
		`sieve_http_requests_total{code="200",route="POST /track"} 1`,
		`sieve_http_requests_total{code="401",route="GET /metrics"} 1`,
		"sieve_ingest_batch_seconds_count{endpoint=\"track\"} 1",
		"sieve_store_commit_seconds_count{kind=\"events\"} 1",
		"sieve_store_queue_depth 0", "sieve_disk_free_bytes ", "sieve_audit_write_failures_total 0",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(m, "hunter2") {
		t.Error("/metrics holds a value")
	}
	if code, h, b := get(t, base+"/readyz", nil); code != 200 || h.Get("X-Request-Id") == "" {
		t.Errorf("/readyz: %d %s", code, b)
	}
	srv.audit.Close() // every append fails from now on, as on a full disk
	if code, _, _ := get(t, base+"/api/audit", admin); code != http.StatusServiceUnavailable {
		t.Errorf("a read without an audit log: %d", code)
	}
	code, h, b := get(t, base+"/readyz", nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(b, "audit") || h.Get("Retry-After") == "" {
		t.Errorf("/readyz with a failing audit log: %d %s", code, b)
	}
	if code, _, _ := get(t, base+"/healthz", nil); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	_, _, m = get(t, base+"/metrics", admin)
	if !strings.Contains(m, "sieve_audit_write_failures_total 1") {
		t.Errorf("audit failures not counted")
	}
	// Every read refuses to answer without its audit entry.
	for _, path := range []string{"/api/advisories", "/api/alerts", "/api/projects/1/lexicon"} {
		if code, _, b := get(t, base+path, admin); code != http.StatusServiceUnavailable {
			t.Errorf("GET %s without an audit log: %d %s", path, code, b)
		}
	}
	q := `{"kind":"trends","from":"2026-01-01","to":"2026-01-02","series":[{"event":"e"}]}`
	req, _ := http.NewRequest("POST", base+"/api/projects/1/query", strings.NewReader(q))
	req.Header = admin.Clone()
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	qb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(string(qb), "series") {
		t.Errorf("a query without an audit log: %d %s", resp.StatusCode, qb)
	}
}
