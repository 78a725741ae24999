package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestServeTrackExportShutdown runs a server in-process on 127.0.0.1:0:
// ingest with the guard, export, findings, a clean shutdown on context
// cancel, and no goroutines left behind.
func TestServeTrackExportShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	var logs bytes.Buffer
	var stdout bytes.Buffer
	srv, err := New(Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), AdminKey: "server-test-admin-key",
		Log: slog.New(slog.NewTextHandler(&logs, nil)), Console: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	base := "http://" + srv.Addr()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	out := stdout.String()
	if !strings.Contains(out, "token:") || !strings.Contains(out, "api_secret:") || strings.Contains(out, "Admin key") {
		t.Errorf("first start output with a given admin key: %q", out)
	}
	var token, secret string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "token:" {
			token = f[1]
		}
		if len(f) >= 2 && f[0] == "api_secret:" {
			secret = f[1]
		}
	}
	const canary = "Hunter2-canary-9f8e7d"
	body := fmt.Sprintf(`{"event":"Signed up","properties":{"token":%q,"distinct_id":"u1","time":%d,"$insert_id":"s1","plan":"pro","password":%q}}`,
		token, time.Now().Unix(), canary)
	resp, err := c.Post(base+"/track?verbose=1", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != `{"status":1,"error":null}` {
		t.Fatalf("track: %d %s", resp.StatusCode, b)
	}

	day := time.Now().UTC().Format(time.DateOnly)
	req, _ := http.NewRequest("GET", base+"/api/2.0/export?from_date="+day+"&to_date="+day, nil)
	req.SetBasicAuth(secret, "")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	var line struct {
		Event      string         `json:"event"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(b, &line); err != nil || line.Event != "Signed up" || line.Properties["plan"] != "pro" {
		t.Fatalf("export: %s (%v)", b, err)
	}
	if _, ok := line.Properties["password"]; ok || bytes.Contains(b, []byte(canary)) {
		t.Fatal("the password reached the export")
	}
	req, _ = http.NewRequest("GET", base+"/api/projects/1/findings", nil)
	req.SetBasicAuth(secret, "")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(b, []byte(`"path":"password"`)) || !bytes.Contains(b, []byte(`"class":"password"`)) {
		t.Errorf("findings: %s", b)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if strings.Contains(logs.String(), canary) {
		t.Error("the password reached the log")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left after shutdown (had %d):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
