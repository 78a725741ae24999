package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
)

// normalize turns any JSON-able value into its canonical JSON text.
func normalize(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<unmarshalable %T>", v)
	}
	var x any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		return string(b)
	}
	b, _ = json.Marshal(x)
	return string(b)
}

// expectExported checks that an exported event equals what was sent,
// property by property: every sent property but token is there with the
// same value (time as whole seconds, whatever unit was sent), and nothing
// else was added.
func expectExported(t *testing.T, sentName string, sent map[string]any, got exported) {
	t.Helper()
	if got.Event != sentName {
		t.Errorf("event name: got %q, want %q", got.Event, sentName)
	}
	want := map[string]any{}
	for k, v := range sent {
		if k == "token" {
			continue
		}
		want[k] = v
	}
	if tv, ok := want["time"]; ok {
		f, _ := json.Number(normalize(tv)).Float64()
		if f > 1e11 { // milliseconds
			f /= 1000
		}
		want["time"] = int64(math.Floor(f))
	}
	var diffs []string
	for k, v := range want {
		gv, ok := got.Properties[k]
		if !ok {
			diffs = append(diffs, "missing "+k)
			continue
		}
		if a, b := normalize(v), normalize(gv); a != b {
			diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", k, b, a))
		}
	}
	for k := range got.Properties {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, "unexpected "+k)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("event %q (%v): %s", sentName, sent["$insert_id"], strings.Join(diffs, "; "))
	}
}
