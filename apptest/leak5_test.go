package apptest

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// The fifth corpus's kinds (issue 13): Wi-Fi QR payloads and PSK keys,
// HomeKit setup codes, multipart bodies, full-width card digits, base64 PEM
// keys in a kubeconfig, passport MRZ lines, Roblox session cookies, and
// national IDs under their own keys and in {field_name, field_value} pairs.

// mrzCheck is ICAO 9303's check digit (weights 7, 3, 1; A-Z count 10-35,
// < counts 0).
func mrzCheck(f string) string {
	sum := 0
	for k := 0; k < len(f); k++ {
		v := 0
		switch c := f[k]; {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * [3]int{7, 3, 1}[k%3]
	}
	return strconv.Itoa(sum % 10)
}

// tfnRandom returns a random Australian TFN (weights 1,4,3,7,5,8,6,9,10;
// the sum divisible by 11).
func tfnRandom() string {
	w := []int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	for {
		d := randString("123456789", 1) + randString(digits, 8)
		sum := 0
		for k, x := range w {
			sum += int(d[k]-'0') * x
		}
		if sum%11 == 0 {
			return d
		}
	}
}

// myNumberRandom returns a random Japanese individual number with its
// check digit.
func myNumberRandom() string {
	d := randString("123456789", 1) + randString(digits, 10)
	sum := 0
	for n := 1; n <= 11; n++ {
		q := n + 1
		if n > 6 {
			q = n - 5
		}
		sum += int(d[11-n]-'0') * q
	}
	c := 0
	if r := sum % 11; r > 1 {
		c = 11 - r
	}
	return d + strconv.Itoa(c)
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r += 0xFF10 - '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// corpus5Canaries adds the kinds to props and returns their canaries.
func corpus5Canaries(props map[string]any) []canary {
	wifiPw := "Wq" + randString(alnum, 12) + "7"
	wpaKey := "Wk" + randString(alnum, 12) + "7"
	homekit := randString(digits, 3) + "-" + randString(digits, 2) + "-" + randString(digits, 3)
	multipartPw := "Mp" + randString(alnum, 12) + "7"
	fwCard := luhnCard()
	fwText := fullWidth(fwCard[:4] + " " + fwCard[4:8] + " " + fwCard[8:12] + " " + fwCard[12:])
	pem := "-----BEGIN EC PRIVATE KEY-----\n" + randString(alnum, 64) + "\n" + randString(alnum, 40) + "\n-----END EC PRIVATE KEY-----\n"
	keyData := base64.StdEncoding.EncodeToString([]byte(pem))
	doc := randString("ABCDEFGHJKLMNPRSTUVWXYZ", 2) + randString(digits, 7)
	mrz := doc + mrzCheck(doc) + "UTO" + "880412" + mrzCheck("880412") + "F" + "310501" + mrzCheck("310501") + strings.Repeat("<", 14) + "0"
	mrz += mrzCheck(mrz[0:10] + mrz[13:20] + mrz[21:43])
	roblox := randString("0123456789ABCDEF", 160)
	tfn := tfnRandom()
	myNumber := myNumberRandom()
	props["qr_text"] = "WIFI:T:WPA;S:HomeNet;P:" + wifiPw + ";H:false;;"
	props["wifi"] = map[string]any{"ssid": "HomeNet", "wpa_key": wpaKey}
	props["setup_code"] = homekit
	props["upload_body"] = "--XyZ\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nbob\r\n--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"password\"\r\n\r\n" + multipartPw + "\r\n--XyZ--\r\n"
	props["entered_card"] = "カード番号：" + fwText
	props["kubeconfig"] = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: " + keyData + "\n"
	props["mrz_line_2"] = mrz
	props["browser_cookie"] = "RBXSource=web; .ROBLOSECURITY=_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_" + roblox
	props["employee"] = map[string]any{"tax": map[string]any{"tfn": tfn}}
	props["kyc_form"] = []any{map[string]any{"field_name": "マイナンバー", "field_value": myNumber}}
	return []canary{
		{"qr_text", wifiPw}, {"wifi.wpa_key", wpaKey}, {"setup_code", homekit}, {"upload_body", multipartPw},
		{"entered_card", fwText}, {"kubeconfig", keyData}, {"mrz_line_2", doc}, {"browser_cookie", roblox},
		{"employee.tax.tfn", tfn}, {"kyc_form[].field_value", myNumber},
	}
}
