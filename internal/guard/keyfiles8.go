package guard

import "strings"

// Private key files of the eighth round (issue 13): the armour of SSH2
// (RFC 4716-style, used by Tectia and older commercial SSH for private
// keys) and the secret key files of minisign and signify, whose first
// line is an "untrusted comment" naming a secret key and whose second is
// the key in base64.

// ssh2Private finds "---- BEGIN SSH2 [ENCRYPTED] PRIVATE KEY ----" blocks
// with a base64 body and reports each block's span through fn.
func ssh2Private(s string, fn func(start, end int)) {
	for off := 0; off < len(s); {
		k := strings.Index(s[off:], "---- BEGIN SSH2 ")
		if k < 0 {
			return
		}
		st := off + k
		le := strings.Index(s[st+16:], " ----")
		if le < 0 || le > 30 || !strings.HasSuffix(s[st+16:st+16+le], "PRIVATE KEY") {
			off = st + 16
			continue
		}
		after := st + 16 + le + 5
		end := len(s)
		if e := strings.Index(s[after:], "---- END SSH2 "); e >= 0 {
			end = after + e + len("---- END SSH2 ")
			if e2 := strings.Index(s[end:], " ----"); e2 >= 0 && e2 <= 30 {
				end += e2 + 5
			}
		}
		if b64Run(s[after:end]) >= 40 {
			fn(st, end)
		}
		off = end
	}
}

// b64Run returns the length of the longest run of base64 bytes in s.
func b64Run(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if alpha[s[i]]&alB64Std != 0 {
			n++
			if n > best {
				best = n
			}
		} else {
			n = 0
		}
	}
	return best
}

// signifySecret finds minisign and signify secret key files: an
// "untrusted comment:" line that names a secret key (not a signature made
// with one), then a line of 40+ base64 bytes (the key), whose span it
// reports through fn.
func signifySecret(s string, fn func(start, end int)) {
	for off := 0; off < len(s); {
		k := strings.Index(s[off:], "untrusted comment:")
		if k < 0 {
			return
		}
		st := off + k
		nl := strings.IndexByte(s[st:], '\n')
		if nl < 0 {
			return
		}
		line := s[st : st+nl]
		off = st + nl + 1
		if !containsFold(line, "secret key") || containsFold(line, "signature") {
			// "signature from minisign secret key": a signature, public.
			continue
		}
		a := off
		e := runOf(s, a, alB64Std)
		if e-a >= 40 {
			fn(a, e)
			off = e
		}
	}
}

// solanaKeypair: t is the text of a Solana keypair file as solana-keygen
// writes it (id.json): a JSON array of exactly 64 integers 0-255, the
// ed25519 secret key's 32 bytes and then the public key's.
func solanaKeypair(t string) bool {
	if len(t) < 129 || len(t) > 512 || t[0] != '[' || t[len(t)-1] != ']' {
		return false
	}
	n, v, digits := 0, 0, 0
	for i := 1; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			v = v*10 + int(c-'0')
			digits++
			if digits > 3 || v > 255 {
				return false
			}
		case c == ',' || c == ']':
			if digits == 0 {
				return false
			}
			n++
			v, digits = 0, 0
			if c == ']' && i != len(t)-1 {
				return false
			}
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			if digits > 0 && i+1 < len(t) && isDigit(t[i+1]) {
				return false
			}
		default:
			return false
		}
	}
	return n == 64
}

// keypairKey: the key names a key pair or a secret key (keypair_json,
// secretKey, wallet_keypair): 64 bytes under another name (a signature,
// a hash) are public.
func keypairKey(key string) bool {
	return containsFoldAny(key, "keypair", "key_pair", "secretkey", "secret_key", "privatekey", "private_key")
}
