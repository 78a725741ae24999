package guard

import "strings"

// Passwords in SQL text: CREATE/ALTER USER ... IDENTIFIED BY 'pw' (MySQL,
// Oracle, also IDENTIFIED WITH <plugin> BY 'pw'), CREATE/ALTER ROLE ...
// [WITH] PASSWORD 'pw' (PostgreSQL), SET PASSWORD [FOR u] = 'pw' or
// = PASSWORD('pw') (MySQL). Only in text that is such a statement.

// sqlStatement reports whether s holds a statement that sets a password.
func sqlStatement(s string) bool {
	return containsFoldAny(s, "create user", "alter user", "create role", "alter role", "set password",
		"create login", "alter login", "grant ")
}

// indexFoldFrom returns the index of the lower-case word w in s at or
// after i, ignoring ASCII case, or -1.
func indexFoldFrom(s, w string, i int) int {
	for ; i+len(w) <= len(s); i++ {
		ok := true
		for k := 0; k < len(w); k++ {
			if lower(s[i+k]) != w[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

func skipSQLSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// sqlWordAt reports whether the lower-case word w starts at i in s, as a
// whole word.
func sqlWordAt(s string, i int, w string) bool {
	return i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) &&
		(i+len(w) == len(s) || !isAlnum(s[i+len(w)]) && s[i+len(w)] != '_')
}

// sqlLiteral returns the span of the string literal (or, when bare is set,
// the unquoted word) at i.
func sqlLiteral(s string, i int, bare bool) (int, int, bool) {
	if i >= len(s) {
		return 0, 0, false
	}
	if q := s[i]; q == '\'' || q == '"' || q == '`' {
		e := strings.IndexByte(s[i+1:], q)
		if e <= 0 {
			return 0, 0, false
		}
		return i + 1, i + 1 + e, true
	}
	if !bare {
		return 0, 0, false
	}
	e := i
	for e < len(s) && s[e] != ' ' && s[e] != ';' && s[e] != '\n' && s[e] != '\t' && s[e] != ',' && s[e] != ')' {
		e++
	}
	return i, e, e > i
}

// scanSQLPasswords records the passwords SQL statements in s set.
func (w *walker) scanSQLPasswords(s string) {
	if !containsFold(s, "identified") && !containsFold(s, "password") || !sqlStatement(s) {
		return
	}
	rec := func(a, b int) {
		if t := s[a:b]; passwordShape(t) && t[0] != '$' && t[0] != ':' && t != "?" {
			w.add(Password, "text.sql_password", a, b)
		}
	}
	for i := 0; ; {
		j := indexFoldFrom(s, "identified", i)
		if j < 0 {
			break
		}
		i = j + len("identified")
		k := skipSQLSpace(s, i)
		if sqlWordAt(s, k, "with") {
			// IDENTIFIED WITH <plugin> BY|AS 'pw'
			k = skipSQLSpace(s, k+4)
			for k < len(s) && s[k] != ' ' {
				k++
			}
			k = skipSQLSpace(s, k)
			if sqlWordAt(s, k, "as") {
				k = skipSQLSpace(s, k+2)
				if a, b, ok := sqlLiteral(s, k, false); ok {
					rec(a, b)
				}
				continue
			}
		}
		if !sqlWordAt(s, k, "by") {
			continue
		}
		k = skipSQLSpace(s, k+2)
		if sqlWordAt(s, k, "values") || sqlWordAt(s, k, "password") {
			continue // a stored hash: IDENTIFIED BY VALUES|PASSWORD '<hash>'
		}
		if a, b, ok := sqlLiteral(s, k, true); ok {
			rec(a, b)
		}
	}
	for i := 0; ; {
		j := indexFoldFrom(s, "password", i)
		if j < 0 {
			break
		}
		i = j + len("password")
		if j > 0 && (isAlnum(s[j-1]) || s[j-1] == '_') || i < len(s) && (isAlnum(s[i]) || s[i] == '_') {
			continue
		}
		k := skipSQLSpace(s, i)
		if sqlWordAt(s, k, "for") {
			// SET PASSWORD FOR user = ...
			k = skipSQLSpace(s, k+3)
			for k < len(s) && s[k] != '=' && s[k] != ' ' {
				k++
			}
			k = skipSQLSpace(s, k)
		}
		if k < len(s) && s[k] == '=' {
			k = skipSQLSpace(s, k+1)
			if sqlWordAt(s, k, "password") {
				k = skipSQLSpace(s, k+8)
			}
		}
		if k < len(s) && s[k] == '(' {
			k = skipSQLSpace(s, k+1)
		}
		if a, b, ok := sqlLiteral(s, k, false); ok {
			rec(a, b)
		}
	}
}
