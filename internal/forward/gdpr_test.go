package forward

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestGDPRPassOnRequest: the request a stand-in of Mixpanel's GDPR API
// receives (POST /api/app/data-deletions/v3.0/?token=, Bearer token, JSON
// body), after a 429 with Retry-After; a 401 is recorded as refused and the
// ids leave the disk either way.
func TestGDPRPassOnRequest(t *testing.T) {
	var mu sync.Mutex
	var reqs []string
	status := []int{429, 200, 401}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		reqs = append(reqs, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("Authorization")+" "+string(b))
		st := status[0]
		if len(status) > 1 {
			status = status[1:]
		}
		if st == 429 {
			w.Header().Set("Retry-After", "0")
		}
		w.WriteHeader(st)
		if st == 200 {
			json.NewEncoder(w).Encode(map[string]any{"status": "ok", "results": map[string]any{"task_id": 4242}})
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	f, cancel, done := newTest(t, dir)
	defer func() { cancel(); <-done }()
	if _, err := f.Set(context.Background(), 1, []Destination{
		{Name: "mp", Kind: KindMixpanel, Host: "http://127.0.0.1:32003", Token: "proj-token", GDPRToken: "oauth-secret-token-1", GDPRHost: srv.URL},
		{Name: "ph", Kind: KindPostHog, Host: srv.URL, Token: "k"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.PassOnDeletion(1, "job-1", []string{"user-a", "user-b"}, "GDPR"); err != nil || n != 1 {
		t.Fatalf("PassOnDeletion: %d %v", n, err)
	}
	waitFor(t, "the pass-on", func() bool { return f.List(1)[0].GDPRLast != "" })
	if v := f.List(1)[0]; v.GDPRLast != "accepted (task 4242)" || v.GDPRPending != 0 || v.GDPRToken != "****en-1" {
		t.Errorf("view: %+v", v)
	}
	mu.Lock()
	want := `POST /api/app/data-deletions/v3.0/?token=proj-token Bearer oauth-secret-token-1 {"compliance_type":"GDPR","distinct_ids":["user-a","user-b"]}`
	if len(reqs) != 2 || reqs[0] != want || reqs[1] != want {
		t.Errorf("requests:\n%s\nwant twice:\n%s", strings.Join(reqs, "\n"), want)
	}
	mu.Unlock()
	if _, err := f.PassOnDeletion(1, "job-2", []string{"user-c"}, "CCPA"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the refusal", func() bool { return strings.Contains(f.List(1)[0].GDPRLast, "HTTP 401") })
	for _, c := range []string{"user-a", "user-c", "oauth-secret-token-1"} {
		if hits := grepDir(t, dir, c); len(hits) > 0 {
			t.Errorf("%s is still on disk: %v", c, hits)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "dest", "1-mp", "gdpr-done.log"))
	if !strings.Contains(string(b), `"remote_task_id":"4242"`) || !strings.Contains(string(b), `"ids":1`) {
		t.Errorf("gdpr-done.log: %s", b)
	}
	if d := (&Destination{Host: "https://api-eu.mixpanel.com"}); d.gdprHost() != "https://eu.mixpanel.com" {
		t.Errorf("EU GDPR host: %s", d.gdprHost())
	}
}
