package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
)

// whereServer serves export and engage over a real store holding a few
// events and profiles of one project; it returns the server, the project's
// API secret and the audit directory.
func whereServer(t *testing.T) (*httptest.Server, string, string) {
	t.Helper()
	dir := t.TempDir()
	reg, err := project.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := reg.Create("One")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := duckdb.Open(filepath.Join(dir, "store"), duckdb.Options{Logger: log, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	al, err := audit.Open(filepath.Join(dir, "audit"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close() })
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	var rows []event.Row
	for i, props := range []string{
		`{"plan":"pro","$browser":"Firefox","n":1}`,
		`{"plan":"free","$browser":"Chrome","n":"2"}`,
		`{"plan":"pro","$browser":"Chrome","n":3}`,
		`{"n":4}`,
	} {
		rows = append(rows, event.Row{ProjectID: p.ID, Time: day + int64(i)*1000, Name: "Signed up", DistinctID: "u" + string(rune('1'+i)),
			InsertID: "i" + string(rune('1'+i)), Props: []byte(props)})
	}
	if _, err := st.Append(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	var ups []event.ProfileRow
	for i, props := range []string{`{"$email":"a@example.com","plan":"pro"}`, `{"$email":"b@example.com","plan":"free"}`, `{"plan":"pro"}`} {
		ups = append(ups, event.ProfileRow{ProjectID: p.ID, Kind: event.People, ID: "u" + string(rune('1'+i)), Time: day, IgnoreTime: true,
			Ops: []event.ProfileOpRow{{Op: "$set", Value: []byte(props)}}})
	}
	if err := st.UpdateProfiles(context.Background(), ups); err != nil {
		t.Fatal(err)
	}
	a := New(log, reg, st, guard.New())
	a.SetAudit(al)
	mux := http.NewServeMux()
	mux.Handle("GET /api/2.0/export", a.Export())
	mux.Handle("GET /api/2.0/engage", a.Engage())
	mux.Handle("POST /api/2.0/engage", a.Engage())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, p.APISecret, filepath.Join(dir, "audit")
}

func whereGet(t *testing.T, srv *httptest.Server, secret, path string, params url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path+"?"+params.Encode(), nil)
	req.SetBasicAuth(secret, "")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestExportWhere(t *testing.T) {
	srv, secret, auditDir := whereServer(t)
	f := func(where string, wantIDs ...string) {
		t.Helper()
		code, body := whereGet(t, srv, secret, "/api/2.0/export", url.Values{"from_date": {"2026-03-01"}, "to_date": {"2026-03-01"}, "where": {where}})
		if code != 200 {
			t.Fatalf("%s: %d %s", where, code, body)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			if line == "" {
				continue
			}
			var ev struct {
				Properties map[string]any `json:"properties"`
			}
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatal(err)
			}
			got = append(got, ev.Properties["distinct_id"].(string))
		}
		if strings.Join(got, ",") != strings.Join(wantIDs, ",") {
			t.Errorf("%s: got %v, want %v", where, got, wantIDs)
		}
	}
	f(`properties["plan"] == "pro"`, "u1", "u3")
	f(`properties["$browser"] == "Chrome" and number(properties["n"]) >= 2`, "u2", "u3")
	f(`not defined(properties["plan"]) or properties["n"] in [1]`, "u1", "u4")
	f(`"Fire" in properties["$browser"]`, "u1")
	// The keys export lifts out of the properties read the event's columns.
	f(`properties["distinct_id"] == "u2" or properties["$insert_id"] == "i4"`, "u2", "u4")
	f(`properties["time"] >= 1772359202`, "u3", "u4")

	// A malformed expression: 400, naming the column, with a caret.
	code, body := whereGet(t, srv, secret, "/api/2.0/export", url.Values{"from_date": {"2026-03-01"}, "to_date": {"2026-03-01"},
		"where": {`properties["plan"] == "pro"]`}})
	var e struct{ Error string }
	_ = json.Unmarshal([]byte(body), &e)
	if code != 400 || !strings.Contains(e.Error, `unexpected "]" at column 28`) || !strings.Contains(e.Error, "\n                           ^") {
		t.Fatalf("bad where: %d %q", code, e.Error)
	}
	code, body = whereGet(t, srv, secret, "/api/2.0/export", url.Values{"from_date": {"2026-03-01"}, "to_date": {"2026-03-01"},
		"where": {`user["plan"] == "pro"`}})
	if code != 400 || !strings.Contains(body, "export does not join") {
		t.Fatalf("user[] in export: %d %s", code, body)
	}

	// The audit log names the properties the where read, never its literals.
	data := readDir(t, auditDir)
	if !strings.Contains(data, `"where_properties":["plan"]`) || strings.Contains(data, `Fire`) || strings.Contains(data, `"pro"`) {
		t.Fatalf("audit log: %s", data)
	}
}

func TestEngageWhere(t *testing.T) {
	srv, secret, _ := whereServer(t)
	f := func(where string, total int, wantIDs ...string) {
		t.Helper()
		code, body := whereGet(t, srv, secret, "/api/2.0/engage", url.Values{"where": {where}})
		if code != 200 {
			t.Fatalf("%s: %d %s", where, code, body)
		}
		var out struct {
			Total   int `json:"total"`
			Results []struct {
				ID string `json:"$distinct_id"`
			} `json:"results"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range out.Results {
			got = append(got, r.ID)
		}
		if out.Total != total || strings.Join(got, ",") != strings.Join(wantIDs, ",") {
			t.Errorf("%s: got %d %v, want %d %v", where, out.Total, got, total, wantIDs)
		}
	}
	f(`properties["plan"] == "pro"`, 2, "u1", "u3")
	f(`user["$email"] == "b@example.com"`, 1, "u2")
	f(`not defined(properties["$email"])`, 1, "u3")
	f(`"example.com" in properties["$email"]`, 2, "u1", "u2")

	code, body := whereGet(t, srv, secret, "/api/2.0/engage", url.Values{"where": {`defined(properties["x"]`}})
	if code != 400 || !strings.Contains(body, "column 24") {
		t.Fatalf("bad where: %d %s", code, body)
	}
	code, body = whereGet(t, srv, secret, "/api/2.0/engage", url.Values{"filter_by_cohort": {`{"id":1}`}})
	if code != 400 || !strings.Contains(body, "filter_by_cohort") {
		t.Fatalf("cohort: %d %s", code, body)
	}
}

func readDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
