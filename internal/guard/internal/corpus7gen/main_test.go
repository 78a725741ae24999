package main

import (
	"bytes"
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
		{"luhn", "490154203237518", true}, // an IMEI from 3GPP's examples
		{"luhn", "490154203237519", false},
		{"gtin", "4006381333931", true}, // EAN-13
		{"gtin", "4006381333932", false},
		{"gtin", "9780306406157", true}, // ISBN-13
		{"isbn10", "0306406152", true},
		{"isbn10", "0306406153", false},
		{"aba", "021000021", true},
		{"aba", "021000022", false},
		{"iban", "GB82WEST12345698765432", true},
		{"iban", "DE89370400440532013000", true},
		{"iban", "DE89370400440532013001", false},
		{"ssn", "078-05-1120", true},
		{"ssn", "666-05-1120", false},
		{"ssn", "078-00-1120", false},
	} {
		if got := checkers[c.format](c.value); got != c.want {
			t.Errorf("%s(%s) = %v, want %v", c.format, c.value, got, c.want)
		}
	}
}

// Every value the generator checks passes (or fails) as it says; every
// card label is Luhn-valid and every IBAN label passes mod 97.
func TestChecks(t *testing.T) {
	n := 0
	for i, e := range generate() {
		for _, c := range e.checks {
			n++
			if got := checkers[c.format](c.value); got != c.valid {
				t.Errorf("event %d (%s): %s check of %q = %v, want %v", i, e.Scenario, c.format, c.value, got, c.valid)
			}
		}
		for _, l := range e.Labels {
			if l.Class == "payment_card" && !luhnOK(l.Value) {
				t.Errorf("event %d: card label fails Luhn", i)
			}
			if l.Class == "bank_account" && !ibanOK(l.Value) {
				t.Errorf("event %d: IBAN label fails mod 97", i)
			}
		}
	}
	if n < 400 {
		t.Errorf("only %d checked values", n)
	}
}

func TestDeterministicAndMostlyClean(t *testing.T) {
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
	evs := generate()
	clean := 0
	classes := map[string]bool{}
	for _, e := range evs {
		if len(e.Labels) == 0 {
			clean++
		}
		for _, l := range e.Labels {
			classes[l.Class] = true
		}
	}
	if len(evs) < 3000 || float64(clean) < 0.85*float64(len(evs)) {
		t.Errorf("%d events, %d clean: want >= 3000 and >= 85%% clean", len(evs), clean)
	}
	for _, c := range []string{"password", "payment_card", "national_id", "bank_account", "secret_token", "private_key", "credentials_in_url", "form_value"} {
		if !classes[c] {
			t.Errorf("no %s label", c)
		}
	}
}

func TestEmailLike(t *testing.T) {
	for s, want := range map[string]bool{"ann@example.com": true, "x <b.c@d-e.io>": true, "web@1.2.3+abc1234": false, "deploy@build-12": false, "<1a.2b@ismtpd-555>": false} {
		if got := emailLike(s); got != want {
			t.Errorf("emailLike(%q) = %v", s, got)
		}
	}
}
