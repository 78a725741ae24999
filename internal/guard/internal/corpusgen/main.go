// Command corpusgen writes the labelled guard corpus: synthetic but realistic
// analytics events (Mixpanel JS/Autotrack 2017/autocapture 2025, PostHog,
// mobile and server SDKs) in Mixpanel's {"event","properties"} shape, each
// with the list of (path, class) pairs of sensitive values it holds. About
// half the events are clean and full of hard negatives (UUIDs, hashes, order
// numbers failing Luhn, the project token, publishable keys, public keys and
// certificates, placeholders, password_strength...). Sensitive values are
// built with their real validators (Luhn and IIN ranges, IBAN mod 97,
// national-ID check digits, checksummed GitHub/npm tokens) from fixed seeds,
// so the output is byte-for-byte reproducible.
//
// Regenerate from the repository root with
//
//	go run ./internal/guard/internal/corpusgen -out internal/guard/testdata
//
// or `go generate ./internal/guard` (the directive is in corpus_test.go).
// It writes corpus_tune.jsonl and corpus_heldout.jsonl; the held-out split
// uses its own seed and key spellings that the tune split never contains.
// internal/guard/testdata/CORPUS.md describes the format.
//
// It imports nothing from Sieve: the corpus must stay an independent
// yardstick for the guard, so it must not import internal/guard either.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "testdata", "directory to write the corpus files into")
	stats := flag.Bool("stats", false, "print per-class and per-scenario counts")
	flag.Parse()
	for _, sp := range splits {
		evs := buildSplit(sp)
		name := filepath.Join(*out, "corpus_"+sp.name+".jsonl")
		if err := os.WriteFile(name, []byte(render(evs)), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "corpusgen:", err)
			os.Exit(1)
		}
		if *stats {
			printStats(sp.name, evs)
		}
	}
}

func render(evs []*event) string {
	var sb strings.Builder
	for _, e := range evs {
		sb.WriteString(e.line())
		sb.WriteByte('\n')
	}
	return sb.String()
}

func printStats(name string, evs []*event) {
	classes := map[string]int{}
	scen := map[string]int{}
	kinds := map[string]int{}
	clean := 0
	for _, e := range evs {
		kinds[e.kind]++
		if len(e.labels) == 0 {
			clean++
		}
		for _, l := range e.labels {
			classes[l.Class]++
			sc := l.Scenario
			if i := strings.IndexAny(sc, "_"); i > 0 && strings.Count(sc, "_") > 3 {
				sc = sc[:strings.LastIndexByte(sc, '_')]
			}
			scen[sc]++
		}
	}
	fmt.Printf("== %s: %d events, %d clean\n", name, len(evs), clean)
	for _, k := range sortedKeys(classes) {
		fmt.Printf("  class %-20s %d\n", k, classes[k])
	}
	for _, k := range sortedKeys(kinds) {
		fmt.Printf("  kind  %-36s %d\n", k, kinds[k])
	}
	for _, k := range sortedKeys(scen) {
		fmt.Printf("  label-scenario %-40s %d\n", k, scen[k])
	}
}
