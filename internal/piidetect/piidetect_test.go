package piidetect

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func found(scan func(string, func(int, int)), s string) []string {
	var out []string
	scan(s, func(a, b int) { out = append(out, s[a:b]) })
	return out
}

func TestEmails(t *testing.T) {
	for in, want := range map[string][]string{
		"write to ann.o'neil+tag@mail.example.co.uk, or bob@example.org.": {"ann.o'neil+tag@mail.example.co.uk", "bob@example.org"},
		"mailto:Ann@Example.COM":                 {"Ann@Example.COM"},
		"MAILTO:ann@example.com":                 {"ann@example.com"},
		"https://user:pw@host.example.com":       nil,
		"//user@host.example.com/x":              nil,
		"git@github.com:org/repo.git":            nil,
		"logo@2x.png LOGO@2X.PNG":                nil,
		"a@b.c x@y.z1 .a@b.com a.@b.com":         nil,
		"no address here":                        nil,
		"tld@example.abcdefghijklmnopqrstuvwxyz": nil,
	} {
		if got := found(Emails, in); !slices.Equal(got, want) {
			t.Errorf("Emails(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhones(t *testing.T) {
	for in, want := range map[string][]string{
		"call +44 20 7946 0958 or (415) 555-2671 or 415.555.2671": {"+44 20 7946 0958", "(415) 555-2671", "415.555.2671"},
		"+1 (415) 555-2671":               {"+1 (415) 555-2671"},
		"order 12345678901, total 415.55": nil,
		"id a+4420794609 +1234567":        nil,
		"415-555-2671-9 115-555-2671":     nil,
		"v1.415-555-2671":                 nil,
		"2026-12-03 14:05:00":             nil,
	} {
		if got := found(Phones, in); !slices.Equal(got, want) {
			t.Errorf("Phones(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneShapes(t *testing.T) {
	for s, want := range map[string]bool{"+33 6 12 34 56 78": true, "0612345678": true, "(415) 555-2671": true,
		"123456": false, "06 12 ab": false, "": false, "1234567890123456": false} {
		if PhoneShape(s) != want {
			t.Errorf("PhoneShape(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"+33 6 12 34 56 78": true, "+14155552671": true, "0612345678": false,
		"+12": false, "+1234567": false, "+44 20 7946 0958 x": false, "+1234567890123456": false} {
		if InternationalPhone(s) != want {
			t.Errorf("InternationalPhone(%q) != %v", s, want)
		}
	}
}

// TestPhoneShortcutsAgree: HasPhone and Phones's quick test answer as a
// walk over every byte does, on random texts made of a phone number's
// characters and a few others.
func TestPhoneShortcutsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 14))
	const alphabet = "0123456789012345678901234567890123456789+-.() ()a/x"
	foundN := 0
	defer func() {
		if foundN < 1000 {
			t.Errorf("only %d texts held a phone number", foundN)
		}
	}()
	for n := 0; n < 300_000; n++ {
		b := make([]byte, 1+rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		var walk []int
		for i := 0; i < len(s); i++ {
			if e := phoneAt(s, i); e > 0 {
				walk = append(walk, i, e)
				i = e
			}
		}
		var got []int
		Phones(s, func(a, b int) { got = append(got, a, b) })
		if len(walk) > 0 {
			foundN++
		}
		if !slices.Equal(got, walk) || HasPhone(s) != (len(walk) > 0) {
			t.Fatalf("%q: Phones %v, walk %v, HasPhone %v", s, got, walk, HasPhone(s))
		}
	}
}
