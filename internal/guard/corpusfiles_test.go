package guard_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// checkIndependentCorpus scores an independent corpus (testdata/file, made
// by generator gen under internal/) and logs the result; it fails only when
// the corpus itself is broken (a critical class with no labels, no clean or
// only clean events). The independent corpora enforce no threshold yet.
func checkIndependentCorpus(t *testing.T, token, file string, details bool) {
	t.Helper()
	res := scoreCorpusFile(t, corpusChecker(t, token), file, details)
	t.Log(res.report())
	for _, cl := range corpus2Critical {
		if s := res.classes[cl]; s == nil || s.labels == 0 {
			t.Errorf("no labelled %s values: the corpus is broken", cl)
		}
	}
	if res.clean == 0 || res.clean == res.events {
		t.Errorf("%d clean events of %d: the corpus is broken", res.clean, res.events)
	}
}

// checkCorpusGenerated checks that testdata/file is what generator gen
// (a package under internal/) writes; it builds the generator, so it is
// skipped with -short.
func checkCorpusGenerated(t *testing.T, gen, file string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "./internal/"+gen, "-out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run %s: %v\n%s", gen, err, out)
	}
	want, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("testdata/%s is not what %s writes: run go generate ./internal/guard", file, gen)
	}
}

// checkScanMatchesEvent checks that the rescan path (Checker.Scan on the
// stored text) reports what Event reports on every event of testdata/file.
func checkScanMatchesEvent(t *testing.T, token, file string) {
	t.Helper()
	c := corpusChecker(t, token)
	var arena fastjson.Arena
	events, differ := 0, 0
	forEachCorpusFile(t, file, func(n int, ln *corpus2Line, ev *event.Event) {
		events++
		scanned, err := c.Scan(1, ev.Name, ev.DistinctID, string(ev.Props.MarshalTo(nil)), nil)
		if err != nil {
			t.Fatalf("line %d: Scan: %v", n, err)
		}
		arena.Reset()
		walked, _ := c.Event(ev, &arena, nil)
		if a, b := findingKeys(scanned), findingKeys(walked); a != b {
			differ++
			if differ <= 20 {
				t.Errorf("line %d [%s]: Scan finds %s, Event finds %s", n, ln.Scenario, a, b)
			}
		}
	})
	if differ > 0 {
		t.Errorf("Scan and Event differ on %d of %d events", differ, events)
	}
}
