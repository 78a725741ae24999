package apptest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// waitFor polls cond every 100 ms until it holds, failing after d; it
// returns how long it took.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	t0 := time.Now()
	for !cond() {
		if time.Since(t0) > d {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(t0)
}

// TestClickHouseTwoNodesSharedState: two bin/sieve nodes on fresh data
// directories and one cluster (each entering it through another server)
// share projects, keys and guard policies. A project created on A takes
// events on B; its API secret rotated on B is refused on A; a guard
// policy changed on A is in force on B — each within seconds (the nodes
// read changes every second). Both nodes' audit chains, copied to the
// cluster, pass `sieve audit verify --store`, and an entry edited there
// is found.
func TestClickHouseTwoNodesSharedState(t *testing.T) {
	u1, u2 := chURLs(t)
	a := startServer(t, serverOpts{Args: []string{"--store", u1, "--node-id", "node-a"}})
	b := startServer(t, serverOpts{Args: []string{"--store", u2, "--node-id", "node-b"}})

	// Both nodes start with the one "Default" project the first created.
	list := func(s *server) []project {
		code, body := s.do("GET", "/api/projects", bearer(), nil)
		if code != 200 {
			t.Fatalf("list projects: %d %s", code, body)
		}
		var ps []project
		if err := json.Unmarshal(body, &ps); err != nil {
			var wrapped struct {
				Projects []project `json:"projects"`
			}
			if err2 := json.Unmarshal(body, &wrapped); err2 != nil {
				t.Fatalf("list projects: %v %s", err, body)
			}
			ps = wrapped.Projects
		}
		return ps
	}
	if la, lb := list(a), list(b); len(la) != 1 || len(lb) != 1 || la[0].Token != lb[0].Token {
		t.Fatalf("default projects differ: A %+v, B %+v", la, lb)
	}

	p := a.createProject("made on A")
	track := func(s *server, props map[string]any) (int, string) {
		ev, _ := json.Marshal([]map[string]any{{"event": "shared", "properties": props}})
		form := url.Values{"data": {string(ev)}, "verbose": {"1"}}
		code, body := s.do("POST", "/track", map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte(form.Encode()))
		return code, string(body)
	}
	n := 0
	took := waitFor(t, 10*time.Second, "B takes events for a project created on A", func() bool {
		n++
		code, body := track(b, map[string]any{"token": p.Token, "distinct_id": "u1", "$insert_id": fmt.Sprint("first-", n), "time": time.Now().Unix()})
		return code == 200 && strings.Contains(body, `"status":1`)
	})
	t.Logf("project created on A, taking events on B after %s", took)
	if ex := a.export(p, false); len(ex) != 1 {
		t.Fatalf("node A exports %d events of the one B took", len(ex))
	}

	// Rotate the API secret on B, without grace: A refuses the old one.
	code, body := b.do("POST", fmt.Sprintf("/api/projects/%d/secret", p.ID), basic(p.APISecret, ""), []byte(`{"grace_seconds":0}`))
	var r struct {
		APISecret string `json:"api_secret"`
	}
	if err := json.Unmarshal(body, &r); code != 200 || err != nil || r.APISecret == "" {
		t.Fatalf("rotate on B: %d %s", code, body)
	}
	get := func(s *server, secret string) int {
		code, _ := s.do("GET", fmt.Sprintf("/api/projects/%d", p.ID), basic(secret, ""), nil)
		return code
	}
	took = waitFor(t, 10*time.Second, "A refuses the secret rotated out on B", func() bool {
		return get(a, p.APISecret) == 401 && get(a, r.APISecret) == 200
	})
	t.Logf("secret rotated on B, old one refused on A after %s", took)
	p.APISecret = r.APISecret

	// A guard policy set on A is in force on B: by default B drops a
	// password; once A's policy keeps passwords, B stores them.
	pw := "Sh4red-" + randString(alnum, 12)
	if code, body := track(b, map[string]any{"token": p.Token, "distinct_id": "u2", "$insert_id": "pw-before", "password": pw, "time": time.Now().Unix()}); code != 200 {
		t.Fatalf("track on B: %d %s", code, body)
	}
	hasPW := func(s *server) bool {
		for _, e := range s.export(p, false) {
			if e.Properties["password"] == pw {
				return true
			}
		}
		return false
	}
	if hasPW(b) {
		t.Fatal("control: B stored a password under the default policy")
	}
	if code, body := a.do("PUT", fmt.Sprintf("/api/projects/%d/guard", p.ID), bearer(), []byte(`{"actions":{"password":"keep"}}`)); code != 200 {
		t.Fatalf("set policy on A: %d %s", code, body)
	}
	n = 0
	took = waitFor(t, 10*time.Second, "the policy set on A in force on B", func() bool {
		n++
		track(b, map[string]any{"token": p.Token, "distinct_id": "u2", "$insert_id": fmt.Sprint("pw-", n), "password": pw, "time": time.Now().Unix()})
		return hasPW(b)
	})
	t.Logf("guard policy set on A in force on B after %s", took)

	// Audit: each node's chain is copied to the cluster; `sieve audit
	// verify --store` checks both, per node, also after a restart of A
	// (which copies what its stop appended).
	a.stop()
	a.restart()
	a.createProject("after the restart")
	time.Sleep(1500 * time.Millisecond) // the copy is sent every second
	verify := func() (string, error) {
		out, err := exec.Command(sieveBin, "audit", "verify", "--store", u1).CombinedOutput()
		return string(out), err
	}
	out, err := verify()
	if err != nil || !strings.Contains(out, "node node-a: audit chain OK") || !strings.Contains(out, "node node-b: audit chain OK") ||
		!strings.Contains(out, "2 node(s), every chain intact") {
		t.Fatalf("audit verify --store: %v\n%s", err, out)
	}
	t.Logf("audit verify --store:\n%s", out)
	// Positive control: an entry of node B edited in the cluster (on
	// every shard) breaks B's chain and only B's.
	cu, _ := url.Parse(u1)
	db := strings.TrimPrefix(cu.Path, "/")
	for _, h := range strings.Split(cu.Query().Get("shards"), ",") {
		q := url.Values{"query": {"INSERT INTO " + db + ".audit_log SELECT node, seq, replaceOne(line, '\"outcome\":\"ok\"', '\"outcome\":\"error\"') FROM " +
			db + ".audit_log FINAL WHERE node = 'node-b' AND seq = 2"}}
		resp, err := http.Post("http://"+h+"/?"+q.Encode(), "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("tamper: %d %s", resp.StatusCode, body)
		}
	}
	out, err = verify()
	if err == nil || !strings.Contains(out, "node node-a: audit chain OK") || !strings.Contains(out, "node node-b: audit chain BROKEN") ||
		!strings.Contains(out, "seq 2") {
		t.Fatalf("audit verify --store after an edit of node B's entry 2: %v\n%s", err, out)
	}
}
