package main

import (
	"bytes"
	"strings"
	"testing"
)

// The check-digit code against examples the formats' documentation and
// validators publish, and their one-digit changes.
func TestPublishedExamples(t *testing.T) {
	for _, c := range []struct {
		format, value string
		want          bool
	}{
		{"luhn", "4111111111111111", true},
		{"luhn", "4111111111111112", false},
		{"iban", "GB82WEST12345698765432", true},
		{"iban", "LT121000011101001000", true},
		{"iban", "PL61109010140000071219812874", true},
		{"iban", "PL61109010140000071219812875", false},
		{"clabe", "002010077777777771", true},
		{"clabe", "002010077777777772", false},
		{"cbu", "2850590940090418135201", true},
		{"cbu", "2850590940090418135202", false},
		{"ru_snils", "112-233-445 95", true},
		{"ru_snils", "112-233-445 96", false},
		{"ru_inn", "500100732259", true},
		{"ru_inn", "500100732258", false},
		{"pl_nip", "123-456-32-18", true},
		{"pl_nip", "123-456-32-19", false},
		{"lt_asmens_kodas", "33309240064", true},
		{"lt_asmens_kodas", "33309240065", false},
		{"at_svnr", "1237 010180", true},
		{"at_svnr", "1238 010180", false},
		{"nz_ird", "49091850", true},
		{"nz_ird", "35901981", true},
		{"nz_ird", "136410132", true},
		{"nz_ird", "136410133", false},
		{"au_medicare", "2123 45670 1", true},
		{"au_medicare", "2123 45671 1", false},
		{"ec_cedula", "1710034065", true},
		{"ec_cedula", "1710034066", false},
		{"uy_ci", "1.234.567-2", true},
		{"uy_ci", "1.234.567-3", false},
	} {
		if got := checkers[c.format](c.value); got != c.want {
			t.Errorf("%s(%s) = %v, want %v", c.format, c.value, got, c.want)
		}
	}
}

// Every labelled ID, card and bank number passes its check; every
// look-alike fails it; both kinds occur for every national format.
func TestLabelsPassTheirChecks(t *testing.T) {
	evs := generate()
	formats := map[string]int{}
	for i, e := range evs {
		for _, c := range e.checks {
			if ok := checkers[c.format](c.value); ok != c.valid {
				t.Errorf("event %d (%s): %s check of %q = %v, want %v", i, e.Scenario, c.format, c.value, ok, c.valid)
			}
			if c.valid {
				found := false
				for _, l := range e.Labels {
					if lv, cv := onlyDigits(l.Value), onlyDigits(c.value); lv != "" && (strings.Contains(cv, lv) || strings.Contains(lv, cv)) {
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
			if l.Class == "payment_card" && len(onlyDigits(l.Value)) >= 13 && !luhnOK(l.Value) {
				t.Errorf("event %d: card label fails Luhn", i)
			}
		}
	}
	for _, f := range nationalFormats {
		if formats[f.name+"+"] == 0 || formats[f.name+"-"] == 0 {
			t.Errorf("%s: %d valid, %d look-alikes; want both", f.name, formats[f.name+"+"], formats[f.name+"-"])
		}
	}
}

// Many fresh draws of each format pass; their look-alikes fail.
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
		if v := g.clabe(); !clabeOK(v) {
			t.Fatalf("clabe %q fails", v)
		}
		if v := g.cbu(); !cbuOK(v) {
			t.Fatalf("cbu %q fails", v)
		}
		if bik, a := g.ruAccount(); !ruAccountOK(bik, a) {
			t.Fatalf("account %q fails", a)
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
