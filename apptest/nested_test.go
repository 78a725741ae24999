package apptest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestNestedGraphQLBody sends the realistic event that made the first
// release's guard panic (a stringified GraphQL request whose variables look
// like JSON arrays), between two ordinary events, as the report did: every
// event is answered, stored and exported, the body unchanged.
func TestNestedGraphQLBody(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("nested")
	gql := `{"operationName": "ChangePassword", "variables": {"current": "[REDACTED]", "next": "[REDACTED]"}, "query": "mutation ChangePassword($current: String!) { ok }"}`
	body, _ := json.Marshal([]map[string]any{
		{"event": "before", "properties": map[string]any{"token": p.Token, "distinct_id": "u1", "$insert_id": "n1"}},
		{"event": "gql", "properties": map[string]any{"token": p.Token, "distinct_id": "u1", "$insert_id": "n2", "request_body": gql}},
		{"event": "after", "properties": map[string]any{"token": p.Token, "distinct_id": "u1", "$insert_id": "n3"}},
	})
	code, b := s.do("POST", "/track?verbose=1", http.Header{"Content-Type": {"application/json"}}, body)
	if code != 200 || string(b) != `{"status":1,"error":null}` {
		t.Fatalf("/track answered %d %s", code, b)
	}
	got := map[string]exported{}
	for _, e := range s.export(p, false) {
		got[e.Event] = e
	}
	if len(got) != 3 || got["gql"].Properties["request_body"] != gql {
		t.Fatalf("exported %v", got)
	}
}
