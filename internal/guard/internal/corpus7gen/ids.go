package main

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

const (
	lowerHex  = "0123456789abcdef"
	upperHex  = "0123456789ABCDEF"
	digitsSet = "0123456789"
	base62    = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b64url    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	lowerAlnm = "abcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnm = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

func (g *gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

func (g *gen) from(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.Intn(len(set))]
	}
	return string(b)
}

func (g *gen) hex(n int) string    { return g.from(lowerHex, n) }
func (g *gen) digits(n int) string { return g.from(digitsSet, n) }

// num returns n digits without a leading zero.
func (g *gen) num(n int) string { return g.from("123456789", 1) + g.digits(n-1) }

func (g *gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Intn(256))
	}
	return b
}

func (g *gen) b64(n int) string    { return base64.StdEncoding.EncodeToString(g.bytes(n)) }
func (g *gen) b64raw(n int) string { return base64.RawURLEncoding.EncodeToString(g.bytes(n)) }

// when returns a time in the corpus's window (autumn 2026).
func (g *gen) when() time.Time {
	return time.Unix(1790000000+int64(g.r.Intn(8000000)), int64(g.r.Intn(1000))*1e6).UTC()
}

func (g *gen) uuid4() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmtUUID(b)
}

// uuid7 puts the time in the first 48 bits (RFC 9562).
func (g *gen) uuid7() string {
	b := g.bytes(16)
	ms := uint64(g.when().UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return fmtUUID(b)
}

// uuid1 is a time-based UUID with a random node.
func (g *gen) uuid1() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x10
	b[8] = b[8]&0x3f | 0x80
	return fmtUUID(b)
}

func fmtUUID(b []byte) string {
	h := fmt.Sprintf("%x", b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ulid: 10 characters of time and 16 of randomness, Crockford base32.
func (g *gen) ulid() string {
	ms := g.when().UnixMilli()
	t := make([]byte, 10)
	for i := 9; i >= 0; i-- {
		t[i] = crockford[ms&31]
		ms >>= 5
	}
	return string(t) + g.from(crockford, 16)
}

// ksuid: 27 base62 characters.
func (g *gen) ksuid() string {
	return g.from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1)[:1] + g.from(base62, 26)
}

// objectID: a MongoDB ObjectId, 4 bytes of seconds then 8 random bytes.
func (g *gen) objectID() string {
	return fmt.Sprintf("%08x", g.when().Unix()) + g.hex(16)
}

// snowflake: 41 bits of milliseconds since an epoch, 10 of worker, 12 of
// sequence (Twitter's and Discord's layout).
func (g *gen) snowflake() string {
	ms := uint64(g.when().UnixMilli() - 1420070400000)
	return strconv.FormatUint(ms<<22|uint64(g.r.Intn(1024))<<12|uint64(g.r.Intn(4096)), 10)
}

func (g *gen) nanoid() string { return g.from(b64url, 21) }

// xid: 20 characters of base32hex, lower case.
func (g *gen) xid() string { return g.from("0123456789abcdefghijklmnopqrstuv", 20) }

// cuid2: 24 lower-case letters and digits starting with a letter.
func (g *gen) cuid2() string { return g.from("abcdefghijklmnopqrstuvwxyz", 1) + g.from(lowerAlnm, 23) }

// firebasePushID: 20 characters of Firebase's push-id alphabet, starting
// with the time ("-N" for ids of recent years).
func (g *gen) firebasePushID() string {
	return "-N" + g.from("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz", 18)
}

// luhnDigit returns the check digit that makes body+digit Luhn-valid.
func luhnDigit(body string) byte {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func luhnOK(s string) bool {
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	if len(s) < 2 {
		return false
	}
	return luhnDigit(s[:len(s)-1]) == s[len(s)-1]
}

// gtinDigit is the GS1 check digit (weights 3,1 from the right).
func gtinDigit(body string) byte {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func gtinOK(s string) bool {
	s = strings.ReplaceAll(s, "-", "")
	return len(s) >= 8 && gtinDigit(s[:len(s)-1]) == s[len(s)-1]
}

func isbn10OK(s string) bool {
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(s[i] - '0')
		if i == 9 && s[i] == 'X' {
			d = 10
		}
		sum += d * (10 - i)
	}
	return sum%11 == 0
}

func (g *gen) isbn10() string {
	body := g.digits(9)
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(body[i]-'0') * (10 - i)
	}
	c := (11 - sum%11) % 11
	if c == 10 {
		return body + "X"
	}
	return body + strconv.Itoa(c)
}

func (g *gen) ean13(prefix string) string {
	body := prefix + g.digits(12-len(prefix))
	return body + string(gtinDigit(body))
}

func (g *gen) luhnNumber(prefix string, n int) string {
	body := prefix + g.digits(n-1-len(prefix))
	return body + string(luhnDigit(body))
}

// abaOK checks an ABA routing number (weights 3, 7, 1).
func abaOK(s string) bool {
	if len(s) != 9 {
		return false
	}
	w := []int{3, 7, 1}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(s[i]-'0') * w[i%3]
	}
	return sum%10 == 0
}

func (g *gen) aba() string {
	for {
		s := g.pick("0", "1", "2", "3") + g.digits(8)
		if abaOK(s) {
			return s
		}
	}
}

// ibanOK checks the mod-97 rule.
func ibanOK(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 {
		return false
	}
	return mod97(s[4:]+s[:4]) == 1
}

func mod97(s string) int {
	var b strings.Builder
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			b.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			b.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(b.String(), 10)
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

func (g *gen) iban() string {
	var cc, bban string
	switch g.r.Intn(4) {
	case 0:
		cc, bban = "DE", g.digits(18)
	case 1:
		cc, bban = "GB", g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4)+g.digits(14)
	case 2:
		cc, bban = "FR", g.digits(23)
	default:
		cc, bban = "NL", g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4)+g.digits(10)
	}
	c := 98 - mod97(bban+cc+"00")
	return fmt.Sprintf("%s%02d%s", cc, c, bban)
}

// ssnOK: area not 000, 666 or 9xx; group not 00; serial not 0000.
func ssnOK(s string) bool {
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 9 {
		return false
	}
	a, gr, se := s[:3], s[3:5], s[5:]
	return a != "000" && a != "666" && a[0] != '9' && gr != "00" && se != "0000"
}

func (g *gen) ssn() string {
	for {
		s := g.digits(3) + "-" + g.digits(2) + "-" + g.digits(4)
		if ssnOK(s) {
			return s
		}
	}
}

// card returns a Luhn-valid Visa or Mastercard number.
func (g *gen) card() string {
	if g.r.Intn(2) == 0 {
		return g.luhnNumber("4", 16)
	}
	return g.luhnNumber("5"+g.pick("1", "2", "3", "4", "5"), 16)
}

var checkers = map[string]func(string) bool{
	"luhn":   luhnOK,
	"gtin":   gtinOK,
	"isbn10": isbn10OK,
	"aba":    abaOK,
	"iban":   ibanOK,
	"ssn":    ssnOK,
}
