package bench

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestIngestUnderQuery runs `sieve bench ingest --query-loop funnel` on a
// tiny dataset: four phases per budget and round, events acknowledged in
// each, funnels answered beside the busy ones, the paced phases offered
// half the round's idle rate, and a summary per budget.
func TestIngestUnderQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	o := LoopOptions{Query: "funnel", Events: 3000, Batch: 20, Senders: 2, Idle: 400 * time.Millisecond, Busy: 800 * time.Millisecond,
		Rounds: 1, Budgets: []int{1, 0}, Dir: t.TempDir(), Addr: "127.0.0.1:0"}
	res, err := IngestUnderQuery(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Phases) != 8 || len(res.Summary) != 2 || res.LoadSecond <= 0 {
		t.Fatalf("phases %d, summary %d, load %v", len(res.Phases), len(res.Summary), res.LoadSecond)
	}
	for i, p := range res.Phases {
		if p.Events <= 0 || p.EventsPerSec <= 0 || p.P99Ms <= 0 || p.P99Ms < p.P50Ms || p.MaxMs < p.P99Ms {
			t.Errorf("phase %d: %+v", i, p)
		}
		if p.QueryThreads != o.Budgets[i/4] || p.Busy != (i%2 == 1) || p.Paced != (i%4 >= 2) {
			t.Errorf("phase %d labelled %+v", i, p)
		}
		if p.Busy && p.Queries == 0 {
			// The first funnel starts 300 ms before the phase; one of
			// 800 ms on 3,000 events answers at least once.
			t.Errorf("phase %d: no query answered beside it", i)
		}
		if p.Paced {
			idle := res.Phases[i/4*4]
			if math.Abs(p.OfferedPerS-idle.EventsPerSec/2) > idle.EventsPerSec/4 {
				t.Errorf("phase %d offered %.0f events/s, idle rate %.0f", i, p.OfferedPerS, idle.EventsPerSec)
			}
		}
	}
	// The dataset is kept in Dir: a second run loads nothing.
	o.Budgets = []int{1}
	res, err = IngestUnderQuery(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.LoadSecond != 0 || len(res.Phases) != 4 {
		t.Errorf("second run: load %v, %d phases", res.LoadSecond, len(res.Phases))
	}
	if _, err := IngestUnderQuery(context.Background(), LoopOptions{Query: "drop table", Events: 1}); err == nil {
		t.Error("an unknown query was taken")
	}
}
