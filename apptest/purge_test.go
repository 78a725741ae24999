package apptest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

var canaryWords = strings.Fields("amber basil cedar delta ember fjord garnet harbor indigo juniper kestrel lumen marble nectar onyx pepper quartz raven sable tundra umber velvet willow xenon yarrow zephyr")

// wordCanary is a unique high-entropy value made of words (so the guard
// does not take it for a secret) that compression cannot hide in
// uncompressed test storage.
func wordCanary() string {
	parts := []string{"cnry"}
	for i := 0; i < 8; i++ {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(canaryWords))))
		parts = append(parts, canaryWords[n.Int64()])
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1<<40))
	return strings.Join(parts, " ") + fmt.Sprintf(" %d", n)
}

// track sends events to /track as a JSON array in data=.
func (s *server) track(evs []map[string]any) {
	s.t.Helper()
	b, _ := json.Marshal(evs)
	form := url.Values{"data": {base64.StdEncoding.EncodeToString(b)}, "verbose": {"1"}}
	code, body := s.do("POST", "/track", map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte(form.Encode()))
	if code != 200 || !strings.Contains(string(body), `"status":1`) {
		s.t.Fatalf("track: %d %s", code, body)
	}
}

type purgeFixture struct {
	p       project
	secret  []string // "note_a" values
	nested  []string // "box.inner" values
	victim  []string // values of user "victim-<n>"
	victimD string
	leak    []string // values of events named "leak"
	keep    []string
}

func sendPurgeFixture(t *testing.T, s *server) *purgeFixture {
	t.Helper()
	f := &purgeFixture{p: s.createProject("purge"), victimD: fmt.Sprintf("victim-%d", time.Now().UnixNano())}
	now := time.Now().UTC()
	for batch := 0; batch < 4; batch++ {
		var evs []map[string]any
		for i := 0; i < 40; i++ {
			k := wordCanary()
			props := map[string]any{"token": f.p.Token, "distinct_id": fmt.Sprintf("u%d", i%4), "$insert_id": fmt.Sprintf("b%di%d", batch, i),
				"time": now.Add(-time.Duration(i%3) * 24 * time.Hour).Add(-time.Duration(batch) * time.Minute).UnixMilli(), "plain": k}
			name := "view"
			switch i % 4 {
			case 0:
				c := wordCanary()
				f.secret = append(f.secret, c)
				props["note_a"] = c
				f.keep = append(f.keep, k)
			case 1:
				c := wordCanary()
				f.nested = append(f.nested, c)
				props["box"] = map[string]any{"inner": c, "n": 1}
				f.keep = append(f.keep, k)
			case 2:
				props["distinct_id"] = f.victimD
				f.victim = append(f.victim, k)
			case 3:
				name = "leak"
				f.leak = append(f.leak, k)
			}
			evs = append(evs, map[string]any{"event": name, "properties": props})
		}
		s.track(evs)
	}
	return f
}

// purge submits a purge and waits for its end.
func (s *server) purge(req map[string]any) map[string]any {
	s.t.Helper()
	b, _ := json.Marshal(req)
	code, body := s.do("POST", "/api/purges", bearer(), b)
	if code != 202 {
		s.t.Fatalf("POST /api/purges: %d %s", code, body)
	}
	var job map[string]any
	_ = json.Unmarshal(body, &job)
	return s.waitPurge(job["id"].(string))
}

func (s *server) waitPurge(id string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		code, body := s.do("GET", "/api/purges/"+id, bearer(), nil)
		if code != 200 {
			s.t.Fatalf("GET /api/purges/%s: %d %s", id, code, body)
		}
		var job map[string]any
		_ = json.Unmarshal(body, &job)
		if st := job["status"]; st == "done" || st == "failed" {
			return job
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("purge %s did not end", id)
	return nil
}

func exportLines(s *server, p project) []string {
	var out []string
	for _, e := range s.export(p, true) {
		b, _ := json.Marshal(e)
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

func checkDone(t *testing.T, job map[string]any) {
	t.Helper()
	if job["status"] != "done" {
		t.Fatalf("purge status %v: %v", job["status"], job["error"])
	}
	cert, _ := job["certificate"].(map[string]any)
	v, _ := cert["verification"].(map[string]any)
	if v["result"] != "passed" || v["old_files_removed"] != true {
		t.Fatalf("certificate verification: %v", v)
	}
}

func TestPurgeNoResidue(t *testing.T) {
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	kinds := []struct {
		name string
		req  func(f *purgeFixture) map[string]any
		gone func(f *purgeFixture) []string
		gdpr bool
	}{
		{"properties", func(f *purgeFixture) map[string]any {
			return map[string]any{"project_id": f.p.ID, "properties": []string{"note_a", "box.inner"}}
		}, func(f *purgeFixture) []string { return append(append([]string(nil), f.secret...), f.nested...) }, false},
		{"distinct_ids (GDPR API)", nil, func(f *purgeFixture) []string { return append([]string{f.victimD}, f.victim...) }, true},
		{"events", func(f *purgeFixture) map[string]any {
			return map[string]any{"project_id": f.p.ID, "events": []string{"leak"}}
		}, func(f *purgeFixture) []string { return f.leak }, false},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			s := startServer(t, serverOpts{})
			f := sendPurgeFixture(t, s)
			gone := k.gone(f)
			before := exportLines(s, f.p)
			if hits := grepData(t, s.Data, gone...); len(hits) < len(gone) {
				t.Fatalf("before the purge only %d of %d canaries are visible to a byte search", len(hits), len(gone))
			}
			var job map[string]any
			if k.gdpr {
				b, _ := json.Marshal(map[string]any{"distinct_ids": []string{f.victimD}, "compliance_type": "GDPR"})
				code, body := s.do("POST", "/api/app/data-deletions/v3.0?token="+f.p.Token, bearer(), b)
				if code != 200 {
					t.Fatalf("GDPR deletion: %d %s", code, body)
				}
				var r struct {
					Results struct {
						TaskID string `json:"task_id"`
					} `json:"results"`
				}
				_ = json.Unmarshal(body, &r)
				job = s.waitPurge(r.Results.TaskID)
				code, body = s.do("GET", "/api/app/data-deletions/v3.0/"+r.Results.TaskID+"?token="+f.p.Token, bearer(), nil)
				if code != 200 || !strings.Contains(string(body), `"status":"SUCCESS"`) {
					t.Errorf("GDPR status: %d %s", code, body)
				}
			} else {
				job = s.purge(k.req(f))
			}
			checkDone(t, job)
			if hits := grepData(t, s.Data, gone...); len(hits) != 0 {
				t.Errorf("after the purge: %v", hits)
			}
			// Unrelated events are exported identically.
			after := map[string]bool{}
			for _, l := range exportLines(s, f.p) {
				after[l] = true
			}
			kept := 0
			for _, l := range before {
				hit := false
				for _, g := range gone {
					hit = hit || strings.Contains(l, g)
				}
				if !hit {
					if !after[l] {
						t.Fatalf("an unrelated event changed")
					}
					kept++
				}
			}
			if kept < 40 {
				t.Errorf("only %d unrelated events compared", kept)
			}
			s.stop()
			if hits := grepData(t, s.Data, gone...); len(hits) != 0 {
				t.Errorf("after the purge and a clean stop: %v", hits)
			}
		})
	}
}

// kill -9 while a purge runs, at several moments; the restarted server
// finishes it with a correct certificate and no residue.
func TestPurgeCrashResumes(t *testing.T) {
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	for _, delay := range []time.Duration{0, 30 * time.Millisecond, 120 * time.Millisecond} {
		t.Run(delay.String(), func(t *testing.T) {
			s := startServer(t, serverOpts{})
			f := sendPurgeFixture(t, s)
			total := len(exportLines(s, f.p))
			b, _ := json.Marshal(map[string]any{"project_id": f.p.ID, "properties": []string{"note_a"}})
			code, body := s.do("POST", "/api/purges", bearer(), b)
			if code != 202 {
				t.Fatalf("POST /api/purges: %d %s", code, body)
			}
			var job map[string]any
			_ = json.Unmarshal(body, &job)
			time.Sleep(delay)
			s.kill9()
			s.restart()
			done := s.waitPurge(job["id"].(string))
			checkDone(t, done)
			if got := done["rows_changed"].(float64); got != float64(len(f.secret)) {
				t.Errorf("rows_changed = %v, want %d", got, len(f.secret))
			}
			if hits := grepData(t, s.Data, f.secret...); len(hits) != 0 {
				t.Errorf("residue after crash and resume: %v", hits)
			}
			if n := len(exportLines(s, f.p)); n != total {
				t.Errorf("events after the purge: %d, want %d", n, total)
			}
		})
	}
}
