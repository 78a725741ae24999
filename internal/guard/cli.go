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
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
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

// program names whose short flags take a password.
func cliProgram(word string) (gluedP, spacedP, spacedA bool) {
	if k := strings.LastIndexByte(word, '/'); k >= 0 {
		word = word[k+1:]
	}
	switch word {
	case "mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mysqlsh", "mariadb",
		"mariadb-dump", "mariadb-admin", "mysqlpump":
		return true, false, false
	case "sshpass":
		return false, true, false
	case "redis-cli", "keydb-cli":
		return false, false, true
	}
	return false, false, false
}

// scanCommandLine finds flags and assignments whose name is a sensitive
// key, and the short password flags of the programs cliProgram knows.
func (w *walker) scanCommandLine(s string) {
	var gluedP, spacedP, spacedA bool
	i := 0
	for n := 0; n < maxArgs && i < len(s); n++ {
		var a argv
		a, i = nextArg(s, i)
		if a.e <= a.s {
			continue
		}
		word := s[a.s:a.e]
		if g, sp, sa := cliProgram(word); g || sp || sa {
			gluedP, spacedP, spacedA = gluedP || g, spacedP || sp, spacedA || sa
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
		case word == "-u" || word == "-U" || word == "--user" || word == "--auth":
			w.userPassArg(s, next())
		case strings.HasPrefix(word, "--user=") || strings.HasPrefix(word, "--auth="):
			w.userPassArg(s, argv{a.s + strings.IndexByte(word, '=') + 1, a.e})
		case strings.HasPrefix(word, "--") && len(word) > 3:
			name, val, eq := strings.Cut(word[2:], "=")
			if kind := classifyKey(name); kind.sensitive() {
				v := argv{a.e - len(val), a.e}
				if !eq {
					v = next()
				}
				w.namedValue(s, v, kind, true)
			}
		case word == "-p" && spacedP || word == "-a" && spacedA:
			w.cliPassword(s, next())
		case gluedP && len(word) > 2 && word[0] == '-' && word[1] == 'p':
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
	if t := strings.TrimRight(s[v.s:v.e], ",;"); t != "" && typedPassword(t, true) {
		w.add(Password, "text.cli_password", v.s, v.s+len(t))
	}
}

// userPassArg records the password of a "user:password" argument.
func (w *walker) userPassArg(s string, b argv) {
	arg := s[b.s:b.e]
	c := strings.IndexByte(arg, ':')
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
		if typedPassword(t, loose) && !(kind == kPwd && pathLike(t)) {
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
}

func (w *walker) configLine(s string, ls, le int, multiline bool) {
	i := ls
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
