// Command corpus8gen writes testdata/corpus8.jsonl, the eighth labelled
// corpus of the guard (issue 13).
//
// It was written blind, like the earlier independent corpora: from
// docs/GUARD.md's class definitions, the earlier corpora's lists of what
// they cover (to aim elsewhere) and public format facts alone (check
// digits of national IDs and bank account numbers, IBAN lengths, vendor
// token shapes as public secret-scanner rule sets give them, the file
// formats of build and deployment tools), without reading the guard, its
// tests, its data or the other corpus generators. It puts secrets where no
// earlier corpus put them: CI logs and build output, Terraform state,
// compose files, Maven/Gradle/pypirc/composer settings, HAR, cURL, HTTPie
// and Postman exports, password-manager exports, crash reports with
// environment dumps in several languages' notations, SQL dumps, CSV/TSV
// rows, git diffs, notebooks, nested and layered encodings, parallel
// arrays, keys in many scripts, SMS one-time codes, recovery codes and
// seed phrases, national IDs and bank accounts of countries no earlier
// corpus used, cards with unusual separators and rare vendor tokens. It
// imports only the standard library and uses a fixed seed: two runs write
// the same bytes.
//
// Each line is {"event", "properties", "labels", "scenario"}; a label is
// {"path", "class", "value", "alt", "scenario"} where path joins object
// keys with "." and writes "[]" for any array element, and value is the
// part that must be gone, exactly as it appears in the decoded string at
// that path. Clean events have no labels.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Token is the project token every event carries; the scoring test passes
// it to Compile.
const Token = "c8a4d19e7b3f4a62905e1d8c7b6a5f40"

const (
	seed      = 20261208
	events    = 3000
	sensShare = 0.35
)

type label struct {
	Path     string   `json:"path"`
	Class    string   `json:"class"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt,omitempty"`
	Scenario string   `json:"scenario"`
}

// check is a value the generator's test runs through its format's check:
// valid labelled values must pass, look-alikes must fail.
type check struct {
	format string
	value  string
	valid  bool
}

type ev struct {
	Event      string         `json:"event"`
	Properties map[string]any `json:"properties"`
	Labels     []label        `json:"labels"`
	Scenario   string         `json:"scenario"`

	checks []check
}

func (e *ev) label(class, path, value string, alt ...string) {
	e.Labels = append(e.Labels, label{Path: path, Class: class, Value: value, Alt: alt, Scenario: e.Scenario})
}

func (e *ev) check(format, value string, valid bool) {
	e.checks = append(e.checks, check{format, value, valid})
}

type gen struct {
	r *rand.Rand
	n int
}

type scenario struct {
	name string
	fn   func(g *gen, e *ev)
}

func main() {
	out := flag.String("out", "testdata", "directory to write corpus8.jsonl into")
	stats := flag.Bool("stats", false, "print label counts per class")
	flag.Parse()
	evs := generate()
	data, err := encode(evs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus8gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, "corpus8.jsonl"), data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "corpus8gen:", err)
		os.Exit(1)
	}
	if *stats {
		counts := map[string]int{}
		sens := 0
		for _, e := range evs {
			if len(e.Labels) > 0 {
				sens++
			}
			for _, l := range e.Labels {
				counts[l.Class]++
			}
		}
		var cls []string
		for c := range counts {
			cls = append(cls, c)
		}
		sort.Strings(cls)
		fmt.Printf("%d events, %d sensitive\n", len(evs), sens)
		for _, c := range cls {
			fmt.Printf("%-20s %d\n", c, counts[c])
		}
	}
}

// generate makes the corpus; it panics when a label does not match the
// event it was written for (a generator bug).
func generate() []*ev {
	g := &gen{r: rand.New(rand.NewSource(seed))}
	evs := make([]*ev, 0, events)
	for i := 0; i < events; i++ {
		g.n = i
		e := &ev{Labels: []label{}}
		var sc scenario
		if g.r.Float64() < sensShare {
			sc = sensitiveScenarios[g.r.Intn(len(sensitiveScenarios))]
		} else {
			sc = cleanScenarios[g.r.Intn(len(cleanScenarios))]
		}
		e.Scenario = sc.name
		e.Properties = g.base()
		e.Event = "$mp_web_page_view"
		sc.fn(g, e)
		for i := range e.Labels {
			e.Labels[i].Scenario = e.Scenario
		}
		if err := verify(e); err != nil {
			panic(fmt.Sprintf("event %d (%s): %v", i, e.Scenario, err))
		}
		evs = append(evs, e)
	}
	return evs
}

func encode(evs []*ev) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, e := range evs {
		if err := enc.Encode(e); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// leaf is one string (or number, as JSON writes it) in the properties,
// with its path.
type leaf struct{ path, text string }

func leaves(prefix string, v any, out []leaf) []leaf {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, leaf{p + "#key", k})
			out = leaves(p, x[k], out)
		}
	case []any:
		for _, el := range x {
			out = leaves(prefix+"[]", el, out)
		}
	case []map[string]any:
		for _, el := range x {
			out = leaves(prefix+"[]", el, out)
		}
	case []string:
		for _, el := range x {
			out = append(out, leaf{prefix + "[]", el})
		}
	case string:
		out = append(out, leaf{prefix, x})
	case nil, bool:
	default:
		b, _ := json.Marshal(x)
		out = append(out, leaf{prefix, string(b)})
	}
	return out
}

// verify checks that each label's value occurs at its path, that a value
// of 8 bytes or more occurs at no unlabelled path, and that the event
// encodes as JSON.
func verify(e *ev) error {
	ls := leaves("", e.Properties, nil)
	for _, l := range e.Labels {
		found := false
		for _, lf := range ls {
			if lf.path == l.Path && strings.Contains(lf.text, l.Value) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("label %s at %s: value not there", l.Class, l.Path)
		}
		if len(l.Value) < 8 {
			continue
		}
		for _, lf := range ls {
			if !strings.Contains(lf.text, l.Value) {
				continue
			}
			ok := false
			for _, l2 := range e.Labels {
				if l2.Path == lf.path {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("label %s value also at unlabelled %s", l.Class, lf.path)
			}
		}
	}
	for k, v := range e.Properties {
		if depth(v) > maxDepth {
			return fmt.Errorf("property %s nests containers %d deep; Mixpanel's decoder takes %d", k, depth(v), maxDepth)
		}
	}
	if strings.Contains(fmt.Sprint(e.Properties["distinct_id"]), "@") && len(e.Labels) == 0 {
		return fmt.Errorf("clean event with an e-mail distinct_id")
	}
	_, err := json.Marshal(e)
	return err
}

// maxDepth is how deep Mixpanel's ingestion lets containers nest inside a
// property value.
const maxDepth = 3

// depth counts the containers nested in v (a string is 0, {"a": 1} is 1).
func depth(v any) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		for _, c := range x {
			d = max(d, depth(c))
		}
		return d + 1
	case []any:
		for _, c := range x {
			d = max(d, depth(c))
		}
		return d + 1
	}
	return 0
}
