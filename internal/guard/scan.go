package guard

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/piidetect"
)

// maxDepth bounds how many encodings (stringified JSON, base64, URL
// parameters...) the guard unwraps inside one value.
const maxDepth = 4

// maxScan bounds the bytes of one value that value detectors read; a value
// longer than that is still inspected by key rules and on its first
// maxScan bytes. Properties are limited well below this by the ingest path.
const maxScan = 1 << 20

// hit is one detection inside the value being scanned.
type hit struct {
	class Class
	det   string
	start int // span of the sensitive part, relative to the scanned value
	end   int
	rm0   int // for container strings ($elements_chain): span removed on drop_property
	rm1   int
	rule  int // 1-based custom rule index, 0 for built-in detectors
}

// profileOf counts digits by adding the pDigit bit: it must be bit 0.
const _ uint32 = -(pDigit - 1)

// Byte-profile flags.
const (
	pDigit uint32 = 1 << iota
	pUpper
	pLower
	pAt
	pColon
	pSlash
	pEq
	pAmp
	pPct
	pSemi
	pSpace
	pDash
	pUnder
	pDot
	pPlus
	pOpen // { or [
	pQuest
	pHigh
	pHash
	pOther
	pAngle // < or > (set with pOther)
	pQuote // ' or " (set with pOther)
)

var profTable [256]uint32

func init() {
	for i := 0; i < 256; i++ {
		c := byte(i)
		var f uint32
		switch {
		case c >= '0' && c <= '9':
			f = pDigit
		case c >= 'A' && c <= 'Z':
			f = pUpper
		case c >= 'a' && c <= 'z':
			f = pLower
		case c >= 0x80:
			f = pHigh
		default:
			switch c {
			case '@':
				f = pAt
			case ':':
				f = pColon
			case '/':
				f = pSlash
			case '=':
				f = pEq
			case '&':
				f = pAmp
			case '%':
				f = pPct
			case ';':
				f = pSemi
			case ' ', '\t', '\n', '\r':
				f = pSpace
			case '-':
				f = pDash
			case '_':
				f = pUnder
			case '.':
				f = pDot
			case '+':
				f = pPlus
			case '{', '[':
				f = pOpen
			case '?':
				f = pQuest
			case '#':
				f = pHash
			case '<', '>':
				f = pOther | pAngle
			case '\'', '"':
				f = pOther | pQuote
			default:
				f = pOther
			}
		}
		profTable[i] = f
	}
}

type profile struct {
	flags  uint32
	digits int
	b64    bool // every byte is in the base64 (standard or URL) alphabet
}

func profileOf(s string) profile {
	var f uint32
	nd := 0
	for i := 0; i < len(s); i++ {
		x := profTable[s[i]]
		f |= x
		nd += int(x & pDigit) // pDigit is bit 0, set for digits only
	}
	return profileFrom(f, nd)
}

// profileFrom is the profile of a value whose bytes' profTable entries or
// to f and which holds nd digits.
func profileFrom(f uint32, nd int) profile {
	return profile{flags: f, digits: nd, b64: f&^(pDigit|pUpper|pLower|pSlash|pPlus|pEq|pDash|pUnder) == 0}
}

// s2b views s as bytes, for reading only.
func s2b(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// walker carries the state of one Event or Profile call. Walkers are
// pooled; only the key cache and the clean-value memo outlive a call.
type walker struct {
	c       *Checker
	a       *fastjson.Arena
	hits    []hit
	path    []byte
	out     []event.Finding
	first   int
	drop    bool
	meta    event.Finding // ProjectID, DistinctID, Event, Lib, LibVersion
	digits  []byte
	dec     [maxDepth + 2][]byte
	names   [maxDepth + 2][]byte
	parsers [maxDepth + 2]fastjson.Parser // scanText's stringified JSON, by encoding depth
	// trees[d] holds the stringified JSON that nestedJSON walks at jdepth
	// d. It is apart from parsers because a value inside that tree is
	// scanned from depth 0 again: sharing one array let a nested value
	// that looked like JSON reset the parser of the tree being walked.
	trees     [maxDepth + 2]fastjson.Parser
	repl      []byte
	key       string               // key of the value being scanned, for custom rules
	panSeen   bool                 // a card number was found in the current object
	appLink   bool                 // the query being read is a custom-scheme deep link's
	cardParts []cardPart           // splitCard's buffer
	curObj    *fastjson.Object     // the object whose members walkObject visits (parallel arrays)
	address   bool                 // the current object is a postal address (its pincode is India's postal code)
	kinds     map[string]kindEntry // kindOf cache; per walker, so no locking
	kslots    [kindSlots]kindEntry // two-way, in front of kinds
	kindGen   int                  // counts resets of kinds (see memberPre)
	// builtinOnly: scanning for the key cache, which every project's
	// checker shares: no token exemption, no custom rules.
	builtinOnly bool
	num         []byte
	memo        memo
	found       int // findings made, counted before de-duplication

	// Scan's own parser, arena and buffers.
	rawp      fastjson.Parser
	scanArena fastjson.Arena
	members   []member
	one       []byte

	// Stringified JSON values are walked like properties, with findings at
	// the holding property's path (nestedPath) and the outcome gathered in
	// nestedDrop and nestedChanged.
	jdepth        int
	nestedPath    string
	nestedDrop    bool
	nestedChanged bool
}

// maxKindCache bounds the per-walker key cache (keys are client input).
const (
	maxKindCache = 8192
	maxCachedKey = 96
)

// kSensKey marks, in the key cache, a key whose text is itself a
// sensitive value (an e-mail address or a card number used as a key).
const kSensKey keyKind = 0x80

// kPanKey marks, in the key cache, a key in which the built-in detectors
// find a card number: meeting the key counts as a card in its object (a
// card expiry next to it is card data), whether or not the cache answers.
const kPanKey keyKind = 0x40

// kKeyFlags are the cache's marks, above every keyKind.
const kKeyFlags = kSensKey | kPanKey

// Every keyKind is below the marks (a compile error otherwise).
var _ = [kPanKey - kMaxKind]struct{}{}

// kindEntry is a cached key classification: the cloned key, its kind and
// kSensKey when the built-in value detectors find something in the key.
type kindEntry struct {
	key   string
	kind  keyKind
	ctx   uint8     // keyContext(key)
	param uint8     // paramBits(key): the key as a query parameter's name
	card  bool      // cardWordHint(key)
	stats *keyStats // how often the memo knew the key's values
}

// kindSlots is the size of the walker's key cache (pairs of slots), in
// front of the map (a power of two).
const kindSlots = 512

// kindSlot picks a key's slot from its length and three of its bytes: much
// cheaper than a map's hash, and property names differ there.
func kindSlot(k string) int {
	n := len(k)
	h := uint64(n)
	if n > 0 {
		h |= uint64(k[0])<<8 | uint64(k[n-1])<<16 | uint64(k[n/2])<<24 | uint64(k[n/3])<<32
	}
	h *= 0x9E3779B97F4A7C15
	return int(h >> (64 - 9))
}

// kindOf is classifyKey with a cache (property names repeat across
// events); sens reports that the key itself holds a sensitive value.
//
// Walkers are shared by every project's checker, so the cache holds only
// what does not depend on the project: the key's kind and what the
// built-in detectors find in it. The project's token and custom rules are
// applied to the key here, after the cache.
func (w *walker) kindOf(k string) (kind keyKind, sens bool) {
	return w.projectKind(k, w.cachedKind(k))
}

// projectKind applies the project's token and custom rules to kk, k's
// cached classification with its marks (see kindOf); a key holding a card
// number counts as a card in its object.
func (w *walker) projectKind(k string, kk keyKind) (kind keyKind, sens bool) {
	kind, sens = kk&^kKeyFlags, kk&kSensKey != 0
	if kk&kPanKey != 0 {
		w.panSeen = true
	}
	if sens && w.c.token != "" && strings.Contains(k, w.c.token) {
		sens = w.keyHolds(k) // the project's token is never a finding
	}
	if !sens && len(w.c.rules) > 0 && len(k) >= 6 {
		mark, key := len(w.hits), w.key
		w.key = k
		w.customRules(k)
		w.key = key
		sens = len(w.hits) > mark
		w.hits = w.hits[:mark]
	}
	return kind, sens
}

// keyInfo returns key k's cached classification (kSensKey included) and
// its memo statistics (nil when the key is not cached: then the memo is
// always asked).
func (w *walker) keyInfo(k string) (keyKind, *keyStats) {
	kk, e := w.kindEntry(k)
	if e == nil {
		return kk &^ kPanKey, nil
	}
	return kk &^ kPanKey, e.stats
}

// cachedKind is k's cached classification, marks included.
func (w *walker) cachedKind(k string) keyKind {
	kk, _ := w.kindEntry(k)
	return kk
}

// kindEntry returns k's classification and its cache entry (nil when k
// is not cached). The slots are two-way: a key is looked for in both
// slots of its pair, and a new key takes the first, moving the one there
// to the second.
func (w *walker) kindEntry(k string) (keyKind, *kindEntry) {
	if k == "" {
		return classifyKey(k), nil // an empty slot holds the empty key
	}
	i := kindSlot(k) &^ 1
	if s := &w.kslots[i]; s.key == k {
		return s.kind, s
	}
	if s := &w.kslots[i+1]; s.key == k {
		return s.kind, s
	}
	if e, ok := w.kinds[k]; ok {
		return e.kind, w.putKind(i, e)
	}
	kk := classifyKey(k)
	builtin, pan := w.builtinOnly, w.panSeen
	w.builtinOnly, w.panSeen = true, false
	if w.keyHolds(k) {
		kk |= kSensKey
		if w.panSeen {
			kk |= kPanKey
		}
	}
	w.builtinOnly, w.panSeen = builtin, pan
	if len(k) > maxCachedKey {
		return kk, nil
	}
	if w.kinds == nil || len(w.kinds) >= maxKindCache {
		w.kinds = make(map[string]kindEntry, 256)
		w.kslots = [kindSlots]kindEntry{}
		w.kindGen++
	}
	e := kindEntry{key: strings.Clone(k), kind: kk, stats: new(keyStats), ctx: keyContext(k), card: cardWordHint(k), param: paramBits(k)}
	w.kinds[e.key] = e
	return kk, w.putKind(i, e)
}

func (w *walker) putKind(i int, e kindEntry) *kindEntry {
	w.kslots[i+1] = w.kslots[i]
	w.kslots[i] = e
	return &w.kslots[i]
}

// keyClass is classifyKey(k) through the key cache, with no side effect
// (filling the cache leaves the walker's card note as it was).
func (w *walker) keyClass(k string) keyKind {
	return w.cachedKind(k) &^ kSensKey
}

// isToken: s is the project's token (public: never a finding). Inside
// the project-independent key cache no string is.
func (w *walker) isToken(s string) bool {
	return w.c.token != "" && s == w.c.token && !w.builtinOnly
}

// keyHolds runs the value detectors (no decoding) on a key's text.
func (w *walker) keyHolds(k string) bool {
	if len(k) < 6 {
		return false
	}
	mark := len(w.hits)
	w.scanText(k, kNone, maxDepth)
	found := len(w.hits) > mark
	w.hits = w.hits[:mark]
	return found
}

// maxHits bounds the detections kept per call; past it, a value's
// detections collapse onto the whole value (see rebuild).
const maxHits = 1024

func (w *walker) add(class Class, det string, start, end int) {
	if len(w.hits) >= maxHits {
		// Keep the class and detector (for the finding), but cover the
		// whole value: nothing found is left behind unredacted.
		w.hits[len(w.hits)-1].start, w.hits[len(w.hits)-1].end = 0, 1<<30
		w.hits[len(w.hits)-1].rm0, w.hits[len(w.hits)-1].rm1 = 0, 0
		if w.hits[len(w.hits)-1].class != class {
			w.hits = append(w.hits, hit{class: class, det: det, start: 0, end: 1 << 30})
		}
		return
	}
	w.hits = append(w.hits, hit{class: class, det: det, start: start, end: end})
}

// dropClass removes the hits of class c from hits[mark:].
func (w *walker) dropClass(mark int, c Class) {
	k := mark
	for _, h := range w.hits[mark:] {
		if h.class != c {
			w.hits[k] = h
			k++
		}
	}
	w.hits = w.hits[:k]
}

// scanText runs every applicable detector on s and appends hits with spans
// relative to s. kind is what the key says about s.
func (w *walker) scanText(s string, kind keyKind, depth int) {
	if s == "" || depth > maxDepth {
		return
	}
	if w.isToken(s) {
		return
	}
	if len(s) > maxScan {
		// Detectors read the first maxScan bytes; what they find there
		// at the cut covers the rest of the value too.
		mark, full := len(w.hits), len(s)
		cut := s[:maxScan]
		defer func() {
			for i := mark; i < len(w.hits); i++ {
				if w.hits[i].end >= len(cut) {
					w.hits[i].end = full
				}
			}
		}()
		s = cut
	}
	// A value of 16 to maxMasked bytes is profiled and its word starts
	// found in one pass (the word scanners' starts are read below only
	// for the scanners that run).
	var p profile
	var ws wordStarts
	masked := len(s) >= minProfileMasks && len(s) <= maxMasked
	if masked {
		p, ws = profileMasks(s)
	} else {
		p = profileOf(s)
	}
	if kind.sensitive() || kind == kPhone || kind == kCardParent || kind == kTyped {
		w.keyHit(s, kind, &p)
	}
	if len(w.c.rules) > 0 && !w.builtinOnly {
		w.customRules(s)
	}
	if len(s) < 6 {
		return
	}
	f := p.flags
	mark0, pan0 := len(w.hits), w.panSeen
	if p.digits >= 12 {
		scanCards(s, w.digits[:0], func(a, b int) {
			if inUUID(s, a, b) || inTraceOrDSN(s, a, b) {
				return
			}
			w.add(PaymentCard, "card.pan", a, b)
			w.panSeen = true
			w.cardExtras(s, b)
		})
	}
	if p.digits >= 6 && len(s) >= 9 && !(kind == kNatID && failsIDCheck(w.key, strings.TrimSpace(s))) {
		// A value failing the check of the format its key names is not
		// taken for another country's ID that it happens to pass.
		w.scanIDs(s, f)
	}
	if len(w.hits) > mark0 && otherCodeValue(w.key, s) {
		// A friend code, match id or barcode number is what its key says.
		w.hits, w.panSeen = w.hits[:mark0], pan0
	} else if w.panSeen && !pan0 && kind != kCard && kind != kCardParent && nonCardNumberKey(w.key) && idValue(s) {
		// An id of card length that passes Luhn by chance.
		w.dropClass(mark0, PaymentCard)
		w.panSeen = false
	}
	if f&pAt != 0 {
		piidetect.Emails(s, func(a, b int) { w.add(Email, "email.address", a, b) })
	}
	// The phone scan looks only where a '+', '-' or '.' is (its own
	// pre-check, mayHavePhone): the profile says when there is none.
	if f&(pPlus|pDigit) != 0 && p.digits >= 8 && kind != kPhone && f&(pPlus|pDash|pDot) != 0 {
		piidetect.Phones(s, func(a, b int) { w.add(Phone, "phone.number", a, b) })
	}
	// The word scanners' first starts, in one pass over s.
	var want uint8
	if len(s) >= 16 && f&(pUpper|pLower) != 0 {
		want |= wsVendor
	}
	phrases := len(s) >= 8 && f&(pEq|pColon|pSpace|pHigh) != 0 && kind != kPassword && kind != kPwd
	if phrases {
		want |= wsPhrase
		if p.digits >= 4 {
			want |= wsBank
		}
	}
	if want != 0 && !masked {
		ws = findWordStarts(s, want)
	}
	if want&wsVendor != 0 && ws.vendor < len(s) {
		w.scanWords(s, ws.vendor, &ws)
	}
	if len(s) >= 44 && f&pColon != 0 && f&pDigit != 0 {
		telegramBotTokens(s, func(a, b int) { w.add(SecretToken, "secret.telegram_bot", a, b) })
	}
	if f&(pSemi|pAngle|pHigh) != 0 || len(s) >= 80 && f&pSpace != 0 {
		w.scanTextForms(s, f, kind, depth)
	}
	if f&pColon != 0 && f&(pSpace|pAt) != 0 && len(s) >= 16 {
		// Key files and raw responses are multi-line texts; an Oracle
		// connect string has user/password@. (URLs have neither.)
		w.scanTextForms6(s, f)
		if len(s) >= 60 && strings.Contains(s, "untrusted comment:") {
			signifySecret(s, func(a, b int) { w.add(PrivateKey, "private_key.keyfile", a, b) })
		}
	}
	if f&pDash != 0 && len(s) >= 40 {
		pemPrivate(s, func(a, b int) { w.add(PrivateKey, "private_key.pem", a, b) })
		if len(s) >= 100 && strings.Contains(s, "---- BEGIN SSH2 ") {
			ssh2Private(s, func(a, b int) { w.add(PrivateKey, "private_key.keyfile", a, b) })
		}
		if len(s) >= 120 && f&pColon != 0 && strings.IndexByte(s, '|') >= 0 {
			robloxCookies(s, func(a, b int) { w.add(SecretToken, "secret.roblox_cookie", a, b) })
		}
	}
	if f&pSpace != 0 && len(s) >= 14 {
		w.scanAuthSchemes(s, kind)
	}
	if len(s) >= 8 && f&pSpace != 0 && kind != kPassword && kind != kPwd {
		if f&(pEq|pColon) != 0 {
			w.scanConfigLines(s)
			w.scanInlinePairs(s)
		} else if strings.IndexByte(s, '\n') > 0 {
			// Space-separated directives need no '=' or ':'
			// (redis.conf's "requirepass ...", slapd.conf's "rootpw ...").
			w.scanConfigLines(s)
		}
	}
	if len(s) >= 12 && p.digits >= 5 && f&pSpace != 0 && kind != kPassword && kind != kPwd {
		w.scanFieldNames(s)
	}
	if len(s) >= 20 && f&pSpace != 0 && kind != kPassword && kind != kPwd {
		if f&(pQuote|pOpen) != 0 || p.digits >= 4 {
			w.scanRejectedValues(s)
		}
		if p.digits >= 4 {
			w.scanIDNamesInLines(s)
		}
		if f&pQuote != 0 {
			w.scanQuotedPairs(s)
		}
		if f&(pColon|pSemi) == pColon|pSemi && len(s) >= 40 {
			w.scanMultipart(s)
		}
	}
	if len(s) >= 20 && f&pSpace != 0 && kind != kPassword && kind != kPwd {
		w.scanSQLPasswords(s)
		if sqlInsertHint(s) {
			w.scanSQLInserts(s)
		}
		if strings.IndexByte(s, '\n') > 0 {
			w.scanCSV(s)
		}
	}
	if len(s) >= 12 && f&pColon != 0 && strings.Count(s, ":") >= 4 {
		w.scanPgpass(s)
	}
	if len(s) >= 8 && f&pSpace != 0 && kind != kPassword && kind != kPwd {
		if f&pEq != 0 || f&pDash != 0 && (strings.Contains(s, " -") || strings.Contains(s, "\",\"-") || strings.Contains(s, "\", \"-")) ||
			f&pSlash != 0 && (f&pAt != 0 || strings.Contains(s, " /") || oracleProgram(firstWord(s))) ||
			strings.IndexByte(s, '|') >= 0 {
			w.scanCommandLine(s)
		}
	}
	if len(s) >= 12 && f&pSlash != 0 && f&pAngle != 0 && kind != kPassword && kind != kPwd && (strings.Contains(s, "</") || strings.Contains(s, "/>")) {
		w.scanXML(s)
	}
	if phrases {
		if ws.phrase < len(s) {
			w.scanPasswordPhrases(s, ws.phrase, &ws)
		}
		if p.digits >= 4 && ws.bank < len(s) {
			w.scanBankPhrases(s, ws.bank, &ws)
		}
	}
	urlish := false
	if f&pColon != 0 && f&pSlash != 0 && strings.Contains(s, "://") {
		urlish = true
		w.scanURLs(s, depth)
	} else if f&pQuest != 0 && f&pEq != 0 && (s[0] == '/' || s[0] == '?' || kind == kURL) {
		urlish = true
		w.scanRelativeURL(s, depth)
	}
	if !urlish && f&pEq != 0 {
		w.scanKV(s, kind, p, depth)
	}
	if depth < maxDepth {
		if f&pPct != 0 && !urlish && containsFold(s, "%3a%2f%2f") {
			// A whole URL percent-encoded once more (redirect targets).
			mark := len(w.hits)
			w.scanText(w.decodeValue(s, false, depth), kURL, depth+1)
			w.remap(mark, 0, len(s), "pct")
		}
		if f&pOpen != 0 && (s[0] == '{' || s[0] == '[' || s[0] == ' ') {
			w.scanJSONText(s, depth)
		}
		if p.b64 && len(s) >= 16 {
			w.scanBase64Flags(s, kind, depth, f)
		} else if f&pColon != 0 && strings.HasPrefix(s, "data:") {
			if k := strings.Index(s, ";base64,"); k > 0 && k < 100 {
				w.scanBase64At(s, k+8, kind, depth)
			}
		}
	}
}

// scanWords looks at each word start for vendor tokens, JWTs and base64
// private keys, from its first start (findWordStarts).
func (w *walker) scanWords(s string, from int, ws *wordStarts) {
	for i := from; i < len(s); i++ {
		// A vendorFirst byte not glued to a base64url byte before.
		if i = ws.nextVendor(s, i); i >= len(s) {
			return
		}
		c := s[i]
		if c == 'e' {
			if e := matchJWT(s, i); e > 0 {
				w.add(SecretToken, "secret.jwt", i, e)
				i = e
				continue
			}
		}
		if c == 'M' || c == 'b' {
			if e := matchDERKey(s, i); e > 0 {
				w.add(PrivateKey, "private_key.der", i, e)
				i = e
				continue
			}
		}
		if e, name := matchVendor(s, i); e > 0 {
			cls := SecretToken
			if strings.HasPrefix(name, "private_key") {
				cls = PrivateKey
			}
			w.add(cls, name, i, e)
			i = e
		}
	}
}

// scanIDs tries national-ID and IBAN formats at each word start, choosing
// the candidates by the length of the leading digit run.
func (w *walker) scanIDs(s string, f uint32) {
	letters := f&(pUpper|pLower) != 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) || i > 0 && isAlnum(s[i-1]) {
			continue
		}
		r := i
		for r < len(s) && isDigit(s[r]) {
			r++
		}
		dr := r - i
		we := r // the word's end
		for we < len(s) && isAlnum(s[we]) {
			we++
		}
		var next byte
		if r < len(s) {
			next = s[r]
		}
		e, name := -1, ""
		try := func(m func(string, int) int, n string) {
			if e < 0 {
				if x := m(s, i); x > 0 {
					e, name = x, n
				}
			}
		}
		switch {
		case dr == 0:
			if !letters {
				break
			}
			if i+15 <= len(s) {
				if x := matchIBAN(s, i); x > 0 {
					w.add(BankAccount, "bank.iban", i, x)
					i = x
					continue
				}
			}
			if isUpper(c) {
				try(matchNINO, "id.uk_nino")
				try(matchHKID, "id.hk_hkid")
			}
			switch c | 0x20 {
			case 'x', 'y', 'z':
				try(matchNIE, "id.es_nie")
			}
			if we-i == 16 {
				// A codice fiscale is one word of 16.
				try(matchCodiceFiscale, "id.it_codice_fiscale")
			}
		case dr == 1 && next == ' ':
			try(matchNIR, "id.fr_nir")
		case dr == 1 && next == '-':
			try(matchThaiID, "id.th_id")
		case dr == 2 && next == ' ':
			try(matchSteuerID, "id.de_steuer_id")
		case dr == 3 && (next == '-' || next == ' '):
			try(matchSSN, "id.us_ssn")
			try(matchSIN, "id.ca_sin")
			if next == '-' && c == '7' {
				try(matchEmiratesID, "id.ae_emirates_id")
			}
		case dr == 3 && next == '.':
			try(matchCPF, "id.br_cpf")
		case dr == 4 && (next == ' ' || next == '-'):
			try(matchAadhaar, "id.in_aadhaar")
		case dr == 4 && next == '.':
			try(matchBSNDotted, "id.nl_bsn")
		case dr == 6 && next == '/':
			try(matchRodneCislo, "id.cz_rodne_cislo")
		case dr == 6:
			try(matchHETU, "id.fi_hetu")
			try(matchPersonnummer, "id.se_personnummer")
			try(matchNIR, "id.fr_nir")
		case dr == 8:
			if letters {
				try(matchDNI, "id.es_dni")
			}
			try(matchPersonnummer, "id.se_personnummer")
		case dr == 15:
			try(matchNIR, "id.fr_nir")
		case dr == 17 || dr == 18:
			try(matchCNResident, "id.cn_resident_id")
		}
		if e > 0 && !inUUID(s, i, e) {
			w.add(NationalID, name, i, e)
			i = e
			continue
		}
		i = we - 1 // skip the rest of this word
	}
}

// cardExtras finds an expiry date or CVV written right after a card number.
func (w *walker) cardExtras(s string, from int) {
	end := min(len(s), from+48)
	seg := s[from:end]
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if isDigit(c) && (i == 0 || !isAlnum(seg[i-1])) && i+4 < len(seg) {
			// MM/YY or MM/YYYY
			if isDigit(seg[i+1]) && (seg[i+2] == '/' || seg[i+2] == '-') && isDigit(seg[i+3]) && isDigit(seg[i+4]) {
				mm := int(seg[i]-'0')*10 + int(seg[i+1]-'0')
				e := i + 5
				if e+1 < len(seg) && isDigit(seg[e]) && isDigit(seg[e+1]) {
					e += 2
				}
				if mm >= 1 && mm <= 12 && boundaryAfter(seg, e) {
					w.add(PaymentCard, "card.expiry", from+i, from+e)
					i = e
					continue
				}
			}
		}
		if (c|0x20 == 'c' || c|0x20 == 's') && i+3 <= len(seg) {
			kw := lowerASCII3(seg[i:])
			if kw == "cvv" || kw == "cvc" || kw == "csc" || kw == "sec" {
				j := i + 3
				for j < len(seg) && !isDigit(seg[j]) && j-i < 16 {
					j++
				}
				k := j
				for k < len(seg) && isDigit(seg[k]) {
					k++
				}
				if n := k - j; n >= 3 && n <= 4 && boundaryAfter(seg, k) {
					w.add(PaymentCard, "card.cvv", from+j, from+k)
					i = k
				}
			}
		}
	}
}

func lowerASCII3(s string) string {
	if len(s) < 3 {
		return ""
	}
	var b [3]byte
	for i := 0; i < 3; i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		b[i] = c
	}
	switch string(b[:]) {
	case "cvv":
		return "cvv"
	case "cvc":
		return "cvc"
	case "csc":
		return "csc"
	case "sec":
		return "sec"
	}
	return ""
}

// scanAuthSchemes finds "Bearer <token>" and "Basic <base64 user:pass>".
func (w *walker) scanAuthSchemes(s string, kind keyKind) {
	for i := 0; i+7 < len(s); i++ {
		c := s[i] | 0x20
		if c != 'b' && c != 't' || i > 0 && isAlnum(s[i-1]) {
			continue
		}
		var det string
		var j int
		switch {
		case hasPrefixFold(s[i:], "bearer "):
			det, j = "secret.bearer", i+7
		case hasPrefixFold(s[i:], "basic "):
			det, j = "secret.basic_auth", i+6
		case kind == kAuth && hasPrefixFold(s[i:], "token "):
			det, j = "secret.bearer", i+6
		default:
			continue
		}
		for j < len(s) && s[j] == ' ' {
			j++
		}
		e := runOf(s, j, alToken|aSlashPlus|aEq)
		for e < len(s) && s[e] == '~' {
			e = runOf(s, e+1, alToken|aSlashPlus|aEq)
		}
		tok := s[j:e]
		if len(tok) < 8 || isPlaceholder(tok) || !boundaryAfter(s, e) && s[e] != '"' {
			continue
		}
		if det == "secret.basic_auth" {
			var buf [256]byte
			src := tok
			if len(src) > 340 {
				continue
			}
			n, err := base64.StdEncoding.Decode(buf[:], []byte(src))
			if err != nil || strings.IndexByte(string(buf[:n]), ':') < 0 {
				continue
			}
		} else if distinctBytes(tok, 6) < 6 {
			continue
		}
		w.add(SecretToken, det, j, e)
		i = e
	}
}

// scanBase64Flags decodes a value written entirely in the base64 alphabet
// and scans the text inside; f is the value's byte-profile flags, which
// answer the alphabet questions scanBase64At would search s for. Any
// detection covers the whole value.
func (w *walker) scanBase64Flags(s string, kind keyKind, depth int, f uint32) {
	w.scanBase64From(s, 0, kind, depth, f, true)
}

func (w *walker) scanBase64At(s string, off int, kind keyKind, depth int) {
	w.scanBase64From(s, off, kind, depth, 0, false)
}

// scanBase64From is scanBase64At; with haveFlags, f is the byte-profile
// flags of s (off must be 0), which hold no '=' other than the padding
// that is trimmed, so they say what the body holds of "-_" and "+/".
func (w *walker) scanBase64From(s string, off int, kind keyKind, depth int, f uint32, haveFlags bool) {
	body := s[off:]
	for len(body) > 0 && (body[len(body)-1] == '=') {
		body = body[:len(body)-1]
	}
	if len(body) < 16 || len(body)%4 == 1 {
		return
	}
	// Pure hex and pure digits are ids and hashes, not base64 bodies.
	if isHexRun(body) {
		return
	}
	var urlAlpha, stdAlpha bool
	if haveFlags {
		urlAlpha, stdAlpha = f&(pDash|pUnder) != 0, f&(pPlus|pSlash) != 0
	} else {
		urlAlpha = strings.ContainsAny(body, "-_")
		stdAlpha = urlAlpha && strings.ContainsAny(body, "+/")
	}
	enc := base64.RawStdEncoding
	if urlAlpha {
		if stdAlpha {
			return
		}
		enc = base64.RawURLEncoding
	}
	// Decode a small head first: most random ids are not text.
	var head [12]byte
	hn := min(len(body)/4*4, 16)
	n, err := enc.Decode(head[:], []byte(body[:hn]))
	if err != nil || !printable(head[:n]) {
		if err == nil && len(body) >= 64 && keystoreHead(head[:n]) {
			// A PKCS#12 file or Java keystore: private keys.
			w.add(PrivateKey, "private_key.keystore", off, len(s))
		}
		return
	}
	need := enc.DecodedLen(len(body))
	buf := w.dec[depth+1][:0]
	if cap(buf) < need {
		buf = make([]byte, need)
	}
	buf = buf[:need]
	n, err = enc.Decode(buf, []byte(body))
	w.dec[depth+1] = buf[:0]
	if err != nil || !printable(buf[:n]) {
		return
	}
	mark := len(w.hits)
	w.scanText(b2s(buf[:n]), kind, depth+1)
	w.remap(mark, off, len(s), "base64")
}

// printable: mostly text (UTF-8, few control bytes).
func printable(b []byte) bool {
	if len(b) == 0 || !utf8.Valid(b) {
		return false
	}
	bad := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			bad++
		}
	}
	return bad*20 <= len(b)
}

// remap moves hits appended since mark (found inside a decoded part) onto
// the span [start, end) of the value that holds the encoded part.
func (w *walker) remap(mark, start, end int, _ string) {
	for i := mark; i < len(w.hits); i++ {
		w.hits[i].start = start
		w.hits[i].end = end
		w.hits[i].rm0, w.hits[i].rm1 = 0, 0
	}
}

// scanJSONText parses a stringified JSON value and scans every value
// inside it (keys included in the context). Detections cover the whole
// string; the walker can redact inside it (see leafString).
func (w *walker) scanJSONText(s string, depth int) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || !(t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
		return
	}
	v, err := w.parsers[depth+1].Parse(t)
	if err != nil {
		return
	}
	mark := len(w.hits)
	w.detectTree(v, kNone, depth+1)
	w.remap(mark, 0, len(s), "json")
}

// detectTree scans a parsed tree without changing it.
func (w *walker) detectTree(v *fastjson.Value, kind keyKind, depth int) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		jwk := o.Get("kty") != nil
		o.Visit(func(k []byte, c *fastjson.Value) {
			ks := b2s(k)
			own, sens := w.kindOf(ks)
			if sens {
				w.scanText(ks, kNone, maxDepth)
			}
			ck := childKind(kind, ks, own)
			if jwk && jwkPrivate(ks) {
				ck = kJWKPriv
			}
			w.key = ks
			w.detectTree(c, ck, depth)
		})
	case fastjson.TypeArray:
		a, _ := v.Array()
		pairKind := pairArrayKind(a)
		var av argvState
		for i, c := range a {
			ak := av.kind(b2s(c.GetStringBytes()), c.Type() == fastjson.TypeString)
			switch t := c.Type(); {
			case ak != kNone && (t == fastjson.TypeString || t == fastjson.TypeNumber):
				w.detectTree(c, ak, depth)
			case i == 1 && pairKind != kNone:
				w.detectTree(c, pairKind, depth)
			default:
				w.detectTree(c, kind, depth)
			}
		}
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		mark := len(w.hits)
		s := b2s(b)
		w.scanText(s, kind, depth)
		w.remap(mark, 0, 0, "")
	case fastjson.TypeNumber:
		mark := len(w.hits)
		w.scanNumber(v, kind)
		w.remap(mark, 0, 0, "")
	}
}

// scanNumber applies key rules and the card detector to a JSON number.
func (w *walker) scanNumber(v *fastjson.Value, kind keyKind) {
	raw := v.MarshalTo(w.digits[:0])
	w.digits = raw[:0]
	w.scanNumberText(raw, kind)
}

// scanNumberText is scanNumber on the number's JSON text raw, which it
// only reads.
func (w *walker) scanNumberText(raw []byte, kind keyKind) {
	if len(raw) == 0 || len(raw) > 24 {
		return
	}
	for _, c := range raw {
		if !isDigit(c) {
			// Negative, fractional or exponent: not an identifier.
			if kind == kPassword || kind == kPIN || kind == kPass {
				break
			}
			return
		}
	}
	n := len(raw)
	s := b2s(raw)
	if kind == kSSN && foreignSSNKey(w.key) {
		kind = kNatID
	}
	switch kind {
	case kPIN:
		if n >= 4 && n <= 8 && !postalPIN(w.key, s, w.address) {
			w.add(Password, detKey[kind], 0, n)
		}
	case kPassword, kPwd, kPass:
		if n >= 4 {
			w.add(Password, detKey[kind], 0, n)
		}
	case kSecret:
		if n >= 8 {
			w.add(SecretToken, detKey[kind], 0, n)
		}
	case kOTP:
		if n >= 4 && n <= 10 {
			w.add(SecretToken, detKey[kind], 0, n)
		}
	case kTOTP:
		if n >= 6 && n <= 8 {
			w.add(SecretToken, detKey[kOTP], 0, n) // the code, not the seed
		}
	case kCard, kCardParent:
		if n >= 12 && n <= 19 && (!otherCardKey(w.key) || isPAN(raw)) {
			w.add(PaymentCard, detKey[kCard], 0, n)
			w.panSeen = true
		}
	case kCVV:
		if n >= 3 && n <= 4 {
			w.add(PaymentCard, detKey[kind], 0, n)
		} else if n >= 5 && n <= 8 {
			w.add(SecretToken, detKey[kOTP], 0, n)
		}
	case kExpiry:
		// Decided by the object walker, which knows whether a PAN is near.
	case kSSN:
		if n >= 7 && n <= 9 && (n < 9 || ssnValid(raw)) {
			w.add(NationalID, detKey[kind], 0, n)
		}
	case kNatID:
		if n >= 6 && n <= 20 && !failsIDCheck(w.key, b2s(raw)) {
			w.add(NationalID, detKey[kind], 0, n)
		}
	case kBank, kIBAN:
		if n >= 6 && n <= 34 {
			w.add(BankAccount, detKey[kind], 0, n)
		}
	case kPhone:
		if n >= 7 && n <= 15 {
			w.add(Phone, detKey[kind], 0, n)
		}
	}
	if n >= 13 && n <= 19 && kind != kCard && kind != kCardParent && isPAN(raw) && !otherCodeValue(w.key, s) && !nonCardNumberKey(w.key) {
		w.add(PaymentCard, "card.pan", 0, n)
		w.panSeen = true
	} else if (n == 15 || n == 18) && !otherCodeValue(w.key, s) {
		w.scanIDs(s, pDigit) // bare NIR or resident ID written as a number
	}
}

// firstWord returns s up to its first space.
func firstWord(s string) string {
	if k := strings.IndexByte(s, ' '); k >= 0 {
		return s[:k]
	}
	return s
}

// detKey names the key-based detector of each kind.
var detKey = [kMaxKind]string{
	kPassword: "key.password", kPwd: "key.password", kPIN: "key.pin", kPass: "key.password", kSecret: "key.secret",
	kKey:  "key.secret",
	kAuth: "key.authorization", kCookie: "key.cookie", kOTP: "key.otp", kTOTP: "key.totp_seed",
	kPrivKey: "key.private_key", kCard: "key.card_number", kCardParent: "key.card_number", kCVV: "key.card_cvv",
	kExpiry: "key.card_expiry", kNatID: "key.national_id", kSSN: "key.ssn", kBank: "key.bank_account",
	kIBAN: "key.iban", kPhone: "key.phone",
}

// keyHit applies what the key says, given the value's shape.
func (w *walker) keyHit(s string, kind keyKind, p *profile) {
	t := strings.TrimSpace(s)
	n := len(s)
	if kind == kSSN && foreignSSNKey(w.key) {
		kind = kNatID // "social_security_ch": another country's number, with its own check
	}
	switch kind {
	case kPassword:
		if passwordShape(t) {
			w.add(Password, detKey[kind], 0, n)
		}
	case kPIN:
		if (pinShape(t) || homeKitCode(t)) && !postalPIN(w.key, t, w.address) {
			w.add(Password, detKey[kind], 0, n)
		}
	case kPass:
		if passwordShape(t) && p.flags&pSpace == 0 && phraseToken(t, false) {
			w.add(Password, detKey[kind], 0, n)
		}
	case kKey:
		if randomToken(t) && !publishableKey(t) {
			w.add(SecretToken, detKey[kind], 0, n)
		}
	case kPwd:
		if passwordShape(t) && !pathLike(t) {
			w.add(Password, detKey[kind], 0, n)
		}
	case kSecret:
		if secretShape(t) && !publishableKey(t) && !keyPathName(t) {
			w.add(SecretToken, detKey[kind], 0, n)
		} else if len(t) >= 4 && len(t) <= 10 && allDigits(t) && strings.HasSuffix(strings.ToLower(w.key), "code") {
			// "auth_code": "482913", "recovery_code": "12345678".
			w.add(SecretToken, detKey[kOTP], 0, n)
		}
	case kAuth:
		if authShape(t) {
			w.add(SecretToken, detKey[kind], 0, n)
		}
	case kCookie:
		w.scanCookie(s)
	case kTyped:
		if rrwebTyped(t) {
			w.add(FormValue, "rrweb.input_text", 0, n)
		}
	case kOTP:
		if len(t) >= 4 && len(t) <= 12 && p.flags&pSpace == 0 && !isPlaceholder(t) && !isBoolWord(t) && p.digits > 0 {
			w.add(SecretToken, detKey[kind], 0, n)
		}
	case kTOTP:
		if len(t) >= 16 && (base32ish(t) || secretShape(t)) && !isPlaceholder(t) {
			w.add(SecretToken, detKey[kind], 0, n)
		} else if len(t) >= 6 && len(t) <= 8 && allDigits(t) {
			// "totp": "482913" is the code the seed made.
			w.add(SecretToken, detKey[kOTP], 0, n)
		}
	case kPrivKey:
		if secretShape(t) {
			w.add(PrivateKey, detKey[kind], 0, n)
		}
	case kCard, kCardParent:
		d, clean := onlyDigits(w.digits[:0], t)
		w.digits = d[:0]
		if clean && len(d) >= 12 && len(d) <= 19 && (!otherCardKey(w.key) || isPAN(d)) {
			w.add(PaymentCard, detKey[kCard], 0, n)
			w.panSeen = true
		} else if kind == kCard && indiaPAN(t) {
			// "PAN" is also India's Permanent Account Number.
			w.add(NationalID, detKey[kNatID], 0, n)
		}
	case kCVV:
		// "Security code" is a card's CVV (3-4 digits) or a one-time code
		// sent by SMS or an authenticator (5-8 digits).
		switch {
		case len(t) >= 3 && len(t) <= 4 && allDigits(t):
			w.add(PaymentCard, detKey[kind], 0, n)
		case len(t) >= 5 && len(t) <= 8 && allDigits(t):
			w.add(SecretToken, detKey[kOTP], 0, n)
		}
	case kExpiry:
		// Decided by the object walker.
	case kJWKPriv:
		if len(t) >= 16 && runOf(t, 0, alB64URL) == len(t) {
			w.add(PrivateKey, "private_key.jwk", 0, n)
		}
	case kSSN:
		d, clean := onlyDigits(w.digits[:0], t)
		w.digits = d[:0]
		if clean && len(d) == 9 && ssnValid(d) {
			w.add(NationalID, detKey[kind], 0, n)
		}
	case kNatID:
		if (natIDShape(t) || passportNumberShape(t) && (pairValueKey(w.key) || idNumberChild(w.key) || containsFoldAny(w.key, "passport", "reisepass"))) &&
			!failsSSN(t) && !businessTaxID(t) && !failsIDCheck(w.key, t) {
			w.add(NationalID, detKey[kind], 0, n)
		}
	case kBank:
		d, clean := onlyDigits(w.digits[:0], t)
		w.digits = d[:0]
		if clean && len(d) >= 6 && len(d) <= 34 || ibanShape(t) {
			w.add(BankAccount, detKey[kind], 0, n)
		}
	case kIBAN:
		if ibanShape(t) {
			w.add(BankAccount, detKey[kind], 0, n)
		}
	case kPhone:
		if piidetect.PhoneShape(t) {
			w.add(Phone, detKey[kind], 0, n)
		}
	}
}

// passwordShape: what a typed password can look like. Booleans, empty
// strings, masks and template placeholders are not passwords.
func passwordShape(t string) bool {
	if t == "" || len(t) > 1024 || isBoolWord(t) || isPlaceholder(t) {
		return false
	}
	return true
}

// publishableKey: keys made to be public, embedded in web pages and apps
// by design (their vendors' documentation says so): Stripe's and Clerk's
// pk_live_/pk_test_, Mapbox public tokens (pk.eyJ...), PostHog project
// keys (phc_), RevenueCat public SDK keys (appl_, goog_, amzn_, strp_),
// Statsig client keys (client-), Square application ids (sq0idp-),
// Branch keys (key_live_, key_test_; Branch's secret is secret_live_),
// New Relic browser keys (NRJS-) and Datadog client tokens (pub + 32 hex
// digits).
func publishableKey(t string) bool {
	switch {
	case strings.HasPrefix(t, "pk_live_"), strings.HasPrefix(t, "pk_test_"), strings.HasPrefix(t, "pk.eyJ"),
		strings.HasPrefix(t, "phc_"), strings.HasPrefix(t, "appl_"), strings.HasPrefix(t, "goog_"),
		strings.HasPrefix(t, "amzn_"), strings.HasPrefix(t, "strp_"), strings.HasPrefix(t, "client-"),
		strings.HasPrefix(t, "sq0idp-"), strings.HasPrefix(t, "key_live_"), strings.HasPrefix(t, "key_test_"),
		strings.HasPrefix(t, "NRJS-"):
		return true
	case strings.HasPrefix(t, "eyJ") && strings.Count(t, ".") == 2:
		// A Supabase anon key (see publicJWTPayload).
		a := strings.IndexByte(t, '.')
		b := a + 1 + strings.IndexByte(t[a+1:], '.')
		return publicJWTPayload(t[a+1 : b])
	case len(t) == 35 && strings.HasPrefix(t, "pub"):
		for i := 3; i < len(t); i++ {
			if !isDigit(t[i]) && (t[i] < 'a' || t[i] > 'f') {
				return false
			}
		}
		return true
	}
	return false
}

// businessTaxID: identifiers printed on every invoice, not personal
// secrets: an EU VAT number (country prefix and 8 to 12 letters and digits,
// GB/XI/CHE too) and a US employer identification number (NN-NNNNNNN).
func businessTaxID(t string) bool {
	if len(t) == 10 && t[2] == '-' && allDigits(t[:2]) && allDigits(t[3:]) {
		return true
	}
	if len(t) < 10 || len(t) > 15 || !isUpper(t[0]) || !isUpper(t[1]) {
		return false
	}
	switch t[:2] {
	case "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
		"LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "GB", "XI", "CH":
	default:
		return false
	}
	body := strings.TrimPrefix(t[2:], "E") // CHE-123.456.789
	nd := 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case isDigit(c):
			nd++
		case isUpper(c), c == '.', c == '-', c == ' ':
		default:
			return false
		}
	}
	return nd >= 8
}

// indiaPAN: India's Permanent Account Number, AAAAA9999A, whose fourth
// letter says who holds it (P a person, C a company...).
func indiaPAN(t string) bool {
	if len(t) != 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		c := upper(t[i])
		if i >= 5 && i < 9 {
			if !isDigit(c) {
				return false
			}
		} else if !isUpper(c) {
			return false
		}
	}
	return strings.IndexByte("ABCFGHLJPT", upper(t[3])) >= 0
}

// pinShape: a PIN is typed digits (4 to 12, perhaps with a letter or
// two), not a word ("top") or a phrase ("gate 4").
func pinShape(t string) bool {
	return len(t) >= 4 && len(t) <= 8 && allDigits(t) && !isPlaceholder(t)
}

// postalPIN: t, under a PIN key, is India's Postal Index Number: six
// digits (also written "NNN NNN") not starting with 0, in a postal address
// or under a key that says where something goes (delivery_pincode,
// shipping_pin). A lone pincode of six digits stays a PIN.
func postalPIN(key, t string, address bool) bool {
	if len(t) == 7 && t[3] == ' ' {
		t = t[:3] + t[4:]
	}
	if len(t) != 6 || t[0] == '0' || !allDigits(t) {
		return false
	}
	return address || containsFoldAny(key, "delivery", "shipping", "postal", "zip", "address", "billing", "pickup", "dropoff")
}

// randomToken: a machine-made secret (20+ characters of upper and lower
// case letters and digits, high entropy), not an id written with dashes
// (UUID), a hex hash or a word.
func randomToken(t string) bool {
	if len(t) < 20 || len(t) > 4096 || isPlaceholder(t) {
		return false
	}
	var up, lo, di int
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= 'A' && c <= 'Z':
			up++
		case c >= 'a' && c <= 'z':
			lo++
		case isDigit(c):
			di++
		case c == '-' || c == '_' || c == '+' || c == '/' || c == '=' || c == '.' || c == '~':
		default:
			return false
		}
	}
	return up > 0 && lo > 0 && di > 0 && entropy(t) >= 3.5
}

// failsSSN: t is written as a US SSN (NNN-NN-NNNN) but breaks the SSA's
// rules, so it is some other number.
func failsSSN(t string) bool {
	if len(t) != 11 || t[3] != '-' || t[6] != '-' {
		return false
	}
	var buf [9]byte
	d, clean := onlyDigits(buf[:0], t)
	return clean && len(d) == 9 && !ssnValid(d)
}

// keyPathName: t names an entry of a key-value store or cache, written as
// three or more colon-separated segments after a lower-case word
// ("cart:v2:<uuid>", "user:48213:profile", "arn:aws:kms:..."): a storage
// or cache key's name, not a storage account's secret key. A segment
// mixing upper case, lower case and digits ("admin:S3cr3t:x") is not a
// name's.
func keyPathName(t string) bool {
	segs, start := 0, 0
	var up, lo, di bool
	for i := 0; i <= len(t); i++ {
		if i < len(t) && t[i] != ':' {
			switch c := t[i]; {
			case c >= 'A' && c <= 'Z':
				up = true
			case c >= 'a' && c <= 'z':
				lo = true
			case c >= '0' && c <= '9':
				di = true
			case c == '_' || c == '-' || c == '.' || c == '/' || c == '#':
			default:
				return false
			}
			continue
		}
		if i == start || i-start > 64 || up && lo && di {
			return false
		}
		up, lo, di = false, false, false
		if segs == 0 {
			if i < 2 {
				return false
			}
			for k := 0; k < i; k++ {
				if c := t[k]; !(c >= 'a' && c <= 'z' || c == '_' || c == '-') {
					return false
				}
			}
		}
		segs++
		start = i + 1
	}
	return segs >= 3
}

func pathLike(t string) bool {
	return t[0] == '/' || t[0] == '~' || t[0] == '.' && len(t) > 1 && t[1] == '/' ||
		len(t) > 2 && t[1] == ':' && (t[2] == '\\' || t[2] == '/')
}

func base32ish(t string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=' || c == ' ') {
			return false
		}
	}
	return true
}

// natIDShape: 5 to 20 letters and digits (separators allowed), at least 4
// of them digits.
func natIDShape(t string) bool {
	al, nd := 0, 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isDigit(c):
			nd++
			al++
		case isAlnum(c):
			al++
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')':
		default:
			return false
		}
	}
	return al >= 5 && al <= 20 && nd >= 4
}

func ibanShape(t string) bool {
	al := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isAlnum(c):
			al++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return al >= 15 && al <= 34 && isAlnum(t[0]) && !isDigit(t[0]) && len(t) > 3 && isDigit(t[2])
}

// authShape: an Authorization value with real credentials after its scheme.
func authShape(t string) bool {
	cred := t
	if sp := strings.IndexByte(t, ' '); sp > 0 && sp < 16 {
		cred = strings.TrimSpace(t[sp+1:])
	}
	return len(cred) >= 6 && !isPlaceholder(cred) && !isBoolWord(cred) && distinctBytes(cred, 5) >= 5
}
