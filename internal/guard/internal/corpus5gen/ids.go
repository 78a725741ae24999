package main

import (
	"fmt"
	"strconv"
	"strings"
)

// This file holds the public check-digit rules of the identifiers the
// corpus writes: each kind can make a valid value and a look-alike that
// fails its own check, and can validate a value (the generator checks every
// value it writes with them, and main_test.go checks them on published
// examples).

// idKind is one national identifier format.
type idKind struct {
	name    string   // scenario suffix
	country string   // ISO 3166 alpha-2
	keys    []string // property keys a form would use
	doc     string   // the document's name, as a form's document_type
	make    func(g *gen) string
	valid   func(s string) bool
}

// digitsOf returns the ASCII digits of s in order.
func digitsOf(s string) []int {
	var d []int
	for _, c := range s {
		if c >= '0' && c <= '9' {
			d = append(d, int(c-'0'))
		}
	}
	return d
}

func luhnValid(s string) bool {
	d := digitsOf(s)
	if len(d) < 2 {
		return false
	}
	sum := 0
	for i := range d {
		x := d[len(d)-1-i]
		if i%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// luhnComplete appends the Luhn check digit to a digit string.
func luhnComplete(body string) string {
	for c := 0; c < 10; c++ {
		if s := body + strconv.Itoa(c); luhnValid(s) {
			return s
		}
	}
	panic("unreachable")
}

// Verhoeff (Aadhaar).
var (
	vD = [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}
	vP = [8][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}}
)

func verhoeffValid(s string) bool {
	d := digitsOf(s)
	c := 0
	for i := range d {
		c = vD[c][vP[i%8][d[len(d)-1-i]]]
	}
	return c == 0
}

func aadhaarValid(s string) bool {
	d := digitsOf(s)
	return len(d) == 12 && d[0] >= 2 && verhoeffValid(s)
}

// completeWith appends the digit or letter from alphabet that makes valid
// true (body is already formatted, the check character goes last).
func completeWith(body, alphabet string, valid func(string) bool) string {
	for _, c := range alphabet {
		if s := body + string(c); valid(s) {
			return s
		}
	}
	panic("no check character completes the value") // never print generated values
}

// breakLast replaces the last character of s by another one of alphabet that
// makes valid false.
func breakLast(g *gen, s, alphabet string, valid func(string) bool) string {
	for range 100 {
		c := alphabet[g.r.Intn(len(alphabet))]
		if t := s[:len(s)-1] + string(c); t != s && !valid(t) {
			return t
		}
	}
	panic("no character breaks the check")
}

const digitsAlpha = "0123456789"

func (g *gen) date(minYear, maxYear int) (y, m, d int) {
	return minYear + g.r.Intn(maxYear-minYear+1), 1 + g.r.Intn(12), 1 + g.r.Intn(28)
}

func personnummerValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	m := d[2]*10 + d[3]
	return m >= 1 && m <= 12 && luhnValid(s)
}

func fnrValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 {
		return false
	}
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	k := func(w []int) int {
		s := 0
		for i, x := range w {
			s += x * d[i]
		}
		c := 11 - s%11
		if c == 11 {
			c = 0
		}
		return c
	}
	return k(w1) == d[9] && k(w2) == d[10]
}

const hetuChars = "0123456789ABCDEFHJKLMNPRSTUVWXY"

func hetuValid(s string) bool {
	if len(s) != 11 || !strings.ContainsRune("-+A", rune(s[6])) {
		return false
	}
	n, err := strconv.Atoi(s[:6] + s[7:10])
	if err != nil {
		return false
	}
	return hetuChars[n%31] == s[10]
}

func peselValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 || len(s) != 11 {
		return false
	}
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, x := range w {
		sum += x * d[i]
	}
	return (10-sum%10)%10 == d[10]
}

var cfOdd = map[byte]int{'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
	'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19, 'J': 21, 'K': 2, 'L': 4, 'M': 18,
	'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8, 'S': 12, 'T': 14, 'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23}

func codiceFiscaleValid(s string) bool {
	if len(s) != 16 {
		return false
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		if i%2 == 0 {
			v, ok := cfOdd[c]
			if !ok {
				return false
			}
			sum += v
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else if c >= 'A' && c <= 'Z' {
			sum += int(c - 'A')
		} else {
			return false
		}
	}
	return s[15] == byte('A'+sum%26)
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

func dniValid(s string) bool {
	if len(s) != 9 {
		return false
	}
	num := s[:8]
	switch s[0] {
	case 'X':
		num = "0" + s[1:8]
	case 'Y':
		num = "1" + s[1:8]
	case 'Z':
		num = "2" + s[1:8]
	}
	n, err := strconv.Atoi(num)
	return err == nil && dniLetters[n%23] == s[8]
}

func bsnValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * d[i]
	}
	sum -= d[8]
	return sum%11 == 0 && sum != 0
}

func cpfValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 {
		return false
	}
	same := true
	for _, x := range d {
		same = same && x == d[0]
	}
	if same {
		return false
	}
	for n := 9; n <= 10; n++ {
		sum := 0
		for i := 0; i < n; i++ {
			sum += d[i] * (n + 1 - i)
		}
		c := sum * 10 % 11 % 10
		if c != d[n] {
			return false
		}
	}
	return true
}

func rutValid(s string) bool {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return false
	}
	d := digitsOf(s[:i])
	sum, w := 0, 2
	for j := len(d) - 1; j >= 0; j-- {
		sum += d[j] * w
		w++
		if w > 7 {
			w = 2
		}
	}
	c := 11 - sum%11
	dv := strconv.Itoa(c)
	if c == 11 {
		dv = "0"
	} else if c == 10 {
		dv = "K"
	}
	return s[i+1:] == dv
}

func prcValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, x := range w {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += x * int(s[i]-'0')
	}
	return "10X98765432"[sum%11] == s[17]
}

func rrnValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 13 {
		return false
	}
	w := []int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for i, x := range w {
		sum += x * d[i]
	}
	return (11-sum%11)%10 == d[12]
}

func myNumberValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 12 {
		return false
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		q := n + 1
		if n >= 7 {
			q = n - 5
		}
		sum += d[11-n] * q
	}
	r := sum % 11
	c := 0
	if r > 1 {
		c = 11 - r
	}
	return c == d[11]
}

func nricValid(s string) bool {
	if len(s) != 9 || (s[0] != 'S' && s[0] != 'T') {
		return false
	}
	w := []int{2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, x := range w {
		if s[1+i] < '0' || s[1+i] > '9' {
			return false
		}
		sum += x * int(s[1+i]-'0')
	}
	if s[0] == 'T' {
		sum += 4
	}
	return "JZIHGFEDCBA"[sum%11] == s[8]
}

func hkidValid(s string) bool {
	// A123456(3)
	if len(s) != 10 || s[7] != '(' || s[9] != ')' || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	sum := 9*36 + 8*(int(s[0]-'A')+10)
	for i := 1; i <= 6; i++ {
		sum += (8 - i) * int(s[i]-'0')
	}
	c := (11 - sum%11) % 11
	want := strconv.Itoa(c)
	if c == 10 {
		want = "A"
	}
	return string(s[8]) == want
}

const twLetters = "ABCDEFGHJKLMNPQRSTUVXYWZIO" // values 10..35 in this order

func twValid(s string) bool {
	if len(s) != 10 || (s[1] != '1' && s[1] != '2') {
		return false
	}
	v := strings.IndexByte(twLetters, s[0])
	if v < 0 {
		return false
	}
	v += 10
	sum := v/10 + (v%10)*9
	for i := 1; i <= 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum += int(s[9] - '0')
	return sum%10 == 0
}

func tckValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 || d[0] == 0 {
		return false
	}
	odd := d[0] + d[2] + d[4] + d[6] + d[8]
	even := d[1] + d[3] + d[5] + d[7]
	if ((odd*7-even)%10+10)%10 != d[9] {
		return false
	}
	sum := 0
	for _, x := range d[:10] {
		sum += x
	}
	return sum%10 == d[10]
}

func tzValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	sum := 0
	for i, x := range d {
		x *= 1 + i%2
		if x > 9 {
			x -= 9
		}
		sum += x
	}
	return sum%10 == 0
}

const curpAlpha = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"

func curpValid(s string) bool {
	r := []rune(s)
	if len(r) != 18 {
		return false
	}
	alpha := []rune(curpAlpha)
	idx := func(c rune) int {
		for i, a := range alpha {
			if a == c {
				return i
			}
		}
		return -1
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := idx(r[i])
		if v < 0 {
			return false
		}
		sum += v * (18 - i)
	}
	return r[17] == rune('0'+(10-sum%10)%10)
}

func sinValid(s string) bool {
	d := digitsOf(s)
	return len(d) == 9 && d[0] != 0 && d[0] != 8 && luhnValid(s)
}

func tfnValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	w := []int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	sum := 0
	for i, x := range w {
		sum += x * d[i]
	}
	return sum%11 == 0
}

func ninoValid(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 9 {
		return false
	}
	a, b := s[0], s[1]
	if strings.IndexByte("DFIQUV", a) >= 0 || strings.IndexByte("DFIOQUV", b) >= 0 || a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return false
	}
	switch s[:2] {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[8] >= 'A' && s[8] <= 'D'
}

func nhsValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += d[i] * (10 - i)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == d[9]
}

func ssnValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	area := d[0]*100 + d[1]*10 + d[2]
	group := d[3]*10 + d[4]
	serial := d[5]*1000 + d[6]*100 + d[7]*10 + d[8]
	return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

// mrzCheck is ICAO 9303's 7-3-1 check digit.
func mrzCheck(s string) int {
	w := []int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * w[i%3]
	}
	return sum % 10
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = digitsAlpha[g.r.Intn(10)]
	}
	return string(b)
}

func (g *gen) upper(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + g.r.Intn(26))
	}
	return string(b)
}

// idKinds are the national identifiers; each makes valid values only.
func idKinds() []idKind {
	return []idKind{
		{"aadhaar", "IN", []string{"aadhaar", "aadhaar_number", "uid_aadhaar", "आधार_संख्या"}, "aadhaar", func(g *gen) string {
			body := string(rune('2'+g.r.Intn(8))) + g.digits(10)
			v := completeWith(body, digitsAlpha, aadhaarValid)
			return v[:4] + " " + v[4:8] + " " + v[8:]
		}, aadhaarValid},
		{"personnummer", "SE", []string{"personnummer", "personal_identity_number", "pnr"}, "personnummer", func(g *gen) string {
			y, m, d := g.date(1940, 2005)
			return completeWith(fmt.Sprintf("%02d%02d%02d-%s", y%100, m, d, g.digits(3)), digitsAlpha, personnummerValid)
		}, personnummerValid},
		{"fodselsnummer", "NO", []string{"fodselsnummer", "fødselsnummer", "national_identity_number"}, "fødselsnummer", func(g *gen) string {
			for {
				y, m, d := g.date(1940, 1999)
				body := fmt.Sprintf("%02d%02d%02d%s", d, m, y%100, g.digits(3))
				for k1 := 0; k1 < 10; k1++ {
					for k2 := 0; k2 < 10; k2++ {
						if s := fmt.Sprintf("%s%d%d", body, k1, k2); fnrValid(s) {
							return s
						}
					}
				}
			}
		}, fnrValid},
		{"hetu", "FI", []string{"henkilotunnus", "hetu", "personal_identity_code"}, "henkilötunnus", func(g *gen) string {
			y, m, d := g.date(1950, 2010)
			sep := "-"
			if y >= 2000 {
				sep = "A"
			}
			n := 2 + g.r.Intn(897)
			return completeWith(fmt.Sprintf("%02d%02d%02d%s%03d", d, m, y%100, sep, n), hetuChars, hetuValid)
		}, hetuValid},
		{"pesel", "PL", []string{"pesel", "numer_pesel"}, "PESEL", func(g *gen) string {
			y, m, d := g.date(1950, 2009)
			if y >= 2000 {
				m += 20
			}
			return completeWith(fmt.Sprintf("%02d%02d%02d%s", y%100, m, d, g.digits(4)), digitsAlpha, peselValid)
		}, peselValid},
		{"codice_fiscale", "IT", []string{"codice_fiscale", "codiceFiscale", "cf"}, "codice fiscale", func(g *gen) string {
			y, m, d := g.date(1950, 2004)
			if g.r.Intn(2) == 0 {
				d += 40
			}
			body := g.upper(6) + fmt.Sprintf("%02d", y%100) + string("ABCDEHLMPRST"[m-1]) + fmt.Sprintf("%02d", d) + g.upper(1) + g.digits(3)
			return completeWith(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", codiceFiscaleValid)
		}, codiceFiscaleValid},
		{"dni", "ES", []string{"dni", "nif", "documento_identidad"}, "DNI", func(g *gen) string {
			return completeWith(g.digits(8), dniLetters, dniValid)
		}, dniValid},
		{"nie", "ES", []string{"nie", "numero_identidad_extranjero"}, "NIE", func(g *gen) string {
			return completeWith(string("XYZ"[g.r.Intn(3)])+g.digits(7), dniLetters, dniValid)
		}, dniValid},
		{"bsn", "NL", []string{"bsn", "burgerservicenummer", "sofinummer"}, "BSN", func(g *gen) string {
			for {
				if s := string(rune('1'+g.r.Intn(8))) + g.digits(8); bsnValid(s) {
					return s
				}
			}
		}, bsnValid},
		{"cpf", "BR", []string{"cpf", "cpf_titular", "numero_cpf"}, "CPF", func(g *gen) string {
			for {
				body := g.digits(9)
				for c := 0; c < 100; c++ {
					s := fmt.Sprintf("%s%02d", body, c)
					if cpfValid(s) {
						return s[:3] + "." + s[3:6] + "." + s[6:9] + "-" + s[9:]
					}
				}
			}
		}, cpfValid},
		{"rut", "CL", []string{"rut", "run", "rut_cliente"}, "RUT", func(g *gen) string {
			n := 5000000 + g.r.Intn(20000000)
			s := strconv.Itoa(n)
			f := s[:len(s)-6] + "." + s[len(s)-6:len(s)-3] + "." + s[len(s)-3:] + "-"
			return completeWith(f, "0123456789K", rutValid)
		}, rutValid},
		{"prc_resident_id", "CN", []string{"id_card_no", "shenfenzheng", "身份证号", "resident_id"}, "居民身份证", func(g *gen) string {
			y, m, d := g.date(1950, 2004)
			areas := []string{"110101", "310104", "440305", "510107", "330106"}
			body := areas[g.r.Intn(len(areas))] + fmt.Sprintf("%04d%02d%02d", y, m, d) + g.digits(3)
			return completeWith(body, "0123456789X", prcValid)
		}, prcValid},
		{"korea_rrn", "KR", []string{"rrn", "jumin_number", "주민등록번호"}, "주민등록증", func(g *gen) string {
			y, m, d := g.date(1950, 1999)
			return completeWith(fmt.Sprintf("%02d%02d%02d-%d%s", y%100, m, d, 1+g.r.Intn(2), g.digits(5)), digitsAlpha, rrnValid)
		}, rrnValid},
		{"my_number", "JP", []string{"my_number", "kojin_bango", "マイナンバー", "個人番号"}, "個人番号カード", func(g *gen) string {
			v := completeWith(g.digits(11), digitsAlpha, myNumberValid)
			return v[:4] + " " + v[4:8] + " " + v[8:]
		}, myNumberValid},
		{"nric", "SG", []string{"nric", "nric_fin", "nric_no"}, "NRIC", func(g *gen) string {
			return completeWith(string("ST"[g.r.Intn(2)])+g.digits(7), "ABCDEFGHIJZ", nricValid)
		}, nricValid},
		{"hkid", "HK", []string{"hkid", "hkid_no", "hk_identity_card"}, "HKID", func(g *gen) string {
			body := g.upper(1) + g.digits(6) + "("
			for _, c := range "0123456789A" {
				if s := body + string(c) + ")"; hkidValid(s) {
					return s
				}
			}
			panic("hkid")
		}, hkidValid},
		{"taiwan_id", "TW", []string{"national_id_no", "shenfenzheng_tw", "身分證字號"}, "國民身分證", func(g *gen) string {
			return completeWith(string(twLetters[g.r.Intn(26)])+string("12"[g.r.Intn(2)])+g.digits(7), digitsAlpha, twValid)
		}, twValid},
		{"tc_kimlik", "TR", []string{"tc_kimlik_no", "tckn", "kimlik_numarasi"}, "T.C. Kimlik", func(g *gen) string {
			for {
				b := string(rune('1'+g.r.Intn(9))) + g.digits(8)
				d := digitsOf(b)
				odd := d[0] + d[2] + d[4] + d[6] + d[8]
				even := d[1] + d[3] + d[5] + d[7]
				d10 := ((odd*7-even)%10 + 10) % 10
				sum := d10
				for _, x := range d {
					sum += x
				}
				s := fmt.Sprintf("%s%d%d", b, d10, sum%10)
				if tckValid(s) {
					return s
				}
			}
		}, tckValid},
		{"teudat_zehut", "IL", []string{"teudat_zehut", "israeli_id", "mispar_zehut"}, "תעודת זהות", func(g *gen) string {
			return completeWith(g.digits(8), digitsAlpha, tzValid)
		}, tzValid},
		{"curp", "MX", []string{"curp", "clave_curp"}, "CURP", func(g *gen) string {
			y, m, d := g.date(1950, 1999)
			states := []string{"DF", "JC", "NL", "VZ", "PL", "MC"}
			cons := "BCDFGHJKLMNPQRSTVWXYZ"
			c3 := string(cons[g.r.Intn(21)]) + string(cons[g.r.Intn(21)]) + string(cons[g.r.Intn(21)])
			body := g.upper(1) + string("AEIOU"[g.r.Intn(5)]) + g.upper(2) + fmt.Sprintf("%02d%02d%02d", y%100, m, d) +
				string("HM"[g.r.Intn(2)]) + states[g.r.Intn(len(states))] + c3 + g.digits(1)
			return completeWith(body, digitsAlpha, curpValid)
		}, curpValid},
		{"sin", "CA", []string{"sin", "social_insurance_number", "numero_assurance_sociale"}, "SIN", func(g *gen) string {
			v := completeWith(string("1234567"[g.r.Intn(7)])+g.digits(7), digitsAlpha, sinValid)
			return v[:3] + " " + v[3:6] + " " + v[6:]
		}, sinValid},
		{"tfn", "AU", []string{"tfn", "tax_file_number"}, "TFN", func(g *gen) string {
			for {
				if s := g.digits(9); tfnValid(s) && s[0] != '0' {
					return s[:3] + " " + s[3:6] + " " + s[6:]
				}
			}
		}, tfnValid},
		{"nino", "GB", []string{"nino", "ni_number", "national_insurance_number"}, "NINO", func(g *gen) string {
			for {
				s := g.upper(2) + g.digits(6) + string("ABCD"[g.r.Intn(4)])
				if ninoValid(s) {
					return s[:2] + " " + s[2:4] + " " + s[4:6] + " " + s[6:8] + " " + s[8:]
				}
			}
		}, ninoValid},
		{"nhs_number", "GB", []string{"nhs_number", "nhs_no"}, "NHS number", func(g *gen) string {
			for {
				if s := string(rune('4'+g.r.Intn(5))) + g.digits(9); nhsValid(s) {
					return s[:3] + " " + s[3:6] + " " + s[6:]
				}
			}
		}, nhsValid},
		{"us_ssn", "US", []string{"ssn", "social_security_number", "patient_ssn"}, "SSN", func(g *gen) string {
			for {
				s := fmt.Sprintf("%03d-%02d-%04d", 1+g.r.Intn(898), 1+g.r.Intn(99), 1+g.r.Intn(9999))
				if ssnValid(s) {
					return s
				}
			}
		}, ssnValid},
	}
}

// lookAlike returns a value of k's shape that fails k's check.
func lookAlike(g *gen, k idKind) string {
	v := k.make(g)
	switch k.name {
	case "us_ssn":
		return "000" + v[3:]
	case "nino":
		return "BG" + v[2:]
	case "nric", "codice_fiscale", "dni", "nie":
		return breakLast(g, v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", k.valid)
	case "hkid":
		for _, c := range "0123456789" {
			if t := v[:8] + string(c) + ")"; !k.valid(t) {
				return t
			}
		}
	case "rut":
		return breakLast(g, v, "0123456789K", k.valid)
	}
	return breakLast(g, v, digitsAlpha, k.valid)
}
