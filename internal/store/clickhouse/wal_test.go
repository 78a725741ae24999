package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// walBatch is batch c of the log tests: 50 rows, the even ones with a
// client insert id, the odd ones without (their identity is the "i"
// property, as no key de-duplicates them).
func walBatch(c int) []event.Row {
	var rows []event.Row
	for i := range 50 {
		n := c*50 + i
		r := event.Row{ProjectID: 1, Time: base + int64(n), Name: "e", DistinctID: fmt.Sprint("u", n%7), Props: []byte(`{"i":` + strconv.Itoa(n) + `}`)}
		if i%2 == 0 {
			r.InsertID = "w" + strconv.Itoa(n)
		}
		rows = append(rows, r)
	}
	return rows
}

// TestWALHelperProcess is the Sieve node that the kill -9 tests start
// and kill: it opens the store with the log (SIEVE_WAL_HELPER names the
// database, the log's directory and the mode), appends batches and
// prints "ACK c" once batch c is acknowledged.
func TestWALHelperProcess(t *testing.T) {
	spec := os.Getenv("SIEVE_WAL_HELPER")
	if spec == "" {
		t.Skip("run by TestWALKill9")
	}
	parts := strings.SplitN(spec, "|", 3)
	cfg := testConfig(t)
	cfg.Database, cfg.WAL, cfg.WALDir = parts[0], true, parts[1]
	switch parts[2] {
	case "hold": // nothing is shipped: everything acknowledged is only in the log
		walTestHook = func(l *wal) { l.holdShip = true }
	case "after-insert": // killed right after its first insert, before the log is cut
		walTestHook = func(l *wal) {
			l.killAfterInsert = func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }
		}
	}
	s, err := Open(context.Background(), cfg)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	for c := range 40 {
		if _, err := s.Append(context.Background(), walBatch(c)); err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Println("ACK", c)
		if parts[2] == "after-insert" {
			time.Sleep(20 * time.Millisecond) // let the shipper run meanwhile
		}
	}
	fmt.Println("DONE")
	time.Sleep(time.Minute)
}

// TestWALKill9: a node with the log is killed with SIGKILL (a) with
// every acknowledged row still unshipped, (b) right after its shipper's
// first insert into the cluster and before it deleted the shipped
// segment. A node started on the same log ships it: every acknowledged
// row is then in the cluster, and no row is stored twice (counted
// without de-duplication on read).
func TestWALKill9(t *testing.T) {
	for _, mode := range []string{"hold", "after-insert"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			logDir := filepath.Join(dir, "chlog")
			s0 := openDirWAL(t, dir) // creates the schema, and the drop at the end
			db := s0.db
			s0.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestWALHelperProcess$", "-test.v")
			cmd.Env = append(os.Environ(), "SIEVE_WAL_HELPER="+db+"|"+logDir+"|"+mode)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := map[int]bool{}
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				line := sc.Text()
				if c, ok := strings.CutPrefix(line, "ACK "); ok {
					n, _ := strconv.Atoi(c)
					acked[n] = true
				}
				if strings.HasPrefix(line, "ERR") {
					t.Fatalf("helper: %s", line)
				}
				if line == "DONE" {
					_ = cmd.Process.Kill() // SIGKILL
					break
				}
			}
			_ = cmd.Wait()
			if len(acked) == 0 {
				t.Fatal("the helper acknowledged nothing before it died")
			}
			if mode == "hold" {
				if n := logBytes(t, logDir); n == 0 {
					t.Fatal("positive control: the log is empty after the kill")
				}
				if n := physicalCount(t, s0); n != 0 {
					t.Fatalf("the cluster holds %d rows before the log was shipped; want 0", n)
				}
			}
			s := openDirWAL(t, dir)
			defer s.Close()
			ctx := context.Background()
			ids := map[string]int{}
			n := 0
			if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
				ids[string(r.Props)]++
				n++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for c := range acked {
				for _, r := range walBatch(c) {
					if ids[string(r.Props)] != 1 {
						t.Fatalf("acknowledged row %s of batch %d exported %d times", r.Props, c, ids[string(r.Props)])
					}
				}
			}
			if p := physicalCount(t, s); p != int64(n) {
				t.Fatalf("the cluster holds %d rows for %d distinct ones: a row was stored twice", p, n)
			}
			if m := logBytes(t, logDir); m != 0 {
				t.Fatalf("the log still holds %d bytes after it was shipped", m)
			}
			t.Logf("%d batches acknowledged before the kill; %d rows stored, each once", len(acked), n)
		})
	}
}

// physicalCount counts the stored copies of rows (no de-duplication).
func physicalCount(t *testing.T, s *Store) int64 {
	t.Helper()
	v, err := s.q.queryString(context.Background(), "SELECT count() FROM "+s.db+".events")
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// logBytes is the size of the log's segment files.
func logBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".wal") {
			n += fi.Size()
		}
	}
	return n
}

// TestWALClusterDown: with a shard down, Appends are acknowledged from
// the log until the bound on failing ships (wal_max_down) has passed,
// then refused with ErrUnavailable; once the shard is back, every
// acknowledged row is stored once. A log over its size bound refuses
// Appends too.
func TestWALClusterDown(t *testing.T) {
	if os.Getenv("SIEVE_CH_DIR") == "" {
		t.Skip("SIEVE_CH_DIR is not set (scripts/clickhouse-cluster env)")
	}
	if os.Getenv("SIEVE_CH_PORT_BASE") == "" {
		t.Fatal("SIEVE_CH_DIR is set without SIEVE_CH_PORT_BASE: set both (scripts/clickhouse-cluster env prints them)")
	}
	dir := t.TempDir()
	cfg := testConfig(t)
	cfg.WAL, cfg.WALDir, cfg.WALMaxDown = true, filepath.Join(dir, "chlog"), 3*time.Second
	s := openDirCfg(t, dir, cfg)
	defer s.Close()
	ctx := context.Background()
	acked := map[int]bool{}
	for c := range 3 {
		if _, err := s.Append(ctx, walBatch(c)); err != nil {
			t.Fatal(err)
		}
		acked[c] = true
	}
	if err := s.syncLog(ctx); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now() // the node stops within the script's run; ships fail from then on at the earliest
	clusterScript(t, "stop-node", "2")
	t.Cleanup(func() { clusterScript(t, "start-node", "2") })
	var refusedAfter time.Duration
	c := 3
	for ; c < 400; c++ {
		_, err := s.Append(ctx, walBatch(c))
		if err != nil {
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrLogFull) {
				t.Fatalf("batch %d: %v, want ErrUnavailable and ErrLogFull", c, err)
			}
			refusedAfter = time.Since(stopped)
			break
		}
		acked[c] = true
		time.Sleep(100 * time.Millisecond)
	}
	if refusedAfter == 0 {
		t.Fatal("Appends were still acknowledged 40 s after a shard went down")
	}
	if refusedAfter < 3*time.Second {
		t.Fatalf("refused %s after the shard went down, before the 3 s bound", refusedAfter)
	}
	if _, err := s.Append(ctx, walBatch(c)); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a second Append past the bound: %v, want ErrUnavailable", err)
	}
	clusterScript(t, "start-node", "2")
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := s.Append(ctx, walBatch(c))
		if err == nil {
			acked[c] = true
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Appends still refused 60 s after the shard returned: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	ids := map[string]int{}
	n := 0
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		ids[string(r.Props)]++
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for c := range acked {
		for _, r := range walBatch(c) {
			if ids[string(r.Props)] != 1 {
				t.Fatalf("acknowledged row %s exported %d times", r.Props, ids[string(r.Props)])
			}
		}
	}
	if n != 50*len(acked) {
		t.Fatalf("%d rows exported, want %d (the acknowledged ones)", n, 50*len(acked))
	}
	if p := physicalCount(t, s); p != int64(n) {
		t.Fatalf("the cluster holds %d rows for %d distinct ones", p, n)
	}
	t.Logf("%d batches acknowledged while the shard was down; refused %s after it went down; all stored once", len(acked)-4, refusedAfter.Round(100*time.Millisecond))

	// The size bound: with nothing shipped, the log takes Appends until it
	// holds more than wal_max_bytes.
	dir2 := t.TempDir()
	cfg.WALDir, cfg.WALMaxBytes, cfg.WALMaxDown = filepath.Join(dir2, "chlog"), 20_000, time.Minute
	walTestHook = func(l *wal) { l.holdShip = true }
	s2 := openDirCfg(t, dir2, cfg)
	walTestHook = nil
	defer s2.Close()
	var err error
	k := 0
	for ; k < 100 && err == nil; k++ {
		_, err = s2.Append(ctx, walBatch(k))
	}
	if !errors.Is(err, ErrLogFull) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a log over its size bound: %v after %d batches, want ErrLogFull", err, k)
	}
	if lb := logBytes(t, cfg.WALDir); lb < 20_000 || lb > 40_000 {
		t.Fatalf("the log holds %d bytes; its bound is 20,000 (one batch over it at most)", lb)
	}
	s2.log.mu.Lock()
	s2.log.holdShip = false
	s2.log.mu.Unlock()
	if err := s2.syncLog(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Append(ctx, walBatch(k)); err != nil {
		t.Fatalf("after the log was shipped: %v", err)
	}
}

// filesUnder returns the files under dir that contain one of needles.
func filesUnder(dir string, needles ...string) []string {
	var hits []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				hits = append(hits, path)
				break
			}
		}
		return nil
	})
	return hits
}

// TestWALPurgeNoResidue: a user's events, with unique values, are only
// in the local log (nothing shipped: found there, the positive control)
// when their erasure is asked for; the shipper is let go just before it.
// The purge waits for the log to be shipped before its mutations, so
// afterwards the values are nowhere: not in the log's directory, not
// under the cluster's directory (data, mutation files, logs).
func TestWALPurgeNoResidue(t *testing.T) {
	if os.Getenv("SIEVE_CH_DIR") == "" {
		t.Skip("SIEVE_CH_DIR is not set (scripts/clickhouse-cluster env)")
	}
	dir := t.TempDir()
	walTestHook = func(l *wal) { l.holdShip = true }
	s := openDirWAL(t, dir)
	walTestHook = nil
	defer s.Close()
	ctx := context.Background()
	victim, secret := canary(t), canary(t)
	var rows []event.Row
	for i := range 30 {
		user, props := "keeper", `{"n":1}`
		if i%3 == 0 {
			user, props = victim, `{"note":"`+secret+`"}`
		}
		ins := canary(t)
		if i%2 == 1 {
			ins = ""
		}
		rows = append(rows, event.Row{ProjectID: 1, Time: base + int64(i)*3_600_000*5, Name: "e", DistinctID: user, InsertID: ins, Props: []byte(props)})
	}
	if _, err := s.Append(ctx, rows); err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(dir, "chlog")
	if hits := filesUnder(logDir, secret, victim); len(hits) == 0 {
		t.Fatal("positive control: the values are not in the log before the purge")
	}
	if hits := filesHolding(t, secret); len(hits) != 0 {
		t.Fatalf("the values reached the cluster before the log was shipped: %v", hits)
	}
	s.log.mu.Lock()
	s.log.holdShip = false
	s.log.mu.Unlock()
	rule := store.PurgeRule{Project: 1, From: store.AllTimeFrom, To: store.AllTimeTo, DistinctIDs: []string{victim}, DeleteEvents: true, EraseProfiles: true}
	if err := s.Seal(ctx); err != nil { // as package purge does before a job
		t.Fatal(err)
	}
	er, err := s.PurgeEvents(ctx, store.PurgeJob{ID: "w1", Rules: []store.PurgeRule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	var deleted int64
	for _, p := range er.Partitions {
		deleted += p.RowsDeleted
	}
	if deleted != 10 || er.Remaining != 0 {
		t.Fatalf("purge: %d deleted, %d remaining; want 10, 0", deleted, er.Remaining)
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := s.WaitObsolete(wctx); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Export(ctx, store.ExportQuery{ProjectID: 1, From: 0, To: 1 << 62}, func(r *event.Row) error {
		if r.DistinctID != "keeper" {
			t.Errorf("an event of the erased user is exported")
		}
		n++
		return nil
	}); err != nil || n != 20 {
		t.Fatalf("export after the purge: %d rows (want 20), %v", n, err)
	}
	if hits := append(filesUnder(logDir, secret, victim), filesHolding(t, secret, victim)...); len(hits) > 0 {
		t.Fatalf("purged values are still on disk in %v", hits)
	}
}

// TestWALTornTail: a record cut off by a crash during its write (never
// acknowledged) and one whose bytes changed end what is read back of a
// segment; the file is cut after the last whole record, whose rows
// (keys and nodups) read back as written. No cluster needed.
func TestWALTornTail(t *testing.T) {
	dir := t.TempDir()
	var recs [][]byte
	for c := range 3 {
		var w rbWriter
		for _, r := range walBatch(c) {
			w.event(&r, 7)
		}
		var h [9]byte
		binary.LittleEndian.PutUint32(h[:], uint32(len(w.b)))
		binary.LittleEndian.PutUint32(h[4:], crc32.Checksum(w.b, crcTable))
		h[8] = walChecked
		recs = append(recs, append(h[:], w.b...))
	}
	whole := len(recs[0]) + len(recs[1])
	for name, tail := range map[string][]byte{
		"torn":    recs[2][:len(recs[2])/2],
		"damaged": append(append([]byte{}, recs[2][:40]...), append([]byte{recs[2][40] ^ 1}, recs[2][41:]...)...),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, segName(5))
			if err := os.WriteFile(p, slices.Concat(recs[0], recs[1], tail), 0o600); err != nil {
				t.Fatal(err)
			}
			l := &wal{dir: dir}
			size, keys, err := l.recoverSegment(5)
			if err != nil {
				t.Fatal(err)
			}
			if size != int64(whole) {
				t.Fatalf("read back %d bytes, want the two whole records' %d", size, whole)
			}
			if fi, _ := os.Stat(p); fi.Size() != int64(whole) {
				t.Fatalf("the file is %d bytes after recovery, want %d", fi.Size(), whole)
			}
			if len(keys) != 50 { // 25 keyed rows per batch, two batches
				t.Fatalf("%d keys read back, want 50", len(keys))
			}
			rows, err := walRows(recs[1][9:])
			if err != nil || len(rows) != 50 || rows[1].nodup == "" || rows[0].nodup != "" || rows[0].key.insertID != "w50" ||
				!bytes.Equal(rows[49].raw[len(rows[49].raw)-16-len(`{"i":99}`):len(rows[49].raw)-16], []byte(`{"i":99}`)) {
				t.Fatalf("rows read back: %d, %v", len(rows), err)
			}
		})
	}
}
