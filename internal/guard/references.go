package guard

import "strings"

// hclReference: a Terraform/OpenTofu expression naming a value defined
// elsewhere (var.db_password, local.admin_pw, module.db.password,
// data.vault_generic_secret.db.data["password"]), written bare in HCL and
// tfvars text. Like ${{ secrets.X }} it refers to a secret without
// holding it.
func hclReference(s string) bool {
	var rest string
	switch {
	case len(s) > 4 && s[:4] == "var.":
		rest = s[4:]
	case len(s) > 6 && s[:6] == "local.":
		rest = s[6:]
	case len(s) > 7 && s[:7] == "module.":
		rest = s[7:]
	case len(s) > 5 && s[:5] == "data.":
		rest = s[5:]
	default:
		return false
	}
	if !(rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= 'A' && rest[0] <= 'Z' || rest[0] == '_') {
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.',
			c == '[', c == ']', c == '"':
		default:
			return false
		}
	}
	return true
}

// otherCardKey: the key names a card that pays nothing (loyalty, rewards,
// membership, library, frequent-flyer, fidelity cards). Its number is a
// payment card only when it is one by issuer range and Luhn (a co-branded
// loyalty credit card), not by the key's "card".
func otherCardKey(key string) bool {
	return containsFoldAny(key, "loyalty", "reward", "member", "bonus", "club", "library", "frequentflyer",
		"frequent_flyer", "fidelity", "fidelidad", "fidelite", "fidélité", "payback", "punch", "stamp", "kundenkarte")
}

// vendorSessionCookie: session cookies of known services whose names say
// neither session nor token: Roblox's .ROBLOSECURITY, LinkedIn's li_at,
// Facebook's xs, Google's HSID, SSID, APISID and SAPISID. name is
// lower-case.
func vendorSessionCookie(name string) bool {
	switch strings.TrimPrefix(name, ".") {
	case "roblosecurity", "li_at", "xs", "hsid", "ssid", "apisid", "sapisid":
		return true
	}
	return false
}

// robloxWarning opens every .ROBLOSECURITY cookie value (its own words
// would otherwise read as a placeholder's "your-").
const robloxWarning = "_|WARNING:-DO-NOT-SHARE-THIS."

// robloxCookies finds .ROBLOSECURITY values outside a cookie header: the
// warning and the hex token after it.
func robloxCookies(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], robloxWarning)
		if k < 0 {
			return
		}
		a := from + k
		e := a + len(robloxWarning)
		if m := strings.Index(s[e:min(len(s), e+200)], "|_"); m >= 0 {
			e += m + 2
			h := e
			for h < len(s) && isHex(s[h]) {
				h++
			}
			if h-e >= 32 {
				add(a, h)
				e = h
			}
		}
		from = e
	}
}

// homeKitCode: a HomeKit accessory setup code as printed, NNN-NN-NNN.
func homeKitCode(t string) bool {
	return len(t) == 10 && t[3] == '-' && t[6] == '-' && allDigits(t[:3]) && allDigits(t[4:6]) && allDigits(t[7:])
}

// otherCodeValue: the key names a code of another kind (a game's friend
// code or match id, an invite or promo code, a GS1 barcode number) and s
// is one such code: digits in groups, nothing else. Such a value is not
// taken for a card number or a national ID by its shape alone; an
// EAN/GTIN/UPC must pass the GS1 check to count as one.
func otherCodeValue(key, s string) bool {
	if len(key) < 3 || len(s) > 40 {
		return false
	}
	var buf [40]byte
	d := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == '-' || c == ' ' || c == '.':
		case i < 3 && c >= 'A' && c <= 'Z':
			// SW-1234-5678-9012: a platform prefix
		default:
			return false
		}
	}
	if containsFoldAny(key, "ean", "gtin", "upc", "barcode", "isbn") {
		return gs1Valid(d)
	}
	if containsFoldAny(key, "imei") {
		// A handset's IMEI (14 digits and a Luhn check digit) or IMEISV
		// (16 digits) names a device, not a person.
		return len(d) == 15 && luhn(d) || len(d) == 14 || len(d) == 16
	}
	if containsFoldAny(key, "imsi") {
		// A SIM's subscriber identity: country and network codes and the
		// subscriber number, at most 15 digits.
		return len(d) >= 14 && len(d) <= 15
	}
	if containsFoldAny(key, "iccid") {
		// A SIM card's serial number: 89, then up to 18 digits and a Luhn
		// check digit.
		return len(d) >= 18 && len(d) <= 20 && d[0] == '8' && d[1] == '9'
	}
	return containsFoldAny(key, "friendcode", "friend_code", "friend-code", "matchid", "match_id", "lobby", "invitecode", "invite_code", "referralcode", "referral_code", "promocode", "promo_code",
		"couponcode", "coupon_code", "voucher", "redeemcode", "redeem_code", "roomcode", "room_code") ||
		otherNumberKey(key)
}

// otherNumberKey: the key names a number of another kind, one a business
// prints on what it sends: a word for an order, reservation, booking,
// invoice, ticket, tracking, loyalty, receipt, shipment or confirmation
// and a word for its number ("order_number", "bookingRef", "invoice no",
// "ticket_id"). Its digits are that number, not an SSN or an Aadhaar
// number that its grouping resembles. A note or a comment about an order
// ("order_note") names no number.
func otherNumberKey(key string) bool {
	if len(key) > 64 {
		return false
	}
	var thing, number bool
	for i := 0; i < len(key); {
		if !isAlnum(key[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(key) && isAlnum(key[j]) && !(key[j] >= 'A' && key[j] <= 'Z' && key[j-1] >= 'a' && key[j-1] <= 'z') {
			j++
		}
		switch strings.TrimSuffix(strings.ToLower(key[i:j]), "s") {
		case "order", "reservation", "booking", "invoice", "ticket", "tracking", "loyalty", "receipt", "shipment", "confirmation":
			thing = true
		case "number", "num", "no", "nr", "ref", "reference", "id", "code":
			number = true
		case "ordernumber", "orderno", "ordernr", "orderid", "bookingref", "bookingnumber", "invoicenumber", "invoiceno", "ticketnumber",
			"trackingnumber", "receiptnumber":
			thing, number = true, true
		}
		i = j
	}
	return thing && number
}

// idValue: s reads as one identifier: digits in groups ("1234 5678"),
// or one word of letters, digits and . _ : / - # ("gid://shopify/Order/
// 1234567890123", "v4-1797-123"), at most 100 bytes.
func idValue(s string) bool {
	if len(s) > 100 {
		return false
	}
	groups := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '-', c == '.':
		case c == ' ':
			if i == 0 || s[i-1] == ' ' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c == '/', c == '#':
			groups = false
		default:
			return false
		}
	}
	return groups || strings.IndexByte(s, ' ') < 0
}

// recordIDKey: the key names a record's identifier ("id", "order_id",
// "productId", "$insert_id", "fb_psid", "user_ids"). Digits under it are
// that id: an id of 13 to 19 digits passes Luhn in a card's range one
// time in ten (Shopify, Facebook and snowflake ids are that long), so it
// is not taken for a card number by its shape alone. A key naming a card
// is read before this (its kind), and Amex's "cid" is not an id. The
// identity fields an app fills from its own user data (distinct_id,
// $insert_id, user_id) are not ids of this kind: a card number there is a
// leak.
func recordIDKey(key string) bool {
	if identityKey(key) {
		return false
	}
	k := strings.TrimRight(key, "s")
	n := len(k)
	if n < 2 || (k[n-1] != 'd' && k[n-1] != 'D') || (k[n-2] != 'i' && k[n-2] != 'I') {
		return false
	}
	if n == 2 {
		return true
	}
	switch b := k[n-3]; {
	case b == '_' || b == '-' || b == '.' || b == ' ' || b == '$':
		return true
	case k[n-2] == 'I' && (b >= 'a' && b <= 'z' || b >= '0' && b <= '9'):
		return true // camelCase "productId", "orderID"
	}
	word := strings.ToLower(k[max(0, strings.LastIndexAny(k, "_-. $")+1):])
	// Click ids: gclid, fbclid, yclid, dclid, msclkid.
	return word == "uuid" || word == "guid" || word == "psid" || word == "asid" ||
		strings.HasSuffix(word, "clid") || strings.HasSuffix(word, "clkid")
}

// identityKey: the key is one of the identity fields analytics SDKs send
// and apps set (distinct_id, $distinct_id, $insert_id, user_id, userId,
// $user_id).
func identityKey(key string) bool {
	k := strings.TrimPrefix(key, "$")
	return strings.EqualFold(k, "distinct_id") || strings.EqualFold(k, "insert_id") || strings.EqualFold(k, "user_id") ||
		strings.EqualFold(k, "userid") || strings.EqualFold(k, "distinctid") || strings.EqualFold(k, "insertid")
}

// nonCardNumberKey: the key names an id (recordIDKey) or a number that
// no card is: a seed, a map cell (S2, H3), a counter, a byte count, a
// nonce or a checksum. Digits of card length under it pass Luhn by chance.
func nonCardNumberKey(key string) bool {
	return recordIDKey(key) || containsFoldAny(key, "seed", "cell", "counter", "bytes", "nonce", "checksum")
}

// gs1Valid: a GS1 number (EAN-8/13, UPC-A, GTIN-14, ISBN-13): weights 3
// and 1 alternating from the right of the body, the check digit making the
// sum a multiple of ten.
func gs1Valid(d []byte) bool {
	n := len(d)
	if n != 8 && n != 12 && n != 13 && n != 14 {
		return false
	}
	sum := 0
	for k := n - 2; k >= 0; k-- {
		x := int(d[k] - '0')
		if (n-2-k)%2 == 0 {
			x *= 3
		}
		sum += x
	}
	return (10-sum%10)%10 == int(d[n-1]-'0')
}

// inTraceOrDSN: the digits s[a:b] are the numeric part of an identifier
// that only names something: the span id after a Google Cloud trace id
// (X-Cloud-Trace-Context: "<32 hex>/<span id>;o=1"), or the project id
// that ends a Sentry DSN ("https://<32 hex key>@o1.ingest.sentry.io/<id>").
// Either can pass Luhn in a card's range by chance.
func inTraceOrDSN(s string, a, b int) bool {
	if a < 33 || s[a-1] != '/' {
		return false
	}
	if isHexRun(s[a-33:a-1]) && (a == 33 || !isAlnum(s[a-34])) && (b == len(s) || s[b] == ';' || !isAlnum(s[b])) {
		return true
	}
	// A DSN: scheme://<hex key>[:<hex secret>]@host[/path]/<digits>, the
	// digits ending the URL.
	if b < len(s) && isAlnum(s[b]) || b < len(s) && s[b] == '/' {
		return false
	}
	st := strings.LastIndex(s[:a], "://")
	if st < 0 {
		return false
	}
	at := strings.IndexByte(s[st:a], '@')
	if at < 0 {
		return false
	}
	user := s[st+3 : st+at]
	if k := strings.IndexByte(user, ':'); k >= 0 {
		if !isHexRun(user[k+1:]) {
			return false
		}
		user = user[:k]
	}
	return len(user) == 32 && isHexRun(user) && strings.IndexByte(s[st+3:a], ' ') < 0
}

// envPrefixes open code that reads a value from the environment or asks
// for it at run time, as written in place of the value: Python's
// os.environ["X"], os.getenv("X") and getpass.getpass(), Node's
// process.env["X"], Ruby's ENV["X"] and ENV.fetch("X"), Go's
// os.Getenv("X"), Java's System.getenv("X"), Rust's env::var("X"), Deno's
// Deno.env.get("X"), .NET's Environment.GetEnvironmentVariable("X"), PHP's
// and C's getenv("X"), Laravel's env("X").
var envPrefixes = [...]string{"os.environ[", "os.environ.get(", "os.getenv(", "getpass.getpass(", "getpass(",
	"process.env[", "ENV[", "ENV.fetch(", "os.Getenv(", "os.LookupEnv(", "System.getenv(", "std::env::var(",
	"env::var(", "Deno.env.get(", "Environment.GetEnvironmentVariable(", "getenv(", "env("}

// envReference: s refers to a value kept elsewhere instead of holding it:
// code reading an environment variable (envPrefixes), or Compose's and the
// shell's required-variable form ${NAME?message} / ${NAME:?message}, whose
// message is no value (cut at its first space, as text scanners cut
// tokens). A default, ${NAME:-value}, holds a value and is not one.
func envReference(s string) bool {
	if len(s) < 4 {
		return false
	}
	if s[0] == '$' && s[1] == '{' {
		i := 2
		for i < len(s) && (isAlnum(s[i]) || s[i] == '_') {
			i++
		}
		if i == 2 || i == len(s) {
			return false
		}
		return s[i] == '?' || s[i] == ':' && i+1 < len(s) && s[i+1] == '?'
	}
	switch s[0] {
	case 'o', 'g', 'p', 'E', 'S', 's', 'e', 'D':
	default:
		return false
	}
	for _, p := range envPrefixes {
		if len(s) > len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}
