package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCommittedCorpusIsGenerated checks that the committed corpus is what
// the generator writes for the default seed (run `go generate
// ./internal/guard` after changing the generator).
func TestCommittedCorpusIsGenerated(t *testing.T) {
	want, err := Render(Generate(DefaultSeed))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "testdata", FileName))
	if err != nil {
		t.Fatalf("read the committed corpus: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the generator writes: run go generate ./internal/guard", FileName)
	}
}

// TestLabelsAreInTheEvent checks each label's value is literally in a
// string or number at its path.
func TestLabelsAreInTheEvent(t *testing.T) {
	classes := map[string]int{}
	for i, ln := range Generate(DefaultSeed) {
		raw, _ := json.Marshal(ln.Properties)
		var props any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&props); err != nil {
			t.Fatal(err)
		}
		for _, l := range ln.Labels {
			classes[l.Class]++
			found := false
			walk(props, "", func(path, s string) {
				if path == l.Path && strings.Contains(s, l.Value) {
					found = true
				}
			})
			if !found {
				t.Errorf("event %d [%s]: label %s at %s not found", i, l.Scenario, l.Class, l.Path)
			}
		}
	}
	for _, c := range []string{"password", "payment_card", "national_id", "bank_account", "secret_token", "private_key", "credentials_in_url", "form_value", "email", "phone"} {
		if classes[c] < 20 {
			t.Errorf("only %d labels of %s", classes[c], c)
		}
	}
	t.Log(classes)
}

func walk(v any, path string, fn func(path, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walk(c, p, fn)
		}
	case []any:
		for _, c := range x {
			walk(c, path+"[]", fn)
		}
	case string:
		fn(path, x)
	case json.Number:
		fn(path, string(x))
	case bool:
		fn(path, strconv.FormatBool(x))
	}
}

// TestCheckDigits checks the makers against published valid examples.
func TestCheckDigits(t *testing.T) {
	if cpfDigits("111444777") != "11144477735" {
		t.Error("CPF check digits")
	}
	if string(verhoeffDigit("23607")) != "3" { // 236073 is a textbook Verhoeff example? see below
		t.Log("verhoeff example differs")
	}
	if string(verhoeffDigit("236")) != "3" {
		t.Error("Verhoeff check digit of 236 is 3")
	}
	if ibanCheck("GB", "WEST12345698765432") != "82" {
		t.Error("IBAN check GB82WEST12345698765432")
	}
	if ibanCheck("DE", "370400440532013000") != "89" {
		t.Error("IBAN check DE89370400440532013000")
	}
	if !luhnValid("4111111111111111") || luhnValid("4111111111111112") {
		t.Error("Luhn")
	}
	g := &gen{}
	_ = g
}
