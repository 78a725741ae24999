package pii

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMaskFreeTextAndIDs(t *testing.T) {
	m := New([]byte("k"), []string{"email"}, false)
	ann := "ann.text@example.com"
	h := m.Hash(ann)
	raw := []byte(`{"note":"call ann.text@example.com today, cc ann.text@example.com","email":"ann.text@example.com","tags":["x","ann.text@example.com"],"deep":{"msg":"ann.text@example.com"},"logo":"logo@2x.png","repo":"git@github.com:o/r","url":"https://u:p@host.example.com/","n":3}`)
	out := m.JSON(raw)
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if strings.Contains(string(out), "ann.text@") {
		t.Fatalf("an address survived: %s", out)
	}
	if got["note"] != "call "+h+" today, cc "+h || got["email"] != h || got["tags"].([]any)[1] != h || got["deep"].(map[string]any)["msg"] != h {
		t.Fatalf("free text: %s", out)
	}
	if got["logo"] != "logo@2x.png" || got["repo"] != "git@github.com:o/r" || got["url"] != "https://u:p@host.example.com/" {
		t.Fatalf("a non-address changed: %s", out)
	}
	if r := strings.Join(m.Returned(), ","); r != "deep.msg,email,note,tags" {
		t.Fatalf("returned %s", r)
	}
	// A distinct_id: an address hashes as it does in text (joins hold), a
	// phone number in international form too, anything else is kept.
	if m.ID(ann) != h || m.ID("u-123") != "u-123" || m.ID("+33 6 12 34 56 78") != m.Hash("+33 6 12 34 56 78") || m.ID("+12") != "+12" {
		t.Fatal("ID")
	}
	if m.Value("title", "by "+ann) != "by "+h || m.Value("title", "$other", "$other") != "$other" {
		t.Fatal("Value in free text")
	}
	// The reader with the grant sees everything as stored.
	c := New([]byte("k"), []string{"email"}, true)
	if string(c.JSON(raw)) != string(raw) || c.ID(ann) != ann || c.Value("title", ann) != ann {
		t.Fatal("clear reader")
	}
	// No "@": raw unchanged, not parsed.
	if plain := []byte(`{"note":"nothing here","n":1}`); &m.JSON(plain)[0] != &plain[0] {
		t.Fatal("copied a value without an address")
	}
}
