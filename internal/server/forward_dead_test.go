package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestForwardDeadLettersAPI: records a destination refuses (403) are
// listed (without their values), retried and discarded through the API,
// each audited, with the forward_dead_letter alert and metric; beyond
// outbox_max_mb ingestion answers 503 with Retry-After and stores nothing.
func TestForwardDeadLettersAPI(t *testing.T) {
	const canary = "dead-api-canary-3b7"
	var accept atomic.Bool
	var got atomic.Int64
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !accept.Load() {
			w.WriteHeader(403)
			return
		}
		got.Add(1)
		w.Write([]byte(`{"code":200,"status":"OK"}`))
	}))
	defer dst.Close()
	a := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", allowPrivat: true}
	a.start()
	base := "http://" + a.addr + "/api/projects/1/destinations"
	if code, body := call(t, "PUT", base, a.secret, "", fmt.Sprintf(`{"destinations":[{"name":"mp","kind":"mixpanel","host":%q,"token":"tok","batch_size":2,"min_backoff_ms":20,"max_backoff_ms":200}]}`, dst.URL)); code != 200 ||
		!strings.Contains(string(body), `"batch_size":2`) {
		t.Fatalf("PUT: %d %s", code, body)
	}
	now := time.Now().UnixMilli()
	if code, body := call(t, "POST", "http://"+a.addr+"/import", a.secret, "", fmt.Sprintf(`[
		{"event":"e","properties":{"distinct_id":"u","time":%d,"$insert_id":"d1","note":%q}},
		{"event":"e","properties":{"distinct_id":"u","time":%d,"$insert_id":"d2"}},
		{"event":"e","properties":{"distinct_id":"u","time":%d,"$insert_id":"d3"}}]`, now, canary, now, now)); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	deadline := time.Now().Add(30 * time.Second)
	var body []byte
	for time.Now().Before(deadline) {
		_, body = call(t, "GET", base+"/mp/dead-letters", a.secret, "", "")
		if strings.Contains(string(body), `"total":3`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(string(body), `"total":3`) || !strings.Contains(string(body), `"insert_id":"d1"`) || !strings.Contains(string(body), "HTTP 403") ||
		strings.Contains(string(body), canary) {
		t.Fatalf("dead letters: %s", body)
	}
	admin := http.Header{"Authorization": {"Bearer server-test-admin-key"}}
	_, _, m := get(t, "http://"+a.addr+"/metrics", admin)
	if !strings.Contains(m, `sieve_forward_dead_letter_records{destination="1/mp"} 3`) {
		t.Errorf("metrics lack the dead letters")
	}
	_, al := call(t, "GET", "http://"+a.addr+"/api/alerts?project_id=1", a.secret, "", "")
	if !strings.Contains(string(al), "forward_dead_letter") {
		t.Errorf("no forward_dead_letter alert: %s", al)
	}
	if code, body := call(t, "GET", base+"/nope/dead-letters", a.secret, "", ""); code != 404 {
		t.Errorf("unknown destination: %d %s", code, body)
	}
	accept.Store(true)
	if code, body := call(t, "POST", base+"/mp/dead-letters/retry", a.secret, "", ""); code != 200 || !strings.Contains(string(body), `"retried":3`) {
		t.Fatalf("retry: %d %s", code, body)
	}
	for got.Load() < 2 && time.Now().Before(deadline) { // batch_size 2: two requests
		time.Sleep(50 * time.Millisecond)
	}
	if got.Load() != 2 {
		t.Errorf("retried delivery made %d requests, want 2 (batch_size 2)", got.Load())
	}
	if code, body := call(t, "DELETE", base+"/mp/dead-letters", a.secret, "", ""); code != 200 || !strings.Contains(string(body), `"discarded":0`) {
		t.Errorf("discard: %d %s", code, body)
	}
	_, au := call(t, "GET", "http://"+a.addr+"/api/audit?project_id=1", a.secret, "", "")
	for _, act := range []string{"destinations.dead_letters.list", "destinations.dead_letters.retry", "destinations.dead_letters.discard"} {
		if !strings.Contains(string(au), act) {
			t.Errorf("audit lacks %s", act)
		}
	}

	// The outbox bound: the destination refuses with 503 now, 1 MB fills.
	accept.Store(false)
	dst.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	if code, body := call(t, "PUT", base, a.secret, "", fmt.Sprintf(`{"outbox_max_mb":1,"destinations":[{"name":"mp","kind":"mixpanel","host":%q,"token":"tok"}]}`, dst.URL)); code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	big := strings.Repeat("y", 200<<10)
	var code, admitted int
	var resp *http.Response
	for i := 0; i < 12; i++ {
		admitted = i
		req, _ := http.NewRequest("POST", "http://"+a.addr+"/import", strings.NewReader(fmt.Sprintf(`[{"event":"big","properties":{"distinct_id":"u","time":%d,"$insert_id":"big-%d","b":%q}}]`, now, i, big)))
		req.SetBasicAuth(a.secret, "")
		var err error
		if resp, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if code = resp.StatusCode; code != 200 {
			break
		}
	}
	if code != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a full outbox should answer 503 with Retry-After, got %d %v", code, resp.Header)
	}
	n := 0
	for id := range a.export() {
		if strings.HasPrefix(id, "big-") {
			n++
		}
	}
	if admitted < 5 || n != admitted {
		t.Errorf("stored %d big events, want the %d admitted before the outbox passed 1 MB", n, admitted)
	}
}
