package guard

import (
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestKeyCacheAcrossProjects: pooled walkers (and their key caches) are
// shared by every project's checker of a Guard; what one project's custom
// rules or token say about a key must not leak into another project's
// decisions, in either order.
func TestKeyCacheAcrossProjects(t *testing.T) {
	g := New()
	ruled, err := g.Compile(Policy{Rules: []Rule{{Name: "employee", Class: "employee_id", Keywords: []string{"emp"},
		Pattern: `EMP-[0-9]{6}`}}}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const tokA = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"
	projA, err := g.Compile(DefaultPolicy(), tokA, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := g.Compile(DefaultPolicy(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	run := func(c *Checker, props string) (string, []event.Finding) {
		t.Helper()
		var p fastjson.Parser
		v, err := p.Parse(props)
		if err != nil {
			t.Fatal(err)
		}
		var a fastjson.Arena
		ev := event.Event{Name: "x", DistinctID: "u", Props: v}
		f, _ := c.Event(&ev, &a, nil)
		return string(v.MarshalTo(nil)), f
	}
	ruleKey := `{"EMP-123456":"yes","n":1}`
	tokKey := `{"api key: ` + tokA + `":1,"n":1}`
	for round := 0; round < 3; round++ {
		if out, f := run(plain, ruleKey); len(f) != 0 || !strings.Contains(out, "EMP-123456") {
			t.Fatalf("round %d: a project without the rule acted on the key: %s %v", round, out, f)
		}
		if out, f := run(ruled, ruleKey); len(f) != 1 || f[0].Path != "[key]" || strings.Contains(out, "EMP-123456") {
			t.Fatalf("round %d: the project's rule did not apply to the key: %s %v", round, out, f)
		}
		if out, f := run(projA, tokKey); len(f) != 0 || !strings.Contains(out, tokA) {
			t.Fatalf("round %d: the project's own token in a key was a finding: %s %v", round, out, f)
		}
		if out, f := run(plain, tokKey); len(f) == 0 || strings.Contains(out, tokA) {
			t.Fatalf("round %d: another project's API key in a key was kept: %s %v", round, out, f)
		}
	}
}

// TestKeyCachePanInKey: a card number in a key (a property key, or a
// parameter name inside a value, where the percent-decoded name holds it)
// counts as a card in its object, so a card expiry next to it is removed,
// every time the key is met: not only the first time, when the key cache
// is filled, but also when the cache answers.
func TestKeyCachePanInKey(t *testing.T) {
	defer noMemo()()
	const pan = "4111111111111111"
	cases := []struct{ warm, both, gone string }{
		{`{"` + pan + `":"visa"}`, `{"` + pan + `":"visa","expiry":"12/30","plan":"pro"}`, pan},
		{`{"u":"https://h.example/p?4111%201111%201111%201111=v"}`,
			`{"x":{"u":"https://h.example/p?4111%201111%201111%201111=v","expiry":"12/30"},"plan":"pro"}`, ""},
		{`{"c":"4111%201111%201111%201111=1; a=b"}`, `{"x":{"c":"4111%201111%201111%201111=1; a=b","expiry":"12/30"},"plan":"pro"}`, ""},
	}
	for _, tc := range cases {
		c := mustChecker(t, DefaultPolicy())
		for round := 0; round < 4; round++ {
			if round == 1 {
				checkEvent(t, c, tc.warm) // the key is cached in an object without an expiry
			}
			r := checkEvent(t, c, tc.both)
			if tc.gone != "" && strings.Contains(r.props, tc.gone) || strings.Contains(r.props, "4111%201111") || strings.Contains(r.props, "12/30") || !strings.Contains(r.props, "pro") {
				t.Fatalf("round %d: the expiry next to a card key was kept: %s -> %s (%s)", round, tc.both, r.props, describe(r))
			}
			f, err := c.Scan(1, "test", "user-1", tc.both, nil)
			if err != nil || len(f) != len(r.findings) {
				t.Fatalf("round %d: Scan found %d, Event %d (%v)", round, len(f), len(r.findings), err)
			}
		}
	}
	// A key that is no card number gives no expiry a card, cached or not.
	c := mustChecker(t, DefaultPolicy())
	for round := 0; round < 2; round++ {
		r := checkEvent(t, c, `{"order 4111":"x","expiry":"12/30"}`)
		if !strings.Contains(r.props, "12/30") {
			t.Fatalf("round %d: an expiry without a card was removed: %s", round, r.props)
		}
	}
}
