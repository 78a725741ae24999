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
