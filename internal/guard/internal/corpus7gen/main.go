// Command corpus7gen writes testdata/corpus7.jsonl, the seventh labelled
// corpus of the guard (issue 13): mostly clean traffic.
//
// It was written from docs/GUARD.md's class definitions ("Classes and
// default actions", "Public identifier or secret: the rules", "What is
// deliberately not detected") and public documentation of real payloads
// (analytics SDKs, Sentry, Stripe, Shopify, GitHub, Twilio, HubSpot,
// Intercom and Zendesk webhooks, OpenTelemetry attributes, The Things
// Network uplinks, Snowplow's tracker protocol, GA4, carriers' tracking
// number layouts, EAN/ISBN/IMEI/ICCID check digits), without reading the
// guard, its tests or its data. Its aim is the clean side: at least 85% of
// its events carry nothing sensitive, and most of those hold values that
// merely look random or look like a sensitive kind (ids of every common
// shape, hashes, signatures that are public, tracking and order numbers,
// Luhn-valid device numbers, public bank codes, masked card numbers,
// pagination cursors, multilingual text). The rest carry one sensitive
// value of each critical class in plain positions, so the scorer has every
// class to count.
//
// It imports only the standard library and uses a fixed seed: two runs
// write the same bytes. Each line is {"event", "properties", "labels",
// "scenario"}; a label is {"path", "class", "value", "alt", "scenario"}
// where path joins object keys with "." and writes "[]" for any array
// element, and value is the part that must be gone, exactly as it appears
// in the decoded string at that path. Clean events have no labels.
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
const Token = "d7a3f1c9e2b84d5a9c0e6f7a8b9c0d1e"

const (
	seed      = 20261207
	events    = 3600
	sensShare = 0.12
)

type label struct {
	Path     string   `json:"path"`
	Class    string   `json:"class"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt,omitempty"`
	Scenario string   `json:"scenario"`
}

// check is a value the generator's test runs through its format's check:
// valid ones must pass, look-alikes must fail.
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

// set sets a property.
func (e *ev) set(k string, v any) { e.Properties[k] = v }

type gen struct {
	r *rand.Rand
	n int
}

type scenario struct {
	name string
	fn   func(g *gen, e *ev)
}

func main() {
	out := flag.String("out", "testdata", "directory to write corpus7.jsonl into")
	stats := flag.Bool("stats", false, "print event counts per scenario and label counts per class")
	flag.Parse()
	evs := generate()
	data, err := encode(evs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus7gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, "corpus7.jsonl"), data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "corpus7gen:", err)
		os.Exit(1)
	}
	if *stats {
		printStats(evs)
	}
}

func printStats(evs []*ev) {
	classes, scen := map[string]int{}, map[string]int{}
	sens := 0
	for _, e := range evs {
		scen[e.Scenario]++
		if len(e.Labels) > 0 {
			sens++
		}
		for _, l := range e.Labels {
			classes[l.Class]++
		}
	}
	fmt.Printf("%d events, %d sensitive\n", len(evs), sens)
	for _, m := range []map[string]int{classes, scen} {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			fmt.Printf("%-36s %d\n", k, m[k])
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

// verify checks that each label's value occurs at its path and, when 8
// bytes or longer, at no unlabelled path; that a clean event holds no
// e-mail address; and that the event encodes as JSON.
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
		if d := depth(v); d > 3 {
			return fmt.Errorf("%s nests %d containers: Mixpanel's /import takes 3", k, d)
		}
	}
	if len(e.Labels) == 0 {
		for _, lf := range ls {
			if emailLike(lf.text) {
				return fmt.Errorf("clean event with an e-mail address at %s", lf.path)
			}
		}
	}
	_, err := json.Marshal(e)
	return err
}

// emailLike reports whether s holds local@domain.tld (a domain with an
// alphabetic last label).
func emailLike(s string) bool {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		if i > 0 && isWordByte(s[i-1]) {
			j := i + 1
			for j < len(s) && (isWordByte(s[j]) || s[j] == '.' || s[j] == '-') {
				j++
			}
			dom := strings.TrimRight(s[i+1:j], ".")
			if k := strings.LastIndexByte(dom, '.'); k > 0 && len(dom)-k > 2 && strings.Trim(dom[k+1:], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
				return true
			}
		}
		k := strings.IndexByte(s[i+1:], '@')
		if k < 0 {
			return false
		}
		i += 1 + k
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-'
}

// depth counts the containers nested in v, v included.
func depth(v any) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		for _, c := range x {
			d = max(d, depth(c))
		}
	case []any:
		for _, c := range x {
			d = max(d, depth(c))
		}
	case []map[string]any:
		for _, c := range x {
			d = max(d, depth(c))
		}
	case []string:
	default:
		return 0
	}
	return d + 1
}
