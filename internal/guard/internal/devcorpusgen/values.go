package main

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Value makers. Each national-ID, card and account maker follows the
// format's published structure and check digits; the *Bad variants break
// exactly the check so that the value has the shape but is not valid.

const (
	digits   = "0123456789"
	upper    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower    = "abcdefghijklmnopqrstuvwxyz"
	alnum    = upper + lower + digits
	hexLower = "0123456789abcdef"
	b64url   = alnum + "-_"
	b64std   = alnum + "+/"
	base32   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

type gen struct{ r *rand.Rand }

func (g *gen) n(k int) int              { return g.r.IntN(k) }
func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

func (g *gen) str(alpha string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[g.r.IntN(len(alpha))]
	}
	return string(b)
}

// mixed returns n characters of alpha holding at least one upper-case
// letter, one lower-case letter and one digit.
func (g *gen) mixed(alpha string, n int) string {
	for {
		s := g.str(alpha, n)
		if strings.ContainsAny(s, upper) && strings.ContainsAny(s, lower) && strings.ContainsAny(s, digits) {
			return s
		}
	}
}

func (g *gen) digitsN(n int) string { return g.str(digits, n) }

func (g *gen) uuid() string {
	h := g.str(hexLower, 32)
	v := []byte(h)
	v[12] = '4'
	v[16] = "89ab"[g.n(4)]
	h = string(v)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

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

func luhnValid(s string) bool { return len(s) > 1 && luhnDigit(s[:len(s)-1]) == s[len(s)-1] }

// flipLast changes the last digit so that the check fails.
func flipLast(s string) string {
	d := s[len(s)-1]
	nd := byte('0' + (int(d-'0')+1+0)%10)
	return s[:len(s)-1] + string(nd)
}

// card returns a Luhn-valid number of a real issuer range and length.
func (g *gen) card() (pan, brand string) {
	type issuer struct {
		brand, prefix string
		length        int
	}
	is := []issuer{
		{"visa", "4", 16}, {"visa", "4", 16}, {"visa", "4", 13}, {"mastercard", g.pick("51", "52", "53", "54", "55"), 16},
		{"mastercard", strconv.Itoa(2221 + g.n(500)), 16}, {"amex", g.pick("34", "37"), 15},
		{"discover", "6011", 16}, {"discover", "65", 16}, {"jcb", strconv.Itoa(3528 + g.n(60)), 16},
		{"diners", "36", 14}, {"unionpay", "62", 16}, {"maestro", "6759", 16},
	}
	i := is[g.n(len(is))]
	body := i.prefix + g.digitsN(i.length-1-len(i.prefix))
	return body + string(luhnDigit(body)), i.brand
}

// group writes digits in groups (4-4-4-4, Amex 4-6-5) joined by sep.
func group(pan, sep string) string {
	var parts []string
	if len(pan) == 15 {
		parts = []string{pan[:4], pan[4:10], pan[10:]}
	} else {
		for i := 0; i < len(pan); i += 4 {
			parts = append(parts, pan[i:min(i+4, len(pan))])
		}
	}
	return strings.Join(parts, sep)
}

func (g *gen) ssn() string {
	var area int
	for {
		area = 1 + g.n(899)
		if area != 666 {
			break
		}
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+g.n(99), 1+g.n(9999))
}

// ssnBad has the shape of an SSN but breaks the SSA's rules.
func (g *gen) ssnBad() string {
	switch g.n(4) {
	case 0:
		return fmt.Sprintf("000-%02d-%04d", 1+g.n(99), 1+g.n(9999))
	case 1:
		return fmt.Sprintf("666-%02d-%04d", 1+g.n(99), 1+g.n(9999))
	case 2:
		return fmt.Sprintf("%03d-00-%04d", 1+g.n(600), 1+g.n(9999))
	}
	return fmt.Sprintf("%03d-%02d-0000", 1+g.n(600), 1+g.n(99))
}

func (g *gen) sin() string {
	body := string("1234567"[g.n(7)]) + g.digitsN(7)
	return body + string(luhnDigit(body))
}

func cpfDigits(d9 string) string {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d9[i]-'0') * (10 - i)
	}
	r := sum % 11
	d1 := 0
	if r >= 2 {
		d1 = 11 - r
	}
	d10 := d9 + strconv.Itoa(d1)
	sum = 0
	for i := 0; i < 10; i++ {
		sum += int(d10[i]-'0') * (11 - i)
	}
	r = sum % 11
	d2 := 0
	if r >= 2 {
		d2 = 11 - r
	}
	return d10 + strconv.Itoa(d2)
}

func (g *gen) cpf() string {
	for {
		d := g.digitsN(9)
		if strings.Count(d, d[:1]) < 9 {
			return cpfDigits(d)
		}
	}
}

func fmtCPF(c string) string { return c[:3] + "." + c[3:6] + "." + c[6:9] + "-" + c[9:] }

var (
	verD   = [10][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1}, {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}
	verP   = [8][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1}, {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}}
	verInv = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

func verhoeffDigit(body string) byte {
	c := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		c = verD[c][verP[(i+1)%8][d]]
	}
	return byte('0' + verInv[c])
}

func (g *gen) aadhaar() string {
	body := string("23456789"[g.n(8)]) + g.digitsN(10)
	return body + string(verhoeffDigit(body))
}

func (g *gen) nino() string {
	first := "ABCEGHJKLMNOPRSTWXYZ"
	second := "ABCEGHJKLMNPRSTWXYZ"
	for {
		p := string(first[g.n(len(first))]) + string(second[g.n(len(second))])
		switch p {
		case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
			continue
		}
		return p + g.digitsN(6) + string("ABCD"[g.n(4)])
	}
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

func (g *gen) dni() string {
	n := 10000000 + g.n(89999999)
	return fmt.Sprintf("%08d%c", n, dniLetters[n%23])
}

func (g *gen) nie() string {
	p := g.n(3)
	n := g.n(10000000)
	full, _ := strconv.Atoi(fmt.Sprintf("%d%07d", p, n))
	return fmt.Sprintf("%c%07d%c", "XYZ"[p], n, dniLetters[full%23])
}

func (g *gen) hetu() string {
	d, m, y := 1+g.n(28), 1+g.n(12), g.n(100)
	ind := 2 + g.n(898)
	sign := g.pick("-", "A")
	num, _ := strconv.Atoi(fmt.Sprintf("%02d%02d%02d%03d", d, m, y, ind))
	return fmt.Sprintf("%02d%02d%02d%s%03d%c", d, m, y, sign, ind, "0123456789ABCDEFHJKLMNPRSTUVWXY"[num%31])
}

func (g *gen) personnummer() string {
	body := fmt.Sprintf("%02d%02d%02d%03d", g.n(100), 1+g.n(12), 1+g.n(28), g.n(1000))
	return body[:6] + "-" + body[6:] + string(luhnDigit(body))
}

func (g *gen) nir() string {
	body := fmt.Sprintf("%d%02d%02d%02d%03d%03d", 1+g.n(2), g.n(100), 1+g.n(12), 1+g.n(95), 1+g.n(990), 1+g.n(999))
	n, _ := strconv.ParseInt(body, 10, 64)
	key := 97 - n%97
	return fmt.Sprintf("%s %s %s %s %s %s %02d", body[:1], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13], key)
}

func (g *gen) bsn() string {
	for {
		d := string("123456789"[g.n(9)]) + g.digitsN(7)
		sum := 0
		for i := 0; i < 8; i++ {
			sum += int(d[i]-'0') * (9 - i)
		}
		last := sum % 11
		if last <= 9 {
			return d + strconv.Itoa(last)
		}
	}
}

func (g *gen) steuerID() string {
	for {
		perm := g.r.Perm(10)
		// ten positions: nine distinct digits, one of them twice.
		ds := perm[:9]
		dup := ds[g.n(9)]
		all := append(append([]int{}, ds...), dup)
		g.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		if all[0] == 0 {
			continue
		}
		var b strings.Builder
		for _, d := range all {
			b.WriteByte(byte('0' + d))
		}
		s := b.String()
		product := 10
		for i := 0; i < 10; i++ {
			sum := (int(s[i]-'0') + product) % 10
			if sum == 0 {
				sum = 10
			}
			product = (sum * 2) % 11
		}
		check := 11 - product
		if check == 10 {
			check = 0
		}
		return s + strconv.Itoa(check)
	}
}

func (g *gen) prcID() string {
	body := fmt.Sprintf("%d%05d%d%02d%02d%03d", 1+g.n(6), g.n(100000), 1950+g.n(60), 1+g.n(12), 1+g.n(28), g.n(1000))
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func (g *gen) zaID() string {
	body := fmt.Sprintf("%02d%02d%02d%04d%d8", g.n(100), 1+g.n(12), 1+g.n(28), g.n(10000), g.n(2))
	return body + string(luhnDigit(body))
}

func (g *gen) indiaPAN() string {
	return g.str(upper, 3) + string("PCHFT"[g.n(5)]) + g.str(upper, 1) + g.digitsN(4) + g.str(upper, 1)
}

func (g *gen) passport() string {
	switch g.n(3) {
	case 0:
		return g.digitsN(9) // US, UK
	case 1:
		return string("CFGHJK"[g.n(6)]) + g.str("CFGHJKLMNPRTVWXYZ0123456789", 8) // DE
	}
	return string(upper[g.n(26)]) + g.digitsN(7) // IN
}

type ibanSpec struct {
	cc   string
	bban func(g *gen) string
}

var ibanSpecs = []ibanSpec{
	{"DE", func(g *gen) string { return g.digitsN(18) }},
	{"GB", func(g *gen) string { return g.pick("NWBK", "BARC", "HBUK", "LOYD", "MIDL") + g.digitsN(14) }},
	{"FR", func(g *gen) string { return g.digitsN(10) + g.str(upper+digits, 11) + g.digitsN(2) }},
	{"NL", func(g *gen) string { return g.pick("ABNA", "INGB", "RABO", "TRIO") + g.digitsN(10) }},
	{"ES", func(g *gen) string { return g.digitsN(20) }},
	{"IT", func(g *gen) string { return g.str(upper, 1) + g.digitsN(10) + g.str(upper+digits, 12) }},
	{"BE", func(g *gen) string { return g.digitsN(12) }},
	{"CH", func(g *gen) string { return g.digitsN(5) + g.str(upper+digits, 12) }},
	{"PL", func(g *gen) string { return g.digitsN(24) }},
	{"AT", func(g *gen) string { return g.digitsN(16) }},
}

func ibanCheck(cc, bban string) string {
	re := bban + cc + "00"
	var num strings.Builder
	for _, c := range re {
		if c >= 'A' && c <= 'Z' {
			num.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			num.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(num.String(), 10)
	m := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%02d", 98-m)
}

func (g *gen) iban() string {
	s := ibanSpecs[g.n(len(ibanSpecs))]
	b := s.bban(g)
	return s.cc + ibanCheck(s.cc, b) + b
}

func groupIBAN(s string) string {
	var parts []string
	for i := 0; i < len(s); i += 4 {
		parts = append(parts, s[i:min(i+4, len(s))])
	}
	return strings.Join(parts, " ")
}

// aba returns a routing number with a valid ABA checksum: a public bank
// identifier.
func (g *gen) aba() string {
	d := string("0123"[g.n(4)]) + g.digitsN(7)
	w := []int{3, 7, 1, 3, 7, 1, 3, 7}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(d[i]-'0') * w[i]
	}
	return d + strconv.Itoa((10-sum%10)%10)
}

func (g *gen) sortCode() string {
	return fmt.Sprintf("%02d-%02d-%02d", 10+g.n(80), g.n(100), g.n(100))
}

func (g *gen) bic() string {
	return g.str(upper, 4) + g.pick("DE", "GB", "FR", "NL", "US", "CH") + g.str(upper+digits, 2) + g.pick("", "XXX")
}

// password returns something a person or a password manager would choose.
func (g *gen) password() string {
	words := []string{"sunset", "Falcon", "river", "Maple", "orange", "Tiger", "winter", "Shadow", "purple", "dragon", "Coffee", "harbor", "Kitten", "summer", "Rocket", "meadow"}
	syms := "!@#$%&*?-_.+"
	switch g.n(5) {
	case 0:
		return g.pick(words...) + g.digitsN(2+g.n(3)) + string(syms[g.n(len(syms))])
	case 1:
		return g.mixed(alnum, 10+g.n(8))
	case 2:
		return g.mixed(alnum+"!#%*-_.", 14+g.n(10))
	case 3:
		return strings.ToUpper(g.pick(words...)[:1]) + g.pick(words...)[1:] + string(syms[g.n(len(syms))]) + g.digitsN(4)
	}
	return g.pick(words...) + "-" + g.pick(words...) + "-" + g.pick(words...) + g.digitsN(2)
}

// pin is 4 to 6 digits.
func (g *gen) pin() string { return g.digitsN(4 + g.n(3)) }

func (g *gen) jwt() string {
	h := base64.RawURLEncoding.EncodeToString([]byte(g.pick(`{"alg":"HS256","typ":"JWT"}`, `{"alg":"RS256","kid":"`+g.str(alnum, 8)+`"}`, `{"typ":"JWT","alg":"ES256"}`)))
	p := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"sub":"%d","exp":%d,"scope":"read write"}`, g.n(1e6), 1_700_000_000+g.n(1e8)))
	return h + "." + p + "." + g.str(b64url, 43)
}

// vendorToken returns a token in one of the documented formats.
func (g *gen) vendorToken() (tok, vendor string) {
	switch g.n(16) {
	case 0:
		return "AKIA" + g.str(upper+"234567", 16), "aws"
	case 1:
		return "ghp_" + g.mixed(alnum, 36), "github"
	case 2:
		return "github_pat_" + g.mixed(alnum, 22) + "_" + g.mixed(alnum, 59), "github"
	case 3:
		return "sk_live_" + g.mixed(alnum, 24+g.n(75)), "stripe"
	case 4:
		return "xoxb-" + g.digitsN(11) + "-" + g.digitsN(12) + "-" + g.mixed(alnum, 24), "slack"
	case 5:
		return "AIza" + g.mixed(b64url, 35), "google"
	case 6:
		return "sk-proj-" + g.mixed(b64url, 48+g.n(80)), "openai"
	case 7:
		return "sk-ant-api03-" + g.mixed(b64url, 93) + "AA", "anthropic"
	case 8:
		return "npm_" + g.mixed(alnum, 36), "npm"
	case 9:
		return "glpat-" + g.mixed(b64url, 20), "gitlab"
	case 10:
		return "SG." + g.mixed(b64url, 22) + "." + g.mixed(b64url, 43), "sendgrid"
	case 11:
		return "SK" + g.str(hexLower, 32), "twilio"
	case 12:
		return "hf_" + g.mixed(alnum, 34), "huggingface"
	case 13:
		return "dop_v1_" + g.str(hexLower, 64), "digitalocean"
	case 14:
		return "shpat_" + g.str("abcdef0123456789", 32), "shopify"
	}
	return "xoxp-" + g.digitsN(12) + "-" + g.digitsN(12) + "-" + g.digitsN(13) + "-" + g.str(hexLower, 32), "slack"
}

// randomSecret is what a secret generator prints: random base64, hex or
// alphanumerics.
func (g *gen) randomSecret() string {
	switch g.n(3) {
	case 0:
		return g.mixed(alnum, 32+g.n(16))
	case 1:
		return base64.StdEncoding.EncodeToString([]byte(g.str(alnum+"!@#", 32)))
	}
	return g.mixed(b64url, 40+g.n(24))
}

func (g *gen) pemKey() string {
	label := g.pick("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
	var lines []string
	for i := 0; i < 4+g.n(6); i++ {
		lines = append(lines, g.str(b64std, 64))
	}
	return "-----BEGIN " + label + "-----\n" + strings.Join(lines, "\n") + "\n" + g.str(b64std, 20) + "==\n-----END " + label + "-----"
}

func (g *gen) wgKey() string {
	return base64.StdEncoding.EncodeToString([]byte(g.str(alnum, 32)))
}

func (g *gen) host() string {
	return g.pick("db.internal", "api.example.com", "10.0.3.17", "mq.prod.acme.io", "cache-01.eu-west-1.compute.internal", "files.example.org")
}

func (g *gen) email() string {
	return g.pick("anna", "j.smith", "mehmet.yilmaz", "li.wei", "o.brien", "sales+eu") + strconv.Itoa(g.n(100)) + "@" + g.pick("example.com", "mail.example.org", "acme.io")
}

func (g *gen) phone() string {
	switch g.n(3) {
	case 0:
		return fmt.Sprintf("+1 (%d) %03d-%04d", 201+g.n(700), 200+g.n(700), g.n(10000))
	case 1:
		return fmt.Sprintf("+44 7%03d %06d", g.n(1000), g.n(1000000))
	}
	return fmt.Sprintf("+49 151 %08d", g.n(1e8))
}
