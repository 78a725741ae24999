package guard

import (
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestCleanEventAllocs: guarding a clean event allocates nothing, also
// when no number property has grown the walker's digit buffer before card
// candidates (13-19 digit runs) are checked.
func TestCleanEventAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	defer noMemo()()
	c, err := New().Compile(DefaultPolicy(), testToken, testKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, props := range []string{
		`{"order":"ref 1234567890123 shipped","note":"batch 12345678901234 done"}`,
		benchEvents(1, false)[0],
	} {
		var p fastjson.Parser
		v, err := p.Parse(props)
		if err != nil {
			t.Fatal(err)
		}
		var a fastjson.Arena
		dst := make([]event.Finding, 0, 8)
		n := testing.AllocsPerRun(100, func() {
			ev := event.Event{Name: "Page View", DistinctID: "user-1", Props: v}
			var f []event.Finding
			f, _ = c.Event(&ev, &a, dst[:0])
			if len(f) != 0 {
				t.Fatalf("clean event got %d findings", len(f))
			}
		})
		if n != 0 {
			t.Errorf("%d allocations per clean event of %d bytes", int(n), len(props))
		}
	}
}
