package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var committed = filepath.Join("..", "..", "testdata", FileName)

// TestCommittedCorpusIsGenerated checks that the committed corpus is what
// the generator writes for the default seed (run `go generate
// ./internal/guard` after changing the generator).
func TestCommittedCorpusIsGenerated(t *testing.T) {
	want, err := Render(Generate(DefaultSeed))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("read the committed corpus: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the generator writes: run go generate ./internal/guard", FileName)
	}
	again, _ := Render(Generate(DefaultSeed))
	if !bytes.Equal(again, want) {
		t.Fatal("the generator is not deterministic")
	}
}

// TestCorpusShape checks the corpus against its own promises: the share of
// sensitive events, every class present, every label's value literally
// present at its path, clean events without labels.
func TestCorpusShape(t *testing.T) {
	data, err := Render(Generate(DefaultSeed))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) < 1900 || len(lines) > 2100 {
		t.Fatalf("%d events, want about 2,000", len(lines))
	}
	perClass := map[string]int{}
	sens := 0
	scenarios := map[string]bool{}
	for i, raw := range lines {
		var ln struct {
			Event      string         `json:"event"`
			Properties map[string]any `json:"properties"`
			Labels     []Label        `json:"labels"`
			Scenario   string         `json:"scenario"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&ln); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		scenarios[ln.Scenario] = true
		if ln.Properties["token"] != Token || ln.Properties["distinct_id"] == nil || ln.Event == "" {
			t.Errorf("line %d: not a Mixpanel event (token, distinct_id, name)", i+1)
		}
		if len(ln.Labels) > 0 {
			sens++
		}
		for k, v := range ln.Properties {
			if d := depth(v); d > 3 {
				t.Errorf("line %d (%s): property %s nests %d deep, beyond Mixpanel's 3", i+1, ln.Scenario, k, d)
			}
		}
		for _, l := range ln.Labels {
			perClass[l.Class]++
			if l.Value == "" || l.Scenario != ln.Scenario {
				t.Errorf("line %d: label at %s has no value or the wrong scenario", i+1, l.Path)
				continue
			}
			found := false
			for _, leaf := range leavesAt(ln.Properties, "", l.Path) {
				if strings.Contains(leaf, l.Value) {
					found = true
				}
			}
			if !found {
				t.Errorf("line %d (%s): the %s value is not at %s", i+1, ln.Scenario, l.Class, l.Path)
			}
		}
	}
	if share := float64(sens) / float64(len(lines)); share < 0.37 || share > 0.45 {
		t.Errorf("%.1f%% of events are sensitive, want about 40%%", 100*share)
	}
	for _, c := range []string{password, card, nationalID, bank, secret, privateKey, credsInURL, formValue, email, phone} {
		if perClass[c] < 20 {
			t.Errorf("only %d labels of class %s", perClass[c], c)
		}
	}
	for _, sc := range append(sensitiveScenarios(), cleanScenarios()...) {
		if !scenarios[sc.name] {
			t.Errorf("scenario %q made no event", sc.name)
		}
	}
	t.Logf("%d events, %d sensitive; labels per class: %v", len(lines), sens, perClass)
}

// leavesAt returns the strings and numbers at a guard-style path (keys
// joined by ".", "[]" for any array element).
func leavesAt(v any, at, path string) []string {
	switch x := v.(type) {
	case map[string]any:
		var out []string
		for k, c := range x {
			p := k
			if at != "" {
				p = at + "." + k
			}
			out = append(out, leavesAt(c, p, path)...)
		}
		return out
	case []any:
		var out []string
		for _, c := range x {
			out = append(out, leavesAt(c, at+"[]", path)...)
		}
		return out
	case string:
		if at == path {
			return []string{x}
		}
	case json.Number:
		if at == path {
			return []string{x.String()}
		}
	}
	return nil
}

// depth is Mixpanel's nesting depth of a property value: 0 for a scalar.
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
