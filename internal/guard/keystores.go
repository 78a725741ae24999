package guard

import (
	"encoding/base64"
	"strings"
)

// Private keys in containers that are not PEM: PuTTY's .ppk files and
// PKCS#12 / Java keystores in base64 (CI variables, Kubernetes secrets,
// config files). A keystore holds a private key whether or not it is
// encrypted with a password (the password is often next to it, and weak).

// keystoreMagic: b (the first bytes of a decoded value) starts a PKCS#12
// PFX (a DER or BER SEQUENCE whose first member is the INTEGER version 3,
// RFC 7292), a JKS keystore (magic FEEDFEED) or a JCEKS one (CECECECE).
func keystoreMagic(b []byte) bool {
	if len(b) < 9 {
		return false
	}
	if b[0] == 0xFE && b[1] == 0xED && b[2] == 0xFE && b[3] == 0xED || b[0] == 0xCE && b[1] == 0xCE && b[2] == 0xCE && b[3] == 0xCE {
		return true
	}
	if b[0] != 0x30 {
		return false
	}
	var k int
	switch b[1] {
	case 0x80: // BER indefinite length
		k = 2
	case 0x82:
		k = 4
	case 0x83:
		k = 5
	default:
		return false
	}
	return b[k] == 0x02 && b[k+1] == 0x01 && b[k+2] == 0x03 && b[k+3] == 0x30
}

// base64Keystore: the base64 run at s[i:end] decodes to a keystore.
func base64Keystore(s string, i, end int) bool {
	if end-i < 64 {
		return false
	}
	var head [12]byte
	n, err := base64.StdEncoding.Decode(head[:], []byte(s[i:i+16]))
	return (err == nil || n >= 9) && keystoreMagic(head[:n])
}

// ppkPrivate finds the private lines of a PuTTY key file
// (PuTTY-User-Key-File-2/3): "Private-Lines: N" and the N base64 lines
// after it, reported from the first to the last.
func ppkPrivate(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], "Private-Lines:")
		if k < 0 {
			return
		}
		j := from + k + len("Private-Lines:")
		from = j
		for j < len(s) && s[j] == ' ' {
			j++
		}
		n := 0
		for j < len(s) && isDigit(s[j]) && n < 1000 {
			n = n*10 + int(s[j]-'0')
			j++
		}
		a, e := -1, j
		for line := 0; line < n; line++ {
			// The line break: real, or escaped in a JSON or log text.
			switch {
			case strings.HasPrefix(s[e:], "\r\n"):
				e += 2
			case strings.HasPrefix(s[e:], "\n"):
				e++
			case strings.HasPrefix(s[e:], `\r\n`):
				e += 4
			case strings.HasPrefix(s[e:], `\n`):
				e += 2
			default:
				line = n
				continue
			}
			b := runOf(s, e, alB64Std)
			for b < len(s) && s[b] == '=' {
				b++
			}
			if b == e {
				break
			}
			if a < 0 {
				a = e
			}
			e = b
		}
		if a >= 0 && e-a >= 16 {
			add(a, e)
			from = e
		}
	}
}
