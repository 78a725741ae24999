package duckdb

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

// readLinkFiles returns the rows "dev>usr@time" of every link file of a
// project in the current version, sorted, and checks that the manifest's
// counts match the files.
func readLinkFiles(t *testing.T, s *Store, project int64) []string {
	t.Helper()
	v := s.acquire()
	defer s.release(v)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for p, files := range v.parts {
		if p.project != project {
			continue
		}
		for _, f := range files {
			if !f.Linked {
				t.Fatalf("sealed file %d has no link file", f.Gen)
			}
			_, statErr := os.Stat(f.linksPath(s.dir, p))
			if f.LinkRows == 0 {
				if statErr == nil {
					t.Fatalf("file %d: a link file although the manifest says no links", f.Gen)
				}
				continue
			}
			rows, err := db.Query("SELECT dev, usr, time FROM read_parquet(" + quote(f.linksPath(s.dir, p)) + ")")
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for rows.Next() {
				var dev, usr string
				var tm int64
				if err := rows.Scan(&dev, &usr, &tm); err != nil {
					t.Fatal(err)
				}
				out = append(out, dev+">"+usr+"@"+time.UnixMilli(tm).UTC().Format("15:04:05"))
				n++
			}
			rows.Close()
			if n != f.LinkRows {
				t.Fatalf("file %d: %d link rows, manifest says %d", f.Gen, n, f.LinkRows)
			}
		}
	}
	slices.Sort(out)
	return out
}

func linkRow(p int64, at string, name, did, props string) event.Row {
	tm, _ := time.Parse(time.DateTime, "2026-03-01 "+at)
	return event.Row{ProjectID: p, Time: tm.UnixMilli(), Name: name, DistinctID: did, InsertID: name + did + at, Props: []byte(props)}
}

// TestLinkFiles: sealing writes per device the earliest link of the rows
// (ties: the smallest user), from identify, $device_id+$user_id and alias
// events, and nothing else; compaction merges the files' links the same
// way.
func TestLinkFiles(t *testing.T) {
	s := mustOpen(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	mustAppend(t, s, []event.Row{
		linkRow(1, "10:00:00", "$identify", "u-b", `{"$anon_distinct_id":"d1","$identified_id":"u-b"}`),
		linkRow(1, "10:00:00", "view", "u-a", `{"$device_id":"d1","$user_id":"u-a"}`), // tie: u-a < u-b
		linkRow(1, "11:00:00", "view", "u-0", `{"$device_id":"d1","$user_id":"u-0"}`), // later
		linkRow(1, "10:00:00", "$identify", "u-c", `{"$anon_distinct_id":"d2"}`),      // no $identified_id: distinct_id
		linkRow(1, "10:00:00", "$create_alias", "u-d", `{"alias":"al-1"}`),
		linkRow(1, "10:00:00", "view", "d3", `{"$device_id":"d3"}`),                 // no user: no link
		linkRow(1, "10:00:00", "view", "u-e", `{"$device_id":"","$user_id":"u-e"}`), // empty: no link
		linkRow(1, "10:00:00", "view", "x", `{"$device_id":1,"$user_id":"u-f"}`),    // not a string: no link
		linkRow(2, "10:00:00", "view", "u-z", `{"$device_id":"d9","$user_id":"u-z"}`),
	})
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"al-1>u-d@10:00:00", "d1>u-a@10:00:00", "d2>u-c@10:00:00"}
	if got := readLinkFiles(t, s, 1); !slices.Equal(got, want) {
		t.Fatalf("links after seal:\n got %v\nwant %v", got, want)
	}
	// A second file with an earlier link of d1 and a new device; the
	// query reads both files' links and takes the earliest.
	mustAppend(t, s, []event.Row{
		linkRow(1, "09:00:00", "view", "u-z", `{"$device_id":"d1","$user_id":"u-z"}`),
		linkRow(1, "12:00:00", "view", "u-y", `{"$device_id":"d4","$user_id":"u-y"}`),
		// Events of linked devices and of their users: one user each.
		linkRow(1, "13:00:00", "anon", "d1", `{"$device_id":"d1"}`),
		linkRow(1, "13:00:00", "anon", "u-z", `{"$user_id":"u-z"}`),
		linkRow(1, "13:00:00", "anon", "d2", `{}`),
		linkRow(1, "13:00:00", "anon", "u-c", `{"$user_id":"u-c"}`),
		linkRow(1, "13:00:00", "anon", "al-1", `{}`),
		linkRow(1, "13:00:00", "anon", "u-d", `{}`),
	})
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	// The first file's row and the second seal: the size-tiered merge may
	// fold them into one file; either way each file holds its earliest.
	got := readLinkFiles(t, s, 1)
	if !slices.Contains(got, "d1>u-z@09:00:00") || !slices.Contains(got, "d4>u-y@12:00:00") {
		t.Fatalf("links after second seal: %v", got)
	}
	if _, err := s.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	s.compactAll(t)
	want = []string{"al-1>u-d@10:00:00", "d1>u-z@09:00:00", "d2>u-c@10:00:00", "d4>u-y@12:00:00"}
	if got := readLinkFiles(t, s, 1); !slices.Equal(got, want) {
		t.Fatalf("links after compaction:\n got %v\nwant %v", got, want)
	}
	if got := readLinkFiles(t, s, 2); !slices.Equal(got, []string{"d9>u-z@10:00:00"}) {
		t.Fatalf("project 2's links: %v", got)
	}
	// Unique users of "anon": d1 is u-z (its earliest link, not u-a),
	// d2 is u-c, al-1 is u-d.
	q := &query.Query{Kind: query.Trends, From: "2026-03-01", To: "2026-03-01", Series: []query.Series{{Event: "anon", Math: query.Unique}}}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, _, err := query.Run(ctx, s, query.Project{ID: 1, Location: time.UTC}, q)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Trends.Series[0].Values[0]; n != 3 {
		t.Fatalf("unique users = %v, want 3", n)
	}
}

// compactAll compacts every partition with more than one file.
func (s *Store) compactAll(t *testing.T) {
	t.Helper()
	if _, _, err := s.compactPass(context.Background(), true); err != nil {
		t.Fatal(err)
	}
}

// openLegacyBackfilled is openLegacy, reopened with the link backfill on:
// the answers are the same once every file has its link file.
func openLegacyBackfilled(t *testing.T, d querytest.Data) query.Backend {
	s := openLegacy(t, d).(*Store)
	dir := s.dir
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	waitLinked(t, s)
	return s
}

// waitLinked waits until every sealed file of s has its link file.
func waitLinked(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		v := s.acquire()
		left := 0
		for _, files := range v.parts {
			for _, f := range files {
				if !f.Linked {
					left++
				}
			}
		}
		s.release(v)
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sealed files still without link files", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQueryConformanceLinkBackfill: an old data directory (no identity
// columns, no link files) gets its link files written in the background,
// and the answers stay the same.
func TestQueryConformanceLinkBackfill(t *testing.T) {
	querytest.Run(t, openLegacyBackfilled)
}

// TestLinkFileMissing: a link file removed behind the store's back (a
// version without link files opened the directory) is forgotten at Open
// and written again; queries keep their answers meanwhile.
func TestLinkFileMissing(t *testing.T) {
	d := querytest.Dataset(t)
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	loadQueryData(t, s, d)
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	v := s.acquire()
	var removed []string
	for p, files := range v.parts {
		for _, f := range files {
			if f.LinkRows > 0 {
				removed = append(removed, f.linksPath(dir, p))
			}
		}
	}
	s.release(v)
	if len(removed) == 0 {
		t.Fatal("the dataset made no link file")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range removed {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	s1, err := Open(dir, Options{noLinkBackfill: true})
	if err != nil {
		t.Fatal(err)
	}
	v = s1.acquire()
	for p, files := range v.parts {
		for _, f := range files {
			if f.Linked && slices.Contains(removed, f.linksPath(dir, p)) {
				t.Errorf("file %d still counts as linked", f.Gen)
			}
		}
	}
	s1.release(v)
	querytest.Run(t, func(*testing.T, querytest.Data) query.Backend { return s1 })
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := mustOpen(t, dir, Options{})
	defer s2.Close()
	waitLinked(t, s2)
	querytest.Run(t, func(*testing.T, querytest.Data) query.Backend { return s2 })
	for _, f := range removed {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("link file not written again: %v", err)
		}
	}
	readLinkFiles(t, s2, querytest.ProjectID)
}

// purgeRows applies a purge rule to rows the way the store's purge means
// it: events of the distinct_ids deleted, top-level properties removed.
func purgeRows(t *testing.T, rows []event.Row, r PurgeRule) []event.Row {
	t.Helper()
	var out []event.Row
	for _, row := range rows {
		if slices.Contains(r.DistinctIDs, row.DistinctID) {
			continue
		}
		if len(r.Paths) > 0 {
			// A repeated key keeps its first value, as the store reads it
			// (purging removes keys, the first copy stays first).
			m, err := expr.DecodePropsNumber(row.Props)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range r.Paths {
				delete(m, p)
			}
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			row.Props = b
		}
		out = append(out, row)
	}
	return out
}

// TestQueryDifferentialPurge: random event sets with identify, alias and
// $device_id/$user_id links, two thirds sealed and purged (a distinct_id's
// events deleted, or an identity property removed), then the rest
// appended (active rows); every random query's answer equals the
// reference evaluator's over the same rows purged in Go.
func TestQueryDifferentialPurge(t *testing.T) {
	n := 16
	if testing.Short() {
		n = 4
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SIEVE_QUERY_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 7))
	props := [][]string{{"$user_id"}, {"$device_id"}, {"$anon_distinct_id", "$identified_id"}, {"alias"}, {"$device_id", "$user_id"}}
	for i := range n {
		rows := querytest.RandomEvents(r)
		if len(rows) < 3 {
			continue
		}
		profiles := querytest.RandomProfiles(r)
		cut := len(rows) * 2 / 3
		rule := PurgeRule{Project: querytest.ProjectID, From: AllTimeFrom, To: AllTimeTo}
		if r.IntN(2) == 0 {
			rule.DistinctIDs, rule.DeleteEvents = []string{rows[r.IntN(cut)].DistinctID}, true
		} else {
			rule.Paths = props[r.IntN(len(props))]
		}
		s := mustOpen(t, t.TempDir(), Options{SealBytes: 4 << 10})
		loadQueryData(t, s, querytest.Data{Rows: rows[:cut], Profiles: profiles})
		runPurge(t, s, fmt.Sprintf("job-%d", i), []PurgeRule{rule})
		mustAppend(t, s, rows[cut:])
		ref := reference.Backend{Rows: append(purgeRows(t, rows[:cut], rule), rows[cut:]...), Profiles: querytest.ProfileMap(profiles)}
		p := query.Project{ID: querytest.ProjectID, Location: time.UTC}
		if r.IntN(2) == 0 {
			p.Location, _ = time.LoadLocation("Europe/Berlin")
		}
		for range 5 {
			q := querytest.RandomQuery(r, rows)
			if err := q.Validate(); err != nil {
				t.Fatalf("random query invalid: %v", err)
			}
			doc, _ := json.Marshal(q)
			want, _, err := query.Run(context.Background(), ref, p, q)
			if err != nil {
				t.Fatalf("set %d: reference: %v\nquery %s", i, err, doc)
			}
			got, _, err := query.Run(context.Background(), s, p, q)
			if err != nil {
				t.Fatalf("set %d: store: %v\nquery %s", i, err, doc)
			}
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			if d := querytest.Diff(wj, gj); d != "" {
				t.Fatalf("set %d (purge %+v): %s\nquery %s\nwant %s\ngot  %s", i, rule, d, doc, wj, gj)
			}
		}
		s.Close()
	}
}

// TestLinkFilesInBackup: a backup copies the link files with their sealed
// files; the restored store reads them (no backfill) and answers the same.
func TestLinkFilesInBackup(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, filepath.Join(dir, "store"), Options{})
	loadQueryData(t, s, querytest.Dataset(t))
	if err := s.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := readLinkFiles(t, s, querytest.ProjectID)
	if len(want) == 0 {
		t.Fatal("the dataset made no links")
	}
	dest := filepath.Join(dir, "backup")
	if _, err := s.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, dest, Options{noLinkBackfill: true})
	defer r.Close()
	if got := readLinkFiles(t, r, querytest.ProjectID); !slices.Equal(got, want) {
		t.Fatalf("restored links differ:\n got %v\nwant %v", got, want)
	}
	querytest.Run(t, func(*testing.T, querytest.Data) query.Backend { return r })
}

// lockedBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLinkFileErrorQuotesNoValue: when DuckDB fails while writing a link
// file on a row's value (injected: the device id cast to an integer, a
// conversion error whose message quotes the value), neither the seal's
// logged error nor a purge's returned error holds the value, no temporary
// file is left, and nothing is installed; once the failure is gone the
// seal retried in the background succeeds.
func TestLinkFileErrorQuotesNoValue(t *testing.T) {
	dir := t.TempDir()
	var logs lockedBuffer
	s := mustOpen(t, dir, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	defer s.Close()
	ctx := context.Background()
	secret := canary("dev")
	failing := func(rel string) string {
		return "(SELECT * REPLACE (CAST(CAST(device_id AS INTEGER) AS VARCHAR) AS device_id) FROM " + rel + ")"
	}
	// Positive control: DuckDB's own message quotes the value.
	var v sql.NullString
	err := s.db.QueryRowContext(ctx, "SELECT max(device_id) FROM "+failing("(SELECT "+quote(secret)+" AS device_id)")).Scan(&v)
	if err == nil || !strings.Contains(err.Error(), secret) {
		t.Fatalf("the injected failure does not quote the value: %v", err)
	}
	tmpLeft := func() []string {
		var left []string
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(path, tmpSuffix) {
				left = append(left, path)
			}
			return nil
		})
		return left
	}
	s.testLinkRel.Store(&failing)
	mustAppend(t, s, []event.Row{
		linkRow(1, "10:00:00", "view", "u-1", `{"$device_id":"`+secret+`","$user_id":"u-1"}`),
		linkRow(1, "10:01:00", "view", "u-2", `{"$device_id":"d-2","$user_id":"u-2"}`),
	})
	sctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	err = s.Seal(sctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("seal with a failing link file: %v", err)
	}
	if l := logs.String(); !strings.Contains(l, "seal active file") || !strings.Contains(l, "write link file: duckdb error") || !strings.Contains(l, "message withheld") || strings.Contains(l, secret) {
		t.Fatalf("seal's log, want the error without the value:\n%s", l)
	}
	if s.Stats().SealedFiles != 0 {
		t.Fatal("a file was installed although its link file failed")
	}
	if left := tmpLeft(); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// The failure gone, the sealer's retry succeeds.
	s.testLinkRel.Store(nil)
	sctx, cancel = context.WithTimeout(ctx, time.Minute)
	err = s.Seal(sctx)
	cancel()
	if err != nil {
		t.Fatalf("seal after the failure: %v; log:\n%s", err, logs.String())
	}
	if got := readLinkFiles(t, s, 1); !slices.Equal(got, []string{secret + ">u-1@10:00:00", "d-2>u-2@10:01:00"}) {
		t.Fatalf("links after the retried seal: %v", got)
	}
	// A purge whose new link file fails: its error holds no value, and
	// the partition keeps its files.
	before := s.PartitionFiles(1, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	s.testLinkRel.Store(&failing)
	_, err = s.PurgeEvents(ctx, PurgeJob{ID: "job-fail", Rules: []PurgeRule{{Project: 1, DistinctIDs: []string{"u-2"}, DeleteEvents: true, From: AllTimeFrom, To: AllTimeTo}}})
	s.testLinkRel.Store(nil)
	if err == nil || !strings.Contains(err.Error(), "write link file: duckdb error") || !strings.Contains(err.Error(), "message withheld") || strings.Contains(err.Error(), secret) {
		t.Fatalf("purge with a failing link file: %v", err)
	}
	if after := s.PartitionFiles(1, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); !slices.Equal(before, after) {
		t.Errorf("partition files %v -> %v after a failed purge", before, after)
	}
	if left := tmpLeft(); len(left) != 0 {
		t.Errorf("temporary files left after the purge: %v", left)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the log quotes the value")
	}
}
