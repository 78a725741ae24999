package main

import (
	"bytes"
	"strings"
	"testing"
)

// The check-digit code against examples the formats' own documentation
// publishes (and their one-digit changes).
func TestPublishedExamples(t *testing.T) {
	for _, c := range []struct {
		format, value string
		want          bool
	}{
		{"luhn", "4111111111111111", true},
		{"luhn", "4111111111111112", false},
		{"iban", "GB82WEST12345698765432", true},
		{"iban", "DE89370400440532013000", true},
		{"iban", "DE89370400440532013001", false},
		{"aba", "021000021", true},
		{"aba", "011000015", true},
		{"aba", "021000022", false},
		{"ee_isikukood", "37605030299", true},
		{"ee_isikukood", "37605030298", false},
		{"ch_ahv", "756.9217.0769.85", true},
		{"ch_ahv", "756.9217.0769.86", false},
		{"ie_ppsn", "1234567T", true},
		{"ie_ppsn", "1234567U", false},
		{"pt_nif", "123456789", true},
		{"pt_nif", "123456788", false},
		{"is_kennitala", "120174-3399", true},
		{"is_kennitala", "120174-3389", false},
	} {
		if got := checkers[c.format](c.value); got != c.want {
			t.Errorf("%s(%s) = %v, want %v", c.format, c.value, got, c.want)
		}
	}
}

// Every labelled ID, card and IBAN passes its check; every look-alike
// fails it; every card label is Luhn-valid.
func TestLabelsPassTheirChecks(t *testing.T) {
	evs := generate()
	formats := map[string]int{}
	for i, e := range evs {
		for _, c := range e.checks {
			ok := checkers[c.format](c.value)
			if ok != c.valid {
				t.Errorf("event %d (%s): %s check of %q = %v, want %v", i, e.Scenario, c.format, c.value, ok, c.valid)
			}
			if c.valid && len(e.Labels) > 0 && c.format != "aba" { // a routing number is public, never a label
				found := false
				for _, l := range e.Labels {
					if lv, cv := strings.ReplaceAll(l.Value, " ", ""), strings.ReplaceAll(c.value, " ", ""); strings.Contains(cv, lv) || strings.Contains(lv, cv) {
						found = true
					}
				}
				if !found {
					t.Errorf("event %d (%s): checked value is not a label", i, e.Scenario)
				}
			}
			formats[c.format+map[bool]string{true: "+", false: "-"}[c.valid]]++
		}
		for _, l := range e.Labels {
			if l.Class == "payment_card" && len(l.Value) >= 12 && !luhnOK(l.Value) {
				t.Errorf("event %d: card label fails Luhn", i)
			}
			if l.Class == "bank_account" && len(l.Value) > 15 && l.Value[0] >= 'A' && l.Value[0] <= 'Z' && !ibanOK(l.Value) {
				t.Errorf("event %d: IBAN label fails mod 97", i)
			}
		}
	}
	for _, f := range nationalFormats {
		if formats[f.name+"+"] == 0 || formats[f.name+"-"] == 0 {
			t.Errorf("%s: %d valid, %d look-alikes; want both", f.name, formats[f.name+"+"], formats[f.name+"-"])
		}
	}
}

// Many fresh draws of each national format pass; their look-alikes fail.
func TestFormatsRoundTrip(t *testing.T) {
	g := &gen{r: newRand(1)}
	for _, f := range nationalFormats {
		for i := 0; i < 500; i++ {
			if v := f.make(g); !f.ok(v) {
				t.Fatalf("%s: made %q fails its check", f.name, v)
			}
			if v := g.lookalike(f); f.ok(v) {
				t.Fatalf("%s: look-alike %q passes its check", f.name, v)
			}
		}
	}
	for i := 0; i < 500; i++ {
		if v := g.iban(); !ibanOK(v) {
			t.Fatalf("iban %q fails", v)
		}
		if v, _ := g.card(); !luhnOK(v) {
			t.Fatalf("card %q fails", v)
		}
		if v := g.aba(); !abaOK(v) {
			t.Fatalf("aba %q fails", v)
		}
		if v := g.ogm(); !ogmOK(v) {
			t.Fatalf("ogm %q fails", v)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, err := encode(generate())
	if err != nil {
		t.Fatal(err)
	}
	b, err := encode(generate())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two runs write different bytes")
	}
	sens := 0
	evs := generate()
	for _, e := range evs {
		if len(e.Labels) > 0 {
			sens++
		}
	}
	if share := float64(sens) / float64(len(evs)); share < 0.3 || share > 0.4 {
		t.Errorf("sensitive share %.2f, want about 0.35", share)
	}
}
