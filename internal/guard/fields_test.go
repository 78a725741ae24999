package guard

import (
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// A secret-shaped $insert_id becomes a keyed hash that is still a valid
// $insert_id, the same for the same id (de-duplication still works) and
// different across projects' keys.
func TestInsertIDHashed(t *testing.T) {
	c := mustChecker(t, Policy{})
	const aws = "AKIAQ3ZKX7VB2MLP4RTW"
	hashed := func(c *Checker, id string) (string, []event.Finding) {
		var p fastjson.Parser
		v, _ := p.Parse(`{"plan":"pro"}`)
		ev := event.Event{Name: "e", DistinctID: "u", InsertID: id, Props: v}
		f, drop := c.Event(&ev, &fastjson.Arena{}, nil)
		if drop {
			t.Fatal("event dropped")
		}
		return ev.InsertID, f
	}
	a, f := hashed(c, aws)
	if a == aws || len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("insert id %q, want 32 hex digits", a)
	}
	if len(f) != 1 || f[0].Path != "$insert_id" || f[0].Class != string(SecretToken) {
		t.Fatalf("findings %+v", f)
	}
	if b, _ := hashed(c, aws); b != a {
		t.Errorf("the same id hashed to %q and %q", a, b)
	}
	other, err := New().Compile(Policy{}, testToken, []byte("another-hash-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := hashed(other, aws); b == a {
		t.Error("two keys gave the same hash")
	}
	if b, f := hashed(c, "5f3c1a2e-7d4b-4c1e-9a6f-0b8d2e4c6a1f"); b != "5f3c1a2e-7d4b-4c1e-9a6f-0b8d2e4c6a1f" || len(f) != 0 {
		t.Errorf("a UUID became %q with findings %+v", b, f)
	}
}

// The SDK name and version never carry a secret into findings; the group
// key of a profile update is checked like an event name.
func TestSDKAndGroupKeyGuarded(t *testing.T) {
	c := mustChecker(t, Policy{})
	const ghp = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	var p fastjson.Parser
	v, _ := p.Parse(`{"mp_lib":"` + ghp + `","$lib_version":"2.1.0","password":"hunter2hunter2"}`)
	ev := event.Event{Name: "e", DistinctID: "u", Lib: ghp, LibVersion: "2.1.0", Props: v}
	f, _ := c.Event(&ev, &fastjson.Arena{}, nil)
	if ev.Lib != "" || ev.LibVersion != "2.1.0" {
		t.Errorf("lib %q version %q", ev.Lib, ev.LibVersion)
	}
	for _, x := range f {
		if x.Lib != "" {
			t.Errorf("finding %+v names the lib", x)
		}
	}

	var a fastjson.Arena
	u := event.ProfileUpdate{Kind: event.Group, GroupKey: ghp, ID: "acme", Lib: ghp, LibVersion: "1.0",
		Ops: []event.ProfileOp{{Op: event.OpSet, Value: a.NewObject()}}}
	f, _ = c.Profile(&u, &a, nil)
	if u.GroupKey != redactedMarker || u.Lib != "" || u.LibVersion != "1.0" {
		t.Errorf("group key %q lib %q version %q", u.GroupKey, u.Lib, u.LibVersion)
	}
	paths := map[string]bool{}
	for _, x := range f {
		paths[x.Path] = true
		if strings.Contains(x.Lib+x.DistinctID, "ghp_") {
			t.Errorf("finding %+v holds the secret", x)
		}
	}
	if !paths["$group_key"] || !paths["mp_lib"] {
		t.Errorf("findings %+v", f)
	}
}
