package sign

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test vectors of RFC 8785 (sections 3.2.2 and 3.2.3, appendix B).
func TestCanonicalRFC8785(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := Canonical([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if string(got) != want {
			t.Errorf("Canonical(%s)\n got %s\nwant %s", in, got, want)
		}
	}
	f(`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`, `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`)
	f(`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
		"{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}")
	f(` [ {"b":1, "a":{"d":[],"c":{}}} ] `, `[{"a":{"c":{},"d":[]},"b":1}]`)
	f(`"<&>"`, `"<&>"`)
}

func TestESNumber(t *testing.T) {
	for bits, want := range map[uint64]string{
		0x0000000000000000: "0", 0x8000000000000000: "0",
		0x0000000000000001: "5e-324", 0x8000000000000001: "-5e-324",
		0x7fefffffffffffff: "1.7976931348623157e+308",
		0x4340000000000000: "9007199254740992", 0xc340000000000000: "-9007199254740992",
		0x4430000000000000: "295147905179352830000",
		0x44b52d02c7e14af5: "9.999999999999997e+22", 0x44b52d02c7e14af6: "1e+23", 0x44b52d02c7e14af7: "1.0000000000000001e+23",
		0x444b1ae4d6e2ef4e: "999999999999999700000", 0x444b1ae4d6e2ef4f: "999999999999999900000", 0x444b1ae4d6e2ef50: "1e+21",
		0x3eb0c6f7a0b5ed8c: "9.999999999999997e-7", 0x3eb0c6f7a0b5ed8d: "0.000001",
		0x41b3de4355555553: "333333333.3333332", 0x41b3de4355555554: "333333333.33333325",
		0x41b3de4355555555: "333333333.3333333", 0x41b3de4355555556: "333333333.3333334", 0x41b3de4355555557: "333333333.33333343",
		0xbecbf647612f3696: "-0.0000033333333333333333",
		0x43143ff3c1cb0959: "1424953923781206.2",
	} {
		if got := esNumber(math.Float64frombits(bits)); got != want {
			t.Errorf("%#x: got %s, want %s", bits, got, want)
		}
	}
}

func TestCanonicalRejects(t *testing.T) {
	for _, in := range []string{`{"a":1e400}`, `{"a":1} x`, `{`, ``} {
		if _, err := Canonical([]byte(in)); err == nil {
			t.Errorf("Canonical(%q) accepted", in)
		}
	}
}

type doc struct {
	Name      string     `json:"name"`
	Rows      int64      `json:"rows"`
	Signature *Signature `json:"signature,omitempty"`
}

func signed(t *testing.T, k *Keyring, d doc) []byte {
	t.Helper()
	sig, err := k.Sign(d)
	if err != nil {
		t.Fatal(err)
	}
	d.Signature = sig
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignVerifyTamperOtherKeyRotation(t *testing.T) {
	dir := t.TempDir()
	k, err := Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "keys", FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", fi.Mode(), err)
	}
	b := signed(t, k, doc{Name: "purge <1>", Rows: 42})
	sig, pk, err := Verify(b, k.Public())
	if err != nil || pk.KeyID != k.Current() || sig.KeyID != pk.KeyID {
		t.Fatalf("Verify: %v %+v", err, pk)
	}
	// Re-indented and reordered: still verifies (canonical form).
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	compact, _ := json.Marshal(m)
	if _, _, err := Verify(compact, k.Public()); err != nil {
		t.Fatalf("compact form: %v", err)
	}
	// One byte changed: 42 -> 43.
	bad := []byte(strings.Replace(string(b), `"rows": 42`, `"rows": 43`, 1))
	if string(bad) == string(b) {
		t.Fatal("test did not change the document")
	}
	if _, _, err := Verify(bad, k.Public()); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("tampered: %v", err)
	}
	// Every single-byte change of the signed payload is caught or breaks the JSON.
	for i := range b {
		c := append([]byte(nil), b...)
		c[i] ^= 0x01
		if _, _, err := Verify(c, k.Public()); err == nil {
			var a, z any
			// Only an insignificant byte (whitespace change) may still verify.
			if json.Unmarshal(c, &a) != nil || json.Unmarshal(b, &z) != nil {
				continue
			}
			ca, _ := json.Marshal(a)
			cz, _ := json.Marshal(z)
			if string(ca) != string(cz) {
				t.Fatalf("byte %d changed and still verified", i)
			}
		}
	}
	// Another installation's key.
	other, err := Open(filepath.Join(dir, "other"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Verify(b, other.Public()); !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), k.Current()) {
		t.Fatalf("other installation: %v", err)
	}
	// The other installation's key under our key id (a forged key list).
	forged := other.Public()
	forged[0].KeyID = k.Current()
	if _, _, err := Verify(b, forged); err == nil {
		t.Fatal("a forged key list verified")
	}
	// Unsigned.
	if _, _, err := Verify([]byte(`{"name":"x"}`), k.Public()); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("unsigned: %v", err)
	}
	// Rotation: old documents still verify with the published keys, new
	// ones use the new key; reopening keeps both.
	old := k.Current()
	if _, err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	k2, err := Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	keys := k2.Public()
	if len(keys) != 2 || keys[0].KeyID != old || keys[0].Retired == nil || keys[1].Retired != nil || k2.Current() == old {
		t.Fatalf("after rotation: %+v", keys)
	}
	if _, pk, err := Verify(b, keys); err != nil || pk.KeyID != old {
		t.Fatalf("old certificate after rotation: %v", err)
	}
	nb := signed(t, k2, doc{Name: "new"})
	if _, pk, err := Verify(nb, keys); err != nil || pk.KeyID != k2.Current() {
		t.Fatalf("new certificate: %v", err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "keys", FileName))
	if strings.Count(string(raw), "private_key") != 1 {
		t.Fatal("the key file keeps more than the current private key")
	}
	// ParseKeys reads what the API publishes.
	pub, _ := json.Marshal(map[string]any{"keys": keys})
	if got, err := ParseKeys(pub); err != nil || len(got) != 2 {
		t.Fatalf("ParseKeys: %v %d", err, len(got))
	}
}
