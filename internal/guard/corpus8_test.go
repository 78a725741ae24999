package guard_test

//go:generate go run ./internal/corpus8gen -out testdata

import (
	"flag"
	"testing"
)

// The eighth corpus (testdata/corpus8.jsonl, made by internal/corpus8gen)
// was written blind, from docs/GUARD.md's class definitions, the earlier
// corpora's lists of what they cover (to aim elsewhere) and public format
// facts alone, without reading the guard's detectors, rules, keys or their
// tests. It puts secrets where no earlier corpus put them: CI logs and
// build output, git diffs, Terraform state, compose files, build-tool
// settings, Ansible inventories, HAR, cURL/HTTPie and Postman exports,
// password-manager exports, crash reports with environment dumps, SQL
// dumps, CSV/TSV rows, nested and layered encodings, parallel arrays,
// keys in other scripts and spellings, SMS one-time codes, recovery codes,
// seed phrases, national IDs and bank accounts of new countries, cards
// with unusual separators, rare vendor tokens and authorization schemes.
// It is scored as corpus2 is; no threshold is enforced yet.

var corpus8Details = flag.Bool("corpus8.details", false, "list each miss and false positive of corpus8 (line, path, class, kind; never the value)")

const corpus8Token = "c8a4d19e7b3f4a62905e1d8c7b6a5f40" // corpus8gen.Token

func TestCorpus8(t *testing.T) {
	checkIndependentCorpus(t, corpus8Token, "corpus8.jsonl", *corpus8Details)
}

// TestCorpus8Generated checks that the committed corpus is what the
// generator writes (it builds the generator: skipped with -short).
func TestCorpus8Generated(t *testing.T) {
	checkCorpusGenerated(t, "corpus8gen", "corpus8.jsonl")
}

// TestCorpus8ScanMatchesEvent checks that the rescan path (Checker.Scan on
// the stored text) reports what Event reports on every corpus8 event.
func TestCorpus8ScanMatchesEvent(t *testing.T) {
	checkScanMatchesEvent(t, corpus8Token, "corpus8.jsonl")
}
