package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Known-good and known-bad values for the validators the generator relies on.
func TestValidators(t *testing.T) {
	f := func(name string, ok bool, want bool) {
		t.Helper()
		if ok != want {
			t.Errorf("%s: got %v, want %v", name, ok, want)
		}
	}
	f("luhn visa", luhnValid("4111111111111111"), true)
	f("luhn amex", luhnValid("378282246310005"), true)
	f("luhn bad", luhnValid("4111111111111112"), false)
	f("luhnBreak", luhnValid(luhnBreak("4111111111111111")), false)
	f("iban GB", ibanValid("GB82 WEST 1234 5698 7654 32"), true)
	f("iban DE", ibanValid("DE89370400440532013000"), true)
	f("iban bad", ibanValid("DE89370400440532013001"), false)
	f("aba chase", abaValid("021000021"), true)
	f("aba bad", abaValid("021000022"), false)
	f("steuer-id", iso7064Mod1110("8609574271") == 9, true)
	f("cpf", cpfDigit([]int{5, 2, 9, 9, 8, 2, 2, 4, 7}) == 2 && cpfDigit([]int{5, 2, 9, 9, 8, 2, 2, 4, 7, 2}) == 5, true)
	f("codice fiscale", cfCheck("RSSMRA85T10A562") == 'S', true)
	f("chinese id", cnCheck("11010519491231002") == 'X', true)
	f("verhoeff 2363", verhoeffValid("2363"), true)
	f("verhoeff digit", verhoeffDigit("236") == 3, true)
	f("bsn", bsnValid("111222333"), true)
	f("bsn bad", bsnValid("111222334"), false)
}

// Every generated value must pass its own validator, computed independently
// of the code that built it.
func TestGeneratedValuesValidate(t *testing.T) {
	g := newGen(1, false)
	for range 500 {
		if pan, brand := g.card(); !luhnValid(pan) || len(pan) < 13 || len(pan) > 19 {
			t.Fatalf("card %s (%d digits) fails Luhn", brand, len(pan))
		}
		if s := g.iban(); !ibanValid(s) {
			t.Fatalf("IBAN of length %d fails mod 97", len(s))
		}
		if s := g.abaRouting(); !abaValid(s) {
			t.Fatal("routing number fails its checksum")
		}
		if s := g.nir(); !nirValid(s) {
			t.Fatal("NIR fails its key")
		}
		if s := strings.ReplaceAll(g.aadhaar(), " ", ""); !verhoeffValid(s) {
			t.Fatal("Aadhaar fails Verhoeff")
		}
		if s := g.bsn(); !bsnValid(s) {
			t.Fatal("BSN fails the 11-test")
		}
		if s := g.sin(); !luhnValid(strings.NewReplacer(" ", "", "-", "").Replace(s)) {
			t.Fatal("SIN fails Luhn")
		}
		if s := g.codiceFiscale(); cfCheck(s[:15]) != s[15] {
			t.Fatal("codice fiscale check character")
		}
		if s := g.chineseID(); cnCheck(s) != s[17] {
			t.Fatal("resident ID check character")
		}
		if s := strings.ReplaceAll(g.steuerID(), " ", ""); iso7064Mod1110(s[:10]) != int(s[10]-'0') {
			t.Fatal("Steuer-ID check digit")
		}
		if s := strings.ReplaceAll(g.rfReference(), " ", ""); mod97(s[4:]+s[:4]) != 1 {
			t.Fatal("RF creditor reference fails mod 97")
		}
		if o := g.cleanOrderNumber(); len(digitRuns(o)) == 1 && len(o) == 16 && luhnValid(o) {
			t.Fatal("16-digit order number passes Luhn")
		}
	}
}

// The committed corpus is exactly what the generator writes today.
func TestCorpusUpToDate(t *testing.T) {
	for _, sp := range splits {
		want := render(buildSplit(sp))
		got, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus_"+sp.name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, []byte(want)) {
			t.Errorf("corpus_%s.jsonl is stale: run go generate ./internal/guard", sp.name)
		}
	}
}

// Each line is valid JSON in the documented shape, about half are clean,
// and every class has enough positives to measure recall at 0.99.
func TestCorpusShape(t *testing.T) {
	type lbl struct {
		Path, Class, Value, Scenario string
		Alt                          []string
	}
	type line struct {
		Event      string
		Properties map[string]any
		Labels     []lbl
	}
	for _, sp := range splits {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus_"+sp.name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		clean := 0
		perClass := map[string]int{}
		for i, s := range lines {
			var l line
			dec := json.NewDecoder(strings.NewReader(s))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&l); err != nil {
				t.Fatalf("%s line %d: %v", sp.name, i+1, err)
			}
			if l.Event == "" || l.Properties["token"] != Token {
				t.Fatalf("%s line %d: missing event name or token", sp.name, i+1)
			}
			if len(l.Labels) == 0 {
				clean++
			}
			for _, lb := range l.Labels {
				perClass[lb.Class]++
				if lb.Value == "" || lb.Path == "" {
					t.Fatalf("%s line %d: label without path or value", sp.name, i+1)
				}
			}
		}
		if clean*2 != len(lines) {
			t.Errorf("%s: %d clean of %d", sp.name, clean, len(lines))
		}
		min := 100
		if sp.heldout {
			min = 20
		}
		for _, c := range []string{"password", "payment_card", "national_id", "bank_account", "secret_token", "private_key", "credentials_in_url"} {
			if perClass[c] < min {
				t.Errorf("%s: only %d labels of class %s", sp.name, perClass[c], c)
			}
		}
	}
}
