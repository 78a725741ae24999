// Command corpus5gen writes the guard's fifth corpus,
// testdata/corpus5.jsonl: about 3,000 events, some 40% holding a sensitive
// value (labelled with its class, path and value) and the rest clean but
// shaped to deceive. It was written from docs/GUARD.md's class definitions
// and public format facts (check-digit rules of national identifiers, card
// and IBAN formats, vendor token shapes from public secret-scanner rule
// sets, analytics SDK payload shapes) without reading the guard, its tests,
// its data or the other corpus generators. Its domains are healthcare
// intake, HR onboarding, KYC, insurance, checkout, travel, education,
// gaming, IoT pairing, CI/CD and devops, and support chats and reviews in
// many languages. The output is deterministic (fixed seed).
//
//	go run ./internal/corpus5gen -out testdata
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

// Token is the project token every corpus event carries.
const Token = "c5a7e1d3f9b24c6e8a0d1f2e3c4b5a69"

const (
	events        = 3000
	sensitiveRate = 0.40
	seed          = 5
)

type label struct {
	Class    string   `json:"class"`
	Path     string   `json:"path"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt,omitempty"`
	Scenario string   `json:"scenario"`
}

type line struct {
	Event      string         `json:"event"`
	Properties map[string]any `json:"properties"`
	Labels     []label        `json:"labels"`
	Scenario   string         `json:"scenario"`
}

type gen struct {
	r   *rand.Rand
	n   int
	cur *line
}

// scenario fills an event; sensitive ones add labels.
type scenario struct {
	name string
	fn   func(g *gen, p map[string]any)
}

func main() {
	out := flag.String("out", "testdata", "directory to write corpus5.jsonl into")
	flag.Parse()
	data, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus5gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, "corpus5.jsonl"), data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "corpus5gen:", err)
		os.Exit(1)
	}
}

// generate returns the corpus text.
func generate() ([]byte, error) {
	g := &gen{r: rand.New(rand.NewSource(seed))}
	sens, clean := sensitiveScenarios(), cleanScenarios()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	si, ci := 0, 0
	for i := 0; i < events; i++ {
		var sc scenario
		wantSensitive := g.r.Float64() < sensitiveRate
		if wantSensitive {
			sc = sens[si%len(sens)]
			si++
		} else {
			sc = clean[ci%len(clean)]
			ci++
		}
		g.n = i
		ln := &line{Scenario: sc.name, Labels: []label{}}
		g.cur = ln
		p := g.base()
		ln.Event = "event"
		sc.fn(g, p)
		ln.Properties = p
		if wantSensitive != (len(ln.Labels) > 0) {
			return nil, fmt.Errorf("scenario %s: sensitive=%v but %d labels", sc.name, wantSensitive, len(ln.Labels))
		}
		for _, l := range ln.Labels {
			if l.Value == "" {
				return nil, fmt.Errorf("scenario %s: empty labelled value", sc.name)
			}
			if len(l.Value) < 8 && !strings.Contains(fmt.Sprint(lookup(p, l.Path)), l.Value) {
				return nil, fmt.Errorf("scenario %s: short value not at its path %s", sc.name, l.Path)
			}
		}
		if err := enc.Encode(ln); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// lookup returns what is at a label path ("a.b[]" collects array elements).
func lookup(v any, path string) any {
	if path == "" {
		return v
	}
	if strings.HasPrefix(path, "[]") {
		arr, _ := v.([]any)
		var out []any
		for _, e := range arr {
			out = append(out, lookup(e, strings.TrimPrefix(strings.TrimPrefix(path, "[]"), ".")))
		}
		return out
	}
	key, rest := path, ""
	if i := strings.IndexAny(path, ".["); i >= 0 {
		key, rest = path[:i], strings.TrimPrefix(path[i:], ".")
	}
	m, _ := v.(map[string]any)
	return lookup(m[key], rest)
}

// base returns the properties every event has.
func (g *gen) base() map[string]any {
	libs := [][2]string{{"web", "2.55.0"}, {"android", "7.5.2"}, {"iphone", "4.3.0"}, {"react-native", "3.0.6"}, {"flutter", "2.8.1"}, {"python", "4.10.1"}}
	lib := libs[g.r.Intn(len(libs))]
	return map[string]any{
		"token":        Token,
		"distinct_id":  fmt.Sprintf("u-%05d-%s", g.n, g.alnumLower(6)),
		"time":         1793000000 + g.n*613,
		"mp_lib":       lib[0],
		"$lib_version": lib[1],
	}
}

// name sets the event name.
func (g *gen) name(s string) { g.cur.Event = s }

// label records a sensitive value at a path.
func (g *gen) label(class, path, value string, alt ...string) string {
	g.cur.Labels = append(g.cur.Labels, label{Class: class, Path: path, Value: value, Alt: alt, Scenario: g.cur.Scenario})
	return value
}

func (g *gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexLower   = "0123456789abcdef"
	b64chars   = alnum + "+/"
	urlB64     = alnum + "-_"
)

func (g *gen) from(alpha string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[g.r.Intn(len(alpha))]
	}
	return string(b)
}

func (g *gen) alnum(n int) string      { return g.from(alnum, n) }
func (g *gen) alnumLower(n int) string { return g.from(lowerAlnum, n) }
func (g *gen) hex(n int) string        { return g.from(hexLower, n) }

// mixed returns an alphanumeric string with at least one upper, one lower
// letter and one digit (so it reads as random, not as a word).
func (g *gen) mixed(n int) string {
	for {
		s := g.alnum(n)
		if strings.ContainsAny(s, "0123456789") && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") {
			return s
		}
	}
}

func (g *gen) uuid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[g.r.Intn(4)]) + h[17:20] + "-" + h[20:]
}

// password returns a password a person would pick: mixed letters, digits
// and punctuation, 10 to 16 characters.
func (g *gen) password() string {
	words := []string{"Sunflower", "Tr0ub4dor", "Kangaroo", "Mariposa", "Zebra", "Velvet", "Orca", "Lighthouse", "Quokka", "Nebula", "Saffron", "Pelican"}
	syms := []string{"!", "#", "$", "%", "&", "*", "?", "@", "_", "-", "."}
	switch g.r.Intn(3) {
	case 0:
		return g.pick(words...) + g.digits(2+g.r.Intn(3)) + g.pick(syms...)
	case 1:
		return g.pick(words...) + g.pick(syms...) + g.pick(words...) + g.digits(2)
	default:
		return g.mixed(8) + g.pick(syms...) + g.digits(2)
	}
}
