package apptest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMixpanelNode drives sieve over HTTPS with the official Node.js client
// (npm "mixpanel"), unchanged: GET single calls, POST batches whose base64 is
// not URL-encoded, /import with the API secret, people and groups.
func TestMixpanelNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is required for apptest")
	}
	if _, err := os.Stat("node/node_modules/mixpanel"); err != nil {
		t.Fatal("apptest/node/node_modules is missing: run `make apptest` (npm ci in apptest/node)")
	}
	s := startServer(t, serverOpts{TLS: true})
	p := s.createProject("node client")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, s.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(s.addr)
	cmd := exec.Command("node", "send.js")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(), "SIEVE_HOST="+host, "SIEVE_PORT="+port, "SIEVE_TOKEN="+p.Token,
		"SIEVE_SECRET="+p.APISecret, "NODE_EXTRA_CA_CERTS="+ca)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node send.js: %v\n%s\nserver output:\n%s", err, stderr.String(), s.out.String())
	}
	var sent []struct {
		Event      string         `json:"event"`
		Properties map[string]any `json:"properties"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&sent); err != nil {
		t.Fatalf("node output: %v", err)
	}
	ex := byInsertID(t, s.export(p, true))
	if len(ex) != len(sent) {
		t.Errorf("export has %d events, node sent %d", len(ex), len(sent))
	}
	for _, se := range sent {
		id, _ := se.Properties["$insert_id"].(string)
		e, ok := ex[id]
		if !ok {
			t.Errorf("event %s not exported", id)
			continue
		}
		se.Properties["token"] = p.Token // the client adds it; the export leaves it out
		if via := se.Properties["via"]; via == "track" || via == "import" {
			// Single calls add these after send.js copied the properties.
			se.Properties["mp_lib"] = "node"
			se.Properties["$lib_version"] = "0.24.0"
		}
		expectExported(t, se.Event, se.Properties, e)
	}
	prof := s.engage(p, url.Values{"distinct_id": {"node-user-1"}})
	if len(prof) != 1 {
		t.Fatalf("engage node-user-1: %d profiles", len(prof))
	}
	pp := prof[0]["$properties"].(map[string]any)
	for k, want := range map[string]string{`$email`: `"n1@example.com"`, "plan": `"team"`, "logins": "2", "first_seen": `"2026-01-01"`} {
		if got := normalize(pp[k]); got != want {
			t.Errorf("profile node-user-1 %s = %s, want %s", k, got, want)
		}
	}
	grp := s.engage(p, url.Values{"data_group_id": {"company"}, "distinct_id": {"initech"}})
	if len(grp) != 1 || normalize(grp[0]["$properties"].(map[string]any)["employees"]) != "12" {
		t.Errorf("group initech: %v", grp)
	}
}
