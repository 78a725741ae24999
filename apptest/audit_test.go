package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type auditEntry struct {
	Seq        int64          `json:"seq"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	ProjectID  int64          `json:"project_id"`
	Outcome    string         `json:"outcome"`
	Properties []string       `json:"properties"`
	Rows       int64          `json:"rows"`
	Criteria   map[string]any `json:"criteria"`
}

func (s *server) auditQuery(q url.Values) []auditEntry {
	s.t.Helper()
	code, body := s.do("GET", "/api/audit?"+q.Encode(), bearer(), nil)
	if code != 200 {
		s.t.Fatalf("GET /api/audit: %d %s", code, body)
	}
	var out struct {
		Entries []auditEntry `json:"entries"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		s.t.Fatal(err)
	}
	return out.Entries
}

func TestAuditExportByAnalyst(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("audited")
	secret := wordCanary()
	s.track([]map[string]any{{"event": "signup", "properties": map[string]any{"token": p.Token, "distinct_id": "alice@example.com", "plan": "pro", "note_q": secret}}})
	an := s.serviceAccount(p, "analyst", "analyst")
	start := time.Now().Add(-time.Second).UTC()
	q := url.Values{"project_id": {fmt.Sprint(p.ID)}, "from_date": {time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)}, "to_date": {time.Now().UTC().Format(time.DateOnly)}}
	code, body := s.do("GET", "/api/2.0/export?"+q.Encode(), basic(an.Username, an.Secret), nil)
	if code != 200 || !bytes.Contains(body, []byte(secret)) {
		t.Fatalf("export by analyst: %d %s", code, body)
	}
	// The analyst may not purge, and the attempt is audited.
	code, _ = s.do("POST", "/api/purges", basic(an.Username, an.Secret), []byte(fmt.Sprintf(`{"project_id":%d,"properties":["note_q"]}`, p.ID)))
	if code != 403 {
		t.Fatalf("purge by analyst: %d", code)
	}
	// "Who read property note_q of this project since start?"
	got := s.auditQuery(url.Values{"project_id": {fmt.Sprint(p.ID)}, "property": {"note_q"}, "from": {start.Format(time.RFC3339)}})
	if len(got) != 1 || got[0].Actor != "sa:"+an.Username || got[0].Action != "export" || got[0].Rows != 1 {
		t.Fatalf("audit entries for note_q: %+v", got)
	}
	for _, want := range []string{"note_q", "plan", "distinct_id"} {
		if !strings.Contains(strings.Join(got[0].Properties, ","), want) {
			t.Errorf("export entry lacks property %s: %v", want, got[0].Properties)
		}
	}
	time.Sleep(1500 * time.Millisecond) // denied attempts are appended asynchronously
	denied := s.auditQuery(url.Values{"actor": {"sa:" + an.Username}, "action": {"denied"}})
	if len(denied) != 1 {
		t.Errorf("denied purge not audited: %+v", denied)
	}
	s.stop()
	// No value reached the audit log.
	b, err := os.ReadFile(filepath.Join(s.Data, "audit", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte("alice@example.com")) {
		t.Errorf("the audit log holds an event value")
	}

	verify := func() (string, error) {
		out, err := exec.Command(sieveBin, "audit", "verify", "--data", s.Data).CombinedOutput()
		return string(out), err
	}
	if out, err := verify(); err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("verify of an untouched log: %v %s", err, out)
	}
	// Tamper with one byte of the export entry: verify fails and names it.
	lines := bytes.SplitAfter(b, []byte("\n"))
	idx := -1
	for i, l := range lines {
		if bytes.Contains(l, []byte(`"action":"export"`)) {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatal("no export entry in the log")
	}
	var e auditEntry
	_ = json.Unmarshal(lines[idx], &e)
	lines[idx] = bytes.Replace(lines[idx], []byte(`"rows":1`), []byte(`"rows":0`), 1)
	if err := os.WriteFile(filepath.Join(s.Data, "audit", "audit.log"), bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := verify()
	if err == nil || !strings.Contains(out, fmt.Sprintf("seq %d", e.Seq)) {
		t.Fatalf("verify of a tampered log: %v %s", err, out)
	}
}

// TestAuditLongNamesRestart: an export that returns thousands of long event
// names is audited in a bounded entry; the server restarts afterwards and
// `sieve audit verify` agrees with the start.
func TestAuditLongNamesRestart(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("long-names")
	const n = 3000
	var batch []map[string]any
	for i := range n {
		batch = append(batch, map[string]any{"event": fmt.Sprintf("%0255d", i), "properties": map[string]any{
			"token": p.Token, "distinct_id": "u", "$insert_id": fmt.Sprintf("ln-%d", i)}})
		if len(batch) == 1000 {
			s.track(batch)
			batch = nil
		}
	}
	if got := len(s.export(p, false)); got != n {
		t.Fatalf("export returned %d events, want %d", got, n)
	}
	s.stop()
	b, err := os.ReadFile(filepath.Join(s.Data, "audit", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(l) > 1<<20 {
			t.Errorf("an audit entry is %d bytes", len(l))
		}
	}
	s.restart()
	if got := len(s.export(p, false)); got != n {
		t.Fatalf("export after restart returned %d events, want %d", got, n)
	}
	s.stop()
	out, err := exec.Command(sieveBin, "audit", "verify", "--data", s.Data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Fatalf("verify: %v %s", err, out)
	}
}
