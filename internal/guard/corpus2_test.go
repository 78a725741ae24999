package guard_test

//go:generate go run ./internal/corpus2gen -out testdata

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
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/wire/mixpanel"
)

// The second corpus (testdata/corpus2.jsonl, made by internal/corpus2gen)
// was written from docs/GUARD.md's class definitions and public format
// documentation, without reading the detectors: it measures the guard on
// data it was not tuned on. Do not tune the guard on its samples; read the
// kinds of misses this test logs instead.
//
// Each event goes through the ingest path's decoder and the default
// policy's Checker.Event. A labelled value of a critical class is caught
// when it is no longer anywhere in the cleaned event (any string, key or
// number, and for long values their middle 16 bytes; a value shorter than 8
// bytes only at its own path) or the event was dropped. E-mail and phone are kept by default, so they are caught when a
// finding of their class names their path. A clean event is a false
// positive when the guard changed it in any way (the ip property aside: the
// project's store_ip setting decides about it, not the guard) or dropped it.

// The goal (issue 13): recall >= 0.99 on every critical class, false
// positives on at most 0.5% of clean events.
const (
	corpus2GoalRecall = 0.99
	corpus2GoalFPRate = 0.005
)

// The thresholds the test enforces. The guard does not reach the goal yet,
// so for now the test fails only when scoring itself breaks; raise these to
// the goal constants when it does (-corpus2.goal checks the goal today).
var (
	corpus2MinRecall = 0.0
	corpus2MaxFPRate = 1.0
)

var (
	corpus2Details = flag.Bool("corpus2.details", false, "list each miss and false positive of corpus2 (line, path, class, kind; never the value)")
	corpus2Goal    = flag.Bool("corpus2.goal", false, "fail below the goal on corpus2 instead of below the current thresholds")
)

const (
	corpus2File  = "corpus2.jsonl"
	corpus2Token = "b5e0c3f7a91d4e2688c4f0a1d2e3b4c5" // corpus2gen.Token
)

var corpus2Critical = []string{"password", "payment_card", "national_id", "bank_account", "secret_token", "private_key", "credentials_in_url", "form_value"}

type corpus2Label struct {
	Path     string   `json:"path"`
	Class    string   `json:"class"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt"`
	Scenario string   `json:"scenario"`
}

type corpus2Line struct {
	Event      string          `json:"event"`
	Properties json.RawMessage `json:"properties"`
	Labels     []corpus2Label  `json:"labels"`
	Scenario   string          `json:"scenario"`
}

type corpus2Score struct {
	labels, caught, named int
}

type corpus2Result struct {
	file                                 string
	listDetails                          bool
	events, clean, changed, withFindings int
	classes                              map[string]*corpus2Score
	missKinds                            map[string]int // class / scenario
	fpKinds                              map[string]int // scenario / class by detector
	details                              []string
}

func TestCorpus2(t *testing.T) {
	c := corpus2Checker(t)
	res := scoreCorpus2(t, c)
	t.Log(res.report())
	minRecall, maxFP := corpus2MinRecall, corpus2MaxFPRate
	if *corpus2Goal {
		minRecall, maxFP = corpus2GoalRecall, corpus2GoalFPRate
	}
	for _, cl := range corpus2Critical {
		s := res.classes[cl]
		if s == nil || s.labels == 0 {
			t.Errorf("no labelled %s values: the corpus is broken", cl)
			continue
		}
		if r := float64(s.caught) / float64(s.labels); r < minRecall {
			t.Errorf("recall of %s is %.3f (%d of %d), below %.2f", cl, r, s.caught, s.labels, minRecall)
		}
	}
	if r := res.fpRate(); r > maxFP {
		t.Errorf("%.2f%% of clean events were changed (%d of %d), above %.1f%%", 100*r, res.changed, res.clean, 100*maxFP)
	}
}

func corpus2Checker(t *testing.T) *guard.Checker {
	t.Helper()
	return corpusChecker(t, corpus2Token)
}

// corpusChecker compiles the default policy for a corpus's project token.
func corpusChecker(t *testing.T, token string) *guard.Checker {
	t.Helper()
	c, err := guard.New().Compile(guard.DefaultPolicy(), token, []byte("corpus2-test-hash-key"))
	if err != nil {
		t.Fatalf("compile the default policy: %v", err)
	}
	return c
}

func scoreCorpus2(t *testing.T, c *guard.Checker) *corpus2Result {
	t.Helper()
	return scoreCorpusFile(t, c, corpus2File, *corpus2Details)
}

// scoreCorpusFile scores a corpus in corpus2's format (testdata/file).
func scoreCorpusFile(t *testing.T, c *guard.Checker, file string, details bool) *corpus2Result {
	t.Helper()
	res := &corpus2Result{file: file, listDetails: details, classes: map[string]*corpus2Score{}, missKinds: map[string]int{}, fpKinds: map[string]int{}}
	var snap fastjson.Parser
	var arena fastjson.Arena
	forEachCorpusFile(t, file, func(n int, ln *corpus2Line, ev *event.Event) {
		before := corpus2Leaves(ev)
		for _, l := range ln.Labels {
			if !corpus2Holds(before, l) {
				t.Fatalf("line %d: the %s value labelled at %s is not in the decoded event: the corpus or the scorer is broken", n, l.Class, l.Path)
			}
		}
		beforeText := string(ev.Props.MarshalTo(nil))
		name, distinct, insertID := ev.Name, ev.DistinctID, ev.InsertID
		arena.Reset()
		findings, drop := c.Event(ev, &arena, nil)
		res.events++

		if len(ln.Labels) == 0 {
			res.clean++
			if len(findings) > 0 {
				res.withFindings++
			}
			if drop || ev.Name != name || ev.DistinctID != distinct || ev.InsertID != insertID || withoutIP(&snap, beforeText) != withoutIP(&snap, string(ev.Props.MarshalTo(nil))) {
				res.changed++
				kinds := corpus2FindingKinds(findings, drop)
				res.fpKinds[ln.Scenario+" / "+kinds]++
				res.details = append(res.details, fmt.Sprintf("false positive line %d [%s]: %s at %s", n, ln.Scenario, kinds, corpus2Paths(findings)))
			}
			return
		}
		var after []corpus2Leaf
		if !drop {
			after = corpus2Leaves(ev)
		}
		for _, l := range ln.Labels {
			s := res.classes[l.Class]
			if s == nil {
				s = &corpus2Score{}
				res.classes[l.Class] = s
			}
			s.labels++
			named := false
			for _, f := range findings {
				if f.Path == l.Path && (f.Class == l.Class || contains(l.Alt, f.Class)) {
					named = true
				}
			}
			if named {
				s.named++
			}
			caught := drop || !corpus2Holds(after, l)
			if !guard.Critical(guard.Class(l.Class)) {
				caught = named // kept by default: a finding is what is asked
			}
			if caught {
				s.caught++
				continue
			}
			reason := "no finding at the path"
			for _, f := range findings {
				if f.Path == l.Path {
					reason = "finding " + f.Class + " by " + f.Detector + " but the value survives"
				}
			}
			res.missKinds[l.Class+" / "+l.Scenario]++
			res.details = append(res.details, fmt.Sprintf("miss line %d [%s]: %s at %s, %s (value: %d bytes)", n, l.Scenario, l.Class, l.Path, reason, len(l.Value)))
		}
	})
	return res
}

// forEachCorpus2 decodes each corpus line as /import does and hands it to fn.
func forEachCorpus2(t *testing.T, fn func(n int, ln *corpus2Line, ev *event.Event)) {
	t.Helper()
	forEachCorpusFile(t, corpus2File, fn)
}

// forEachCorpusFile does what forEachCorpus2 does for testdata/file.
func forEachCorpusFile(t *testing.T, file string, fn func(n int, ln *corpus2Line, ev *event.Event)) {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatalf("open the corpus: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var p fastjson.Parser
	n := 0
	for sc.Scan() {
		n++
		var ln corpus2Line
		if err := json.Unmarshal(sc.Bytes(), &ln); err != nil {
			t.Fatalf("line %d: not a corpus line", n) // the decoder's message could quote a value
		}
		obj, err := p.Parse(`{"event":` + jsonQuote(ln.Event) + `,"properties":` + string(ln.Properties) + `}`)
		if err != nil {
			t.Fatalf("line %d: properties are not JSON", n)
		}
		ev, _, ignored, rerr := mixpanel.DecodeEvent(obj, mixpanel.Options{Endpoint: mixpanel.Import, Now: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)})
		if rerr != nil || ignored {
			t.Fatalf("line %d: the decoder refuses the event (%v): the corpus is broken", n, rerr) // its messages hold no values
		}
		ev.ProjectID = 1
		fn(n, &ln, &ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read the corpus: %v", err)
	}
	if n == 0 {
		t.Fatal("the corpus is empty")
	}
}

// corpus2Leaf is a string, key or number of an event and the path of the
// property holding it (keys have no path).
type corpus2Leaf struct{ path, text string }

// corpus2Leaves returns every string (decoded), key and number of the
// event, its name and its distinct_id.
func corpus2Leaves(ev *event.Event) []corpus2Leaf {
	out := []corpus2Leaf{{"event", ev.Name}, {"distinct_id", ev.DistinctID}}
	var walk func(v *fastjson.Value, path string)
	walk = func(v *fastjson.Value, path string) {
		switch v.Type() {
		case fastjson.TypeObject:
			v.GetObject().Visit(func(k []byte, c *fastjson.Value) {
				out = append(out, corpus2Leaf{"", string(k)})
				p := string(k)
				if path != "" {
					p = path + "." + p
				}
				walk(c, p)
			})
		case fastjson.TypeArray:
			for _, c := range v.GetArray() {
				walk(c, path+"[]")
			}
		case fastjson.TypeString:
			out = append(out, corpus2Leaf{path, string(v.GetStringBytes())})
		default:
			out = append(out, corpus2Leaf{path, v.String()})
		}
	}
	walk(ev.Props, "")
	return out
}

// corpus2Holds reports whether the labelled value is still in the event:
// for a long value anywhere (and its middle 16 bytes: a redaction that kept
// both ends still leaks it), for one shorter than 8 bytes (a PIN, a CVC) at
// its own path, where a chance match elsewhere (a timestamp's digits) cannot
// count.
func corpus2Holds(leaves []corpus2Leaf, l corpus2Label) bool {
	probes := []string{l.Value}
	if len(l.Value) >= 32 {
		probes = append(probes, l.Value[len(l.Value)/2-8:len(l.Value)/2+8])
	}
	for _, p := range probes {
		for _, lf := range leaves {
			if (len(l.Value) >= 8 || lf.path == l.Path) && strings.Contains(lf.text, p) {
				return true
			}
		}
	}
	return false
}

// withoutIP returns the JSON text of a properties object without its
// top-level ip.
func withoutIP(p *fastjson.Parser, text string) string {
	v, err := p.Parse(text)
	if err != nil {
		return text
	}
	v.Del("ip")
	return string(v.MarshalTo(nil))
}

func corpus2FindingKinds(fs []event.Finding, drop bool) string {
	if len(fs) == 0 {
		if drop {
			return "dropped without a finding"
		}
		return "changed without a finding"
	}
	seen := map[string]bool{}
	var ks []string
	for _, f := range fs {
		k := f.Class + " by " + f.Detector + " (" + f.Action + ")"
		if !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func corpus2Paths(fs []event.Finding) string {
	var ps []string
	for _, f := range fs {
		ps = append(ps, f.Path)
	}
	return strings.Join(ps, ", ")
}

func (r *corpus2Result) fpRate() float64 {
	if r.clean == 0 {
		return 0
	}
	return float64(r.changed) / float64(r.clean)
}

func (r *corpus2Result) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "corpus %s: %d events, %d clean\n", r.file, r.events, r.clean)
	fmt.Fprintf(&b, "  %-20s %6s %6s %7s %12s\n", "class", "labels", "caught", "recall", "named-right")
	classes := make([]string, 0, len(r.classes))
	for c := range r.classes {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	caught, labels := 0, 0
	for _, c := range classes {
		s := r.classes[c]
		fmt.Fprintf(&b, "  %-20s %6d %6d %7.3f %12d\n", c, s.labels, s.caught, float64(s.caught)/float64(s.labels), s.named)
		if guard.Critical(guard.Class(c)) {
			caught += s.caught
			labels += s.labels
		}
	}
	fmt.Fprintf(&b, "  critical classes together: %d of %d (%.3f)\n", caught, labels, float64(caught)/float64(max(labels, 1)))
	fmt.Fprintf(&b, "  false positives: %d of %d clean events changed (%.2f%%); %d clean events have findings of any action\n",
		r.changed, r.clean, 100*r.fpRate(), r.withFindings)
	b.WriteString(kindTable("misses by class / kind", r.missKinds))
	b.WriteString(kindTable("false positives by kind / what the guard did", r.fpKinds))
	if r.listDetails {
		for _, d := range r.details {
			b.WriteString("  " + d + "\n")
		}
	}
	return b.String()
}

func kindTable(title string, m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "  %s:\n", title)
	for _, k := range ks {
		fmt.Fprintf(&b, "    %4d  %s\n", m[k], k)
	}
	return b.String()
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestCorpus2ScanMatchesEvent checks that the rescan path (Checker.Scan on
// the stored text) reports what Event reports on every corpus2 event.
func TestCorpus2ScanMatchesEvent(t *testing.T) {
	c := corpus2Checker(t)
	var arena fastjson.Arena
	events, differ := 0, 0
	forEachCorpus2(t, func(n int, ln *corpus2Line, ev *event.Event) {
		events++
		scanned, err := c.Scan(1, ev.Name, ev.DistinctID, string(ev.Props.MarshalTo(nil)), nil)
		if err != nil {
			t.Fatalf("line %d: Scan: %v", n, err)
		}
		arena.Reset()
		walked, _ := c.Event(ev, &arena, nil)
		if a, b := findingKeys(scanned), findingKeys(walked); a != b {
			differ++
			if differ <= 20 {
				t.Errorf("line %d [%s]: Scan finds %s, Event finds %s", n, ln.Scenario, a, b)
			}
		}
	})
	if differ > 0 {
		t.Errorf("Scan and Event differ on %d of %d events", differ, events)
	}
}

func findingKeys(fs []event.Finding) string {
	ks := make([]string, 0, len(fs))
	for _, f := range fs {
		ks = append(ks, f.Path+" "+f.Class+" "+f.Detector+" "+f.Action)
	}
	sort.Strings(ks)
	return "[" + strings.Join(ks, "; ") + "]"
}
