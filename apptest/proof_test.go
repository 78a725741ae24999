package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// sieveCLI runs the sieve binary with args and returns its output and
// whether it exited 0.
func sieveCLIEnv(t *testing.T, env []string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(sieveBin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return string(out), err == nil
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignedCertificates: a purge certificate and a GDPR certificate
// verify offline against the published key; one changed byte, or another
// installation's key, fails with a clear message; after a rotation old
// certificates still verify and new ones use the new key; a signed audit
// head makes the removal of the newest entries evident.
func TestSignedCertificates(t *testing.T) {
	s := startServer(t, serverOpts{})
	dir := t.TempDir()
	f := sendPurgeFixture(t, s)
	job := s.purge(map[string]any{"project_id": f.p.ID, "properties": []string{"note_a"}})
	checkDone(t, job)
	jobJSON, _ := json.MarshalIndent(job, "", "  ")
	certFile := writeFile(t, dir, "purge.json", jobJSON)

	code, keysBody := s.do("GET", "/api/keys/certificates", nil, nil) // public: no credentials
	if code != 200 {
		t.Fatalf("GET /api/keys/certificates: %d %s", code, keysBody)
	}
	keysFile := writeFile(t, dir, "keys.json", keysBody)
	var published struct {
		Current string `json:"current"`
		Keys    []struct {
			KeyID, Public string
		} `json:"keys"`
	}
	_ = json.Unmarshal(keysBody, &published)
	if len(published.Keys) != 1 || published.Current == "" {
		t.Fatalf("published keys: %s", keysBody)
	}
	if st, err := os.Stat(filepath.Join(s.Data, "keys", "signing.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key file: %v %v", st, err)
	}

	out, ok := sieveCLIEnv(t, nil, "certificate", "verify", certFile, "--key", keysFile)
	if !ok || !strings.Contains(out, "VERIFIED") || !strings.Contains(out, "note_a") ||
		!strings.Contains(out, "What it does not prove") || !strings.Contains(out, "blocks of the deleted files") ||
		!strings.Contains(out, "-> PASSED") || !strings.Contains(out, "sha256") {
		t.Fatalf("verify: ok=%v\n%s", ok, out)
	}
	// Without --key, the data directory's public keys.
	if out, ok := sieveCLIEnv(t, nil, "certificate", "verify", "--data", s.Data, certFile); !ok {
		t.Fatalf("verify --data: %s", out)
	}

	// One byte changed: the rows deleted count.
	cert := job["certificate"].(map[string]any)
	rows := cert["rows_deleted"].(float64)
	cert["rows_changed"] = cert["rows_changed"].(float64) + 1
	tampered, _ := json.Marshal(cert)
	cert["rows_changed"] = cert["rows_changed"].(float64) - 1
	out, ok = sieveCLIEnv(t, nil, "certificate", "verify", writeFile(t, dir, "tampered.json", tampered), "--key", keysFile)
	if ok || !strings.Contains(out, "NOT VERIFIED") || !strings.Contains(out, "changed after signing") {
		t.Fatalf("tampered certificate: ok=%v rows=%v\n%s", ok, rows, out)
	}
	// A byte flipped in the raw file (a digit of a digest).
	raw := bytes.Replace(jobJSON, []byte(`"sha256": "`), []byte(`"sha256": "0`), 1)
	if bytes.Equal(raw, jobJSON) {
		t.Fatal("no digest in the certificate")
	}
	if out, ok := sieveCLIEnv(t, nil, "certificate", "verify", writeFile(t, dir, "tampered2.json", raw), "--key", keysFile); ok {
		t.Fatalf("changed digest verified:\n%s", out)
	}

	// Another installation's key.
	other := startServer(t, serverOpts{})
	_, otherKeys := other.do("GET", "/api/keys/certificates", nil, nil)
	other.stop()
	out, ok = sieveCLIEnv(t, nil, "certificate", "verify", certFile, "--key", writeFile(t, dir, "other.json", otherKeys))
	if ok || !strings.Contains(out, "NOT VERIFIED") || !strings.Contains(out, "another installation") || !strings.Contains(out, published.Current) {
		t.Fatalf("other installation's key: ok=%v\n%s", ok, out)
	}

	// A GDPR deletion certificate (Mixpanel's GDPR API shape).
	code, b := s.do("POST", "/api/app/data-deletions/v3.0?token="+f.p.Token, bearer(), []byte(`{"distinct_ids":[`+quote(f.victimD)+`],"compliance_type":"GDPR"}`))
	if code != 200 {
		t.Fatalf("gdpr: %d %s", code, b)
	}
	var gd struct {
		Results struct {
			TaskID string `json:"task_id"`
		} `json:"results"`
	}
	_ = json.Unmarshal(b, &gd)
	s.waitPurge(gd.Results.TaskID)
	_, gdprStatus := s.do("GET", "/api/app/data-deletions/v3.0/"+gd.Results.TaskID+"?token="+f.p.Token, bearer(), nil)
	gdprFile := writeFile(t, dir, "gdpr.json", gdprStatus)
	if out, ok := sieveCLIEnv(t, nil, "certificate", "verify", gdprFile, "--key", keysFile); !ok || !strings.Contains(out, "GDPR deletion") ||
		strings.Contains(out, f.victimD) || strings.Contains(string(gdprStatus), f.victimD) {
		t.Fatalf("gdpr certificate: ok=%v\n%s", ok, out)
	}

	// Rotation: `sieve keys rotate`; the old certificate verifies with the
	// new key list (old key kept, retired); a new certificate uses the new key.
	env := []string{"SIEVE_ADDR=" + s.addr, "SIEVE_ADMIN_KEY=" + adminKey}
	if out, ok := sieveCLIEnv(t, env, "keys", "rotate"); !ok || !strings.Contains(out, "retired") {
		t.Fatalf("keys rotate: %s", out)
	}
	listed, ok := sieveCLIEnv(t, env, "keys", "list")
	if !ok {
		t.Fatal(listed)
	}
	keys2 := writeFile(t, dir, "keys2.json", []byte(listed))
	if out, ok := sieveCLIEnv(t, nil, "certificate", "verify", certFile, "--key", keys2); !ok || !strings.Contains(out, "retired") {
		t.Fatalf("old certificate after rotation: %s", out)
	}
	job2 := s.purge(map[string]any{"project_id": f.p.ID, "events": []string{"leak"}})
	checkDone(t, job2)
	sig := job2["certificate"].(map[string]any)["signature"].(map[string]any)
	if sig["key_id"] == published.Current {
		t.Fatal("a certificate after the rotation is signed with the old key")
	}
	j2, _ := json.Marshal(job2)
	if out, ok := sieveCLIEnv(t, nil, "certificate", "verify", writeFile(t, dir, "purge2.json", j2), "--key", keysFile); ok {
		t.Fatalf("a new certificate verified with the keys published before its key existed:\n%s", out)
	}
	if code, _ := s.do("POST", "/api/keys/rotate", basic(f.p.APISecret, ""), nil); code != 403 {
		t.Fatalf("rotate by a project secret: %d, want 403", code)
	}

	// Signed audit head: save it, cut the newest entries, detect it.
	code, head := s.do("GET", "/api/audit/head", bearer(), nil)
	if code != 200 || !strings.Contains(string(head), `"signature"`) {
		t.Fatalf("audit head: %d %s", code, head)
	}
	headFile := writeFile(t, dir, "head.json", head)
	if out, ok := sieveCLIEnv(t, nil, "certificate", "verify", headFile, "--key", keys2); !ok || !strings.Contains(out, "audit log") {
		t.Fatalf("verify head: %s", out)
	}
	s.stop()
	if out, ok := sieveCLIEnv(t, nil, "audit", "verify", "--data", s.Data, "--head", headFile, "--key", keys2); !ok {
		t.Fatalf("audit verify --head on the intact log: %s", out)
	}
	logPath := filepath.Join(s.Data, "audit", "audit.log")
	lb, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimSuffix(lb, []byte("\n")), []byte("\n"))
	var hd struct{ Seq int64 }
	_ = json.Unmarshal(head, &hd)
	keep := 0
	for i, l := range lines {
		var e struct{ Seq int64 }
		_ = json.Unmarshal(l, &e)
		if e.Seq < hd.Seq {
			keep = i + 1
		}
	}
	cut := bytes.Join(lines[:keep], nil)
	if !bytes.HasSuffix(cut, []byte("\n")) {
		cut = append(cut, '\n')
	}
	if err := os.WriteFile(logPath, cut, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(filepath.Join(s.Data, "audit", "HEAD")) // the operator hides the cut
	if out, ok := sieveCLIEnv(t, nil, "audit", "verify", "--data", s.Data); !ok {
		t.Fatalf("the cut log's chain should still be intact without the head: %s", out)
	}
	out, ok = sieveCLIEnv(t, nil, "audit", "verify", "--data", s.Data, "--head", headFile, "--key", keys2)
	if ok || !strings.Contains(out, "entries were removed") {
		t.Fatalf("audit verify --head after a cut: ok=%v\n%s", ok, out)
	}
}

// TestSelfTestBinary: `sieve selftest` against the built binary passes
// (the log check included: the binary keeps its log's tail), and the
// self-test works over HTTPS (pinned to the server's own certificate).
func TestSelfTestBinary(t *testing.T) {
	s := startServer(t, serverOpts{})
	env := []string{"SIEVE_ADDR=" + s.addr, "SIEVE_ADMIN_KEY=" + adminKey}
	out, ok := sieveCLIEnv(t, env, "selftest")
	if !ok || !strings.Contains(out, `"passed": true`) || !strings.Contains(out, `"log_checked": true`) || !strings.Contains(out, `"control_found": true`) {
		t.Fatalf("sieve selftest: ok=%v\n%s", ok, out)
	}
	if _, b := s.do("GET", "/api/projects", bearer(), nil); strings.Contains(string(b), "self-test") {
		t.Fatalf("the internal project is listed: %s", b)
	}
	if _, b := s.do("GET", "/metrics", bearer(), nil); !strings.Contains(string(b), "sieve_selftest_last_passed 1") {
		t.Fatal("sieve_selftest_last_passed is not 1 after a pass")
	}
	if !strings.Contains(s.out.String(), "selftest passed") {
		t.Fatal("no log line of the run")
	}
	s.stop()
	s.restart()
	if code, b := s.do("GET", "/api/selftest", bearer(), nil); code != 200 || !strings.Contains(string(b), `"passed":true`) {
		t.Fatalf("the results after a restart: %d %s", code, b)
	}

	ts := startServer(t, serverOpts{TLS: true})
	code, b := ts.do("POST", "/api/selftest", bearer(), nil)
	if code != 200 || !strings.Contains(string(b), `"passed":true`) {
		t.Fatalf("self-test over HTTPS: %d %s", code, b)
	}
}

// TestFindingStreamResumesAcrossRestart: a SIEM consumer reads the
// findings stream in small pages, keeps its cursor, the server is killed
// (SIGKILL) and restarted, more findings arrive; resuming from the cursor
// it sees every finding at least once, none lost, and no value.
func TestFindingStreamResumesAcrossRestart(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("siem")
	other := s.createProject("other")
	sent := map[string]bool{}
	var secrets []string
	send := func(tag string, n int, pr project) {
		var evs []map[string]any
		for i := range n {
			pw := "Pw-" + strings.ReplaceAll(wordCanary(), " ", "-")
			name := tag + "-" + strconv.Itoa(i)
			if pr.ID == p.ID {
				sent[name] = true
				secrets = append(secrets, pw)
			}
			evs = append(evs, map[string]any{"event": name, "properties": map[string]any{"token": pr.Token, "distinct_id": "u-" + tag, "password": pw}})
		}
		s.track(evs)
	}
	seen := map[string]int{}
	cursor := "0"
	read := func(limit int) int {
		req, _ := http.NewRequest("GET", s.Base+"/api/projects/"+strconv.FormatInt(p.ID, 10)+"/findings/stream?limit="+strconv.Itoa(limit)+"&after="+cursor, nil)
		req.SetBasicAuth(p.APISecret, "")
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("stream: %d %s", resp.StatusCode, b)
		}
		cursor = resp.Header.Get("Sieve-Cursor")
		for _, sec := range secrets {
			if strings.Contains(string(b), sec) {
				t.Fatal("a value in the findings stream")
			}
		}
		n := 0
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line == "" {
				continue
			}
			var r struct {
				Seq       int64  `json:"seq"`
				ProjectID int64  `json:"project_id"`
				Event     string `json:"event"`
				Path      string `json:"path"`
				Action    string `json:"action"`
				Severity  string `json:"severity"`
				Rule      struct{ Class, Detector string }
				UserHash  string `json:"user_hash"`
			}
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("not NDJSON: %q", line)
			}
			if r.ProjectID != p.ID || r.Path != "password" || r.Rule.Class != "password" || r.Severity != "critical" || r.UserHash == "" || strings.HasPrefix(r.UserHash, "u-") {
				t.Fatalf("record: %s", line)
			}
			seen[r.Event]++
			n++
		}
		return n
	}
	send("a", 30, p)
	send("x", 10, other)
	// Read two pages of 7, keeping the cursor from the header.
	for range 2 {
		if read(7) != 7 {
			t.Fatal("a page of 7 expected")
		}
	}
	s.kill9()
	s.restart()
	send("b", 20, p)
	for i := 0; ; i++ {
		if read(9) == 0 {
			break
		}
		if i > 100 {
			t.Fatal("the stream does not end")
		}
	}
	for name := range sent {
		if seen[name] == 0 {
			t.Errorf("finding of %s was lost", name)
		}
	}
	for name := range seen {
		if !sent[name] {
			t.Errorf("finding of %s is not this project's", name)
		}
	}
	// A bad cursor is a clear 400.
	if code, b := s.do("GET", "/api/projects/"+strconv.FormatInt(p.ID, 10)+"/findings/stream?after=x", basic(p.APISecret, ""), nil); code != 400 || !strings.Contains(string(b), "cursor") {
		t.Fatalf("bad cursor: %d %s", code, b)
	}
}

// TestFindingWebhookBatches: findings go to the project's findings webhook
// in signed NDJSON batches; a refused delivery is retried and a SIGKILL
// restart in between loses nothing (at least once).
func TestFindingWebhookBatches(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	refuse := 1
	var secret string
	badSig := 0
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !verifySig(secret, r.Header.Get("X-Sieve-Signature"), b) || r.Header.Get("X-Sieve-Cursor") == "" {
			badSig++
		}
		if refuse > 0 {
			refuse--
			w.WriteHeader(503)
			return
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var rec struct{ Event string }
			if json.Unmarshal([]byte(line), &rec) == nil {
				got[rec.Event]++
			}
		}
	}))
	defer recv.Close()
	s := startServer(t, serverOpts{Args: []string{"--webhook-allow-private"}})
	p := s.createProject("siem-hook")
	code, b := s.do("PUT", "/api/projects/"+strconv.FormatInt(p.ID, 10)+"/findings/webhook", bearer(), []byte(`{"url":"`+recv.URL+`"}`))
	if code != 200 {
		t.Fatalf("set findings webhook: %d %s", code, b)
	}
	var hook struct{ Secret string }
	_ = json.Unmarshal(b, &hook)
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	send := func(tag string, n int) {
		var evs []map[string]any
		for i := range n {
			evs = append(evs, map[string]any{"event": tag + "-" + strconv.Itoa(i), "properties": map[string]any{"token": p.Token, "distinct_id": "u", "password": "Pw-" + strings.ReplaceAll(wordCanary(), " ", "-")}})
		}
		s.track(evs)
	}
	waitAll := func(prefix string, n int) {
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			k := 0
			for i := range n {
				if got[prefix+"-"+strconv.Itoa(i)] > 0 {
					k++
				}
			}
			mu.Unlock()
			if k == n {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("not every %s finding was delivered", prefix)
	}
	send("a", 25)
	waitAll("a", 25)
	// The receiver goes down; findings "b" are recorded meanwhile, the
	// server is killed before any is acknowledged, then restarted.
	mu.Lock()
	refuse = 1 << 30
	mu.Unlock()
	send("b", 25)
	time.Sleep(1500 * time.Millisecond)
	s.kill9()
	mu.Lock()
	if got["b-0"] > 0 {
		t.Fatal("a refused batch counted as delivered")
	}
	refuse = 0
	mu.Unlock()
	s.restart()
	send("c", 5)
	waitAll("b", 25)
	waitAll("c", 5)
	mu.Lock()
	defer mu.Unlock()
	if badSig > 0 {
		t.Fatalf("%d deliveries with a bad signature or no cursor; refusals left %d", badSig, refuse)
	}
}
