package main

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"math/big"
	"strconv"
	"strings"
)

const (
	digits    = "0123456789"
	upper     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower     = "abcdefghijklmnopqrstuvwxyz"
	base62    = digits + upper + lower
	b64url    = base62 + "-_"
	b64std    = upper + lower + digits + "+/"
	hexLower  = "0123456789abcdef"
	base32Set = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	base36    = digits + lower
)

func (g *gen) chars(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.IntN(len(set))]
	}
	return string(b)
}

func (g *gen) digitsN(n int) string { return g.chars(digits, n) }
func (g *gen) hexN(n int) string    { return g.chars(hexLower, n) }

func (g *gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

// ---- Luhn and payment cards ----

func luhnValid(s string) bool {
	sum, dbl := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if dbl {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		dbl = !dbl
	}
	return len(s) > 0 && sum%10 == 0
}

// luhnComplete appends the check digit to body.
func luhnComplete(body string) string {
	for d := byte('0'); d <= '9'; d++ {
		if luhnValid(body + string(d)) {
			return body + string(d)
		}
	}
	panic("unreachable")
}

// luhnBreak changes the last digit so that s fails Luhn.
func luhnBreak(s string) string {
	if !luhnValid(s) {
		return s
	}
	last := s[len(s)-1]
	return s[:len(s)-1] + string('0'+(last-'0'+1)%10)
}

type cardBrand struct {
	name   string
	prefix func(g *gen) string
	length []int
}

var cardBrands = []cardBrand{
	{"visa", func(g *gen) string { return "4" }, []int{16, 16, 16, 16, 13, 19}},
	{"mastercard", func(g *gen) string { return "5" + string(rune('1'+g.r.IntN(5))) }, []int{16}},
	{"mastercard2", func(g *gen) string { return strconv.Itoa(2221 + g.r.IntN(500)) }, []int{16}},
	{"amex", func(g *gen) string { return []string{"34", "37"}[g.r.IntN(2)] }, []int{15}},
	{"discover", func(g *gen) string { return []string{"6011", "65", "644", "645", "649"}[g.r.IntN(5)] }, []int{16}},
	{"jcb", func(g *gen) string { return strconv.Itoa(3528 + g.r.IntN(62)) }, []int{16}},
	{"diners", func(g *gen) string { return []string{"36", "38", "300", "305"}[g.r.IntN(4)] }, []int{14}},
	{"unionpay", func(g *gen) string { return "62" + g.digitsN(2) }, []int{16, 19}},
	{"maestro", func(g *gen) string { return []string{"6759", "5018", "5020", "6304"}[g.r.IntN(4)] }, []int{16, 18}},
	{"mir", func(g *gen) string { return "220" + string(rune('0'+g.r.IntN(5))) }, []int{16}},
}

// card returns a Luhn-valid PAN with a real IIN (digits only) and its brand.
func (g *gen) card() (string, string) {
	w := g.r.IntN(100)
	var b cardBrand
	switch {
	case w < 40:
		b = cardBrands[0]
	case w < 62:
		b = cardBrands[1+g.r.IntN(2)]
	case w < 74:
		b = cardBrands[3]
	default:
		b = cardBrands[4+g.r.IntN(len(cardBrands)-4)]
	}
	p := b.prefix(g)
	n := b.length[g.r.IntN(len(b.length))]
	return luhnComplete(p + g.digitsN(n-1-len(p))), b.name
}

// formatCard groups a PAN the way people and forms write it.
func (g *gen) formatCard(pan string) string {
	seps := []string{"", " ", " ", "-", " ", "", "-", "."}
	sep := seps[g.r.IntN(len(seps))]
	if sep == "" || len(pan) == 13 {
		return pan
	}
	var groups []int
	switch len(pan) {
	case 15:
		groups = []int{4, 6, 5}
	case 14:
		groups = []int{4, 6, 4}
	default:
		for n := len(pan); n > 0; n -= 4 {
			groups = append(groups, min(4, n))
		}
	}
	var parts []string
	i := 0
	for _, l := range groups {
		parts = append(parts, pan[i:i+l])
		i += l
	}
	return strings.Join(parts, sep)
}

// ---- IBAN (ISO 13616, mod 97) ----

type ibanSpec struct {
	cc   string
	bban string // n digit, a upper letter, c alphanumeric
}

var ibanSpecs = []ibanSpec{
	{"DE", "nnnnnnnnnnnnnnnnnn"}, {"GB", "aaaannnnnnnnnnnnnn"}, {"FR", "nnnnnnnnnncccccccccccnn"},
	{"ES", "nnnnnnnnnnnnnnnnnnnn"}, {"IT", "annnnnnnnnncccccccccccc"}, {"NL", "aaaannnnnnnnnn"},
	{"BE", "nnnnnnnnnnnn"}, {"CH", "nnnnncccccccccccc"}, {"AT", "nnnnnnnnnnnnnnnn"},
	{"PL", "nnnnnnnnnnnnnnnnnnnnnnnn"}, {"IE", "aaaannnnnnnnnnnnnn"}, {"PT", "nnnnnnnnnnnnnnnnnnnnn"},
	{"SE", "nnnnnnnnnnnnnnnnnnnn"}, {"DK", "nnnnnnnnnnnnnn"}, {"FI", "nnnnnnnnnnnnnn"}, {"NO", "nnnnnnnnnnn"},
	{"LU", "nnnccccccccccccc"}, {"CZ", "nnnnnnnnnnnnnnnnnnnn"},
}

func mod97(s string) int {
	// s holds letters and digits; letters count as 10..35.
	var sb strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			sb.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			sb.WriteString(strconv.Itoa(int(c-'A') + 10))
		}
	}
	n, _ := new(big.Int).SetString(sb.String(), 10)
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

func ibanValid(s string) bool {
	s = strings.ReplaceAll(strings.ToUpper(s), " ", "")
	if len(s) < 15 {
		return false
	}
	return mod97(s[4:]+s[:4]) == 1
}

func (g *gen) bban(pattern string) string {
	b := make([]byte, len(pattern))
	for i := range pattern {
		switch pattern[i] {
		case 'n':
			b[i] = digits[g.r.IntN(10)]
		case 'a':
			b[i] = upper[g.r.IntN(26)]
		default:
			b[i] = (digits + upper)[g.r.IntN(36)]
		}
	}
	return string(b)
}

// iban returns a valid IBAN, compact or printed in groups of four.
func (g *gen) iban() string {
	sp := ibanSpecs[g.r.IntN(len(ibanSpecs))]
	bb := g.bban(sp.bban)
	check := 98 - mod97(bb+sp.cc+"00")
	s := fmt.Sprintf("%s%02d%s", sp.cc, check, bb)
	if g.r.IntN(2) == 0 {
		return groups4(s)
	}
	return s
}

func groups4(s string) string {
	var parts []string
	for i := 0; i < len(s); i += 4 {
		parts = append(parts, s[i:min(i+4, len(s))])
	}
	return strings.Join(parts, " ")
}

// rfReference is an ISO 11649 creditor reference: mod-97 valid, not an IBAN.
func (g *gen) rfReference() string {
	ref := g.chars(digits+upper, 8+g.r.IntN(10))
	check := 98 - mod97(ref+"RF00")
	return groups4(fmt.Sprintf("RF%02d%s", check, ref))
}

// abaRouting returns a US routing number with a valid 3-7-1 checksum.
func (g *gen) abaRouting() string {
	s := fmt.Sprintf("%02d", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 26, 31}[g.r.IntN(16)]) + g.digitsN(6)
	w := []int{3, 7, 1, 3, 7, 1, 3, 7}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(s[i]-'0') * w[i]
	}
	d := (10 - sum%10) % 10
	return s + strconv.Itoa(d)
}

func abaValid(s string) bool {
	if len(s) != 9 {
		return false
	}
	w := []int{3, 7, 1, 3, 7, 1, 3, 7, 1}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(s[i]-'0') * w[i]
	}
	return sum%10 == 0
}

// ---- national identifiers ----

type nationalID struct {
	kind  string
	value string
}

func (g *gen) ssn() string {
	area := 1 + g.r.IntN(899)
	if area == 666 {
		area = 667
	}
	grp := 1 + g.r.IntN(99)
	ser := 1 + g.r.IntN(9999)
	switch g.r.IntN(6) {
	case 0:
		return fmt.Sprintf("%03d%02d%04d", area, grp, ser)
	case 1:
		return fmt.Sprintf("%03d %02d %04d", area, grp, ser)
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, grp, ser)
}

func (g *gen) nino() string {
	first := "ABCEGHJKLMNOPRSTWXYZ"
	second := "ABCEGHJKLMNPRSTWXYZ"
	var p string
	for {
		p = string(first[g.r.IntN(len(first))]) + string(second[g.r.IntN(len(second))])
		switch p {
		case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
			continue
		}
		break
	}
	d := g.digitsN(6)
	s := string("ABCD"[g.r.IntN(4)])
	if g.r.IntN(2) == 0 {
		return p + " " + d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + s
	}
	return p + d + s
}

func (g *gen) nir() string {
	body := fmt.Sprintf("%d%02d%02d%02d%03d%03d", 1+g.r.IntN(2), g.r.IntN(100), 1+g.r.IntN(12), 1+g.r.IntN(95), 1+g.r.IntN(990), 1+g.r.IntN(999))
	n, _ := strconv.ParseInt(body, 10, 64)
	key := 97 - n%97
	if g.r.IntN(2) == 0 {
		return fmt.Sprintf("%s %s %s %s %s %s %02d", body[0:1], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13], key)
	}
	return fmt.Sprintf("%s%02d", body, key)
}

func nirValid(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 15 {
		return false
	}
	n, err := strconv.ParseInt(s[:13], 10, 64)
	k, err2 := strconv.Atoi(s[13:])
	return err == nil && err2 == nil && int64(k) == 97-n%97
}

func iso7064Mod1110(s string) int {
	p := 10
	for i := 0; i < len(s); i++ {
		sum := (int(s[i]-'0') + p) % 10
		if sum == 0 {
			sum = 10
		}
		p = (2 * sum) % 11
	}
	c := 11 - p
	if c == 10 {
		c = 0
	}
	return c
}

// steuerID is a German tax identification number (11 digits, ISO 7064 MOD 11,10).
func (g *gen) steuerID() string {
	for {
		perm := g.r.Perm(10)
		ds := perm[:9]
		ds = append(ds, ds[g.r.IntN(9)])
		g.r.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
		if ds[0] == 0 {
			continue
		}
		var sb strings.Builder
		for _, d := range ds {
			sb.WriteByte(byte('0' + d))
		}
		s := sb.String()
		s += strconv.Itoa(iso7064Mod1110(s))
		if g.r.IntN(3) == 0 {
			return s[0:2] + " " + s[2:5] + " " + s[5:8] + " " + s[8:11]
		}
		return s
	}
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

func (g *gen) dni() string {
	if g.r.IntN(4) == 0 { // NIE
		p := g.r.IntN(3)
		n := g.r.IntN(10000000)
		return fmt.Sprintf("%c%07d%c", "XYZ"[p], n, dniLetters[(p*10000000+n)%23])
	}
	n := g.r.IntN(100000000)
	if g.r.IntN(3) == 0 {
		return fmt.Sprintf("%08d-%c", n, dniLetters[n%23])
	}
	return fmt.Sprintf("%08d%c", n, dniLetters[n%23])
}

var cfOdd = map[byte]int{
	'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
	'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19, 'J': 21,
	'K': 2, 'L': 4, 'M': 18, 'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8, 'S': 12, 'T': 14,
	'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23,
}

func cfCheck(s string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		if i%2 == 0 {
			sum += cfOdd[c]
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return byte('A' + sum%26)
}

// codiceFiscale is an Italian fiscal code with a valid control character.
func (g *gen) codiceFiscale() string {
	cons := "BCDFGHLMNPRSTVZ"
	s := g.chars(cons, 3) + g.chars(cons, 3) + fmt.Sprintf("%02d", g.r.IntN(100)) +
		string("ABCDEHLMPRST"[g.r.IntN(12)])
	day := 1 + g.r.IntN(28)
	if g.r.IntN(2) == 0 {
		day += 40
	}
	s += fmt.Sprintf("%02d", day)
	s += []string{"H501", "F205", "A562", "L219", "G273", "D612", "A944", "F839"}[g.r.IntN(8)]
	return s + string(cfCheck(s))
}

func (g *gen) cpf() string {
	for {
		d := make([]int, 11)
		same := true
		for i := 0; i < 9; i++ {
			d[i] = g.r.IntN(10)
			if d[i] != d[0] {
				same = false
			}
		}
		if same {
			continue
		}
		d[9] = cpfDigit(d[:9])
		d[10] = cpfDigit(d[:10])
		s := ""
		for _, x := range d {
			s += strconv.Itoa(x)
		}
		if g.r.IntN(3) == 0 {
			return s
		}
		return s[0:3] + "." + s[3:6] + "." + s[6:9] + "-" + s[9:11]
	}
}

func cpfDigit(d []int) int {
	sum := 0
	for i, x := range d {
		sum += x * (len(d) + 1 - i)
	}
	r := sum % 11
	if r < 2 {
		return 0
	}
	return 11 - r
}

var verhoeffD = [10][10]int{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
	{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
	{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
	{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
}
var verhoeffP = [8][10]int{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
	{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
	{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
}
var verhoeffInv = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}

func verhoeffValid(s string) bool {
	c := 0
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[i%8][int(s[len(s)-1-i]-'0')]]
	}
	return c == 0
}

func verhoeffDigit(s string) int {
	c := 0
	for i := 0; i < len(s); i++ {
		c = verhoeffD[c][verhoeffP[(i+1)%8][int(s[len(s)-1-i]-'0')]]
	}
	return verhoeffInv[c]
}

func (g *gen) aadhaar() string {
	s := string(rune('2'+g.r.IntN(8))) + g.digitsN(10)
	s += strconv.Itoa(verhoeffDigit(s))
	if g.r.IntN(3) == 0 {
		return s
	}
	return s[0:4] + " " + s[4:8] + " " + s[8:12]
}

func (g *gen) bsn() string {
	for {
		s := string(rune('1'+g.r.IntN(9))) + g.digitsN(7)
		sum := 0
		for i := 0; i < 8; i++ {
			sum += int(s[i]-'0') * (9 - i)
		}
		r := sum % 11
		if r == 10 {
			continue
		}
		return s + strconv.Itoa(r)
	}
}

func bsnValid(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(s[i]-'0') * (9 - i)
	}
	return (sum-int(s[8]-'0'))%11 == 0
}

func (g *gen) personnummer() string {
	body := fmt.Sprintf("%02d%02d%02d%03d", g.r.IntN(100), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(1000))
	full := luhnComplete(body)
	return full[0:6] + "-" + full[6:]
}

func (g *gen) sin() string {
	s := luhnComplete(string(rune('1'+g.r.IntN(7))) + g.digitsN(7))
	if g.r.IntN(2) == 0 {
		return s[0:3] + " " + s[3:6] + " " + s[6:9]
	}
	return s[0:3] + "-" + s[3:6] + "-" + s[6:9]
}

var cnWeights = []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

func cnCheck(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * cnWeights[i]
	}
	return "10X98765432"[sum%11]
}

func (g *gen) chineseID() string {
	region := []string{"110105", "310104", "440305", "330106", "510107", "420111", "320102"}[g.r.IntN(7)]
	s := fmt.Sprintf("%s%04d%02d%02d%03d", region, 1950+g.r.IntN(55), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(1000))
	return s + string(cnCheck(s))
}

func (g *gen) pesel() string {
	yy := g.r.IntN(100)
	mm := 1 + g.r.IntN(12)
	if g.r.IntN(3) == 0 {
		mm += 20
	}
	s := fmt.Sprintf("%02d%02d%02d%04d", yy, mm, 1+g.r.IntN(28), g.r.IntN(10000))
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i := 0; i < 10; i++ {
		sum += int(s[i]-'0') * w[i]
	}
	return s + strconv.Itoa((10-sum%10)%10)
}

// nationalIDAny returns an identifier from a random country with its kind.
func (g *gen) nationalIDAny() nationalID {
	switch g.r.IntN(13) {
	case 0, 1, 2:
		return nationalID{"us_ssn", g.ssn()}
	case 3:
		return nationalID{"uk_nino", g.nino()}
	case 4:
		return nationalID{"fr_nir", g.nir()}
	case 5:
		return nationalID{"de_steuer_id", g.steuerID()}
	case 6:
		return nationalID{"es_dni", g.dni()}
	case 7:
		return nationalID{"it_codice_fiscale", g.codiceFiscale()}
	case 8:
		return nationalID{"br_cpf", g.cpf()}
	case 9:
		return nationalID{"in_aadhaar", g.aadhaar()}
	case 10:
		if g.r.IntN(2) == 0 {
			return nationalID{"nl_bsn", g.bsn()}
		}
		return nationalID{"se_personnummer", g.personnummer()}
	case 11:
		if g.r.IntN(2) == 0 {
			return nationalID{"ca_sin", g.sin()}
		}
		return nationalID{"pl_pesel", g.pesel()}
	}
	return nationalID{"cn_resident_id", g.chineseID()}
}

// ---- tokens and secrets ----

func b62(n uint32) string {
	if n == 0 {
		return "0"
	}
	var out []byte
	for n > 0 {
		out = append([]byte{base62[n%62]}, out...)
		n /= 62
	}
	return string(out)
}

// checksummed returns a GitHub/npm style token: prefix, 30 random base62
// characters and a 6-character base62 CRC32 of them.
func (g *gen) checksummed(prefix string) string {
	body := g.chars(base62, 30)
	c := b62(crc32.ChecksumIEEE([]byte(body)))
	for len(c) < 6 {
		c = "0" + c
	}
	return prefix + body + c
}

func (g *gen) jwt() string {
	alg := []string{"HS256", "RS256", "ES256", "HS512"}[g.r.IntN(4)]
	hdr := `{"alg":"` + alg + `","typ":"JWT"}`
	if alg != "HS256" && g.r.IntN(2) == 0 {
		hdr = `{"alg":"` + alg + `","kid":"` + g.hexN(16) + `","typ":"JWT"}`
	}
	iat := 1700000000 + g.r.IntN(30000000)
	pl := fmt.Sprintf(`{"sub":"%s","iat":%d,"exp":%d`, []string{"user_" + g.chars(base62, 10), strconv.Itoa(10000 + g.r.IntN(900000)), "auth0|" + g.hexN(24)}[g.r.IntN(3)], iat, iat+3600*(1+g.r.IntN(24)))
	if g.r.IntN(2) == 0 {
		pl += `,"iss":"https://auth.` + g.pick(hostsBase) + `/","aud":"` + g.chars(base62, 12) + `"`
	}
	if g.r.IntN(3) == 0 {
		pl += `,"scope":"read:orders write:orders","role":"member"`
	}
	pl += "}"
	enc := base64.RawURLEncoding
	sigLen := 32
	switch alg {
	case "RS256":
		sigLen = 256
	case "ES256":
		sigLen = 64
	case "HS512":
		sigLen = 64
	}
	return enc.EncodeToString([]byte(hdr)) + "." + enc.EncodeToString([]byte(pl)) + "." + enc.EncodeToString(g.bytes(sigLen))
}

type secret struct {
	kind  string
	value string
}

// vendorSecret returns a secret whose vendor prefix identifies it.
func (g *gen) vendorSecret() secret {
	switch g.r.IntN(24) {
	case 0:
		return secret{"aws_access_key_id", []string{"AKIA", "ASIA"}[g.r.IntN(2)] + g.chars(upper+"234567", 16)}
	case 1:
		return secret{"github_pat", g.checksummed([]string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}[g.r.IntN(5)])}
	case 2:
		return secret{"github_fine_grained", "github_pat_11" + g.chars(upper+digits, 20) + "_" + g.chars(base62, 59)}
	case 3, 4:
		p := []string{"sk_live_", "sk_live_", "rk_live_", "sk_test_"}[g.r.IntN(4)]
		if g.r.IntN(2) == 0 {
			return secret{"stripe_secret", p + g.chars(base62, 24)}
		}
		return secret{"stripe_secret", p + "51" + g.chars(base62, 97)}
	case 5:
		return secret{"stripe_webhook", "whsec_" + g.chars(base62, 32)}
	case 6:
		if g.r.IntN(2) == 0 {
			return secret{"slack_bot", "xoxb-" + g.digitsN(11) + "-" + g.digitsN(13) + "-" + g.chars(base62, 24)}
		}
		return secret{"slack_user", "xoxp-" + g.digitsN(11) + "-" + g.digitsN(11) + "-" + g.digitsN(13) + "-" + g.hexN(32)}
	case 7:
		return secret{"google_api_key", "AIza" + g.chars(b64url, 35)}
	case 8:
		if g.r.IntN(2) == 0 {
			return secret{"google_oauth_secret", "GOCSPX-" + g.chars(b64url, 28)}
		}
		return secret{"google_access_token", "ya29.a0" + g.chars(b64url, 150+g.r.IntN(60))}
	case 9, 10:
		a := g.chars(b64url, 20+g.r.IntN(54))
		b := g.chars(b64url, 20+g.r.IntN(54))
		p := []string{"sk-proj-", "sk-proj-", "sk-svcacct-", "sk-"}[g.r.IntN(4)]
		if p == "sk-" {
			a, b = g.chars(base62, 20), g.chars(base62, 20)
		}
		return secret{"openai", p + a + "T3BlbkFJ" + b}
	case 11, 12:
		p := []string{"sk-ant-api03-", "sk-ant-api03-", "sk-ant-admin01-"}[g.r.IntN(3)]
		return secret{"anthropic", p + g.chars(b64url, 93) + "AA"}
	case 13:
		return secret{"npm", g.checksummed("npm_")}
	case 14:
		if g.r.IntN(3) == 0 {
			return secret{"gitlab_trigger", "glptt-" + g.hexN(40)}
		}
		return secret{"gitlab_pat", "glpat-" + g.chars(b64url, 20)}
	case 15:
		return secret{"sendgrid", "SG." + g.chars(b64url, 22) + "." + g.chars(b64url, 43)}
	case 16:
		return secret{"shopify", []string{"shpat_", "shpss_", "shpca_"}[g.r.IntN(3)] + g.hexN(32)}
	case 17:
		return secret{"huggingface", "hf_" + g.chars(upper+lower, 34)}
	case 18:
		return secret{"digitalocean", []string{"dop_v1_", "doo_v1_"}[g.r.IntN(2)] + g.hexN(64)}
	case 19:
		return secret{"pypi", "pypi-AgEIcHlwaS5vcmc" + g.chars(b64url, 70)}
	case 20:
		return secret{"postman", "PMAK-" + g.hexN(24) + "-" + g.hexN(34)}
	case 21:
		return secret{"databricks", "dapi" + g.hexN(32)}
	case 22:
		return secret{"vault", "hvs." + g.chars(b64url, 90)}
	}
	return secret{"linear", "lin_api_" + g.chars(base62, 40)}
}

// genericSecret is an opaque high-entropy credential without a vendor prefix.
func (g *gen) genericSecret() string {
	switch g.r.IntN(6) {
	case 0:
		return g.hexN(32)
	case 1:
		return g.hexN(64)
	case 2:
		return base64.StdEncoding.EncodeToString(g.bytes(24 + g.r.IntN(24)))
	case 3:
		return base64.RawURLEncoding.EncodeToString(g.bytes(32))
	case 4:
		return g.chars(base62, 32+g.r.IntN(16))
	}
	return g.chars(base62, 8) + "-" + g.chars(base62, 8) + "-" + g.chars(base62, 16)
}

func (g *gen) totpSeed() string {
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(g.bytes(10 + 10*g.r.IntN(2)))
	return s
}

func (g *gen) awsSecretKey() string { return g.chars(b64std[:62]+"/+", 40) }

func (g *gen) sessionCookieValue() (string, string) {
	switch g.r.IntN(5) {
	case 0:
		return "connect.sid", "s%3A" + g.chars(b64url, 32) + "." + base64.RawStdEncoding.EncodeToString(g.bytes(32))
	case 1:
		return "sessionid", g.chars(digits+lower, 32)
	case 2:
		return "_" + g.pick([]string{"shop", "app", "storefront"}) + "_session", base64.StdEncoding.EncodeToString(g.bytes(60)) + "--" + g.hexN(40)
	case 3:
		return "PHPSESSID", g.chars(digits+lower, 26)
	}
	return "session", g.jwt()
}

// ---- PEM ----

func pemWrap(typ string, der []byte) string {
	b := base64.StdEncoding.EncodeToString(der)
	var sb strings.Builder
	sb.WriteString("-----BEGIN " + typ + "-----\n")
	for i := 0; i < len(b); i += 64 {
		sb.WriteString(b[i:min(i+64, len(b))])
		sb.WriteByte('\n')
	}
	sb.WriteString("-----END " + typ + "-----\n")
	return sb.String()
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// privateKeyPEM returns a PEM private key with a real DER header and random key material.
func (g *gen) privateKeyPEM() (string, string) {
	switch g.r.IntN(7) {
	case 0:
		return "rsa_pkcs1", pemWrap("RSA PRIVATE KEY", append(mustHex("308204a40201000282010100"), g.bytes(1180)...))
	case 1, 2:
		return "rsa_pkcs8", pemWrap("PRIVATE KEY", append(mustHex("308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100"), g.bytes(1180)...))
	case 3:
		der := append(mustHex("30770201010420"), g.bytes(32)...)
		der = append(der, mustHex("a00a06082a8648ce3d030107a144034200")...)
		der = append(der, 4)
		return "ec", pemWrap("EC PRIVATE KEY", append(der, g.bytes(64)...))
	case 4:
		der := append(mustHex("302e020100300506032b657004220420"), g.bytes(32)...)
		return "ed25519_pkcs8", pemWrap("PRIVATE KEY", der)
	case 5:
		pre := []byte("openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x33\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20")
		return "openssh", pemWrap("OPENSSH PRIVATE KEY", append(pre, g.bytes(300)...))
	}
	b := base64.StdEncoding.EncodeToString(append([]byte{0x95, 0x03, 0x98, 0x04}, g.bytes(600)...))
	var sb strings.Builder
	sb.WriteString("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n")
	for i := 0; i < len(b); i += 64 {
		sb.WriteString(b[i:min(i+64, len(b))] + "\n")
	}
	sb.WriteString("=" + base64.StdEncoding.EncodeToString(g.bytes(3)) + "\n-----END PGP PRIVATE KEY BLOCK-----\n")
	return "pgp", sb.String()
}

func (g *gen) publicKeyPEM() string {
	switch g.r.IntN(3) {
	case 0:
		return pemWrap("PUBLIC KEY", append(mustHex("302a300506032b6570032100"), g.bytes(32)...))
	case 1:
		return pemWrap("PUBLIC KEY", append(mustHex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100"), append(g.bytes(256), 0x02, 0x03, 0x01, 0x00, 0x01)...))
	}
	return pemWrap("PUBLIC KEY", append(mustHex("3059301306072a8648ce3d020106082a8648ce3d03010703420004"), g.bytes(64)...))
}

func (g *gen) certificatePEM() string {
	der := append(mustHex("308201"), g.bytes(1)...)
	der = append(der, mustHex("308201")...)
	der = append(der, g.bytes(420)...)
	return pemWrap("CERTIFICATE", der)
}

func (g *gen) sshPublicKey() string {
	blob := append([]byte("\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"), g.bytes(32)...)
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + g.pick([]string{"deploy@ci", "alice@laptop", "build-bot", "ops@bastion"})
}

func escapeNewlines(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }
