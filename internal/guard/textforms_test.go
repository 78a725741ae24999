package guard

import (
	"encoding/base64"
	"testing"
)

// textFormSamples are the detector samples of textforms.go, mrz.go and
// the Roblox cookie (merged into samples() by TestDetectorSamples).
func textFormSamples() map[string][2][]sample {
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + fake(71, 64, alnum+"+/") + "\n" + fake(72, 64, alnum+"+/") + "\n-----END RSA PRIVATE KEY-----\n"
	cert := "-----BEGIN CERTIFICATE-----\n" + fake(73, 64, alnum+"+/") + "\n-----END CERTIFICATE-----\n"
	keyData := base64.StdEncoding.EncodeToString([]byte(pem))
	certData := base64.StdEncoding.EncodeToString([]byte(cert))
	kubeconfig := func(user string) string {
		return "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n" + user
	}
	roblox := robloxWarning + "-Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_" + fake(74, 160, "0123456789ABCDEF")
	return map[string][2][]sample{
		"text.wifi_qr": {
			{kv("qr_text", "WIFI:T:WPA;S:HomeNet;P:Kq7zR2mX9;H:false;;"), kv("scan", `{"raw":"WIFI:S:Lab\;5G;T:WPA;P:p\;ss\:w0rd!;;"}`)},
			{kv("qr_text", "WIFI:T:nopass;S:CafeGuest;;"), kv("note", "scan the WIFI: code at the desk; ask staff")},
		},
		"private_key.pem_base64": {
			{raw(`{"kubeconfig":`+jsonQuote(kubeconfig("    client-certificate-data: "+certData+"\n    client-key-data: "+keyData+"\n"))+`}`, keyData)},
			{raw(`{"kubeconfig":`+jsonQuote(kubeconfig("    client-certificate-data: "+certData+"\n"))+`}`, "")},
		},
		"id.mrz": {
			{kv("mrz_line_2", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"), kv("scan", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")},
			{kv("mrz_line_2", "L898902C37UTO7408122F1204159ZE184226B<<<<<10"), kv("mrz_line_1", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<")},
		},
		"secret.roblox_cookie": {
			{kv("log", "set-cookie: .ROBLOSECURITY="+roblox+"; domain=.roblox.com")},
			{kv("faq", "Roblox cookies start with "+robloxWarning+"-Sharing-this-will-allow-someone-to-log-in-as-you.|_ and you must never paste them")},
		},
	}
}

func jsonQuote(s string) string { return `"` + jsonText(s) + `"` }

func textFormCases() []famCase {
	return []famCase{
		pos("multipart password", kv("body", "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nKq7z!R2mX\r\n--XyZ--\r\n").props, "Kq7z!R2mX"),
		pos("multipart lf", kv("raw_body", "------b\nContent-Disposition: form-data; name=\"user[password]\"\n\nhunter2Q!\n------b--").props, "hunter2Q!"),
		neg("multipart public", kv("body", "--XyZ\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nGreat product\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n...\r\n--XyZ--").props),
		pos("full-width card", kv("entered_card", "カード番号：４１１１　１１１１　１１１１　１１１１").props, "４１１１　１１１１　１１１１　１１１１"),
		pos("full-width bare card", kv("card_input", "４１１１１１１１１１１１１１１１").props, "４１１１１１１１１１１１１１１１"),
		neg("full-width order number", kv("note", "注文番号：１２３４５６７８９０１２３４５６").props),
		pos("ble passkey", `{"pairing":{"passkey":"482913"}}`, "482913"),
		neg("webauthn passkey flag", `{"account":{"passkey":"enabled"}}`),
		pos("homekit setup code", kv("setup_code", "482-91-735").props, "482-91-735"),
		neg("setup code word", kv("setup_code", "pending").props),
		pos("wpa key", `{"wifi":{"ssid":"HomeNet","wpa_key":"Kq7zR2mX9"}}`, "Kq7zR2mX9"),
		pos("psk", kv("psk", "correct horse battery").props, "correct horse battery"),
		neg("wpa key placeholder", `{"wifi":{"wpa_key":"<your key>"}}`),
		pos("roblox cookie header", kv("cookie", "RBXSource=web; .ROBLOSECURITY="+robloxWarning+"-Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_"+fake(75, 160, "0123456789ABCDEF")).props, fake(75, 160, "0123456789ABCDEF")),
		pos("linkedin li_at", kv("cookie", "lang=v=2&lang=en-us; li_at="+fake(76, 40, alnum)).props, fake(76, 40, alnum)),
	}
}

func TestTextFormCases(t *testing.T) {
	runFamCases(t, mustChecker(t, DefaultPolicy()), textFormCases())
}
