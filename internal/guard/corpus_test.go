package guard

//go:generate go run ./internal/corpusgen -out testdata

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// The labelled corpus (testdata/corpus_*.jsonl, see testdata/CORPUS.md) is
// the guard's yardstick: per-class recall on labelled sensitive values and
// the false-positive rate on clean events. It is generated independently of
// the detectors by internal/corpusgen; do not tune against the held-out split.

var (
	corpusFile    = flag.String("corpus.file", "", "score this JSONL corpus instead of testdata/corpus_*.jsonl")
	corpusDetails = flag.Bool("corpus.details", false, "list misses and false positives of the held-out split too")
)

const (
	// corpusToken is the project token the corpus events carry.
	corpusToken     = "7c1e4a2b9d3f40e58a6b2c0d1e9f8a37"
	corpusMinRecall = 0.99
	corpusMaxFPRate = 0.005
)

var criticalCorpusClasses = []string{"password", "payment_card", "national_id", "bank_account", "secret_token", "private_key", "credentials_in_url"}

type corpusLabel struct {
	Path     string   `json:"path"`
	Class    string   `json:"class"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt"`
	Scenario string   `json:"scenario"`
}

type corpusLine struct {
	Event      string          `json:"event"`
	Properties json.RawMessage `json:"properties"`
	Labels     []corpusLabel   `json:"labels"`
}

type corpusClassScore struct {
	labels, detected, viaAlt int
}

type corpusMiss struct {
	line        int
	path, class string
	scenario    string
	reason      string
	valueLen    int
}

type corpusFP struct {
	line                  int
	event                 string
	path, class, detector string
}

type corpusResult struct {
	name          string
	events, clean int
	cleanFlagged  int
	classes       map[string]*corpusClassScore
	misses        []corpusMiss
	fps           []corpusFP
	extra         map[string]int // findings on positive events at unlabelled paths, by class
}

// corpusChecker and corpusRun are the only places that touch the
// guard's API.
func corpusChecker(t *testing.T) *Checker {
	t.Helper()
	c, err := New().Compile(DefaultPolicy(), corpusToken, []byte("corpus-test-hash-key"))
	if err != nil {
		t.Fatalf("compile the default policy: %v", err)
	}
	return c
}

func corpusRun(c *Checker, ev *event.Event, a *fastjson.Arena) ([]event.Finding, bool) {
	return c.Event(ev, a, nil)
}

func TestCorpus(t *testing.T) {
	files := []string{filepath.Join("testdata", "corpus_tune.jsonl"), filepath.Join("testdata", "corpus_heldout.jsonl")}
	if *corpusFile != "" {
		files = []string{*corpusFile}
	}
	c := corpusChecker(t)
	for _, f := range files {
		res := corpusScore(t, c, f)
		heldout := strings.Contains(filepath.Base(f), "heldout")
		res.report(t, !heldout || *corpusDetails || *corpusFile != "")
		res.enforce(t)
	}
}

// corpusScore runs every event of a JSONL corpus through the checker.
func corpusScore(t *testing.T, c *Checker, file string) *corpusResult {
	t.Helper()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer fh.Close()
	res := &corpusResult{name: filepath.Base(file), classes: map[string]*corpusClassScore{}, extra: map[string]int{}}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var p fastjson.Parser
	var arena fastjson.Arena
	n := 0
	for sc.Scan() {
		n++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var ln corpusLine
		if err := json.Unmarshal(sc.Bytes(), &ln); err != nil {
			// The decoder's message could quote input: say only where.
			t.Fatalf("%s line %d: not a corpus line (want JSON with event, properties, labels)", res.name, n)
		}
		props, err := p.ParseBytes(ln.Properties)
		if err != nil || props.Type() != fastjson.TypeObject {
			t.Fatalf("%s line %d: properties is not a JSON object", res.name, n)
		}
		ev := corpusEvent(ln.Event, props)
		// Labels without a value (an external corpus) stand for every
		// string at their path in the event as sent.
		labels := ln.Labels
		for i := range labels {
			if labels[i].Value == "" {
				labels[i].Value = strings.Join(corpusLeafTexts(props, labels[i].Path), "\x00")
			}
		}
		arena.Reset()
		findings, drop := corpusRun(c, &ev, &arena)
		res.events++
		if len(labels) == 0 {
			res.clean++
			if len(findings) > 0 || drop {
				res.cleanFlagged++
				for _, f := range findings {
					res.fps = append(res.fps, corpusFP{line: n, event: ev.Name, path: f.Path, class: f.Class, detector: f.Detector})
				}
				if len(findings) == 0 {
					res.fps = append(res.fps, corpusFP{line: n, event: ev.Name}.withDrop())
				}
			}
			continue
		}
		var kept []string
		if !drop {
			kept = corpusAllTexts(ev.Props, nil)
		}
		labelled := map[string]bool{}
		for _, l := range labels {
			labelled[l.Path] = true
			cs := res.classes[l.Class]
			if cs == nil {
				cs = &corpusClassScore{}
				res.classes[l.Class] = cs
			}
			cs.labels++
			exact, alt, other := false, false, ""
			for _, f := range findings {
				if f.Path != l.Path {
					continue
				}
				switch {
				case f.Class == l.Class:
					exact = true
				case corpusContains(l.Alt, f.Class):
					alt = true
				default:
					other = f.Class
				}
			}
			miss := corpusMiss{line: n, path: l.Path, class: l.Class, scenario: l.Scenario, valueLen: len(l.Value)}
			switch {
			case !exact && !alt && other != "":
				miss.reason = "found as class " + other
			case !exact && !alt:
				miss.reason = "no finding at this path"
			case corpusCritical(l.Class) && !drop && corpusValueSurvives(l.Value, kept):
				miss.reason = "finding recorded but the value is still in the event"
			}
			if miss.reason != "" {
				res.misses = append(res.misses, miss)
				continue
			}
			cs.detected++
			if !exact {
				cs.viaAlt++
			}
		}
		for _, f := range findings {
			if !labelled[f.Path] {
				res.extra[f.Class]++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	return res
}

func (fp corpusFP) withDrop() corpusFP {
	fp.path, fp.class, fp.detector = "(event)", "(dropped without a finding)", ""
	return fp
}

// corpusEvent builds the event the ingest path hands the guard: like
// wire/mixpanel.DecodeEvent, it lifts token, distinct_id, time and
// $insert_id out of the properties.
func corpusEvent(name string, props *fastjson.Value) event.Event {
	ev := event.Event{ProjectID: 1, Name: name, Props: props}
	if v := props.Get("distinct_id"); v != nil {
		if v.Type() == fastjson.TypeString {
			ev.DistinctID = string(v.GetStringBytes())
		} else {
			ev.DistinctID = v.String()
		}
	}
	if v := props.Get("time"); v != nil {
		f := v.GetFloat64()
		if f < 1e11 {
			f *= 1000
		}
		ev.Time = int64(f)
	}
	ev.InsertID = string(props.GetStringBytes("$insert_id"))
	ev.Lib = string(props.GetStringBytes("mp_lib"))
	if ev.Lib == "" {
		ev.Lib = string(props.GetStringBytes("$lib"))
	}
	ev.LibVersion = string(props.GetStringBytes("$lib_version"))
	o := props.GetObject()
	for _, k := range []string{"token", "distinct_id", "time", "$insert_id"} {
		o.Del(k)
	}
	return ev
}

func corpusCritical(c string) bool { return corpusContains(criticalCorpusClasses, c) }

func corpusContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// corpusValueSurvives reports whether a labelled value, or for a long one its
// middle part (a redaction that kept both ends would leak it), is still in
// any string or number of the guarded event. "\x00" separates alternatives.
func corpusValueSurvives(value string, kept []string) bool {
	for _, v := range strings.Split(value, "\x00") {
		if len(v) < 3 {
			continue
		}
		probes := []string{v}
		if len(v) >= 32 {
			probes = append(probes, v[len(v)/2-8:len(v)/2+8])
		}
		for _, p := range probes {
			for _, k := range kept {
				if strings.Contains(k, p) {
					return true
				}
			}
		}
	}
	return false
}

// corpusAllTexts returns every object key, string (decoded) and number of v.
func corpusAllTexts(v *fastjson.Value, out []string) []string {
	switch v.Type() {
	case fastjson.TypeObject:
		v.GetObject().Visit(func(k []byte, c *fastjson.Value) {
			out = append(out, string(k))
			out = corpusAllTexts(c, out)
		})
	case fastjson.TypeArray:
		for _, c := range v.GetArray() {
			out = corpusAllTexts(c, out)
		}
	case fastjson.TypeString:
		out = append(out, string(v.GetStringBytes()))
	default:
		out = append(out, v.String())
	}
	return out
}

// corpusLeafTexts returns the strings and numbers found at a guard-style path.
func corpusLeafTexts(v *fastjson.Value, path string) []string {
	var out []string
	var walk func(v *fastjson.Value, p string)
	walk = func(v *fastjson.Value, p string) {
		switch v.Type() {
		case fastjson.TypeObject:
			v.GetObject().Visit(func(k []byte, c *fastjson.Value) {
				np := string(k)
				if p != "" {
					np = p + "." + np
				}
				walk(c, np)
			})
		case fastjson.TypeArray:
			for _, c := range v.GetArray() {
				walk(c, p+"[]")
			}
		case fastjson.TypeString:
			if p == path {
				out = append(out, string(v.GetStringBytes()))
			}
		case fastjson.TypeNumber:
			if p == path {
				out = append(out, v.String())
			}
		}
	}
	walk(v, "")
	return out
}

func (r *corpusResult) report(t *testing.T, details bool) {
	t.Helper()
	var sb strings.Builder
	fmt.Fprintf(&sb, "corpus %s: %d events, %d clean\n", r.name, r.events, r.clean)
	fmt.Fprintf(&sb, "  %-20s %7s %9s %7s %8s\n", "class", "labels", "detected", "recall", "via-alt")
	classes := make([]string, 0, len(r.classes))
	for c := range r.classes {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		s := r.classes[c]
		fmt.Fprintf(&sb, "  %-20s %7d %9d %7.3f %8d\n", c, s.labels, s.detected, s.recall(), s.viaAlt)
	}
	fmt.Fprintf(&sb, "  false positives: %d of %d clean events (%.2f%%)\n", r.cleanFlagged, r.clean, 100*r.fpRate())
	if len(r.extra) > 0 {
		fmt.Fprintf(&sb, "  findings at unlabelled paths of positive events (not scored):")
		for _, c := range corpusSortedKeys(r.extra) {
			fmt.Fprintf(&sb, " %s=%d", c, r.extra[c])
		}
		sb.WriteString("\n")
	}
	if details {
		const maxListed = 150
		for i, m := range r.misses {
			if i == maxListed {
				fmt.Fprintf(&sb, "  ... and %d more misses\n", len(r.misses)-maxListed)
				break
			}
			fmt.Fprintf(&sb, "  miss line %d: %s %s [%s] %s (value: %d bytes)\n", m.line, m.path, m.class, m.scenario, m.reason, m.valueLen)
		}
		for i, f := range r.fps {
			if i == maxListed {
				fmt.Fprintf(&sb, "  ... and %d more false-positive findings\n", len(r.fps)-maxListed)
				break
			}
			fmt.Fprintf(&sb, "  false positive line %d (%s): %s %s by %s\n", f.line, f.event, f.path, f.class, f.detector)
		}
	} else if len(r.misses)+len(r.fps) > 0 {
		fmt.Fprintf(&sb, "  %d misses and %d false-positive findings not listed: held-out split (use -corpus.details)\n", len(r.misses), len(r.fps))
	}
	t.Log(sb.String())
}

func (r *corpusResult) enforce(t *testing.T) {
	t.Helper()
	for _, c := range criticalCorpusClasses {
		s := r.classes[c]
		if s == nil || s.labels == 0 {
			if *corpusFile == "" {
				t.Errorf("%s: no labelled %s values", r.name, c)
			}
			continue
		}
		if s.recall() < corpusMinRecall {
			t.Errorf("%s: recall of %s is %.3f (%d of %d), below %.2f", r.name, c, s.recall(), s.detected, s.labels, corpusMinRecall)
		}
	}
	if r.fpRate() > corpusMaxFPRate {
		t.Errorf("%s: %.2f%% of clean events have findings (%d of %d), above %.1f%%", r.name, 100*r.fpRate(), r.cleanFlagged, r.clean, 100*corpusMaxFPRate)
	}
}

func (s *corpusClassScore) recall() float64 {
	if s.labels == 0 {
		return 0
	}
	return float64(s.detected) / float64(s.labels)
}

func (r *corpusResult) fpRate() float64 {
	if r.clean == 0 {
		return 0
	}
	return float64(r.cleanFlagged) / float64(r.clean)
}

func corpusSortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
