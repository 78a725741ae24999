package lexicon

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

func mkEvent(t *testing.T, pid int64, name, lib, ver, props string) *event.Event {
	t.Helper()
	v, err := fastjson.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	return &event.Event{ProjectID: pid, Name: name, Lib: lib, LibVersion: ver, Time: time.Now().UnixMilli(), Props: v}
}

func TestObserveRecordsNamesTypesAndSDKsNeverValues(t *testing.T) {
	dir := t.TempDir()
	var sigs []Signal
	l, err := New(Options{Dir: dir, OnSignal: func(s Signal) { sigs = append(sigs, s) }, TypeChangeMin: 2})
	if err != nil {
		t.Fatal(err)
	}
	canary := "Qz9canaryValue"
	now := time.Now()
	for i := range 4 {
		ev := mkEvent(t, 7, "Page View", "web", "2.1.0",
			`{"mp_lib":"web","$lib_version":"2.1.0","plan":"`+canary+`","n":1,"user":{"age":30,"tags":["a","`+canary+`"]},"items":[{"sku":"`+canary+`"}],"ok":true,"none":null}`)
		l.Observe(ev, nil, now)
		_ = i
	}
	// A finding on a dropped property registers the path with its class.
	ev := mkEvent(t, 7, "Signed Up", "web", "2.2.0", `{"mp_lib":"web","$lib_version":"2.2.0","n":"now a string"}`)
	l.Observe(ev, []event.Finding{{ProjectID: 7, Path: "password", Class: "password", Detector: "key.password", Action: "drop_property"}}, now)

	p := l.Project(7)
	got := map[string]Property{}
	for _, pr := range p.Properties {
		got[pr.Path] = pr
	}
	f := func(path string, count int64, types ...string) {
		t.Helper()
		pr, ok := got[path]
		if !ok {
			t.Errorf("path %s missing", path)
			return
		}
		if pr.Count != count || !slices.Equal(pr.Types, types) {
			t.Errorf("path %s: count %d types %v, want %d %v", path, pr.Count, pr.Types, count, types)
		}
	}
	f("plan", 4, "string")
	f("n", 5, "string", "number")
	f("user", 4, "object")
	f("user.age", 4, "number")
	f("user.tags", 4, "array")
	f("user.tags[]", 4, "string")
	f("items[].sku", 4, "string")
	f("ok", 4, "boolean")
	f("none", 4, "null")
	if pw := got["password"]; pw.Guarded != 1 || !slices.Equal(pw.Classes, []string{"password"}) || pw.Count != 0 {
		t.Errorf("password path: %+v", pw)
	}
	if len(p.SDKs) != 2 || p.SDKs[0].Version != "2.1.0" || p.SDKs[0].Events != 4 || p.SDKs[1].Events != 1 {
		t.Errorf("sdks %+v", p.SDKs)
	}
	if len(p.Events) != 2 || p.Events[0].Name != "Page View" || p.Events[0].Count != 4 {
		t.Errorf("events %+v", p.Events)
	}
	// Signals: the password path (new, guarded) and the type change of n.
	var kinds []string
	for _, s := range sigs {
		kinds = append(kinds, s.Kind+":"+s.Path)
	}
	if !slices.Contains(kinds, SignalNewPath+":password") || !slices.Contains(kinds, SignalTypeChange+":n") || len(kinds) != 2 {
		t.Errorf("signals %v", kinds)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(p)
	file, err := os.ReadFile(filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	for what, b := range map[string][]byte{"lexicon view": raw, "lexicon file": file} {
		if bytes.Contains(b, []byte(canary)) || bytes.Contains(b, []byte("now a string")) {
			t.Errorf("%s holds a value", what)
		}
	}
	// Reload keeps the same view.
	l2, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	raw2, _ := json.Marshal(l2.Project(7))
	if !bytes.Equal(raw, raw2) {
		t.Errorf("reloaded lexicon differs:\n%s\n%s", raw, raw2)
	}
}

func TestVersionOnlyWhenGuardLeftIt(t *testing.T) {
	l, _ := New(Options{})
	// The guard dropped $lib_version (it held something else): not kept.
	ev := mkEvent(t, 1, "x", "web", "hunter2-password", `{"mp_lib":"web"}`)
	l.Observe(ev, nil, time.Now())
	ev = mkEvent(t, 1, "x", "web", "has space", `{"mp_lib":"web","$lib_version":"has space"}`)
	l.Observe(ev, nil, time.Now())
	for _, s := range l.SDKs(1) {
		if s.Version != "" {
			t.Errorf("kept version %q", s.Version)
		}
	}
}

func TestSensitiveName(t *testing.T) {
	f := func(path string, want bool) {
		t.Helper()
		if got := SensitiveName(path); got != want {
			t.Errorf("SensitiveName(%q) = %v, want %v", path, got, want)
		}
	}
	f("password", true)
	f("user.Password", true)
	f("$elements[].attr__value", true)
	f("api_key", true)
	f("card_number", true)
	f("pin", true)
	f("user_pin", true)
	f("shipping", false)
	f("plan", false)
	f("$current_url", false)
	f("items[].sku", false)
}

func TestLimits(t *testing.T) {
	l, _ := New(Options{})
	var b bytes.Buffer
	b.WriteString(`{`)
	for i := range MaxPaths + 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k`)
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(time.Duration(i).String())
		b.WriteString(`":1`)
	}
	b.WriteString(`}`)
	l.Observe(mkEvent(t, 1, "x", "web", "1.0", b.String()), nil, time.Now())
	p := l.Project(1)
	if len(p.Properties) != MaxPaths || p.Overflow != 10 {
		t.Errorf("paths %d overflow %d", len(p.Properties), p.Overflow)
	}
}

func TestMinutes(t *testing.T) {
	l, _ := New(Options{})
	t0 := time.Date(2026, 1, 1, 10, 0, 30, 0, time.UTC)
	for i := range 5 {
		l.Observe(mkEvent(t, 1, "x", "", "", `{}`), []event.Finding{{Class: "email"}}, t0)
		if i < 2 {
			l.Observe(mkEvent(t, 1, "x", "", "", `{}`), nil, t0.Add(2*time.Minute))
		}
	}
	m := l.Minutes(1, t0.Add(-30*time.Second), t0.Add(3*time.Minute))
	if len(m) != 3 || m[0].Events != 5 || m[0].Findings["email"] != 5 || m[1].Events != 0 || m[2].Events != 2 {
		t.Errorf("minutes %+v", m)
	}
}

func BenchmarkObserve(b *testing.B) {
	l, _ := New(Options{})
	props := `{"$os":"Mac OS X","$browser":"Chrome","$browser_version":131,"$current_url":"https://shop.example.com/products/42?utm_source=newsletter&utm_campaign=winter","$referrer":"https://www.example.org/search?q=running+shoes","$referring_domain":"www.example.org","$screen_height":1080,"$screen_width":1920,"mp_lib":"web","$lib_version":"2.83.0","plan":"pro","cart_value":12.5,"items":["sku-1","sku-2"],"experiment":{"id":3,"variant":"B"},"search_terms":"trail running shoes size 44"}`
	v := fastjson.MustParse(props)
	ev := &event.Event{ProjectID: 1, Name: "Page View", Lib: "web", LibVersion: "2.83.0", Time: time.Now().UnixMilli(), Props: v}
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		l.Observe(ev, nil, now)
	}
}

// The lexicon of one project stays within MaxProjectBytes whatever names a
// client sends: 3,000 event names of 1 MiB and as many long paths write a
// small file; long names are counted in Overflow.
func TestProjectBytesBounded(t *testing.T) {
	dir := t.TempDir()
	l, _ := New(Options{Dir: dir})
	long := string(bytes.Repeat([]byte("n"), 1<<20))
	for i := range 3000 {
		suffix := time.Duration(i).String()
		l.Observe(mkEvent(t, 1, long+suffix, "web", "1.0", `{"`+long[:300]+suffix+`":1}`), nil, time.Now())
		l.Observe(mkEvent(t, 1, long[:MaxNameLen-len(suffix)]+suffix, "web", "1.0", `{}`), nil, time.Now())
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > MaxProjectBytes+64<<10 {
		t.Errorf("lexicon file is %d bytes, bound %d", st.Size(), MaxProjectBytes)
	}
	p := l.Project(1)
	if len(p.Events) != MaxEventNames || p.Overflow < 3000 {
		t.Errorf("events %d overflow %d", len(p.Events), p.Overflow)
	}
}

// TestHasProperty: the names and paths ingestion stored, per project; no
// value, no unseen name, no other project's.
func TestHasProperty(t *testing.T) {
	l, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Observe(mkEvent(t, 3, "e", "web", "1.0.0", `{"plan":"pro","o":{"k":1}}`), nil, time.Now())
	for _, c := range []struct {
		id   int64
		name string
		want bool
	}{{3, "plan", true}, {3, "o", true}, {3, "o.k", true}, {3, "pro", false}, {3, "k", false}, {4, "plan", false}} {
		if got := l.HasProperty(c.id, c.name); got != c.want {
			t.Errorf("HasProperty(%d, %q) = %v, want %v", c.id, c.name, got, c.want)
		}
	}
}
