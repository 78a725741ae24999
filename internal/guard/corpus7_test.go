package guard_test

//go:generate go run ./internal/corpus7gen -out testdata

import (
	"flag"
	"testing"
)

// The seventh corpus (testdata/corpus7.jsonl, made by internal/corpus7gen)
// is mostly clean traffic: 3,600 events in the shapes of real SDK and
// webhook payloads, 88% of them clean, written from docs/GUARD.md's class
// definitions and public payload documentation without reading the guard,
// its tests or its data. Its clean events hold what merely looks random or
// looks like a sensitive kind: ids of every common shape, hashes and
// digests, public signatures, CDN image URLs, public keys and
// fingerprints, tracking, order and product numbers (Luhn- and
// GS1-valid), public bank codes, masked cards, pagination cursors,
// multilingual text, keys named like secrets holding no secret. It is
// scored as corpus2 is; no threshold is enforced: the test logs per-class
// recall, the false-positive rate and the kinds of misses and false
// positives (scenario names, never values).

var corpus7Details = flag.Bool("corpus7.details", false, "list each miss and false positive of corpus7 (line, path, class, kind; never the value)")

const corpus7Token = "d7a3f1c9e2b84d5a9c0e6f7a8b9c0d1e" // corpus7gen.Token

func TestCorpus7(t *testing.T) {
	checkIndependentCorpus(t, corpus7Token, "corpus7.jsonl", *corpus7Details)
}

// TestCorpus7Generated checks that the committed corpus is what the
// generator writes (it builds the generator: skipped with -short).
func TestCorpus7Generated(t *testing.T) {
	checkCorpusGenerated(t, "corpus7gen", "corpus7.jsonl")
}

// TestCorpus7ScanMatchesEvent checks that the rescan path (Checker.Scan on
// the stored text) reports what Event reports on every corpus7 event.
func TestCorpus7ScanMatchesEvent(t *testing.T) {
	checkScanMatchesEvent(t, corpus7Token, "corpus7.jsonl")
}
