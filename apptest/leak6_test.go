package apptest

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// The sixth round's kinds (issue 13, branch ggen): keys in full-width
// letters, national-ID keys qualified by a country, kubeconfig
// client-key-data cut short, IDs in CJK chat and in error lines named by
// an identifier, German passport numbers, the new ID formats, PKCS#12
// keystores, PuTTY keys, magnetic-stripe tracks, Set-Cookie session
// cookies, rrweb input events, SAML responses, connection strings in prose.

// oibRandom returns a random Croatian OIB (ISO 7064 MOD 11,10).
func oibRandom() string {
	d := randString("123456789", 1) + randString(digits, 9)
	p := 10
	for k := 0; k < 10; k++ {
		s := (int(d[k]-'0') + p) % 10
		if s == 0 {
			s = 10
		}
		p = s * 2 % 11
	}
	c := 11 - p
	if c == 10 {
		c = 0
	}
	return d + strconv.Itoa(c)
}

// ahvRandom returns a random Swiss AHV number (756, EAN-13 check), dotted.
func ahvRandom() string {
	d := "756" + randString(digits, 9)
	sum := 0
	for k := 0; k < 12; k++ {
		w := 1
		if k%2 == 1 {
			w = 3
		}
		sum += int(d[k]-'0') * w
	}
	d += strconv.Itoa((10 - sum%10) % 10)
	return d[:3] + "." + d[3:7] + "." + d[7:11] + "." + d[11:]
}

func kinds6Canaries(props map[string]any) []canary {
	fwPw := "Fw" + randString(alnum, 12) + "7"
	twKey := twIDRandom()
	twChat := twIDRandom()
	keyData := base64.StdEncoding.EncodeToString([]byte("-----BEGIN RSA PRIVATE KEY-----\nMIIE" + randString(alnum, 60)))
	ssn := strings.ReplaceAll(ssnRandom(), "-", "")
	passport := randString("CFGHJK", 1) + randString("CFGHJKLMNPRTVWXYZ0123456789", 8)
	oib := oibRandom()
	ahv := ahvRandom()
	pfx := base64.StdEncoding.EncodeToString(append([]byte{0x30, 0x82, 0x0a, 0x51, 0x02, 0x01, 0x03, 0x30, 0x82, 0x0a, 0x17}, randString(alnum, 96)...))
	ppkLine := randString(alnum, 64)
	card := luhnCard()
	sess := randString(alnum, 32)
	typed := "Rua " + randString(alnum, 10) + " 42"
	saml := randString(alnum, 120)
	azure := randString(alnum, 43)
	props["ｐａｓｓｗｏｒｄ"] = fwPw
	props["id_number_tw"] = twKey
	props["client-key-data"] = keyData
	props["support_chat"] = "你好，我的身分證字號是" + twChat + "，謝謝"
	props["db_error"] = "UNIQUE constraint failed: users.ssn (value " + ssn + ")"
	props["passengers"] = []any{map[string]any{"passport": map[string]any{"number": passport, "issuing_country": "DE"}}}
	props["osobni_identifikacijski_broj"] = oib
	props["social_security_ch"] = ahv
	props["keystore_p12"] = pfx
	props["ppk"] = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ci\nPublic-Lines: 1\n" + randString(alnum, 64) +
		"\nPrivate-Lines: 1\n" + ppkLine + "\nPrivate-MAC: " + randString("0123456789abcdef", 64) + "\n"
	props["swipe"] = "%B" + card + "^DOE/JANE^2812101000000000000?"
	props["raw_response"] = "HTTP/1.1 200 OK\r\nSet-Cookie: connect.sid=" + sess + "; Path=/; HttpOnly\r\n\r\n{}"
	props["$snapshot_data"] = []any{map[string]any{"type": 3, "timestamp": 1733230000000, "data": map[string]any{"source": 5, "id": 42, "text": typed, "isChecked": false}}}
	props["sso_body"] = "SAMLResponse=" + saml + "&RelayState=%2Fhome"
	props["conn_error"] = "failed to connect: DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + azure + "=;EndpointSuffix=core.windows.net"
	return []canary{
		{"ｐａｓｓｗｏｒｄ", fwPw}, {"id_number_tw", twKey}, {"client-key-data", keyData}, {"support_chat", twChat},
		{"db_error", ssn}, {"passengers[].passport.number", passport}, {"osobni_identifikacijski_broj", oib},
		{"social_security_ch", ahv}, {"keystore_p12", pfx}, {"ppk", ppkLine}, {"swipe", card}, {"raw_response", sess},
		{"$snapshot_data[].data.text", typed}, {"sso_body", saml}, {"conn_error", azure},
	}
}
