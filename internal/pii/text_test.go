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

// TestMaskPhonesInTextAndIDs: phone numbers inside free text and North
// American ones as distinct_ids read hashed for a reader without the
// grant, with the hash of the number as written (the same as at a PII
// path); ids, amounts, versions, dates and bare digit runs stay.
func TestMaskPhonesInTextAndIDs(t *testing.T) {
	m := New([]byte("k"), []string{"contact.tel"}, false)
	intl, nanp := "+44 20 7946 0958", "(415) 555-2671"
	raw := []byte(`{"note":"call +44 20 7946 0958 or (415) 555-2671 after 5","contact":{"tel":"(415) 555-2671"},"mail":"ann@example.com, +44 20 7946 0958","order":"ORD-20261203-55512","amount":"1234567.89","v":"2.55.0","when":"2026-12-03T14:05:00Z","digits":"4155552671","n":4155552671,"ip":"192.168.100.200"}`)
	out := m.JSON(raw)
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got["note"] != "call "+m.Hash(intl)+" or "+m.Hash(nanp)+" after 5" || got["contact"].(map[string]any)["tel"] != m.Hash(nanp) ||
		got["mail"] != m.Hash("ann@example.com")+", "+m.Hash(intl) {
		t.Fatalf("phones in text: %s", out)
	}
	for _, k := range []string{"order", "amount", "v", "when", "digits", "ip"} {
		var orig map[string]any
		json.Unmarshal(raw, &orig)
		if got[k] != orig[k] {
			t.Errorf("%s changed: %v", k, got[k])
		}
	}
	if r := strings.Join(m.Returned(), ","); r != "contact.tel,mail,note" {
		t.Fatalf("returned %s", r)
	}
	if m.ID("415-555-2671") != m.Hash("415-555-2671") || m.ID("4155552671") != "4155552671" || m.ID("user_4155552671") != "user_4155552671" ||
		m.ID("2026-12-03") != "2026-12-03" {
		t.Fatal("ID")
	}
	// A row whose only digits are numbers and timestamps is not copied.
	if plain := []byte(`{"time":1700000000123,"n":4155552671,"v":"2.55.0"}`); &m.JSON(plain)[0] != &plain[0] {
		t.Fatal("copied a row without a phone number")
	}
	c := New([]byte("k"), nil, true)
	if string(c.JSON(raw)) != string(raw) || c.ID("415-555-2671") != "415-555-2671" {
		t.Fatal("clear reader")
	}
}
