package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

type advisoryReport struct {
	AffectedProjects int     `json:"affected_projects"`
	UpdatedProjects  int     `json:"updated_projects"`
	UpdatedShare     float64 `json:"updated_share"`
	StillSending     []int64 `json:"still_sending"`
	Projects         []struct {
		ProjectID        int64    `json:"project_id"`
		ProjectName      string   `json:"project_name"`
		AffectedVersions []string `json:"affected_versions"`
		AffectedEvents   int64    `json:"affected_events"`
		LastAffected     string   `json:"last_affected_event"`
		Updated          bool     `json:"updated"`
	} `json:"projects"`
}

func (s *server) advisory(body string) int64 {
	s.t.Helper()
	code, out := s.do("POST", "/api/advisories", bearer(), []byte(body))
	if code != 201 {
		s.t.Fatalf("POST /api/advisories: %d %s", code, out)
	}
	var a struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal(out, &a)
	return a.ID
}

func (s *server) advisoryReport(id int64) advisoryReport {
	s.t.Helper()
	code, out := s.do("GET", fmt.Sprintf("/api/advisories/%d/report", id), bearer(), nil)
	if code != 200 {
		s.t.Fatalf("advisory report: %d %s", code, out)
	}
	var r advisoryReport
	if err := json.Unmarshal(out, &r); err != nil {
		s.t.Fatal(err)
	}
	return r
}

// Advisories apply to matching events from then on, before anything is
// stored; the report's updated share moves as projects send from newer
// versions.
func TestAdvisories(t *testing.T) {
	s := startServer(t, serverOpts{})
	p1, p2 := s.createProject("Shop One"), s.createProject("Shop Two")
	// Before any advisory: a button's value attribute and a custom
	// property are stored (the guard has no reason to remove them).
	button := []any{map[string]any{"tag_name": "button", "attr__value": "buy-now-123", "attr__class": "cta", "$el_text": "Buy"}}
	s.trackForm(browserEvent(p1, "$autotrack", "u0", "2.1.0", map[string]any{"$elements": button, "fav_color": "teal", "$insert_id": "before"}))

	strip := s.advisory(`{"lib":"web","versions":"<2.3.0","description":"Autotrack copied input values (React mirrors value)","action":"strip_autotrack_values"}`)
	drop := s.advisory(`{"lib":"web","versions":">=2.1.0 <2.2.0","description":"fav_color leaked","action":"drop_properties","properties":["fav_color"]}`)
	reject := s.advisory(`{"lib":"web","versions":"=1.9.0","description":"refuse","action":"reject"}`)
	if code, out := s.do("POST", "/api/advisories", bearer(), []byte(`{"lib":"web","versions":"<<2","action":"reject"}`)); code != 400 || !bytes.Contains(out, []byte("version range")) {
		t.Errorf("bad range: %d %s", code, out)
	}
	if code, _ := s.do("POST", "/api/advisories", basic(p1.APISecret, ""), []byte(`{"lib":"web","versions":"*","action":"reject"}`)); code != 403 {
		t.Errorf("a project secret created an advisory: %d", code)
	}

	time.Sleep(5 * time.Millisecond)
	s.trackForm(
		browserEvent(p1, "$autotrack", "u1", "2.1.0", map[string]any{"$elements": button, "fav_color": "red", "$insert_id": "old"}),
		browserEvent(p2, "$autotrack", "u2", "2.2.5", map[string]any{"$elements": button, "fav_color": "blue", "$insert_id": "old2"}),
	)
	// A rejected version: the record fails, nothing is stored.
	b, _ := json.Marshal([]any{browserEvent(p1, "x", "u9", "1.9.0", map[string]any{"$insert_id": "rejected"})})
	code, out := s.do("POST", "/track?verbose=1", nil, b)
	if code != 200 || !bytes.Contains(out, []byte(`"status":0`)) || !bytes.Contains(out, []byte("refused by an advisory")) {
		t.Errorf("rejected version answered %d %s", code, out)
	}
	got := byInsertID(t, s.export(p1, false))
	if _, ok := got["rejected"]; ok {
		t.Errorf("a rejected event was stored")
	}
	before, old := got["before"].Properties, got["old"].Properties
	if els, _ := before["$elements"].([]any); len(els) != 1 || els[0].(map[string]any)["attr__value"] != "buy-now-123" || before["fav_color"] != "teal" {
		t.Errorf("event stored before the advisories changed: %v", before)
	}
	if els, _ := old["$elements"].([]any); len(els) != 1 || els[0].(map[string]any)["attr__value"] != nil || els[0].(map[string]any)["attr__class"] != "cta" {
		t.Errorf("strip_autotrack_values not applied: %v", old["$elements"])
	}
	if _, ok := old["fav_color"]; ok {
		t.Errorf("drop_properties not applied")
	}
	if got2 := byInsertID(t, s.export(p2, false))["old2"].Properties; got2["fav_color"] != "blue" || got2["$elements"].([]any)[0].(map[string]any)["attr__value"] != nil {
		t.Errorf("p2 (2.2.5: strip only): %v", got2)
	}

	r := s.advisoryReport(strip)
	if r.AffectedProjects != 2 || r.UpdatedProjects != 0 || r.UpdatedShare != 0 || len(r.StillSending) != 2 {
		t.Fatalf("report before updates: %+v", r)
	}
	// p1: 2.1.0 twice and the rejected 1.9.0 event (also below 2.3.0).
	if r.Projects[0].ProjectName != "Shop One" || r.Projects[0].AffectedEvents != 3 || r.Projects[0].LastAffected == "" ||
		len(r.Projects[0].AffectedVersions) != 2 {
		t.Errorf("project status: %+v", r.Projects[0])
	}
	time.Sleep(5 * time.Millisecond)
	s.trackForm(browserEvent(p1, "$autotrack", "u1", "2.4.0", map[string]any{"$elements": button, "$insert_id": "new"}))
	r = s.advisoryReport(strip)
	if r.UpdatedProjects != 1 || r.UpdatedShare != 0.5 || len(r.StillSending) != 1 || r.StillSending[0] != p2.ID {
		t.Errorf("report after one update: %+v", r)
	}
	if new := byInsertID(t, s.export(p1, false))["new"].Properties; new["$elements"].([]any)[0].(map[string]any)["attr__value"] != "buy-now-123" {
		t.Errorf("an unaffected version was changed: %v", new)
	}
	time.Sleep(5 * time.Millisecond)
	s.trackForm(browserEvent(p2, "Page View", "u2", "2.4.1", nil))
	if r = s.advisoryReport(strip); r.UpdatedShare != 1 || len(r.StillSending) != 0 {
		t.Errorf("report after both updates: %+v", r)
	}
	// The rejected event still counts in the fleet: p1 is affected by it.
	if r := s.advisoryReport(reject); r.AffectedProjects != 1 || r.Projects[0].ProjectID != p1.ID {
		t.Errorf("reject advisory report: %+v", r)
	}
	if r := s.advisoryReport(drop); r.AffectedProjects != 1 {
		t.Errorf("drop advisory report: %+v", r)
	}
	// Advisories survive a restart.
	s.stop()
	s.restart()
	code, out = s.do("GET", "/api/advisories", basic(p1.APISecret, ""), nil)
	if code != 200 || bytes.Count(out, []byte(`"id"`)) != 3 {
		t.Errorf("advisories after restart: %d %s", code, out)
	}
	if r := s.advisoryReport(strip); r.UpdatedShare != 1 {
		t.Errorf("report after restart: %+v", r)
	}
}
