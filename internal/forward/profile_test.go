package forward

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
)

// TestProfileUpdatesForwardedInOrder: events, people and group updates
// queued together go to /import, /engage and /groups in outbox order (one
// request per run of one endpoint), one /engage object per operation; to
// PostHog, updates from /engage become $set events and those a stored
// event carries are not sent twice.
func TestProfileUpdatesForwardedInOrder(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths = append(paths, r.URL.Path+"?"+r.URL.RawQuery)
		if r.Header.Get("Content-Encoding") == "" {
			bodies = append(bodies, string(b))
		}
		mu.Unlock()
		w.Write([]byte(`{"status":1,"error":null}`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	f, cancel, done := newTest(t, dir)
	defer func() { cancel(); <-done }()
	if _, err := f.Set(context.Background(), 1, []Destination{{Name: "mp", Kind: KindMixpanel, Host: srv.URL, Token: "tok"}}); err != nil {
		t.Fatal(err)
	}
	people := []event.ProfileRow{
		{ProjectID: 1, Kind: event.People, ID: "alice", Time: 1_700_000_000_000, Ops: []event.ProfileOpRow{
			{Op: event.OpSet, Value: []byte(`{"plan":"pro"}`)}, {Op: event.OpAdd, Value: []byte(`{"seats":2}`)}}},
		{ProjectID: 1, Kind: event.People, ID: "bob", MergeFrom: "anon"}, // a merge alone: nothing for /engage
		{ProjectID: 1, Kind: event.Group, GroupKey: "company", ID: "acme", Time: 1_700_000_000_001, Ops: []event.ProfileOpRow{
			{Op: event.OpSet, Value: []byte(`{"name":"Acme"}`)}}},
	}
	if err := f.Append(rows(1, 0, 2, nil), people[:2]); err != nil {
		t.Fatal(err)
	}
	if err := f.Append(rows(1, 2, 1, nil), people[2:]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return f.List(1)[0].Queued == 0 })
	mu.Lock()
	defer mu.Unlock()
	want := []string{"/import?strict=1", "/engage?verbose=1", "/import?strict=1", "/groups?verbose=1"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Fatalf("requests %v, want %v", paths, want)
	}
	var engage []map[string]any
	if err := json.Unmarshal([]byte(bodies[0]), &engage); err != nil || len(engage) != 2 {
		t.Fatalf("engage body %s: %v", bodies[0], err)
	}
	if engage[0]["$distinct_id"] != "alice" || engage[0]["$token"] != "tok" || engage[0]["$ip"] != "0" ||
		engage[0]["$time"] != float64(1_700_000_000_000) || engage[0]["$set"] == nil || engage[1]["$add"] == nil {
		t.Errorf("engage objects: %v", engage)
	}
	if !strings.Contains(bodies[1], `"$group_key":"company"`) || !strings.Contains(bodies[1], `"$group_id":"acme"`) {
		t.Errorf("groups body: %s", bodies[1])
	}

	// PostHog.
	recs := []Record{
		profileRecord(&people[0], 0),
		profileRecord(&event.ProfileRow{Kind: event.People, ID: "carol", Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"x":1}`)}}, FromEvent: true}, 0),
		profileRecord(&people[2], 0),
	}
	b, err := EncodePostHog("key", recs)
	if err != nil {
		t.Fatal(err)
	}
	var ph struct {
		Batch []map[string]any `json:"batch"`
	}
	json.Unmarshal(b, &ph)
	if len(ph.Batch) != 2 || ph.Batch[0]["event"] != "$set" || ph.Batch[1]["event"] != "$groupidentify" {
		t.Fatalf("PostHog batch: %s", b)
	}
	p0 := ph.Batch[0]["properties"].(map[string]any)
	if p0["$set"] == nil || p0["$add"] != nil || ph.Batch[0]["uuid"] != UUIDOf(recs[0].InsertID) {
		t.Errorf("PostHog $set event: %v", ph.Batch[0])
	}
	p1 := ph.Batch[1]["properties"].(map[string]any)
	if p1["$group_type"] != "company" || p1["$group_key"] != "acme" || p1["$group_set"] == nil {
		t.Errorf("PostHog $groupidentify event: %v", ph.Batch[1])
	}
}

// TestPurgeReachesQueuedProfiles: a GDPR-style erase deletes a person's
// queued updates; profile paths leave every queued update's arguments.
func TestPurgeReachesQueuedProfiles(t *testing.T) {
	dir := t.TempDir()
	f, cancel, done := newTest(t, dir)
	defer func() { cancel(); <-done }()
	if _, err := f.Set(context.Background(), 1, []Destination{{Name: "mp", Kind: KindMixpanel, Host: "http://127.0.0.1:32001", Token: "t"}}); err != nil {
		t.Fatal(err)
	}
	ps := []event.ProfileRow{
		{ProjectID: 1, Kind: event.People, ID: "gone", Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"name":"erase-me-1f"}`)}}},
		{ProjectID: 1, Kind: event.People, ID: "kept", Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"pin":"pin-canary-77","plan":"pro"}`)},
			{Op: event.OpUnset, Value: []byte(`["x"]`)}}},
		{ProjectID: 1, Kind: event.Group, GroupKey: "c", ID: "gone", Ops: []event.ProfileOpRow{{Op: event.OpSet, Value: []byte(`{"pin":"pin-canary-78"}`)}}},
	}
	if err := f.Append(nil, ps); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"erase-me-1f", "pin-canary-77", "pin-canary-78"} {
		if len(outboxHits(t, dir, c)) == 0 {
			t.Fatalf("%s should be queued before the purge", c)
		}
	}
	n, err := f.Purge([]Rule{{Project: 1, From: -1 << 62, To: 1 << 62, DistinctIDs: []string{"gone"}, EraseProfiles: true, DeleteEvents: true},
		{Project: 1, From: -1 << 62, To: 1 << 62, ProfilePaths: []string{"pin"}}})
	if err != nil || n != 3 {
		t.Fatalf("purge changed %d (%v), want 3", n, err)
	}
	for _, c := range []string{"erase-me-1f", "pin-canary-77", "pin-canary-78"} {
		if hits := outboxHits(t, dir, c); len(hits) > 0 {
			t.Errorf("%s still queued after the purge: %v", c, hits)
		}
	}
	if len(outboxHits(t, dir, `"plan":"pro"`)) == 0 {
		t.Error("kept's update should stay queued without the purged path")
	}
}

// TestOutboxReadPosition: reading on from a record's position gives the
// same records as a scan; after a purge rewrote the segment the stale
// position is not used.
func TestOutboxReadPosition(t *testing.T) {
	o, err := openOutbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for _, r := range rows(1, 0, 100, nil) {
		recs = append(recs, Record{Time: r.Time, Name: r.Name, DistinctID: r.DistinctID, InsertID: r.InsertID, Props: r.Props})
	}
	if err := o.append(recs); err != nil {
		t.Fatal(err)
	}
	var got []Record
	read := func(after int64, at readPos) []int64 {
		got = got[:0]
		if _, err := o.read(after, at, 10, func(r Record) { got = append(got, r) }); err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, r := range got {
			seqs = append(seqs, r.Seq)
		}
		return seqs
	}
	first := read(0, readPos{})
	at := got[9].at
	if at.off == 0 || at.seq != 10 {
		t.Fatalf("position: %+v", at)
	}
	if s := read(10, at); s[0] != 11 || s[9] != 20 {
		t.Fatalf("read on from the position: %v (first %v)", s, first)
	}
	// A rewrite shortens the segment: the old offset would land mid-record.
	if _, err := o.purge(1, []Rule{{Project: 1, From: 0, To: 1 << 62, Paths: []string{"n"}}}); err != nil {
		t.Fatal(err)
	}
	if s := read(10, at); len(s) != 10 || s[0] != 11 || s[9] != 20 {
		t.Fatalf("read after a rewrite with the stale position: %v", s)
	}
}
