package forward

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// standIn answers like Mixpanel's /import: strict replies, a 413 above
// maxBatch records, a 429 with Retry-After for the first `throttle`
// requests, and records whose "bad" property is true listed as
// failed_records (the others imported).
type standIn struct {
	mu       sync.Mutex
	maxBatch int
	throttle int
	requests []int // batch sizes, in order
	auth     []string
	got      []string // $insert_ids imported, in order
	times    []time.Time
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = append(s.times, time.Now())
	u, p, _ := r.BasicAuth()
	s.auth = append(s.auth, u+":"+p)
	if r.URL.Path != "/import" || r.URL.Query().Get("strict") != "1" || r.Header.Get("Content-Encoding") != "gzip" {
		http.Error(w, "want POST /import?strict=1 gzipped", 400)
		return
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		http.Error(w, "not gzip", 400)
		return
	}
	var recs []struct {
		Event      string         `json:"event"`
		Properties map[string]any `json:"properties"`
	}
	if b, _ := io.ReadAll(zr); json.Unmarshal(b, &recs) != nil {
		http.Error(w, "not a JSON array", 400)
		return
	}
	s.requests = append(s.requests, len(recs))
	if s.throttle > 0 {
		s.throttle--
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(429)
		return
	}
	if len(recs) > s.maxBatch {
		w.WriteHeader(413)
		return
	}
	var failed []map[string]any
	for i, rec := range recs {
		if rec.Properties["bad"] == true {
			failed = append(failed, map[string]any{"index": i, "$insert_id": rec.Properties["$insert_id"], "field": "properties.bad", "message": "refused"})
			continue
		}
		s.got = append(s.got, rec.Properties["$insert_id"].(string))
	}
	w.Header().Set("Content-Type", "application/json")
	if failed != nil {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]any{"code": 400, "error": "some data points in the request failed validation", "failed_records": failed, "num_records_imported": len(recs) - len(failed), "status": "Bad Request"})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"code": 200, "num_records_imported": len(recs), "status": "OK"})
}

func newTest(t *testing.T, dir string) (*Forwarder, context.CancelFunc, chan error) {
	t.Helper()
	f, err := New(Options{Dir: dir, AllowPrivate: true, BatchSize: 40, MinBackoff: 10 * time.Millisecond, MaxBackoff: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	return f, cancel, done
}

func rows(project int64, from, n int, bad func(int) bool) []event.Row {
	var out []event.Row
	for i := from; i < from+n; i++ {
		props := fmt.Sprintf(`{"n":%d,"bad":%v}`, i, bad != nil && bad(i))
		out = append(out, event.Row{ProjectID: project, Time: 1_700_000_000_000 + int64(i), Name: "e", DistinctID: "u",
			InsertID: fmt.Sprintf("id-%04d", i), Props: []byte(props)})
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeliveryRetriesHalvesAndSkips: 429 with Retry-After is waited out,
// 413 halves the batch until it fits, strict-mode failed records are
// skipped and counted, and every other record arrives once, in order,
// with the service account's credentials.
func TestDeliveryRetriesHalvesAndSkips(t *testing.T) {
	s := &standIn{maxBatch: 15, throttle: 1}
	srv := httptest.NewServer(s)
	defer srv.Close()
	f, cancel, done := newTest(t, t.TempDir())
	defer func() { cancel(); <-done }()
	_, err := f.Set(context.Background(), 7, []Destination{{Name: "mp", Kind: KindMixpanel, Host: srv.URL,
		Token: "tok-0123456789abcdef", ServiceAccount: "sa.user", Secret: "sa-secret-0123456789", MixpanelProject: "42"}})
	if err != nil {
		t.Fatal(err)
	}
	bad := func(i int) bool { return i%25 == 24 }
	if err := f.Append(rows(7, 0, 100, bad), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Append(rows(8, 0, 5, nil), nil); err != nil { // a project without destinations
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { v := f.List(7)[0]; return v.Cursor == 100 })
	s.mu.Lock()
	defer s.mu.Unlock()
	var want []string
	for i := 0; i < 100; i++ {
		if !bad(i) {
			want = append(want, fmt.Sprintf("id-%04d", i))
		}
	}
	if strings.Join(s.got, ",") != strings.Join(want, ",") {
		t.Errorf("imported\n%v\nwant\n%v", s.got, want)
	}
	if s.requests[0] != 40 || s.requests[1] != 40 || s.requests[2] != 20 || s.requests[3] != 10 {
		t.Errorf("batch sizes %v: want 40 (429), 40 (413), 20 (413), 10, ...", s.requests)
	}
	if gap := s.times[1].Sub(s.times[0]); gap < 900*time.Millisecond {
		t.Errorf("Retry-After: 1 was not waited out (%v)", gap)
	}
	for _, a := range s.auth {
		if a != "sa.user:sa-secret-0123456789" {
			t.Fatalf("auth %q", a)
		}
	}
	v := f.List(7)[0]
	if v.Skipped != 4 || v.Queued != 0 || v.Secret != "****6789" || v.Token != "****cdef" {
		t.Errorf("state %+v", v)
	}
}

// TestOutboxSurvivesRestartAndTornTail: records not yet delivered are sent
// after a restart; a torn last line (a crash mid-write) is cut.
func TestOutboxSurvivesRestartAndTornTail(t *testing.T) {
	dir := t.TempDir()
	s := &standIn{maxBatch: 1000}
	srv := httptest.NewUnstartedServer(s) // not listening yet: nothing is delivered
	f, cancel, done := newTest(t, dir)
	if _, err := f.Set(context.Background(), 1, []Destination{{Name: "sv", Kind: KindSieve, Host: "http://127.0.0.1:18850", Token: "sieve-token"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.Append(rows(1, 0, 30, nil), nil); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(dir, "outbox", "1", fmt.Sprintf("%020d.log", 1))
	fh, err := os.OpenFile(seg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(`{"s":31,"t":1,"e":"torn"`)
	fh.Close()

	l, err := newListener("127.0.0.1:18850")
	if err != nil {
		t.Skip("port 18850 busy:", err)
	}
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	f, cancel, done = newTest(t, dir)
	defer func() { cancel(); <-done }()
	if err := f.Append(rows(1, 30, 5, nil), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery after restart", func() bool { return f.List(1)[0].Cursor == 35 })
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) != 35 || s.got[0] != "id-0000" || s.got[34] != "id-0034" {
		t.Errorf("got %d records: %v", len(s.got), s.got)
	}
	if s.auth[0] != "sieve-token:" {
		t.Errorf("a sieve destination authenticates with its token: %q", s.auth[0])
	}
	s.mu.Unlock()

	// Delivered records do not linger in the outbox, and the numbering
	// survives a restart after the outbox emptied.
	waitFor(t, "the delivered segment removed", func() bool { return len(outboxHits(t, dir, "id-00")) == 0 })
	cancel()
	<-done
	f, cancel, done = newTest(t, dir)
	if err := f.Append(rows(1, 35, 2, nil), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery after the second restart", func() bool { return f.List(1)[0].Cursor == 37 })
	s.mu.Lock()
	if len(s.got) != 37 || s.got[36] != "id-0036" {
		t.Errorf("got %d records after the second restart", len(s.got))
	}
	s.mu.Unlock()
	// Removing the destinations removes the outbox.
	if _, err := f.Set(context.Background(), 1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "outbox", "1")); !os.IsNotExist(err) {
		t.Errorf("outbox of a project without destinations: %v", err)
	}
	s.mu.Lock()
}

// outboxHits lists the outbox files that contain s.
func outboxHits(t *testing.T, dir, s string) []string {
	var hits []string
	_ = filepath.Walk(filepath.Join(dir, "outbox"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), s) {
				hits = append(hits, p)
			}
		}
		return nil
	})
	return hits
}

// TestSecretsSealedAndValidated: destinations.json holds no secret in the
// clear; another key file cannot open it; internal hosts are refused
// unless allowed; bad kinds and names are refused.
func TestSecretsSealedAndValidated(t *testing.T) {
	dir := t.TempDir()
	f, err := New(Options{Dir: dir, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	const tok, sec = "tok-visible-canary-1", "secret-visible-canary-2"
	if _, err := f.Set(context.Background(), 3, []Destination{{Name: "a", Kind: KindMixpanel, Host: "https://api.mixpanel.com", Token: tok, Secret: sec}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "destinations.json"))
	if strings.Contains(string(b), tok) || strings.Contains(string(b), sec) || !strings.Contains(string(b), "token_sealed") {
		t.Fatalf("destinations.json: %s", b)
	}
	g, err := New(Options{Dir: dir})
	if err != nil || g.List(3)[0].Secret != "****ry-2" {
		t.Fatalf("reopen: %v %+v", err, g.List(3))
	}
	if err := os.WriteFile(filepath.Join(dir, "key"), make([]byte, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Dir: dir}); err == nil || strings.Contains(err.Error(), sec) {
		t.Fatalf("another key opened the secrets: %v", err)
	}

	strict, err := New(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Destination{
		{Name: "lo", Kind: KindPostHog, Host: "http://127.0.0.1:8000", Token: "k"},
		{Name: "meta", Kind: KindPostHog, Host: "http://169.254.169.254", Token: "k"},
		{Name: "x", Kind: "segment", Host: "https://example.com", Token: "k"},
		{Name: "bad name", Kind: KindPostHog, Host: "https://example.com", Token: "k"},
		{Name: "nt", Kind: KindPostHog, Host: "https://example.com"},
		{Name: "ph", Kind: KindPostHog, Host: "https://example.com", Token: "k", Secret: sec},
		{Name: "cred", Kind: KindSieve, Host: "https://user:" + sec + "@example.com", Token: "k"},
		{Name: "query", Kind: KindSieve, Host: "https://example.com/?key=" + sec, Token: "k"},
	} {
		_, err := strict.Set(context.Background(), 1, []Destination{d})
		if !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), sec) {
			t.Errorf("%+v: %v", d, err)
		}
		if d.Name == "lo" && !strings.Contains(err.Error(), "--webhook-allow-private") {
			t.Errorf("an internal host should say how to allow it: %v", err)
		}
	}
}

// TestEncoders: Mixpanel's body carries time, distinct_id, $insert_id and
// token in the properties; PostHog's a stable uuid and the timestamp.
func TestEncoders(t *testing.T) {
	recs := []Record{{Time: 1_700_000_000_123, Name: "Signed up", DistinctID: "u1", InsertID: "abc", Props: []byte(`{"plan":"pro"}`)}}
	b, err := EncodeMixpanel("T", recs)
	if err != nil {
		t.Fatal(err)
	}
	var mp []struct {
		Event      string
		Properties map[string]any
	}
	if err := json.Unmarshal(b, &mp); err != nil || mp[0].Event != "Signed up" || mp[0].Properties["time"] != 1_700_000_000_123.0 ||
		mp[0].Properties["$insert_id"] != "abc" || mp[0].Properties["token"] != "T" || mp[0].Properties["plan"] != "pro" {
		t.Errorf("mixpanel: %s %v", b, err)
	}
	b, _ = EncodePostHog("K", recs)
	var ph struct {
		APIKey string `json:"api_key"`
		Batch  []map[string]any
	}
	if err := json.Unmarshal(b, &ph); err != nil || ph.APIKey != "K" || ph.Batch[0]["timestamp"] != "2023-11-14T22:13:20.123Z" ||
		ph.Batch[0]["uuid"] != UUIDOf("abc") || len(UUIDOf("abc")) != 36 {
		t.Errorf("posthog: %s %v", b, err)
	}
	if u := "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"; UUIDOf(u) != strings.ToLower(u) {
		t.Errorf("a uuid is kept: %s", UUIDOf(u))
	}
	if got := mixpanelInsertID(strings.Repeat("x", 40)); len(got) != 32 || got != mixpanelInsertID(strings.Repeat("x", 40)) {
		t.Errorf("long $insert_id: %q", got)
	}
}

func newListener(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

// TestPurgeReachesQueuedEvents: a purge rewrites the outbox while the
// destination is down: deleted events and removed properties are gone
// from the files and are never sent.
func TestPurgeReachesQueuedEvents(t *testing.T) {
	dir := t.TempDir()
	const canary = "queued-canary-5e2"
	f, cancel, done := newTest(t, dir)
	defer func() { cancel(); <-done }()
	l, err := newListener("127.0.0.1:18851")
	if err != nil {
		t.Skip("port 18851 busy:", err)
	}
	l.Close() // down for now
	if _, err := f.Set(context.Background(), 2, []Destination{{Name: "mp", Kind: KindMixpanel, Host: "http://127.0.0.1:18851", Token: "t"}}); err != nil {
		t.Fatal(err)
	}
	var rs []event.Row
	for i := 0; i < 20; i++ {
		rs = append(rs, event.Row{ProjectID: 2, Time: 1_700_000_000_000 + int64(i), Name: "e", DistinctID: fmt.Sprintf("u%d", i%2),
			InsertID: fmt.Sprintf("id-%04d", i), Props: []byte(fmt.Sprintf(`{"n":%d,"leak":%q,"keep":"k"}`, i, canary))})
	}
	if err := f.Append(rs, nil); err != nil {
		t.Fatal(err)
	}
	if len(outboxHits(t, dir, canary)) == 0 {
		t.Fatal("the outbox should hold the queued values before the purge")
	}
	n, err := f.Purge([]Rule{
		{Project: 2, From: 0, To: 1 << 62, DistinctIDs: []string{"u1"}, DeleteEvents: true},
		{Project: 2, From: 0, To: 1 << 62, Paths: []string{"leak"}},
		{Project: 3, From: 0, To: 1 << 62, DeleteEvents: true},
	})
	if err != nil || n != 20 {
		t.Fatalf("purge changed %d queued events (%v), want 20", n, err)
	}
	if hits := outboxHits(t, dir, canary); len(hits) > 0 || len(outboxHits(t, dir, "id-0001")) > 0 {
		t.Fatalf("purged values or events left in the outbox: %v", hits)
	}
	s := &standIn{maxBatch: 1000}
	srv := httptest.NewUnstartedServer(s)
	if srv.Listener, err = newListener("127.0.0.1:18851"); err != nil {
		t.Skip("port 18851 taken meanwhile:", err)
	}
	srv.Start()
	defer srv.Close()
	waitFor(t, "delivery", func() bool { return f.List(2)[0].Queued == 0 })
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) != 10 {
		t.Errorf("delivered %v, want the 10 events of u0", s.got)
	}
	for _, id := range s.got {
		var i int
		fmt.Sscanf(id, "id-%d", &i)
		if i%2 == 1 {
			t.Errorf("a deleted event was sent: %s", id)
		}
	}
}

// TestStallRaisedOnceThenCleared: a destination failing every delivery for
// longer than StallAfter is reported once (its events stay queued) and is
// "ok" again after a success.
func TestStallRaisedOnceThenCleared(t *testing.T) {
	var mu sync.Mutex
	failing := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			w.WriteHeader(503)
			return
		}
		w.Write([]byte(`{"code":200,"status":"OK"}`))
	}))
	defer srv.Close()
	type stall struct {
		name   string
		queued int64
	}
	stalls := make(chan stall, 10)
	f, err := New(Options{Dir: t.TempDir(), AllowPrivate: true, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		StallAfter: 200 * time.Millisecond, OnStall: func(_ int64, name string, _ time.Time, queued int64) { stalls <- stall{name, queued} }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if _, err := f.Set(context.Background(), 1, []Destination{{Name: "ph", Kind: KindPostHog, Host: srv.URL, Token: "k"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.Append(rows(1, 0, 3, nil), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "failing", func() bool { return f.List(1)[0].State == "failing" })
	select {
	case s := <-stalls:
		if s.name != "ph" || s.queued != 3 {
			t.Errorf("stall %+v", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no stall reported")
	}
	if v := f.List(1)[0]; v.State != "stalled" || v.FailingSince == nil || v.Queued != 3 {
		t.Errorf("state %+v", v)
	}
	time.Sleep(300 * time.Millisecond)
	if len(stalls) != 0 {
		t.Errorf("the stall was reported %d more times", len(stalls))
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	waitFor(t, "recovery", func() bool { v := f.List(1)[0]; return v.State == "ok" && v.Queued == 0 })
}

// BenchmarkAppend50 measures what forwarding adds to one ingestion request
// of 50 events for a project with a destination: encoding and one fsync
// (docs/FORWARDING.md). Run: go test -run '^$' -bench Append ./internal/forward/
func BenchmarkAppend50(b *testing.B) {
	f, err := New(Options{Dir: b.TempDir(), AllowPrivate: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Set(context.Background(), 1, []Destination{{Name: "d", Kind: KindSieve, Host: "http://127.0.0.1:18852", Token: "t"}}); err != nil {
		b.Fatal(err)
	}
	rs := rows(1, 0, 50, nil)
	for i := range rs {
		rs[i].Props = []byte(`{"$browser":"Chrome","$current_url":"https://example.com/pricing?plan=pro","plan":"pro","n":1,"list":[1,2,3]}`)
	}
	other := rows(2, 0, 50, nil)
	b.Run("with-destination", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := f.Append(rs, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("without-destination", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := f.Append(other, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestKeepSecrets: a destination sent again with keep_secrets and empty
// token/secret keeps the stored ones (what the web UI's editor sends for a
// destination whose secrets were not retyped); a typed one replaces; a
// changed kind or host, or an unknown name, is refused without the secret
// in the message; keep_secrets is never written to disk.
func TestKeepSecrets(t *testing.T) {
	dir := t.TempDir()
	f, err := New(Options{Dir: dir, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const tok, sec, tok2 = "keep-token-canary-0001", "keep-secret-canary-0002", "other-token-canary-0003"
	mp := Destination{Name: "mp", Kind: KindMixpanel, Host: "https://api.mixpanel.com", Token: tok, Secret: sec}
	ph := Destination{Name: "ph", Kind: KindPostHog, Host: "https://us.i.posthog.com", Token: tok2}
	if _, err := f.Set(ctx, 1, []Destination{mp, ph}); err != nil {
		t.Fatal(err)
	}
	stored := func(name string) Destination {
		t.Helper()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, d := range f.dests[1] {
			if d.Name == name {
				return d
			}
		}
		t.Fatalf("no destination %s", name)
		return Destination{}
	}
	// Keep both of mp's secrets, drop ph, add a new one.
	views, err := f.Set(ctx, 1, []Destination{
		{Name: "mp", Kind: KindMixpanel, Host: "https://api.mixpanel.com/", KeepSecrets: true},
		{Name: "sv", Kind: KindSieve, Host: "https://sieve.example.com", Token: "new-token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := stored("mp"); d.Token != tok || d.Secret != sec || d.KeepSecrets {
		t.Fatalf("kept: %+v", d)
	}
	if len(views) != 2 || views[0].Token != "****0001" || views[0].Secret != "****0002" {
		t.Fatalf("views: %+v", views)
	}
	// A typed token replaces; the empty secret is still kept.
	if _, err := f.Set(ctx, 1, []Destination{{Name: "mp", Kind: KindMixpanel, Host: "https://api.mixpanel.com", Token: "typed-anew", KeepSecrets: true}}); err != nil {
		t.Fatal(err)
	}
	if d := stored("mp"); d.Token != "typed-anew" || d.Secret != sec {
		t.Fatalf("replaced token: %+v", d)
	}
	// Without keep_secrets an empty token is refused, as before.
	if _, err := f.Set(ctx, 1, []Destination{{Name: "mp", Kind: KindMixpanel, Host: "https://api.mixpanel.com"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty token without keep: %v", err)
	}
	for _, d := range []Destination{
		{Name: "mp", Kind: KindMixpanel, Host: "https://attacker.example.com", KeepSecrets: true}, // host changed
		{Name: "mp", Kind: KindSieve, Host: "https://api.mixpanel.com", KeepSecrets: true},        // kind changed
		{Name: "nope", Kind: KindMixpanel, Host: "https://api.mixpanel.com", KeepSecrets: true},   // nothing stored
	} {
		_, err := f.Set(ctx, 1, []Destination{d})
		if !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), sec) || !strings.Contains(err.Error(), "keep_secrets") {
			t.Errorf("%+v: %v", d, err)
		}
	}
	if d := stored("mp"); d.Host != "https://api.mixpanel.com" || d.Secret != sec {
		t.Fatalf("a refused PUT changed the destination: %+v", d)
	}
	// Nothing of keep_secrets on disk, and the kept secret survives a restart.
	b, _ := os.ReadFile(filepath.Join(dir, "destinations.json"))
	if strings.Contains(string(b), "keep") || strings.Contains(string(b), sec) {
		t.Fatalf("destinations.json: %s", b)
	}
	g, err := New(Options{Dir: dir})
	if err != nil || g.List(1)[0].Secret != "****0002" {
		t.Fatalf("reopen: %v %+v", err, g.List(1))
	}
}
