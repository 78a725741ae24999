package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestProbeSenders runs `sieve bench ingest --probe-senders 1,3` for two
// short rounds: one phase per sender count and round, the second round in
// reverse order, events acknowledged in each, a summary per count, and the
// profiles written.
func TestProbeSenders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	dir := t.TempDir()
	o := ProbeOptions{Senders: []int{1, 3}, Batch: 20, Rounds: 2, Phase: 300 * time.Millisecond, Dir: dir,
		Addr: "127.0.0.1:0", Profile: filepath.Join(dir, "p")}
	res, err := ProbeSenders(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 3, 3, 1}
	if len(res.Phases) != len(want) || len(res.Summary) != 2 {
		t.Fatalf("phases %d, summary %d", len(res.Phases), len(res.Summary))
	}
	for i, p := range res.Phases {
		if p.Senders != want[i] || p.Round != 1+i/2 || p.EventsPerSec <= 0 || p.P99Ms < p.P50Ms || p.CPUShare <= 0 {
			t.Errorf("phase %d: %+v", i, p)
		}
	}
	for i, s := range res.Summary {
		if s.Senders != o.Senders[i] || s.EventsPerSec <= 0 {
			t.Errorf("summary %d: %+v", i, s)
		}
	}
	for _, ext := range []string{".cpu", ".mutex", ".block"} {
		if st, err := os.Stat(o.Profile + ext); err != nil || st.Size() == 0 {
			t.Errorf("profile %s: %v", ext, err)
		}
	}
}
