package clickhouse

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

var base = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

func canary(t *testing.T) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "cnry" + hex.EncodeToString(b[:])
}

// serverLogs returns the text of both nodes' server logs.
func serverLogs(t *testing.T) []byte {
	t.Helper()
	dir := os.Getenv("SIEVE_CH_DIR")
	if dir == "" {
		t.Skip("SIEVE_CH_DIR is not set (scripts/clickhouse-cluster env)")
	}
	var out []byte
	for _, n := range []string{"node1", "node2"} {
		for _, f := range []string{"server.log", "server.err.log", "stdout.log"} {
			b, err := os.ReadFile(filepath.Join(dir, n, "log", f))
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			out = append(out, b...)
		}
	}
	return out
}

// TestNoValueInQueryTextOrLogs stores unique values in every field Sieve
// writes (properties, distinct_id, insert_id, profile ids and properties,
// findings), reads them back every way there is, makes a server error
// happen on a body holding one, and then finds none of them in the
// servers' logs, which log every statement's text at the cluster's log
// level (a positive control proves it) — nor in the errors returned.
func TestNoValueInQueryTextOrLogs(t *testing.T) {
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	props, user, ins, pid, pprop, fuser := canary(t), canary(t), canary(t), canary(t), canary(t), canary(t)
	control := canary(t)
	rows := []event.Row{
		{ProjectID: 1, Time: base, Name: "e", DistinctID: user, InsertID: ins, Props: []byte(`{"secret":"` + props + `"}`)},
		{ProjectID: 1, Time: base + 1, Name: "e", DistinctID: user, InsertID: "", Props: []byte(`{"n":1}`)},
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Append(ctx, rows[:1]); err != nil || res.Duplicates != 1 {
		t.Fatalf("retry: %+v %v", res, err)
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: pid, Time: base, IgnoreTime: true,
		Ops: []event.ProfileOpRow{{Op: "$set", Value: []byte(`{"p":"` + pprop + `"}`)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateProfiles(ctx, []event.ProfileRow{{ProjectID: 1, Kind: event.People, ID: pid, Time: base, IgnoreTime: true,
		Ops: []event.ProfileOpRow{{Op: "$add", Value: []byte(`{"n":1}`)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendFindings(ctx, []event.Finding{{Time: base, ProjectID: 1, DistinctID: fuser, Event: "e", Path: "secret", Class: "secret", Detector: "d", Action: "drop"}}); err != nil {
		t.Fatal(err)
	}
	where, err := expr.Parse(`properties["secret"] == "` + props + `"`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62, Where: where}, func(*event.Row) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("export with a where on the value: %d rows, %v", n, err)
	}
	total, err := s.Profiles(ctx, store.ProfileQuery{ProjectID: 1, Kind: event.People, IDs: []string{pid}}, func(*store.Profile) error { return nil })
	if err != nil || total != 1 {
		t.Fatalf("profile by id: %d %v", total, err)
	}
	if err := s.Findings(ctx, store.FindingQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(*event.Finding) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Scan(ctx, store.ScanQuery{ProjectID: 1, From: 0, To: 1 << 62, PropsContain: []string{`secret"`}},
		func(string, string, string) ([]byte, error) { return nil, nil }, nil, func(int64, string, string, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// A server error on a body holding a value: the message is withheld.
	var w rbWriter
	w.str(props)
	err = s.q.exec(ctx, "INSERT INTO "+s.db+".events (project_id) FORMAT RowBinary", nil, append(w.b, props...))
	if err == nil {
		t.Fatal("a malformed insert was accepted")
	}
	if strings.Contains(err.Error(), props) || strings.Contains(err.Error(), "cnry") {
		t.Fatalf("a server error quotes the value: %v", err)
	}
	// Positive control: a value written into a statement's text on purpose
	// does reach the log.
	if _, err := s.q.queryString(ctx, "SELECT '"+control+"'"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !bytes.Contains(serverLogs(t), []byte(control)) {
		if time.Now().After(deadline) {
			t.Fatal("positive control: a statement's text is not in the server log; the check below would prove nothing (log level must be debug)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs := serverLogs(t)
	for name, v := range map[string]string{"property": props, "distinct_id": user, "insert_id": ins, "profile id": pid,
		"profile property": pprop, "finding distinct_id": fuser} {
		if bytes.Contains(logs, []byte(v)) {
			t.Errorf("the %s value is in a server log", name)
		}
	}
}

// secondNode opens the store's database through the other shard's
// server, as a second Sieve node configured with SIEVE_CH_URL2 would.
func secondNode(t *testing.T, s *Store) *Store {
	t.Helper()
	u := os.Getenv("SIEVE_CH_URL2")
	if u == "" {
		t.Skip("SIEVE_CH_URL2 is not set")
	}
	cfg, err := ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = s.db
	s2, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	record(s2)
	return s2
}

// TestDedupAcrossNodes: two stores (two Sieve nodes, each entering the
// cluster through another server) take the same batches at once, as
// clients retrying against a load balancer would. Every key is exported
// once from either node, before and after ClickHouse merges the parts,
// and a later retry on either node counts every row as a duplicate.
func TestDedupAcrossNodes(t *testing.T) {
	a := openDir(t, t.TempDir())
	defer a.Close()
	b := secondNode(t, a)
	defer b.Close()
	ctx := context.Background()
	const batches, per = 20, 50
	var all []event.Row
	for i := range batches * per {
		all = append(all, event.Row{ProjectID: 1, Time: base + int64(i), Name: "e", DistinctID: fmt.Sprint("u", i%37), InsertID: fmt.Sprint("k", i),
			Props: []byte(fmt.Sprintf(`{"i":%d}`, i))})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*batches)
	for _, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < batches; i++ {
				if _, err := s.Append(ctx, all[i*per:(i+1)*per]); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for name, s := range map[string]*Store{"node a": a, "node b": b} {
			seen := map[string]int{}
			err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error { seen[r.InsertID]++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != len(all) {
				t.Fatalf("%s, %s: %d keys exported, want %d", when, name, len(seen), len(all))
			}
			for k, n := range seen {
				if n != 1 {
					t.Fatalf("%s, %s: key %s exported %d times", when, name, k, n)
				}
			}
			days, err := s.CountByDay(ctx, store.ScanQuery{ProjectID: 1, From: 0, To: 1 << 62})
			if err != nil || len(days) != 1 || days[0].Events != int64(len(all)) {
				t.Fatalf("%s, %s: CountByDay %v %v, want %d", when, name, days, err, len(all))
			}
		}
	}
	check("before merges")
	raw, err := a.q.queryString(ctx, "SELECT count() FROM "+a.db+".events")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stored copies before merges: %s for %d keys", raw, len(all))
	for _, n := range a.nodes {
		if err := n.exec(ctx, "OPTIMIZE TABLE "+a.db+".events_local FINAL", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	check("after OPTIMIZE FINAL")
	for _, s := range []*Store{b, a} {
		res, err := s.Append(ctx, all[:per])
		if err != nil || res.Stored != 0 || res.Duplicates != per {
			t.Fatalf("retry after both nodes stored: %+v %v", res, err)
		}
	}
}

// clusterScript runs scripts/clickhouse-cluster with args.
func clusterScript(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join("..", "..", "..", "scripts", "clickhouse-cluster"), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clickhouse-cluster %v: %v\n%s", args, err, out)
	}
}

// TestShardDown stops the second shard's server under appends: calls
// fail with ErrUnavailable instead of acknowledging, and once it is back,
// the same calls retried store everything, once.
func TestShardDown(t *testing.T) {
	if os.Getenv("SIEVE_CH_DIR") == "" {
		t.Skip("SIEVE_CH_DIR is not set (scripts/clickhouse-cluster env)")
	}
	if os.Getenv("SIEVE_CH_PORT_BASE") == "" {
		// stop-node would stop the node on the default ports: another cluster's.
		t.Fatal("SIEVE_CH_DIR is set without SIEVE_CH_PORT_BASE: set both (scripts/clickhouse-cluster env prints them)")
	}
	s := openDir(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	var batches [][]event.Row
	for c := range 20 {
		var rows []event.Row
		for i := range 20 {
			rows = append(rows, event.Row{ProjectID: 1, Time: base + int64(c*100+i), Name: "e", DistinctID: fmt.Sprint("u", i),
				InsertID: fmt.Sprintf("c%d-%d", c, i), Props: []byte(`{}`)})
		}
		batches = append(batches, rows)
	}
	acked := map[int]bool{}
	for c := 0; c < 5; c++ {
		if _, err := s.Append(ctx, batches[c]); err != nil {
			t.Fatal(err)
		}
		acked[c] = true
	}
	clusterScript(t, "stop-node", "2")
	t.Cleanup(func() { clusterScript(t, "start-node", "2") })
	failed := 0
	for c := 5; c < 15; c++ {
		_, err := s.Append(ctx, batches[c])
		if err == nil {
			t.Fatalf("batch %d acknowledged with a shard down", c)
		}
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("batch %d: %v, want ErrUnavailable", c, err)
		}
		failed++
	}
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(*event.Row) error { return nil }); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("export with a shard down: %v, want ErrUnavailable", err)
	}
	clusterScript(t, "start-node", "2")
	for c := 5; c < 20; c++ {
		if _, err := s.Append(ctx, batches[c]); err != nil {
			t.Fatalf("retry of batch %d: %v", c, err)
		}
	}
	seen := map[string]int{}
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error { seen[r.InsertID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for c, rows := range batches {
		for _, r := range rows {
			if seen[r.InsertID] != 1 {
				t.Fatalf("batch %d row %s exported %d times", c, r.InsertID, seen[r.InsertID])
			}
		}
	}
	t.Logf("%d calls refused while the shard was down; all %d rows stored once after retries", failed, 20*20)
}
