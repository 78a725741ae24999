package main

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Check digits and formats of cards, national IDs and bank numbers, from
// their public specifications. ids_test.go checks each against published
// examples.

// luhnOK reports whether a digit string passes the Luhn check.
func luhnOK(d string) bool {
	sum := 0
	for i := 0; i < len(d); i++ {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// luhnComplete appends the Luhn check digit to d.
func luhnComplete(d string) string {
	for c := byte('0'); c <= '9'; c++ {
		if luhnOK(d + string(c)) {
			return d + string(c)
		}
	}
	panic("unreachable")
}

// luhnBreak changes the last digit so that the Luhn check fails.
func luhnBreak(d string) string {
	last := d[len(d)-1]
	return d[:len(d)-1] + string('0'+(last-'0'+1+byte(len(d)%8))%10)
}

// card returns a card number of a real issuer's IIN range and length with a
// valid Luhn digit, and the brand.
func (s *g) card() (string, string) {
	type brand struct {
		name     string
		prefixes []string
		lengths  []int
	}
	brands := []brand{
		{"visa", []string{"4"}, []int{16, 16, 16, 13, 19}},
		{"mastercard", []string{"51", "52", "53", "54", "55", "2221", "2300", "2500", "2720"}, []int{16}},
		{"amex", []string{"34", "37"}, []int{15}},
		{"discover", []string{"6011", "644", "649", "65"}, []int{16}},
		{"jcb", []string{"3528", "3540", "3589"}, []int{16}},
		{"diners", []string{"36", "300", "305"}, []int{14}},
		{"unionpay", []string{"62"}, []int{16, 17, 19}},
		{"mir", []string{"2200", "2204"}, []int{16}},
		{"maestro", []string{"6759", "5018", "6304"}, []int{16, 19}},
	}
	weights := []int{40, 25, 10, 6, 5, 3, 5, 3, 3}
	i := weighted(s, weights)
	b := brands[i]
	p := pick(s, b.prefixes)
	n := pick(s, b.lengths)
	return luhnComplete(p + s.digits(n-len(p)-1)), b.name
}

func weighted(s *g, w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	r := s.r.IntN(sum)
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

// groupCard writes a card number as printed: 4-4-4-4, Amex 4-6-5, Diners 4-6-4.
func groupCard(num, sep string) string {
	var sizes []int
	switch len(num) {
	case 15:
		sizes = []int{4, 6, 5}
	case 14:
		sizes = []int{4, 6, 4}
	default:
		for n := len(num); n > 0; n -= 4 {
			sizes = append(sizes, min(4, n))
		}
	}
	var parts []string
	at := 0
	for _, z := range sizes {
		parts = append(parts, num[at:at+z])
		at += z
	}
	return strings.Join(parts, sep)
}

// ssn returns a US SSN that follows the SSA's rules: area 001-899 but not
// 666, group 01-99, serial 0001-9999.
func (s *g) ssn() string {
	area := 1 + s.r.IntN(899)
	if area == 666 {
		area = 667
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+s.r.IntN(99), 1+s.r.IntN(9999))
}

// badSSN returns an NNN-NN-NNNN string that no SSA rule allows (area 000 or
// 666, group 00 or serial 0000). Areas 900-999 are avoided: those are ITINs.
func (s *g) badSSN() string {
	switch s.r.IntN(4) {
	case 0:
		return fmt.Sprintf("000-%02d-%04d", 1+s.r.IntN(99), 1+s.r.IntN(9999))
	case 1:
		return fmt.Sprintf("666-%02d-%04d", 1+s.r.IntN(99), 1+s.r.IntN(9999))
	case 2:
		return fmt.Sprintf("%03d-00-%04d", 1+s.r.IntN(600), 1+s.r.IntN(9999))
	default:
		return fmt.Sprintf("%03d-%02d-0000", 1+s.r.IntN(600), 1+s.r.IntN(99))
	}
}

// nino returns a UK National Insurance number: two prefix letters (not D,
// F, I, Q, U, V; second not O; not BG, GB, KN, NK, NT, TN, ZZ), six
// digits, suffix A-D.
func (s *g) nino() string {
	const first, second = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
	for {
		p := string(first[s.r.IntN(len(first))]) + string(second[s.r.IntN(len(second))])
		switch p {
		case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
			continue
		}
		return p + s.digits(6) + string("ABCD"[s.r.IntN(4)])
	}
}

// steuerID returns a German tax identification number: 11 digits, the first
// not 0; in the first ten exactly one digit occurs twice and one digit not at
// all; the last is the ISO 7064 MOD 11,10 check digit.
func (s *g) steuerID() string {
	for {
		d := s.r.Perm(10)
		if d[0] == 0 {
			continue
		}
		// repeat one digit in place of another (not the first position)
		i, j := 1+s.r.IntN(9), s.r.IntN(10)
		if i == j {
			continue
		}
		d[i] = d[j]
		var b strings.Builder
		for _, x := range d {
			b.WriteByte(byte('0' + x))
		}
		return b.String() + string(mod11_10(b.String()))
	}
}

func mod11_10(d string) byte {
	product := 10
	for i := 0; i < len(d); i++ {
		sum := (int(d[i]-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = (sum * 2) % 11
	}
	c := 11 - product
	if c == 10 {
		c = 0
	}
	return byte('0' + c)
}

// nir returns a French social security number (NIR): sex, year, month,
// department (2A/2B for Corsica), commune, order, and the key 97 - (n mod 97)
// where 2A counts as 19 and 2B as 18.
func (s *g) nir(spaced bool) string {
	sex := 1 + s.r.IntN(2)
	yy := s.r.IntN(100)
	mm := 1 + s.r.IntN(12)
	dep := fmt.Sprintf("%02d", 1+s.r.IntN(95))
	numDep := dep
	switch s.r.IntN(12) {
	case 0:
		dep, numDep = "2A", "19"
	case 1:
		dep, numDep = "2B", "18"
	}
	if dep == "20" {
		dep, numDep = "21", "21"
	}
	com := fmt.Sprintf("%03d", 1+s.r.IntN(990))
	ord := fmt.Sprintf("%03d", 1+s.r.IntN(999))
	body := fmt.Sprintf("%d%02d%02d", sex, yy, mm)
	n, _ := strconv.ParseInt(body+numDep+com+ord, 10, 64)
	key := fmt.Sprintf("%02d", 97-n%97)
	if spaced {
		return fmt.Sprintf("%d %02d %02d %s %s %s %s", sex, yy, mm, dep, com, ord, key)
	}
	return body + dep + com + ord + key
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// dni returns a Spanish DNI: 8 digits and the mod-23 letter.
func (s *g) dni() string {
	d := s.digits(8)
	n, _ := strconv.Atoi(d)
	return d + string(dniLetters[n%23])
}

// nie returns a Spanish NIE: X, Y or Z (0, 1, 2), 7 digits, mod-23 letter.
func (s *g) nie() string {
	p := s.r.IntN(3)
	d := s.digits(7)
	n, _ := strconv.Atoi(strconv.Itoa(p) + d)
	return string("XYZ"[p]) + d + string(dniLetters[n%23])
}

// codiceFiscale returns an Italian tax code: 3 letters of the surname, 3 of
// the name, year, month letter, day (+40 for women), a municipality code and
// the check character.
func (s *g) codiceFiscale() string {
	cons := "BCDFGHJKLMNPQRSTVWXYZ"
	sur := s.from(cons, 3)
	name := s.from(cons, 3)
	yy := fmt.Sprintf("%02d", s.r.IntN(100))
	month := string("ABCDEHLMPRST"[s.r.IntN(12)])
	day := 1 + s.r.IntN(28)
	if s.r.IntN(2) == 0 {
		day += 40
	}
	town := string(upperAlpha[s.r.IntN(13)]) + fmt.Sprintf("%03d", 1+s.r.IntN(999))
	body := sur + name + yy + month + fmt.Sprintf("%02d", day) + town
	return body + string(cfCheck(body))
}

func cfCheck(body string) byte {
	odd := []int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	sum := 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		v := 0
		if c >= '0' && c <= '9' {
			v = int(c - '0')
		} else {
			v = int(c - 'A')
		}
		if i%2 == 0 { // 1st, 3rd... character: the "odd" table
			sum += odd[v]
		} else {
			sum += v
		}
	}
	return byte('A' + sum%26)
}

// bsn returns a Dutch citizen service number passing the 11-test.
func (s *g) bsn() string {
	for {
		d := s.digits(8)
		if d[0] == '0' {
			continue
		}
		sum := 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * int(d[i]-'0')
		}
		last := sum % 11 // sum - last ≡ 0 (mod 11)
		if last > 9 {
			continue
		}
		return d + strconv.Itoa(last)
	}
}

// cpf returns a Brazilian CPF with its two mod-11 check digits.
func (s *g) cpf() string {
	d := s.digits(9)
	if strings.Count(d, d[:1]) == 9 {
		d = "1" + d[1:8] + "2"
	}
	d += string(mod11BR(d, 10))
	d += string(mod11BR(d, 11))
	return d
}

func mod11BR(d string, w int) byte {
	sum := 0
	for i := 0; i < len(d); i++ {
		sum += int(d[i]-'0') * (w - i)
	}
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

func fmtCPF(d string) string { return d[:3] + "." + d[3:6] + "." + d[6:9] + "-" + d[9:] }

// cnpj returns a Brazilian company number with its two check digits.
func (s *g) cnpj() string {
	d := s.digits(8) + "0001"
	d += string(cnpjDigit(d, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
	d += string(cnpjDigit(d, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
	return d
}

func cnpjDigit(d string, w []int) byte {
	sum := 0
	for i, x := range w {
		sum += int(d[i]-'0') * x
	}
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

func fmtCNPJ(d string) string {
	return d[:2] + "." + d[2:5] + "." + d[5:8] + "/" + d[8:12] + "-" + d[12:]
}

// indianPAN returns an Indian Permanent Account Number: 3 letters, the
// holder type (P for a person...), the first letter of the surname, 4
// digits, a letter.
func (s *g) indianPAN() string {
	return s.from(upperAlpha, 3) + string("PPPPCHFT"[s.r.IntN(8)]) + s.from(upperAlpha, 1) + s.digits(4) + s.from(upperAlpha, 1)
}

// Verhoeff tables (dihedral group D5).
var (
	vD = [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	vP = [8][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	vInv = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

func verhoeffOK(d string) bool {
	c := 0
	for i := 0; i < len(d); i++ {
		c = vD[c][vP[i%8][int(d[len(d)-1-i]-'0')]]
	}
	return c == 0
}

func verhoeffDigit(d string) byte {
	c := 0
	for i := 0; i < len(d); i++ {
		c = vD[c][vP[(i+1)%8][int(d[len(d)-1-i]-'0')]]
	}
	return byte('0' + vInv[c])
}

// aadhaar returns a 12-digit Aadhaar number (first digit 2-9, Verhoeff check).
func (s *g) aadhaar() string {
	d := string('2'+byte(s.r.IntN(8))) + s.digits(10)
	return d + string(verhoeffDigit(d))
}

// zaID returns a South African ID number: YYMMDD, gender sequence,
// citizenship, 8, Luhn check digit.
func (s *g) zaID() string {
	d := fmt.Sprintf("%02d%02d%02d%04d%d8", s.r.IntN(100), 1+s.r.IntN(12), 1+s.r.IntN(28), s.r.IntN(10000), s.r.IntN(2))
	return luhnComplete(d)
}

// personnummer returns a Swedish personal identity number YYMMDD-NNNC
// (Luhn over the ten digits).
func (s *g) personnummer() string {
	d := fmt.Sprintf("%02d%02d%02d%03d", s.r.IntN(100), 1+s.r.IntN(12), 1+s.r.IntN(28), s.r.IntN(1000))
	full := luhnComplete(d)
	return full[:6] + "-" + full[6:]
}

// hetu returns a Finnish personal identity code DDMMYYCZZZQ.
func (s *g) hetu() string {
	dd, mm, yy := 1+s.r.IntN(28), 1+s.r.IntN(12), s.r.IntN(100)
	zzz := 2 + s.r.IntN(897)
	n, _ := strconv.Atoi(fmt.Sprintf("%02d%02d%02d%03d", dd, mm, yy, zzz))
	const ctl = "0123456789ABCDEFHJKLMNPRSTUVWXY"
	return fmt.Sprintf("%02d%02d%02d%s%03d%c", dd, mm, yy, pick(s, []string{"-", "A", "-"}), zzz, ctl[n%31])
}

// sin returns a Canadian Social Insurance Number (Luhn, first digit not 0 or 8).
func (s *g) sin() string {
	d := string("1234567"[s.r.IntN(7)]) + s.digits(7)
	return luhnComplete(d)
}

// prcID returns a PRC resident identity card number: area, birth date,
// sequence, ISO 7064 MOD 11-2 check character.
func (s *g) prcID() string {
	areas := []string{"110105", "310104", "440106", "510107", "330106", "320102"}
	body := pick(s, areas) + fmt.Sprintf("%04d%02d%02d%03d", 1950+s.r.IntN(55), 1+s.r.IntN(12), 1+s.r.IntN(28), s.r.IntN(1000))
	return body + string(prcCheck(body))
}

func prcCheck(body string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, x := range w {
		sum += int(body[i]-'0') * x
	}
	return "10X98765432"[sum%11]
}

// passport returns a passport number of one of a few countries' formats.
func (s *g) passport() string {
	switch s.r.IntN(4) {
	case 0: // US, UK: 9 digits
		return s.digits(9)
	case 1: // Germany: letter and 8 alphanumerics (no vowels)
		return "C" + s.from("CFGHJKLMNPRTVWXYZ0123456789", 8)
	case 2: // France: 2 digits, 2 letters, 5 digits
		return s.digits(2) + s.from(upperAlpha, 2) + s.digits(5)
	default: // India: letter and 7 digits
		return s.from("ABCDEFGHJKLMNPRSTUVWXYZ", 1) + s.digits(7)
	}
}

// ibanCountries: country code, total length, BBAN layout (n digits, a
// upper-case letters, c alphanumerics), from the IBAN registry.
var ibanCountries = []struct{ cc, layout string }{
	{"DE", "18n"}, {"GB", "4a14n"}, {"FR", "10n11c2n"}, {"ES", "20n"}, {"IT", "1a10n12c"},
	{"NL", "4a10n"}, {"BE", "12n"}, {"AT", "16n"}, {"CH", "5n12c"}, {"PL", "24n"},
	{"SE", "20n"}, {"NO", "11n"}, {"DK", "14n"}, {"FI", "14n"}, {"IE", "4a14n"}, {"PT", "21n"},
}

// iban returns an IBAN with valid mod-97 check digits, compact.
func (s *g) iban() string {
	c := pick(s, ibanCountries)
	var bban strings.Builder
	lay := c.layout
	for len(lay) > 0 {
		i := strings.IndexAny(lay, "nac")
		n, _ := strconv.Atoi(lay[:i])
		switch lay[i] {
		case 'n':
			bban.WriteString(s.digits(n))
		case 'a':
			bban.WriteString(s.from(upperAlpha, n))
		case 'c':
			bban.WriteString(s.from(upperAlpha+digitsAll, n))
		}
		lay = lay[i+1:]
	}
	return ibanWithCheck(c.cc, bban.String())
}

func ibanWithCheck(cc, bban string) string {
	r := ibanMod(bban + cc + "00")
	return fmt.Sprintf("%s%02d%s", cc, 98-r, bban)
}

// ibanMod returns the number formed by letters as 10..35 and digits, mod 97.
func ibanMod(s string) int {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			b.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			b.WriteByte(c)
		}
	}
	n, _ := new(big.Int).SetString(b.String(), 10)
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

func ibanOK(iban string) bool {
	return ibanMod(iban[4:]+iban[:4]) == 1
}

func groupIBAN(iban string) string {
	var parts []string
	for i := 0; i < len(iban); i += 4 {
		parts = append(parts, iban[i:min(i+4, len(iban))])
	}
	return strings.Join(parts, " ")
}

// aba returns a US routing number with a valid 3-7-1 checksum.
func (s *g) aba() string {
	// The first two digits are a Federal Reserve district (01-12) or a
	// thrift (21-32).
	d := fmt.Sprintf("%02d", pick(s, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 26, 31})) + s.digits(6)
	return d + strconv.Itoa((10-abaSum(d)%10)%10)
}

// abaSum is the 3-7-1 weighted sum of the digits of a routing number.
func abaSum(d string) int {
	w := []int{3, 7, 1}
	sum := 0
	for i := 0; i < len(d); i++ {
		sum += int(d[i]-'0') * w[i%3]
	}
	return sum
}

func abaOK(d string) bool { return abaSum(d)%10 == 0 }

func (s *g) sortCode() string {
	return fmt.Sprintf("%02d-%02d-%02d", 10+s.r.IntN(80), s.r.IntN(100), s.r.IntN(100))
}

func (s *g) bic() string {
	banks := []string{"DEUTDEFF", "COBADEFFXXX", "BNPAFRPP", "NWBKGB2L", "CHASUS33", "INGBNL2A", "BSCHESMM", "UNCRITMM", "HDFCINBB"}
	return pick(s, banks)
}
