package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// sieveCLI runs a sieve command with the admin key in the environment.
func sieveCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(sieveBin, args...)
	cmd.Env = append(os.Environ(), "SIEVE_ADMIN_KEY="+adminKey)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// rawExport returns the export of a project over all time, its lines sorted.
func (s *server) rawExport(p project) []string {
	s.t.Helper()
	to := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	q := url.Values{"project_id": {fmt.Sprint(p.ID)}, "from_date": {"1971-01-01"}, "to_date": {to}}
	req, _ := http.NewRequest("GET", s.Base+"/api/2.0/export?"+q.Encode(), nil)
	req.SetBasicAuth(p.APISecret, "")
	resp, err := s.client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		s.t.Fatalf("export: %d %s", resp.StatusCode, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Sort(lines)
	return lines
}

// profiles returns the project's user profiles as the engage API answers.
func (s *server) profiles(p project) string {
	s.t.Helper()
	b, _ := json.Marshal(s.engage(p, url.Values{}))
	return string(b)
}

// importBatch sends 50 events of batch b to /import; true when acknowledged.
func importBatch(s *server, p project, b int, now int64) bool {
	var evs []map[string]any
	for i := range 50 {
		evs = append(evs, map[string]any{"event": "bk", "properties": map[string]any{
			"distinct_id": fmt.Sprintf("u%d", i%7), "time": now + int64(b), "$insert_id": fmt.Sprintf("b%d-%d", b, i), "batch": b}})
	}
	body, _ := json.Marshal(evs)
	req, _ := http.NewRequest("POST", s.Base+"/import?strict=1&project_id="+fmt.Sprint(p.ID), bytes.NewReader(body))
	req.SetBasicAuth(p.APISecret, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client().Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == 200
}

func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
}

// A backup through the running server during live ingestion holds every
// batch acknowledged before it began, each whole, and nothing that was not
// acknowledged by its end; a backup of a stopped server restores into a
// fresh directory with identical exports and profiles and a verifying
// audit chain; restore refuses a non-empty directory; an offline backup
// refuses a directory a server has open.
func TestBackupRestore(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("backup")
	now := time.Now().UnixMilli() - 3_600_000
	for b := range 20 {
		if !importBatch(s, p, b, now) {
			t.Fatalf("import batch %d refused", b)
		}
	}
	code, body := s.do("POST", "/engage", http.Header{"Content-Type": {"application/json"}},
		[]byte(`[{"$token":`+quote(p.Token)+`,"$distinct_id":"u1","$set":{"plan":"pro","seats":3}}]`))
	if code != 200 {
		t.Fatalf("engage: %d %s", code, body)
	}
	_ = s.rawExport(p) // an audited read

	// Live: ingestion goes on while the server writes the backup.
	var mu sync.Mutex
	acked := map[int]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 1000 * (w + 1); ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				if importBatch(s, p, b, now) {
					mu.Lock()
					acked[b] = true
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	before := maps(acked)
	mu.Unlock()
	live := filepath.Join(t.TempDir(), "live")
	out, err := sieveCLI(t, "backup", "--url", s.Base, "--to", live)
	mu.Lock()
	after := maps(acked)
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("sieve backup --url: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	checkPrivate(t, live)

	// /metrics says when the last backup succeeded.
	if code, b := s.do("GET", "/metrics", bearer(), nil); code != 200 || !regexp.MustCompile(`(?m)^sieve_backup_last_success_timestamp_seconds [1-9]`).Match(b) {
		t.Errorf("/metrics: %d, no recent sieve_backup_last_success_timestamp_seconds", code)
	}
	// Refusals through the API.
	if code, b := s.do("POST", "/api/admin/backup", basic(p.APISecret, ""), []byte(`{"to":"/tmp/x"}`)); code != 401 && code != 403 {
		t.Errorf("backup with a project secret: %d %s", code, b)
	}
	if code, b := s.do("POST", "/api/admin/backup", bearer(), []byte(`{"to":"relative/dir"}`)); code != 400 {
		t.Errorf("backup to a relative path: %d %s", code, b)
	}
	if code, b := s.do("POST", "/api/admin/backup", bearer(), []byte(`{"to":`+quote(filepath.Join(s.Data, "bk"))+`}`)); code != 400 {
		t.Errorf("backup into the data directory: %d %s", code, b)
	}
	if code, b := s.do("POST", "/api/admin/backup", bearer(), []byte(`{"to":`+quote(live)+`}`)); code != 409 {
		t.Errorf("backup into an existing directory: %d %s", code, b)
	}
	if out, err := sieveCLI(t, "backup", "--data", s.Data, "--to", filepath.Join(t.TempDir(), "x")); err == nil || !strings.Contains(out, "a server has this data directory open") {
		t.Errorf("offline backup of a served directory: %v\n%s", err, out)
	}

	// Restore the live backup and check every batch in it is whole.
	liveData := filepath.Join(t.TempDir(), "live-data")
	if out, err := sieveCLI(t, "restore", "--from", live, "--data", liveData); err != nil || !strings.Contains(out, "audit log OK") {
		t.Fatalf("sieve restore: %v\n%s", err, out)
	}
	checkPrivate(t, liveData)
	s.stop()
	r := startServer(t, serverOpts{Data: liveData})
	counts := map[int]int{}
	for _, e := range r.export(p, true) {
		n, _ := e.Properties["batch"].(json.Number).Int64()
		counts[int(n)]++
	}
	for b, n := range counts {
		if n != 50 {
			t.Errorf("batch %d has %d of 50 events in the live backup", b, n)
		}
		if b >= 1000 && !after[b] {
			t.Errorf("batch %d is in the backup but was not acknowledged when the backup ended", b)
		}
	}
	for b := range before {
		if counts[b] == 0 {
			t.Errorf("batch %d was acknowledged before the backup began but is not in it", b)
		}
	}
	for b := range 20 {
		if counts[b] != 50 {
			t.Errorf("batch %d: %d events in the backup", b, counts[b])
		}
	}
	t.Logf("live backup: %d batches acknowledged before it, %d in it, %d acknowledged by its end", len(before), len(counts), len(after))
	r.stop()

	// Offline backup of the stopped server: identical exports and profiles.
	off := filepath.Join(t.TempDir(), "offline")
	if out, err := sieveCLI(t, "backup", "--data", s.Data, "--to", off); err != nil {
		t.Fatalf("sieve backup --data: %v\n%s", err, out)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if out, err := sieveCLI(t, "restore", "--from", off, "--data", fresh); err != nil {
		t.Fatalf("sieve restore: %v\n%s", err, out)
	}
	if out, err := sieveCLI(t, "restore", "--from", off, "--data", s.Data); err == nil || !strings.Contains(out, "not empty") {
		t.Errorf("restore into a non-empty directory: %v\n%s", err, out)
	}
	s.restart()
	want, wantProfiles := s.rawExport(p), s.profiles(p)
	s.stop()
	c := startServer(t, serverOpts{Data: fresh})
	got, gotProfiles := c.rawExport(p), c.profiles(p)
	if !slices.Equal(got, want) {
		t.Errorf("the restored export differs: %d lines, original %d", len(got), len(want))
	}
	if gotProfiles != wantProfiles {
		t.Errorf("the restored profiles differ:\n got %s\nwant %s", gotProfiles, wantProfiles)
	}
	if len(want) < 20*50 {
		t.Errorf("only %d events exported", len(want))
	}
	c.stop()
	if out, err := sieveCLI(t, "audit", "verify", "--data", fresh); err != nil || !strings.Contains(out, "audit log OK") {
		t.Errorf("audit verify of the restored directory: %v\n%s", err, out)
	}
	// A damaged backup is refused and leaves nothing behind.
	if err := os.WriteFile(filepath.Join(off, "meta", "registry.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	if out, err := sieveCLI(t, "restore", "--from", off, "--data", bad); err == nil || !strings.Contains(out, "differs from the manifest") {
		t.Errorf("restore of a damaged backup: %v\n%s", err, out)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a failed restore left %s behind", bad)
	}
}

func maps(m map[int]bool) map[int]bool {
	out := make(map[int]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
