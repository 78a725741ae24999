package guard

import "strings"

// Secrets in the text forms the sixth corpus showed (issue 13): PuTTY
// private key files, PKCS#12 and Java keystores as base64, Set-Cookie
// headers inside raw HTTP responses, and passwords in Oracle connect
// strings (jdbc:oracle:thin:user/password@..., sqlplus user/password@...).

// puttyPrivateLines finds the private part of a PuTTY key file (.ppk,
// versions 2 and 3): the base64 lines after "Private-Lines: N", up to the
// "Private-MAC:" or "Private-Hash:" line. The public lines are public.
func puttyPrivateLines(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], "Private-Lines:")
		if k < 0 {
			return
		}
		a := from + k + len("Private-Lines:")
		for a < len(s) && (s[a] == ' ' || isDigit(s[a])) {
			a++
		}
		for a < len(s) && (s[a] == '\r' || s[a] == '\n' || s[a] == '\\' && a+1 < len(s) && (s[a+1] == 'n' || s[a+1] == 'r')) {
			if s[a] == '\\' {
				a++ // an escaped newline inside a JSON string or log line
			}
			a++
		}
		e := a
		for e < len(s) && (alpha[s[e]]&alB64Std != 0 || s[e] == '\r' || s[e] == '\n') {
			e++
		}
		for e > a && (s[e-1] == '\r' || s[e-1] == '\n') {
			e--
		}
		if e-a >= 16 {
			add(a, e)
		}
		from = max(e, a)
	}
}

// keystoreHead: b (the first decoded bytes of a base64 value) starts a
// PKCS#12 file (a DER or BER SEQUENCE holding INTEGER 3, the PFX version,
// then the authSafe SEQUENCE), a Java keystore (magic FEEDFEED) or a
// JCEKS keystore (CECECECE). Each holds private keys, encrypted with a
// password that is often weak or beside it.
func keystoreHead(b []byte) bool {
	if len(b) >= 4 && (b[0] == 0xFE && b[1] == 0xED && b[2] == 0xFE && b[3] == 0xED || b[0] == 0xCE && b[1] == 0xCE && b[2] == 0xCE && b[3] == 0xCE) {
		return true
	}
	if len(b) < 6 || b[0] != 0x30 {
		return false
	}
	i := 2
	switch l := b[1]; {
	case l < 0x80 || l == 0x80:
	case l >= 0x81 && l <= 0x84:
		i += int(l - 0x80)
	default:
		return false
	}
	return i+4 <= len(b) && b[i] == 0x02 && b[i+1] == 0x01 && b[i+2] == 0x03 && b[i+3] == 0x30
}

// setCookieSessions finds session cookies set by "Set-Cookie:" header
// lines inside a text (a raw HTTP response in a log or an error): the
// value of a cookie whose name says session, auth, token or login.
func setCookieSessions(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		k := indexFold(s[from:], "set-cookie:")
		if k < 0 {
			return
		}
		i := from + k + len("set-cookie:")
		from = i
		for i < len(s) && s[i] == ' ' {
			i++
		}
		eq := i
		for eq < len(s) && eq-i < 128 && s[eq] != '=' && s[eq] != ';' && s[eq] != '\n' && s[eq] != '\r' && s[eq] != ' ' {
			eq++
		}
		if eq >= len(s) || s[eq] != '=' || eq == i {
			continue
		}
		name := strings.ToLower(s[i:eq])
		name = strings.TrimPrefix(strings.TrimPrefix(name, "__secure-"), "__host-")
		vs := eq + 1
		ve := vs
		for ve < len(s) && s[ve] != ';' && s[ve] != '\r' && s[ve] != '\n' && s[ve] != ' ' && s[ve] != '"' && s[ve] != '\\' {
			ve++
		}
		v := s[vs:ve]
		if cookieSecretName(name) && len(v) >= 8 && !isPlaceholder(v) && !isBoolWord(v) {
			add(vs, ve)
		}
		from = ve
	}
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring the
// case of s.
func indexFold(s, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if hasPrefixFold(s[i:], needle) {
			return i
		}
	}
	return -1
}

// oracleConnectPasswords finds the password of an Oracle connect string
// written user/password@: after "jdbc:oracle:thin:" (or oci:), and after
// sqlplus ("sqlplus scott/tiger@//db:1521/ORCL", "sqlplus -s u/p@db").
func oracleConnectPasswords(s string, add func(a, b int)) {
	for from := 0; from < len(s); {
		i := -1
		if k := strings.Index(s[from:], "jdbc:oracle:"); k >= 0 {
			i = from + k + len("jdbc:oracle:")
			if j := strings.IndexByte(s[i:min(len(s), i+8)], ':'); j >= 0 {
				i += j + 1
			}
		}
		if k := strings.Index(s[from:], "sqlplus "); k >= 0 && (i < 0 || from+k < i) {
			i = from + k + len("sqlplus ")
			for i < len(s) && s[i] == ' ' {
				i++
			}
			if i < len(s) && s[i] == '-' {
				// one flag word ("-s", "-L")
				for i < len(s) && s[i] != ' ' {
					i++
				}
				for i < len(s) && s[i] == ' ' {
					i++
				}
			}
		}
		if i < 0 {
			return
		}
		from = i
		// user/password@
		u := i
		for u < len(s) && u-i < 64 && (isAlnum(s[u]) || s[u] == '_' || s[u] == '$' || s[u] == '#') {
			u++
		}
		if u == i || u >= len(s) || s[u] != '/' {
			continue
		}
		pa := u + 1
		at := strings.IndexByte(s[pa:min(len(s), pa+128)], '@')
		if at <= 0 {
			continue
		}
		pw := s[pa : pa+at]
		if strings.ContainsAny(pw, " \t\r\n\"'/") || isPlaceholder(pw) {
			continue
		}
		add(pa, pa+at)
		from = pa + at
	}
}

// scanTextForms6 runs this file's text scanners on s, each behind a check
// of s's byte profile f.
func (w *walker) scanTextForms6(s string, f uint32) {
	if len(s) >= 60 && f&pSpace != 0 && f&pDash != 0 && f&pUpper != 0 && strings.Contains(s, "PuTTY-User-Key-File-") {
		puttyPrivateLines(s, func(a, b int) { w.add(PrivateKey, "private_key.putty", a, b) })
	}
	if len(s) >= 20 && f&pSpace != 0 && f&pEq != 0 && (strings.Contains(s, "ookie:") || strings.Contains(s, "OOKIE:")) {
		setCookieSessions(s, func(a, b int) { w.add(SecretToken, "secret.session_cookie", a, b) })
	}
	if len(s) >= 16 && f&pSlash != 0 && f&pAt != 0 && (strings.Contains(s, "jdbc:oracle:") || strings.Contains(s, "sqlplus ")) {
		oracleConnectPasswords(s, func(a, b int) { w.add(Password, "text.oracle_connect", a, b) })
	}
}

// rrwebTyped: t, the text of an rrweb Input event, is something the user
// typed: not empty and not masked (rrweb's maskInputOptions write one '*'
// per character).
func rrwebTyped(t string) bool {
	return strings.Trim(t, "* ") != ""
}
