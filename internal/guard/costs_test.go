package guard

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// costs, when set, makes TestGuardCosts print the guard's CPU time per
// property of BenchmarkGuardClean's events: each property is guarded alone,
// in an event of its own, and the cost of an empty event is subtracted
// (memo off, thread CPU clock). It shows where a clean event's time goes:
//
//	go test -run TestGuardCosts -v ./internal/guard -args -guard.costs
var costs = flag.Bool("guard.costs", false, "print the guard's CPU time per property of the benchmark events")

func TestGuardCosts(t *testing.T) {
	if !*costs {
		t.Skip("set -guard.costs")
	}
	defer noMemo()()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c := mustChecker(t, DefaultPolicy())
	evs := benchEvents(50, false)
	type cost struct {
		key string
		ns  float64
		n   int
	}
	per := map[string]*cost{}
	var a fastjson.Arena
	var dst []event.Finding
	const rounds = 2000
	timeOf := func(tree *fastjson.Value) float64 {
		start := threadCPU()
		for i := 0; i < rounds; i++ {
			ev := event.Event{Name: "Page View", DistinctID: "user-1", Props: tree}
			dst, _ = c.Event(&ev, &a, dst[:0])
		}
		return float64(threadCPU()-start) / rounds
	}
	var ep fastjson.Parser
	empty, _ := ep.Parse(`{}`)
	total := 0.0
	for _, e := range evs {
		var p fastjson.Parser
		v, err := p.Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := v.Object()
		o.Visit(func(k []byte, val *fastjson.Value) {
			var q fastjson.Parser
			tree, err := q.Parse(`{"` + string(k) + `":` + val.String() + `}`)
			if err != nil {
				t.Fatal(err)
			}
			ns := timeOf(tree) - timeOf(empty)
			if per[string(k)] == nil {
				per[string(k)] = &cost{key: string(k)}
			}
			per[string(k)].ns += ns
			per[string(k)].n++
			total += ns
		})
	}
	list := make([]*cost, 0, len(per))
	for _, x := range per {
		list = append(list, x)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ns > list[j].ns })
	for _, x := range list {
		fmt.Printf("%-20s %5.1f%% %7.0f ns per value (%d of %d events)\n", x.key, 100*x.ns/total, x.ns/float64(x.n), x.n, len(evs))
	}
	fmt.Printf("%.0f ns per event\n", total/float64(len(evs)))
}
