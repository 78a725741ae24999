package guard

import (
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestFailureFailsClosed injects a fault at one path and checks that Event,
// Profile and Scan each drop what they were judging with one GuardError
// finding at that path, and that the checker works as before afterwards.
func TestFailureFailsClosed(t *testing.T) {
	g := New()
	c, err := g.Compile(DefaultPolicy(), testToken, testKey)
	if err != nil {
		t.Fatal(err)
	}
	const props = `{"plan":"pro","form":{"fields":[{"x":1}],"password":"Tr0ub4dor&3x!"}}`
	want := func(t *testing.T, out []event.Finding, drop bool, path string) {
		t.Helper()
		if !drop || len(out) != 1 || !Failed(out) {
			t.Fatalf("drop=%v findings=%+v, want one guard_error", drop, out)
		}
		f := out[0]
		if f.Path != path || f.Action != string(DropEvent) || f.Detector != failureDetector || f.ProjectID != 7 {
			t.Fatalf("finding %+v, want path %q", f, path)
		}
		if f.Event != "" || f.DistinctID != "" || f.Lib != "" || f.LibVersion != "" {
			t.Fatalf("a guard_error finding carries unjudged fields: %+v", f)
		}
	}
	for _, path := range []string{"form.fields[].x", "plan", "form.password"} {
		g.SetFault(path)
		prior := []event.Finding{{Path: "earlier", Class: string(Password)}}
		r := checkEvent(t, c, props)
		want(t, r.findings, r.drop, path)
		// Findings of earlier events in the same batch are kept.
		var p fastjson.Parser
		v, _ := p.Parse(props)
		var a fastjson.Arena
		ev := event.Event{ProjectID: 7, Name: "n", DistinctID: "d", Props: v}
		out, drop := c.Event(&ev, &a, prior)
		if len(out) != 2 || out[0].Path != "earlier" {
			t.Fatalf("earlier findings lost: %+v", out)
		}
		want(t, out[1:], drop, path)
		out, err := c.Scan(7, "n", "d", props, nil)
		if err != nil {
			t.Fatal(err)
		}
		want(t, out, true, path)
	}
	g.SetFault("$set.password")
	var p fastjson.Parser
	v, _ := p.Parse(`{"password":"x","plan":"pro"}`)
	u := event.ProfileUpdate{ProjectID: 7, ID: "d", Ops: []event.ProfileOp{{Op: "$set", Value: v}}}
	out, drop := c.Profile(&u, &fastjson.Arena{}, nil)
	want(t, out, drop, "$set.password")

	g.SetFault("")
	r := checkEvent(t, c, props)
	if r.drop || Failed(r.findings) || !r.has("form.password", Password) {
		t.Fatalf("after the fault is removed: drop=%v findings=%+v", r.drop, r.findings)
	}
}
