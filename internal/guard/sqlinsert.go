package guard

import "strings"

// SQL INSERT statements in a string (a migration log, a dump excerpt):
// INSERT INTO t (col, ...) VALUES (v, ...), (...); each value is judged
// as under its column's name, as a CSV cell under its header (csv.go):
// "INSERT INTO users (id, login, plain_password) VALUES (7, 'ana', '...')".
// Only the kinds a CSV column is judged by count (csvKind).

// maxSQLCols bounds the columns a column list may name.
const maxSQLCols = 32

// scanSQLInserts judges the values of the INSERT statements in s.
func (w *walker) scanSQLInserts(s string) {
	for i := 0; ; {
		j := indexFoldFrom(s, "insert", i)
		if j < 0 {
			return
		}
		i = j + len("insert")
		if j > 0 && (isAlnum(s[j-1]) || s[j-1] == '_') {
			continue
		}
		k := skipSQLSpace(s, i)
		if sqlWordAt(s, k, "into") {
			k = skipSQLSpace(s, k+4)
		}
		// The table name: a word, maybe quoted or qualified.
		for k < len(s) && s[k] != '(' && s[k] != ' ' && s[k] != '\n' {
			k++
		}
		k = skipSQLSpace(s, k)
		if k >= len(s) || s[k] != '(' {
			continue
		}
		var kinds [maxSQLCols]keyKind
		var names [maxSQLCols]string
		ncols, named := 0, false
		k++
		for ncols < maxSQLCols {
			k = skipSQLSpace(s, k)
			a := k
			for k < len(s) && s[k] != ',' && s[k] != ')' && s[k] != '\n' {
				k++
			}
			if k >= len(s) || s[k] == '\n' {
				break
			}
			a, b := a, k
			for b > a && s[b-1] == ' ' {
				b--
			}
			if b-a >= 2 && (s[a] == '`' || s[a] == '"' || s[a] == '[') {
				a, b = a+1, b-1
			}
			if col := s[a:b]; len(col) > 0 && len(col) <= 64 {
				if kd := classifyKey(col); csvKind(kd) {
					kinds[ncols], names[ncols] = kd, col
					named = true
				}
			}
			ncols++
			if s[k] == ')' {
				k++
				break
			}
			k++
		}
		if !named {
			continue
		}
		k = skipSQLSpace(s, k)
		if !sqlWordAt(s, k, "values") {
			continue
		}
		k = skipSQLSpace(s, k+len("values"))
		for k < len(s) && s[k] == '(' {
			k = w.sqlRow(s, k+1, kinds[:ncols], names[:ncols])
			k = skipSQLSpace(s, k)
			if k < len(s) && s[k] == ',' {
				k = skipSQLSpace(s, k+1)
			}
		}
		i = k
	}
}

// sqlRow judges one row of values starting at s[k:] (after its '(') and
// returns where it ends.
func (w *walker) sqlRow(s string, k int, kinds []keyKind, names []string) int {
	for col := 0; k < len(s); col++ {
		k = skipSQLSpace(s, k)
		var a, b int
		if k < len(s) && (s[k] == '\'' || s[k] == '"') {
			q := s[k]
			a = k + 1
			e := a
			for e < len(s) && !(s[e] == q && (e+1 >= len(s) || s[e+1] != q)) {
				if s[e] == q {
					e++ // a doubled quote inside the literal
				}
				e++
			}
			b = e
			k = e + 1
		} else {
			a = k
			for k < len(s) && s[k] != ',' && s[k] != ')' {
				k++
			}
			b = k
			for b > a && s[b-1] == ' ' {
				b--
			}
		}
		if col < len(kinds) && kinds[col] != kNone && b > a && b <= len(s) {
			cell := s[a:b]
			p := profileOf(cell)
			mark, key := len(w.hits), w.key
			w.key = names[col]
			w.keyHit(cell, kinds[col], &p)
			w.key = key
			for i := mark; i < len(w.hits); i++ {
				w.hits[i].start += a
				w.hits[i].end += a
			}
		}
		k = skipSQLSpace(s, k)
		if k >= len(s) || s[k] == ')' {
			return k + 1
		}
		if s[k] != ',' {
			return k
		}
		k++
	}
	return k
}

// sqlInsertHint: s may hold an INSERT statement with a column list.
func sqlInsertHint(s string) bool {
	if strings.IndexByte(s, '(') <= 0 {
		return false
	}
	// Substring searches, not a case-folding scan: user agents and prose
	// hold parentheses too.
	return (strings.Contains(s, "INSERT") || strings.Contains(s, "insert") || strings.Contains(s, "Insert")) &&
		containsFold(s, "values")
}
