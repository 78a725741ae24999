package profile

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// t0 is the update time used by the tests; its $last_seen text is seen0.
var t0 = time.Date(2026, 3, 1, 12, 30, 45, 0, time.UTC).UnixMilli()

const seen0 = `"$last_seen":"2026-03-01T12:30:45"`

func ops(kv ...string) []event.ProfileOpRow {
	var out []event.ProfileOpRow
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, event.ProfileOpRow{Op: kv[i], Value: []byte(kv[i+1])})
	}
	return out
}

func TestApply(t *testing.T) {
	f := func(name, state string, u event.ProfileRow, want string) {
		t.Helper()
		if u.Time == 0 {
			u.Time = t0
		}
		got, err := Apply([]byte(state), &u)
		if err != nil {
			t.Fatalf("%s: unexpected error %v", name, err)
		}
		if string(got) != want {
			t.Fatalf("%s:\n got  %s\n want %s", name, got, want)
		}
	}
	ign := func(o ...string) event.ProfileRow { return event.ProfileRow{IgnoreTime: true, Ops: ops(o...)} }

	f("set on new", "", event.ProfileRow{Ops: ops("$set", `{"a":1,"b":"x"}`)}, `{"a":1,"b":"x",`+seen0+`}`)
	f("set replaces", `{"a":1}`, ign("$set", `{"a":{"n":[1,2]}}`), `{"a":{"n":[1,2]}}`)
	f("set keeps value text", `{}`, ign("$set", `{"s":"caf\u00e9 \ud83d\ude00","n":1.50,"big":12345678901234567890}`),
		`{"s":"caf\u00e9 \ud83d\ude00","n":1.50,"big":12345678901234567890}`)
	f("set_once missing", `{"a":1}`, ign("$set_once", `{"a":2,"b":3}`), `{"a":1,"b":3}`)
	f("set_once null counts as set", `{"a":null}`, ign("$set_once", `{"a":2}`), `{"a":null}`)
	f("add ints", `{"n":5}`, ign("$add", `{"n":3,"m":-2}`), `{"n":8,"m":-2}`)
	f("add floats", `{"n":1.5}`, ign("$add", `{"n":1}`), `{"n":2.5}`)
	f("add int overflow goes float", `{"n":9223372036854775807}`, ign("$add", `{"n":1}`), `{"n":9.223372036854776e+18}`)
	f("add to string is ignored", `{"n":"5"}`, ign("$add", `{"n":1}`), `{"n":"5"}`)
	f("add overflowing float ignored", `{"n":1e308}`, ign("$add", `{"n":1e308}`), `{"n":1e308}`)
	f("append new", `{}`, ign("$append", `{"l":"x"}`), `{"l":["x"]}`)
	f("append existing", `{"l":[1]}`, ign("$append", `{"l":[2]}`), `{"l":[1,[2]]}`)
	f("append to scalar ignored", `{"l":1}`, ign("$append", `{"l":2}`), `{"l":1}`)
	f("union", `{"l":["a",1]}`, ign("$union", `{"l":["a","b",1.0,"b"]}`), `{"l":["a",1,"b"]}`)
	f("union new dedups", `{}`, ign("$union", `{"l":["\u0061","a",{"x":1},{"x":1}]}`), `{"l":["a",{"x":1}]}`)
	f("union scalar ignored", `{"l":"a"}`, ign("$union", `{"l":["b"]}`), `{"l":"a"}`)
	f("remove all occurrences", `{"l":["a","b","a",1]}`, ign("$remove", `{"l":"a"}`), `{"l":["b",1]}`)
	f("remove missing key", `{"x":1}`, ign("$remove", `{"l":"a"}`), `{"x":1}`)
	f("remove object element", `{"l":[{"a":1,"b":2},3]}`, ign("$remove", `{"l":{"b":2,"a":1}}`), `{"l":[3]}`)
	f("unset", `{"a":1,"b":2,"c":3}`, ign("$unset", `["a","c","zz"]`), `{"b":2}`)
	f("delete", `{"a":1}`, ign("$set", `{"b":1}`, "$delete", `""`), ``)
	f("delete missing", ``, ign("$delete", `null`), ``)
	f("order: unset after set", `{}`, ign("$unset", `["a"]`, "$set", `{"a":1,"b":2}`), `{"b":2}`)
	f("order: set_once after set", `{}`, ign("$set_once", `{"a":2}`, "$set", `{"a":1}`), `{"a":1}`)
	f("unset creates profile", ``, ign("$unset", `["a"]`), `{}`)
	f("last_seen not moved back", `{"$last_seen":"2027-01-01T00:00:00"}`,
		event.ProfileRow{Ops: ops("$set", `{"a":1}`)}, `{"$last_seen":"2027-01-01T00:00:00","a":1}`)
	f("last_seen moved forward", `{"$last_seen":"2020-01-01T00:00:00"}`,
		event.ProfileRow{Ops: ops("$set", `{}`)}, `{`+seen0+`}`)
	f("ip stored when given", ``, event.ProfileRow{IgnoreTime: true, IP: "192.0.2.1", Ops: ops("$set", `{}`)}, `{"$ip":"192.0.2.1"}`)
}

func TestApplyErrors(t *testing.T) {
	f := func(name string, o ...string) {
		t.Helper()
		u := event.ProfileRow{Time: t0, Ops: ops(o...)}
		if err := Validate(&u); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: Validate: want ErrInvalid, got %v", name, err)
		}
		const state = `{"a":1}`
		_, err := Apply([]byte(state), &u)
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: Apply: want ErrInvalid, got %v", name, err)
		}
		// Messages never carry the argument.
		for _, o := range u.Ops {
			if len(o.Value) > 2 && strings.Contains(err.Error(), string(o.Value)) {
				t.Fatalf("%s: error echoes the value: %v", name, err)
			}
		}
	}
	f("unknown op", "$frobnicate", `{}`)
	f("set not object", "$set", `["secret-value"]`)
	f("set bad json", "$set", `{"a":`)
	f("add not number", "$add", `{"n":"secret-value"}`)
	f("union not list", "$union", `{"l":"secret-value"}`)
	f("unset not list", "$unset", `"secret-value"`)
	f("unset not names", "$unset", `[1]`)
	f("valid op then bad op", "$set", `{"ok":1}`, "$add", `{"n":true}`)
	f("no ops")

	if err := Validate(&event.ProfileRow{Ops: ops("$set", `{"a":1}`, "$delete", ``)}); err != nil {
		t.Fatalf("valid update rejected: %v", err)
	}
}

func TestStateFoldsSeveralUpdates(t *testing.T) {
	s, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Exists() {
		t.Fatal("empty state exists")
	}
	steps := []event.ProfileRow{
		{Time: t0, Ops: ops("$set", `{"plan":"free"}`, "$add", `{"logins":1}`)},
		{Time: t0, IgnoreTime: true, Ops: ops("$add", `{"logins":1}`)},
		{Time: t0, Ops: ops("$delete", ``)},
		{Time: t0, IgnoreTime: true, Ops: ops("$set_once", `{"plan":"pro"}`)},
	}
	wants := []string{
		`{"plan":"free","logins":1,` + seen0 + `}`,
		`{"plan":"free","logins":2,` + seen0 + `}`,
		``,
		`{"plan":"pro"}`,
	}
	for i := range steps {
		if err := s.Apply(&steps[i]); err != nil {
			t.Fatal(err)
		}
		if got := string(s.AppendJSON(nil)); got != wants[i] {
			t.Fatalf("step %d: got %s want %s", i, got, wants[i])
		}
	}
	// A failing update leaves the state as it was.
	bad := event.ProfileRow{Ops: ops("$set", `{"x":1}`, "$add", `{"n":"x"}`)}
	if err := s.Apply(&bad); err == nil {
		t.Fatal("want error")
	}
	if got := string(s.AppendJSON(nil)); got != wants[3] {
		t.Fatalf("state changed by failed update: %s", got)
	}
	if _, err := Parse([]byte(`[1]`)); err == nil {
		t.Fatal("Parse accepted a non-object")
	}
}

func TestEqual(t *testing.T) {
	f := func(a, b string, want bool) {
		t.Helper()
		if got := Equal(fastjson.MustParse(a), fastjson.MustParse(b)); got != want {
			t.Fatalf("Equal(%s, %s) = %v", a, b, got)
		}
	}
	f(`1`, `1.0`, true)
	f(`"a"`, `"\u0061"`, true)
	f(`[1,2]`, `[2,1]`, false)
	f(`{"a":1,"b":[true]}`, `{"b":[true],"a":1}`, true)
	f(`{"a":1}`, `{"a":1,"b":2}`, false)
	f(`null`, `false`, false)
	f(`true`, `true`, true)
}

func TestMerge(t *testing.T) {
	dst, _ := Parse([]byte(`{"plan":"pro","$last_seen":"2026-01-01T00:00:00"}`))
	src, _ := Parse([]byte(`{"plan":"free","first":{"a":[1,"x"]},"$last_seen":"2026-02-01T00:00:00"}`))
	dst.Merge(src)
	src.Merge(&State{}) // a profile that does not exist changes nothing
	if got := string(dst.AppendJSON(nil)); got != `{"plan":"pro","$last_seen":"2026-02-01T00:00:00","first":{"a":[1,"x"]}}` {
		t.Errorf("merged: %s", got)
	}
	empty := &State{}
	empty.Merge(src)
	if got := string(empty.AppendJSON(nil)); got != string(src.AppendJSON(nil)) {
		t.Errorf("into nothing: %s", got)
	}
	// A merge-only update is valid and applies nothing.
	u := event.ProfileRow{Kind: event.People, ID: "a", MergeFrom: "b"}
	if err := Validate(&u); err != nil {
		t.Errorf("merge-only update: %v", err)
	}
	if err := empty.Apply(&u); err != nil || string(empty.AppendJSON(nil)) != string(src.AppendJSON(nil)) {
		t.Errorf("apply merge-only: %v %s", err, empty.AppendJSON(nil))
	}
	u.Kind = event.Group
	if err := Validate(&u); err == nil {
		t.Error("a group merge is valid")
	}
}
