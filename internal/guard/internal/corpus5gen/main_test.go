package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckRulesOnPublishedExamples checks each validator on examples
// published with the format's description (and on one changed character).
func TestCheckRulesOnPublishedExamples(t *testing.T) {
	cases := []struct {
		name  string
		valid func(string) bool
		good  string
	}{
		{"verhoeff", verhoeffValid, "2363"},
		{"personnummer", personnummerValid, "811218-9876"},
		{"hetu", hetuValid, "131052-308T"},
		{"pesel", peselValid, "44051401359"},
		{"codice fiscale", codiceFiscaleValid, "RSSMRA85T10A562S"},
		{"dni", dniValid, "12345678Z"},
		{"nie", dniValid, "X1234567L"},
		{"bsn", bsnValid, "111222333"},
		{"cpf", cpfValid, "529.982.247-25"},
		{"rut", rutValid, "12.345.678-5"},
		{"prc", prcValid, "11010519491231002X"},
		{"nric", nricValid, "S1234567D"},
		{"hkid", hkidValid, "A123456(3)"},
		{"taiwan", twValid, "A123456789"},
		{"tc kimlik", tckValid, "10000000146"},
		{"teudat zehut", tzValid, "000000018"},
		{"curp", curpValid, "HEGG560427MVZRRL04"},
		{"sin", sinValid, "130 692 544"},
		{"tfn", tfnValid, "123 456 782"},
		{"nino", ninoValid, "AB 12 34 56 C"},
		{"nhs", nhsValid, "943 476 5919"},
		{"luhn", luhnValid, "4111111111111111"},
		{"iban", ibanValid, "GB82 WEST 1234 5698 7654 32"},
		{"aba", abaValid, "011000015"},
		{"vin", vinValid, "1M8GDM9AXKP042788"},
	}
	for _, c := range cases {
		if !c.valid(c.good) {
			t.Errorf("%s: the published example %s fails", c.name, c.good)
		}
		last := c.good[len(c.good)-1]
		if c.name == "hkid" {
			last = c.good[8]
		}
		alt := byte('0')
		if last == '0' {
			alt = '1'
		}
		bad := strings.Replace(c.good, string(last), string(alt), 1)
		if c.name != "hkid" {
			bad = c.good[:len(c.good)-1] + string(alt)
		}
		if c.name == "nino" {
			bad = "QQ" + c.good[2:]
		}
		if c.valid(bad) {
			t.Errorf("%s: %s passes, its check should fail", c.name, bad)
		}
	}
	if mrzCheck("L898902C3") != 6 || mrzCheck("740812") != 2 || mrzCheck("120415") != 9 {
		t.Error("ICAO 9303 check digits differ from the specimen's")
	}
}

// TestLabelsAreTheirClass regenerates the corpus and checks every national
// ID, card and IBAN label against its own check, every clean look-alike
// against the check it must fail, and that clean events carry no labels.
func TestLabelsAreTheirClass(t *testing.T) {
	data, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := generate()
	if !bytes.Equal(data, again) {
		t.Fatal("two runs differ: the generator is not deterministic")
	}
	kinds := map[string]idKind{}
	for _, k := range idKinds() {
		kinds[k.name] = k
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	n, sensitive, checked := 0, 0, 0
	for sc.Scan() {
		n++
		var ln line
		if err := json.Unmarshal(sc.Bytes(), &ln); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if len(ln.Labels) > 0 {
			sensitive++
		}
		if name, ok := strings.CutPrefix(ln.Scenario, "kyc_id_"); ok {
			v := ln.Labels[0].Value
			if !kinds[name].valid(v) {
				t.Errorf("line %d: the %s label fails its check", n, name)
			}
			checked++
		}
		if name, ok := strings.CutPrefix(ln.Scenario, "id_checkfail_"); ok {
			k := kinds[name]
			for _, key := range k.keys {
				if v, ok := ln.Properties[key].(string); ok {
					if k.valid(v) {
						t.Errorf("line %d: the %s look-alike passes its check", n, name)
					}
					checked++
				}
			}
		}
		for _, l := range ln.Labels {
			switch {
			case l.Class == "payment_card" && len(l.Value) >= 12 && !strings.Contains(ln.Scenario, "base64"):
				v := l.Value
				if strings.Contains(ln.Scenario, "full_width") {
					v = fromFullWidth(v)
				}
				var ds strings.Builder
				for _, d := range digitsOf(v) {
					ds.WriteByte(byte('0' + d))
				}
				if !luhnValid(v) || !cardBrandPrefix(ds.String()) {
					t.Errorf("line %d: a card label is not a card number", n)
				}
				checked++
			case l.Class == "bank_account" && len(l.Value) > 14:
				if !ibanValid(l.Value) {
					t.Errorf("line %d: an IBAN label fails mod 97", n)
				}
				checked++
			}
		}
		if ln.Scenario == "iban_checkfail" && ibanValid(ln.Properties["iban_input"].(string)) {
			t.Errorf("line %d: the IBAN look-alike passes mod 97", n)
		}
		if ln.Scenario == "luhn_valid_order_number" && cardBrandPrefix(ln.Properties["order_number"].(string)) {
			t.Errorf("line %d: the order number is in a card issuer range", n)
		}
	}
	if n != events {
		t.Fatalf("%d events, want %d", n, events)
	}
	if r := float64(sensitive) / float64(n); r < 0.35 || r > 0.45 {
		t.Errorf("%.2f of events are sensitive, want about 0.40", r)
	}
	if checked < 400 {
		t.Errorf("only %d values checked", checked)
	}
}

func fromFullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '０' && c <= '９' {
			c = '0' + (c - '０')
		}
		b.WriteRune(c)
	}
	return b.String()
}
