package main

// This file holds random-value helpers, the SDK base properties, and the
// public check rules of the identifiers the corpus writes (national IDs
// of formats the earlier corpora did not use, cards, IBANs, ABA routing
// numbers, Belgian structured payment references).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
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
	b32       = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

func (g *gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

func (g *gen) from(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.Intn(len(set))]
	}
	return string(b)
}

func (g *gen) hex(n int) string   { return g.from(hexDigits, n) }
func (g *gen) alnum(n int) string { return g.from(alnum, n) }
func (g *gen) digits(n int) string {
	return g.from("0123456789", n)
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

var firstNames = []string{"Ana", "Tomas", "Ioana", "Mihail", "Ivana", "Luka", "Kaisa", "Jón", "Siobhán", "Niamh", "Somchai", "Malee", "Lucía", "Mateo", "Petra", "Jakub", "Aisha", "Omar", "Priya", "Arjun", "Chloe", "Liam", "Zoltán", "Réka"}
var lastNames = []string{"Popescu", "Ivanova", "Horvat", "Kovačević", "Tamm", "Novák", "Guðmundsson", "Murphy", "Sukprasert", "Fernández", "Dvořák", "Al Mansouri", "Sharma", "Nguyen", "Walsh", "Nagy", "Peeters", "Silva", "Müller", "Jensen"}

func (g *gen) name() (string, string) {
	return firstNames[g.r.Intn(len(firstNames))], lastNames[g.r.Intn(len(lastNames))]
}

var hosts = []string{"app.brightloop.io", "shop.kettlewise.com", "portal.northwind-health.eu", "my.tallyhq.app", "dashboard.orbitfin.co", "www.pinecrest.travel", "console.vantacloud.dev", "learn.quillpath.org"}

func (g *gen) host() string { return hosts[g.r.Intn(len(hosts))] }

// base returns an SDK's default properties: mixpanel-js, posthog-js sent
// through a Mixpanel-compatible proxy, a Segment or Amplitude payload
// mapped to Mixpanel, or the Swift/Android/React Native SDKs.
func (g *gen) base() map[string]any {
	t := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Unix() + int64(g.r.Intn(55*86400))
	p := map[string]any{
		"token":       Token,
		"time":        t,
		"distinct_id": g.pick("", "$device:") + g.uuid(),
		"$insert_id":  g.hex(16),
	}
	switch g.r.Intn(5) {
	case 0: // mixpanel-js
		p["mp_lib"] = "web"
		p["$lib_version"] = g.pick("2.55.1", "2.56.0", "2.58.0")
		p["$browser"] = g.pick("Chrome", "Firefox", "Safari", "Microsoft Edge")
		p["$browser_version"] = g.r.Intn(40) + 100
		p["$os"] = g.pick("Windows", "Mac OS X", "Linux", "Android", "iOS")
		p["$screen_height"] = g.pick("1080", "900", "1440")
		p["$screen_width"] = g.pick("1920", "1600", "2560")
		p["$device_id"] = g.uuid()
		p["$current_url"] = "https://" + g.host() + g.pick("/", "/pricing", "/account", "/checkout", "/settings/profile")
	case 1: // posthog-js through a compatible proxy
		p["$lib"] = "web"
		p["$lib_version"] = g.pick("1.187.2", "1.194.0", "1.200.1")
		p["$session_id"] = g.uuid()
		p["$window_id"] = g.uuid()
		p["$pathname"] = g.pick("/", "/app", "/billing", "/onboarding/2")
		p["$host"] = g.host()
		p["$viewport_height"] = g.r.Intn(400) + 600
	case 2: // Segment analytics.js mapped
		p["mp_lib"] = "segment"
		p["context"] = map[string]any{
			"library":   map[string]any{"name": "analytics.js", "version": "npm:next-" + g.pick("1.72.0", "1.74.0")},
			"locale":    g.pick("en-US", "ro-RO", "hr-HR", "th-TH", "is-IS", "et-EE", "pt-PT", "de-CH"),
			"timezone":  g.pick("Europe/Bucharest", "Europe/Zagreb", "Asia/Bangkok", "Atlantic/Reykjavik", "Europe/Tallinn", "Europe/Lisbon"),
			"page":      map[string]any{"path": g.pick("/signup", "/", "/docs"), "title": g.pick("Sign up", "Home", "Docs")},
			"userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		}
		p["messageId"] = "ajs-next-" + g.hex(32)
	case 3: // Amplitude mapped
		p["mp_lib"] = "amplitude-ts"
		p["session_id"] = t * 1000
		p["platform"] = "Web"
		p["event_id"] = g.r.Intn(500)
		p["device_id"] = g.uuid()
	default: // mobile
		if g.r.Intn(2) == 0 {
			p["mp_lib"] = "swift"
			p["$os"] = "iOS"
			p["$model"] = g.pick("iPhone15,2", "iPhone16,1", "iPad13,4")
			p["$app_version_string"] = g.pick("4.12.0", "4.13.1")
		} else {
			p["mp_lib"] = g.pick("android", "react-native")
			p["$os"] = "Android"
			p["$model"] = g.pick("SM-S918B", "Pixel 8", "moto g54 5G")
			p["$app_version_string"] = g.pick("7.3.0", "7.4.2")
		}
		p["$carrier"] = g.pick("Vodafone", "Orange", "AIS", "Síminn", "Telia")
		p["$wifi"] = g.r.Intn(2) == 0
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

// luhnDigit is the digit that makes body+digit pass Luhn.
func luhnDigit(body string) string {
	for c := 0; c < 10; c++ {
		if luhnOK(body + strconv.Itoa(c)) {
			return strconv.Itoa(c)
		}
	}
	panic("no luhn digit")
}

// breakLast changes the last digit of s so that its check fails under ok.
func breakLast(s string, ok func(string) bool) string {
	for k := 1; k < 10; k++ {
		i := strings.LastIndexAny(s, "0123456789")
		b := []byte(s)
		b[i] = byte('0' + (int(b[i]-'0')+k)%10)
		if !ok(string(b)) {
			return string(b)
		}
	}
	panic("cannot break " + s)
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

// Belgian national register number YY.MM.DD-SSS.CC: CC = 97 - (n mod 97),
// with 2 prefixed to n for births from 2000.
func (g *gen) belgianNRN() string {
	y, m, d := g.date(1950, 2005)
	s := g.r.Intn(997) + 1
	body := fmt.Sprintf("%02d%02d%02d%03d", y%100, m, d, s)
	n, _ := strconv.Atoi(body)
	if y >= 2000 {
		n += 2000000000
	}
	c := 97 - n%97
	v := body + fmt.Sprintf("%02d", c)
	return v[0:2] + "." + v[2:4] + "." + v[4:6] + "-" + v[6:9] + "." + v[9:11]
}

func belgianNRNOK(s string) bool {
	v := onlyDigits(s)
	if len(v) != 11 {
		return false
	}
	n, _ := strconv.Atoi(v[:9])
	c, _ := strconv.Atoi(v[9:])
	return 97-n%97 == c || 97-(n+2000000000)%97 == c
}

// Estonian (and Lithuanian) personal code GYYMMDDSSSC.
func (g *gen) estonianID() string {
	y, m, d := g.date(1940, 2006)
	gd := 3 + g.r.Intn(2)
	if y >= 2000 {
		gd += 2
	}
	body := fmt.Sprintf("%d%02d%02d%02d%03d", gd, y%100, m, d, g.r.Intn(1000))
	return body + strconv.Itoa(estonianCheck(digitsOf(body)))
}

func estonianCheck(d []int) int {
	c := weighted(d, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 1}) % 11
	if c == 10 {
		c = weighted(d, []int{3, 4, 5, 6, 7, 8, 9, 1, 2, 3}) % 11
		if c == 10 {
			c = 0
		}
	}
	return c
}

func estonianOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 11 && estonianCheck(d[:10]) == d[10]
}

// Romanian CNP SYYMMDDJJNNNC, weights 279146358279, 10 -> 1.
func (g *gen) romanianCNP() string {
	y, m, d := g.date(1945, 2006)
	s := 1 + g.r.Intn(2)
	if y >= 2000 {
		s += 4
	}
	county := 1 + g.r.Intn(46)
	body := fmt.Sprintf("%d%02d%02d%02d%02d%03d", s, y%100, m, d, county, g.r.Intn(999)+1)
	return body + strconv.Itoa(cnpCheck(digitsOf(body)))
}

func cnpCheck(d []int) int {
	c := weighted(d, []int{2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9}) % 11
	if c == 10 {
		c = 1
	}
	return c
}

func cnpOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 13 && cnpCheck(d[:12]) == d[12]
}

// Bulgarian EGN YYMMDDRRRC (month+40 from 2000), weights 2,4,8,5,10,9,7,3,6.
func (g *gen) bulgarianEGN() string {
	y, m, d := g.date(1945, 2006)
	if y >= 2000 {
		m += 40
	}
	body := fmt.Sprintf("%02d%02d%02d%03d", y%100, m, d, g.r.Intn(1000))
	return body + strconv.Itoa(egnCheck(digitsOf(body)))
}

func egnCheck(d []int) int {
	c := weighted(d, []int{2, 4, 8, 5, 10, 9, 7, 3, 6}) % 11
	if c == 10 {
		c = 0
	}
	return c
}

func egnOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 10 && egnCheck(d[:9]) == d[9]
}

// Croatian OIB: 10 digits and an ISO 7064 MOD 11,10 check digit.
func (g *gen) croatianOIB() string {
	body := strconv.Itoa(1+g.r.Intn(9)) + g.digits(9)
	return body + strconv.Itoa(mod1110(digitsOf(body)))
}

func mod1110(d []int) int {
	a := 10
	for _, x := range d {
		a = (a + x) % 10
		if a == 0 {
			a = 10
		}
		a = (a * 2) % 11
	}
	c := 11 - a
	if c == 10 {
		c = 0
	}
	return c
}

func oibOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 11 && mod1110(d[:10]) == d[10]
}

// JMBG / EMŠO DDMMYYYRRBBBK, weights 7654327654321.
func (g *gen) jmbg() string {
	for {
		y, m, d := g.date(1950, 2005)
		region := g.pick("50", "71", "80", "10", "30")
		body := fmt.Sprintf("%02d%02d%03d%s%03d", d, m, y%1000, region, g.r.Intn(1000))
		if c, ok := jmbgCheck(digitsOf(body)); ok {
			return body + strconv.Itoa(c)
		}
	}
}

func jmbgCheck(d []int) (int, bool) {
	s := weighted(d, []int{7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	m := 11 - s%11
	if m == 10 {
		return 0, false // no valid number: skipped
	}
	if m == 11 {
		m = 0
	}
	return m, true
}

func jmbgOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 13 {
		return false
	}
	c, ok := jmbgCheck(d[:12])
	return ok && c == d[12]
}

// Czech/Slovak rodné číslo YYMMDD/SSSC (from 1954): divisible by 11, or
// the first nine mod 11 is 10 and the last digit 0.
func (g *gen) rodneCislo() string {
	y, m, d := g.date(1954, 2006)
	if g.r.Intn(2) == 0 {
		m += 50
	}
	body := fmt.Sprintf("%02d%02d%02d%03d", y%100, m, d, g.r.Intn(1000))
	n, _ := strconv.Atoi(body)
	// body*10 + c divisible by 11 means c = -10*body = body (mod 11)
	c := n % 11
	if c == 10 {
		c = 0
	}
	v := body + strconv.Itoa(c)
	return v[:6] + "/" + v[6:]
}

func rodneOK(s string) bool {
	v := onlyDigits(s)
	if len(v) != 10 {
		return false
	}
	n, _ := strconv.Atoi(v)
	f, _ := strconv.Atoi(v[:9])
	return n%11 == 0 || (f%11 == 10 && v[9] == '0')
}

// Argentine CUIL/CUIT XX-DDDDDDDD-C, weights 5432765432.
func (g *gen) cuil() string {
	for {
		body := g.pick("20", "27", "23") + strconv.Itoa(10+g.r.Intn(40)) + g.digits(6)
		c := 11 - weighted(digitsOf(body), []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})%11
		if c == 10 {
			continue
		}
		if c == 11 {
			c = 0
		}
		return body[:2] + "-" + body[2:] + "-" + strconv.Itoa(c)
	}
}

func cuilOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 {
		return false
	}
	c := 11 - weighted(d, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})%11
	if c == 11 {
		c = 0
	}
	return c == d[10]
}

// Thai national ID: 13 digits, check = (11 - sum(d_i * (13-i)) mod 11) mod 10.
func (g *gen) thaiID() string {
	body := strconv.Itoa(1+g.r.Intn(8)) + g.digits(11)
	v := body + strconv.Itoa(thaiCheck(digitsOf(body)))
	return v[0:1] + "-" + v[1:5] + "-" + v[5:10] + "-" + v[10:12] + "-" + v[12:]
}

func thaiCheck(d []int) int {
	s := 0
	for i := 0; i < 12; i++ {
		s += d[i] * (13 - i)
	}
	return (11 - s%11) % 10
}

func thaiOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 13 && thaiCheck(d[:12]) == d[12]
}

// Icelandic kennitala DDMMYY-RRCD, weights 3,2,7,6,5,4,3,2.
func (g *gen) kennitala() string {
	for {
		y, m, d := g.date(1940, 2006)
		body := fmt.Sprintf("%02d%02d%02d%02d", d, m, y%100, 20+g.r.Intn(80))
		c := 11 - weighted(digitsOf(body), []int{3, 2, 7, 6, 5, 4, 3, 2})%11
		if c == 10 {
			continue
		}
		if c == 11 {
			c = 0
		}
		cent := "9"
		if y >= 2000 {
			cent = "0"
		}
		v := body + strconv.Itoa(c) + cent
		return v[:6] + "-" + v[6:]
	}
}

func kennitalaOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 10 {
		return false
	}
	c := 11 - weighted(d, []int{3, 2, 7, 6, 5, 4, 3, 2})%11
	if c == 11 {
		c = 0
	}
	return c == d[8] && (d[9] == 9 || d[9] == 0 || d[9] == 8)
}

// Swiss AHV/AVS number 756.XXXX.XXXX.XC with an EAN-13 check digit.
func (g *gen) ahv() string {
	body := "756" + g.digits(9)
	v := body + strconv.Itoa(ean13Check(digitsOf(body)))
	return v[:3] + "." + v[3:7] + "." + v[7:11] + "." + v[11:]
}

func ean13Check(d []int) int {
	s := 0
	for i := 0; i < 12; i++ {
		if i%2 == 0 {
			s += d[i]
		} else {
			s += 3 * d[i]
		}
	}
	return (10 - s%10) % 10
}

func ahvOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 13 && d[0] == 7 && d[1] == 5 && d[2] == 6 && ean13Check(d) == d[12]
}

// Irish PPSN: 7 digits, a check letter (weights 8..2, plus 9 x the second
// letter's value when there is one, mod 23; 0 is W), optional second letter.
func (g *gen) ppsn() string {
	body := g.digits(7)
	second := g.pick("", "", "A")
	return body + ppsnLetter(body, second) + second
}

func ppsnLetter(body, second string) string {
	s := weighted(digitsOf(body), []int{8, 7, 6, 5, 4, 3, 2})
	if second != "" {
		s += 9 * int(second[0]-'A'+1)
	}
	c := s % 23
	if c == 0 {
		return "W"
	}
	return string(rune('A' + c - 1))
}

func ppsnOK(s string) bool {
	if len(s) < 8 || len(s) > 9 {
		return false
	}
	second := ""
	if len(s) == 9 {
		second = s[8:]
	}
	return ppsnLetter(s[:7], second) == s[7:8]
}

// Portuguese NIF: 9 digits, check = 11 - (weights 9..2 mod 11), 10/11 -> 0.
func (g *gen) nif() string {
	body := g.pick("1", "2") + g.digits(7)
	return body + strconv.Itoa(nifCheck(digitsOf(body)))
}

func nifCheck(d []int) int {
	c := 11 - weighted(d, []int{9, 8, 7, 6, 5, 4, 3, 2})%11
	if c >= 10 {
		c = 0
	}
	return c
}

func nifOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 9 && nifCheck(d[:8]) == d[8]
}

// Hungarian TAJ: 9 digits, the first 8 weighted 3,7,3,7..., mod 10.
func (g *gen) taj() string {
	body := g.digits(8)
	v := body + strconv.Itoa(weighted(digitsOf(body), []int{3, 7, 3, 7, 3, 7, 3, 7})%10)
	return v[:3] + " " + v[3:6] + " " + v[6:]
}

func tajOK(s string) bool {
	d := digitsOf(s)
	return len(d) == 9 && weighted(d, []int{3, 7, 3, 7, 3, 7, 3, 7})%10 == d[8]
}

// Emirates ID 784-YYYY-NNNNNNN-C, Luhn over its 15 digits.
func (g *gen) emiratesID() string {
	y, _, _ := g.date(1960, 2005)
	body := fmt.Sprintf("784%d%s", y, g.digits(7))
	v := body + luhnDigit(body)
	return v[:3] + "-" + v[3:7] + "-" + v[7:14] + "-" + v[14:]
}

func emiratesOK(s string) bool {
	d := onlyDigits(s)
	return len(d) == 15 && strings.HasPrefix(d, "784") && luhnOK(d)
}

// US ITIN 9XX-GG-XXXX with group 50-65, 70-88, 90-92 or 94-99 (no check digit).
func (g *gen) itin() string {
	groups := []int{}
	for i := 50; i <= 99; i++ {
		if itinGroup(i) {
			groups = append(groups, i)
		}
	}
	return fmt.Sprintf("9%s-%02d-%s", g.digits(2), groups[g.r.Intn(len(groups))], g.digits(4))
}

func itinGroup(i int) bool {
	return (i >= 50 && i <= 65) || (i >= 70 && i <= 88) || (i >= 90 && i <= 92) || (i >= 94 && i <= 99)
}

func itinOK(s string) bool {
	d := onlyDigits(s)
	if len(d) != 9 || d[0] != '9' {
		return false
	}
	gr, _ := strconv.Atoi(d[3:5])
	return itinGroup(gr)
}

// nationalFormats maps a format name to its maker and its check.
type nationalFormat struct {
	name  string
	make  func(g *gen) string
	ok    func(string) bool
	keys  []string // keys naming it, in its country's words and in English
	label string   // how a form or prose names it
}

var nationalFormats = []nationalFormat{
	{"be_nrn", (*gen).belgianNRN, belgianNRNOK, []string{"rijksregisternummer", "numero_registre_national", "national_register_number", "nrn"}, "Rijksregisternummer"},
	{"ee_isikukood", (*gen).estonianID, estonianOK, []string{"isikukood", "personal_code_ee", "asmens_kodas"}, "Isikukood"},
	{"ro_cnp", (*gen).romanianCNP, cnpOK, []string{"cnp", "cod_numeric_personal", "codNumericPersonal"}, "CNP"},
	{"bg_egn", (*gen).bulgarianEGN, egnOK, []string{"egn", "егн", "edinen_grazhdanski_nomer"}, "ЕГН"},
	{"hr_oib", (*gen).croatianOIB, oibOK, []string{"oib", "osobni_identifikacijski_broj"}, "OIB"},
	{"rs_jmbg", (*gen).jmbg, jmbgOK, []string{"jmbg", "emso", "матични_број"}, "JMBG"},
	{"cz_rodne_cislo", (*gen).rodneCislo, rodneOK, []string{"rodne_cislo", "rodné_číslo", "birth_number"}, "Rodné číslo"},
	{"ar_cuil", (*gen).cuil, cuilOK, []string{"cuil", "cuit", "cuil_cuit"}, "CUIL"},
	{"th_id", (*gen).thaiID, thaiOK, []string{"thai_national_id", "เลขประจำตัวประชาชน", "citizen_id_th"}, "เลขประจำตัวประชาชน"},
	{"is_kennitala", (*gen).kennitala, kennitalaOK, []string{"kennitala", "kt"}, "Kennitala"},
	{"ch_ahv", (*gen).ahv, ahvOK, []string{"ahv_nummer", "avs_number", "ahvn13", "social_security_ch"}, "AHV-Nr."},
	{"ie_ppsn", (*gen).ppsn, ppsnOK, []string{"ppsn", "pps_number", "ppsNo"}, "PPS Number"},
	{"pt_nif", (*gen).nif, nifOK, []string{"nif", "numero_contribuinte", "nif_pt"}, "NIF"},
	{"hu_taj", (*gen).taj, tajOK, []string{"taj_szam", "tajSzam", "taj"}, "TAJ szám"},
	{"ae_emirates_id", (*gen).emiratesID, emiratesOK, []string{"emirates_id", "eid_number", "رقم_الهوية"}, "Emirates ID"},
	{"us_itin", (*gen).itin, itinOK, []string{"itin", "taxpayer_itin", "individual_taxpayer_id"}, "ITIN"},
}

// lookalike is a value of the format's shape that fails its check: the
// last digit changed (an ITIN gets a group no ITIN uses).
func (g *gen) lookalike(f nationalFormat) string {
	v := f.make(g)
	switch f.name {
	case "us_itin":
		return v[:4] + g.pick("45", "69", "89", "93") + v[6:]
	case "ie_ppsn":
		l := v[7]
		nl := byte('A' + (int(l-'A')+1+g.r.Intn(20))%23)
		if nl == l {
			nl = 'B'
		}
		return v[:7] + string(nl) + v[8:]
	case "is_kennitala":
		// the check digit is the ninth of ten
		b := []byte(v)
		for k := 1; k < 10; k++ {
			b[9] = byte('0' + (int(v[9]-'0')+k)%10)
			if !f.ok(string(b)) {
				return string(b)
			}
		}
	}
	return breakLast(v, f.ok)
}

// ---- cards ----

type cardRange struct {
	brand  string
	prefix func(g *gen) string
	length int
}

var cardRanges = []cardRange{
	{"visa", func(g *gen) string { return "4" + g.digits(5) }, 16},
	{"mastercard", func(g *gen) string { return strconv.Itoa(2221+g.r.Intn(500)) + g.digits(2) }, 16},
	{"amex", func(g *gen) string { return g.pick("34", "37") + g.digits(4) }, 15},
	{"mir", func(g *gen) string { return "220" + strconv.Itoa(g.r.Intn(5)) + g.digits(2) }, 16},
	{"rupay", func(g *gen) string { return g.pick("6521", "6522", "6080", "8172") + g.digits(2) }, 16},
	{"troy", func(g *gen) string { return "9792" + g.digits(2) }, 16},
	{"elo", func(g *gen) string { return g.pick("636368", "438935", "504175", "451416") }, 16},
	{"verve", func(g *gen) string { return "5061" + strconv.Itoa(10+g.r.Intn(89)) }, 19},
	{"unionpay", func(g *gen) string { return "62" + g.digits(4) }, 19},
	{"jcb", func(g *gen) string { return strconv.Itoa(3528+g.r.Intn(62)) + g.digits(2) }, 16},
}

func (g *gen) card() (string, string) {
	cr := cardRanges[g.r.Intn(len(cardRanges))]
	body := cr.prefix(g)
	body += g.digits(cr.length - 1 - len(body))
	return body + luhnDigit(body), cr.brand
}

// ---- IBAN and bank numbers ----

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

type ibanCountry struct{ cc, bban string } // bban: n digit, a letter, c alnum

var ibanCountries = []ibanCountry{
	{"SA", "nnnnnnnnnnnnnnnnnnnnnn"}, // 24
	{"AE", "nnnnnnnnnnnnnnnnnnn"},    // 23
	{"UA", "nnnnnnnnnnnnnnnnnnnnnnnnn"},
	{"KZ", "nnnnnnnnnnnnnnnn"},
	{"PK", "aaaannnnnnnnnnnnnnnn"},
	{"QA", "aaaannnnnnnnnnnnnnnnnnnnn"},
	{"BR", "nnnnnnnnnnnnnnnnnnnnnnnac"},
	{"RO", "aaaannnnnnnnnnnnnnnn"},
	{"HR", "nnnnnnnnnnnnnnnnn"},
	{"EE", "nnnnnnnnnnnnnnnn"},
	{"IS", "nnnnnnnnnnnnnnnnnnnnnn"},
	{"PT", "nnnnnnnnnnnnnnnnnnnnn"},
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
			b.WriteString(g.from(upperNum, 1))
		}
	}
	bban := b.String()
	ck := 98 - mod97(bban+c.cc+"00")
	return fmt.Sprintf("%s%02d%s", c.cc, ck, bban)
}

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

// ABA routing number: 3-7-1 weights, sum mod 10 == 0.
func (g *gen) aba() string {
	body := fmt.Sprintf("%02d", 1+g.r.Intn(12)) + g.digits(6)
	d := digitsOf(body)
	s := 3*(d[0]+d[3]+d[6]) + 7*(d[1]+d[4]+d[7]) + (d[2] + d[5])
	return body + strconv.Itoa((10-s%10)%10)
}

func abaOK(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	return (3*(d[0]+d[3]+d[6])+7*(d[1]+d[4]+d[7])+(d[2]+d[5]+d[8]))%10 == 0
}

// Belgian structured communication +++DDD/DDDD/DDDCC+++: CC = first ten mod 97 (0 -> 97).
func (g *gen) ogm() string {
	body := g.digits(10)
	n, _ := strconv.Atoi(body)
	c := n % 97
	if c == 0 {
		c = 97
	}
	v := body + fmt.Sprintf("%02d", c)
	return "+++" + v[:3] + "/" + v[3:7] + "/" + v[7:] + "+++"
}

func ogmOK(s string) bool {
	d := onlyDigits(s)
	if len(d) != 12 {
		return false
	}
	n, _ := strconv.Atoi(d[:10])
	c, _ := strconv.Atoi(d[10:])
	return (n%97 == c) || (n%97 == 0 && c == 97)
}

// checkers maps every format name the corpus records to its check.
var checkers = map[string]func(string) bool{
	"luhn": luhnOK, "iban": ibanOK, "aba": abaOK, "ogm": ogmOK,
}

func init() {
	for _, f := range nationalFormats {
		checkers[f.name] = f.ok
	}
}

func b64urlRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// jsonEsc is s as it appears inside a JSON string literal.
func jsonEsc(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// jsonString is v written as JSON text (a stringified object).
func jsonString(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

func xmlEsc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 128 && c != ' ' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func newRand(s int64) *rand.Rand { return rand.New(rand.NewSource(s)) }
