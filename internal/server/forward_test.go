package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/forward"
)

// fwdServer is a server the forwarding test stops and starts again on the
// same data directory and address.
type fwdServer struct {
	t                     *testing.T
	dir, addr             string
	token, secret         string
	stop                  func()
	logs                  *bytes.Buffer
	guardOff, allowPrivat bool
}

func (s *fwdServer) start() {
	s.t.Helper()
	var stdout bytes.Buffer
	if s.logs == nil {
		s.logs = &bytes.Buffer{}
	}
	srv, err := New(Config{Addr: s.addr, DataDir: s.dir, AdminKey: "server-test-admin-key", Console: &stdout,
		Log: slog.New(slog.NewTextHandler(s.logs, nil)), AllowPrivateWebhooks: s.allowPrivat, SelfTestInterval: -1})
	if err != nil {
		s.t.Fatal(err)
	}
	if s.guardOff {
		srv.Ingest().SetGuardEnabled(false) // B keeps whatever it receives
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	s.addr = srv.Addr()
	for _, line := range strings.Split(stdout.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "token:" {
			s.token = f[1]
		} else if len(f) >= 2 && f[0] == "api_secret:" {
			s.secret = f[1]
		}
	}
	stopped := false
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			s.t.Errorf("Run: %v", err)
		}
	}
	s.t.Cleanup(s.stop)
}

// export returns the server's export of today, by $insert_id.
func (s *fwdServer) export() map[string]map[string]any {
	s.t.Helper()
	day := time.Now().UTC().Format(time.DateOnly)
	code, b := call(s.t, "GET", "http://"+s.addr+"/api/2.0/export?from_date="+day+"&to_date="+day, s.secret, "", "")
	if code != 200 {
		s.t.Fatalf("export: %d %s", code, b)
	}
	out := map[string]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Event      string         `json:"event"`
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			s.t.Fatalf("export line %s: %v", sc.Bytes(), err)
		}
		id, _ := line.Properties["$insert_id"].(string)
		if _, dup := out[id]; dup {
			s.t.Errorf("export: $insert_id %s twice", id)
		}
		line.Properties["event"] = line.Event
		out[id] = line.Properties
	}
	return out
}

// TestForwardToSieveOverMixpanelAndPostHogWires runs Sieve A forwarding to
// Sieve B1 through Mixpanel's /import (API secret) and to Sieve B2
// through PostHog's /batch/. B1 and B2 run without a guard, so whatever
// reaches them is kept: the password A's guard removed must not be there.
// B1 is down while A ingests, then comes back: every event arrives once.
func TestForwardToSieveOverMixpanelAndPostHogWires(t *testing.T) {
	const canary = "Hunter2-forward-canary-7c1"
	b1 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:18801", guardOff: true}
	b2 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:18802", guardOff: true}
	a := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", allowPrivat: true}
	b1.start()
	b2.start()
	a.start()

	// B without a guard keeps a password: the check below could fail.
	code, body := call(t, "POST", "http://"+b2.addr+"/import", b2.secret, "",
		fmt.Sprintf(`[{"event":"probe","properties":{"distinct_id":"p","time":%d,"$insert_id":"probe1","password":%q}}]`, time.Now().UnixMilli(), canary))
	if code != 200 || !strings.Contains(fmt.Sprint(b2.export()["probe1"]["password"]), canary) {
		t.Fatalf("B2 without its guard should keep the probe's password: %d %s %v", code, body, b2.export())
	}

	dests := fmt.Sprintf(`{"destinations":[
		{"name":"mp","kind":"mixpanel","host":"http://%s","token":%q,"secret":%q},
		{"name":"ph","kind":"posthog","host":"http://%s/","token":%q}]}`, b1.addr, b1.token, b1.secret, b2.addr, b2.token)
	code, body = call(t, "PUT", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "", dests)
	if code != 200 {
		t.Fatalf("PUT destinations: %d %s", code, body)
	}
	for _, secret := range []string{b1.secret, b2.token, b1.token} {
		if bytes.Contains(body, []byte(secret)) {
			t.Fatalf("PUT destinations answered a secret: %s", body)
		}
	}

	b1.stop() // B1 is down while A ingests
	const n = 120
	for req := 0; req < 2; req++ {
		var evs []string
		for i := req * n / 2; i < (req+1)*n/2; i++ {
			id := fmt.Sprintf(`,"$insert_id":"ev-%03d"`, i)
			if i%3 == 0 {
				id = "" // A generates one
			}
			evs = append(evs, fmt.Sprintf(`{"event":"Signed up","properties":{"distinct_id":"u%d","time":%d%s,"n":%d,"plan":"pro","password":%q}}`,
				i%7, time.Now().Add(-time.Duration(i)*time.Minute).UnixMilli(), id, i, canary))
		}
		code, body := call(t, "POST", "http://"+a.addr+"/import", a.secret, "", "["+strings.Join(evs, ",")+"]")
		if code != 200 {
			t.Fatalf("import to A: %d %s", code, body)
		}
	}
	time.Sleep(1500 * time.Millisecond) // A retries B1 meanwhile
	code, body = call(t, "GET", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "", "")
	if code != 200 || !bytes.Contains(body, []byte(`"name":"mp"`)) || bytes.Contains(body, []byte(b1.secret)) {
		t.Fatalf("GET destinations: %d %s", code, body)
	}
	admin := http.Header{"Authorization": {"Bearer server-test-admin-key"}}
	_, _, m := get(t, "http://"+a.addr+"/metrics", admin)
	for _, w := range []string{`sieve_forward_queued_records{destination="1/mp"} 120`, `sieve_forward_queued_records{destination="1/ph"} 0`} {
		if !strings.Contains(m, w) {
			t.Errorf("metrics while B1 is down lack %s", w)
		}
	}
	if !regexp.MustCompile(`sieve_forward_failures\{destination="1/mp"\} [1-9]`).MatchString(m) ||
		!regexp.MustCompile(`sieve_forward_lag_seconds\{destination="1/mp"\} [0-9.e+-]*[1-9]`).MatchString(m) {
		t.Errorf("metrics while B1 is down: no failures or lag:\n%s", m)
	}
	b1.start()

	want := a.export()
	if len(want) != n {
		t.Fatalf("A stored %d events, want %d", len(want), n)
	}
	var got1, got2 map[string]map[string]any
	deadline := time.Now().Add(90 * time.Second)
	for {
		got1, got2 = b1.export(), b2.export()
		delete(got2, "probe1")
		if len(got1) >= n && len(got2) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(time.Second) // a late duplicate would show now
	got1, got2 = b1.export(), b2.export()
	delete(got2, "probe1")
	if len(got1) != n || len(got2) != n {
		t.Fatalf("B1 has %d events, B2 %d; want %d each", len(got1), len(got2), n)
	}
	for id, w := range want {
		g1, ok1 := got1[id]
		g2, ok2 := got2[forward.UUIDOf(id)]
		if !ok1 || !ok2 {
			t.Fatalf("event %s: in B1 %v, in B2 %v", id, ok1, ok2)
		}
		for _, k := range []string{"event", "distinct_id", "time", "n", "plan"} {
			if fmt.Sprint(g1[k]) != fmt.Sprint(w[k]) || fmt.Sprint(g2[k]) != fmt.Sprint(w[k]) {
				t.Errorf("event %s: %s is %v in A, %v in B1, %v in B2", id, k, w[k], g1[k], g2[k])
			}
		}
		if _, ok := g1["password"]; ok {
			t.Errorf("event %s: B1 has a password", id)
		}
		if _, ok := g2["password"]; ok {
			t.Errorf("event %s: B2 has a password", id)
		}
	}
	code, body = call(t, "GET", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "", "")
	if code != 200 || strings.Count(string(body), `"queued":0`) != 2 {
		t.Errorf("after delivery: %d %s", code, body)
	}

	// Secrets: sealed at rest with a 0600 key file, never in A's files or log.
	st, err := os.Stat(filepath.Join(a.dir, "forward", "key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", st, err)
	}
	a.stop()
	b1.stop()
	if hits := grepAll(t, a.dir, []string{b1.secret, b2.token, canary}); len(hits) > 0 {
		t.Errorf("A's data directory holds a destination secret or the password: %v", hits)
	}
	if hits := grepAll(t, b1.dir, []string{canary}); len(hits) > 0 {
		t.Errorf("B1's data directory holds the password: %v", hits)
	}
	for _, s := range []string{b1.secret, b2.token, canary} {
		if strings.Contains(a.logs.String(), s) {
			t.Errorf("A's log holds %q", s)
		}
	}
	if !strings.Contains(a.logs.String(), "delivery failed; will retry") {
		t.Error("A never saw B1 down: the retry path was not exercised")
	}
}

// TestPurgeReachesForwardOutbox: a purge through the API removes the
// purged property from events still queued for a destination that is down.
func TestPurgeReachesForwardOutbox(t *testing.T) {
	const canary = "queued-purge-canary-8d3"
	a := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", allowPrivat: true}
	a.start()
	code, body := call(t, "PUT", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "",
		`{"destinations":[{"name":"down","kind":"sieve","host":"http://127.0.0.1:18803","token":"nobody-listens"}]}`)
	if code != 200 {
		t.Fatalf("PUT destinations: %d %s", code, body)
	}
	code, body = call(t, "POST", "http://"+a.addr+"/import", a.secret, "",
		fmt.Sprintf(`[{"event":"e","properties":{"distinct_id":"u","time":%d,"$insert_id":"q1","note":%q,"plan":"pro"}}]`, time.Now().UnixMilli(), canary))
	if code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	outbox := filepath.Join(a.dir, "forward", "outbox")
	if len(grepAll(t, outbox, []string{canary})) == 0 {
		t.Fatal("the value should be queued before the purge")
	}
	code, body = call(t, "POST", "http://"+a.addr+"/api/purges", a.secret, "", `{"project_id":1,"properties":["note"]}`)
	if code != 202 {
		t.Fatalf("purge: %d %s", code, body)
	}
	var job struct{ ID, Status string }
	json.Unmarshal(body, &job)
	deadline := time.Now().Add(60 * time.Second)
	for job.Status != "done" && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		_, body = call(t, "GET", "http://"+a.addr+"/api/purges/"+job.ID, a.secret, "", "")
		json.Unmarshal(body, &job)
	}
	if job.Status != "done" {
		t.Fatalf("purge job: %s", body)
	}
	if hits := grepAll(t, outbox, []string{canary}); len(hits) > 0 {
		t.Errorf("the purged value is still queued: %v", hits)
	}
	if len(grepAll(t, outbox, []string{`"plan":"pro"`})) == 0 {
		t.Error("the event itself should still be queued, without the purged property")
	}
}
