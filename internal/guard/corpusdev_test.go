package guard_test

//go:generate go run ./internal/devcorpusgen -out testdata

import (
	"flag"
	"testing"
)

// The development corpus (testdata/corpus_dev.jsonl, made by
// internal/devcorpusgen) was written from docs/GUARD.md's classes and
// public format documentation before the detectors were generalised for
// issue 13. Unlike corpus2, it is the corpus to tune on: its misses and
// false positives may be read one by one (-corpusdev.details lists lines,
// paths and detectors, never values). It is scored exactly as corpus2.

const (
	corpusDevFile  = "corpus_dev.jsonl"
	corpusDevToken = "d3v0c0rpu5t0k3n0000000000000a1b2" // devcorpusgen.Token
)

// The thresholds the test enforces on the development corpus (the guard
// scores 1.000 on every class, no false positive).
var (
	corpusDevMinRecall = 0.98
	corpusDevMaxFPRate = 0.005
)

var corpusDevDetails = flag.Bool("corpusdev.details", false, "list each miss and false positive of the development corpus (line, path, class, kind; never the value)")

func TestCorpusDev(t *testing.T) {
	res := scoreCorpusFile(t, corpusChecker(t, corpusDevToken), corpusDevFile, *corpusDevDetails)
	t.Log(res.report())
	for _, cl := range corpus2Critical {
		s := res.classes[cl]
		if s == nil || s.labels == 0 {
			t.Errorf("no labelled %s values: the corpus is broken", cl)
			continue
		}
		if r := float64(s.caught) / float64(s.labels); r < corpusDevMinRecall {
			t.Errorf("recall of %s is %.3f (%d of %d), below %.2f", cl, r, s.caught, s.labels, corpusDevMinRecall)
		}
	}
	if r := res.fpRate(); r > corpusDevMaxFPRate {
		t.Errorf("%.2f%% of clean events were changed (%d of %d), above %.1f%%", 100*r, res.changed, res.clean, 100*corpusDevMaxFPRate)
	}
}
