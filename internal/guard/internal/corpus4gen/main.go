// Command corpus4gen writes the guard's fourth corpus, corpus4.jsonl:
// Mixpanel /import events, about 40% holding labelled sensitive values and
// the rest clean values chosen to look sensitive.
//
// It was written from docs/GUARD.md's class definitions and public format
// descriptions only (check digits, vendor token shapes as public
// secret-scanner rule sets give them, SDK payload shapes), without reading
// the guard, its tests, its data or the other corpus generators, and it
// imports nothing of Sieve. It favours payload kinds no issue names: mobile
// SDK payloads, GraphQL variables, header dumps, cookies, environment dumps,
// stack traces and log lines, SQL, YAML/TOML/INI/XML/CSV in strings, form
// bodies, deep nesting, arrays of pairs, keys in other languages and
// scripts, layered encodings, split values, chat messages, feedback forms
// and search queries.
//
// The output is deterministic: the same binary writes the same file.
//
//	go run ./internal/guard/internal/corpus4gen -out internal/guard/testdata
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

// Token is the project token of every event (the test compiles the policy for it).
const Token = "4c0f2d9e8b7a41c3a5e6d7f8091a2b3c"

// Events is how many events the corpus holds.
const Events = 3000

// sensitiveShare is the share of events with a labelled value, in percent.
const sensitiveShare = 40

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

// ev is an event being built.
type ev struct {
	name   string
	p      map[string]any
	labels []label
}

// lab labels value, as it appears in the decoded event, at path (keys
// joined by dots, [] for an array element).
func (e *ev) lab(class, path, value string, alt ...string) {
	e.labels = append(e.labels, label{Class: class, Path: path, Value: value, Alt: alt})
}

type scenario struct {
	name string
	fn   func(r *rand.Rand, e *ev)
}

func main() {
	out := flag.String("out", "testdata", "directory to write corpus4.jsonl into")
	flag.Parse()
	if err := selfCheck(); err != nil {
		fmt.Fprintln(os.Stderr, "corpus4gen:", err)
		os.Exit(1)
	}
	data, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus4gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, "corpus4.jsonl"), data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "corpus4gen:", err)
		os.Exit(1)
	}
}

// generate returns the corpus.
func generate() ([]byte, error) {
	r := rand.New(rand.NewSource(20261203))
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	sens, clean := sensitiveScenarios(), cleanScenarios()
	si, ci := 0, 0
	for i := range Events {
		var sc scenario
		if r.Intn(100) < sensitiveShare {
			sc = sens[si%len(sens)]
			si++
		} else {
			sc = clean[ci%len(clean)]
			ci++
		}
		e := &ev{p: map[string]any{}}
		base(r, e)
		sc.fn(r, e)
		if e.name == "" {
			e.name = "Event"
		}
		for j := range e.labels {
			e.labels[j].Scenario = sc.name
		}
		if e.labels == nil {
			e.labels = []label{}
		}
		ln := line{Event: e.name, Properties: e.p, Labels: e.labels, Scenario: sc.name}
		b, err := marshal(ln)
		if err != nil {
			return nil, err
		}
		if err := checkLine(b); err != nil {
			return nil, fmt.Errorf("event %d [%s]: %v", i+1, sc.name, err)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	w.Flush()
	return buf.Bytes(), nil
}

// marshal encodes v as JSON without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// js returns v as a JSON text (a stringified value).
func js(v any) string {
	b, err := marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// esc returns s as it appears inside a JSON string literal.
func esc(s string) string {
	q := js(s)
	return q[1 : len(q)-1]
}

// checkLine decodes a written line and checks what the scorer relies on:
// each labelled value is in the event (a short one at its own path), the
// nesting is within Mixpanel's 3 levels, and a labelled event has labels.
func checkLine(b []byte) error {
	var ln struct {
		Properties map[string]any `json:"properties"`
		Labels     []label        `json:"labels"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&ln); err != nil {
		return err
	}
	type leaf struct{ path, text string }
	var leaves []leaf
	var walk func(v any, path string, depth int) error
	walk = func(v any, path string, depth int) error {
		switch x := v.(type) {
		case map[string]any:
			if depth >= 3 {
				return fmt.Errorf("%s is nested too deep", path)
			}
			for k, c := range x {
				leaves = append(leaves, leaf{"", k})
				p := k
				if path != "" {
					p = path + "." + k
				}
				if err := walk(c, p, depth+1); err != nil {
					return err
				}
			}
		case []any:
			if depth >= 3 {
				return fmt.Errorf("%s is nested too deep", path)
			}
			for _, c := range x {
				if err := walk(c, path+"[]", depth+1); err != nil {
					return err
				}
			}
		case string:
			leaves = append(leaves, leaf{path, x})
		default:
			leaves = append(leaves, leaf{path, strings.TrimSuffix(fmt.Sprint(js(x)), "\n")})
		}
		return nil
	}
	for k, v := range ln.Properties {
		leaves = append(leaves, leaf{"", k})
		if err := walk(v, k, 0); err != nil {
			return err
		}
	}
	for _, l := range ln.Labels {
		if l.Value == "" {
			return fmt.Errorf("an empty %s label at %s", l.Class, l.Path)
		}
		found := false
		for _, lf := range leaves {
			if (len(l.Value) >= 8 || lf.path == l.Path) && strings.Contains(lf.text, l.Value) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("the %s label at %s is not in the event", l.Class, l.Path)
		}
	}
	return nil
}

// selfCheck runs the check-digit code on published examples.
func selfCheck() error {
	checks := []struct {
		name string
		ok   bool
	}{
		{"Luhn 4111111111111111", luhnValid("4111111111111111")},
		{"Luhn 378282246310005", luhnValid("378282246310005")},
		{"Luhn rejects 4111111111111112", !luhnValid("4111111111111112")},
		{"IBAN GB82WEST12345698765432", ibanValid("GB82WEST12345698765432")},
		{"IBAN DE89370400440532013000", ibanValid("DE89370400440532013000")},
		{"IBAN check digits of DE...370400440532013000", ibanCheck("DE", "370400440532013000") == "89"},
		{"ABA 021000021", abaValid("021000021")},
		{"ABA 011000015", abaValid("011000015")},
		{"BSN 111222333", elevenTest("111222333")},
		{"CPF 529.982.247-25", cpfDigit("529982247") == "2" && cpfDigit("5299822472") == "5"},
		{"codice fiscale RSSMRA85T10A562S", cfCheck("RSSMRA85T10A562") == 'S'},
		{"Verhoeff 2363", verhoeffDigit("236") == '3' && verhoeffValid("2363")},
		{"PRC ID 11010519491231002X", prcCheck("11010519491231002") == 'X'},
		{"personnummer 811218-9876", luhnDigit("811218987") == '6'},
		{"SIN 046 454 286", luhnValid("046454286")},
		{"HETU 131052-308T", hetuCheck("131052308") == 'T'},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("self-check failed: %s", c.name)
		}
	}
	return nil
}
