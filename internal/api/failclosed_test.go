package api

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// A read whose audit entry cannot be made durable is refused with 503 and
// Retry-After, and returns nothing of the data; with a working log the same
// reads answer 200.
func TestReadsFailClosedWithoutAudit(t *testing.T) {
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Create("One")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now()
	const marker = "marker-value-3f9a"
	if _, err := st.Append(t.Context(), []event.Row{{ProjectID: p.ID, Time: now.UnixMilli(), Name: "e", DistinctID: "u",
		InsertID: "i1", Props: []byte(`{"note":"` + marker + `"}`)}}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendFindings(t.Context(), []event.Finding{{Time: now.UnixMilli(), ProjectID: p.ID, DistinctID: marker,
		Event: "e", Path: "password", Class: "password", Detector: "key.password", Action: "drop_property"}}); err != nil {
		t.Fatal(err)
	}
	al, err := audit.Open(filepath.Join(dir, "audit"), log)
	if err != nil {
		t.Fatal(err)
	}
	a := New(log, reg, st, guard.New())
	a.SetAudit(al)
	mux := http.NewServeMux()
	mux.Handle("GET /api/2.0/export", a.Export())
	mux.Handle("GET /api/2.0/engage", a.Engage())
	mux.Handle("GET /api/projects/{id}/findings", a.Findings())
	mux.Handle("GET /api/projects/{id}/guard", a.GetGuard())
	mux.Handle("GET /api/audit", a.AuditLog())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	day := now.UTC().Format(time.DateOnly)
	paths := []string{
		fmt.Sprintf("/api/2.0/export?project_id=%d&from_date=%s&to_date=%s", p.ID, day, day),
		fmt.Sprintf("/api/2.0/engage?project_id=%d", p.ID),
		fmt.Sprintf("/api/projects/%d/findings", p.ID),
		fmt.Sprintf("/api/projects/%d/guard", p.ID),
		fmt.Sprintf("/api/audit?project_id=%d", p.ID),
	}
	get := func(path string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.SetBasicAuth(p.APISecret, "")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, path := range paths {
		if resp, body := get(path); resp.StatusCode != 200 {
			t.Fatalf("%s with a working audit log: %d %s", path, resp.StatusCode, body)
		}
	}
	al.Close() // every append now fails, as on a full disk
	for _, path := range paths {
		resp, body := get(path)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s without an audit log: %d (Retry-After %q) %s", path, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		if strings.Contains(body, marker) || !strings.Contains(body, "audit") {
			t.Errorf("%s: body %s", path, body)
		}
	}
}

// A change refused by a full disk is 503 with a reason, not 500.
func TestDiskFullIs503(t *testing.T) {
	code, msg := status(fmt.Errorf("project: write registry: %w", syscall.ENOSPC))
	if code != http.StatusServiceUnavailable || !strings.Contains(msg, "disk") {
		t.Errorf("ENOSPC: %d %q", code, msg)
	}
	var e *Error
	if !errors.As(errDiskFull, &e) || e.RetryAfter == 0 {
		t.Errorf("errDiskFull has no Retry-After: %+v", e)
	}
}
