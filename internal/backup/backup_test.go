package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/audit"
)

func TestCheckDest(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		dest string
		want error
	}{
		{"relative", ErrInvalidDest},
		{data, ErrInvalidDest},
		{filepath.Join(data, "sub"), ErrInvalidDest},
		{filepath.Dir(data), ErrInvalidDest}, // holds the data directory
		{t.TempDir(), ErrExists},
		{filepath.Join(t.TempDir(), "new"), nil},
	} {
		if err := CheckDest(data, c.dest); !errors.Is(err, c.want) {
			t.Errorf("CheckDest(%q) = %v, want %v", c.dest, err, c.want)
		}
	}
}

// A backup copies every file outside store/ and audit/ but files being
// written; a manifest naming a file outside the backup is refused; a
// failed backup leaves nothing at the destination.
func TestCreateAndRestore(t *testing.T) {
	data := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(data, "meta"), 0o700))
	must(os.WriteFile(filepath.Join(data, "meta", "registry.json"), []byte(`{"x":1}`), 0o600))
	must(os.WriteFile(filepath.Join(data, "meta", "registry.json.tmp"), []byte(`half`), 0o600))
	must(os.MkdirAll(filepath.Join(data, "pii"), 0o700))
	must(os.WriteFile(filepath.Join(data, "pii", "pii_paths.jsonl"), []byte(`{"project_id":1,"path":"email"}`+"\n"), 0o600))
	must(os.WriteFile(filepath.Join(data, "pii", "pii_paths.rebuilt"), []byte(`{}`), 0o600))
	al, err := audit.Open(filepath.Join(data, "audit"), nil)
	must(err)
	defer al.Close()
	store := func(ctx context.Context, d string) (any, error) {
		return map[string]int{"rows": 1}, os.Mkdir(d, 0o700)
	}
	dest := filepath.Join(t.TempDir(), "b")
	m, err := Create(context.Background(), Sources{DataDir: data, Store: store, Audit: al, Actor: "test"}, dest)
	must(err)
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Path)
	}
	got := strings.Join(names, " ")
	// The PII path set's rebuilt mark stays out: a restore rebuilds the set
	// from the restored findings once.
	if !strings.Contains(got, "meta/registry.json") || strings.Contains(got, ".tmp") || !strings.Contains(got, "audit/audit.log") ||
		!strings.Contains(got, "pii/pii_paths.jsonl") || strings.Contains(got, "pii_paths.rebuilt") {
		t.Errorf("files %s", got)
	}
	if m.AuditSeq != 1 {
		t.Errorf("audit seq %d, want 1 (the backup's own entry)", m.AuditSeq)
	}
	r, err := Restore(dest, filepath.Join(t.TempDir(), "r"))
	must(err)
	if r.Audit.Entries != 1 {
		t.Errorf("restored audit entries %d", r.Audit.Entries)
	}
	// An existing empty directory takes the restore; a non-empty one is refused.
	empty := t.TempDir()
	if _, err := Restore(dest, empty); err != nil {
		t.Fatalf("restore into an empty directory: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(empty, "meta", "registry.json")); err != nil || string(b) != `{"x":1}` {
		t.Errorf("restored registry %q, %v", b, err)
	}
	if fi, _ := os.Stat(empty); fi.Mode().Perm() != 0o700 {
		t.Errorf("restored directory mode %v", fi.Mode().Perm())
	}
	if _, err := Restore(dest, empty); !errors.Is(err, ErrExists) {
		t.Errorf("restore into a non-empty directory: %v", err)
	}

	failing := func(ctx context.Context, d string) (any, error) { return nil, errors.New("boom") }
	dest2 := filepath.Join(t.TempDir(), "b2")
	if _, err := Create(context.Background(), Sources{DataDir: data, Store: failing, Audit: al}, dest2); err == nil {
		t.Fatal("a failing store backup succeeded")
	}
	if ents, _ := os.ReadDir(filepath.Dir(dest2)); len(ents) != 0 {
		t.Errorf("a failed backup left %v", ents)
	}
	if got, _ := al.Query(audit.Query{Action: "backup"}); len(got) != 3 || got[2].Outcome != audit.Failed {
		t.Errorf("audit entries of the backups: %+v, want ok, ok (the failed one began), error", got)
	}

	b, err := os.ReadFile(filepath.Join(dest, ManifestName))
	must(err)
	must(os.WriteFile(filepath.Join(dest, ManifestName), []byte(strings.Replace(string(b), `"meta/registry.json"`, `"../../etc/passwd"`, 1)), 0o600))
	if _, err := Restore(dest, filepath.Join(t.TempDir(), "r2")); err == nil || !strings.Contains(err.Error(), "outside the backup") {
		t.Errorf("a manifest naming ../ was accepted: %v", err)
	}
}
