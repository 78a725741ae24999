package valueshape

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randStr(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

var words = strings.Fields("the order shipped late but support was quick and friendly great product would buy again " +
	"size runs small colour as pictured delivery took five days packaging was damaged refund processed")

// cleanEvent is a web event of usual shapes: prose in content, random ids
// in $insert_id and $device_id, a URL, a plan.
func cleanEvent(r *rand.Rand, i int) string {
	n := 3 + r.IntN(20)
	var b strings.Builder
	for k := range n {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	uuid := fmt.Sprintf("%s-%s-4%s-a%s-%s", randStr(r, "0123456789abcdef", 8), randStr(r, "0123456789abcdef", 4),
		randStr(r, "0123456789abcdef", 3), randStr(r, "0123456789abcdef", 3), randStr(r, "0123456789abcdef", 12))
	m := map[string]any{
		"content":      b.String(),
		"$insert_id":   randStr(r, alnum, 16),
		"$device_id":   randStr(r, alnum, 24) + "-" + randStr(r, alnum, 12),
		"$user_id":     uuid,
		"$current_url": fmt.Sprintf("https://shop.example.com/products/%d?utm_source=mail", i%500),
		"plan":         []string{"free", "pro", "team"}[i%3],
		"cart":         map[string]any{"items": []any{map[string]any{"sku": fmt.Sprintf("SKU-%05d", i%900)}}},
	}
	j, _ := json.Marshal(m)
	return string(j)
}

type run struct {
	p         *Profiles
	findings  []event.Finding
	anomalies []Anomaly
}

func newRun(t *testing.T, opt Options) *run {
	t.Helper()
	r := &run{}
	opt.OnAnomaly = func(a Anomaly) { r.anomalies = append(r.anomalies, a) }
	p, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	return r
}

// check runs one event and returns its properties after Check.
func (r *run) check(t *testing.T, props, act string) string {
	t.Helper()
	var pa fastjson.Parser
	v, err := pa.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	var a fastjson.Arena
	ev := event.Event{ProjectID: 7, Name: "Review", DistinctID: "u1", Props: v}
	n := len(r.findings)
	r.findings = r.p.Check(&ev, &a, act, func(path string) bool { return path == "allowed" }, time.Unix(1_780_000_000, 0), r.findings)
	for _, f := range r.findings[n:] {
		if f.Class != Class || f.Detector != Detector || f.Action != act && f.Path != "allowed" || f.ProjectID != 7 {
			t.Errorf("finding %+v", f)
		}
	}
	return string(v.MarshalTo(nil))
}

// TestAnomalousValue: after clean traffic, a 43-character random string in
// content (which held prose) is a finding and an alert naming the path,
// redacted under redact, and is nowhere in what the package keeps.
func TestAnomalousValue(t *testing.T) {
	var logs bytes.Buffer
	dir := t.TempDir()
	r := newRun(t, Options{Dir: dir, Sample: 1, MinSeen: 50, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 600 {
		r.check(t, cleanEvent(rng, i), Redact)
	}
	if len(r.findings) != 0 || len(r.anomalies) != 0 {
		t.Fatalf("clean traffic raised %d findings, %d anomalies (first %+v)", len(r.findings), len(r.anomalies), r.findings)
	}
	secret := randStr(rng, alnum+"-_", 43)
	ev := cleanEvent(rng, 600)
	ev = strings.Replace(ev, `"content":"`, `"content":"`+secret+`","note":"`, 1)
	out := r.check(t, ev, Redact)
	if len(r.findings) != 1 || r.findings[0].Path != "content" {
		t.Fatalf("findings %+v, want one at content", r.findings)
	}
	if len(r.anomalies) != 1 || r.anomalies[0].Path != "content" || r.anomalies[0].ProjectID != 7 || r.anomalies[0].Seen < 600 {
		t.Fatalf("anomalies %+v, want one naming content after 600 values", r.anomalies)
	}
	if strings.Contains(out, secret) || !strings.Contains(out, `"content":"[redacted]"`) {
		t.Errorf("the value was not redacted: %s", out)
	}
	if err := r.p.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(secret[:8])) {
		t.Error("the profile file holds the value")
	}
	fb, _ := json.Marshal(r.findings)
	ab, _ := json.Marshal(r.anomalies)
	for what, hay := range map[string][]byte{"findings": fb, "alert": ab, "log": logs.Bytes()} {
		if bytes.Contains(hay, []byte(secret)) {
			t.Errorf("the %s hold the value", what)
		}
	}
	// The same value again under keep: reported, not changed.
	out = r.check(t, `{"content":"`+secret+`"}`, Keep)
	if !strings.Contains(out, secret) || len(r.findings) != 2 {
		t.Errorf("keep: %s, %d findings", out, len(r.findings))
	}
	// drop_property removes it.
	out = r.check(t, `{"content":"`+secret+`","plan":"pro"}`, DropProperty)
	if out != `{"plan":"pro"}` {
		t.Errorf("drop_property: %s", out)
	}
	// An allowlisted path keeps the value and records "allow".
	for range 300 {
		r.check(t, `{"allowed":"just words here"}`, Redact)
	}
	n := len(r.findings)
	out = r.check(t, `{"allowed":"`+secret+`"}`, Redact)
	if !strings.Contains(out, secret) || len(r.findings) != n+1 || r.findings[n].Action != Allow {
		t.Errorf("allowlisted: %s, %+v", out, r.findings[n:])
	}
	// Persisted and reloaded: the learnt shapes survive a restart.
	p2, err := New(Options{Dir: dir, MinSeen: 50})
	if err != nil {
		t.Fatal(err)
	}
	if ps := p2.Path(7, "content"); ps == nil || ps.Values < 600 || ps.Secret == 0 {
		t.Errorf("reloaded content profile %+v", ps)
	}
}

// TestRandomIDPathsRaiseNothing: paths that always hold random ids never
// raise, however long the run.
func TestRandomIDPathsRaiseNothing(t *testing.T) {
	r := newRun(t, Options{Sample: 1, MinSeen: 50})
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		r.check(t, cleanEvent(rng, i), Redact)
	}
	if len(r.findings) != 0 {
		t.Fatalf("%d findings on random-id paths (first %+v)", len(r.findings), r.findings[0])
	}
	if ps := r.p.Path(7, "$insert_id"); ps == nil || ps.Secret*2 < ps.Values {
		t.Errorf("$insert_id profile %+v: random ids should be secret-shaped", ps)
	}
}

// TestLearningPeriod: a path that held fewer than MinSeen values raises
// nothing, and a path that often held secret-shaped values raises nothing.
func TestLearningPeriod(t *testing.T) {
	r := newRun(t, Options{Sample: 1, MinSeen: 50})
	rng := rand.New(rand.NewPCG(5, 6))
	for range 49 {
		r.check(t, `{"content":"hello there"}`, Keep)
	}
	r.check(t, `{"content":"`+randStr(rng, alnum, 40)+`"}`, Keep)
	if len(r.findings) != 0 {
		t.Fatalf("flagged during learning: %+v", r.findings)
	}
	for range 100 {
		r.check(t, `{"content":"hello there"}`, Keep)
	}
	r.check(t, `{"content":"`+randStr(rng, alnum, 40)+`"}`, Keep)
	if len(r.findings) != 1 {
		t.Fatalf("after learning: %d findings, want 1", len(r.findings))
	}
}

func TestShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		s      string
		secret bool
	}{
		{randStr(rng, alnum, 43), true},
		{randStr(rng, alnum+"-_", 20), true},
		{"sk_live_" + randStr(rng, alnum, 24), true},
		{"3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", false}, // UUID
		{"5257a869e7ecebeda32affa62cdca3fa", false},     // hex: no upper case
		{"the order shipped late but support was quick", false},
		{"Tr0ub4dor&3", false}, // too short to judge by shape
		{"data:image/png;base64," + strings.Repeat("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk", 10), false}, // long
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1a", false},                                                            // low entropy
		{"https://shop.example.com/products/12?utm_source=mail", false},
		{"2024-05-01T10:00:00.123Z", false},
	} {
		if got := shapeOf(c.s).secret; got != c.secret {
			t.Errorf("shapeOf(%q).secret = %v, want %v", c.s, got, c.secret)
		}
	}
}

// TestCleanFlagRate replays the guard's labelled corpora: every clean event
// (no label) in order, three passes, and reports how many are flagged
// (goal: no more than 0.1%).
func TestCleanFlagRate(t *testing.T) {
	var clean []string
	for _, f := range []string{"../guard/testdata/corpus_tune.jsonl", "../guard/testdata/corpus_heldout.jsonl"} {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ln struct {
				Properties json.RawMessage `json:"properties"`
				Labels     []any           `json:"labels"`
			}
			if err := json.Unmarshal(sc.Bytes(), &ln); err != nil {
				t.Fatal(err)
			}
			if len(ln.Labels) == 0 {
				clean = append(clean, string(ln.Properties))
			}
		}
		fh.Close()
	}
	if len(clean) < 900 {
		t.Fatalf("only %d clean events", len(clean))
	}
	r := newRun(t, Options{Sample: 1})
	flagged, total := 0, 0
	rng := rand.New(rand.NewPCG(9, 10))
	for pass := range 3 {
		for _, i := range rng.Perm(len(clean)) {
			n := len(r.findings)
			r.check(t, clean[i], Keep)
			total++
			if len(r.findings) > n {
				flagged++
				if pass > 0 {
					t.Logf("flagged at %s", r.findings[n].Path)
				}
			}
		}
	}
	rate := float64(flagged) / float64(total)
	t.Logf("clean events flagged: %d of %d (%.3f%%)", flagged, total, 100*rate)
	if rate > 0.001 {
		t.Errorf("clean flag rate %.3f%% is above 0.1%%", 100*rate)
	}
}

func BenchmarkCheck(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	evs := make([]string, 64)
	size := 0
	for i := range evs {
		evs[i] = cleanEvent(rng, i)
		size += len(evs[i])
	}
	p, _ := New(Options{})
	var pa fastjson.Parser
	var a fastjson.Arena
	trees := make([]*fastjson.Value, len(evs))
	for i, e := range evs {
		v, _ := pa.Parse(e)
		trees[i] = fastjson.MustParse(string(v.MarshalTo(nil)))
	}
	var dst []event.Finding
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, v := range trees {
			ev := event.Event{ProjectID: 1, Props: v}
			dst = p.Check(&ev, &a, Keep, nil, time.Time{}, dst[:0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(evs)), "ns/event")
}
