package main

// This file holds random-value helpers, the SDK base properties and the
// public check rules of the identifiers the corpus writes: national IDs of
// formats the earlier corpora did not use, bank account numbers with check
// digits (IBANs of new countries, Mexican CLABE, Argentine CBU, Russian
// accounts keyed by their bank's BIK), and cards.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"strconv"
	"strings"
	"time"
)

const (
	hexDigits = "0123456789abcdef"
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperNum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerNum  = "abcdefghijklmnopqrstuvwxyz0123456789"
	urlSafe   = alnum + "-_"
)

func (g *gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

func (g *gen) from(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.Intn(len(set))]
	}
	return string(b)
}

func (g *gen) hex(n int) string    { return g.from(hexDigits, n) }
func (g *gen) alnum(n int) string  { return g.from(alnum, n) }
func (g *gen) digits(n int) string { return g.from("0123456789", n) }

// mixed is n random characters that contain at least one upper-case
// letter, one lower-case letter and one digit.
func (g *gen) mixed(n int) string {
	for {
		s := g.alnum(n)
		if strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") && strings.ContainsAny(s, "0123456789") {
			return s
		}
	}
}

func (g *gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Intn(256))
	}
	return b
}

func (g *gen) b64(n int) string    { return base64.StdEncoding.EncodeToString(g.bytes(n)) }
func (g *gen) b64url(n int) string { return base64.RawURLEncoding.EncodeToString(g.bytes(n)) }

func (g *gen) uuid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + g.pick("8", "9", "a", "b") + h[17:20] + "-" + h[20:]
}

// password is what people choose: a word, digits and a symbol, in several
// shapes, never only lower-case letters.
func (g *gen) password() string {
	w := g.pick("Kestrel", "mango", "Tbilisi", "Yerevan", "samsa", "Quetzal", "Lagos", "harmattan", "Baikal", "Mekong", "Kilimanjaro", "nopal", "Chai", "Borscht", "Odesa", "Cusco")
	switch g.r.Intn(4) {
	case 0:
		return w + g.pick("!", "#", "_", "@", "*", "%") + g.digits(2+g.r.Intn(3))
	case 1:
		return g.digits(2) + w + g.pick("$", "&", "?") + g.pick("Zq", "xX", "Pp")
	case 2:
		return g.mixed(12 + g.r.Intn(8))
	default:
		return strings.ToUpper(w[:1]) + w[1:] + "-" + g.pick("tiger", "river", "copper") + "-" + g.digits(3)
	}
}

var firstNames = []string{"Nino", "Aram", "Oksana", "Dmitri", "Aigerim", "Nurlan", "Zeynep", "Mehmet", "Sipho", "Chidi", "Amara", "Ngozi", "Farida", "Reza", "Leila", "Matías", "Valentina", "Ximena", "Rawiri", "Aroha", "Siti", "Budi", "Linh", "Minh", "Jonas", "Ieva", "Eleni", "Nikos", "Mette", "Søren"}
var lastNames = []string{"Beridze", "Petrosyan", "Kovalenko", "Sokolov", "Nurlanova", "Yılmaz", "Dlamini", "Okafor", "Adeyemi", "Rahimi", "Tehrani", "González", "Pereira", "Ngata", "Rahmawati", "Nguyễn", "Kazlauskas", "Bērziņa", "Papadopoulos", "Nielsen", "Sánchez", "Ortiz"}

func (g *gen) name() (string, string) {
	return firstNames[g.r.Intn(len(firstNames))], lastNames[g.r.Intn(len(lastNames))]
}

var hosts = []string{"app.lumbrella.io", "shop.copperkiln.com", "portal.tidewell-health.eu", "my.ledgerfox.app", "console.gravelcloud.dev", "www.saltmarsh.travel", "learn.ambergrove.org", "ops.pikestack.net"}

func (g *gen) host() string { return hosts[g.r.Intn(len(hosts))] }

// base returns an SDK's default properties: mixpanel-js, posthog-js through
// a Mixpanel-compatible proxy, a server SDK, or the mobile SDKs.
func (g *gen) base() map[string]any {
	t := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Unix() + int64(g.r.Intn(55*86400))
	p := map[string]any{
		"token":       Token,
		"time":        t,
		"distinct_id": g.pick("", "$device:", "usr_") + g.uuid(),
		"$insert_id":  g.hex(16),
	}
	switch g.r.Intn(4) {
	case 0:
		p["mp_lib"] = "web"
		p["$lib_version"] = g.pick("2.58.0", "2.59.1", "2.60.0")
		p["$browser"] = g.pick("Chrome", "Firefox", "Safari", "Microsoft Edge", "Yandex")
		p["$browser_version"] = g.r.Intn(40) + 100
		p["$os"] = g.pick("Windows", "Mac OS X", "Linux", "Android", "iOS")
		p["$device_id"] = g.uuid()
		p["$current_url"] = "https://" + g.host() + g.pick("/", "/pricing", "/account", "/deploy", "/settings/tokens")
	case 1:
		p["$lib"] = "web"
		p["$lib_version"] = g.pick("1.200.1", "1.203.0")
		p["$session_id"] = g.uuid()
		p["$window_id"] = g.uuid()
		p["$pathname"] = g.pick("/", "/app", "/billing", "/ci/runs")
		p["$host"] = g.host()
	case 2:
		p["mp_lib"] = g.pick("python", "node", "go", "ruby")
		p["$lib_version"] = g.pick("4.10.1", "0.18.0", "1.2.0")
		p["service"] = g.pick("build-agent", "deployer", "billing-worker", "support-bot", "importer")
	default:
		if g.r.Intn(2) == 0 {
			p["mp_lib"] = "swift"
			p["$os"] = "iOS"
			p["$model"] = g.pick("iPhone16,2", "iPhone17,1")
		} else {
			p["mp_lib"] = g.pick("android", "flutter")
			p["$os"] = "Android"
			p["$model"] = g.pick("SM-A546B", "Redmi Note 13", "Pixel 9")
		}
		p["$app_version_string"] = g.pick("5.1.0", "5.2.3")
		p["$carrier"] = g.pick("Beeline", "Kyivstar", "Turkcell", "MTN", "Telkomsel", "Viettel", "Kcell", "Magti")
	}
	return p
}

// ---- check digits ----

func digitsOf(s string) []int {
	var d []int
	for _, c := range s {
		if c >= '0' && c <= '9' {
			d = append(d, int(c-'0'))
		}
	}
	return d
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func luhnOK(s string) bool {
	d := digitsOf(s)
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		x := d[i]
		if (len(d)-1-i)%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return len(d) > 1 && sum%10 == 0
}

// completeDigit appends the digit that makes ok pass, or "" when none does.
func completeDigit(body string, ok func(string) bool) string {
	for c := 0; c < 10; c++ {
		if ok(body + strconv.Itoa(c)) {
			return body + strconv.Itoa(c)
		}
	}
	return ""
}

func weighted(d []int, w []int) int {
	s := 0
	for i := range w {
		s += d[i] * w[i]
	}
	return s
}

func (g *gen) date(from, to int) (int, int, int) {
	y := from + g.r.Intn(to-from+1)
	return y, 1 + g.r.Intn(12), 1 + g.r.Intn(28)
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// nationalFormat is a national ID format: make draws a valid one, ok checks
// one, and bad is a look-alike of the same shape that fails ok.
type nationalFormat struct {
	name string
	make func(g *gen) string
	ok   func(string) bool
}

// tries draws until the body completes (some bodies have no valid check).
func (g *gen) tries(f func() string) string {
	for {
		if v := f(); v != "" {
			return v
		}
	}
}

var nationalFormats = []nationalFormat{
	// Danish CPR DDMMYY-SSSS: weights 4,3,2,7,6,5,4,3,2,1, sum mod 11 = 0
	// (numbers issued before 2007 all pass it).
	{"dk_cpr", func(g *gen) string {
		return g.tries(func() string {
			y, m, d := g.date(1940, 2006)
			v := completeDigit(fmt.Sprintf("%02d%02d%02d%s", d, m, y%100, g.digits(3)), dkCPROK)
			if v == "" {
				return ""
			}
			return v[:6] + "-" + v[6:]
		})
	}, dkCPROK},
	// Polish NIP: weights 6,5,7,2,3,4,5,6,7; check = sum mod 11, never 10.
	{"pl_nip", func(g *gen) string {
		return g.tries(func() string {
			v := completeDigit(strconv.Itoa(1+g.r.Intn(9))+g.digits(8), plNIPOK)
			if v == "" {
				return ""
			}
			return v[:3] + "-" + v[3:6] + "-" + v[6:8] + "-" + v[8:]
		})
	}, plNIPOK},
	// Lithuanian asmens kodas GYYMMDDNNNC (Estonian rule: weights 1..9,1,
	// then 3..9,1,2,3 when the first sum gives 10).
	{"lt_asmens_kodas", func(g *gen) string {
		return g.tries(func() string {
			y, m, d := g.date(1950, 2008)
			c := 3 + g.r.Intn(2)
			if y >= 2000 {
				c = 5 + g.r.Intn(2)
			}
			return completeDigit(fmt.Sprintf("%d%02d%02d%02d%s", c, y%100, m, d, g.digits(3)), ltOK)
		})
	}, ltOK},
	// Latvian personas kods (old form) DDMMYY-CNNNX: X = (1101 - sum of
	// weights 1,6,3,7,9,10,5,8,4,2) mod 11, below 10.
	{"lv_personas_kods", func(g *gen) string {
		return g.tries(func() string {
			y, m, d := g.date(1950, 2009)
			c := 1
			if y >= 2000 {
				c = 2
			}
			v := completeDigit(fmt.Sprintf("%02d%02d%02d%d%s", d, m, y%100, c, g.digits(3)), lvOK)
			if v == "" {
				return ""
			}
			return v[:6] + "-" + v[6:]
		})
	}, lvOK},
	// Greek AMKA: DDMMYY + 5 digits, Luhn.
	{"gr_amka", func(g *gen) string {
		y, m, d := g.date(1945, 2008)
		return completeDigit(fmt.Sprintf("%02d%02d%02d%s", d, m, y%100, g.digits(4)), grAMKAOK)
	}, grAMKAOK},
	// Russian SNILS XXX-XXX-XXX YY: YY = sum of d_i*(9-i) reduced mod 101
	// (100 and 101 become 00).
	{"ru_snils", func(g *gen) string {
		b := strconv.Itoa(100+g.r.Intn(899)) + g.digits(6)
		return b[:3] + "-" + b[3:6] + "-" + b[6:] + " " + snilsCheck(b)
	}, snilsOK},
	// Russian personal INN: 12 digits, two check digits.
	{"ru_inn", func(g *gen) string {
		b := fmt.Sprintf("%02d%02d", 1+g.r.Intn(89), 1+g.r.Intn(50)) + g.digits(6)
		d := digitsOf(b)
		c1 := weighted(d, []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10
		d = append(d, c1)
		c2 := weighted(d, []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10
		return b + strconv.Itoa(c1) + strconv.Itoa(c2)
	}, ruINNOK},
	// Ukrainian RNOKPP: 10 digits; check = (weights -1,5,7,9,4,6,10,5,7) mod 11 mod 10.
	{"ua_rnokpp", func(g *gen) string {
		return completeDigit(strconv.Itoa(2+g.r.Intn(2))+g.digits(8), uaOK)
	}, uaOK},
	// Kazakh IIN YYMMDD C NNNN K: weights 1..11 mod 11; when 10, weights
	// 3..11,1,2; when 10 again the number is not issued.
	{"kz_iin", func(g *gen) string {
		return g.tries(func() string {
			y, m, d := g.date(1950, 2008)
			c := 3 + g.r.Intn(2)
			if y >= 2000 {
				c = 5 + g.r.Intn(2)
			}
			return completeDigit(fmt.Sprintf("%02d%02d%02d%d%s", y%100, m, d, c, g.digits(4)), kzOK)
		})
	}, kzOK},
	// Austrian social insurance number NNNC DDMMYY: C = (3,7,9,_,5,8,4,2,1,6) mod 11, not 10.
	{"at_svnr", func(g *gen) string {
		return g.tries(func() string {
			y, m, d := g.date(1940, 2008)
			for c := 0; c < 10; c++ {
				v := fmt.Sprintf("%d%s%d %02d%02d%02d", 1+g.r.Intn(9), g.digits(2), c, d, m, y%100)
				if atSVNROK(v) {
					return v
				}
			}
			return ""
		})
	}, atSVNROK},
	// New Zealand IRD number: 8 or 9 digits between 10,000,000 and
	// 150,000,000; the base padded to 8 digits, weights 3,2,7,6,5,4,3,2
	// then 7,4,3,2,5,2,7,6.
	{"nz_ird", func(g *gen) string {
		return g.tries(func() string {
			v := completeDigit(strconv.Itoa(1000000+g.r.Intn(14000000)), nzIRDOK)
			if v == "" {
				return ""
			}
			return v[:len(v)-6] + "-" + v[len(v)-6:len(v)-3] + "-" + v[len(v)-3:]
		})
	}, nzIRDOK},
	// Australian Medicare card number: first digit 2-6, eighth-next check
	// digit with weights 1,3,7,9,1,3,7,9, then the issue number.
	{"au_medicare", func(g *gen) string {
		b := strconv.Itoa(2+g.r.Intn(5)) + g.digits(7)
		c := weighted(digitsOf(b), []int{1, 3, 7, 9, 1, 3, 7, 9}) % 10
		return b[:4] + " " + b[4:] + strconv.Itoa(c) + " " + strconv.Itoa(1+g.r.Intn(9))
	}, auMedicareOK},
	// Ecuadorian cédula: province 01-24, third digit below 6, weights
	// 2,1,2,... with digit sums, check = (10 - sum mod 10) mod 10.
	{"ec_cedula", func(g *gen) string {
		return completeDigit(fmt.Sprintf("%02d%d%s", 1+g.r.Intn(24), g.r.Intn(6), g.digits(6)), ecOK)
	}, ecOK},
	// Uruguayan cédula de identidad N.NNN.NNN-C: weights 2,9,8,7,6,3,4.
	{"uy_ci", func(g *gen) string {
		b := strconv.Itoa(1+g.r.Intn(6)) + g.digits(6)
		c := (10 - weighted(digitsOf(b), []int{2, 9, 8, 7, 6, 3, 4})%10) % 10
		return b[:1] + "." + b[1:4] + "." + b[4:] + "-" + strconv.Itoa(c)
	}, uyOK},
	// Iranian national code: 10 digits; r = sum d_i*(10-i) mod 11, check = r
	// when r < 2, else 11 - r.
	{"ir_melli", func(g *gen) string {
		return completeDigit(fmt.Sprintf("%03d", 1+g.r.Intn(998))+g.digits(6), irOK)
	}, irOK},
	// Saudi national ID (1...) or iqama (2...): 10 digits, Luhn.
	{"sa_national_id", func(g *gen) string {
		return completeDigit(strconv.Itoa(1+g.r.Intn(2))+g.digits(8), saOK)
	}, saOK},
	// Swedish samordningsnummer: a personnummer whose day is raised by 60.
	{"se_samordningsnummer", func(g *gen) string {
		y, m, d := g.date(1950, 2005)
		v := completeDigit(fmt.Sprintf("%02d%02d%02d%s", y%100, m, d+60, g.digits(3)), seSamOK)
		return v[:6] + "-" + v[6:]
	}, seSamOK},
	// Norwegian D-number: a fødselsnummer whose day is raised by 40; two
	// mod 11 check digits.
	{"no_dnummer", func(g *gen) string {
		return g.tries(func() string {
			y, m, d := g.date(1950, 2005)
			b := fmt.Sprintf("%02d%02d%02d%s", d+40, m, y%100, g.digits(3))
			v := completeDigit(b, func(s string) bool { return noCheck1(s) })
			if v == "" {
				return ""
			}
			return completeDigit(v, noDOK)
		})
	}, noDOK},
	// US Medicare Beneficiary Identifier: 11 characters C A N N A N N A A N N
	// shapes (C 1-9, A a letter but S L O I B Z, N a digit, AN either).
	{"us_mbi", func(g *gen) string {
		letters := "ACDEFGHJKMNPQRTUVWXY"
		an := letters + "0123456789"
		v := strconv.Itoa(1+g.r.Intn(9)) + g.from(letters, 1) + g.from(an, 1) + g.digits(1) + g.from(letters, 1) + g.from(an, 1) + g.digits(1) + g.from(letters, 2) + g.digits(2)
		return v[:4] + "-" + v[4:7] + "-" + v[7:]
	}, mbiOK},
	// Malaysian MyKad YYMMDD-PB-NNNN: a birth date and a birthplace code.
	{"my_mykad", func(g *gen) string {
		y, m, d := g.date(1950, 2006)
		return fmt.Sprintf("%02d%02d%02d-%02d-%s", y%100, m, d, 1+g.r.Intn(16), g.digits(4))
	}, myKadOK},
	// Indonesian NIK: region (6 digits), DDMMYY (day + 40 for women), serial.
	{"id_nik", func(g *gen) string {
		y, m, d := g.date(1950, 2006)
		if g.r.Intn(2) == 0 {
			d += 40
		}
		return fmt.Sprintf("%02d%02d%02d%02d%02d%02d%04d", 11+g.r.Intn(80), 1+g.r.Intn(70), 1+g.r.Intn(40), d, m, y%100, 1+g.r.Intn(9998))
	}, nikOK},
}

func dkCPROK(s string) bool {
	d := digitsOf(s)
	return len(d) == 10 && validDate(1900+d[4]*10+d[5], d[2]*10+d[3], d[0]*10+d[1]) && weighted(d, []int{4, 3, 2, 7, 6, 5, 4, 3, 2, 1})%11 == 0
}

func plNIPOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	c := weighted(d, []int{6, 5, 7, 2, 3, 4, 5, 6, 7}) % 11
	return c != 10 && c == d[9]
}

func ltOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 || d[0] < 1 || d[0] > 6 || !validDate(2000, d[3]*10+d[4], d[5]*10+d[6]) {
		return false
	}
	c := weighted(d, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 1}) % 11
	if c == 10 {
		c = weighted(d, []int{3, 4, 5, 6, 7, 8, 9, 1, 2, 3}) % 11
		if c == 10 {
			c = 0
		}
	}
	return c == d[10]
}

func lvOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 || !validDate(2000, d[2]*10+d[3], d[0]*10+d[1]) {
		return false
	}
	c := (1101 - weighted(d, []int{1, 6, 3, 7, 9, 10, 5, 8, 4, 2})) % 11
	return c < 10 && c == d[10]
}

func grAMKAOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 11 && validDate(2000, d[2]*10+d[3], d[0]*10+d[1]) && luhnOK(s)
}

func snilsCheck(b string) string {
	d := digitsOf(b)
	s := 0
	for i := 0; i < 9; i++ {
		s += d[i] * (9 - i)
	}
	for s > 101 {
		s %= 101
	}
	if s == 100 || s == 101 {
		s = 0
	}
	return fmt.Sprintf("%02d", s)
}

func snilsOK(s string) bool {
	d := onlyDigits(s)
	return len(d) == 11 && d[:3] != "000" && snilsCheck(d[:9]) == d[9:]
}

func ruINNOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 12 {
		return false
	}
	return weighted(d, []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8})%11%10 == d[10] && weighted(d, []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8})%11%10 == d[11]
}

func uaOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	c := weighted(d, []int{-1, 5, 7, 9, 4, 6, 10, 5, 7}) % 11
	if c < 0 {
		c += 11
	}
	return c%10 == d[9]
}

func kzOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 12 || !validDate(2000, d[2]*10+d[3], d[4]*10+d[5]) || d[6] < 1 || d[6] > 6 {
		return false
	}
	c := weighted(d, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) % 11
	if c == 10 {
		c = weighted(d, []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2}) % 11
	}
	return c < 10 && c == d[11]
}

func atSVNROK(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 || d[0] == 0 || !validDate(2000, d[6]*10+d[7], d[4]*10+d[5]) {
		return false
	}
	c := (3*d[0] + 7*d[1] + 9*d[2] + 5*d[4] + 8*d[5] + 4*d[6] + 2*d[7] + d[8] + 6*d[9]) % 11
	return c != 10 && c == d[3]
}

func nzIRDOK(s string) bool {
	d := digitsOf(s)
	if len(d) == 8 {
		d = append([]int{0}, d...)
	}
	if len(d) != 9 {
		return false
	}
	n := atoi(onlyDigits(s))
	if n < 10000000 || n > 150000000 {
		return false
	}
	chk := func(w []int) int {
		r := weighted(d, w) % 11
		if r == 0 {
			return 0
		}
		return 11 - r
	}
	c := chk([]int{3, 2, 7, 6, 5, 4, 3, 2})
	if c == 10 {
		c = chk([]int{7, 4, 3, 2, 5, 2, 7, 6})
	}
	return c < 10 && c == d[8]
}

func auMedicareOK(s string) bool {
	d := digitsOf(s)
	if (len(d) != 10 && len(d) != 11) || d[0] < 2 || d[0] > 6 {
		return false
	}
	return weighted(d, []int{1, 3, 7, 9, 1, 3, 7, 9})%10 == d[8]
}

func ecOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 || d[0]*10+d[1] < 1 || d[0]*10+d[1] > 24 || d[2] > 5 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		x := d[i] * (2 - i%2)
		if x > 9 {
			x -= 9
		}
		sum += x
	}
	return (10-sum%10)%10 == d[9]
}

func uyOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 8 && (10-weighted(d, []int{2, 9, 8, 7, 6, 3, 4})%10)%10 == d[7]
}

func irOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 || strings.Count(s, s[:1]) == len(s) {
		return false
	}
	r := 0
	for i := 0; i < 9; i++ {
		r += d[i] * (10 - i)
	}
	r %= 11
	if r >= 2 {
		r = 11 - r
	}
	return r == d[9]
}

func saOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 10 && (d[0] == 1 || d[0] == 2) && luhnOK(s)
}

func seSamOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 10 && d[4]*10+d[5] > 60 && validDate(2000, d[2]*10+d[3], d[4]*10+d[5]-60) && luhnOK(s)
}

func noCheck1(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	c := 11 - weighted(d, []int{3, 7, 6, 1, 8, 9, 4, 5, 2})%11
	if c == 11 {
		c = 0
	}
	return c < 10 && c == d[9]
}

func noDOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 || d[0] < 4 || !validDate(2000, d[2]*10+d[3], d[0]*10+d[1]-40) || !noCheck1(s[:10]) {
		return false
	}
	c := 11 - weighted(d, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})%11
	if c == 11 {
		c = 0
	}
	return c < 10 && c == d[10]
}

func mbiOK(s string) bool {
	v := strings.ReplaceAll(s, "-", "")
	if len(v) != 11 {
		return false
	}
	letters := "ACDEFGHJKMNPQRTUVWXY"
	isL := func(c byte) bool { return strings.IndexByte(letters, c) >= 0 }
	isN := func(c byte) bool { return c >= '0' && c <= '9' }
	return v[0] >= '1' && v[0] <= '9' && isL(v[1]) && (isL(v[2]) || isN(v[2])) && isN(v[3]) && isL(v[4]) && (isL(v[5]) || isN(v[5])) && isN(v[6]) && isL(v[7]) && isL(v[8]) && isN(v[9]) && isN(v[10])
}

func myKadOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 12 || !validDate(2000, d[2]*10+d[3], d[4]*10+d[5]) {
		return false
	}
	pb := d[6]*10 + d[7]
	return pb >= 1 && pb <= 16
}

func nikOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 16 || d[0] == 0 {
		return false
	}
	day := d[6]*10 + d[7]
	if day > 40 {
		day -= 40
	}
	return validDate(2000, d[8]*10+d[9], day) && atoi(s[12:]) > 0
}

// lookalike is a value of f's shape that fails its check: the check
// digit changed (the last digit that changes the outcome; structural
// formats get an impossible month or letter).
func (g *gen) lookalike(f nationalFormat) string {
	v := f.make(g)
	if f.name == "dk_cpr" {
		// CPR numbers issued since 2007 need not pass mod 11: only an
		// impossible birth date (day 32-39) makes one some other number.
		return "3" + string(rune('2'+(v[2]-'0')%8)) + v[2:]
	}
	for i := len(v) - 1; i >= len(v)-3; i-- {
		if v[i] < '0' || v[i] > '9' {
			continue
		}
		for k := 1; k < 10; k++ {
			b := []byte(v)
			b[i] = byte('0' + (int(b[i]-'0')+k)%10)
			if !f.ok(string(b)) {
				return string(b)
			}
		}
	}
	switch f.name {
	case "my_mykad":
		return v[:2] + "1" + strconv.Itoa(3+g.r.Intn(7)) + v[4:]
	case "id_nik":
		return v[:8] + "1" + strconv.Itoa(3+g.r.Intn(7)) + v[10:]
	case "us_mbi":
		return v[:1] + "S" + v[2:]
	}
	panic("no look-alike for " + f.name)
}

// ---- cards ----

type cardRange struct {
	brand  string
	prefix func(g *gen) string
	length int
}

var cardRanges = []cardRange{
	{"visa", func(g *gen) string { return "4" + g.digits(5) }, 16},
	{"mastercard", func(g *gen) string { return strconv.Itoa(51+g.r.Intn(5)) + g.digits(4) }, 16},
	{"mastercard2", func(g *gen) string { return strconv.Itoa(2221+g.r.Intn(499)) + g.digits(2) }, 16},
	{"amex", func(g *gen) string { return g.pick("34", "37") + g.digits(4) }, 15},
	{"discover", func(g *gen) string { return "6011" + g.digits(2) }, 16},
	{"diners", func(g *gen) string { return "36" + g.digits(4) }, 14},
	{"maestro", func(g *gen) string { return g.pick("6759", "6763", "5018") + g.digits(2) }, 19},
}

func (g *gen) card() (string, string) {
	cr := cardRanges[g.r.Intn(len(cardRanges))]
	body := cr.prefix(g)
	body += g.digits(cr.length - 1 - len(body))
	return completeDigit(body, luhnOK), cr.brand
}

// grouped writes a card number in groups of 4 (Amex 4-6-5) joined by sep.
func grouped(card, sep string) string {
	if len(card) == 15 {
		return card[:4] + sep + card[4:10] + sep + card[10:]
	}
	var parts []string
	for i := 0; i < len(card); i += 4 {
		j := i + 4
		if j > len(card) {
			j = len(card)
		}
		parts = append(parts, card[i:j])
	}
	return strings.Join(parts, sep)
}

// ---- bank accounts ----

func mod97(s string) int {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			b.WriteString(strconv.Itoa(int(c-'A') + 10))
		}
	}
	n, _ := new(big.Int).SetString(b.String(), 10)
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

func ibanOK(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 {
		return false
	}
	return mod97(s[4:]+s[:4]) == 1
}

// IBAN countries no earlier corpus listed, with their BBAN shapes (n digit,
// a letter, c alphanumeric written as a digit) and lengths from the IBAN
// registry.
var ibanCountries = []struct{ cc, bban string }{
	{"LT", "nnnnnnnnnnnnnnnn"},             // 20
	{"LV", "aaaannnnnnnnnnnnn"},            // 21
	{"SI", "nnnnnnnnnnnnnnn"},              // 19
	{"SK", "nnnnnnnnnnnnnnnnnnnn"},         // 24
	{"CZ", "nnnnnnnnnnnnnnnnnnnn"},         // 24
	{"PL", "nnnnnnnnnnnnnnnnnnnnnnnn"},     // 28
	{"HU", "nnnnnnnnnnnnnnnnnnnnnnnn"},     // 28
	{"GR", "nnnnnnnnnnnnnnnnnnnnnnn"},      // 27
	{"TR", "nnnnn0nnnnnnnnnnnnnnnn"},       // 26
	{"IL", "nnnnnnnnnnnnnnnnnnn"},          // 23
	{"JO", "aaaannnnnnnnnnnnnnnnnnnnnnnn"}, // 30
	{"KW", "aaaannnnnnnnnnnnnnnnnnnnnn"},   // 30
	{"GE", "aannnnnnnnnnnnnnnn"},           // 22
	{"AZ", "aaaannnnnnnnnnnnnnnnnnnn"},     // 28
	{"EG", "nnnnnnnnnnnnnnnnnnnnnnnnn"},    // 29
	{"RS", "nnnnnnnnnnnnnnnnnn"},           // 22
	{"BA", "nnnnnnnnnnnnnnnn"},             // 20
	{"MD", "aannnnnnnnnnnnnnnnnn"},         // 24
	{"TN", "nnnnnnnnnnnnnnnnnnnn"},         // 24
	{"CR", "0nnnnnnnnnnnnnnnnn"},           // 22
	{"DO", "aaaannnnnnnnnnnnnnnnnnnn"},     // 28
	{"BY", "aaaannnnnnnnnnnnnnnnnnnn"},     // 28
}

func (g *gen) iban() string {
	c := ibanCountries[g.r.Intn(len(ibanCountries))]
	var b strings.Builder
	for _, k := range c.bban {
		switch k {
		case 'n':
			b.WriteString(g.digits(1))
		case 'a':
			b.WriteString(g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1))
		default:
			b.WriteRune(k)
		}
	}
	bban := b.String()
	return fmt.Sprintf("%s%02d%s", c.cc, 98-mod97(bban+c.cc+"00"), bban)
}

// spaced4 writes s in groups of four separated by spaces (as IBANs are printed).
func spaced4(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Mexican CLABE: 18 digits, weights 3,7,1 (products mod 10), check =
// (10 - sum mod 10) mod 10.
func (g *gen) clabe() string {
	b := g.pick("002", "012", "014", "021", "030", "036", "044", "072", "127", "137") + g.digits(14)
	return completeDigit(b, clabeOK)
}

func clabeOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 18 {
		return false
	}
	w := []int{3, 7, 1}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += d[i] * w[i%3] % 10
	}
	return (10-sum%10)%10 == d[17]
}

// Argentine CBU: 22 digits in two blocks, each with its check digit
// (the bank block 7,1,3,9,7,1,3, the account block 3,9,7,1,...; check =
// (10 - sum mod 10) mod 10).
func (g *gen) cbu() string {
	b1 := completeDigit(g.pick("007", "011", "014", "017", "072", "191", "285")+g.digits(4), cbuBlockOK(7))
	b2 := completeDigit(g.digits(13), cbuBlockOK(13))
	return b1 + b2
}

func cbuBlockOK(n int) func(string) bool {
	return func(s string) bool {
		d := digitsOf(s)
		if len(d) != n+1 {
			return false
		}
		w := []int{3, 1, 7, 9}
		sum := 0
		for i := n - 1; i >= 0; i-- {
			sum += d[i] * w[(n-1-i)%4]
		}
		return (10-sum%10)%10 == d[n]
	}
}

func cbuOK(s string) bool {
	d := onlyDigits(s)
	return len(d) == 22 && cbuBlockOK(7)(d[:8]) && cbuBlockOK(13)(d[8:])
}

// Russian bank account: 20 digits whose ninth digit makes the bank's BIK
// (its last three digits) and the account pass weights 7,1,3 mod 10.
func (g *gen) ruAccount() (bik, acct string) {
	bik = "04" + g.digits(7)
	for {
		a := g.pick("40817", "40702", "40802") + "810" + "0" + g.digits(11)
		for c := 0; c < 10; c++ {
			a2 := a[:8] + strconv.Itoa(c) + a[9:]
			if ruAccountOK(bik, a2) {
				return bik, a2
			}
		}
	}
}

func ruAccountOK(bik, acct string) bool {
	s := bik[len(bik)-3:] + acct
	d := digitsOf(s)
	if len(d) != 23 {
		return false
	}
	w := []int{7, 1, 3}
	sum := 0
	for i, x := range d {
		sum += x * w[i%3] % 10
	}
	return sum%10 == 0
}

// checkers maps every format name the corpus records to its check.
var checkers = map[string]func(string) bool{
	"luhn": luhnOK, "iban": ibanOK, "clabe": clabeOK, "cbu": cbuOK,
}

func init() {
	for _, f := range nationalFormats {
		checkers[f.name] = f.ok
	}
}

func b64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// jsonString is v written as JSON text (a stringified object).
func jsonString(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

func newRand(s int64) *rand.Rand { return rand.New(rand.NewSource(s)) }
