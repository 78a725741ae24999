package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// engageOf returns a server's profiles (/api/2.0/engage), by
// $distinct_id, or the group profiles of group key g.
func (s *fwdServer) engageOf(g string) map[string]map[string]any {
	s.t.Helper()
	q := url.Values{"page_size": {"1000"}}
	if g != "" {
		q.Set("data_group_id", g)
	}
	code, b := call(s.t, "GET", "http://"+s.addr+"/api/2.0/engage?"+q.Encode(), s.secret, "", "")
	if code != 200 {
		s.t.Fatalf("engage: %d %s", code, b)
	}
	var res struct {
		Results []struct {
			ID    string         `json:"$distinct_id"`
			Props map[string]any `json:"$properties"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		s.t.Fatalf("engage: %v %s", err, b)
	}
	out := map[string]map[string]any{}
	for _, r := range res.Results {
		out[r.ID] = r.Props
	}
	return out
}

// TestForwardProfilesAndGroups: profile and group updates A stored, after
// its guard, reach B1 through Mixpanel's /engage and /groups and B2
// through PostHog's $set and $groupidentify events; B1's and B2's
// profiles then equal A's, and the password A's guard removed from a
// $set is in neither.
func TestForwardProfilesAndGroups(t *testing.T) {
	const canary = "Hunter2-profile-canary-4e9"
	b1 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:32010", guardOff: true}
	b2 := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:32011", guardOff: true}
	a := &fwdServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", allowPrivat: true}
	b1.start()
	b2.start()
	a.start()
	dests := fmt.Sprintf(`{"destinations":[
		{"name":"mp","kind":"sieve","host":"http://%s","token":%q},
		{"name":"ph","kind":"posthog","host":"http://%s","token":%q}]}`, b1.addr, b1.token, b2.addr, b2.token)
	if code, body := call(t, "PUT", "http://"+a.addr+"/api/projects/1/destinations", a.secret, "", dests); code != 200 {
		t.Fatalf("PUT destinations: %d %s", code, body)
	}
	now := time.Now().UnixMilli()
	engage := fmt.Sprintf(`[
		{"$token":%[1]q,"$distinct_id":"alice","$time":%[2]d,"$set":{"plan":"pro","$email":"alice@example.com","password":%[3]q,"seats":3}},
		{"$token":%[1]q,"$distinct_id":"alice","$time":%[2]d,"$set_once":{"first_seen":"monday"}},
		{"$token":%[1]q,"$distinct_id":"bob","$time":%[2]d,"$set":{"plan":"free","color":"red"}},
		{"$token":%[1]q,"$distinct_id":"bob","$time":%[2]d,"$unset":["color"]}]`, a.token, now, canary)
	if code, body := call(t, "POST", "http://"+a.addr+"/engage?verbose=1", "", "", "data="+url.QueryEscape(engage)); code != 200 || !strings.Contains(string(body), `"status":1`) {
		t.Fatalf("engage to A: %d %s", code, body)
	}
	groups := fmt.Sprintf(`[{"$token":%q,"$group_key":"company","$group_id":"acme","$set":{"name":"Acme","size":40}}]`, a.token)
	if code, body := call(t, "POST", "http://"+a.addr+"/groups?verbose=1", "", "", "data="+url.QueryEscape(groups)); code != 200 || !strings.Contains(string(body), `"status":1`) {
		t.Fatalf("groups to A: %d %s", code, body)
	}
	// A PostHog $identify with $set: the event carries the update to B2;
	// B1 gets it through /engage.
	ph := fmt.Sprintf(`{"api_key":%q,"batch":[{"event":"$identify","distinct_id":"carol","properties":{"$anon_distinct_id":"anon-1","$set":{"plan":"team","password":%q}},"timestamp":%q}]}`,
		a.token, canary, time.UnixMilli(now).UTC().Format(time.RFC3339))
	if code, body := call(t, "POST", "http://"+a.addr+"/batch/", "", "", ph); code != 200 {
		t.Fatalf("batch to A: %d %s", code, body)
	}

	want := a.engageOf("")
	if len(want) != 3 || want["alice"]["plan"] != "pro" || want["alice"]["password"] != nil || want["bob"]["color"] != nil {
		t.Fatalf("A's profiles: %v", want)
	}
	var got1, got2 map[string]map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for {
		got1, got2 = b1.engageOf(""), b2.engageOf("")
		if len(got1) >= 3 && len(got2) >= 3 && got1["bob"]["color"] == nil && got2["bob"]["color"] == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	for _, id := range []string{"alice", "bob", "carol"} {
		for _, k := range []string{"plan", "$email", "seats", "first_seen", "color"} {
			w := fmt.Sprint(want[id][k])
			if g := fmt.Sprint(got1[id][k]); g != w {
				t.Errorf("B1 profile %s: %s is %s, A has %s", id, k, g, w)
			}
			if g := fmt.Sprint(got2[id][k]); g != w {
				t.Errorf("B2 profile %s: %s is %s, A has %s", id, k, g, w)
			}
		}
		if got1[id]["password"] != nil || got2[id]["password"] != nil {
			t.Errorf("profile %s: a password reached B", id)
		}
	}
	wantG := a.engageOf("company")
	for name, b := range map[string]*fwdServer{"B1": b1, "B2": b2} {
		g := b.engageOf("company")
		if fmt.Sprint(g["acme"]["name"], g["acme"]["size"]) != fmt.Sprint(wantG["acme"]["name"], wantG["acme"]["size"]) || wantG["acme"]["name"] != "Acme" {
			t.Errorf("%s group acme: %v, A has %v", name, g, wantG)
		}
	}
	// B2 got the $identify event once, not a second $set event for it.
	n := 0
	for _, e := range b2.export() {
		if e["event"] == "$set" && e["distinct_id"] == "carol" {
			t.Errorf("B2 got carol's update twice (a $set event besides the $identify): %v", e)
		}
		if e["event"] == "$identify" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("B2 has %d $identify events, want 1", n)
	}
	a.stop()
	b1.stop()
	b2.stop()
	for name, dir := range map[string]string{"A": a.dir, "B1": b1.dir, "B2": b2.dir} {
		if hits := grepAll(t, dir, []string{canary}); len(hits) > 0 {
			t.Errorf("%s's data directory holds the password: %v", name, hits)
		}
	}
}
