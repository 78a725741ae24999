// Command devcorpusgen writes the guard's development corpus
// (internal/guard/testdata/corpus_dev.jsonl): events in Mixpanel's /track
// shape, about 40% holding sensitive values of the classes docs/GUARD.md
// defines, the rest clean traffic that looks like secrets (UUIDs, hashes,
// public bank identifiers, signatures, words under password-like keys).
//
// It was written from the class definitions and public format
// documentation only (check digits of the ID, card and account formats;
// token formats as public secret-scanner rule sets describe them), before
// the detectors were changed for issue 13 and without reading them or the
// other corpora. It is the corpus the detectors are tuned on; the second
// corpus (corpus2) stays held out. It imports only the standard library
// (internal/lint checks this).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// FileName is the corpus file under internal/guard/testdata.
const FileName = "corpus_dev.jsonl"

// DefaultSeed makes the committed file.
const DefaultSeed = 20261203

// Token is the project token of every event.
const Token = "d3v0c0rpu5t0k3n0000000000000a1b2"

// Label marks one sensitive value: the property path (guard Finding.Path
// syntax) and the exact text that must be gone after the guard.
type Label struct {
	Path     string   `json:"path"`
	Class    string   `json:"class"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt,omitempty"`
	Scenario string   `json:"scenario"`
}

// Line is one corpus event.
type Line struct {
	Event      string         `json:"event"`
	Properties map[string]any `json:"properties"`
	Labels     []Label        `json:"labels"`
	Scenario   string         `json:"scenario"`
}

// Events is the number of events written.
const Events = 2000

// Generate returns the corpus for a seed.
func Generate(seed uint64) []Line {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x5eed))}
	out := make([]Line, 0, Events)
	for i := 0; i < Events; i++ {
		p := g.base()
		ln := Line{Event: g.pick("Page View", "Sign Up", "Form Submitted", "API Error", "Checkout", "Settings Saved", "Support Ticket", "Deploy"), Properties: p}
		if i%5 < 2 {
			s := weighted[g.n(len(weighted))]
			ln.Scenario = s.name
			for _, l := range s.fn(g, p) {
				l.Scenario = s.name
				ln.Labels = append(ln.Labels, l)
			}
		} else {
			c := clean[g.n(len(clean))]
			ln.Scenario = c.name
			c.fn(g, p)
			ln.Labels = []Label{}
		}
		out = append(out, ln)
	}
	return out
}

// Render writes one JSON line per event.
func Render(ls []Line) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, l := range ls {
		if err := enc.Encode(l); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

func main() {
	out := flag.String("out", "testdata", "directory to write "+FileName+" into")
	seed := flag.Uint64("seed", DefaultSeed, "random seed")
	flag.Parse()
	data, err := Render(Generate(*seed))
	if err == nil {
		err = os.WriteFile(filepath.Join(*out, FileName), data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devcorpusgen:", err)
		os.Exit(1)
	}
}

// base returns the properties every event carries, ids of many shapes
// included.
func (g *gen) base() map[string]any {
	p := map[string]any{
		"token":        Token,
		"distinct_id":  g.pick("user_", "u-", "") + g.uuid(),
		"time":         1_764_000_000 + g.n(3_000_000),
		"$insert_id":   g.str(lower+digits, 16),
		"$device_id":   g.uuid(),
		"mp_lib":       g.pick("web", "python", "node", "swift", "android"),
		"$lib_version": fmt.Sprintf("%d.%d.%d", 1+g.n(3), g.n(60), g.n(10)),
		"$browser":     g.pick("Chrome", "Firefox", "Safari", "Edge"),
		"$os":          g.pick("Windows", "Mac OS X", "Linux", "iOS", "Android"),
		"$current_url": "https://app.example.com/" + g.pick("settings", "billing", "account/security", "login", "checkout/step-2", "reset-password") + "?ref=" + g.str(lower, 5),
	}
	if g.chance(0.5) {
		p["request_id"] = g.uuid()
	}
	if g.chance(0.3) {
		p["session_id"] = g.uuid()
	}
	if g.chance(0.3) {
		p["trace_id"] = g.str(hexLower, 32)
	}
	return p
}

// weighted lists the sensitive scenarios with the national-ID and
// URL-credential ones twice, so that every critical class has 60+ labels.
var weighted = func() []scenario {
	out := append([]scenario{}, sensitive...)
	for _, s := range sensitive {
		if strings.Contains(s.name, "national ID") || strings.Contains(s.name, "ID document") || strings.Contains(s.name, "credentials") || strings.Contains(s.name, "autotrack") || s.name == "phone" || s.name == "email" {
			out = append(out, s)
		}
	}
	return out
}()

type scenario struct {
	name string
	fn   func(g *gen, p map[string]any) []Label
}

type cleanScenario struct {
	name string
	fn   func(g *gen, p map[string]any)
}

func lbl(path, class, value string, alt ...string) Label {
	return Label{Path: path, Class: class, Value: value, Alt: alt}
}
