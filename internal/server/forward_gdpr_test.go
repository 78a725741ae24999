package server

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestForwardGDPRPassOn: a GDPR deletion at A (Mixpanel's data-deletions
// API shape) is passed on to a mixpanel destination that opted in with a
// gdpr_token: B, a Sieve answering Mixpanel's GDPR API, erases the user's
// events A had forwarded; a destination without gdpr_token gets nothing.
func TestForwardGDPRPassOn(t *testing.T) {
	b1 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:32013"}
	b2 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:32014"}
	a := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", allowPrivat: true}
	b1.start()
	b2.start()
	a.start()
	const gdprToken = "server-test-admin-key" // B's admin key, in the OAuth token's place
	dests := fmt.Sprintf(`{"destinations":[
		{"name":"mp","kind":"mixpanel","host":"http://%s","token":%q,"secret":%q,"gdpr_token":%q},
		{"name":"mp2","kind":"mixpanel","host":"http://%s","token":%q,"secret":%q}]}`, b1.addr, b1.token, b1.secret, gdprToken, b2.addr, b2.token, b2.secret)
	code, body := call(t, "PUT", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "", dests)
	if code != 200 || strings.Contains(string(body), gdprToken) || !strings.Contains(string(body), `"gdpr_token":"****`) {
		t.Fatalf("PUT destinations: %d %s", code, body)
	}
	now := time.Now().UnixMilli()
	var evs []string
	for i := 0; i < 10; i++ {
		evs = append(evs, fmt.Sprintf(`{"event":"e","properties":{"distinct_id":"%s","time":%d,"$insert_id":"g-%d"}}`, []string{"gone", "kept"}[i%2], now-int64(i), i))
	}
	if code, body := call(t, "POST", "http://"+a.addr+"/import", a.secret, "", "["+strings.Join(evs, ",")+"]"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for (len(b1.export()) < 10 || len(b2.export()) < 10) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if len(b1.export()) != 10 || len(b2.export()) != 10 {
		t.Fatalf("B1 %d, B2 %d events before the deletion, want 10 each", len(b1.export()), len(b2.export()))
	}
	req, _ := http.NewRequest("POST", "http://"+a.addr+"/api/app/data-deletions/v3.0/?token="+a.token,
		strings.NewReader(`{"distinct_ids":["gone"],"compliance_type":"GDPR"}`))
	req.Header.Set("Authorization", "Bearer server-test-admin-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GDPR deletion at A: %d", resp.StatusCode)
	}
	count := func(s *fwdServer, id string) int {
		n := 0
		for _, e := range s.export() {
			if e["distinct_id"] == id {
				n++
			}
		}
		return n
	}
	for count(b1, "gone") > 0 && time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
	}
	if count(b1, "gone") != 0 || count(b1, "kept") != 5 {
		t.Errorf("B1 after the pass-on: gone %d, kept %d; want 0 and 5", count(b1, "gone"), count(b1, "kept"))
	}
	if count(b2, "gone") != 5 {
		t.Errorf("B2 did not opt in, yet has %d of gone's events, want 5", count(b2, "gone"))
	}
	_, body = call(t, "GET", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "", "")
	if !strings.Contains(string(body), `"gdpr_last":"accepted (task `) {
		t.Errorf("GET destinations after the pass-on: %s", body)
	}
	if _, err := os.Stat(filepath.Join(a.dir, "forward", "dest", "1-mp", "gdpr.log")); !os.IsNotExist(err) {
		t.Errorf("the passed-on deletion's ids should leave A's disk: %v", err)
	}
	a.stop()
	if hits := grepAll(t, a.dir, []string{gdprToken}); len(hits) > 0 {
		t.Errorf("A's files hold the GDPR token: %v", hits)
	}
	if strings.Contains(a.logs.String(), gdprToken) {
		t.Error("A's log holds the GDPR token")
	}
}
