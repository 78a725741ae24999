package guard

import (
	"encoding/base64"
	"math"
	"strings"
)

// Byte classes used by the vendor-token alphabets.
const (
	aUpper = 1 << iota
	aLower
	aDigit
	aUnder
	aDash
	aDot
	aSlashPlus
	aEq
)

var alpha [256]uint8

func init() {
	for c := 'A'; c <= 'Z'; c++ {
		alpha[c] |= aUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		alpha[c] |= aLower
	}
	for c := '0'; c <= '9'; c++ {
		alpha[c] |= aDigit
	}
	alpha['_'] |= aUnder
	alpha['-'] |= aDash
	alpha['.'] |= aDot
	alpha['/'] |= aSlashPlus
	alpha['+'] |= aSlashPlus
	alpha['='] |= aEq
}

const (
	alAlnum   = aUpper | aLower | aDigit
	alB64URL  = alAlnum | aUnder | aDash
	alToken   = alB64URL | aDot
	alB64Std  = alAlnum | aSlashPlus | aEq
	alUpperNo = aUpper | aDigit
)

// runOf returns the end of the run of bytes of s[j:] in alphabet al.
func runOf(s string, j int, al uint8) int {
	for j < len(s) && alpha[s[j]]&al != 0 {
		j++
	}
	return j
}

func isHexRun(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return len(s) > 0
}

// vendor describes a token with a fixed, public prefix.
type vendor struct {
	prefix string
	name   string
	al     uint8 // alphabet of the body
	min    int   // body length bounds
	max    int
	hex    bool // body must be hex
	mixed  bool // body must mix letters and digits
}

var vendors = []vendor{
	{"AKIA", "secret.aws_access_key", alUpperNo, 16, 16, false, false},
	{"ASIA", "secret.aws_access_key", alUpperNo, 16, 16, false, false},
	{"AGPA", "secret.aws_access_key", alUpperNo, 16, 16, false, false},
	{"AIDA", "secret.aws_access_key", alUpperNo, 16, 16, false, false},
	{"AROA", "secret.aws_access_key", alUpperNo, 16, 16, false, false},
	{"ANPA", "secret.aws_access_key", alUpperNo, 16, 16, false, false},
	{"ghp_", "secret.github", alAlnum, 30, 60, false, false},
	{"gho_", "secret.github", alAlnum, 30, 60, false, false},
	{"ghu_", "secret.github", alAlnum, 30, 60, false, false},
	{"ghs_", "secret.github", alAlnum, 30, 60, false, false},
	{"ghr_", "secret.github", alAlnum, 30, 60, false, false},
	{"github_pat_", "secret.github", alAlnum | aUnder, 50, 120, false, false},
	{"sk_live_", "secret.stripe", alAlnum, 16, 120, false, false},
	{"sk_test_", "secret.stripe", alAlnum, 16, 120, false, false},
	{"rk_live_", "secret.stripe", alAlnum, 16, 120, false, false},
	{"rk_test_", "secret.stripe", alAlnum, 16, 120, false, false},
	{"whsec_", "secret.stripe", alAlnum, 24, 120, false, false},
	{"xoxb-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xoxp-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xoxa-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xoxr-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xoxs-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xoxe-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xoxe.xoxp-", "secret.slack", alAlnum | aDash, 10, 250, false, false},
	{"xapp-", "secret.slack", alAlnum | aDash, 20, 250, false, false},
	{"AIza", "secret.google_api_key", alB64URL, 35, 35, false, false},
	{"ya29.", "secret.google_oauth", alToken, 20, 2048, false, false},
	{"GOCSPX-", "secret.google_oauth", alB64URL, 20, 64, false, false},
	{"sk-ant-", "secret.anthropic", alB64URL, 32, 256, false, false},
	{"sk-proj-", "secret.openai", alB64URL, 20, 256, false, true},
	{"sk-svcacct-", "secret.openai", alB64URL, 20, 256, false, true},
	{"sk-admin-", "secret.openai", alB64URL, 20, 256, false, true},
	{"sk-", "secret.openai", alB64URL, 20, 256, false, true},
	{"npm_", "secret.npm", alAlnum, 36, 36, false, false},
	{"glpat-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"gldt-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"glrt-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"glptt-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"glcbt-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"gloas-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"glsoat-", "secret.gitlab", alB64URL, 20, 64, false, false},
	{"SK", "secret.twilio", alAlnum, 32, 32, true, false},
	{"shpat_", "secret.shopify", alAlnum, 32, 32, true, false},
	{"shpss_", "secret.shopify", alAlnum, 32, 32, true, false},
	{"shpca_", "secret.shopify", alAlnum, 32, 32, true, false},
	{"shppa_", "secret.shopify", alAlnum, 32, 32, true, false},
	{"dop_v1_", "secret.digitalocean", alAlnum, 64, 64, true, false},
	{"doo_v1_", "secret.digitalocean", alAlnum, 64, 64, true, false},
	{"dor_v1_", "secret.digitalocean", alAlnum, 64, 64, true, false},
	{"hf_", "secret.huggingface", alAlnum, 30, 40, false, false},
	{"lin_api_", "secret.linear", alAlnum, 32, 64, false, false},
	{"PMAK-", "secret.postman", alAlnum | aDash, 24, 80, false, false},
	{"hvs.", "secret.vault", alB64URL, 24, 200, false, false},
	{"hvb.", "secret.vault", alB64URL, 24, 200, false, false},
	{"dapi", "secret.databricks", alAlnum | aDash, 32, 40, true, false},
	{"pypi-AgEIcHlwaS5vcmc", "secret.pypi", alB64URL, 40, 300, false, false},
	{"sntrys_", "secret.sentry", alB64URL | aEq, 30, 300, false, false},
	{"sntryu_", "secret.sentry", alAlnum, 30, 100, false, false},
	{"xkeysib-", "secret.brevo", alAlnum | aDash, 60, 100, false, false},
	{"key-", "secret.mailgun", alAlnum, 32, 32, true, false},
	{"dckr_pat_", "secret.docker", alB64URL, 20, 64, false, false},
	{"glsa_", "secret.grafana", alAlnum | aUnder, 32, 64, false, false},
	{"glc_", "secret.grafana", alB64URL | aEq, 32, 300, false, false},
	{"ATATT3", "secret.atlassian", alB64URL | aEq, 50, 300, false, false},
	{"secret_", "secret.notion", alAlnum, 43, 43, false, true},
	{"ntn_", "secret.notion", alAlnum, 40, 60, false, true},
	{"sq0atp-", "secret.square", alB64URL, 22, 64, false, false},
	{"sq0csp-", "secret.square", alB64URL, 40, 64, false, false},
	{"EAACEdEose0cBA", "secret.facebook", alAlnum, 20, 300, false, false},
	{"rubygems_", "secret.rubygems", alAlnum, 48, 48, true, false},
	{"AGE-SECRET-KEY-1", "private_key.age", alUpperNo, 50, 70, false, false},
	// More families of public secret-scanner rule sets; a body that must
	// mix letters and digits keeps ordinary words out.
	{"gsk_", "secret.vendor", alAlnum, 48, 56, false, true},            // Groq
	{"r8_", "secret.vendor", alAlnum, 36, 40, false, true},             // Replicate
	{"pplx-", "secret.vendor", alAlnum, 40, 56, false, true},           // Perplexity
	{"figd_", "secret.vendor", alB64URL, 38, 64, false, true},          // Figma
	{"dp.st.", "secret.vendor", alAlnum | aUnder, 40, 64, false, true}, // Doppler
	{"dp.ct.", "secret.vendor", alAlnum | aUnder, 40, 64, false, true},
	{"dp.sa.", "secret.vendor", alAlnum | aUnder, 40, 64, false, true},
	{"dp.pt.", "secret.vendor", alAlnum | aUnder, 40, 64, false, true},
	{"HRKU-", "secret.vendor", alB64URL, 20, 80, false, true},       // Heroku
	{"pscale_tkn_", "secret.vendor", alB64URL, 32, 64, false, true}, // PlanetScale
	{"pscale_pw_", "secret.vendor", alB64URL, 32, 64, false, true},
	{"pscale_oauth_", "secret.vendor", alB64URL, 32, 64, false, true},
	{"rnd_", "secret.vendor", alAlnum, 32, 40, false, true},             // Render
	{"bkua_", "secret.vendor", alAlnum, 40, 40, true, false},            // Buildkite
	{"nfp_", "secret.vendor", alAlnum, 36, 40, false, true},             // Netlify
	{"FLWSECK-", "secret.vendor", alAlnum | aDash, 34, 40, false, true}, // Flutterwave
	{"FLWSECK_TEST-", "secret.vendor", alAlnum | aDash, 34, 40, false, true},
	{"LTAI", "secret.vendor", alAlnum, 12, 24, false, true},         // Alibaba Cloud
	{"AKID", "secret.vendor", alAlnum, 32, 32, false, true},         // Tencent Cloud
	{"EAAA", "secret.vendor", alB64URL, 60, 60, false, true},        // Square
	{"pul-", "secret.vendor", alAlnum, 40, 40, true, false},         // Pulumi
	{"pnu_", "secret.vendor", alAlnum, 36, 36, false, true},         // Prefect
	{"ico-", "secret.vendor", alAlnum, 32, 32, false, true},         // Infracost
	{"fo1_", "secret.vendor", alB64URL, 43, 43, false, true},        // Fly.io
	{"shippo_live_", "secret.vendor", alAlnum, 40, 40, true, false}, // Shippo
	{"shippo_test_", "secret.vendor", alAlnum, 40, 40, true, false},
	{"duffel_live_", "secret.vendor", alB64URL, 43, 43, false, true}, // Duffel
	{"duffel_test_", "secret.vendor", alB64URL, 43, 43, false, true},
	{"tk-us-", "secret.vendor", alB64URL, 48, 48, false, true},  // Scalingo
	{"aio_", "secret.vendor", alAlnum, 28, 28, false, true},     // Adafruit IO
	{"NRAK-", "secret.vendor", alAlnum, 27, 27, false, true},    // New Relic
	{"rdme_", "secret.vendor", alAlnum, 70, 70, false, true},    // ReadMe
	{"CLOJARS_", "secret.vendor", alAlnum, 60, 60, false, true}, // Clojars
	{"EZAK", "secret.vendor", alAlnum, 54, 54, false, true},     // EasyPost
	{"EZTK", "secret.vendor", alAlnum, 54, 54, false, true},
	{"fio-u-", "secret.vendor", alB64URL | aEq, 64, 64, false, true},      // Frame.io
	{"ops_eyJ", "secret.vendor", alB64URL | aEq, 100, 2048, false, false}, // 1Password service account
	// The eighth round (issue 13): more prefixes public rule sets give.
	{"sk-or-v1-", "secret.vendor", alAlnum, 64, 64, true, false},                   // OpenRouter
	{"xai-", "secret.vendor", alAlnum, 70, 90, false, true},                        // xAI
	{"lsv2_pt_", "secret.vendor", alAlnum | aUnder, 40, 48, false, false},          // LangSmith
	{"lsv2_sk_", "secret.vendor", alAlnum | aUnder, 40, 48, false, false},          // LangSmith service key
	{"ATBB", "secret.vendor", alAlnum, 28, 40, false, true},                        // Bitbucket app password
	{"CCIPAT_", "secret.vendor", alAlnum | aUnder, 50, 70, false, true},            // CircleCI
	{"CCIPRJ_", "secret.vendor", alAlnum | aUnder, 50, 70, false, true},            // CircleCI project token
	{"squ_", "secret.vendor", alAlnum, 40, 40, true, false},                        // SonarQube user token
	{"sqp_", "secret.vendor", alAlnum, 40, 40, true, false},                        // SonarQube project token
	{"sqa_", "secret.vendor", alAlnum, 40, 40, true, false},                        // SonarQube global token
	{"CFPAT-", "secret.vendor", alB64URL, 43, 43, false, true},                     // Contentful
	{"sbp_", "secret.vendor", alAlnum, 40, 40, true, false},                        // Supabase
	{"napi_", "secret.vendor", alAlnum, 64, 64, false, false},                      // Neon
	{"dt0c01.", "secret.vendor", alUpperNo | aDot, 80, 100, false, false},          // Dynatrace
	{"v1.0-", "secret.vendor", alAlnum | aDash, 160, 180, false, false},            // Cloudflare Origin CA key
	{"y0_", "secret.vendor", alB64URL, 50, 64, false, true},                        // Yandex OAuth
	{"AKCp", "secret.vendor", alAlnum, 65, 75, false, true},                        // JFrog
	{"p8e-", "secret.vendor", alAlnum, 32, 32, false, true},                        // Adobe client secret
	{"sk.eyJ", "secret.vendor", alB64URL | aDot, 60, 300, false, false},            // Mapbox secret token
	{"1//0", "secret.google_oauth", alB64URL, 60, 300, false, true},                // Google refresh token
	{"glft-", "secret.gitlab", alB64URL, 20, 64, false, false},                     // GitLab feed token
	{"nsec1", "private_key.nostr", aLower | aDigit, 58, 58, false, false},          // Nostr secret key (bech32)
	{"access-production-", "secret.vendor", alAlnum | aDash, 36, 36, false, false}, // Plaid
}

// telegramBotToken: a Telegram bot token, <bot id: 8-10 digits>:AA<33
// base64url characters>, not glued to a word on either side. It returns
// the spans found through add.
func telegramBotTokens(s string, add func(a, b int)) {
	for off := 0; off < len(s); {
		k := strings.Index(s[off:], ":AA")
		if k < 0 {
			return
		}
		k += off
		off = k + 3
		d := k
		for d > 0 && k-d < 11 && isDigit(s[d-1]) {
			d--
		}
		if k-d < 8 || k-d > 10 || d > 0 && alpha[s[d-1]]&alB64URL != 0 {
			continue
		}
		e := runOf(s, k+1, alB64URL)
		if e-(k+1) != 35 || e < len(s) && alpha[s[e]]&alB64URL != 0 || !mixedAlnum(s[k+1:e]) {
			continue
		}
		add(d, e)
		off = e
	}
}

// vendorFirst marks bytes that start some vendor prefix; vendorBy lists
// the vendors by the first two bytes of their prefix.
var (
	vendorFirst [256]bool
	vendorBy    pairIndex[int]
)

func init() {
	for i, v := range vendors {
		vendorFirst[v.prefix[0]] = true
		vendorBy.add(v.prefix[0], v.prefix[1], i)
		vendorPairs.put(v.prefix[0], v.prefix[1])
	}
	vendorFirst['e'] = true // eyJ: JWT
	vendorFirst['M'] = true // MII...: DER private keys in base64
	vendorFirst['S'] = true // SG.: SendGrid
	vendorFirst['b'] = true // b3BlbnNzaC1rZXktdjE: OpenSSH private key body
	vendorPairs.put('e', 'y')
	vendorPairs.put('S', 'G')
	for c := 0; c < 256; c++ {
		vendorPairs.put('M', byte(c))
		vendorPairs.put('b', byte(c))
	}
	for c := 0; c < 256; c++ {
		if vendorFirst[c] {
			vendorStartFirst[c] = 1
		}
		if alpha[c]&alB64URL == 0 {
			vendorStartAfter[c] = 1
		}
	}
}

// nextStart tables for scanWords.
var (
	vendorStartFirst, vendorStartAfter [256]uint8
	vendorPairs                        pairSet // first two bytes of a token scanWords knows
)

// matchVendor tries every vendor prefix at s[i:]. It returns the end of the
// token and the detector name, or -1.
func matchVendor(s string, i int) (int, string) {
	rest := s[i:]
	if len(rest) < 16 {
		return -1, ""
	}
	for _, k := range vendorBy.get(rest[0], rest[1]) {
		v := &vendors[k]
		if len(rest) < len(v.prefix)+v.min || !strings.HasPrefix(rest, v.prefix) {
			continue
		}
		j := i + len(v.prefix)
		end := runOf(s, j, v.al)
		n := end - j
		if n < v.min || n > v.max {
			continue
		}
		// The token must end at a boundary: not inside a longer word.
		if end < len(s) && alpha[s[end]]&alB64URL != 0 {
			continue
		}
		body := s[j:end]
		if v.hex && !isHexRun(body) {
			continue
		}
		if v.mixed && !mixedAlnum(body) {
			continue
		}
		if placeholderBody(body) {
			continue
		}
		return end, v.name
	}
	if strings.HasPrefix(rest, "SG.") {
		if end := matchSendGrid(s, i); end > 0 {
			return end, "secret.sendgrid"
		}
	}
	return -1, ""
}

func matchSendGrid(s string, i int) int {
	j := i + 3
	a := runOf(s, j, alB64URL)
	if a-j != 22 || a >= len(s) || s[a] != '.' {
		return -1
	}
	b := runOf(s, a+1, alB64URL)
	if b-(a+1) != 43 {
		return -1
	}
	return b
}

// mixedAlnum: at least one letter and one digit, and both cases or 20+
// characters, so that words like "sk-spinner-circle" are not tokens.
func mixedAlnum(s string) bool {
	var up, lo, di int
	for i := 0; i < len(s); i++ {
		f := alpha[s[i]]
		switch {
		case f&aUpper != 0:
			up++
		case f&aLower != 0:
			lo++
		case f&aDigit != 0:
			di++
		}
	}
	return di > 0 && (up > 0 && lo > 0) && up+lo+di >= 20
}

// placeholderBody catches documentation tokens: "sk_live_xxxxxxxx",
// "ghp_YOUR_TOKEN", "AKIAIOSFODNN7EXAMPLE".
func placeholderBody(b string) bool {
	if distinctBytes(b, 8) < 6 {
		return true
	}
	return containsFoldAny(b, "xxxx", "your", "example", "placeholder", "dummy", "redacted", "changeme", "****", "....", "0000000")
}

func distinctBytes(s string, stop int) int {
	var seen [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			n++
			if n >= stop {
				return n
			}
		}
	}
	return n
}

// containsFold reports whether s contains the lower-case ASCII word w,
// ignoring ASCII case.
func containsFold(s, w string) bool {
	if len(w) == 0 {
		return true
	}
	f := w[0]
	for i := 0; i+len(w) <= len(s); i++ {
		c := s[i]
		if c|0x20 != f && c != f {
			continue
		}
		ok := true
		for k := 1; k < len(w); k++ {
			c := s[i+k]
			if c >= 'A' && c <= 'Z' {
				c += 32
			}
			if c != w[k] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func containsFoldAny(s string, ws ...string) bool {
	for _, w := range ws {
		if containsFold(s, w) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with the lower-case word p,
// ignoring ASCII case.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// matchJWT reads a JSON Web Token at s[i:] (which starts with "eyJ"): two
// or more base64url segments separated by dots, whose first segment
// decodes to a JSON header with "alg".
func matchJWT(s string, i int) int {
	if !strings.HasPrefix(s[i:], "eyJ") {
		return -1
	}
	h := runOf(s, i, alB64URL)
	if h-i < 10 || h >= len(s) || s[h] != '.' {
		return -1
	}
	p := runOf(s, h+1, alB64URL)
	if p-(h+1) < 2 {
		return -1
	}
	end := p
	if p < len(s) && s[p] == '.' {
		end = runOf(s, p+1, alB64URL)
		// JWE has five parts.
		for k := 0; k < 2 && end < len(s) && s[end] == '.'; k++ {
			end = runOf(s, end+1, alB64URL)
		}
	} else {
		return -1
	}
	if end < len(s) && (isAlnum(s[end]) || s[end] == '.') {
		return -1
	}
	var buf [768]byte
	hdr := s[i:h]
	if len(hdr) > 1000 {
		hdr = hdr[:1000]
	}
	n, err := base64.RawURLEncoding.Decode(buf[:], []byte(hdr)[:len(hdr)/4*4])
	if err != nil && n == 0 {
		return -1
	}
	if !strings.Contains(string(buf[:n]), `"alg"`) {
		// The header may have been cut at a 4-byte boundary before "alg":
		// decode the tail too.
		rest := hdr[len(hdr)/4*4:]
		m, _ := base64.RawURLEncoding.Decode(buf[n:], []byte(rest))
		if !strings.Contains(string(buf[:n+m]), `"alg"`) {
			return -1
		}
	}
	if publicJWTPayload(s[h+1 : p]) {
		return -1
	}
	return end
}

// publicJWTPayload: the payload segment of a JWT says it is made to be
// public: Supabase's anon key (issuer supabase, role anon) ships in every
// web app, and row-level security, not the key, guards the data. Its
// service_role key, and a signed-in user's token (role authenticated),
// stay secrets.
func publicJWTPayload(seg string) bool {
	if len(seg) < 20 || len(seg) > 600 {
		return false
	}
	var buf [456]byte
	n, _ := base64.RawURLEncoding.Decode(buf[:], []byte(seg[:len(seg)/4*4]))
	pl := compactJSON(buf[:n])
	return strings.Contains(pl, `"role":"anon"`) && strings.Contains(pl, `"iss":"supabase"`) &&
		!strings.Contains(pl, "service_role")
}

// compactJSON drops the spaces of a small JSON text (outside nothing:
// good enough to look for "name":"value" pairs).
func compactJSON(b []byte) string {
	o := b[:0]
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			o = append(o, c)
		}
	}
	return string(o)
}

// derPrivatePrefixes start base64 DER encodings of private keys.
var derPrivateMarks = []string{"IBADANBgkqhkiG9w0BAQEFAAS", "IBAAKCAQEA", "IBAAKCAgEA", "IBAAKBgQ", "MHcCAQEE", "MIGHAgEAMBMG", "b3BlbnNzaC1rZXktdjE"}

// matchDERKey reads a base64 private key body (PKCS#1, PKCS#8, SEC1 or
// OpenSSH) without PEM markers.
func matchDERKey(s string, i int) int {
	end := runOf(s, i, alB64Std)
	if end-i < 60 {
		return -1
	}
	head := s[i:min(end, i+40)]
	for _, m := range derPrivateMarks {
		if strings.Contains(head, m) {
			return end
		}
	}
	return -1
}

// pemPrivate finds PEM private keys ("-----BEGIN ... PRIVATE KEY-----",
// also with escaped newlines) in s. Public keys and certificates are not
// secrets and are skipped.
func pemPrivate(s string, fn func(start, end int)) {
	off := 0
	for {
		k := strings.Index(s[off:], "-----BEGIN ")
		if k < 0 {
			return
		}
		st := off + k
		lblStart := st + len("-----BEGIN ")
		le := strings.Index(s[lblStart:], "-----")
		if le < 0 || le > 40 {
			off = lblStart
			continue
		}
		label := s[lblStart : lblStart+le]
		after := lblStart + le + 5
		if !strings.HasSuffix(label, "PRIVATE KEY") && label != "PGP PRIVATE KEY BLOCK" {
			off = after
			continue
		}
		end := len(s)
		bodyEnd := len(s)
		if e := strings.Index(s[after:], "-----END "); e >= 0 {
			bodyEnd = after + e
			end = after + e + len("-----END ")
			if e2 := strings.Index(s[end:], "-----"); e2 >= 0 && e2 <= 40 {
				end += e2 + 5
			}
		}
		if pemBody(s[after:bodyEnd]) {
			fn(st, end)
		}
		off = end
		if off >= len(s) {
			return
		}
	}
}

// secretShape reports whether a value under a secret-like key looks like a
// credential: long enough, no spaces, not a placeholder, and random-looking.
func secretShape(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 16384 || isPlaceholder(s) || isBoolWord(s) {
		return false
	}
	var up, lo, di, ot, sp int
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			up++
		case c >= 'a' && c <= 'z':
			lo++
		case c >= '0' && c <= '9':
			di++
		case c == ' ' || c == '\t' || c == '\n':
			sp++
		default:
			ot++
		}
	}
	if sp > 0 {
		// A seed phrase: 12 or more lower-case words.
		if sp >= 11 && up == 0 && di == 0 && ot == 0 {
			return true
		}
		return false
	}
	if di == len(s) {
		return len(s) >= 8
	}
	classes := 0
	for _, n := range []int{up, lo, di, ot} {
		if n > 0 {
			classes++
		}
	}
	if classes < 2 {
		// One class of letters only: a word, unless long and random.
		return len(s) >= 24 && entropy(s) >= 3.5
	}
	if len(s) < 16 {
		return di > 0 && distinctBytes(s, 6) >= 6
	}
	return entropy(s) >= 3.0
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	var cnt [256]uint16
	n := len(s)
	if n > 4096 {
		n = 4096
	}
	for i := 0; i < n; i++ {
		cnt[s[i]]++
	}
	h := 0.0
	for _, c := range cnt {
		if c == 0 {
			continue
		}
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// isBoolWord: values that state a fact rather than hold a secret.
func isBoolWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "false", "yes", "no", "y", "n", "on", "off", "0", "1", "null", "nil", "none", "undefined",
		"enabled", "disabled", "set", "unset", "required", "optional", "present", "missing", "valid", "invalid",
		"empty", "n/a", "na", "-", "", "hidden", "visible", "shown", "strong", "weak", "medium", "good", "fair", "ok",
		"changed", "unchanged", "reset", "expired", "active", "inactive", "text", "password", "show", "hide",
		"string", "number", "object", "bearer", "basic", "unknown", "default", "custom", "manual", "auto":
		return true
	}
	return false
}

// isPlaceholder: documentation values, masks and template references.
func isPlaceholder(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	if sameRune(s) {
		return true
	}
	n := len(s)
	switch {
	case strings.HasPrefix(s, "${") && s[n-1] == '}',
		strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}"),
		s[0] == '<' && s[n-1] == '>',
		s[0] == '[' && s[n-1] == ']' && n < 40,
		strings.HasPrefix(s, "%(") || s == "%s",
		strings.HasPrefix(s, "process.env."),
		s[0] == '$' && n > 1 && isEnvName(s[1:]),
		hclReference(s), envReference(s):
		return true
	}
	if isEnvName(s) && strings.IndexByte(s, '_') > 0 && containsFoldAny(s, "key", "token", "secret", "password", "pass", "your") {
		return true // YOUR_API_KEY, API_TOKEN
	}
	return containsFoldAny(s, "xxxx", "your_", "your-", "yourapi", "your api", "your token", "your key",
		"_here", "-here", "replace_me", "replace-me", "replaceme", "changeme", "redacted", "[filtered]",
		"placeholder", "dummy", "example", "****", "••••")
}

func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func sameRune(s string) bool {
	if len(s) < 3 {
		return false
	}
	var first rune
	n := 0
	for _, r := range s {
		if n == 0 {
			first = r
		} else if r != first {
			return false
		}
		n++
	}
	// Masks repeat a symbol or x; "0000" and "1111" are real PINs.
	return n >= 3 && (first == 'x' || first == 'X' || first > 0x7f || !(first >= '0' && first <= '9' ||
		first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z'))
}

// pemBody reports whether a PEM body holds key material (at least 40
// base64 characters, escaped newlines aside), not "..." or a placeholder.
func pemBody(b string) bool {
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) && (b[i+1] == 'n' || b[i+1] == 'r') {
			i++
			continue
		}
		if alpha[c]&alB64Std != 0 {
			n++
		}
	}
	return n >= 40 && !containsFoldAny(b, "xxxx", "your", "placeholder", "....")
}
