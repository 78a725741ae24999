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
