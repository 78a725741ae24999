package main

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"math/rand"
	"strconv"
	"strings"
)

// Check-digit and format code, written from the formats' public
// descriptions; main's selfCheck runs each against published examples.

const (
	digits   = "0123456789"
	upper    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower    = "abcdefghijklmnopqrstuvwxyz"
	alnum    = digits + upper + lower
	hexLower = "0123456789abcdef"
	b32      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	bech32   = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
)

func pick(r *rand.Rand, xs ...string) string { return xs[r.Intn(len(xs))] }

func randFrom(r *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.Intn(len(set))]
	}
	return string(b)
}

// luhnDigit returns the digit that makes body+digit pass the Luhn check.
func luhnDigit(body string) byte {
	sum := 0
	double := true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

func luhnValid(s string) bool {
	return len(s) > 1 && luhnDigit(s[:len(s)-1]) == s[len(s)-1]
}

// card returns a Luhn-valid PAN of a real brand's IIN range and length.
func card(r *rand.Rand) string {
	var prefix string
	n := 16
	switch r.Intn(8) {
	case 0, 1:
		prefix = "4"
		if r.Intn(6) == 0 {
			n = 19
		}
	case 2:
		prefix = strconv.Itoa(51 + r.Intn(5))
	case 3:
		prefix = strconv.Itoa(2221 + r.Intn(500))
	case 4:
		prefix, n = pick(r, "34", "37"), 15
	case 5:
		prefix = pick(r, "6011", "65", "644")
	case 6:
		prefix = strconv.Itoa(3528 + r.Intn(62))
	default:
		prefix, n = "36", 14
	}
	body := prefix + randFrom(r, digits, n-1-len(prefix))
	return body + string(luhnDigit(body))
}

// badLuhn returns a card-shaped number that fails the Luhn check.
func badLuhn(r *rand.Rand) string {
	c := card(r)
	last := c[len(c)-1]
	return c[:len(c)-1] + string('0'+(last-'0'+1+byte(r.Intn(8)))%10)
}

// groupCard writes a PAN the way it is printed: 4-4-4-4, Amex 4-6-5.
func groupCard(pan, sep string) string {
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
	for _, g := range groups {
		parts = append(parts, pan[i:i+g])
		i += g
	}
	return strings.Join(parts, sep)
}

// ssn returns a US SSN with a valid area (001-899, not 666), group and serial.
func ssn(r *rand.Rand) string {
	area := 1 + r.Intn(899)
	if area == 666 {
		area = 667
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+r.Intn(99), 1+r.Intn(9999))
}

// nino returns a UK National Insurance number.
func nino(r *rand.Rand) string {
	first := "ABCEGHJKLMNOPRSTWXYZ"
	second := "ABCEGHJKLMNPRSTWXYZ"
	for {
		p := string(first[r.Intn(len(first))]) + string(second[r.Intn(len(second))])
		switch p {
		case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
			continue
		}
		return p + randFrom(r, digits, 6) + string("ABCD"[r.Intn(4)])
	}
}

// bsn returns a Dutch BSN passing the 11-test.
func bsn(r *rand.Rand) string {
	for {
		s := string('1'+byte(r.Intn(9))) + randFrom(r, digits, 8)
		if elevenTest(s) {
			return s
		}
	}
}

func elevenTest(s string) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum -= int(s[8] - '0')
	return sum%11 == 0
}

// cpf returns a Brazilian CPF with both mod-11 check digits, formatted.
func cpf(r *rand.Rand) string {
	for {
		b := randFrom(r, digits, 9)
		if strings.Count(b, b[:1]) == 9 {
			continue
		}
		b = b + cpfDigit(b)
		b = b + cpfDigit(b)
		return b[:3] + "." + b[3:6] + "." + b[6:9] + "-" + b[9:]
	}
}

func cpfDigit(b string) string {
	sum := 0
	w := len(b) + 1
	for i := range b {
		sum += int(b[i]-'0') * (w - i)
	}
	d := 11 - sum%11
	if d >= 10 {
		d = 0
	}
	return strconv.Itoa(d)
}

// dni returns a Spanish DNI or NIE with its mod-23 letter.
func dni(r *rand.Rand) string {
	const letters = "TRWAGMYFPDXBNJZSQVHLCKE"
	if r.Intn(3) == 0 {
		p := r.Intn(3)
		n := randFrom(r, digits, 7)
		v, _ := strconv.Atoi(strconv.Itoa(p) + n)
		return string("XYZ"[p]) + n + string(letters[v%23])
	}
	n := string('1'+byte(r.Intn(9))) + randFrom(r, digits, 7)
	v, _ := strconv.Atoi(n)
	return n + string(letters[v%23])
}

var cfOdd = map[byte]int{'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
	'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19, 'J': 21, 'K': 2, 'L': 4, 'M': 18,
	'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8, 'S': 12, 'T': 14, 'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23}

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

// codiceFiscale returns an Italian fiscal code with its check letter.
func codiceFiscale(r *rand.Rand) string {
	cons := "BCDFGHJKLMNPQRSTVWXZ"
	s := randFrom(r, cons, 6) + fmt.Sprintf("%02d", 50+r.Intn(50)) + string("ABCDEHLMPRST"[r.Intn(12)]) +
		fmt.Sprintf("%02d", 1+r.Intn(28)+40*r.Intn(2)) + string(upper[r.Intn(26)]) + fmt.Sprintf("%03d", r.Intn(1000))
	return s + string(cfCheck(s))
}

var verD = [10][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1}, {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}
var verP = [8][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1}, {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}}
var verInv = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}

func verhoeffDigit(body string) byte {
	c := 0
	for i := 0; i < len(body); i++ {
		c = verD[c][verP[(i+1)%8][int(body[len(body)-1-i]-'0')]]
	}
	return byte('0' + verInv[c])
}

func verhoeffValid(s string) bool {
	c := 0
	for i := 0; i < len(s); i++ {
		c = verD[c][verP[i%8][int(s[len(s)-1-i]-'0')]]
	}
	return c == 0
}

// aadhaar returns an Indian Aadhaar number (12 digits, first 2-9, Verhoeff).
func aadhaar(r *rand.Rand) string {
	b := string('2'+byte(r.Intn(8))) + randFrom(r, digits, 10)
	s := b + string(verhoeffDigit(b))
	return s[:4] + " " + s[4:8] + " " + s[8:]
}

// personnummer returns a Swedish personal identity number YYMMDD-NNNC.
func personnummer(r *rand.Rand) string {
	b := fmt.Sprintf("%02d%02d%02d%03d", r.Intn(100), 1+r.Intn(12), 1+r.Intn(28), r.Intn(1000))
	return b[:6] + "-" + b[6:] + string(luhnDigit(b))
}

// hetu returns a Finnish personal identity code DDMMYYCZZZQ.
func hetu(r *rand.Rand) string {
	d := fmt.Sprintf("%02d%02d%02d", 1+r.Intn(28), 1+r.Intn(12), r.Intn(100))
	z := fmt.Sprintf("%03d", 2+r.Intn(897))
	return d + pick(r, "-", "A", "+") + z + string(hetuCheck(d+z))
}

func hetuCheck(nine string) byte {
	n, _ := strconv.Atoi(nine)
	return "0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31]
}

// sin returns a Canadian Social Insurance Number (Luhn), NNN-NNN-NNN.
func sin(r *rand.Rand) string {
	b := string("1234567"[r.Intn(7)]) + randFrom(r, digits, 7)
	s := b + string(luhnDigit(b))
	return s[:3] + "-" + s[3:6] + "-" + s[6:]
}

// prcID returns an 18-character PRC resident identity number (ISO 7064 MOD 11-2).
func prcID(r *rand.Rand) string {
	b := fmt.Sprintf("%d%05d%04d%02d%02d%03d", 1+r.Intn(6), r.Intn(100000), 1950+r.Intn(55), 1+r.Intn(12), 1+r.Intn(28), r.Intn(1000))
	return b + string(prcCheck(b))
}

func prcCheck(b string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(b[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

// nir returns a French NIR (13 digits and a 2-digit key, 97 - n mod 97).
func nir(r *rand.Rand) string {
	b := fmt.Sprintf("%d%02d%02d%02d%03d%03d", 1+r.Intn(2), r.Intn(100), 1+r.Intn(12), 1+r.Intn(95), 1+r.Intn(990), 1+r.Intn(999))
	n, _ := strconv.ParseInt(b, 10, 64)
	return fmt.Sprintf("%s %s %s %s %s %s %02d", b[:1], b[1:3], b[3:5], b[5:7], b[7:10], b[10:13], 97-n%97)
}

// iban returns an IBAN of a country's length with mod-97 check digits.
func iban(r *rand.Rand) string {
	var cc, bban string
	switch r.Intn(7) {
	case 0:
		cc, bban = "DE", randFrom(r, digits, 18)
	case 1:
		cc, bban = "GB", pick(r, "NWBK", "BARC", "LOYD", "MIDL", "HBUK")+randFrom(r, digits, 14)
	case 2:
		cc, bban = "FR", randFrom(r, digits, 10)+randFrom(r, upper+digits, 11)+randFrom(r, digits, 2)
	case 3:
		cc, bban = "NL", pick(r, "ABNA", "INGB", "RABO", "TRIO")+randFrom(r, digits, 10)
	case 4:
		cc, bban = "ES", randFrom(r, digits, 20)
	case 5:
		cc, bban = "IT", string(upper[r.Intn(26)])+randFrom(r, digits, 10)+randFrom(r, digits+upper, 12)
	default:
		cc, bban = "BE", randFrom(r, digits, 12)
	}
	return cc + ibanCheck(cc, bban) + bban
}

func ibanCheck(cc, bban string) string {
	n := ibanNumber(bban + cc + "00")
	n.Mod(n, big.NewInt(97))
	return fmt.Sprintf("%02d", 98-n.Int64())
}

func ibanNumber(s string) *big.Int {
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
	return n
}

func ibanValid(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	n := ibanNumber(s[4:] + s[:4])
	return n.Mod(n, big.NewInt(97)).Int64() == 1
}

// spaced writes s in groups of four, as IBANs are printed.
func spaced(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// aba returns a routing number passing the ABA checksum (3-7-1 weights).
func aba(r *rand.Rand) string {
	b := fmt.Sprintf("%02d", r.Intn(13)) + randFrom(r, digits, 6)
	for d := byte('0'); d <= '9'; d++ {
		if abaValid(b + string(d)) {
			return b + string(d)
		}
	}
	return ""
}

func abaValid(s string) bool {
	w := []int{3, 7, 1}
	sum := 0
	for i := range 9 {
		sum += int(s[i]-'0') * w[i%3]
	}
	return sum%10 == 0
}

func b64(r *rand.Rand, n int) string {
	b := make([]byte, n)
	r.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func b64url(r *rand.Rand, n int) string {
	b := make([]byte, n)
	r.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// jwt returns a signed-looking JWT: a real header and claims, random signature.
func jwt(r *rand.Rand) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(pick(r, `{"alg":"HS256","typ":"JWT"}`, `{"alg":"RS256","kid":"`+randFrom(r, hexLower, 16)+`","typ":"JWT"}`)))
	c := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%d","iat":%d,"exp":%d,"scope":"%s"}`, 100000+r.Intn(900000), 1764000000+r.Intn(900000), 1765000000+r.Intn(900000), pick(r, "read write", "admin", "user"))))
	return h + "." + c + "." + b64url(r, 32)
}

// token returns a vendor secret in the shape public secret-scanner rule
// sets describe (gitleaks, GitHub secret scanning), and the vendor's name.
func token(r *rand.Rand) (string, string) {
	switch r.Intn(20) {
	case 0:
		return "ghp_" + randFrom(r, alnum, 36), "github"
	case 1:
		return "github_pat_" + randFrom(r, alnum, 22) + "_" + randFrom(r, alnum, 59), "github"
	case 2:
		return "xoxb-" + randFrom(r, digits, 11) + "-" + randFrom(r, digits, 13) + "-" + randFrom(r, alnum, 24), "slack"
	case 3:
		return pick(r, "sk_live_", "rk_live_") + randFrom(r, alnum, 24+r.Intn(76)), "stripe"
	case 4:
		return "AKIA" + randFrom(r, upper+"234567", 16), "aws"
	case 5:
		return "AIza" + randFrom(r, alnum+"-_", 35), "google"
	case 6:
		return "sk-proj-" + randFrom(r, alnum+"-_", 48) + "T3BlbkFJ" + randFrom(r, alnum+"-_", 48), "openai"
	case 7:
		return "sk-ant-api03-" + randFrom(r, alnum+"-_", 93) + "AA", "anthropic"
	case 8:
		return "SG." + randFrom(r, alnum+"-_", 22) + "." + randFrom(r, alnum+"-_", 43), "sendgrid"
	case 9:
		return "npm_" + randFrom(r, alnum, 36), "npm"
	case 10:
		return "glpat-" + randFrom(r, alnum+"-_", 20), "gitlab"
	case 11:
		return "shpat_" + randFrom(r, hexLower, 32), "shopify"
	case 12:
		return "dop_v1_" + randFrom(r, hexLower, 64), "digitalocean"
	case 13:
		return "hf_" + randFrom(r, upper+lower, 34), "huggingface"
	case 14:
		return "PMAK-" + randFrom(r, hexLower, 24) + "-" + randFrom(r, hexLower, 34), "postman"
	case 15:
		return "lin_api_" + randFrom(r, alnum, 40), "linear"
	case 16:
		return strconv.Itoa(100000000+r.Intn(900000000)) + ":AA" + randFrom(r, alnum+"-_", 33), "telegram"
	case 17:
		return "xapp-1-A" + randFrom(r, upper+digits, 10) + "-" + randFrom(r, digits, 13) + "-" + randFrom(r, hexLower, 64), "slack"
	case 18:
		return "pypi-AgEIcHlwaS5vcmc" + randFrom(r, alnum+"-_", 70), "pypi"
	default:
		return jwt(r), "jwt"
	}
}

// awsSecret returns a 40-character AWS secret access key.
func awsSecret(r *rand.Rand) string { return randFrom(r, alnum+"+/", 40) }

// password returns a password of the kinds people choose.
func password(r *rand.Rand) string {
	words := []string{"Sommer", "Winter", "Dragon", "Monkey", "Sunshine", "Bailey", "Shadow", "Liverpool", "Gatito", "Soleil", "Tesouro", "Kaffee", "Mariposa", "Pantera", "Qwerty", "Princess", "Football", "Berlin"}
	switch r.Intn(6) {
	case 0:
		return pick(r, words...) + strconv.Itoa(1990+r.Intn(37)) + pick(r, "!", "#", "$", "?", "")
	case 1:
		return randFrom(r, alnum+"!@#$%^&*()-_=+", 10+r.Intn(14))
	case 2:
		return strings.Join([]string{pick(r, "correct", "purple", "velvet", "salty"), pick(r, "Horse", "Tiger", "Lamp", "Ocean"), pick(r, "battery", "staple", "river", "moon"), strconv.Itoa(r.Intn(100))}, pick(r, "-", ".", "_"))
	case 3:
		w := pick(r, words...)
		return strings.NewReplacer("o", "0", "a", "@", "e", "3", "i", "1", "s", "$").Replace(w) + strconv.Itoa(r.Intn(1000))
	case 4:
		return "Tr0ub4dor&" + strconv.Itoa(r.Intn(10)) + randFrom(r, upper, 2)
	default:
		return randFrom(r, alnum, 3) + pick(r, "%", "&", "+", "/", "=", "#") + randFrom(r, alnum, 8)
	}
}

// pemBody returns base64 lines of a PEM body.
func pemBody(r *rand.Rand, n int) string {
	s := b64(r, n)
	var lines []string
	for len(s) > 64 {
		lines = append(lines, s[:64])
		s = s[64:]
	}
	return strings.Join(append(lines, s), "\n")
}

// privateKey returns a private key block of one of the common armours.
func privateKey(r *rand.Rand) string {
	switch r.Intn(5) {
	case 0:
		return "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + pemBody(r, 600) + "\n-----END RSA PRIVATE KEY-----"
	case 1:
		return "-----BEGIN PRIVATE KEY-----\nMIIEvQ" + pemBody(r, 600) + "\n-----END PRIVATE KEY-----"
	case 2:
		return "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI" + pemBody(r, 90) + "\n-----END EC PRIVATE KEY-----"
	case 3:
		return "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ" + pemBody(r, 300) + "\n-----END OPENSSH PRIVATE KEY-----"
	default:
		return "AGE-SECRET-KEY-1" + randFrom(r, bech32, 58)
	}
}

func uuid(r *rand.Rand) string {
	h := randFrom(r, hexLower, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[r.Intn(4)]) + h[17:20] + "-" + h[20:]
}

func email(r *rand.Rand) string {
	return pick(r, "maria.gonzalez", "j.smith", "li.wei", "anna-k", "olu.adeyemi", "tomas+news", "priya.r", "kenji_t") +
		strconv.Itoa(r.Intn(100)) + "@" + pick(r, "gmail.com", "outlook.com", "yahoo.co.jp", "web.de", "example-corp.io", "proton.me", "mail.ru")
}

func phone(r *rand.Rand) string {
	switch r.Intn(5) {
	case 0:
		return fmt.Sprintf("+1 (%d) %03d-%04d", 201+r.Intn(700), 200+r.Intn(700), r.Intn(10000))
	case 1:
		return fmt.Sprintf("+44 7%03d %06d", r.Intn(1000), r.Intn(1000000))
	case 2:
		return fmt.Sprintf("+49 151 %08d", r.Intn(100000000))
	case 3:
		return fmt.Sprintf("+91 9%04d %05d", r.Intn(10000), r.Intn(100000))
	default:
		return fmt.Sprintf("+33 6 %02d %02d %02d %02d", r.Intn(100), r.Intn(100), r.Intn(100), r.Intn(100))
	}
}
