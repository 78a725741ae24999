package guard_test

//go:generate go run ./internal/corpus4gen -out testdata

import (
	"flag"
	"testing"
)

// The fourth corpus (testdata/corpus4.jsonl, made by internal/corpus4gen)
// was written by other hands from docs/GUARD.md's class definitions and
// public format facts alone, without reading the guard, its tests, its data
// or the other corpus generators. It leans on payload kinds no issue names
// (mobile SDK payloads, GraphQL variables, header dumps, cookies, env dumps,
// stack traces and logs, SQL, config formats in strings, form bodies, deep
// nesting, arrays of pairs, keys in other scripts, layered encodings, split
// values, chat, feedback and search text) and on clean values shaped like
// secrets. It is scored as corpus2 is; no threshold is enforced yet: the
// test logs per-class recall, the false-positive rate and the kinds of
// misses and false positives (scenario names, never values). Do not tune
// the guard on its samples.

var corpus4Details = flag.Bool("corpus4.details", false, "list each miss and false positive of corpus4 (line, path, class, kind; never the value)")

const corpus4Token = "4c0f2d9e8b7a41c3a5e6d7f8091a2b3c" // corpus4gen.Token

func TestCorpus4(t *testing.T) {
	checkIndependentCorpus(t, corpus4Token, "corpus4.jsonl", *corpus4Details)
}

// TestCorpus4Generated checks that the committed corpus is what the
// generator writes (it builds the generator: skipped with -short).
func TestCorpus4Generated(t *testing.T) {
	checkCorpusGenerated(t, "corpus4gen", "corpus4.jsonl")
}

// TestCorpus4ScanMatchesEvent checks that the rescan path (Checker.Scan on
// the stored text) reports what Event reports on every corpus4 event.
func TestCorpus4ScanMatchesEvent(t *testing.T) {
	checkScanMatchesEvent(t, corpus4Token, "corpus4.jsonl")
}
