package main

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

func TestSelfCheck(t *testing.T) {
	if err := selfCheck(); err != nil {
		t.Fatal(err)
	}
}

// TestGeneratedValuesPassTheirChecks checks the generators against the
// validators, and the deliberately broken numbers against them too.
func TestGeneratedValuesPassTheirChecks(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 500 {
		if c := card(r); !luhnValid(c) || len(c) < 14 || len(c) > 19 {
			t.Fatalf("card %s", c)
		}
		if c := badLuhn(r); luhnValid(c) {
			t.Fatalf("badLuhn %s passes Luhn", c)
		}
		if s := iban(r); !ibanValid(s) {
			t.Fatalf("iban %s", s)
		}
		if s := aba(r); !abaValid(s) {
			t.Fatalf("aba %s", s)
		}
		if s := bsn(r); !elevenTest(s) {
			t.Fatalf("bsn %s", s)
		}
		if s := strings.ReplaceAll(aadhaar(r), " ", ""); !verhoeffValid(s) || s[0] < '2' {
			t.Fatalf("aadhaar %s", s)
		}
		if s := strings.ReplaceAll(sin(r), "-", ""); !luhnValid(s) {
			t.Fatalf("sin %s", s)
		}
		if s := prcID(r); prcCheck(s[:17]) != s[17] {
			t.Fatalf("prc id %s", s)
		}
		if s := codiceFiscale(r); cfCheck(s) != s[15] {
			t.Fatalf("codice fiscale %s", s)
		}
		if s := ssn(r); strings.HasPrefix(s, "000") || strings.HasPrefix(s, "666") || s[0] == '9' {
			t.Fatalf("ssn %s", s)
		}
	}
}

func TestGenerateIsDeterministicAndShaped(t *testing.T) {
	a, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two runs differ")
	}
	lines := bytes.Count(a, []byte("\n"))
	labelled := bytes.Count(a, []byte(`"labels":[{`))
	if lines != Events {
		t.Fatalf("%d lines, want %d", lines, Events)
	}
	if share := 100 * labelled / lines; share < sensitiveShare-5 || share > sensitiveShare+5 {
		t.Fatalf("%d%% of events are labelled, want about %d%%", share, sensitiveShare)
	}
}
