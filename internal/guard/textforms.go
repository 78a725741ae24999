package guard

import (
	"encoding/base64"
	"strings"
)

// Secrets in text forms the other scanners do not parse: Wi-Fi QR
// payloads, base64-wrapped PEM private keys inside configs (kubeconfig
// client-key-data), and full-width digits. (Multipart bodies: scanMultipart
// in cli.go.)

// wifiQRPasswords finds the P: field of Wi-Fi network QR payloads
// (WIFI:T:WPA;S:<ssid>;P:<password>;H:false;;, the format phones scan;
// \ escapes ; , : " and \ in values). Networks of type nopass have none.
func wifiQRPasswords(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], "WIFI:")
		if k < 0 {
			return
		}
		i := from + k + 5
		pa, pb, nopass := -1, -1, false
		for i < len(s) && s[i] != ';' {
			// field name
			c := strings.IndexByte(s[i:min(len(s), i+4)], ':')
			if c < 0 {
				break
			}
			name := s[i : i+c]
			j := i + c + 1
			v := j
			for j < len(s) && s[j] != ';' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(s))
			switch name {
			case "P", "p":
				pa, pb = v, j
			case "T", "t":
				nopass = strings.EqualFold(s[v:j], "nopass")
			}
			i = j + 1
		}
		if pa >= 0 && pb > pa && !nopass && !isPlaceholder(s[pa:pb]) {
			add(pa, pb)
		}
		from = max(i, from+k+5)
	}
}

// pemBase64Head is "-----BEGIN" in base64, as a PEM block's base64 starts
// (kubeconfig client-key-data, Kubernetes secrets, CI variables).
const pemBase64Head = "LS0tLS1CRUdJTi"

// base64PEMKeys finds base64 runs inside s that decode to a PEM private
// key block.
func base64PEMKeys(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], pemBase64Head)
		if k < 0 {
			return
		}
		a := from + k
		e := a
		for e < len(s) && (alpha[s[e]]&alB64Std != 0 || s[e] == '=') {
			e++
		}
		from = e
		if e-a < 60 {
			continue
		}
		body := strings.TrimRight(s[a:e], "=")
		dec := make([]byte, base64.RawStdEncoding.DecodedLen(len(body)))
		n, err := base64.RawStdEncoding.Decode(dec, []byte(body[:len(body)/4*4]))
		if err != nil && n == 0 {
			continue
		}
		head := string(dec[:min(n, 80)])
		if strings.HasPrefix(head, "-----BEGIN") && strings.Contains(head, "PRIVATE KEY-----") {
			add(a, e)
		}
	}
}

// fullWidthDigits reports whether s holds a full-width digit (U+FF10 to
// U+FF19, typed by East Asian input methods).
func fullWidthDigits(s string) bool {
	for from := 0; ; {
		k := strings.Index(s[from:], "\xef\xbc")
		if k < 0 || from+k+2 >= len(s) {
			return false
		}
		if c := s[from+k+2]; c >= 0x90 && c <= 0x99 {
			return true
		}
		from += k + 2
	}
}

// asciiDigits returns s with full-width digits and the ideographic and
// full-width spaces and hyphens made ASCII.
func asciiDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if i+2 < len(s) && s[i] == 0xef && s[i+1] == 0xbc && s[i+2] >= 0x90 && s[i+2] <= 0x99 {
			b.WriteByte('0' + s[i+2] - 0x90)
			i += 2
			continue
		}
		if i+2 < len(s) && s[i] == 0xef && s[i+1] == 0xbc && s[i+2] == 0x8d { // －
			b.WriteByte('-')
			i += 2
			continue
		}
		if i+2 < len(s) && s[i] == 0xe3 && s[i+1] == 0x80 && s[i+2] == 0x80 { // ideographic space
			b.WriteByte(' ')
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// scanTextForms runs the scanners of this file on s, each behind a check
// of s's byte profile f.
func (w *walker) scanTextForms(s string, f uint32, kind keyKind, depth int) {
	if len(s) >= 12 && f&pColon != 0 && f&pSemi != 0 && f&pUpper != 0 {
		wifiQRPasswords(s, func(a, b int) { w.add(Password, "text.wifi_qr", a, b) })
	}
	if len(s) >= 80 && f&pSpace != 0 && f&(pColon|pEq) != 0 && f&pUpper != 0 && f&pDigit != 0 && strings.Contains(s, pemBase64Head) {
		// In a config text ("client-key-data: LS0t...", KEY=LS0t...); a
		// whole value of base64 is decoded by scanBase64Flags.
		base64PEMKeys(s, func(a, b int) { w.add(PrivateKey, "private_key.pem_base64", a, b) })
	}
	if len(s) >= 30 && f&pAngle != 0 && f&pUpper != 0 {
		mrzLines(s, func(a, b int) { w.add(NationalID, "id.mrz", a, b) })
	}
	if f&pHigh != 0 && len(s) >= 24 && depth < maxDepth && fullWidthDigits(s) {
		mark := len(w.hits)
		w.scanText(asciiDigits(s), kind, depth+1)
		w.remap(mark, 0, len(s), "fullwidth")
	}
}
