// Package querytest is the conformance suite of query backends: a shared
// dataset (testdata/dataset.jsonl), query documents with their expected
// results (testdata/cases/*.txt), and differential tests that compare a
// backend with the reference evaluator on random event sets. Each backend's
// tests call Run and Differential.
//
// A case file is: a line "tz <IANA zone>", the query document (JSON), a
// line "----", then the expected result (JSON). Regenerate the expected
// results with the reference evaluator and review the diff:
//
//	go test ./internal/query/reference -run Conformance -update
//
// querytest must not import store, api, server or ingest.
package querytest

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
)

var update = flag.Bool("update", false, "rewrite the expected results of testdata/cases")

//go:embed testdata
var testdata embed.FS

// ProjectID is the project of every event the suite loads.
const ProjectID = 7

// Profile is a user profile: ID is the user (package query's identity
// rule), Props its properties (a JSON object), what a user["x"] filter or
// a breakdown of scope "user" reads.
type Profile struct {
	ID    string
	Props []byte
}

// Data is what a backend under test holds: events (all of project
// ProjectID) and user profiles.
type Data struct {
	Rows     []event.Row
	Profiles []Profile
}

// Open returns a backend holding d.
type Open func(t *testing.T, d Data) query.Backend

// Dataset is the shared dataset: event lines, and profile lines
// {"profile": id, "properties": {...}}.
func Dataset(t testing.TB) Data {
	data, err := testdata.ReadFile("testdata/dataset.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var d Data
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var r struct {
			Time    string          `json:"time"`
			Event   string          `json:"event"`
			ID      string          `json:"distinct_id"`
			Profile string          `json:"profile"`
			Props   json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("dataset line %d: %v", n, err)
		}
		if r.Props == nil {
			r.Props = json.RawMessage("{}")
		}
		if r.Profile != "" {
			d.Profiles = append(d.Profiles, Profile{ID: r.Profile, Props: r.Props})
			continue
		}
		ts, err := time.Parse(time.RFC3339, r.Time)
		if err != nil {
			t.Fatalf("dataset line %d: %v", n, err)
		}
		d.Rows = append(d.Rows, event.Row{ProjectID: ProjectID, Time: ts.UnixMilli(), Name: r.Event, DistinctID: r.ID,
			InsertID: fmt.Sprintf("i%d", n), Props: r.Props})
	}
	return d
}

// Case is one query of the suite.
type Case struct {
	Name     string
	Project  query.Project
	Query    *query.Query
	Expected []byte
}

// Cases reads testdata/cases.
func Cases(t testing.TB) []Case {
	ents, err := testdata.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	var out []Case
	for _, e := range ents {
		data, err := testdata.ReadFile("testdata/cases/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		head, rest, _ := strings.Cut(string(data), "\n")
		doc, want, ok := strings.Cut(rest, "\n----\n")
		if !ok || !strings.HasPrefix(head, "tz ") {
			t.Fatalf("%s: want a tz line, the query, ----, the result", e.Name())
		}
		loc, err := time.LoadLocation(strings.TrimSpace(strings.TrimPrefix(head, "tz ")))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		q, err := query.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		out = append(out, Case{Name: strings.TrimSuffix(e.Name(), ".txt"), Project: query.Project{ID: ProjectID, Location: loc},
			Query: q, Expected: []byte(want)})
	}
	return out
}

// Run checks b's answers to every case. With -update it rewrites the
// expected results with b's answers (run it with the reference evaluator).
func Run(t *testing.T, open Open) {
	b := open(t, Dataset(t))
	for _, c := range Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			res, _, err := query.Run(context.Background(), b, c.Project, c.Query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				path := filepath.Join("..", "querytest", "testdata", "cases", c.Name+".txt")
				old, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				head, _, _ := strings.Cut(string(old), "\n----\n")
				if err := os.WriteFile(path, []byte(head+"\n----\n"+string(got)+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if d := Diff(c.Expected, got); d != "" {
				t.Errorf("result differs: %s\ngot:\n%s", d, got)
			}
		})
	}
}

// Diff compares two JSON results, numbers to a relative 1e-9; "" if equal.
func Diff(want, got []byte) string {
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return "expected: " + err.Error()
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return "got: " + err.Error()
	}
	return diff("$", w, g)
}

func diff(path string, w, g any) string {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			return path + ": not an object"
		}
		for k := range wv {
			if d := diff(path+"."+k, wv[k], gv[k]); d != "" {
				return d
			}
		}
		for k := range gv {
			if _, ok := wv[k]; !ok {
				return path + "." + k + ": unexpected"
			}
		}
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return fmt.Sprintf("%s: want %d elements, got %v", path, len(wv), g)
		}
		for i := range wv {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), wv[i], gv[i]); d != "" {
				return d
			}
		}
	case float64:
		gv, ok := g.(float64)
		if !ok || math.Abs(wv-gv) > 1e-9*math.Max(1, math.Abs(wv)) {
			return fmt.Sprintf("%s: want %v, got %v", path, wv, g)
		}
	default:
		if fmt.Sprint(w) != fmt.Sprint(g) {
			return fmt.Sprintf("%s: want %v, got %v", path, w, g)
		}
	}
	return ""
}
