package guard_test

//go:generate go run ./internal/corpus6gen -out testdata

import (
	"flag"
	"testing"
)

// The sixth corpus (testdata/corpus6.jsonl, made by internal/corpus6gen)
// was written by other hands from docs/GUARD.md's class definitions and
// public format facts alone, without reading the guard, its tests, its data
// or the other corpus generators. It aims at kinds no earlier corpus named:
// OAuth/OIDC flows (authorization codes, PKCE verifiers, client secrets,
// tokens in queries, fragments and deep links), otpauth URIs, rrweb
// session-replay input events, PostHog $elements_chain strings, SOAP
// WS-Security, LDAP binds, SAML responses, JDBC/ODBC/Redis/MongoDB
// connection strings, Azure and AWS signed URLs and keys, GCP service
// account files, PuTTY and PKCS#12 keys, wallet keys, magnetic-stripe
// tracks, new national ID formats with their check digits; and clean
// public SDK keys, trace ids, digests, click ids and look-alikes. It is
// scored as corpus2 is; no threshold is enforced yet: the test logs
// per-class recall, the false-positive rate and the kinds of misses and
// false positives (scenario names, never values). Do not tune the guard on
// its samples.

var corpus6Details = flag.Bool("corpus6.details", false, "list each miss and false positive of corpus6 (line, path, class, kind; never the value)")

const corpus6Token = "c6e2b7a41f9d4c08b3a5e6d7f8091a2b" // corpus6gen.Token

func TestCorpus6(t *testing.T) {
	checkIndependentCorpus(t, corpus6Token, "corpus6.jsonl", *corpus6Details)
}

// TestCorpus6Generated checks that the committed corpus is what the
// generator writes (it builds the generator: skipped with -short).
func TestCorpus6Generated(t *testing.T) {
	checkCorpusGenerated(t, "corpus6gen", "corpus6.jsonl")
}

// TestCorpus6ScanMatchesEvent checks that the rescan path (Checker.Scan on
// the stored text) reports what Event reports on every corpus6 event.
func TestCorpus6ScanMatchesEvent(t *testing.T) {
	checkScanMatchesEvent(t, corpus6Token, "corpus6.jsonl")
}
