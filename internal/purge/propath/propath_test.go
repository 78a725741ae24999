package propath

import (
	"encoding/json"
	"testing"
)

func TestRemove(t *testing.T) {
	f := func(src string, paths []string, want string, wantChanged bool) {
		t.Helper()
		got, changed, err := Remove(nil, []byte(src), paths)
		if err != nil {
			t.Fatalf("Remove(%s, %v): %v", src, paths, err)
		}
		if string(got) != want || changed != wantChanged {
			t.Errorf("Remove(%s, %v) = %s %v, want %s %v", src, paths, got, changed, want, wantChanged)
		}
		if !json.Valid(got) {
			t.Errorf("Remove(%s, %v) made invalid JSON %s", src, paths, got)
		}
		has, _ := Has([]byte(src), paths)
		if has != wantChanged {
			t.Errorf("Has(%s, %v) = %v", src, paths, has)
		}
	}
	f(`{}`, []string{"a"}, `{}`, false)
	f(`{"a":1}`, []string{"a"}, `{}`, true)
	f(`{"a":1,"b":2,"c":3}`, []string{"b"}, `{"a":1,"c":3}`, true)
	f(`{"a":1,"b":2,"c":3}`, []string{"a", "c"}, `{"b":2}`, true)
	f(`{"a":1,"b":"x\"y","c":[1,{"d":2}]}`, []string{"zz"}, `{"a":1,"b":"x\"y","c":[1,{"d":2}]}`, false)
	f(`{"u":{"pw":"s","n":1},"pw":2}`, []string{"u.pw"}, `{"u":{"n":1},"pw":2}`, true)
	f(`{"u":"notobj"}`, []string{"u.pw"}, `{"u":"notobj"}`, false)
	f(`{"a.b":1,"a":{"b":2}}`, []string{"a.b"}, `{"a":{}}`, true)
	f(`{"$elements":[{"tag":"input","attr__value":"hunter2"},{"tag":"form"},"x"],"k":1}`,
		[]string{"$elements[].attr__value"}, `{"$elements":[{"tag":"input"},{"tag":"form"},"x"],"k":1}`, true)
	f(`{"m":[[{"p":1}],[{"q":2}]]}`, []string{"m[][].p"}, `{"m":[[{}],[{"q":2}]]}`, true)
	f(`{"arr":[1,2],"e":[]}`, []string{"arr[]", "e[]"}, `{"arr":[],"e":[]}`, true)
	f(`{ "a" : 1 , "b" : { "c" : 2 } }`, []string{"b.c"}, `{"a" : 1,"b" : {}}`, true)
	f(`{"p\u0061ss":"v","x":1}`, []string{"pass"}, `{"x":1}`, true)
	f(`{"x":"\ud83d\ude00","y":1}`, []string{"y"}, `{"x":"\ud83d\ude00"}`, true)
}

func TestSyntaxErrorsNameNoContent(t *testing.T) {
	for _, src := range []string{``, `[]`, `{"a":`, `{"a":1`, `{"secret-canary":"x"`, `{"a" 1}`, `{"a":1}x`} {
		_, _, err := Remove(nil, []byte(src), []string{"a"})
		if err == nil {
			t.Errorf("Remove(%q): no error", src)
			continue
		}
		if err != ErrSyntax {
			t.Errorf("Remove(%q): %v", src, err)
		}
	}
}

func TestCheckAndKeys(t *testing.T) {
	for _, p := range []string{"a", "$set.password", "$elements[].attr__value", "m[][].p", "arr[]"} {
		if err := Check(p); err != nil {
			t.Errorf("Check(%q): %v", p, err)
		}
	}
	for _, p := range []string{"", ".a", "a.", "a..b", "[]a", "a.[]", "\xff"} {
		if Check(p) == nil {
			t.Errorf("Check(%q) accepted", p)
		}
	}
	got := Keys([]string{"a.b", "$elements[].attr__value", "arr[]", "b", "x[][]"})
	want := []string{"b", "attr__value", "arr", "x"}
	if len(got) != len(want) {
		t.Fatalf("Keys = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Keys = %v, want %v", got, want)
		}
	}
}

func FuzzRemove(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":{"c":[1,{"d":2}]}}`), "b.c[].d")
	f.Add([]byte(`{"$elements":[{"attr__value":"x"}]}`), "$elements[].attr__value")
	f.Fuzz(func(t *testing.T, src []byte, path string) {
		if !json.Valid(src) || Check(path) != nil {
			return
		}
		out, changed, err := Remove(nil, src, []string{path})
		if err != nil {
			return // not an object
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q from %q", out, src)
		}
		if !changed && string(out) != string(src) {
			t.Fatalf("unchanged but different: %q from %q", out, src)
		}
		again, ch2, err := Remove(nil, out, []string{path})
		if err != nil || ch2 || string(again) != string(out) {
			t.Fatalf("second removal changed %q", out)
		}
	})
}

func TestTopKeys(t *testing.T) {
	var got []string
	err := TopKeys([]byte(`{"a":1,"b":{"c":[1,2]},"$e":"x\"y"}`), func(k string) { got = append(got, k) })
	if err != nil || len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "$e" {
		t.Errorf("TopKeys = %v, %v", got, err)
	}
	if TopKeys([]byte(`{"a":`), func(string) {}) == nil {
		t.Error("TopKeys accepted a torn object")
	}
}
