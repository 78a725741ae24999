package apptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNameLimits: event names, property names, distinct_ids and group keys
// over 255 bytes are record errors (the rest of the batch is stored, nothing
// of the long record is), and many long names leave the lexicon small.
func TestNameLimits(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("limits")
	now := time.Now().Unix()
	marker := "LONGNAME" + randString(alnum, 16)
	long := func(i int) string { return marker + strings.Repeat("n", 100<<10) + fmt.Sprint(i) }
	for batch := range 20 {
		var evs []map[string]any
		for i := range 8 {
			n := batch*8 + i
			evs = append(evs, map[string]any{"event": long(n), "properties": map[string]any{"token": p.Token, "time": now, "distinct_id": "u"}})
		}
		evs = append(evs,
			map[string]any{"event": "e", "properties": map[string]any{"token": p.Token, "time": now, "distinct_id": long(batch)}},
			map[string]any{"event": "e", "properties": map[string]any{"token": p.Token, "time": now, "distinct_id": "u", long(batch)[:300]: 1}},
			map[string]any{"event": "ok", "properties": map[string]any{"token": p.Token, "time": now, "distinct_id": "u", strings.Repeat("k", 255): 1}},
		)
		b, _ := json.Marshal(evs)
		code, body := s.do("POST", "/track?verbose=1", http.Header{"Content-Type": {"application/json"}}, b)
		if code != 200 || !strings.Contains(string(body), `"10 records failed validation; first: record 0: event: the event name is longer than 255 bytes"`) {
			t.Fatalf("batch %d: %d %.300s", batch, code, body)
		}
	}
	b, _ := json.Marshal([]map[string]any{{"$token": p.Token, "$group_key": long(0)[:256], "$group_id": "g", "$set": map[string]any{"a": 1}}})
	code, body := s.do("POST", "/groups?verbose=1", http.Header{"Content-Type": {"application/json"}}, b)
	if code != 200 || !strings.Contains(string(body), "255 bytes") {
		t.Errorf("/groups with a long group key: %d %.300s", code, body)
	}
	ex := s.export(p, false)
	if len(ex) != 20 {
		t.Errorf("export has %d events, want the 20 'ok' ones", len(ex))
	}
	s.stop()
	for _, h := range grepData(t, s.Data, marker) {
		t.Errorf("a refused name reached disk: %s", h)
	}
	st, err := os.Stat(filepath.Join(s.Data, "insight", "lexicon.json"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 1<<20 {
		t.Errorf("the lexicon is %d bytes", st.Size())
	}
}
