package duckdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
)

const fsyncChildEnv = "SIEVE_STORE_FSYNC_CHILD"

// TestFsyncChild is run by TestAppendFsyncsBeforeAck under strace.
func TestFsyncChild(t *testing.T) {
	dir := os.Getenv(fsyncChildEnv)
	if dir == "" {
		t.Skip("run by TestAppendFsyncsBeforeAck")
	}
	s, err := Open(dir, Options{NoSealOnClose: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		row := event.Row{ProjectID: 1, Time: t0 + int64(i), Name: "e", DistinctID: "u", InsertID: fmt.Sprint(i), Props: []byte(`{}`)}
		if _, err := s.Append(context.Background(), []event.Row{row}); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("acked\n")
	}
	os.Exit(0) // like a crash: no Close
}

// TestAppendFsyncsBeforeAck proves the durability claim on this machine: it
// runs appends under strace and checks that between two acknowledgements
// the active file's write-ahead log was fsynced. Skipped without strace.
func TestAppendFsyncsBeforeAck(t *testing.T) {
	straceBin, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	dir := t.TempDir()
	trace := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(straceBin, "-f", "-e", "trace=openat,fsync,fdatasync,write", "-o", trace,
		os.Args[0], "-test.run=^TestFsyncChild$")
	cmd.Env = append(os.Environ(), fsyncChildEnv+"="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "ptrace") || strings.Contains(string(out), "Operation not permitted") {
			t.Skipf("strace cannot trace here: %s", out)
		}
		t.Fatalf("child under strace: %v\n%s", err, out)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	walOpen := regexp.MustCompile(`openat\(.*active-\d+\.duckdb\.wal".*\) = (\d+)`)
	sync := regexp.MustCompile(`(?:fsync|fdatasync)\((\d+)\)\s+= 0`)
	// Under -f, a call another thread interrupts is split in two lines:
	// "PID fsync(FD <unfinished ...>" and "PID <... fsync resumed>) = 0".
	unfinished := regexp.MustCompile(`^(\d+)\s+(?:fsync|fdatasync)\((\d+) <unfinished`)
	resumed := regexp.MustCompile(`^(\d+)\s+<\.\.\. (?:fsync|fdatasync) resumed>.*= 0`)
	pending := map[string]string{} // pid -> fd of its unfinished sync
	walFDs := map[string]bool{}
	synced, acks := false, 0
	for _, line := range strings.Split(string(b), "\n") {
		if m := walOpen.FindStringSubmatch(line); m != nil {
			walFDs[m[1]] = true
			continue
		}
		if m := sync.FindStringSubmatch(line); m != nil && walFDs[m[1]] {
			synced = true
			continue
		}
		if m := unfinished.FindStringSubmatch(line); m != nil {
			pending[m[1]] = m[2]
			continue
		}
		if m := resumed.FindStringSubmatch(line); m != nil {
			if walFDs[pending[m[1]]] {
				synced = true
			}
			delete(pending, m[1])
			continue
		}
		if strings.Contains(line, `write(1, "acked\n"`) {
			if !synced {
				t.Fatalf("acknowledgement %d was written before the WAL was fsynced", acks+1)
			}
			acks++
			synced = false
		}
	}
	if acks != 5 {
		t.Fatalf("saw %d acknowledgements in the trace, want 5", acks)
	}
}
