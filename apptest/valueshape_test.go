package apptest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// After clean traffic in which "content" held prose, a secret-shaped value
// there that the guard does not recognise is a finding of class
// anomalous_value and an alert naming the path; with the project's action
// set to redact it is stored as [redacted] and is nowhere else: not on disk
// (uncompressed store), in the export, the findings, the alerts or the
// server's output. Random ids in $insert_id and $device_id raise nothing.
func TestAnomalousValueAlert(t *testing.T) {
	t.Setenv("SIEVE_TEST_UNCOMPRESSED", "1")
	s := startServer(t, serverOpts{})
	p := s.createProject("Shapes")
	if code, out := s.do("PUT", fmt.Sprintf("/api/projects/%d/guard", p.ID), basic(p.APISecret, ""),
		[]byte(`{"actions":{"anomalous_value":"redact"}}`)); code != 200 {
		t.Fatalf("PUT guard: %d %s", code, out)
	}
	words := strings.Fields("great product fast delivery would buy again the size runs small colour as pictured")
	// 2,000 clean events: the profiles learn from one event in eight and a
	// path needs 200 values before anything there can be anomalous.
	for b := range 40 {
		var evs []map[string]any
		for i := range 50 {
			n := b*50 + i
			evs = append(evs, browserEvent(p, "Review Posted", fmt.Sprintf("u%d", n%40), "2.58.0", map[string]any{
				"content":    strings.Join(words[n%5:n%5+4+n%7], " "),
				"$device_id": randString(alnum, 24),
				"$insert_id": randString(alnum, 16),
				"rating":     n % 5,
			}))
		}
		s.trackForm(evs...)
	}
	secret := randString(alnum, 43)
	s.trackForm(browserEvent(p, "Review Posted", "u1", "2.58.0", map[string]any{"content": secret, "$device_id": randString(alnum, 24)}))

	var raw []byte
	var found bool
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && !found; time.Sleep(100 * time.Millisecond) {
		_, raw = s.do("GET", fmt.Sprintf("/api/alerts?project_id=%d", p.ID), basic(p.APISecret, ""), nil)
		var res struct {
			Alerts []struct {
				Signal, Path string
			} `json:"alerts"`
		}
		_ = json.Unmarshal(raw, &res)
		for _, a := range res.Alerts {
			if a.Signal == "anomalous_value" {
				if a.Path != "content" {
					t.Errorf("anomalous_value alert for %s", a.Path)
				}
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("no anomalous_value alert: %s", raw)
	}
	noCanary(t, "GET /api/alerts", raw, []string{secret})

	code, fb := s.do("GET", fmt.Sprintf("/api/projects/%d/findings?limit=100000", p.ID), basic(p.APISecret, ""), nil)
	if code != 200 {
		t.Fatalf("findings: %d %s", code, fb)
	}
	noCanary(t, "the findings", fb, []string{secret})
	var fr struct {
		Findings []struct{ Path, Class, Action string } `json:"findings"`
	}
	_ = json.Unmarshal(fb, &fr)
	n := 0
	for _, f := range fr.Findings {
		if f.Class == "anomalous_value" {
			n++
			if f.Path != "content" || f.Action != "redact" {
				t.Errorf("finding %+v", f)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d anomalous_value findings, want 1: %s", n, fb)
	}

	ex := s.export(p, false)
	exb, _ := json.Marshal(ex)
	noCanary(t, "the export", exb, []string{secret})
	if !strings.Contains(string(exb), `"content":"[redacted]"`) {
		t.Error("the export has no redacted content")
	}
	s.stop()
	for _, h := range grepData(t, s.Data, secret) {
		t.Errorf("on disk: %s", h)
	}
	if len(grepData(t, s.Data, "would buy again")) == 0 {
		t.Error("the clean content is in no data file: the search would not see a leak")
	}
	noCanary(t, "the server output", []byte(s.out.String()), []string{secret})
}
