package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTrackingPlanOverHTTP: a plan in enforce mode drops only the
// unplanned property and the unplanned event, stores the rest, and every
// violation is a finding of class "unplanned"; GET with generate=lexicon
// proposes a plan from what was seen.
func TestTrackingPlanOverHTTP(t *testing.T) {
	s := startSelfTest(t)
	p, err := s.srv.projects.Get(1)
	if err != nil {
		t.Fatal(err)
	}
	if code, b := s.do("PUT", "/api/projects/1/plan", `{"mode":"enforce","unplanned_events":"drop","events":{"Paid":{"properties":{"amount":{"type":"number"},"currency":{"type":"string","enum":["EUR","USD"]}}}}}`); code != 200 {
		t.Fatalf("PUT plan: %d %s", code, b)
	}
	if code, b := s.do("PUT", "/api/projects/1/plan", `{"mode":"strict"}`); code != 400 || !strings.Contains(string(b), "mode") {
		t.Fatalf("bad plan: %d %s", code, b)
	}
	now := time.Now().UnixMilli()
	body := fmt.Sprintf(`[{"event":"Paid","properties":{"token":%q,"distinct_id":"u1","time":%d,"$insert_id":"p1","amount":"12","currency":"EUR","note":"unplanned"}},
		{"event":"Refunded","properties":{"token":%q,"distinct_id":"u1","time":%d,"$insert_id":"p2","amount":3}}]`, p.Token, now, p.Token, now)
	req, _ := http.NewRequest("POST", s.base+"/track?verbose=1", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("track: %v %v", err, resp)
	}
	resp.Body.Close()

	day := time.Now().UTC().Format(time.DateOnly)
	code, b := s.do("GET", "/api/2.0/export?project_id=1&from_date="+day+"&to_date="+day, "")
	if code != 200 {
		t.Fatalf("export: %d %s", code, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"amount":"12"`) || !strings.Contains(lines[0], `"currency":"EUR"`) || strings.Contains(lines[0], "note") {
		t.Fatalf("export after enforce: %s", b)
	}
	code, b = s.do("GET", "/api/projects/1/findings", "")
	var fs struct {
		Findings []struct{ Event, Path, Class, Detector, Action string }
	}
	if code != 200 || json.Unmarshal(b, &fs) != nil {
		t.Fatalf("findings: %d %s", code, b)
	}
	var got []string
	for _, f := range fs.Findings {
		if f.Class != "unplanned" {
			t.Fatalf("finding %+v", f)
		}
		got = append(got, f.Event+" "+f.Path+" "+f.Detector+" "+f.Action)
	}
	slices.Sort(got)
	want := "Paid amount plan.type:string_not_number keep|Paid note plan.unplanned_property drop_property|Refunded  plan.unplanned_event drop_event"
	if strings.Join(got, "|") != want {
		t.Fatalf("findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	// The lexicon marks the paths with the class.
	code, b = s.do("GET", "/api/projects/1/lexicon", "")
	var lex struct {
		Properties []struct {
			Path    string
			Classes []string
		}
	}
	if code != 200 || json.Unmarshal(b, &lex) != nil {
		t.Fatalf("lexicon: %d %s", code, b)
	}
	marked := map[string]bool{}
	for _, p := range lex.Properties {
		if slices.Contains(p.Classes, "unplanned") {
			marked[p.Path] = true
		}
	}
	if !marked["note"] || !marked["amount"] || marked["currency"] {
		t.Fatalf("lexicon marks: %v", marked)
	}
	// A plan generated from the lexicon (after its flush) is a starting point.
	if code, b := s.do("GET", "/api/projects/1/plan?generate=lexicon", ""); code != 200 || !strings.Contains(string(b), `"mode":"report"`) || !strings.Contains(string(b), `"Paid":{"properties":{"amount":{"type":["string"]}`) {
		t.Fatalf("generate: %d %s", code, b)
	}
	if code, b := s.do("GET", "/api/projects/1/plan", ""); code != 200 || !strings.Contains(string(b), `"enforce"`) {
		t.Fatalf("GET plan: %d %s", code, b)
	}
}
