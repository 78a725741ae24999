package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testServer runs a server for one test and returns its base URL and the
// first project's token and API secret.
func testServer(t *testing.T, cfg Config) (base, token, secret string) {
	t.Helper()
	var stdout bytes.Buffer
	cfg.Addr, cfg.DataDir, cfg.AdminKey = "127.0.0.1:0", t.TempDir(), "server-test-admin-key"
	cfg.Log, cfg.Console = slog.New(slog.NewTextHandler(io.Discard, nil)), &stdout
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	<-srv.Ready()
	for _, line := range strings.Split(stdout.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "token:" {
			token = f[1]
		} else if len(f) >= 2 && f[0] == "api_secret:" {
			secret = f[1]
		}
	}
	return "http://" + srv.Addr(), token, secret
}

// call sends a request with Basic auth user:pass (none when user is empty)
// and returns the status and body.
func call(t *testing.T, method, url, user, pass, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	if strings.HasPrefix(url, "http://") && strings.Contains(url, "/track") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func serviceAccount(t *testing.T, base, secret, role string) (string, string) {
	t.Helper()
	code, b := call(t, "POST", base+"/api/projects/1/service-accounts", secret, "", fmt.Sprintf(`{"name":"%s bot","role":%q}`, role, role))
	if code != 201 {
		t.Fatalf("create service account: %d %s", code, b)
	}
	var sa struct{ Username, Secret string }
	json.Unmarshal(b, &sa)
	return sa.Username, sa.Secret
}

func TestQueryEndpoint(t *testing.T) {
	base, token, secret := testServer(t, Config{})
	const canary = "Hunter2-canary-q1"
	now := time.Now().Unix()
	var batch []string
	for i, u := range []string{"u1", "u1", "u2"} {
		batch = append(batch, fmt.Sprintf(`{"event":"Signed up","properties":{"token":%q,"distinct_id":%q,"time":%d,"$insert_id":"q%d","plan":"pro","password":%q}}`, token, u, now, i, canary))
	}
	if code, b := call(t, "POST", base+"/track", "", "", "data="+strings.Join([]string{"[" + strings.Join(batch, ",") + "]"}, "")); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	if code, b := call(t, "PATCH", base+"/api/projects/1", secret, "", `{"time_zone":"Asia/Tokyo"}`); code != 200 || !bytes.Contains(b, []byte(`"time_zone":"Asia/Tokyo"`)) {
		t.Fatalf("set time zone: %d %s", code, b)
	}
	analyst, analystSecret := serviceAccount(t, base, secret, "analyst")
	ingester, ingestSecret := serviceAccount(t, base, secret, "ingest")
	day := time.Now().In(mustZone(t, "Asia/Tokyo")).Format(time.DateOnly)
	doc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up"},{"event":"Signed up","math":"unique"}],"breakdown":[{"property":"plan"}]}`, day, day)

	code, b := call(t, "POST", base+"/api/projects/1/query", analyst, analystSecret, doc)
	if code != 200 {
		t.Fatalf("query: %d %s", code, b)
	}
	var reply struct {
		Results struct {
			Trends struct {
				Buckets []string
				Series  []struct {
					Name      string
					Breakdown []string
					Values    []float64
				}
			}
		}
		ElapsedMS   *float64 `json:"elapsed_ms"`
		RowsScanned int64    `json:"rows_scanned"`
		TimeZone    string   `json:"time_zone"`
	}
	if err := json.Unmarshal(b, &reply); err != nil {
		t.Fatal(err)
	}
	tr := reply.Results.Trends
	if len(tr.Buckets) != 1 || tr.Buckets[0] != day || len(tr.Series) != 2 ||
		tr.Series[0].Values[0] != 3 || tr.Series[1].Values[0] != 2 || tr.Series[0].Breakdown[0] != "pro" {
		t.Errorf("trends: %s", b)
	}
	if reply.ElapsedMS == nil || reply.RowsScanned != 3 || reply.TimeZone != "Asia/Tokyo" {
		t.Errorf("reply: elapsed %v, rows %d, zone %q", reply.ElapsedMS, reply.RowsScanned, reply.TimeZone)
	}
	if bytes.Contains(b, []byte(canary)) {
		t.Error("the password reached a query result")
	}
	// A breakdown by an expression: 3 events, 2 users, one value; the
	// password was stripped on arrival, so an expression reading it sees
	// nothing.
	exprDoc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up","math":"unique"}],"breakdown":[{"expr":"properties[\"plan\"] == \"pro\""},{"expr":"string(properties[\"password\"])"}]}`, day, day)
	code, b = call(t, "POST", base+"/api/projects/1/query", analyst, analystSecret, exprDoc)
	if code != 200 || !bytes.Contains(b, []byte(`"breakdown":["true","(none)"],"values":[2]`)) || bytes.Contains(b, []byte(canary)) {
		t.Errorf("expression breakdown: %d %s", code, b)
	}

	if code, b := call(t, "POST", base+"/api/projects/1/query", ingester, ingestSecret, doc); code != 403 {
		t.Errorf("ingest role: %d %s", code, b)
	}
	if code, _ := call(t, "POST", base+"/api/projects/1/query", "", "", doc); code != 401 {
		t.Errorf("no credentials: %d", code)
	}
	for body, field := range map[string]string{
		`{"kind":"trends","from":"yesterday","to":"2026-01-01","series":[{}]}`:                                      "from",
		`{"kind":"trends","from":"2026-01-01","to":"2026-01-01","series":[{"math":"mean"}]}`:                        "series[0].math",
		`{"kind":"trends","from":"2026-01-01","to":"2026-01-01","series":[{}],"breakdown":[{"expr":"1 +"}]}`:        "breakdown[0].expr",
		`{"kind":"funnels","from":"2026-01-01","to":"2026-01-01","series":[{"event":"a"}]}`:                         "series",
		`{"kind":"trends","from":"2026-01-01","to":"2026-01-01","series":[{}],"colour":"red"}`:                      "colour",
		`{"kind":"retention","from":"2026-01-01","to":"2026-01-01","retention":{"start":{"event":"a"},"mode":"x"}}`: "retention.mode",
		`{"kind":`: "document",
	} {
		code, b := call(t, "POST", base+"/api/projects/1/query", analyst, analystSecret, body)
		if code != 400 || !bytes.Contains(b, []byte(field)) {
			t.Errorf("%s: %d %s, want 400 naming %s", body, code, b, field)
		}
	}

	// The audit log has the query, the properties it read, and the rows.
	code, b = call(t, "GET", base+"/api/audit?action=query", secret, "", "")
	var log struct {
		Entries []struct {
			Actor      string
			Properties []string
			Rows       int64
			Criteria   map[string]any
		}
	}
	json.Unmarshal(b, &log)
	if code != 200 || len(log.Entries) == 0 {
		t.Fatalf("audit: %d %s", code, b)
	}
	e := log.Entries[0]
	if e.Actor != "sa:"+analyst || e.Rows != 3 || e.Criteria["kind"] != "trends" || !strings.Contains(strings.Join(e.Properties, ","), "plan") {
		t.Errorf("audit entry: %+v", e)
	}
}

func TestQueryTimeLimit(t *testing.T) {
	base, _, secret := testServer(t, Config{QueryTimeout: time.Nanosecond})
	code, b := call(t, "POST", base+"/api/projects/1/query", secret, "", `{"kind":"trends","from":"2026-01-01","to":"2026-01-31","series":[{}]}`)
	if code != http.StatusGatewayTimeout || !bytes.Contains(b, []byte("time limit")) {
		t.Errorf("query over its time limit: %d %s", code, b)
	}
}

func TestQueryMemoryLimit(t *testing.T) {
	base, token, secret := testServer(t, Config{QueryMemory: 10})
	body := fmt.Sprintf(`data=[{"event":"a","properties":{"token":%q,"distinct_id":"u","time":%d}},{"event":"b","properties":{"token":%q,"distinct_id":"u","time":%d}}]`,
		token, time.Now().Unix(), token, time.Now().Unix())
	if code, b := call(t, "POST", base+"/track", "", "", body); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	day := time.Now().UTC().Format(time.DateOnly)
	code, b := call(t, "POST", base+"/api/projects/1/query", secret, "", fmt.Sprintf(`{"kind":"funnels","from":%q,"to":%q,"series":[{"event":"a"},{"event":"b"}]}`, day, day))
	if code != http.StatusUnprocessableEntity || !bytes.Contains(b, []byte("memory")) {
		t.Errorf("query over its memory limit: %d %s", code, b)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
