package alert

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/lexicon"
)

type fakeSource struct {
	mu   sync.Mutex
	mins map[int64][]lexicon.Minute
}

func (f *fakeSource) ProjectIDs() []int64 { return []int64{1} }
func (f *fakeSource) Minutes(id int64, since, until time.Time) []lexicon.Minute {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []lexicon.Minute
	for _, m := range f.mins[id] {
		if !m.Start.Before(since) && m.Start.Before(until) {
			out = append(out, m)
		}
	}
	return out
}

func TestWebhookSignedAndRetried(t *testing.T) {
	secret := "0123456789abcdef-secret"
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // retried
			return
		}
		bodies = append(bodies, b)
		sigs = append(sigs, r.Header.Get(SignatureHeader))
	}))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}
	dir := t.TempDir()
	a, err := New(Options{Dir: dir, RetryBase: 10 * time.Millisecond, Tick: 20 * time.Millisecond, AllowPrivateWebhooks: true}) // the test server is on 127.0.0.1
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetWebhook(1, srv.URL+"/hook", secret); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	a.Signal(lexicon.Signal{Kind: lexicon.SignalNewPath, ProjectID: 1, Path: "user.password", Time: time.Now(), NameHint: true, Classes: []string{"password"}})
	a.Signal(lexicon.Signal{Kind: lexicon.SignalNewPath, ProjectID: 1, Path: "user.password", Time: time.Now(), NameHint: true}) // cooldown
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(bodies)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 || calls != 2 {
		t.Fatalf("deliveries %d, calls %d; want 1 delivery after 1 retry", len(bodies), calls)
	}
	if !Verify(secret, sigs[0], bodies[0], time.Now(), time.Minute) {
		t.Errorf("signature %q does not verify", sigs[0])
	}
	if Verify("another-secret-0123456", sigs[0], bodies[0], time.Now(), time.Minute) || Verify(secret, sigs[0], append(bodies[0], ' '), time.Now(), time.Minute) {
		t.Errorf("a wrong secret or body verifies")
	}
	var al Alert
	if err := json.Unmarshal(bodies[0], &al); err != nil || al.Signal != NewSensitivePath || al.Path != "user.password" || al.ProjectID != 1 {
		t.Errorf("delivered %s", bodies[0])
	}
	list, _ := a.List(Query{})
	if len(list) != 1 || list[0].Webhook != "delivered" || list[0].Attempts != 2 {
		t.Errorf("kept alerts %+v", list)
	}
	// Kept across restarts; the secret is in webhooks.json only.
	a2, err := New(Options{Dir: dir, AllowPrivateWebhooks: true})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := a2.List(Query{ProjectID: 1}); len(l) != 1 {
		t.Errorf("reloaded %d alerts", len(l))
	}
	if u, ok := a2.WebhookURL(1); !ok || u != srv.URL+"/hook" {
		t.Errorf("reloaded webhook %q", u)
	}
	b, _ := os.ReadFile(filepath.Join(dir, alertsFile))
	if strings.Contains(string(b), secret) {
		t.Errorf("alerts file holds the webhook secret")
	}
}

func TestWebhookGivesUp(t *testing.T) {
	calls := 0
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	a, _ := New(Options{RetryBase: time.Millisecond, Attempts: 3, AllowPrivateWebhooks: true})
	if _, err := a.SetWebhook(1, srv.URL, ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	a.Signal(lexicon.Signal{Kind: lexicon.SignalTypeChange, ProjectID: 1, Path: "n", Time: time.Now(), OldTypes: []string{"number"}, NewType: "string", Seen: 50})
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if l, _ := a.List(Query{}); len(l) == 1 && l[0].Webhook == "failed" {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	l, _ := a.List(Query{})
	if len(l) != 1 || l[0].Webhook != "failed" || calls != 3 {
		t.Errorf("alerts %+v after %d calls; want failed after 3", l, calls)
	}
	if l[0].Signal != TypeChange || !strings.Contains(l[0].Message, "was number in 50 events and now holds a string") {
		t.Errorf("type change alert %+v", l[0])
	}
}

func TestSetWebhookValidates(t *testing.T) {
	a, _ := New(Options{})
	for _, u := range []string{"", "ftp://x", "http://", "http://user:pw@host/", "not a url"} {
		if _, err := a.SetWebhook(1, u, ""); err == nil {
			t.Errorf("accepted %q", u)
		} else if u != "" && strings.Contains(err.Error(), u) {
			t.Errorf("error echoes the URL: %v", err)
		}
	}
	if _, err := a.SetWebhook(1, "https://hooks.example.com/x", "short"); err == nil {
		t.Errorf("accepted a short secret")
	}
}

func TestRateSignals(t *testing.T) {
	src := &fakeSource{mins: map[int64][]lexicon.Minute{}}
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	now := base
	a, _ := New(Options{Source: src, Now: func() time.Time { return now }})
	add := func(i int, events int64, findings map[string]int64) {
		src.mu.Lock()
		src.mins[1] = append(src.mins[1], lexicon.Minute{Start: base.Add(time.Duration(i) * time.Minute), Events: events, Findings: findings})
		src.mu.Unlock()
	}
	// 20 quiet minutes: 200 events and 1 email finding each.
	for i := range 20 {
		add(i, 200, map[string]int64{"email": 1})
	}
	now = base.Add(20 * time.Minute)
	a.evaluate(now)
	if l, _ := a.List(Query{}); len(l) != 0 {
		t.Fatalf("quiet minutes raised %+v", l)
	}
	// A spike with a burst of password findings, seen in the partial minute.
	add(20, 5000, map[string]int64{"password": 40, "email": 1})
	now = base.Add(20*time.Minute + 20*time.Second)
	a.evaluate(now)
	// Then a drop.
	add(21, 10, nil)
	now = base.Add(22*time.Minute + 5*time.Second)
	a.evaluate(now)
	l, _ := a.List(Query{})
	got := map[string]Alert{}
	for _, al := range l {
		got[al.Signal] = al
	}
	if s := got[VolumeSpike]; s.Observed != 5000 || s.Baseline != 200 {
		t.Errorf("spike %+v", s)
	}
	if r := got[FindingsRise]; r.Class != "password" || r.Observed != 40 {
		t.Errorf("findings rise %+v", r)
	}
	if d := got[VolumeDrop]; d.Observed != 10 {
		t.Errorf("drop %+v", d)
	}
	if len(l) != 3 {
		t.Errorf("alerts %d, want 3 (spike, rise, drop; no repeats): %+v", len(l), l)
	}
}

// A project's first traffic after a quiet start is not a spike.
func TestNoSpikeOnFirstTraffic(t *testing.T) {
	src := &fakeSource{mins: map[int64][]lexicon.Minute{}}
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	now := base.Add(90 * time.Minute)
	a, _ := New(Options{Source: src, Now: func() time.Time { return now }})
	a.evaluate(now) // 60 empty minutes of history
	src.mins[1] = append(src.mins[1], lexicon.Minute{Start: now, Events: 3000})
	now = now.Add(70 * time.Second)
	a.evaluate(now)
	if l, _ := a.List(Query{}); len(l) != 0 {
		t.Errorf("first traffic raised %+v", l)
	}
}

// The log line of a new-path alert names the classes the guard found.
func TestAlertLogNamesClasses(t *testing.T) {
	var buf strings.Builder
	a, _ := New(Options{Log: slog.New(slog.NewTextHandler(&buf, nil))})
	a.fromSignal(lexicon.Signal{Kind: lexicon.SignalNewPath, ProjectID: 1, Path: "pw", Time: time.Now(), Classes: []string{"password", "secret_token"}})
	if !strings.Contains(buf.String(), "class=password,secret_token") {
		t.Errorf("log line: %s", buf.String())
	}
}
