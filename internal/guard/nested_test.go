package guard

import (
	"encoding/json"
	"testing"
)

// jsonString returns v as JSON text, as an SDK would put it in a string.
func jsonString(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNestedJSONValueLookingLikeJSON is the regression test for a panic on
// an ordinary GraphQL request body: a value inside stringified JSON that
// itself looked like JSON ("[REDACTED]") was parsed with the parser of the
// tree being walked, which reset that tree under the walk.
func TestNestedJSONValueLookingLikeJSON(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	// The body exactly as the report sent it (Python's json.dumps spacing).
	gql := `{"operationName": "ChangePassword", "variables": {"current": "[REDACTED]", "next": "[REDACTED]"}, "query": "mutation ChangePassword($current: String!) { ok }"}`
	f := func(props string, wantDrop bool, wantPath string) {
		t.Helper()
		r := checkEvent(t, c, props)
		if !json.Valid([]byte(r.props)) {
			t.Fatalf("output is not JSON: %q", r.props)
		}
		if r.drop != wantDrop {
			t.Fatalf("drop = %v, want %v for %s", r.drop, wantDrop, props)
		}
		if wantPath == "" {
			if len(r.findings) != 0 {
				t.Fatalf("findings %+v for clean %s", r.findings, props)
			}
			if r.props != props {
				t.Fatalf("clean event changed:\n got %s\nwant %s", r.props, props)
			}
			return
		}
		found := false
		for _, fd := range r.findings {
			found = found || fd.Path == wantPath
		}
		if !found {
			t.Fatalf("no finding at %s: %+v", wantPath, r.findings)
		}
	}
	f(jsonString(t, map[string]any{"distinct_id": "u1", "request_body": gql}), false, "")
	// The same shapes one and two levels deeper, and values that look
	// like JSON objects and arrays but are not.
	inner := jsonString(t, map[string]any{"a": "[x]", "b": "{y}", "c": "[1,2", "d": gql})
	f(jsonString(t, map[string]any{"body": jsonString(t, map[string]any{"payload": inner, "e": "[]"})}), false, "")
	// A secret beside such a value is still found, at the holding path.
	secret := jsonString(t, map[string]any{"variables": map[string]any{"current": "[REDACTED]", "password": "Tr0ub4dor&3x!"}, "query": "{ ok }"})
	f(jsonString(t, map[string]any{"request_body": secret}), false, "request_body")
	// A value that is valid JSON inside JSON inside JSON, with a card deep in it.
	deep := jsonString(t, map[string]any{"x": jsonString(t, map[string]any{"y": "[\"4111 1111 1111 1111\"]"})})
	f(jsonString(t, map[string]any{"har": deep}), false, "har")
	// Nesting past every parser the walker has is bounded, not a crash.
	s := `"[\"4111111111111111\"]"`
	for i := 0; i < 12; i++ {
		s = jsonString(t, map[string]any{"k": json.RawMessage(s)})
		s = jsonString(t, s)
	}
	if r := checkEvent(t, c, `{"deep":`+s+`}`); !json.Valid([]byte(r.props)) {
		t.Fatalf("output is not JSON")
	}
}
