package apptest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestGeneratedInsertIDs: events sent without $insert_id (as mixpanel-node
// and mixpanel-go send them) get one at ingestion, each its own, the same
// in every export; two identical events without one are both kept, while a
// client-sent id still de-duplicates.
func TestGeneratedInsertIDs(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("insert-ids")
	now := time.Now().Unix()
	same := map[string]any{"event": "same", "properties": map[string]any{"token": p.Token, "distinct_id": "u", "time": now}}
	s.track([]map[string]any{same, same,
		{"event": "other", "properties": map[string]any{"token": p.Token, "distinct_id": "u", "time": now}},
		{"event": "client", "properties": map[string]any{"token": p.Token, "distinct_id": "u", "time": now, "$insert_id": "c-1"}},
	})
	s.track([]map[string]any{same,
		{"event": "client", "properties": map[string]any{"token": p.Token, "distinct_id": "u", "time": now, "$insert_id": "c-1"}},
	})
	first := s.export(p, false)
	if len(first) != 5 {
		t.Fatalf("exported %d events, want 5 (three 'same', one 'other', one 'client')", len(first))
	}
	ids := byInsertID(t, first) // fails on an id exported twice
	if len(ids) != 5 {
		t.Errorf("%d distinct $insert_id in 5 events: %v", len(ids), ids)
	}
	if _, ok := ids["c-1"]; !ok {
		t.Error("the client's $insert_id was not kept")
	}
	second := s.export(p, false)
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(second)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two exports differ:\n%s\n%s", a, b)
	}
	s.stop()
	s.restart()
	if c, _ := json.Marshal(s.export(p, false)); string(c) != string(a) {
		t.Errorf("the export after a restart differs:\n%s\n%s", a, c)
	}
}
