package main

import (
	"encoding/base64"
	"strings"
)

// Vendor token formats as public secret-scanner rule sets describe them
// (prefix, alphabet, length). Bodies are random.

type vendorToken struct {
	vendor string
	envVar string // the variable such a key is usually kept in
	make   func(s *g) string
}

var vendorTokens = []vendorToken{
	{"aws", "AWS_ACCESS_KEY_ID", func(s *g) string { return pick(s, []string{"AKIA", "ASIA"}) + s.from(upperAlpha+"234567", 16) }},
	{"github", "GITHUB_TOKEN", func(s *g) string { return pick(s, []string{"ghp_", "gho_", "ghs_", "ghu_"}) + s.alnum(36) }},
	{"github-fine", "GH_TOKEN", func(s *g) string { return "github_pat_" + s.from(upperAlpha+digitsAll, 22) + "_" + s.alnum(59) }},
	{"gitlab", "GITLAB_TOKEN", func(s *g) string { return "glpat-" + s.from(alnumAll+"_-", 20) }},
	{"stripe", "STRIPE_SECRET_KEY", func(s *g) string {
		return pick(s, []string{"sk_live_", "rk_live_", "sk_test_"}) + s.alnum(24+s.r.IntN(76))
	}},
	{"slack", "SLACK_BOT_TOKEN", func(s *g) string {
		return pick(s, []string{"xoxb-", "xoxp-"}) + s.digits(11) + "-" + s.digits(12) + "-" + s.alnum(24)
	}},
	{"google", "GOOGLE_API_KEY", func(s *g) string { return "AIza" + s.from(alnumAll+"_-", 35) }},
	{"openai", "OPENAI_API_KEY", func(s *g) string {
		if s.chance(50) {
			return "sk-proj-" + s.from(alnumAll+"_-", 120)
		}
		return "sk-" + s.alnum(20) + "T3BlbkFJ" + s.alnum(20)
	}},
	{"anthropic", "ANTHROPIC_API_KEY", func(s *g) string { return "sk-ant-api03-" + s.from(alnumAll+"_-", 93) + "AA" }},
	{"sendgrid", "SENDGRID_API_KEY", func(s *g) string { return "SG." + s.from(alnumAll+"_-", 22) + "." + s.from(alnumAll+"_-", 43) }},
	{"twilio", "TWILIO_API_KEY", func(s *g) string { return "SK" + s.hex(32) }},
	{"shopify", "SHOPIFY_ACCESS_TOKEN", func(s *g) string { return pick(s, []string{"shpat_", "shpss_", "shpca_"}) + s.hex(32) }},
	{"digitalocean", "DIGITALOCEAN_TOKEN", func(s *g) string { return pick(s, []string{"dop_v1_", "doo_v1_"}) + s.hex(64) }},
	{"huggingface", "HF_TOKEN", func(s *g) string { return "hf_" + s.from(alnumAll, 34) }},
	{"npm", "NPM_TOKEN", func(s *g) string { return "npm_" + s.alnum(36) }},
	{"pypi", "PYPI_TOKEN", func(s *g) string { return "pypi-AgEIcHlwaS5vcmc" + s.from(alnumAll+"_-", 70) }},
	{"mailgun", "MAILGUN_API_KEY", func(s *g) string { return "key-" + s.hex(32) }},
	{"linear", "LINEAR_API_KEY", func(s *g) string { return "lin_api_" + s.alnum(40) }},
	{"postman", "POSTMAN_API_KEY", func(s *g) string { return "PMAK-" + s.hex(24) + "-" + s.hex(34) }},
	{"vault", "VAULT_TOKEN", func(s *g) string { return "hvs." + s.from(alnumAll+"_-", 90) }},
	{"databricks", "DATABRICKS_TOKEN", func(s *g) string { return "dapi" + s.hex(32) }},
	{"doppler", "DOPPLER_TOKEN", func(s *g) string { return "dp.st.prd." + s.alnum(43) }},
	{"grafana", "GRAFANA_TOKEN", func(s *g) string { return "glsa_" + s.alnum(32) + "_" + s.hex(8) }},
	{"docker", "DOCKER_PAT", func(s *g) string { return "dckr_pat_" + s.from(alnumAll+"_-", 27) }},
	{"notion", "NOTION_TOKEN", func(s *g) string { return "ntn_" + s.digits(11) + s.alnum(35) }},
	{"square", "SQUARE_ACCESS_TOKEN", func(s *g) string { return "EAAA" + s.from(alnumAll+"_-", 60) }},
	{"pulumi", "PULUMI_ACCESS_TOKEN", func(s *g) string { return "pul-" + s.hex(40) }},
}

// vendor returns a random vendor token and its usual variable name.
func (s *g) vendor() (string, string, string) {
	v := pick(s, vendorTokens)
	return v.make(s), v.envVar, v.vendor
}

// opaque returns a high-entropy token with no vendor prefix.
func (s *g) opaque() string {
	switch s.r.IntN(4) {
	case 0:
		return s.alnum(32 + s.r.IntN(16))
	case 1:
		return s.b64url(24 + s.r.IntN(16))
	case 2:
		return s.hex(40)
	default:
		return s.from(alnumAll+"_-", 43)
	}
}

// jwt returns a signed JWT with a realistic header and claims.
func (s *g) jwt() string {
	enc := base64.RawURLEncoding.EncodeToString
	alg := pick(s, []string{"HS256", "RS256", "ES256"})
	header := jsonText(o("alg", alg, "typ", "JWT"))
	if s.chance(40) {
		header = jsonText(o("alg", alg, "kid", s.hex(16), "typ", "JWT"))
	}
	claims := jsonText(o("sub", s.uuid(), "iat", int(s.time), "exp", int(s.time)+3600, "iss", "https://auth."+pick(s, hosts), "scope", "read write"))
	sigLen := 32
	if alg != "HS256" {
		sigLen = 256
	}
	return enc([]byte(header)) + "." + enc([]byte(claims)) + "." + enc(s.bytes(sigLen))
}

// pemKey returns a PEM private key block, its label, and one line of its
// body (what must not survive).
func (s *g) pemKey() (block, bodyLine string) {
	type kind struct {
		label string
		der   int
		head  []byte
	}
	kinds := []kind{
		{"RSA PRIVATE KEY", 1190, []byte{0x30, 0x82, 0x04, 0xa2, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00}},
		{"PRIVATE KEY", 1216, []byte{0x30, 0x82, 0x04, 0xbc, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a}},
		{"EC PRIVATE KEY", 121, []byte{0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20}},
		{"OPENSSH PRIVATE KEY", 300, []byte("openssh-key-v1\x00")},
		{"ENCRYPTED PRIVATE KEY", 1298, []byte{0x30, 0x82, 0x05, 0x0e, 0x30, 0x40, 0x06, 0x09}},
	}
	k := pick(s, kinds)
	der := append(append([]byte{}, k.head...), s.bytes(k.der-len(k.head))...)
	body := base64.StdEncoding.EncodeToString(der)
	width := 64
	if k.label == "OPENSSH PRIVATE KEY" {
		width = 70
	}
	var lines []string
	for i := 0; i < len(body); i += width {
		lines = append(lines, body[i:min(i+width, len(body))])
	}
	return "-----BEGIN " + k.label + "-----\n" + strings.Join(lines, "\n") + "\n-----END " + k.label + "-----\n", lines[len(lines)/2]
}

// pgpKey returns an armored PGP private key block and one body line.
func (s *g) pgpKey() (string, string) {
	body := base64.StdEncoding.EncodeToString(append([]byte{0x95, 0x03, 0xc6, 0x04}, s.bytes(900)...))
	var lines []string
	for i := 0; i < len(body); i += 64 {
		lines = append(lines, body[i:min(i+64, len(body))])
	}
	return "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + strings.Join(lines, "\n") + "\n=" + s.b64(3) + "\n-----END PGP PRIVATE KEY BLOCK-----\n", lines[len(lines)/2]
}

// ageKey returns an age X25519 identity (bech32, upper case).
func (s *g) ageKey() string {
	return "AGE-SECRET-KEY-1" + strings.ToUpper(s.from("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))
}

// wgKey returns a WireGuard key: 32 bytes in base64.
func (s *g) wgKey() string { return s.b64(32) }

// pemPublic returns a public key or certificate block (not a secret).
func (s *g) pemPublic() string {
	label := pick(s, []string{"PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY"})
	body := base64.StdEncoding.EncodeToString(append([]byte{0x30, 0x82, 0x01, 0x22, 0x30, 0x0d}, s.bytes(288)...))
	var lines []string
	for i := 0; i < len(body); i += 64 {
		lines = append(lines, body[i:min(i+64, len(body))])
	}
	return "-----BEGIN " + label + "-----\n" + strings.Join(lines, "\n") + "\n-----END " + label + "-----\n"
}
