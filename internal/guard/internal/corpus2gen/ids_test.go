package main

import (
	"strings"
	"testing"
)

// Published valid examples of each format (from the issuers' and
// registries' documentation and the standard examples used to explain
// them) must pass this package's check-digit code, and what it generates
// must pass the same checks.

func TestCheckDigitsOnPublishedExamples(t *testing.T) {
	for _, c := range []string{"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "8001015009087", "046454286"} {
		if !luhnOK(c) {
			t.Errorf("Luhn rejects %s", c)
		}
	}
	if luhnOK("4111111111111112") {
		t.Error("Luhn accepts a changed digit")
	}
	if got := mod11_10("8609574271"); got != '9' {
		t.Errorf("Steuer-ID check digit of 8609574271 = %c, want 9", got)
	}
	if got := dniLetters[12345678%23]; got != 'Z' {
		t.Errorf("DNI letter of 12345678 = %c, want Z", got)
	}
	if got := dniLetters[1234567%23]; got != 'L' { // NIE X1234567L
		t.Errorf("NIE letter of X1234567 = %c, want L", got)
	}
	if got := cfCheck("RSSMRA85T10A562"); got != 'S' {
		t.Errorf("codice fiscale check of RSSMRA85T10A562 = %c, want S", got)
	}
	cpf := "111444777"
	cpf += string(mod11BR(cpf, 10))
	cpf += string(mod11BR(cpf, 11))
	if cpf != "11144477735" {
		t.Errorf("CPF digits of 111444777 give %s, want 11144477735", cpf)
	}
	cnpj := "112223330001"
	cnpj += string(cnpjDigit(cnpj, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
	cnpj += string(cnpjDigit(cnpj, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
	if cnpj != "11222333000181" {
		t.Errorf("CNPJ digits give %s, want 11222333000181", cnpj)
	}
	if got := verhoeffDigit("236"); got != '3' {
		t.Errorf("Verhoeff digit of 236 = %c, want 3", got)
	}
	if !verhoeffOK("2363") || verhoeffOK("2364") {
		t.Error("Verhoeff check is wrong on 2363/2364")
	}
	if got := prcCheck("11010519491231002"); got != 'X' {
		t.Errorf("PRC ID check of 11010519491231002 = %c, want X", got)
	}
	if !luhnOK("8112189876") {
		t.Error("personnummer 811218-9876 fails Luhn")
	}
	if n := 131052308 % 31; "0123456789ABCDEFHJKLMNPRSTUVWXY"[n] != 'T' {
		t.Error("HETU 131052-308T check character is wrong")
	}
	for _, ib := range []string{"GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300"} {
		if !ibanOK(ib) {
			t.Errorf("IBAN check rejects %s", ib)
		}
	}
	if got := ibanWithCheck("GB", "WEST12345698765432"); got != "GB82WEST12345698765432" {
		t.Errorf("IBAN check digits: got %s", got)
	}
	for _, r := range []string{"021000021", "011000015", "026009593"} {
		if !abaOK(r) {
			t.Errorf("ABA checksum rejects %s", r)
		}
	}
	bsnOK := func(d string) bool {
		sum := 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * int(d[i]-'0')
		}
		return (sum-int(d[8]-'0'))%11 == 0
	}
	if !bsnOK("111222333") {
		t.Error("11-test rejects BSN 111222333")
	}
	nir := "2550814168025"
	n := 0
	for _, c := range nir {
		n = (n*10 + int(c-'0')) % 97
	}
	if 97-n != 38 {
		t.Errorf("NIR key of %s = %d, want 38", nir, 97-n)
	}
}

func TestGeneratedIDsPassTheirChecks(t *testing.T) {
	s := &g{r: newRand(1)}
	for range 500 {
		if num, brand := s.card(); !luhnOK(num) {
			t.Fatalf("%s card fails Luhn", brand)
		}
		if d := s.cpf(); mod11BR(d[:9], 10) != d[9] || mod11BR(d[:10], 11) != d[10] {
			t.Fatal("CPF check digits wrong")
		}
		if d := s.aadhaar(); !verhoeffOK(d) || d[0] < '2' {
			t.Fatal("Aadhaar fails Verhoeff")
		}
		if d := s.zaID(); len(d) != 13 || !luhnOK(d) {
			t.Fatal("ZA ID fails Luhn")
		}
		if d := strings.ReplaceAll(s.personnummer(), "-", ""); !luhnOK(d) {
			t.Fatal("personnummer fails Luhn")
		}
		if d := s.sin(); !luhnOK(d) {
			t.Fatal("SIN fails Luhn")
		}
		if d := s.iban(); !ibanOK(d) {
			t.Fatal("IBAN fails mod 97")
		}
		if d := s.aba(); !abaOK(d) {
			t.Fatal("ABA fails its checksum")
		}
		if d := s.steuerID(); mod11_10(d[:10]) != d[10] || d[0] == '0' {
			t.Fatal("Steuer-ID check digit wrong")
		} else {
			counts := map[rune]int{}
			for _, c := range d[:10] {
				counts[c]++
			}
			if len(counts) != 9 {
				t.Fatalf("Steuer-ID has %d distinct digits in the first ten, want 9", len(counts))
			}
		}
		if d := s.prcID(); prcCheck(d[:17]) != d[17] {
			t.Fatal("PRC ID check wrong")
		}
		if d := s.codiceFiscale(); cfCheck(d[:15]) != d[15] {
			t.Fatal("codice fiscale check wrong")
		}
		if d := s.badSSN(); d[:3] != "000" && d[:3] != "666" && d[4:6] != "00" && d[7:] != "0000" {
			t.Fatalf("badSSN made a structurally valid SSN")
		}
		if num, _ := s.card(); luhnOK(luhnBreak(num)) {
			t.Fatal("luhnBreak left a valid number")
		}
	}
}

func TestBrokenIDsFailTheirChecks(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		for _, ln := range Generate(seed) {
			if ln.Scenario != "numbers shaped like national IDs that fail their checks" {
				continue
			}
			for i, k := range ln.Properties.keys {
				v, _ := ln.Properties.vals[i].(string)
				switch k {
				case "payment_reference":
					if ibanOK(v) {
						t.Errorf("a broken IBAN passes mod 97")
					}
				case "serial":
					if prcCheck(v[:17]) == v[17] {
						t.Errorf("a broken PRC ID passes its check")
					}
				case "shipment", "sku_code":
					if luhnOK(v) {
						t.Errorf("a broken %s passes Luhn", k)
					}
				case "kundennummer":
					if mod11_10(v[:10]) == v[10] {
						t.Errorf("a broken Steuer-ID passes its check")
					}
				}
			}
		}
	}
}
