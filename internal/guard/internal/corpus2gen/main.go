// Command corpus2gen writes the guard's second labelled corpus
// (internal/guard/testdata/corpus2.jsonl): about 2,000 events in Mixpanel's
// /track shape, ~40% of them holding sensitive values of every class that
// docs/GUARD.md defines, the rest clean traffic chosen to look like secrets
// (ids, hashes, signatures, public bank identifiers, words under
// password-like keys...).
//
// It was written from the class definitions and public format documentation
// alone, without reading the guard's detectors or the first corpus, so that
// the guard can be measured on data it was not tuned on. It must stay that
// way: it imports only the standard library (internal/lint checks this).
//
// Output is deterministic for a seed: `go generate ./internal/guard`
// rewrites the committed file, and this package's test checks that the
// committed file is what the generator produces.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "testdata", "directory to write corpus2.jsonl into")
	seed := flag.Uint64("seed", DefaultSeed, "random seed")
	flag.Parse()
	data, err := Render(Generate(*seed))
	if err == nil {
		err = os.WriteFile(filepath.Join(*out, FileName), data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus2gen:", err)
		os.Exit(1)
	}
}
