package apptest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mixpanel "github.com/mixpanel/mixpanel-go"
)

// chURLs returns the test cluster's URLs through its two servers
// (make clickhouse-test sets them), with a database of the test's own.
func chURLs(t *testing.T) (string, string) {
	t.Helper()
	u1, u2 := os.Getenv("SIEVE_CH_URL"), os.Getenv("SIEVE_CH_URL2")
	if u1 == "" || u2 == "" {
		t.Skip("SIEVE_CH_URL and SIEVE_CH_URL2 are not set: run make clickhouse-test")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "/app_" + hex.EncodeToString(b[:]) + "?"
	return strings.Replace(u1, "/sieve?", db, 1), strings.Replace(u2, "/sieve?", db, 1)
}

// TestClickHouseTwoNodesKill9: two sieve processes on one 2-shard
// ClickHouse cluster, each entering it through another server, take
// events for the same project from the official Go client (mixpanel-go)
// at once; node A is killed with SIGKILL under that load. Every event
// either client saw acknowledged is exported, once, from node B, and from
// node A after its restart; retrying acknowledged batches on either node
// changes nothing.
//
// Projects and keys are still per node (docs/CLICKHOUSE.md): node B
// starts on a copy of node A's data directory, made before either serves.
func TestClickHouseTwoNodesKill9(t *testing.T) {
	u1, u2 := chURLs(t)
	a := startServer(t, serverOpts{Args: []string{"--store", u1}})
	p := a.createProject("two nodes")
	a.stop()
	dataB := t.TempDir()
	if out, err := exec.Command("cp", "-a", a.Data+"/.", dataB).CombinedOutput(); err != nil {
		t.Fatalf("copy the data directory: %v %s", err, out)
	}
	_ = os.RemoveAll(filepath.Join(dataB, "audit")) // each node keeps its own audit chain
	a.restart()
	b := startServer(t, serverOpts{Data: dataB, Args: []string{"--store", u2}})

	ctx := context.Background()
	clientFor := func(s *server) *mixpanel.ApiClient {
		return mixpanel.NewApiClient(p.Token, mixpanel.ApiSecret(p.APISecret),
			mixpanel.ProxyApiLocation(s.Base), mixpanel.ProxyDataLocation(s.Base), mixpanel.HttpClient(s.client()))
	}
	now := time.Now()
	batch := func(w, n int, mp *mixpanel.ApiClient) []*mixpanel.Event {
		var evs []*mixpanel.Event
		for i := range 40 {
			e := mp.NewEvent("two nodes", fmt.Sprintf("user-%d", i%13), map[string]any{"w": w, "n": n})
			e.AddTime(now)
			e.AddInsertID(fmt.Sprintf("w%d-b%d-i%d", w, n, i))
			evs = append(evs, e)
		}
		return evs
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	ackedBatches := map[[2]int]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		s := a
		if w%2 == 1 {
			s = b
		}
		mp := clientFor(s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				evs := batch(w, n, mp)
				// Workers 0 and 2 also send worker 1's and 3's batches
				// (the same insert ids) to the other node, as a retrying
				// client behind a load balancer would.
				if err := mp.Track(ctx, evs); err != nil {
					if s == a {
						return // node A is gone
					}
					continue
				}
				mu.Lock()
				ackedBatches[[2]int{w, n}] = true
				for i := range evs {
					acked[fmt.Sprintf("w%d-b%d-i%d", w, n, i)] = true
				}
				mu.Unlock()
				if w < 4 && w%2 == 0 {
					other := batch(w+1, n, mp)
					if err := mp.Track(ctx, other); err == nil {
						mu.Lock()
						for i := range other {
							acked[fmt.Sprintf("w%d-b%d-i%d", w+1, n, i)] = true
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	time.Sleep(4 * time.Second)
	a.kill9()
	time.Sleep(time.Second) // node B keeps taking events
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged")
	}
	check := func(s *server, who string) int {
		t.Helper()
		ex := byInsertID(t, s.export(p, false)) // fails on a duplicate
		missing := 0
		for id := range acked {
			if _, ok := ex[id]; !ok {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("%s: %d of %d acknowledged events are missing", who, missing, len(acked))
		}
		return len(ex)
	}
	nb := check(b, "node B after node A's SIGKILL")
	a.restart()
	na := check(a, "node A after its restart")
	if na != nb {
		t.Errorf("node A exports %d events, node B %d", na, nb)
	}
	// Retries of acknowledged batches, on both nodes: nothing new.
	k := 0
	for wb := range ackedBatches {
		if k == 6 {
			break
		}
		s := a
		if k%2 == 1 {
			s = b
		}
		if err := clientFor(s).Track(ctx, batch(wb[0], wb[1], clientFor(s))); err != nil {
			t.Fatalf("retry: %v", err)
		}
		k++
	}
	if n := check(b, "after retries"); n != nb {
		t.Errorf("retries changed node B's export from %d to %d events", nb, n)
	}
	t.Logf("%d events acknowledged (%d batches) before and after node A's SIGKILL; %d exported by each node", len(acked), len(ackedBatches), nb)
}
