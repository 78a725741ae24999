package guard

import "strings"

// Secrets in command lines and configuration text: the name of a flag
// ("--password", "--api-key=") or of an assignment ("PGPASSWORD=",
// "PrivateKey = ", "api_key: ") says what the value is, exactly as a
// property's key does; a few programs take a password through a short
// flag ("mysql -p<pw>", "sshpass -p <pw>", "curl -u user:<pw>").

// maxArgs bounds the words a command-line scan looks at in one value.
const maxArgs = 256

// argv is one whitespace-separated word of a command line: its span
// without surrounding quotes.
type argv struct{ s, e int }

// nextArg returns the next word of s at or after i, quotes removed.
func nextArg(s string, i int) (argv, int) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
		s[i] == ',' && i > 0 && (s[i-1] == '"' || s[i-1] == '\'')) {
		// The comma after a quoted element of an exec-form list:
		// command: ["redis-server", "--requirepass", "..."].
		i++
	}
	if i >= len(s) {
		return argv{i, i}, i
	}
	if q := s[i]; q == '\'' || q == '"' {
		if e := strings.IndexByte(s[i+1:], q); e >= 0 {
			return argv{i + 1, i + 1 + e}, i + e + 2
		}
	}
	e := i
	for e < len(s) && s[e] != ' ' && s[e] != '\t' && s[e] != '\n' && s[e] != '\r' {
		e++
	}
	return argv{i, e}, e
}

// cliProgram names the short flag through which a program takes a
// password: glued to it ("mysql -pS3cret") or as the next argument
// ("sshpass -p S3cret"). Zero when word is no such program.
func cliProgram(word string) (glued, spaced byte) {
	if k := strings.LastIndexByte(word, '/'); k >= 0 {
		word = word[k+1:]
	}
	switch word {
	case "mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mysqlsh", "mariadb",
		"mariadb-dump", "mariadb-admin", "mysqlpump", "7z", "7za", "unrar", "rar":
		return 'p', 0
	case "sshpass", "mongo", "mongosh":
		return 'p', 'p'
	// Programs that parse their options with getopt (or a parser that
	// follows it) also take the argument glued to the short option
	// ("ldapadd -wS3cret", "zip -PS3cret"), as POSIX's utility syntax says.
	case "mongodump", "mongorestore", "mongoexport", "mongoimport", "mongostat",
		"mongotop", "mongofiles":
		return 'p', 'p'
	case "psexec", "psexec64":
		return 0, 'p'
	case "redis-cli", "keydb-cli":
		return 0, 'a'
	case "ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapwhoami", "ldappasswd", "ldapcompare":
		return 'w', 'w'
	case "zip", "unzip", "ipmitool":
		return 'P', 'P'
	case "sqlcmd", "bcp", "osql":
		return 0, 'P'
	case "ssh-keygen":
		return 'N', 'N'
	case "rdesktop", "cqlsh":
		return 'p', 'p'
	case "vncviewer", "x11vnc", "ncftp", "ncftpput", "ncftpget", "influx":
		return 0, 'p'
	case "openssl":
		return 0, 'k'
	}
	return 0, 0
}

// scanPgpass finds the password of PostgreSQL password-file lines
// (~/.pgpass: "host:port:database:user:password", port digits or *).
func (w *walker) scanPgpass(s string) {
	for ls := 0; ls < len(s); {
		le := strings.IndexByte(s[ls:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += ls
		}
		line := strings.TrimRight(s[ls:le], "\r")
		var f [5]int // field starts
		n := 0
		ok := !strings.ContainsAny(line, " \t/")
		for i := 0; ok && i < len(line); i++ {
			if line[i] == ':' {
				if n == 4 {
					ok = false
					break
				}
				n++
				f[n] = i + 1
			}
		}
		if ok && n == 4 {
			port := line[f[1] : f[2]-1]
			pw := line[f[4]:]
			if (port == "*" || allDigits(port) && len(port) <= 5) && f[1] > 1 && f[4]-f[3] > 1 && len(pw) >= 4 &&
				pw != "*" && passwordShape(pw) {
				w.add(Password, "text.config_secret", ls+f[4], ls+len(line))
			}
		}
		ls = le + 1
	}
}

// scanCommandLine finds flags and assignments whose name is a sensitive
// key, and the short password flags of the programs cliProgram knows (of
// the last program named before them).
func (w *walker) scanCommandLine(s string) {
	var glued, spaced byte
	oracle, netUse := false, false
	i := 0
	for n := 0; n < maxArgs && i < len(s); n++ {
		var a argv
		a, i = nextArg(s, i)
		if a.e <= a.s {
			continue
		}
		word := s[a.s:a.e]
		if g, sp := cliProgram(word); g != 0 || sp != 0 {
			glued, spaced = g, sp
			continue
		}
		if oracle {
			// sqlplus scott/tiger@orcl: the first argument that is not a
			// flag is the logon.
			if word[0] != '-' {
				if ps, pe := oracleLogon(s, a); pe > ps {
					w.add(Password, "text.cli_password", ps, pe)
				}
				oracle = false
			}
			continue
		}
		if oracleProgram(word) {
			oracle = true
			continue
		}
		if word == "use" && strings.HasSuffix(strings.ToLower(strings.TrimRight(s[:a.s], " \t")), "net") {
			netUse = true // net use Z: \\srv\share /user:DOM\bob <password>
		}
		if netUse && len(word) > 6 && hasPrefixFold(word, "/user:") {
			if b, j := nextArg(s, i); b.e > b.s && s[b.s] != '/' && s[b.s:b.e] != "*" {
				w.cliPassword(s, b)
				i = j
			}
			continue
		}
		if word[0] == '/' {
			if k := winPasswordFlag(word); k > 0 {
				w.cliPassword(s, argv{a.s + k, a.e}) // xfreerdp /p:S3cret
				continue
			}
		}
		if pos := positionalPassword(s, a, word); pos > 0 {
			// htpasswd -b file user <pw>, net user bob <pw>,
			// smbclient //srv/share <pw>: the password is the
			// pos-th plain argument after word.
			for k, j := 0, i; k < pos; k++ {
				b, nj := nextArg(s, j)
				for b.e > b.s && s[b.s] == '-' {
					b, nj = nextArg(s, nj)
				}
				if b.e <= b.s {
					break
				}
				j = nj
				if k == pos-1 && s[b.s] != '/' && s[b.s:b.e] != "*" {
					w.cliPassword(s, b)
					i = j
				}
			}
			continue
		}
		if word == "chpasswd" && strings.Contains(s[:a.s], "|") {
			// echo 'bob:S3cret' | chpasswd
			if k := strings.LastIndex(s[:a.s], "echo "); k >= 0 {
				if b, _ := nextArg(s, k+5); b.e > b.s && b.e < a.s {
					w.userPassArg(s, b)
				}
			}
			continue
		}
		if word == "-u" && strings.HasSuffix(strings.TrimRight(s[:a.s], " \t"), "lftp") {
			// lftp -u bob,S3cret host
			if b, j := nextArg(s, i); b.e > b.s {
				if c := strings.IndexByte(s[b.s:b.e], ','); c > 0 && c < b.e-b.s-1 {
					w.cliPassword(s, argv{b.s + c + 1, b.e})
				}
				i = j
			}
			continue
		}
		if word == "login" && registryCLI(s[:a.s]) {
			glued, spaced = 'p', 'p' // docker login -u bob -p S3cret (or -pS3cret)
			continue
		}
		// The argument after word, taken when word is a flag that wants it.
		next := func() argv {
			b, j := nextArg(s, i)
			if b.e <= b.s || s[b.s] == '-' {
				return argv{}
			}
			i = j
			return b
		}
		switch {
		case word == "-S" && strings.HasSuffix(strings.TrimRight(s[:a.s], " \t"), "sudo") ||
			word == "--stdin" || word == "--password-stdin" || word == "--passphrase-stdin":
			// echo 'S3cret' | sudo -S cmd, printf 'S3cret\n' | passwd
			// --stdin bob, echo S3cret | docker login --password-stdin:
			// the program reads the password from the pipe.
			if b := pipedArg(s, a.s); b.e > b.s {
				w.cliPassword(s, b)
			}
		case word == "-u" || word == "-U" || word == "--user" || word == "--auth":
			w.userPassArg(s, next())
		case word == "-a" && httpieCommand(s, a.s):
			w.userPassArg(s, next()) // http -a bob:S3cret GET https://... (HTTPie, xh)
		case len(word) > 4 && word[0] == '-' && word[1] == 'u' && strings.IndexByte(word, ':') > 2 && !strings.Contains(word, "://"):
			w.userPassArg(s, argv{a.s + 2, a.e}) // curl -ubob:S3cret
		case strings.HasPrefix(word, "--user=") || strings.HasPrefix(word, "--auth="):
			w.userPassArg(s, argv{a.s + strings.IndexByte(word, '=') + 1, a.e})
		case strings.HasPrefix(word, "--") && len(word) > 3:
			name, val, eq := strings.Cut(word[2:], "=")
			kind := classifyKey(name)
			if !kind.sensitive() && spacedDirective(name) {
				kind = kPassword // redis-server --requirepass S3cret: a config directive as a flag
			}
			if kind.sensitive() {
				v := argv{a.e - len(val), a.e}
				if !eq {
					v = next()
				}
				w.namedValue(s, v, kind, true)
			}
		case len(word) > 5 && strings.HasPrefix(word, "pass:"):
			// OpenSSL's pass phrase argument: -passin pass:S3cret.
			w.cliPassword(s, argv{a.s + 5, a.e})
		case len(word) > 4 && word[0] == '-' && word[1] == 'D' && strings.IndexByte(word, '=') > 3:
			// Java system properties: -Djavax.net.ssl.keyStorePassword=S3cret.
			name, val, _ := strings.Cut(word[2:], "=")
			if kind := classifyKey(name); kind.sensitive() && kind != kExpiry {
				w.namedValue(s, argv{a.e - len(val), a.e}, kind, true)
			}
		case len(word) > 3 && word[0] == '-' && word[1] != '-' && singleDashName(word[1:]):
			// Long options written with one dash (keytool's -storepass,
			// plink's -pw, influx's -password, gpg's -passphrase).
			if kind := classifyKey(word[1:]); kind.sensitive() && kind != kExpiry && kind != kCookie {
				w.namedValue(s, next(), kind, true)
			}
		case spaced != 0 && len(word) == 2 && word[0] == '-' && word[1] == spaced:
			w.cliPassword(s, next())
		case glued != 0 && len(word) > 2 && word[0] == '-' && word[1] == glued:
			w.cliPassword(s, argv{a.s + 2, a.e})
		default:
			// NAME=value assignments (environment variables before a
			// command, .env lines).
			if eq := strings.IndexByte(word, '='); eq > 0 && eq < len(word)-1 && envName(word[:eq]) {
				if kind := classifyKey(word[:eq]); kind.sensitive() {
					w.namedValue(s, argv{a.s + eq + 1, a.e}, kind, true)
				}
			}
		}
	}
}

// pipedArg returns the argument of the echo or printf whose output is
// piped into the command whose word starts at at ("echo S3cret | passwd
// --stdin bob"): only when a pipe stands between them. A printf format's
// trailing \n is not part of it.
func pipedArg(s string, at int) argv {
	k := max(strings.LastIndex(s[:at], "echo "), strings.LastIndex(s[:at], "printf "))
	if k < 0 {
		return argv{}
	}
	k += strings.IndexByte(s[k:], ' ') + 1
	b, _ := nextArg(s, k)
	for b.e > b.s && s[b.s] == '-' { // echo -n S3cret
		b, _ = nextArg(s, b.e+1)
	}
	if b.e <= b.s || b.e >= at || !strings.Contains(s[b.e:at], "|") {
		return argv{}
	}
	if strings.HasSuffix(s[b.s:b.e], "\\n") {
		b.e -= 2
	}
	return b
}

// singleDashName: n (a flag without its dash) is a word of 3 to 24
// letters, as long options written with one dash are.
func singleDashName(n string) bool {
	if len(n) < 2 || len(n) > 24 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !(n[i] >= 'a' && n[i] <= 'z' || n[i] >= 'A' && n[i] <= 'Z' || n[i] == '-' || n[i] == '_') {
			return false
		}
	}
	return true
}

// registryCLI: the word before "login" (in before) is a container tool
// whose login takes -p <password> (elsewhere its -p is a port).
func registryCLI(before string) bool {
	before = strings.TrimRight(before, " \t")
	if k := strings.LastIndexAny(before, " \t/"); k >= 0 {
		before = before[k+1:]
	}
	switch before {
	case "docker", "podman", "buildah", "nerdctl", "oc", "helm", "skopeo", "az", "crane", "regctl", "oras":
		return true
	}
	return false
}

// scanXML reads <name>value</name> elements and <add key="name"
// value="..."/> attribute pairs: a name that is a sensitive key makes the
// value what the key says (XML payloads, .NET appSettings, SOAP bodies).
func (w *walker) scanXML(s string) {
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			return
		}
		i += k + 1
		ns := i
		for i < len(s) && (isAlnum(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == ':' || s[i] == '.') {
			i++
		}
		if i == ns || i >= len(s) {
			continue
		}
		name := s[ns:i]
		te := strings.IndexByte(s[i:], '>')
		if te < 0 {
			return
		}
		attrs := s[i : i+te]
		i += te
		if pk, vs, ve := xmlPair(attrs); pk != kNone {
			w.namedValue(s, argv{ns + len(name) + vs, ns + len(name) + ve}, pk, true)
		}
		if len(attrs) > 0 && attrs[len(attrs)-1] == '/' {
			continue
		}
		vs := i + 1
		ve := strings.IndexByte(s[vs:], '<')
		if ve < 0 {
			return
		}
		ve += vs
		if c := s[ve:]; len(name) > 64 || !strings.HasPrefix(c, "</") || !strings.HasPrefix(c[2:], name) ||
			len(c) <= 2+len(name) || c[2+len(name)] != '>' {
			continue
		}
		kind := classifyKey(name)
		if !kind.sensitive() {
			// <entry key="db.password">...</entry> (Java XML properties)
			if a, b := xmlAttr(attrs, "key"); b > a {
				kind = classifyKey(attrs[a:b])
			} else if a, b := xmlAttr(attrs, "name"); b > a {
				kind = classifyKey(attrs[a:b])
			}
		}
		if kind.sensitive() {
			t0, t1 := vs, ve
			for t0 < t1 && (s[t0] == ' ' || s[t0] == '\n' || s[t0] == '\t') {
				t0++
			}
			for t1 > t0 && (s[t1-1] == ' ' || s[t1-1] == '\n' || s[t1-1] == '\t') {
				t1--
			}
			if t1 > t0 {
				w.namedValue(s, argv{t0, t1}, kind, true)
			}
		}
		i = ve
	}
}

// xmlPair finds key="name" (or name="...") and value="..." among a tag's
// attributes and returns what the name says and the value's span in attrs.
func xmlPair(attrs string) (kind keyKind, vs, ve int) {
	if !strings.Contains(attrs, "value=") {
		return kNone, 0, 0
	}
	vs, ve = xmlAttr(attrs, "value")
	if vs < 0 || ve <= vs {
		return kNone, 0, 0
	}
	for _, n := range [...]string{"key", "name"} {
		if ns, ne := xmlAttr(attrs, n); ns >= 0 {
			if k := namedKind(attrs[ns:ne]); k != kNone {
				return k, vs, ve
			}
		}
	}
	return kNone, 0, 0
}

// xmlAttr returns the span of attribute n's quoted value in attrs, or -1.
func xmlAttr(attrs, n string) (int, int) {
	for off := 0; off < len(attrs); {
		k := strings.Index(attrs[off:], n)
		if k < 0 {
			return -1, -1
		}
		k += off
		off = k + len(n)
		st := off + 2
		if k == 0 || attrs[k-1] != ' ' || st > len(attrs) || attrs[off] != '=' || attrs[off+1] != '"' && attrs[off+1] != '\'' {
			continue
		}
		if e := strings.IndexByte(attrs[st:], attrs[off+1]); e >= 0 {
			return st, st + e
		}
		return -1, -1
	}
	return -1, -1
}

// envName: an identifier as shells and config files write them.
func envName(n string) bool {
	for i := 0; i < len(n); i++ {
		if c := n[i]; !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// typedPassword: t looks typed as a password: one word, not a template,
// with digits, symbols or mixed case — or, when loose (a flag's value, a
// line of a multi-line config), any word of 6+ bytes but a boolean word.
func typedPassword(t string, loose bool) bool {
	return !strings.ContainsAny(t, " \t") && !isPlaceholder(t) && t[0] != '$' &&
		(phraseToken(t, false) || loose && len(t) >= 6 && !isBoolWord(t))
}

// cliPassword records the argument of a program's password flag.
func (w *walker) cliPassword(s string, v argv) {
	if v.e-v.s >= 3 && (s[v.s] == '"' || s[v.s] == '\'') && s[v.e-1] == s[v.s] {
		v.s, v.e = v.s+1, v.e-1 // -p"S3cret", 'S3cret'
	}
	if t := strings.TrimRight(s[v.s:v.e], ",;"); t != "" && typedPassword(t, true) {
		w.add(Password, "text.cli_password", v.s, v.s+len(t))
	}
}

// userPassArg records the password of a "user:password" argument.
func (w *walker) userPassArg(s string, b argv) {
	arg := s[b.s:b.e]
	c := strings.IndexByte(arg, ':')
	if c < 0 {
		c = strings.IndexByte(arg, '%') // smbclient -U user%password
	}
	if c <= 0 || c == len(arg)-1 || strings.Contains(arg, "://") {
		return
	}
	if pw := arg[c+1:]; !isPlaceholder(pw) && !userinfoWord(pw) && pw[0] != '$' {
		w.add(Password, "text.cli_password", b.s+c+1, b.e)
	}
}

// namedValue judges s[v.s:v.e], the value of a flag, an assignment or a
// config line whose name says kind, as a property under that name would
// be (a password must look typed, see typedPassword). Detector
// text.config_secret.
func (w *walker) namedValue(s string, v argv, kind keyKind, loose bool) {
	t := strings.TrimRight(s[v.s:v.e], ",;")
	if t == "" || kind == kCookie || kind == kExpiry {
		return
	}
	mark := len(w.hits)
	switch kind {
	case kPassword, kPwd, kPass:
		// "pass=failed" in a log line is a result, not a password.
		if typedPassword(t, loose && kind != kPass) && !(kind == kPwd && pathLike(t)) {
			w.add(Password, "text.config_secret", 0, len(t))
		}
	default:
		if t[0] == '$' {
			return
		}
		p := profileOf(t)
		w.keyHit(t, kind, &p)
	}
	for k := mark; k < len(w.hits); k++ {
		w.hits[k].start += v.s
		w.hits[k].end += v.s
		w.hits[k].det = "text.config_secret"
	}
}

// namedValueOf is namedValue with the value's own name standing for the
// property's key, so that a name naming a format with check digits
// ("cpf") has the value pass them (failsNamedCheck).
func (w *walker) namedValueOf(name, s string, v argv, kind keyKind, loose bool) {
	key := w.key
	w.key = name
	w.namedValue(s, v, kind, loose)
	w.key = key
}

// scanConfigLines reads "name = value" and "name: value" lines (INI,
// .env, YAML, TOML, WireGuard, Java properties): a name that is a
// sensitive key makes the value what the key says.
func (w *walker) scanConfigLines(s string) {
	multiline := strings.IndexByte(s, '\n') >= 0
	for ls := 0; ls < len(s); {
		le := strings.IndexByte(s[ls:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += ls
		}
		w.configLine(s, ls, le, multiline)
		ls = le + 1
	}
	if multiline && strings.Contains(s, "name: ") && strings.Contains(s, "value: ") {
		w.scanNameValueLines(s)
	}
}

// scanNameValueLines reads YAML lists of name/value pairs, as Kubernetes
// writes a container's environment (and Helm charts' extraEnv):
//
//   - name: API_TOKEN
//     value: "..."
//
// a name the key dictionary knows makes the value on the next line what
// the name says.
func (w *walker) scanNameValueLines(s string) {
	name := ""
	for ls := 0; ls < len(s); {
		le := strings.IndexByte(s[ls:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += ls
		}
		line := strings.TrimLeft(s[ls:le], " \t")
		switch {
		case strings.HasPrefix(line, "- name: "):
			name = strings.Trim(strings.TrimSpace(line[len("- name: "):]), "\"'")
		case name != "" && strings.HasPrefix(line, "value: "):
			vs := le - len(line) + len("value: ")
			ve := le
			for ve > vs && (s[ve-1] == ' ' || s[ve-1] == '\r') {
				ve--
			}
			if ve-vs >= 2 && (s[vs] == '"' || s[vs] == '\'') && s[ve-1] == s[vs] {
				vs, ve = vs+1, ve-1
			}
			if kind := classifyKey(name); kind.sensitive() && ve > vs {
				w.namedValue(s, argv{vs, ve}, kind, true)
			}
			name = ""
		default:
			name = ""
		}
		ls = le + 1
	}
}

func (w *walker) configLine(s string, ls, le int, multiline bool) {
	i := ls
	if i+1 < le && s[i] == '+' && s[i+1] != '+' && multiline {
		i++ // a line a diff adds: "+API_KEY=..."
	}
	for i < le && (s[i] == ' ' || s[i] == '\t' || s[i] == '-') {
		i++
	}
	if i < le && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	ns := i
	for i < le && (isAlnum(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] >= 0x80) {
		i++
	}
	ne := i
	if ne == ns || ne-ns > 64 {
		return
	}
	if i < le && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	for i < le && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= le || s[i] != '=' && s[i] != ':' {
		// Space-separated directives whose value is a password
		// (redis.conf's requirepass and masterauth, pgbouncer's auth).
		if i < le && i > ne && spacedDirective(s[ns:ne]) {
			if b, _ := nextArg(s[:le], i); b.e > b.s {
				w.namedValue(s, b, kPassword, true)
			}
		}
		return
	}
	i++
	for i < le && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	ve := le
	for ve > i && (s[ve-1] == ' ' || s[ve-1] == '\r' || s[ve-1] == '\t') {
		ve--
	}
	if ve-i >= 2 && (s[i] == '"' || s[i] == '\'') && s[ve-1] == s[i] {
		i, ve = i+1, ve-1
	}
	if ve <= i {
		return
	}
	if kind := classifyKey(s[ns:ne]); kind.sensitive() {
		w.namedValue(s, argv{i, ve}, kind, multiline)
	}
}

// argvState follows an argument vector (["mysql", "-pS3cret", "db"]) element
// by element: the program named last and the flag before the current
// element decide what an element holds, as they do in a command line.
type argvState struct {
	glued, spaced byte    // the password flag of the program named last
	prev          keyKind // what the previous element (a flag) says of this one
	userPass      bool    // the previous element was -u/--user (curl's user:password)
	oracle        bool    // an Oracle tool was named: its first plain element is user/password@service
	last          string  // the previous element
}

// kind returns what the element s (a string when str) holds beyond its
// array's kind (kNone: nothing), and advances the state.
func (a *argvState) kind(s string, str bool) keyKind {
	k := a.prev
	a.prev = kNone
	up := a.userPass
	a.userPass = false
	last := a.last
	a.last = ""
	if !str || len(s) < 2 || len(s) > 256 {
		return k
	}
	a.last = s
	if a.oracle && s[0] != '-' {
		// ["sqlplus", "scott/S3cret@orcl"]
		a.oracle = false
		if ps, pe := oracleLogon(s, argv{0, len(s)}); pe > ps {
			return kPassword
		}
		return k
	}
	if oracleProgram(s) {
		a.oracle = true
		return k
	}
	if s == "login" && registryCLI(last) {
		a.glued, a.spaced = 'p', 'p' // ["docker", "login", "-pS3cret"]
		return k
	}
	if up || len(s) > 4 && s[0] == '-' && s[1] == 'u' {
		// ["curl", "-u", "bob:S3cret"], ["curl", "-ubob:S3cret"]: the
		// element holds the password.
		u := s
		if !up {
			u = s[2:]
		}
		c := strings.IndexByte(u, ':')
		if c < 0 && up {
			c = strings.IndexByte(u, '%') // ["smbclient", "-U", "bob%S3cret"]
		}
		if c > 0 && c < len(u)-1 && !strings.Contains(u, "://") && typedPassword(u[c+1:], true) {
			return kPassword
		}
	}
	if g, sp := cliProgram(s); g != 0 || sp != 0 {
		a.glued, a.spaced = g, sp
		return k
	}
	switch {
	case s[0] == '-' && len(s) == 2 && a.spaced != 0 && s[1] == a.spaced:
		a.prev = kPassword // ["sshpass", "-p", "S3cret"]
	case s[0] == '-' && len(s) > 2 && a.glued != 0 && s[1] == a.glued && typedPassword(s[2:], true):
		return kPassword // ["mysql", "-pS3cret"]: the element goes
	case s[0] == '/' && winPasswordFlag(s) > 0:
		return kPassword // ["xfreerdp", "/p:S3cret"]
	case s == "-u" || s == "--user" || s == "-U":
		a.userPass = true
	case s[0] == '-' && strings.IndexByte(s, '=') > 0:
		// ["mysql", "--password=S3cret"]: the element holds the value.
		eq := strings.IndexByte(s, '=')
		if n := strings.TrimLeft(s[:eq], "-"); len(n) >= 2 && eq < len(s)-1 {
			if f := namedKind(n); f.sensitive() && s[eq+1] != '$' && !isPlaceholder(s[eq+1:]) {
				return f
			}
		}
	default:
		if f := argvFlagKind(s); f != kNone {
			a.prev = f // ["psql", "--password", "S3cret"]
		}
	}
	return k
}

// winPasswordFlag: s is a Windows-style password switch with its value
// ("/p:S3cret", "/password:S3cret", "/pass:S3cret"); it returns where the
// value starts, or 0.
func winPasswordFlag(s string) int {
	for _, f := range [...]string{"/p:", "/pw:", "/pass:", "/password:", "/pwd:", "/passwd:"} {
		if len(s) > len(f) && hasPrefixFold(s, f) && typedPassword(s[len(f):], true) {
			return len(f)
		}
	}
	return 0
}

// oracleProgram: Oracle's tools take user/password@service as their
// first argument.
func oracleProgram(word string) bool {
	if k := strings.LastIndexByte(word, '/'); k >= 0 && k < len(word)-1 {
		word = word[k+1:]
	}
	switch strings.ToLower(strings.TrimSuffix(strings.ToLower(word), ".exe")) {
	case "sqlplus", "sqlldr", "exp", "imp", "expdp", "impdp", "rman", "dgmgrl", "sqlcl", "sql", "tkprof", "wrap":
		return true
	}
	return false
}

// oracleLogon returns the span of the password in an Oracle logon
// argument user/password[@connect] (0, 0 when there is none).
func oracleLogon(s string, a argv) (int, int) {
	arg := s[a.s:a.e]
	sl := strings.IndexByte(arg, '/')
	if sl <= 0 || strings.Contains(arg, "://") || !isAlnum(arg[0]) {
		return 0, 0
	}
	for k := 0; k < sl; k++ {
		if c := arg[k]; !isAlnum(c) && c != '_' && c != '$' && c != '#' {
			return 0, 0
		}
	}
	e := len(arg)
	if at := strings.IndexByte(arg[sl+1:], '@'); at >= 0 {
		e = sl + 1 + at
	}
	pw := arg[sl+1 : e]
	if pw == "" || strings.IndexByte(pw, '/') >= 0 || !typedPassword(pw, true) {
		return 0, 0
	}
	return a.s + sl + 1, a.s + e
}

// positionalPassword: word starts a command whose password is a plain
// argument, not a flag's: the number of plain arguments (flags skipped)
// after word up to the password, or 0.
func positionalPassword(s string, a argv, word string) int {
	before := strings.TrimRight(s[:a.s], " \t")
	switch {
	case word == "htpasswd":
		if strings.Contains(s[a.e:], " -b") || strings.Contains(s[a.e:], " -nb") || strings.Contains(s[a.e:], " -bn") {
			if strings.Contains(s[a.e:], " -n") {
				return 2 // htpasswd -nb user <pw>
			}
			return 3 // htpasswd -b file user <pw>
		}
	case word == "user" && (strings.HasSuffix(before, "net") || strings.HasSuffix(before, "NET")):
		return 2 // net user bob <pw> /add
	case (word == "add_user" || word == "change_password") && strings.HasSuffix(before, "rabbitmqctl"):
		return 2 // rabbitmqctl add_user bob <pw>
	case word == "smbclient" || strings.HasSuffix(word, "/smbclient"):
		return 2 // smbclient //srv/share <pw>
	}
	return 0
}

// spacedDirective names configuration directives written "name value"
// whose value is a password.
func spacedDirective(n string) bool {
	switch strings.ToLower(n) {
	case "requirepass", "masterauth", "masterpassword", "rpcpassword", "auth_password", "bindpw", "rootpw":
		return true
	}
	return false
}

// scanRejectedValues reads the messages validation libraries write about
// a field and the value they rejected, and judges the value as under the
// field's name:
//
//	"ssn" with value "536221234" fails to match ...      (Joi)
//	Field error in object 'user' on field 'ssn': rejected value [536221234]  (Spring)
//	ssn\n  String should match pattern ... [type=..., input_value='536221234', ...]  (Pydantic)
//	invalid value "536221234" for field "ssn"            (and "for parameter", "for key")
//
// Detector text.config_secret.
func (w *walker) scanRejectedValues(s string) {
	w.scanDuplicateEntries(s)
	for from, n := 0, 0; from < len(s) && n < 16; n++ {
		k := indexValueWord(s, from)
		if k < 0 {
			return
		}
		from = k + 5
		var name string
		var v argv
		switch {
		case k >= 6 && hasPrefixFold(s[k-6:], "input_value="):
			// Pydantic: the field is the last unindented line before.
			v = quotedAt(s, k+6)
			name = pydanticField(s, k)
		case k >= 5 && hasPrefixFold(s[k-5:], "with value "):
			// Joi: "name" with value "..."
			v = quotedAt(s, k+6)
			e := k - 6
			if e > 0 && s[e-1] == '"' {
				b := strings.LastIndexByte(s[:e-1], '"')
				if b >= 0 {
					name = s[b+1 : e-1]
				}
			}
		case k >= 9 && hasPrefixFold(s[k-9:], "rejected value ["):
			// Spring: on field 'name': rejected value [...]
			if e := strings.IndexByte(s[k+7:], ']'); e > 0 {
				v = argv{k + 7, k + 7 + e}
			}
			if f := strings.LastIndex(s[:k], "on field '"); f >= 0 {
				if e := strings.IndexByte(s[f+10:k], '\''); e > 0 {
					name = s[f+10 : f+10+e]
				}
			}
		case k >= 8 && hasPrefixFold(s[k-8:], "invalid value "):
			v = quotedAt(s, k+6)
			if v.e > v.s {
				rest := s[v.e:]
				if rest != "" && (rest[0] == '"' || rest[0] == '\'' || rest[0] == '`') {
					rest = rest[1:]
				}
				for _, f := range [...]string{" for field ", " for parameter ", " for key ", " for property ", " for "} {
					if hasPrefixFold(rest, f) {
						name = strings.Trim(firstWord(rest[len(f):]), "\"'`:.,")
						break
					}
				}
			}
		}
		if name == "" || v.e <= v.s || len(name) > 64 {
			continue
		}
		if d := strings.LastIndexAny(name, ".["); d >= 0 && d < len(name)-1 {
			name = strings.TrimRight(name[d+1:], "]") // user.ssn, body[ssn]
		}
		if kind, _ := w.kindOf(name); kind.sensitive() {
			w.namedValueOf(name, s, v, kind, false)
		}
	}
}

// scanDuplicateEntries reads MySQL's unique-key errors, "Duplicate entry
// '536221234' for key 'users.ssn'" (or the index name 'ssn_UNIQUE'): the
// column names the value.
func (w *walker) scanDuplicateEntries(s string) {
	for from, n := 0, 0; n < 4; n++ {
		k := strings.Index(s[from:], "uplicate entry '")
		if k < 0 {
			return
		}
		vs := from + k + len("uplicate entry '")
		e := strings.IndexByte(s[vs:], '\'')
		if e <= 0 {
			return
		}
		v := argv{vs, vs + e}
		from = v.e
		rest := s[v.e+1:]
		if !hasPrefixFold(rest, " for key '") {
			continue
		}
		rest = rest[len(" for key '"):]
		ne := strings.IndexByte(rest, '\'')
		if ne <= 0 || ne > 96 {
			continue
		}
		name := rest[:ne]
		if d := strings.LastIndexByte(name, '.'); d >= 0 {
			name = name[d+1:]
		}
		for _, suf := range [...]string{"_unique", "_uniq", "_key", "_idx", "_index", "_uk", "_uq"} {
			if len(name) > len(suf) && strings.EqualFold(name[len(name)-len(suf):], suf) {
				name = name[:len(name)-len(suf)]
				break
			}
		}
		if kind, _ := w.kindOf(name); kind.sensitive() {
			w.namedValueOf(name, s, v, kind, false)
		}
	}
}

// indexValueWord returns the index of the next "value" (any case) at or
// after from in s, or -1.
func indexValueWord(s string, from int) int {
	for i := from + 1; i+4 <= len(s); i++ {
		k := strings.Index(s[i:], "alue")
		if k < 0 {
			return -1
		}
		i += k
		if s[i-1]|0x20 == 'v' {
			return i - 1
		}
	}
	return -1
}

// quotedAt returns the span of the value at s[i:]: inside quotes when it
// starts with one, else up to the next space, comma or bracket.
func quotedAt(s string, i int) argv {
	if i >= len(s) {
		return argv{}
	}
	if q := s[i]; q == '"' || q == '\'' || q == '`' {
		if e := strings.IndexByte(s[i+1:], q); e > 0 {
			return argv{i + 1, i + 1 + e}
		}
		return argv{}
	}
	e := i
	for e < len(s) && !phraseStop(s[e]) && s[e] != ']' && s[e] != '}' {
		e++
	}
	return argv{i, e}
}

// pydanticField returns the field a Pydantic error line at s[k:] is about:
// the last line before it that is not indented.
func pydanticField(s string, k int) string {
	ls := strings.LastIndexByte(s[:k], '\n')
	for ls > 0 {
		ps := strings.LastIndexByte(s[:ls], '\n') + 1
		line := strings.TrimRight(s[ps:ls], "\r ")
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			if strings.IndexByte(line, ' ') < 0 {
				return line
			}
			return ""
		}
		ls = ps - 1
	}
	return ""
}

// scanMultipart reads multipart/form-data bodies: each part's
// Content-Disposition names the field ('form-data; name="password"') and
// its value follows the blank line, up to the next boundary line. A name
// the key dictionary knows makes the value what it says. Detector
// text.config_secret.
func (w *walker) scanMultipart(s string) {
	for from, n := 0, 0; n < 64; n++ {
		k := strings.Index(s[from:], "form-data; name=")
		if k < 0 {
			return
		}
		ns := from + k + len("form-data; name=")
		q := byte(0)
		if ns < len(s) && (s[ns] == '"' || s[ns] == '\'') {
			q = s[ns]
			ns++
		}
		ne := ns
		for ne < len(s) && ne-ns < 96 && s[ne] != q && s[ne] != ';' && s[ne] != '\r' && s[ne] != '\n' && (q != 0 || s[ne] != ' ') {
			ne++
		}
		from = ne
		hs := strings.Index(s[ne:], "\n\r\n")
		hl := 3
		if h2 := strings.Index(s[ne:], "\n\n"); h2 >= 0 && (hs < 0 || h2 < hs) {
			hs, hl = h2, 2
		}
		if hs < 0 {
			return
		}
		vs := ne + hs + hl
		ve := strings.Index(s[vs:], "\n--")
		if ve < 0 {
			ve = len(s)
		} else {
			ve += vs
		}
		for ve > vs && (s[ve-1] == '\r' || s[ve-1] == '\n') {
			ve--
		}
		from = max(from, ve)
		name := s[ns:ne]
		if ve <= vs || name == "" {
			continue
		}
		if kind, _ := w.kindOf(name); kind.sensitive() {
			w.namedValueOf(name, s, argv{vs, ve}, kind, true)
		}
	}
}

// scanQuotedPairs reads a quoted name followed by a comma and a quoted
// value, as configuration written in code passes them: PHP's
// define('DB_PASSWORD', '...') (wp-config.php), Laravel's env('DB_PASSWORD',
// '...'), Python tuples ("password", "..."), Ruby's set :password, '...'.
// A name the key dictionary knows makes the value what it says; a
// password must look typed. Detector text.config_secret.
func (w *walker) scanQuotedPairs(s string) {
	for i, n := 0, 0; i < len(s) && n < maxArgs; i++ {
		k := strings.IndexByte(s[i:], ',')
		if k < 0 {
			return
		}
		i += k
		n++
		if i < 3 {
			continue
		}
		// The value: a quoted string after the comma (checked first: most
		// commas are prose's).
		vs := i + 1
		for vs < len(s) && s[vs] == ' ' {
			vs++
		}
		if vs >= len(s) || s[vs] != '\'' && s[vs] != '"' {
			continue
		}
		// The name: 'NAME' or :name just before the comma.
		ne := i
		q := s[ne-1]
		var ns int
		switch {
		case q == '\'' || q == '"':
			ns = strings.LastIndexByte(s[:ne-1], q)
			if ns < 0 || ne-1-ns > 64 {
				continue
			}
			ns++
			ne--
		case isAlnum(q) || q == '_':
			ns = ne
			for ns > 0 && (isAlnum(s[ns-1]) || s[ns-1] == '_') {
				ns--
			}
			if ns == 0 || s[ns-1] != ':' {
				continue // only a Ruby symbol stands unquoted
			}
		default:
			continue
		}
		vq := s[vs]
		ve := strings.IndexByte(s[vs+1:], vq)
		if ve <= 0 {
			continue
		}
		name := s[ns:ne]
		if !envName(name) {
			continue
		}
		if kind, _ := w.kindOf(name); kind.sensitive() && kind != kCookie && kind != kExpiry {
			w.namedValueOf(name, s, argv{vs + 1, vs + 1 + ve}, kind, false)
			i = vs + ve
		}
	}
}

// scanFieldNames finds a value written after a field name and a space in
// a log line or an error message ("social_security_number 536221234
// rejected", "nationalId 52998224725", "user.ssn 536221234", "id_number
// \"8001015009087\""): a name written as an identifier (with an
// underscore, a dot or a capital inside a word) that the key dictionary
// reads as a national ID or bank account makes the value what it says,
// judged as under that key (check digits and all). Prose words are left
// to the phrase scanners. Detector text.config_secret.
func (w *walker) scanFieldNames(s string) {
	for i := 2; i < len(s)-1; i++ {
		k := strings.IndexByte(s[i:], ' ')
		if k < 0 {
			return
		}
		i += k
		vs := i + 1
		if vs < len(s) && (s[vs] == '"' || s[vs] == '\'') {
			vs++
		}
		if vs >= len(s) || !isAlnum(s[vs]) || !digitNear(s, vs) {
			continue
		}
		ne := i
		if s[ne-1] == ':' {
			continue // "name: value" is scanInlinePairs'
		}
		ns := ne
		ident := false
		for ns > 0 && ne-ns < 48 && (isAlnum(s[ns-1]) || s[ns-1] == '_' || s[ns-1] == '.') {
			ns--
			c := s[ns]
			ident = ident || c == '_' || c == '.' || isUpper(c) && ns > 0 && s[ns-1] >= 'a' && s[ns-1] <= 'z'
		}
		if !ident || ne-ns < 3 || ns > 0 && isLetterByte(s[ns-1]) {
			continue
		}
		name := s[ns:ne]
		if d := strings.LastIndexByte(name, '.'); d >= 0 {
			name = name[d+1:] // user.ssn
		}
		if len(name) < 3 {
			continue
		}
		kind, _ := w.kindOf(name)
		if kind != kSSN && kind != kNatID && kind != kIBAN && kind != kBank {
			continue
		}
		ve := vs
		for ve < len(s) && (isAlnum(s[ve]) || s[ve] == '-' || s[ve] == '.' || s[ve] == '/') {
			ve++
		}
		for ve > vs && s[ve-1] == '.' {
			ve--
		}
		if ve-vs >= 5 {
			w.namedValueOf(name, s, argv{vs, ve}, kind, false)
			i = ve - 1
		}
	}
}

// digitNear: one of the four bytes at s[i:] is a digit (identifiers
// start so: 536221234, QQ123456C, X1234567).
func digitNear(s string, i int) bool {
	for k := i; k < len(s) && k < i+4; k++ {
		if isDigit(s[k]) {
			return true
		}
	}
	return false
}

// scanInlinePairs finds name=value and "name: value" pairs inside a log
// line or prose, not only at the start of a line ("POST /login
// ctl00$Main$txtPassword=...", "auth failed (userPassword: ...)"): a name
// the key dictionary knows (camelCase, prefixes and separators as for
// property keys, ASP.NET's $ and JSF's : paths) makes the value what it
// says; a password must look typed (typedPassword). Detector
// text.config_secret.
func (w *walker) scanInlinePairs(s string) {
	n := 0
	for i := 1; i < len(s)-1 && n < maxArgs; i++ {
		c := s[i]
		vs := i + 1
		arrow := false
		switch {
		case c == '=' && s[i+1] == '>':
			// Ruby hashes and Rails' "Parameters:" log lines:
			// {"password"=>"...", :password => "..."}.
			arrow, vs = true, i+2
			for vs < len(s) && s[vs] == ' ' {
				vs++
			}
		case c == '=':
		case c == ':' && s[i+1] == ' ':
			vs = i + 2
		case c == ':' && (s[i+1] == '\'' || s[i+1] == '"') && (s[i-1] == '\'' || s[i-1] == '"'):
			vs = i + 1 // {'cpf':'...'}
		default:
			continue
		}
		n++
		ne := i
		for arrow && ne > 1 && s[ne-1] == ' ' {
			ne--
		}
		var q byte
		if c := s[ne-1]; c == '\'' || c == '"' {
			q, ne = c, ne-1 // {'cpf': '...'} in a Python repr, "cpf": "..." in JSON text
		}
		ns := ne
		for ns > 0 && ne-ns < 64 && (isAlnum(s[ns-1]) || strings.IndexByte("_-.$[]:%", s[ns-1]) >= 0) {
			ns--
		}
		if q != 0 {
			if ns == 0 || s[ns-1] != q {
				continue
			}
		} else if arrow && ns > 0 && s[ns-1] == ':' {
			ns-- // a Ruby symbol, :password
		} else if ns > 0 && s[ns-1] != ' ' && s[ns-1] != '&' && s[ns-1] != '(' && s[ns-1] != ',' && s[ns-1] != ';' &&
			s[ns-1] != '?' && s[ns-1] != '{' && s[ns-1] != '\t' && s[ns-1] != '"' && s[ns-1] != '\'' {
			continue
		}
		if ne-ns < 2 {
			continue
		}
		name := s[ns:ne]
		if k := strings.LastIndexAny(name, "$:"); k >= 0 && k < len(name)-1 {
			name = name[k+1:] // ctl00$Main$txtPassword, loginForm:password
		} else if k := strings.LastIndex(name, "%24"); k >= 0 && k < len(name)-3 {
			name = name[k+3:]
		} else if k := strings.LastIndex(name, "%3A"); k >= 0 && k < len(name)-3 {
			name = name[k+3:]
		}
		name = strings.Trim(name, "[]")
		if len(name) < 2 {
			continue
		}
		kind, _ := w.kindOf(name)
		if !kind.sensitive() || kind == kCookie || kind == kExpiry {
			continue
		}
		for vs < len(s) && (s[vs] == '"' || s[vs] == '\'') {
			vs++
		}
		ve := vs
		for ve < len(s) && !(s[ve] == ' ' || s[ve] == '&' || s[ve] == ';' || s[ve] == ',' || s[ve] == '"' ||
			s[ve] == '\'' || s[ve] == ')' || s[ve] == '\n' || s[ve] == '\r' || s[ve] == '\t') {
			ve++
		}
		if ve-vs < 4 {
			continue
		}
		w.namedValueOf(name, s, argv{vs, ve}, kind, false)
		i = ve - 1
	}
}

// httpieCommand: the command that s[:at] ends in was started by HTTPie
// (http, https) or xh (xh, xhs), whose -a takes user:password.
func httpieCommand(s string, at int) bool {
	st := strings.LastIndexAny(s[:at], "\n|;&") + 1
	f := strings.TrimLeft(s[st:at], " \t")
	if sp := strings.IndexByte(f, ' '); sp > 0 {
		f = f[:sp]
	}
	switch f {
	case "http", "https", "xh", "xhs":
		return true
	}
	return false
}
