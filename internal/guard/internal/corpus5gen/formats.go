package main

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// vendorToken is a secret token shape from public secret-scanner rule sets.
type vendorToken struct {
	vendor string
	env    string // the environment variable a config would use
	make   func(g *gen) string
}

func vendorTokens() []vendorToken {
	return []vendorToken{
		{"github_pat", "GITHUB_TOKEN", func(g *gen) string { return "ghp_" + g.alnum(36) }},
		{"github_fine_grained", "GH_TOKEN", func(g *gen) string {
			return "github_pat_11" + g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20) + "_" + g.alnum(59)
		}},
		{"gitlab_pat", "GITLAB_TOKEN", func(g *gen) string { return "glpat-" + g.from(urlB64, 20) }},
		{"slack_bot", "SLACK_BOT_TOKEN", func(g *gen) string { return "xoxb-" + g.digits(12) + "-" + g.digits(13) + "-" + g.alnum(24) }},
		{"stripe_secret", "STRIPE_SECRET_KEY", func(g *gen) string { return "sk_live_51" + g.alnum(96) }},
		{"stripe_restricted", "STRIPE_RESTRICTED_KEY", func(g *gen) string { return "rk_live_51" + g.alnum(96) }},
		{"stripe_webhook_secret", "STRIPE_WEBHOOK_SECRET", func(g *gen) string { return "whsec_" + g.alnum(32) }},
		{"aws_secret", "AWS_SECRET_ACCESS_KEY", func(g *gen) string { return g.from(alnum+"/+", 40) }},
		{"sendgrid", "SENDGRID_API_KEY", func(g *gen) string { return "SG." + g.from(urlB64, 22) + "." + g.from(urlB64, 43) }},
		{"npm", "NPM_TOKEN", func(g *gen) string { return "npm_" + g.alnum(36) }},
		{"pypi", "PYPI_API_TOKEN", func(g *gen) string { return "pypi-AgEIcHlwaS5vcmc" + g.from(urlB64, 70) }},
		{"shopify_admin", "SHOPIFY_ACCESS_TOKEN", func(g *gen) string { return "shpat_" + g.hex(32) }},
		{"mailgun", "MAILGUN_API_KEY", func(g *gen) string { return "key-" + g.hex(32) }},
		{"telegram_bot", "TELEGRAM_BOT_TOKEN", func(g *gen) string { return g.digits(10) + ":AA" + g.from(urlB64, 33) }},
		{"digitalocean", "DIGITALOCEAN_TOKEN", func(g *gen) string { return "dop_v1_" + g.hex(64) }},
		{"openai", "OPENAI_API_KEY", func(g *gen) string { return "sk-proj-" + g.from(urlB64, 48) + "T3BlbkFJ" + g.from(urlB64, 48) }},
		{"anthropic", "ANTHROPIC_API_KEY", func(g *gen) string { return "sk-ant-api03-" + g.from(urlB64, 93) + "AA" }},
		{"vault", "VAULT_TOKEN", func(g *gen) string { return "hvs." + g.from(urlB64, 24) }},
		{"terraform_cloud", "TFE_TOKEN", func(g *gen) string { return g.alnum(14) + ".atlasv1." + g.alnum(67) }},
		{"doppler", "DOPPLER_TOKEN", func(g *gen) string { return "dp.pt." + g.alnum(43) }},
		{"postman", "POSTMAN_API_KEY", func(g *gen) string { return "PMAK-" + g.hex(24) + "-" + g.hex(34) }},
		{"databricks", "DATABRICKS_TOKEN", func(g *gen) string { return "dapi" + g.hex(32) }},
		{"linear", "LINEAR_API_KEY", func(g *gen) string { return "lin_api_" + g.alnum(40) }},
		{"huggingface", "HF_TOKEN", func(g *gen) string { return "hf_" + g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34) }},
		{"google_api", "GOOGLE_API_KEY", func(g *gen) string { return "AIza" + g.from(urlB64, 35) }},
		{"discord_bot", "DISCORD_TOKEN", func(g *gen) string {
			return "M" + g.alnum(23) + "." + g.from(urlB64, 6) + "." + g.from(urlB64, 27)
		}},
		{"jwt", "API_TOKEN", func(g *gen) string { return g.jwt() }},
		{"grafana_sa", "GRAFANA_TOKEN", func(g *gen) string { return "glsa_" + g.alnum(32) + "_" + g.hex(8) }},
		{"new_relic_user", "NEW_RELIC_API_KEY", func(g *gen) string { return "NRAK-" + g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 27) }},
		{"pulumi", "PULUMI_ACCESS_TOKEN", func(g *gen) string { return "pul-" + g.hex(40) }},
		{"sentry_auth", "SENTRY_AUTH_TOKEN", func(g *gen) string { return "sntrys_" + g.from(alnum, 80) }},
		{"azure_storage", "AZURE_STORAGE_KEY", func(g *gen) string { return g.from(b64chars, 86) + "==" }},
	}
}

func (g *gen) jwt() string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%s","iat":%d,"exp":%d,"scope":"read write"}`, g.uuid(), 1790000000+g.r.Intn(1000000), 1800000000+g.r.Intn(1000000))))
	return h + "." + p + "." + g.from(urlB64, 43)
}

// card returns a Luhn-valid card number of a real issuer range.
func (g *gen) card() (number, brand string) {
	switch g.r.Intn(7) {
	case 0:
		return luhnComplete("4" + g.digits(14)), "visa"
	case 1:
		return luhnComplete(strconv.Itoa(51+g.r.Intn(5)) + g.digits(13)), "mastercard"
	case 2:
		return luhnComplete(strconv.Itoa(2221+g.r.Intn(500)) + g.digits(11)), "mastercard"
	case 3:
		return luhnComplete(g.pick("34", "37") + g.digits(12)), "amex"
	case 4:
		return luhnComplete("6011" + g.digits(11)), "discover"
	case 5:
		return luhnComplete(strconv.Itoa(3528+g.r.Intn(62)) + g.digits(11)), "jcb"
	default:
		return luhnComplete("62" + g.digits(16)), "unionpay"
	}
}

// spaced groups a card number as printed.
func spaced(n string) string {
	if len(n) == 15 {
		return n[:4] + " " + n[4:10] + " " + n[10:]
	}
	var parts []string
	for i := 0; i < len(n); i += 4 {
		parts = append(parts, n[i:min(i+4, len(n))])
	}
	return strings.Join(parts, " ")
}

func cardBrandPrefix(n string) bool {
	p2, _ := strconv.Atoi(n[:2])
	p4, _ := strconv.Atoi(n[:4])
	return n[0] == '4' || (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720) || p2 == 34 || p2 == 37 ||
		strings.HasPrefix(n, "6") || (p4 >= 3528 && p4 <= 3589) || p2 == 36 || p2 == 30 || p2 == 38 || p2 == 39 || p2 == 81
}

// iban returns a valid IBAN of one of a few countries (electronic form).
func (g *gen) iban() string {
	type c struct {
		cc   string
		bban func() string
	}
	cs := []c{
		{"DE", func() string { return g.digits(18) }},
		{"FR", func() string { return g.digits(10) + g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 11) + g.digits(2) }},
		{"GB", func() string { return g.upper(4) + g.digits(14) }},
		{"NL", func() string { return g.upper(4) + g.digits(10) }},
		{"ES", func() string { return g.digits(20) }},
		{"IT", func() string { return g.upper(1) + g.digits(10) + g.digits(12) }},
		{"BE", func() string { return g.digits(12) }},
		{"CH", func() string { return g.digits(17) }},
		{"PL", func() string { return g.digits(24) }},
		{"SE", func() string { return g.digits(20) }},
		{"NO", func() string { return g.digits(11) }},
		{"FI", func() string { return g.digits(14) }},
	}
	x := cs[g.r.Intn(len(cs))]
	bban := x.bban()
	chk := 98 - ibanMod(bban+x.cc+"00")
	return fmt.Sprintf("%s%02d%s", x.cc, chk, bban)
}

func ibanMod(s string) int {
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

func ibanValid(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	return len(s) > 4 && ibanMod(s[4:]+s[:4]) == 1
}

// printed groups an IBAN by four.
func printed(iban string) string {
	var parts []string
	for i := 0; i < len(iban); i += 4 {
		parts = append(parts, iban[i:min(i+4, len(iban))])
	}
	return strings.Join(parts, " ")
}

// creditorReference returns an ISO 11649 structured creditor reference
// (RF, two mod-97 check digits, up to 21 characters): printed on invoices,
// public.
func (g *gen) creditorReference() string {
	ref := g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8+g.r.Intn(10))
	return fmt.Sprintf("RF%02d%s", 98-ibanMod(ref+"RF00"), ref)
}

func abaValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	return (3*(d[0]+d[3]+d[6])+7*(d[1]+d[4]+d[7])+d[2]+d[5]+d[8])%10 == 0
}

func (g *gen) routing() string {
	for {
		if s := g.pick("0", "1", "2", "3") + g.digits(8); abaValid(s) {
			return s
		}
	}
}

// pemBody returns base64 lines as in a PEM block.
func (g *gen) pemBody(n int) string {
	s := g.from(b64chars, n)
	var lines []string
	for i := 0; i < len(s); i += 64 {
		lines = append(lines, s[i:min(i+64, len(s))])
	}
	return strings.Join(lines, "\n")
}

// privateKey returns a private key text and a probe of it (a 40-byte run of
// its body, what must not survive).
func (g *gen) privateKey() (text, probe string) {
	switch g.r.Intn(4) {
	case 0:
		body := "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW" + g.from(b64chars, 300)
		return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + wrap64(body) + "\n-----END OPENSSH PRIVATE KEY-----\n", body[100:140]
	case 1:
		body := "MHcCAQEEI" + g.from(b64chars, 160)
		return "-----BEGIN EC PRIVATE KEY-----\n" + wrap64(body) + "\n-----END EC PRIVATE KEY-----", body[70:110]
	case 2:
		body := "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ" + g.from(b64chars, 1500)
		return "-----BEGIN PRIVATE KEY-----\n" + wrap64(body) + "\n-----END PRIVATE KEY-----\n", body[400:440]
	default:
		k := "AGE-SECRET-KEY-1" + g.from("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
		return k, k
	}
}

func wrap64(s string) string {
	var lines []string
	for i := 0; i < len(s); i += 64 {
		lines = append(lines, s[i:min(i+64, len(s))])
	}
	return strings.Join(lines, "\n")
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// fullWidth turns ASCII digits into full-width ones.
func fullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune('０' + (c - '0'))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// vinValid checks ISO 3779's check digit (position 9).
func vinValid(v string) bool {
	if len(v) != 17 {
		return false
	}
	tr := map[byte]int{'A': 1, 'B': 2, 'C': 3, 'D': 4, 'E': 5, 'F': 6, 'G': 7, 'H': 8, 'J': 1, 'K': 2, 'L': 3, 'M': 4, 'N': 5, 'P': 7, 'R': 9, 'S': 2, 'T': 3, 'U': 4, 'V': 5, 'W': 6, 'X': 7, 'Y': 8, 'Z': 9}
	w := []int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := v[i]
		x, ok := tr[c]
		if c >= '0' && c <= '9' {
			x, ok = int(c-'0'), true
		}
		if !ok {
			return false
		}
		sum += x * w[i]
	}
	want := byte('0' + sum%11)
	if sum%11 == 10 {
		want = 'X'
	}
	return v[8] == want
}

func (g *gen) vin() string {
	const chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	for {
		v := g.from(chars, 8) + "0" + g.from(chars, 8)
		for _, c := range "0123456789X" {
			if t := v[:8] + string(c) + v[9:]; vinValid(t) {
				return t
			}
		}
	}
}

// ean13 completes a 12-digit body with the GS1 check digit.
func ean13(body string) string {
	d := digitsOf(body)
	sum := 0
	for i, x := range d {
		if i%2 == 1 {
			x *= 3
		}
		sum += x
	}
	return body + strconv.Itoa((10-sum%10)%10)
}

func (g *gen) ulid() string { return "01J" + g.from("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 23) }
func (g *gen) ksuid() string {
	return "2" + g.from(alnum, 26)
}
