package apptest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestFilesPrivate: every file and directory Sieve writes under the data
// directory is readable by its owner only (0600 / 0700), the store's
// DuckDB and Parquet files included.
func TestFilesPrivate(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("modes")
	s.track([]map[string]any{{"event": "e", "properties": map[string]any{"token": p.Token, "distinct_id": "u", "time": time.Now().Unix(), "$insert_id": "m1"}}})
	s.export(p, false)
	s.stop()
	s.restart() // a restart seals the active file into Parquet
	s.stop()
	n := 0
	filepath.WalkDir(s.Data, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == s.Data { // the directory itself is the test's
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v", strings.TrimPrefix(path, s.Data), info.Mode().Perm())
		}
		n++
		return nil
	})
	if n < 10 {
		t.Errorf("only %d files and directories", n)
	}
}

// TestKeysBlockAndRotation: the first start prints its keys in one block
// with the recovery path; a project secret is rotated with a grace period.
func TestKeysBlockAndRotation(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, serverOpts{Data: dir})
	out := s.out.String()
	for _, want := range []string{"only their hashes are stored", "api_secret: ", "SIEVE_ADMIN_KEY", "POST /api/projects/{id}/secret"} {
		if !strings.Contains(out, want) {
			t.Errorf("first start output lacks %q:\n%s", want, out)
		}
	}
	p := s.createProject("rotate")
	code, b := s.do("POST", fmt.Sprintf("/api/projects/%d/secret", p.ID), basic(p.APISecret, ""), []byte(`{"grace_seconds":2}`))
	var r struct {
		APISecret string `json:"api_secret"`
		Until     string `json:"previous_valid_until"`
	}
	if err := json.Unmarshal(b, &r); code != 200 || err != nil || len(r.APISecret) != 64 {
		t.Fatalf("rotate: %d %s", code, b)
	}
	get := func(secret string) int {
		code, _ := s.do("GET", fmt.Sprintf("/api/projects/%d", p.ID), basic(secret, ""), nil)
		return code
	}
	if get(r.APISecret) != 200 || get(p.APISecret) != 200 {
		t.Errorf("during the grace period: new %d, old %d", get(r.APISecret), get(p.APISecret))
	}
	time.Sleep(2500 * time.Millisecond)
	if get(r.APISecret) != 200 || get(p.APISecret) != 401 {
		t.Errorf("after the grace period: new %d, old %d", get(r.APISecret), get(p.APISecret))
	}
	s.stop()
	if b, _ := os.ReadFile(filepath.Join(dir, "meta", "registry.json")); strings.Contains(string(b), r.APISecret) {
		t.Error("the registry holds the new secret in clear")
	}
}

// TestHelpEveryCommand: `sieve <cmd> --help` (and -h) prints usage and
// exits 0 for every command and subcommand.
func TestHelpEveryCommand(t *testing.T) {
	for _, c := range [][]string{{"serve"}, {"scope"}, {"purge"}, {"purge", "status"}, {"audit"}, {"audit", "verify"},
		{"audit", "query"}, {"bench"}, {"bench", "ingest"}, {"backup"}, {"restore"}, {"version"}, {"help"}} {
		for _, h := range []string{"--help", "-h"} {
			out, err := exec.Command(sieveBin, append(c, h)...).CombinedOutput()
			if err != nil || !strings.Contains(strings.ToLower(string(out)), "usage") && c[0] != "version" {
				t.Errorf("sieve %s %s: %v\n%s", strings.Join(c, " "), h, err, out)
			}
		}
	}
}

// TestPurgeCLICounts: the purge CLI prints events and findings apart.
func TestPurgeCLICounts(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("purge-cli")
	now := time.Now().Unix()
	var evs []map[string]any
	for i := range 3 {
		evs = append(evs, map[string]any{"event": "e", "properties": map[string]any{"token": p.Token, "distinct_id": "victim",
			"time": now, "$insert_id": fmt.Sprint("v", i), "password": "hunter2hunter2"}})
	}
	s.track(evs)
	cmd := exec.Command(sieveBin, "purge", "--addr", s.Base, "--project", fmt.Sprint(p.ID), "--distinct-id", "victim")
	cmd.Env = append(os.Environ(), "SIEVE_ADMIN_KEY="+adminKey)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sieve purge: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "3 events deleted, 0 events changed, 0 profiles deleted, 0 profiles changed, 3 findings deleted") {
		t.Errorf("purge output: %s", stderr.String())
	}
}

// TestThreadsFlag: `sieve serve --threads N` reaches DuckDB: /metrics
// reads sieve_store_duckdb_threads back from DuckDB's own setting, for two
// counts neither of which is the 2-core default; after a query under a
// --query-threads budget it is --threads again.
func TestThreadsFlag(t *testing.T) {
	for _, n := range []string{"1", "3"} {
		s := startServer(t, serverOpts{Args: []string{"--threads", n, "--query-threads", "1"}})
		threads := func() string {
			code, b := s.do("GET", "/metrics", bearer(), nil)
			m := regexp.MustCompile(`(?m)^sieve_store_duckdb_threads (\S+)$`).FindSubmatch(b)
			if code != 200 || m == nil {
				t.Fatalf("/metrics: %d, no sieve_store_duckdb_threads", code)
			}
			return string(m[1])
		}
		if got := threads(); got != n {
			t.Errorf("--threads %s: DuckDB has %s threads", n, got)
		}
		day := time.Now().UTC().Format(time.DateOnly)
		if code, b := s.do("POST", "/api/projects/1/query", bearer(), []byte(`{"kind":"funnels","from":"`+day+`","to":"`+day+`","series":[{"event":"a"},{"event":"b"}]}`)); code != 200 {
			t.Fatalf("query: %d %s", code, b)
		}
		if got := threads(); got != n {
			t.Errorf("--threads %s, after a query: DuckDB has %s threads", n, got)
		}
		s.stop()
	}
}
