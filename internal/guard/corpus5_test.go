package guard_test

//go:generate go run ./internal/corpus5gen -out testdata

import (
	"flag"
	"testing"
)

// The fifth corpus (testdata/corpus5.jsonl, made by internal/corpus5gen)
// was written by other hands from docs/GUARD.md's class definitions and
// public format facts alone, without reading the guard, its tests, its data
// or the other corpus generators. It leans on domains the earlier corpora
// did not name (healthcare intake, HR onboarding, KYC, insurance claims,
// checkout, travel, education, gaming, IoT pairing, CI/CD and devops
// configs, support chats and reviews in many languages), on national
// identifiers of two dozen countries with their check digits (and
// look-alikes that fail them, which are clean), on vendor tokens from public
// secret-scanner rule sets, and on clean values shaped like secrets. It is
// scored as corpus2 is; no threshold is enforced yet: the test logs
// per-class recall, the false-positive rate and the kinds of misses and
// false positives (scenario names, never values). Do not tune the guard on
// its samples.

var corpus5Details = flag.Bool("corpus5.details", false, "list each miss and false positive of corpus5 (line, path, class, kind; never the value)")

const corpus5Token = "c5a7e1d3f9b24c6e8a0d1f2e3c4b5a69" // corpus5gen.Token

func TestCorpus5(t *testing.T) {
	checkIndependentCorpus(t, corpus5Token, "corpus5.jsonl", *corpus5Details)
}

// TestCorpus5Generated checks that the committed corpus is what the
// generator writes (it builds the generator: skipped with -short).
func TestCorpus5Generated(t *testing.T) {
	checkCorpusGenerated(t, "corpus5gen", "corpus5.jsonl")
}

// TestCorpus5ScanMatchesEvent checks that the rescan path (Checker.Scan on
// the stored text) reports what Event reports on every corpus5 event.
func TestCorpus5ScanMatchesEvent(t *testing.T) {
	checkScanMatchesEvent(t, corpus5Token, "corpus5.jsonl")
}
