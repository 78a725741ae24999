package guard

import (
	"bufio"
	"bytes"
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

// dumpFile, when set, makes TestGuardDump write every decision the guard
// makes over all its test inputs: the corpora in testdata, the detector
// samples, the benchmark events and the fuzz seeds (each as a document and
// each string under every fuzz key), under three policies. A speed-up must
// leave this file byte for byte the same:
//
//	go test -run TestGuardDump ./internal/guard -args -guard.dump=/tmp/before.txt
//	(change the code)
//	go test -run TestGuardDump ./internal/guard -args -guard.dump=/tmp/after.txt
//	cmp /tmp/before.txt /tmp/after.txt
//
// The file holds the values the guard saw and what it left of them: it is
// for a developer's machine, never for CI logs.
var dumpFile = flag.String("guard.dump", "", "write every finding, drop decision and rewritten value over all test inputs to this file")

func TestGuardDump(t *testing.T) {
	if *dumpFile == "" {
		t.Skip("set -guard.dump=FILE")
	}
	defer noMemo()()
	strict := Policy{Actions: map[Class]Action{}}
	hashAll := Policy{Actions: map[Class]Action{}}
	for i, cl := range builtinClasses {
		strict.Actions[cl] = Redact
		if i%2 == 0 {
			hashAll.Actions[cl] = Hash
		} else {
			hashAll.Actions[cl] = Redact
		}
	}
	hashAll.Actions[Password] = DropEvent
	pols := []*Checker{mustChecker(t, DefaultPolicy()), mustChecker(t, strict), mustChecker(t, hashAll)}

	type input struct{ label, name, props string }
	var docs []input
	strs := map[string]bool{}

	// The corpora.
	files, _ := filepath.Glob("testdata/*.jsonl")
	sort.Strings(files)
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for n := 1; sc.Scan(); n++ {
			var l corpusLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("%s:%d: %v", fn, n, err)
			}
			docs = append(docs, input{fmt.Sprintf("%s:%d", fn, n), l.Event, string(l.Properties)})
		}
		f.Close()
	}
	// The detector samples.
	sm := samples()
	names := make([]string, 0, len(sm))
	for k := range sm {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for pn, list := range sm[k] {
			for i, s := range list {
				docs = append(docs, input{fmt.Sprintf("sample %s/%d/%d", k, pn, i), "test", s.props})
				strs[s.secret] = true
			}
		}
	}
	// The benchmark events.
	for i, e := range benchEvents(64, true) {
		docs = append(docs, input{fmt.Sprintf("bench %d", i), "Page View", e})
	}
	// Fuzz seeds from testdata/fuzz.
	seeds, _ := filepath.Glob("testdata/fuzz/*/*")
	sort.Strings(seeds)
	for _, fn := range seeds {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			line = strings.TrimSpace(line)
			for _, pre := range []string{"string(", "[]byte("} {
				if strings.HasPrefix(line, pre) && strings.HasSuffix(line, ")") {
					var s string
					if _, err := fmt.Sscanf(line[len(pre):len(line)-1], "%q", &s); err == nil {
						strs[s] = true
						docs = append(docs, input{"seed " + fn, "fuzz", s})
					}
				}
			}
		}
	}

	out := bufio.NewWriterSize(nil, 1<<20)
	fh, err := os.Create(*dumpFile)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	out.Reset(fh)
	var p fastjson.Parser
	var buf []byte
	dumpOne := func(label string, c int, name string, v *fastjson.Value) {
		var a fastjson.Arena
		ev := event.Event{ProjectID: 7, Name: name, DistinctID: "user-1", InsertID: "ins-1", Lib: "web", LibVersion: "2.50.0", Props: v}
		fs, drop := pols[c].Event(&ev, &a, nil)
		buf = v.MarshalTo(buf[:0])
		fmt.Fprintf(out, "%s p%d drop=%v name=%q id=%q lib=%q/%q\n", label, c, drop, ev.Name, ev.DistinctID, ev.Lib, ev.LibVersion)
		for _, f := range fs {
			fmt.Fprintf(out, "  %q %s %s %s\n", f.Path, f.Class, f.Detector, f.Action)
		}
		fmt.Fprintf(out, "  => %s\n", buf)
	}
	for _, d := range docs {
		for c := range pols {
			v, err := p.Parse(d.props)
			if err != nil || v.Type() != fastjson.TypeObject {
				continue
			}
			dumpOne(d.label, c, d.name, v)
		}
		// Every string of the document becomes a value under each fuzz key.
		if v, err := p.Parse(d.props); err == nil {
			collectStrings(v, strs)
		}
	}
	list := make([]string, 0, len(strs))
	for s := range strs {
		list = append(list, s)
	}
	sort.Strings(list)
	var a fastjson.Arena
	for i, s := range list {
		for c := range pols {
			a.Reset()
			obj := a.NewObject()
			for _, k := range fuzzKeys {
				obj.Set(k, a.NewString(s))
			}
			dumpOne(fmt.Sprintf("string %d", i), c, "fuzz", obj)
		}
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents, %d strings", len(docs), len(list))
}

// collectStrings adds every string value (and object key) in v to set.
func collectStrings(v *fastjson.Value, set map[string]bool) {
	switch v.Type() {
	case fastjson.TypeString:
		set[string(v.GetStringBytes())] = true
	case fastjson.TypeArray:
		for _, e := range v.GetArray() {
			collectStrings(e, set)
		}
	case fastjson.TypeObject:
		v.GetObject().Visit(func(k []byte, e *fastjson.Value) {
			set[string(bytes.Clone(k))] = true
			collectStrings(e, set)
		})
	}
}
