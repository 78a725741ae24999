package guard

import "strings"

// URLs, query strings, form-encoded bodies and cookie headers.

func urlStop(c byte) bool { return urlStops[c] }

var urlStops [256]bool

func init() {
	for _, c := range []byte(" \t\n\r\"'<>`\\^{}|") {
		urlStops[c] = true
	}
}

// scanURLs finds every "scheme://" URL in s and inspects its userinfo,
// query, fragment and well-known secret paths.
func (w *walker) scanURLs(s string, depth int) {
	off := 0
	for off < len(s) {
		k := strings.Index(s[off:], "://")
		if k < 0 {
			return
		}
		k += off
		st := k
		for st > 0 && (isAlnum(s[st-1]) || s[st-1] == '+' || s[st-1] == '.' || s[st-1] == '-') {
			st--
		}
		end := k + 3
		for end < len(s) && !urlStop(s[end]) {
			end++
		}
		if st < k {
			w.scanURL(s, st, k, end, depth)
		}
		off = end
		if off <= k {
			off = k + 3
		}
	}
}

func (w *walker) scanURL(s string, st, colon, end, depth int) {
	scheme := s[st:colon]
	if strings.EqualFold(scheme, "otpauth") || strings.EqualFold(scheme, "otpauth-migration") {
		w.add(SecretToken, "secret.otpauth", st, end)
		return
	}
	a := colon + 3
	ae := a
	for ae < end && s[ae] != '/' && s[ae] != '?' && s[ae] != '#' {
		ae++
	}
	host := s[a:ae]
	if at := lastIndexByte(host, '@'); at >= 0 {
		ui := host[:at]
		if c := strings.IndexByte(ui, ':'); c >= 0 && c < len(ui)-1 {
			pw := ui[c+1:]
			if !isPlaceholder(pw) && !isPlaceholder(ui) && !userinfoWord(pw) {
				w.add(CredentialsInURL, "url.userinfo", a+c+1, a+at)
			}
		} else if c == len(ui)-1 && c > 0 {
			// "https://<api key>:@host": the key is the user, the
			// password empty (HTTP Basic with an API key).
			if u := w.decodeValue(ui[:c], false, depth); randomToken(u) || len(u) >= 20 && isHexRun(u) && !sameRune(u) {
				w.add(CredentialsInURL, "url.userinfo", a, a+c)
			}
		}
		host = host[at+1:]
	}
	q := indexByteFrom(s[:end], '?', ae)
	h := indexByteFrom(s[:end], '#', ae)
	pathEnd := end
	if q >= 0 {
		pathEnd = q
	}
	if h >= 0 && h < pathEnd {
		pathEnd = h
	}
	path := s[ae:pathEnd]
	if secretWebhook(host, path) || webhookPathSecret(host, path) {
		w.add(SecretToken, "secret.webhook_url", ae, pathEnd)
	}
	if len(path) > 4 {
		w.scanPathIDs(s, ae, pathEnd, depth)
	}
	if k := strings.IndexByte(path, ';'); k >= 0 {
		// ;jsessionid=... path parameters.
		w.scanPairs(s, ae+k+1, pathEnd, ';', false, false, depth)
	}
	savedApp := w.appLink
	w.appLink = appScheme(scheme)
	if q >= 0 {
		qe := end
		if h > q {
			qe = h
		}
		w.scanPairs(s, q+1, qe, '&', false, false, depth)
	}
	if h >= 0 && h+1 < end && strings.IndexByte(s[h:end], '=') > 0 {
		fs := h + 1
		if fs < end && s[fs] == '/' {
			// #/route?x=1 (single-page apps)
			if k := indexByteFrom(s[:end], '?', fs); k >= 0 {
				fs = k + 1
			}
		}
		w.scanPairs(s, fs, end, '&', false, false, depth)
	}
	w.appLink = savedApp
}

// pathIDWords are the path segments that name the national ID or bank
// account in the segment after them (/ssn/123456789, /users/cpf/<cpf>,
// /iban/<iban>). Plural collection names (/passports/<id>) hold a record's
// id, and short words that are also ordinary segments (run, fin, tin) are
// left out.
var pathIDWords = map[string]bool{
	"ssn": true, "social-security-number": true, "social_security_number": true, "sin": true, "nino": true,
	"ni-number": true, "bsn": true, "cpf": true, "cnpj": true, "curp": true, "pesel": true, "aadhaar": true,
	"aadhar": true, "dni": true, "nie": true, "nif": true, "personnummer": true, "hetu": true, "steuerid": true,
	"steuer-id": true, "codice-fiscale": true, "codicefiscale": true, "nir": true, "national-id": true,
	"national_id": true, "nationalid": true, "nric": true, "rrn": true, "tax-id": true, "taxid": true, "tax_id": true,
	"iban": true, "passport": true, "passport-number": true, "id-number": true, "national-insurance-number": true,
}

// pathIDPairs holds the first two bytes of the pathIDWords (either case),
// so that most segments are passed over by one lookup.
var pathIDPairs pairSet

func init() {
	for w := range pathIDWords {
		pathIDPairs.putFold(w[0], w[1])
	}
}

// scanPathIDs judges the segment after a path segment that names a
// national ID or an IBAN as under that key; a detection covers the segment.
func (w *walker) scanPathIDs(s string, ps, pe, depth int) {
	prev := kNone
	var name string
	for i := ps; i < pe; {
		if s[i] == '/' {
			i++
			continue
		}
		j := i
		for j < pe && s[j] != '/' && s[j] != ';' {
			j++
		}
		seg := s[i:j]
		switch {
		case prev != kNone:
			mark, key := len(w.hits), w.key
			w.key = name
			w.scanText(seg, prev, depth+1)
			w.key = key
			w.remap(mark, i, j, "path")
			prev = kNone
		case len(seg) >= 3 && len(seg) <= 26 && pathIDPairs.has(seg[0], seg[1]):
			var lb [26]byte
			for k := 0; k < len(seg); k++ {
				lb[k] = lower(seg[k])
			}
			if pathIDWords[string(lb[:len(seg)])] {
				if k, _ := w.kindOf(seg); k == kSSN || k == kNatID || k == kIBAN || k == kBank {
					prev, name = k, seg
				}
			}
		}
		if j < pe && s[j] == ';' {
			return
		}
		i = j
	}
}

// webhookPathSecret: an incoming-webhook URL carries its secret in the
// path (Microsoft Teams' *.webhook.office.com/webhookb2/..., Mattermost's
// and Rocket.Chat's /hooks/<token>, Zapier's hooks.zapier.com/hooks/catch/
// <id>/<token>, Make's hook.<zone>.make.com/<token>, IFTTT's maker.ifttt.com/trigger/<event>/with/key/<key>):
// a segment after hooks, webhook(s) or key that mixes letters and digits,
// 16+ bytes long (6+ on Zapier's and IFTTT's hosts), and is neither a UUID
// nor an API object's id (a webhook's id in a dashboard URL).
func webhookPathSecret(host, path string) bool {
	if makeHook(host) {
		// Make (formerly Integromat): hook.<zone>.make.com/<key>, the
		// key the whole path.
		seg := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
		return len(seg) >= 24 && strings.IndexByte(seg, '/') < 0 && mixesLettersDigits(seg)
	}
	if len(path) < 12 || !strings.Contains(path, "ook") && !strings.Contains(path, "/key/") {
		return false // no "hooks", "webhook", "Webhook" segment
	}
	minLen := 16
	if strings.EqualFold(host, "hooks.zapier.com") || strings.EqualFold(host, "maker.ifttt.com") {
		minLen = 6
	}
	after := false
	for p := path; p != ""; {
		seg := p
		if k := strings.IndexByte(p[1:], '/'); k >= 0 {
			seg, p = p[:k+1], p[k+1:]
		} else {
			p = ""
		}
		seg = strings.TrimPrefix(seg, "/")
		if after && len(seg) >= minLen && mixesLettersDigits(seg) && !inUUID(seg, 0, len(seg)) && !objectID(seg) {
			return true
		}
		switch strings.ToLower(seg) {
		case "hooks", "webhook", "webhooks", "webhookb2", "incomingwebhook", "key":
			after = true
		}
	}
	return false
}

// makeHook: the host of Make's custom webhooks (hook.eu1.make.com,
// hook.us1.make.com, and Integromat's hook.integromat.com before it).
func makeHook(host string) bool {
	if len(host) < 14 || !hasPrefixFold(host, "hook.") {
		return false
	}
	return strings.EqualFold(host, "hook.integromat.com") ||
		len(host) > len(".make.com") && strings.EqualFold(host[len(host)-len(".make.com"):], ".make.com")
}

// objectID: "we_1NxQ...", "wh_..." — an API object's id (a prefix of 2 to
// 5 lower-case letters and an underscore) names a webhook, not its secret.
func objectID(s string) bool {
	k := strings.IndexByte(s, '_')
	if k < 2 || k > 5 {
		return false
	}
	for i := 0; i < k; i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func mixesLettersDigits(s string) bool {
	var l, d bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			d = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			l = true
		case c == '-' || c == '_' || c == '@' || c == '.':
		default:
			return false
		}
	}
	return l && d
}

// asciiEqualFold: the ASCII strings a and lower (lower case, same length)
// are equal but for the case of letters.
func asciiEqualFold(a, lower string) bool {
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func secretWebhook(host, path string) bool {
	// Most hosts are none of these: an ASCII host of another length is
	// rejected without lower-casing it.
	ascii := true
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		// ASCII case folding is all strings.ToLower does to an ASCII
		// host: find the one name of the switch below it can be.
		if host == "" {
			return false
		}
		var name string
		switch host[0] | 0x20 {
		case 'h':
			name = "hooks.slack.com"
		case 'd':
			name = "discord.com"
			if len(host) == len("discordapp.com") {
				name = "discordapp.com"
			}
		case 'c':
			name = "canary.discord.com"
		case 'p':
			name = "ptb.discord.com"
		case 'o':
			name = "outlook.office.com"
			if len(host) == len("outlook.office365.com") {
				name = "outlook.office365.com"
			}
		case 'a':
			name = "api.telegram.org"
		}
		if len(host) != len(name) || !asciiEqualFold(host, name) {
			return false
		}
		host = name
	}
	switch strings.ToLower(host) {
	case "hooks.slack.com":
		return strings.HasPrefix(path, "/services/") || strings.HasPrefix(path, "/workflows/")
	case "discord.com", "discordapp.com", "canary.discord.com", "ptb.discord.com":
		return strings.HasPrefix(path, "/api/webhooks/")
	case "outlook.office.com", "outlook.office365.com":
		return strings.HasPrefix(path, "/webhook/")
	case "api.telegram.org":
		// The Bot API puts the bot's token in the path: /bot<id>:<secret>/method.
		p, ok := strings.CutPrefix(path, "/bot")
		if !ok {
			p, ok = strings.CutPrefix(path, "/file/bot")
		}
		c := strings.IndexByte(p, ':')
		return ok && c >= 6 && allDigits(p[:c]) && len(p)-c > 30
	}
	return false
}

// scanRelativeURL handles "/path?x=1" and "?x=1" values.
func (w *walker) scanRelativeURL(s string, depth int) {
	q := strings.IndexByte(s, '?')
	if q < 0 {
		return
	}
	end := len(s)
	for i := q; i < len(s); i++ {
		if urlStop(s[i]) {
			end = i
			break
		}
	}
	h := indexByteFrom(s[:end], '#', q)
	qe := end
	if h >= 0 {
		qe = h
	}
	w.scanPairs(s, q+1, qe, '&', false, false, depth)
	if h >= 0 && h+1 < end {
		w.scanPairs(s, h+1, end, '&', false, false, depth)
	}
}

func nameChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%' || c == '$'
}

// scanKV treats s as a form-encoded body (a=1&b=2) or a cookie header
// (a=1; b=2) when it has that shape.
func (w *walker) scanKV(s string, kind keyKind, p profile, depth int) {
	if kind == kCookie {
		return // keyHit already parsed it
	}
	if p.flags&pSpace == 0 {
		if !nameChar(s[0]) {
			return
		}
		sep := byte('&')
		if p.flags&pAmp == 0 && p.flags&pSemi != 0 {
			sep = ';'
		} else if p.flags&(pAmp|pSemi) == 0 && strings.IndexByte(s, ',') >= 0 {
			// "t=1492774577,v1=5f3a..." (webhook signature headers).
			sep = ','
		}
		w.scanPairs(s, 0, len(s), sep, false, sep == ';', depth)
		return
	}
	if p.flags&pSemi != 0 && strings.Contains(s, "; ") {
		w.scanPairs(s, 0, len(s), ';', true, true, depth)
	}
}

// scanCookie parses a Cookie / Set-Cookie value.
func (w *walker) scanCookie(s string) {
	if strings.IndexByte(s, '=') < 0 {
		if secretShape(s) {
			w.add(SecretToken, "key.cookie", 0, len(s))
		}
		return
	}
	w.scanPairs(s, 0, len(s), ';', true, true, 0)
}

// scanPairs parses name=value pairs in s[from:to] separated by sep and
// inspects each: the name classifies the value, and the decoded value is
// scanned in turn. Detections cover the raw value's span.
func (w *walker) scanPairs(s string, from, to int, sep byte, trim, cookie bool, depth int) {
	if depth >= maxDepth {
		return
	}
	i := from
	n := 0
	for i < to {
		j := indexByteFrom(s[:to], sep, i)
		if j < 0 {
			j = to
		}
		seg0 := i
		if trim {
			for seg0 < j && s[seg0] == ' ' {
				seg0++
			}
		}
		eq := indexByteFrom(s[:j], '=', seg0)
		if eq > seg0 {
			name := s[seg0:eq]
			ok := true
			for k := 0; k < len(name) && ok; k++ {
				ok = nameChar(name[k]) || cookie && name[k] != ' ' && name[k] != ','
			}
			if ok && len(name) <= 128 {
				w.pair(s, name, eq+1, j, cookie, depth)
			}
		}
		i = j + 1
		n++
		if n > 512 {
			return
		}
	}
}

// special parameter names that carry credentials whatever their value.
func paramSpecial(name string) (det string, min int) {
	switch name {
	case "code", "auth_code", "authorization_code", "oauth_code":
		return "url.param", 6
	case "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature",
		"x-goog-credential", "x-goog-security-token", "oauth_signature", "hmac", "policy":
		return "secret.signed_url", 8
	case "jsessionid", "phpsessid", "sessionid", "session", "sid", "session_token", "ticket", "st", "key",
		"apikey", "api-key", "access-token", "accesstoken", "token", "t", "auth", "secret":
		return "url.param", 0
	}
	return "", 0
}

// plainName: a parameter name that decoding and lower-casing leave as it
// is (no '%', no upper-case letter, at most the 128 bytes pair keeps), so
// that pair copies it in one move.
func plainName(n string) bool {
	if len(n) > 128 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; c == '%' || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// Bits of paramBits: what a parameter name says whatever its key kind.
const (
	parMagic  uint8 = 1 << iota // magicLinkParam
	parCode                     // paramSpecial: "url.param", at least 6 bytes
	parSigned                   // paramSpecial: "secret.signed_url", at least 8 bytes
	parToken                    // paramSpecial: "url.param", any secret-shaped value
)

// paramBits computes, once per name in the key cache (kindEntry.param),
// what magicLinkParam and paramSpecial say about the name.
func paramBits(name string) uint8 {
	var b uint8
	if magicLinkParam(name) {
		b |= parMagic
	}
	switch det, min := paramSpecial(name); {
	case det == "url.param" && min == 6:
		b |= parCode
	case det == "secret.signed_url" && min == 8:
		b |= parSigned
	case det == "url.param" && min == 0:
		b |= parToken
	}
	return b
}

// paramSpecialOf is paramSpecial from the name's paramBits.
func paramSpecialOf(b uint8) (det string, min int) {
	switch {
	case b&parCode != 0:
		return "url.param", 6
	case b&parSigned != 0:
		return "secret.signed_url", 8
	case b&parToken != 0:
		return "url.param", 0
	}
	return "", 0
}

func (w *walker) pair(s, rawName string, vs, ve int, cookie bool, depth int) {
	if ve <= vs {
		return
	}
	// Lower-case, percent-decoded name.
	// The name is decoded into this depth's buffer (walker-owned, so that
	// nothing here escapes to the heap per call).
	// The name is copied even when decoding leaves it as it is: s may be
	// this depth's decoding buffer (a cookie value found inside a decoded
	// parameter), which decodeValue below overwrites.
	nb := w.names[depth][:0]
	if plainName(rawName) {
		nb = append(nb, rawName...)
	} else {
		for k := 0; k < len(rawName) && len(nb) < 128; k++ {
			c := rawName[k]
			if c == '%' && k+2 < len(rawName) && isHex(rawName[k+1]) && isHex(rawName[k+2]) {
				c = unhex(rawName[k+1])<<4 | unhex(rawName[k+2])
				k += 2
			}
			if c >= 'A' && c <= 'Z' {
				c += 32
			}
			nb = append(nb, c)
		}
	}
	w.names[depth] = nb[:0]
	name := b2s(nb)
	if cookie {
		// Cookie names may be prefixed: __Secure-, __Host-.
		name = strings.TrimPrefix(strings.TrimPrefix(name, "__secure-"), "__host-")
	}
	raw := s[vs:ve]
	// A value of base64 with its '=' padding written raw was not
	// form-encoded (the encoder writes %3D): its '+' stays a '+'
	// (SharedAccessKey=..., AccountKey=... in connection strings).
	val := w.decodeValue(raw, !cookie && !rawBase64Padded(raw), depth)
	if w.isToken(val) {
		return
	}
	// The name's kind and what it says as a parameter name, from the key
	// cache: one lookup instead of the name switches per parameter.
	kk, ke := w.kindEntry(name)
	kind, sens := w.projectKind(name, kk)
	var pb uint8
	if ke != nil {
		pb = ke.param
	} else {
		pb = paramBits(name)
	}
	mark := len(w.hits)
	if sens && strings.IndexByte(rawName, '%') >= 0 && vs > len(rawName) {
		// A percent-encoded name that decodes to a sensitive value
		// ("4111%201111%201111%201111=1"): the text scan cannot see it.
		w.scanText(name, kNone, depth+1)
		w.remap(mark, vs-1-len(rawName), vs-1, "name")
		mark = len(w.hits)
	}
	if cookie && (kind == kCookie || kind == kNone && cookieSecretName(name)) {
		if t := strings.TrimSpace(val); len(t) >= 8 && (strings.HasPrefix(t, robloxWarning) || !isPlaceholder(t) && !isBoolWord(t)) {
			w.add(SecretToken, "secret.session_cookie", 0, len(val))
		}
		kind = kNone
	} else if t := strings.TrimSpace(val); (pb&parMagic != 0 || w.appLink && appLinkSecretName(name)) && randomToken(t) {
		// A sign-in link's one-time token (?magic=, ?login_token=), and
		// any random token a custom-scheme deep link carries in a
		// parameter named for a token, code or key.
		w.add(SecretToken, "url.magic_link", 0, len(val))
	} else if name == "samlresponse" && samlMessage(val) {
		// A SAML Response carries the IdP's signed assertion: a bearer
		// credential for the service provider until it expires.
		w.add(SecretToken, "secret.saml_response", 0, len(val))
	} else if det, minLen := paramSpecialOf(pb); det == "secret.signed_url" && name == "signature" && samlSignedRequest(s) {
		// The redirect binding's Signature over a SAMLRequest (an
		// AuthnRequest or LogoutRequest) proves who asked; it grants
		// nothing, as a webhook signature does not.
	} else if det != "" {
		t := strings.TrimSpace(val)
		shapeOK := false
		switch {
		case minLen > 0:
			shapeOK = len(t) >= minLen && !isPlaceholder(t) && !isBoolWord(t) && !strings.Contains(t, "://")
		default:
			// "?t=1718200000": a short name holding a number is a
			// timestamp or a counter. A one-letter name ("t") holds a
			// credential only when it is as long as one (32 bytes and
			// more): shorter, it is a share link's tracking id (X's
			// "?s=20&t=<22 characters>"), a time offset or a tab.
			shapeOK = secretShape(t) && !(len(name) <= 3 && allDigits(t)) && !(len(name) == 1 && len(t) < 32)
		}
		if shapeOK {
			w.add(SecretToken, det, 0, len(val))
		}
	}
	sub := len(w.hits)
	w.scanText(val, kind, depth+1)
	// What the parameter's name said is reported as a parameter finding.
	for i := sub; i < len(w.hits); i++ {
		if strings.HasPrefix(w.hits[i].det, "key.") {
			w.hits[i].det = "url.param"
		}
	}
	w.remap(mark, vs, ve, "param")
}

func cookieSecretName(name string) bool {
	return containsFoldAny(name, "sess", "sid", "token", "auth", "jwt", "remember", "csrf", "xsrf", "logged_in",
		"secret", "login") || vendorSessionCookie(name)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// needsDecode reports whether raw holds a '%' (or, with plus, a '+'):
// one loop over a short value (most parameter values) instead of a search
// for each byte.
func needsDecode(raw string, plus bool) bool {
	if len(raw) > 32 {
		return strings.IndexByte(raw, '%') >= 0 || plus && strings.IndexByte(raw, '+') >= 0
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '%' || plus && c == '+' {
			return true
		}
	}
	return false
}

// decodeValue percent-decodes raw (and turns '+' into a space when plus
// is set) into the scratch buffer of this depth.
func (w *walker) decodeValue(raw string, plus bool, depth int) string {
	if !needsDecode(raw, plus) {
		return raw
	}
	buf := w.dec[depth+1][:0]
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		switch {
		case c == '%' && k+2 < len(raw) && isHex(raw[k+1]) && isHex(raw[k+2]):
			c = unhex(raw[k+1])<<4 | unhex(raw[k+2])
			k += 2
		case c == '+' && plus:
			c = ' '
		}
		buf = append(buf, c)
	}
	w.dec[depth+1] = buf[:0]
	return b2s(buf)
}

// customRules runs the project's own rules whose keywords occur in the
// key or the value.
func (w *walker) customRules(s string) {
	for i := range w.c.rules {
		r := &w.c.rules[i]
		found := false
		for _, k := range r.keywords {
			if containsFold(w.key, k) || containsFold(s, k) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		for _, loc := range r.re.FindAllStringIndex(s, 16) {
			if loc[1] > loc[0] {
				w.hits = append(w.hits, hit{class: r.class, det: r.det, start: loc[0], end: loc[1], rule: i + 1})
			}
		}
	}
}

// userinfoWord: documentation passwords in connection strings
// ("postgres://USER:PASSWORD@HOST").
func userinfoWord(pw string) bool {
	switch strings.ToLower(pw) {
	case "password", "pass", "passwd", "pwd", "pw", "secret", "changeme", "yourpassword", "mypassword", "pass123",
		"password123", "p@ssw0rd", "p%40ssw0rd", "xxx", "***", "token", "apikey", "api_key", "key":
		return true
	}
	return false
}

// appScheme reports whether scheme is an app's own (myapp://), not a web
// or file transfer protocol.
func appScheme(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "http", "https", "ws", "wss", "ftp", "ftps", "sftp", "file", "data", "blob", "about", "chrome",
		"chrome-extension", "moz-extension", "android-app", "ios-app":
		return false
	}
	return scheme != "" && !strings.Contains(scheme, "+")
}

// magicLinkParam names the query parameters of sign-in ("magic") links.
func magicLinkParam(name string) bool {
	switch name {
	case "magic", "magic_token", "magictoken", "magic_link", "magiclink", "magic_code", "magic_link_token",
		"login_token", "logintoken", "signin_token", "sign_in_token", "login_link_token", "one_time_token",
		"onetimetoken", "ott", "email_token", "link_token", "auth_link":
		return true
	}
	return false
}

// appLinkSecretName: a deep-link parameter whose name says it carries a
// credential.
func appLinkSecretName(name string) bool {
	return containsFoldAny(name, "token", "code", "magic", "otp", "secret", "key", "auth", "login", "session")
}

// samlSignedRequest: s holds a SAML redirect-binding request
// (SAMLRequest=...&SigAlg=...&Signature=...) and no SAMLResponse.
func samlSignedRequest(s string) bool {
	return strings.Contains(s, "SAMLRequest=") && !strings.Contains(s, "SAMLResponse=")
}

// samlMessage: v (a decoded SAMLResponse parameter) is a base64 SAML
// message: 40+ characters of the base64 alphabet ("PHNhbWxwOlJlc3Bvbn..."
// for the POST binding, deflated bytes for the redirect binding).
func samlMessage(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 40 || isPlaceholder(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		// A form decoder may have turned the base64 '+' into a space.
		if alpha[v[i]]&alB64Std == 0 && v[i] != ' ' {
			return false
		}
	}
	return true
}

// rawBase64Padded: raw is 16+ characters of standard base64 ending in '='.
func rawBase64Padded(raw string) bool {
	return len(raw) >= 16 && raw[len(raw)-1] == '=' && runOf(raw, 0, alB64Std) == len(raw)
}
