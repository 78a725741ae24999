package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestForwardOnlyLeavesNoResidue: a forward-only project keeps its events
// and profile updates only in the outbox (a canary is on disk while B1 is
// down: the positive control), answers reads with 409 saying nothing is
// stored, and once B1 has them, no file of A's data directory holds the
// canary.
func TestForwardOnlyLeavesNoResidue(t *testing.T) {
	const canary = "fwd-only-canary-51c3"
	b1 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:32012", guardOff: true}
	a := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", allowPrivat: true}
	b1.start()
	a.start()
	b1.stop()
	if code, body := call(t, "PUT", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "",
		`{"mode":"forward_only","destinations":[]}`); code != 400 || !strings.Contains(string(body), "forward_only needs") {
		t.Fatalf("forward-only without a destination: %d %s", code, body)
	}
	code, body := call(t, "PUT", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "",
		fmt.Sprintf(`{"mode":"forward_only","destinations":[{"name":"b1","kind":"sieve","host":"http://%s","token":%q}]}`, b1.addr, b1.token))
	if code != 200 || !strings.Contains(string(body), `"mode":"forward_only"`) {
		t.Fatalf("PUT destinations: %d %s", code, body)
	}
	now := time.Now().UnixMilli()
	var evs []string
	for i := 0; i < 30; i++ {
		evs = append(evs, fmt.Sprintf(`{"event":"Paid","properties":{"distinct_id":"u%d","time":%d,"$insert_id":"fo-%02d","note":%q}}`, i%3, now-int64(i), i, canary))
	}
	if code, body := call(t, "POST", "http://"+a.addr+"/import", a.secret, "", "["+strings.Join(evs, ",")+"]"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	engage := fmt.Sprintf(`[{"$token":%q,"$distinct_id":"u1","$set":{"note":%q,"plan":"pro"}}]`, a.token, canary)
	if code, body := call(t, "POST", "http://"+a.addr+"/engage", "", "", "data="+url.QueryEscape(engage)); code != 200 {
		t.Fatalf("engage: %d %s", code, body)
	}
	if hits := grepAll(t, a.dir, []string{canary}); len(hits) == 0 {
		t.Fatal("positive control: while B1 is down the canary should be queued in A's outbox")
	} else {
		for _, h := range hits {
			if !strings.Contains(h, "outbox") {
				t.Errorf("the canary is outside the outbox: %s", h)
			}
		}
	}
	day := time.Now().UTC().Format(time.DateOnly)
	for _, u := range []string{"/api/2.0/export?from_date=" + day + "&to_date=" + day, "/api/2.0/engage", "/api/2.0/events/names?type=general",
		"/api/projects/1/events/recent"} {
		code, body := call(t, "GET", "http://"+a.addr+u, a.secret, "", "")
		if code != 409 || !strings.Contains(string(body), "forward-only mode") {
			t.Errorf("GET %s on a forward-only project: %d %s", u, code, body)
		}
	}
	if code, body := call(t, "POST", "http://"+a.addr+"/api/projects/1/query", a.secret, "", `{"kind":"trends"}`); code != 409 {
		t.Errorf("query on a forward-only project: %d %s", code, body)
	}

	b1.start()
	deadline := time.Now().Add(60 * time.Second)
	var got map[string]map[string]any
	for {
		got = b1.export()
		if len(got) >= 30 && len(b1.engageOf("")) >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if len(got) != 30 || got["fo-07"]["note"] != canary || b1.engageOf("")["u1"]["plan"] != "pro" {
		t.Fatalf("B1 got %d events (want 30), profile %v", len(got), b1.engageOf(""))
	}
	waitQueued(t, a, 0)
	a.stop()
	if hits := grepAll(t, a.dir, []string{canary}); len(hits) > 0 {
		t.Errorf("after delivery A's data directory still holds the canary: %v", hits)
	}
}

// waitQueued waits until project 1's destinations report n queued.
func waitQueued(t *testing.T, s *fwdServer, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := call(t, "GET", "http://"+s.addr+"/api/projects/1/destinations", s.secret, "", "")
		if strings.Contains(string(body), fmt.Sprintf(`"queued":%d,`, n)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("destinations never reached %d queued: %s", n, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
