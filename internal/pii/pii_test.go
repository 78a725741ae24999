package pii

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMaskHashesPIIPathsOnly(t *testing.T) {
	key := []byte("k1")
	m := New(key, []string{"email", "user.phone"}, false)
	raw := []byte(`{"email":"ann@example.com","plan":"pro","user":{"phone":"+33 6 12 34 56 78","n":1},"$email":"ann@example.com","x":null}`)
	out := m.JSON(raw)
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("masked JSON does not parse: %v: %s", err, out)
	}
	if strings.Contains(string(out), "ann@example.com") || strings.Contains(string(out), "12 34") {
		t.Fatalf("a PII value survived: %s", out)
	}
	h := m.Hash("ann@example.com")
	if got["email"] != h || got["$email"] != h || !strings.HasPrefix(h, Prefix) {
		t.Fatalf("email %v, $email %v, want %s", got["email"], got["$email"], h)
	}
	if got["plan"] != "pro" || got["user"].(map[string]any)["n"] != 1.0 {
		t.Fatalf("a non-PII value changed: %s", out)
	}
	if r := m.Returned(); strings.Join(r, ",") != "$email,email,user.phone" {
		t.Fatalf("returned %v", r)
	}
	// Stable for the key, different under another project's key.
	if New(key, nil, false).Hash("ann@example.com") != h || New([]byte("k2"), nil, false).Hash("ann@example.com") == h {
		t.Fatal("hash not stable per key")
	}
	// Breakdown values hash like exported ones; placeholders pass.
	if m.Value("email", "ann@example.com") != h || m.Value("email", "$other", "$other") != "$other" || m.Value("plan", "pro") != "pro" {
		t.Fatal("Value")
	}
	// A number hashes as its JSON text, as a breakdown shows it.
	m2 := New(key, []string{"n"}, false)
	var g2 map[string]string
	if err := json.Unmarshal(m2.JSON([]byte(`{"n":42}`)), &g2); err != nil || g2["n"] != m2.Value("n", "42") {
		t.Fatalf("number: %v %v", g2, err)
	}
}

func TestMaskSpellings(t *testing.T) {
	m := New([]byte("k"), []string{"email", "a.b"}, false)
	for _, raw := range []string{
		`{"em\u0061il":"ann@example.com"}`, // an escaped member name
		`{"a.b":"ann@example.com"}`,        // a member name with a dot
		`{"a":{"b":"ann@example.com"}}`,
		`{"x":1, "email" : "ann@example.com"}`,
	} {
		out := string(m.JSON([]byte(raw)))
		if strings.Contains(out, "ann@") || !strings.Contains(out, m.Hash("ann@example.com")) {
			t.Errorf("%s -> %s", raw, out)
		}
	}
	if raw := `{"emails":"ann","b":"x"}`; string(m.JSON([]byte(raw))) != raw {
		t.Errorf("a non-PII path changed")
	}
}

func TestMaskClearPassesValuesButRecordsPaths(t *testing.T) {
	m := New([]byte("k"), []string{"email"}, true)
	raw := []byte(`{"email":"ann@example.com"}`)
	if out := m.JSON(raw); string(out) != string(raw) {
		t.Fatalf("clear reader got %s", out)
	}
	if m.Value("email", "a@b.co") != "a@b.co" || len(m.Returned()) != 1 || !m.Clear() {
		t.Fatal("clear reader")
	}
}
