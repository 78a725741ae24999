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
// Both nodes start on fresh data directories: projects and keys are in
// the cluster (docs/CLICKHOUSE.md). At the end both nodes' audit chains
// in the cluster verify.
func TestClickHouseTwoNodesKill9(t *testing.T) {
	u1, u2 := chURLs(t)
	a := startServer(t, serverOpts{Args: []string{"--store", u1}})
	p := a.createProject("two nodes")
	b := startServer(t, serverOpts{Args: []string{"--store", u2}})

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
	// Node A's restart copied what its SIGKILL kept from the cluster: both
	// chains are whole there.
	time.Sleep(1500 * time.Millisecond)
	out, err := exec.Command(sieveBin, "audit", "verify", "--store", u1).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "2 node(s), every chain intact") {
		t.Errorf("audit verify --store after node A's SIGKILL and restart: %v\n%s", err, out)
	}
}

// TestClickHouseShardDownUnderLoad stops one ClickHouse shard's server
// while clients send to bin/sieve: every request is either acknowledged
// (200, status 1) or refused with 503 and Retry-After — never
// acknowledged and lost. Once the shard is back, every acknowledged event
// is exported once, and the refused batches, retried, are stored.
func TestClickHouseShardDownUnderLoad(t *testing.T) {
	u1, _ := chURLs(t)
	if os.Getenv("SIEVE_CH_DIR") == "" {
		t.Skip("SIEVE_CH_DIR is not set")
	}
	script := filepath.Join("..", "scripts", "clickhouse-cluster")
	cluster := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(script, args...).CombinedOutput(); err != nil {
			t.Fatalf("clickhouse-cluster %v: %v %s", args, err, out)
		}
	}
	s := startServer(t, serverOpts{Args: []string{"--store", u1}})
	p := s.createProject("shard down")
	client := s.client()
	now := time.Now().UnixMilli()
	body := func(w, n int) []byte {
		var evs []string
		for i := range 25 {
			evs = append(evs, fmt.Sprintf(`{"event":"sd","properties":{"token":%s,"distinct_id":"u%d","time":%d,"$insert_id":"w%d-b%d-i%d"}}`,
				quote(p.Token), i, now, w, n, i))
		}
		return []byte("[" + strings.Join(evs, ",") + "]")
	}
	var mu sync.Mutex
	acked := map[[2]int]bool{}
	var refused [][2]int
	other := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Post(s.Base+"/track?verbose=1", "application/json", strings.NewReader(string(body(w, n))))
				if err != nil {
					mu.Lock()
					other++
					mu.Unlock()
					continue
				}
				rb := make([]byte, 512)
				k, _ := resp.Body.Read(rb)
				resp.Body.Close()
				mu.Lock()
				switch {
				case resp.StatusCode == 200 && strings.Contains(string(rb[:k]), `"status":1`):
					acked[[2]int{w, n}] = true
				case resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "":
					refused = append(refused, [2]int{w, n})
				default:
					other++
				}
				mu.Unlock()
				if resp.StatusCode != 200 {
					time.Sleep(100 * time.Millisecond) // a client backing off (briefly: the test retries later)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	cluster("stop-node", "2")
	t.Cleanup(func() { cluster("start-node", "2") })
	time.Sleep(2 * time.Second)
	cluster("start-node", "2")
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	if other > 0 {
		t.Errorf("%d requests got neither an acknowledgement nor 503 with Retry-After", other)
	}
	if len(refused) == 0 {
		t.Fatal("no request was refused while a shard was down: the test proves nothing")
	}
	retries := make(chan [2]int, len(refused)) // the clients' retries, 8 at a time
	for _, b := range refused {
		retries <- b
	}
	close(retries)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range retries {
				for tries := 0; tries < 100; tries++ {
					resp, err := client.Post(s.Base+"/track?verbose=1", "application/json", strings.NewReader(string(body(b[0], b[1]))))
					if err == nil {
						resp.Body.Close()
						if resp.StatusCode == 200 {
							break
						}
					}
					time.Sleep(200 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	ex := byInsertID(t, s.export(p, false))
	for b := range acked {
		for i := range 25 {
			if _, ok := ex[fmt.Sprintf("w%d-b%d-i%d", b[0], b[1], i)]; !ok {
				t.Fatalf("acknowledged event w%d-b%d-i%d is missing", b[0], b[1], i)
			}
		}
	}
	if want := 25 * (len(acked) + len(refused)); len(ex) != want {
		t.Errorf("exported %d events, want %d (acknowledged and retried batches)", len(ex), want)
	}
	t.Logf("%d batches acknowledged, %d refused with 503 + Retry-After while shard 2 was down, all stored once after retries", len(acked), len(refused))
}
