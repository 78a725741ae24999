package apptest

import (
	"encoding/base64"
	"strconv"
)

// The sixth corpus's kinds (issue 13): national IDs of sixteen more
// formats (two of them here, built with their published checks), SAML
// responses, PuTTY and PKCS#12 key files, Set-Cookie lines in raw
// responses, magnetic-stripe track data, Oracle connect strings, passwords
// in HTML mail, an account number beside its IFSC, Azure Service Bus keys
// and rrweb session-replay input text.

// thaiIDRandom returns a random Thai ID, written 1-4-5-2-1.
func thaiIDRandom() string {
	d := randString("12345678", 1) + randString(digits, 11)
	sum := 0
	for k := 0; k < 12; k++ {
		sum += int(d[k]-'0') * (13 - k)
	}
	d += strconv.Itoa((11 - sum%11) % 10)
	return d[:1] + "-" + d[1:5] + "-" + d[5:10] + "-" + d[10:12] + "-" + d[12:]
}

// emiratesRandom returns a random Emirates ID (784, Luhn), written
// 784-YYYY-NNNNNNN-C.
func emiratesRandom() string {
	d := "784" + randString("12", 1) + randString(digits, 10)
	for c := 0; c <= 9; c++ {
		x := d + strconv.Itoa(c)
		sum := 0
		for k := 0; k < 15; k++ {
			v := int(x[14-k] - '0')
			if k%2 == 1 {
				v *= 2
				if v > 9 {
					v -= 9
				}
			}
			sum += v
		}
		if sum%10 == 0 {
			return x[:3] + "-" + x[3:7] + "-" + x[7:14] + "-" + x[14:]
		}
	}
	return ""
}

// corpus6Canaries adds the kinds to props and returns their canaries.
func corpus6Canaries(props map[string]any) []canary {
	oib := oibRandom()
	thai := thaiIDRandom()
	samlResp := "PHNhbWxwOlJlc3BvbnNl" + randString(alnum, 200)
	ppkPriv := "AAAAI" + randString(alnum, 59)
	p12Head := []byte{0x30, 0x82, 0x03, 0x00, 0x02, 0x01, 0x03, 0x30, 0x82, 0x02, 0xf0, 0x06, 0x09}
	p12 := base64.StdEncoding.EncodeToString(append(p12Head, []byte(randString(alnum, 400))...))
	sessionVal := randString(alnum, 40)
	track := luhnCard()
	oraclePw := "Or" + randString(alnum, 10) + "7"
	mailPw := "Ml" + randString(alnum, 10) + "7"
	acct := "5010" + randString(digits, 10)
	sbKey := randString(alnum, 20) + "+" + randString(alnum, 22) + "="
	typed := "Typed " + randString(alnum, 16)
	ahv := ahvRandom()
	eid := emiratesRandom()
	props["social_security_ch_2"] = ahv
	props["kyc"] = map[string]any{"document": map[string]any{"type": "emirates_id", "number": eid}}
	props["oib"] = oib
	props["ocr_text"] = "Thai ID: " + thai
	props["form_body"] = "SAMLResponse=" + samlResp + "&RelayState=%2Fhome"
	props["attachment_text"] = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: key\nPublic-Lines: 1\n" +
		"AAAAC3NzaC1lZDI1NTE5AAAAIBvVYmYd3nRTYbgR9jSvPr0M1Z0Pq9qK4H1hX2y\nPrivate-Lines: 1\n" + ppkPriv + "\nPrivate-MAC: 0a1b2c\n"
	props["certificate_p12_base64"] = p12
	props["raw_response_2"] = "HTTP/1.1 302 Found\r\nLocation: /home\r\nSet-Cookie: session_id=" + sessionVal + "; Path=/; HttpOnly\r\n\r\n"
	props["raw_track"] = "%B" + track + "^DOE/JOHN^2512101000000000000000?"
	props["connection_string"] = "jdbc:oracle:thin:scott/" + oraclePw + "@//db.corp.local:1521/ORCL"
	props["email_body"] = "<p>Your one-time password is <b>" + mailPw + "</b>.</p>"
	props["message"] = "Please send the refund to A/c No. " + acct + ", IFSC HDFC0001234 (HDFC Bank)"
	props["AZURE_SERVICEBUS"] = "Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + sbKey
	props["$snapshot_data_2"] = []any{map[string]any{"type": 3, "timestamp": 1718200000000,
		"data": map[string]any{"source": 5, "id": 42, "text": typed, "isChecked": false}}}
	return []canary{
		{"oib", oib}, {"ocr_text", thai}, {"social_security_ch_2", ahv}, {"kyc.document.number", eid}, {"form_body", samlResp}, {"attachment_text", ppkPriv},
		{"certificate_p12_base64", p12}, {"raw_response_2", sessionVal}, {"raw_track", track},
		{"connection_string", oraclePw}, {"email_body", mailPw}, {"message", acct}, {"AZURE_SERVICEBUS", sbKey},
		{"$snapshot_data_2[].data.text", typed},
	}
}
