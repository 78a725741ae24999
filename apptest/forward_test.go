package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/forward"
)

// TestForwardMixpanelNodeThroughAToB drives Sieve A over HTTPS with the
// official Mixpanel Node.js client and the official posthog-node client
// (events, identify with $set, group identify), then with raw /import
// batches for 30 s, while A forwards to Sieve B1 (Mixpanel kind, /import) and Sieve B2
// (PostHog kind, /batch/). B1 is killed (-9) before the client sends and
// stays down for 30 s; A is killed (-9) half way, while it delivers to B2
// and retries B1, and restarted. B1's and B2's exports then equal A's, each
// event once, and a password A's guard removed is in neither. The person and group
// profiles posthog-node set equal A's at B1 (through /engage and /groups)
// and B2 (through the events that carry them).
func TestForwardMixpanelNodeThroughAToB(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is required for apptest")
	}
	if _, err := os.Stat("node/node_modules/mixpanel"); err != nil {
		t.Fatal("apptest/node/node_modules is missing: run `make apptest` (npm ci in apptest/node)")
	}
	posthogDeps(t, "posthog-node")
	const canary = "Hunter2-apptest-forward-4b1"
	b1 := startServer(t, serverOpts{})
	b2 := startServer(t, serverOpts{})
	p1, p2 := b1.createProject("forwarded, mixpanel wire"), b2.createProject("forwarded, posthog wire")
	a := startServer(t, serverOpts{TLS: true, Args: []string{"--webhook-allow-private"}})
	pa := a.createProject("forwarder")

	dests := fmt.Sprintf(`{"destinations":[{"name":"mp","kind":"mixpanel","host":%q,"token":%q,"secret":%q,"batch_size":300},
		{"name":"ph","kind":"posthog","host":%q,"token":%q,"batch_size":50,"min_backoff_ms":200,"max_backoff_ms":2000}]}`, b1.Base, p1.Token, p1.APISecret, b2.Base, p2.Token)
	code, body := a.do("PUT", fmt.Sprintf("/api/projects/%d/destinations", pa.ID), basic(pa.APISecret, ""), []byte(dests))
	if code != 200 || bytes.Contains(body, []byte(p1.APISecret)) || bytes.Contains(body, []byte(p2.Token)) {
		t.Fatalf("PUT destinations: %d %s", code, body)
	}

	b1.kill9()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, a.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(a.addr)
	cmd := exec.Command("node", "send.js")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(), "SIEVE_HOST="+host, "SIEVE_PORT="+port, "SIEVE_TOKEN="+pa.Token,
		"SIEVE_SECRET="+pa.APISecret, "NODE_EXTRA_CA_CERTS="+ca)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("node send.js: %v\n%s\n%s", err, stderr.String(), out)
	}
	ph := exec.Command("node", "forward.js")
	ph.Dir = "posthog"
	ph.Env = append(os.Environ(), "SIEVE_URL="+a.Base, "SIEVE_TOKEN="+pa.Token, "SIEVE_CANARY="+canary, "NODE_EXTRA_CA_CERTS="+ca)
	stderr.Reset()
	ph.Stderr = &stderr
	if out, err := ph.Output(); err != nil || !strings.Contains(string(out), `"events":126`) {
		t.Fatalf("node forward.js (posthog-node): %v\n%s\n%s", err, stderr.String(), out)
	}
	// Under load for 30 s with B1 down: batches of 20 events with a password
	// every 250 ms; A is killed (-9) half way and restarted.
	down := time.Now()
	killed := false
	for batch := 0; time.Since(down) < 30*time.Second; batch++ {
		var evs []string
		for i := 0; i < 20; i++ {
			n := batch*20 + i
			evs = append(evs, fmt.Sprintf(`{"event":"Login","properties":{"distinct_id":"raw-%d","time":%d,"$insert_id":"raw-%d","password":%q,"n":%d}}`,
				n%5, time.Now().Add(-time.Duration(n)*time.Second).UnixMilli(), n, canary, n))
		}
		if code, body := a.do("POST", "/import", basic(pa.APISecret, ""), []byte("["+strings.Join(evs, ",")+"]")); code != 200 {
			t.Fatalf("import to A: %d %s", code, body)
		}
		if !killed && time.Since(down) > 15*time.Second {
			a.kill9()
			a.restart()
			killed = true
		}
		time.Sleep(250 * time.Millisecond)
	}
	b1.restart()

	want := byInsertID(t, a.export(pa, true))
	if len(want) < 300 {
		t.Fatalf("A exported only %d events", len(want))
	}
	var got1, got2 map[string]exported
	deadline := time.Now().Add(3 * time.Minute)
	for {
		got1, got2 = byInsertID(t, b1.export(p1, true)), byInsertID(t, b2.export(p2, true))
		if len(got1) >= len(want) && len(got2) > len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	time.Sleep(2 * time.Second) // a late duplicate would show now
	got1, got2 = byInsertID(t, b1.export(p1, true)), byInsertID(t, b2.export(p2, true))
	// Profile updates from /engage and /groups reach PostHog as $set and
	// $groupidentify events, which B2 stores as events too: they are
	// B2's only events A does not have.
	profileEvents := 0
	for id, e := range got2 {
		if _, ok := want[id]; ok {
			continue
		}
		known := false
		for wid := range want {
			if forward.UUIDOf(wid) == id {
				known = true
				break
			}
		}
		if known {
			continue
		}
		if e.Event != "$set" && e.Event != "$groupidentify" {
			t.Errorf("B2 has an event A does not: %s %v", e.Event, e.Properties)
		}
		profileEvents++
		delete(got2, id)
	}
	if profileEvents == 0 {
		t.Error("mixpanel-node's profile updates should reach B2 as $set or $groupidentify events")
	}
	if len(got1) != len(want) || len(got2) != len(want) {
		t.Fatalf("A has %d events, B1 %d, B2 %d\nA's output:\n%s", len(want), len(got1), len(got2), a.out.String())
	}
	t.Logf("A, B1 and B2 each hold %d events", len(want))
	for id, w := range want {
		g1, ok1 := got1[id]
		g2, ok2 := got2[forward.UUIDOf(id)]
		if !ok1 || !ok2 {
			t.Errorf("event %s: in B1 %v, in B2 %v", id, ok1, ok2)
			continue
		}
		for k, v := range w.Properties {
			if k == "$insert_id" {
				continue
			}
			wj, _ := json.Marshal(v)
			j1, _ := json.Marshal(g1.Properties[k])
			j2, _ := json.Marshal(g2.Properties[k])
			if string(j1) != string(wj) || string(j2) != string(wj) {
				t.Errorf("event %s: %s is %s in A, %s in B1, %s in B2", id, k, wj, j1, j2)
			}
		}
		if g1.Event != w.Event || g2.Event != w.Event {
			t.Errorf("event %s: name %q in A, %q in B1, %q in B2", id, w.Event, g1.Event, g2.Event)
		}
	}
	// Profiles posthog-node set: A's, at B1 and B2 alike, without the password.
	wantP := engage(t, a, pa, "")
	for u := 0; u < 4; u++ {
		id := fmt.Sprintf("ph-user-%d", u)
		if wantP[id]["tier"] != "gold" || wantP[id]["email"] == nil || wantP[id]["password"] != nil {
			t.Fatalf("A's profile %s: %v", id, wantP[id])
		}
		for name, got := range map[string]map[string]map[string]any{"B1": engage(t, b1, p1, ""), "B2": engage(t, b2, p2, "")} {
			for _, k := range []string{"tier", "email", "password"} {
				if fmt.Sprint(got[id][k]) != fmt.Sprint(wantP[id][k]) {
					t.Errorf("%s profile %s: %s is %v, A has %v", name, id, k, got[id][k], wantP[id][k])
				}
			}
		}
	}
	wantG := engage(t, a, pa, "company")
	for name, got := range map[string]map[string]map[string]any{"B1": engage(t, b1, p1, "company"), "B2": engage(t, b2, p2, "company")} {
		if wantG["globex"]["name"] != "Globex" || fmt.Sprint(got["globex"]["name"], got["globex"]["seats"]) != fmt.Sprint(wantG["globex"]["name"], wantG["globex"]["seats"]) {
			t.Errorf("%s group globex: %v, A has %v", name, got["globex"], wantG["globex"])
		}
	}
	for _, s := range []*server{a, b1, b2} {
		if hits := grepData(t, s.Data, canary); len(hits) > 0 {
			t.Errorf("%s: the password is on disk: %v", s.Base, hits)
		}
	}
	if hits := grepData(t, a.Data, p1.APISecret, p2.Token); len(hits) > 0 {
		t.Errorf("A's data directory holds a destination secret: %v", hits)
	}
	if out := a.out.String(); strings.Contains(out, p1.APISecret) || strings.Contains(out, p2.Token) || strings.Contains(out, canary) {
		t.Error("A's output holds a destination secret or the password")
	}
}

// engage returns a project's profiles by distinct_id (or group id, with
// group key g).
func engage(t *testing.T, s *server, p project, g string) map[string]map[string]any {
	t.Helper()
	path := fmt.Sprintf("/api/2.0/engage?project_id=%d&page_size=1000", p.ID)
	if g != "" {
		path += "&data_group_id=" + g
	}
	code, body := s.do("GET", path, basic(p.APISecret, ""), nil)
	if code != 200 {
		t.Fatalf("engage: %d %s", code, body)
	}
	var res struct {
		Results []struct {
			ID    string         `json:"$distinct_id"`
			Props map[string]any `json:"$properties"`
		} `json:"results"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("engage: %v", err)
	}
	out := map[string]map[string]any{}
	for _, r := range res.Results {
		out[r.ID] = r.Props
	}
	return out
}
