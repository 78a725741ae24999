package guard

import "strings"

// CSV text in a string (an export, a pasted sheet): a header row whose
// cells name what a column holds ("passport_no;bsn;name") makes each data
// row's cell in that column be judged as under that key.

// maxCSVCols bounds the columns a header may name.
const maxCSVCols = 32

// csvDelimiter returns the delimiter of the header line h: the first of
// comma, semicolon, tab and bar it holds, or 0.
func csvDelimiter(h string) byte {
	for _, d := range []byte{',', ';', '\t', '|'} {
		if strings.IndexByte(h, d) >= 0 {
			return d
		}
	}
	return 0
}

// csvCell trims spaces and one pair of quotes around s[a:b].
func csvCell(s string, a, b int) (int, int) {
	for a < b && (s[a] == ' ' || s[a] == '\r') {
		a++
	}
	for b > a && (s[b-1] == ' ' || s[b-1] == '\r') {
		b--
	}
	if b-a >= 2 && (s[a] == '"' && s[b-1] == '"' || s[a] == '\'' && s[b-1] == '\'') {
		a++
		b--
	}
	return a, b
}

// csvKind: the key kinds whose values a CSV column is judged by.
func csvKind(k keyKind) bool {
	switch k {
	case kPassword, kPwd, kPIN, kCard, kCVV, kNatID, kSSN, kBank, kIBAN, kSecret, kOTP, kTOTP:
		return true
	}
	return false
}

// scanCSV judges the columns of the CSV text s that its header names.
func (w *walker) scanCSV(s string) {
	nl := strings.IndexByte(s, '\n')
	if nl <= 0 || nl == len(s)-1 {
		return
	}
	head := s[:nl]
	d := csvDelimiter(head)
	if d == 0 {
		return
	}
	var kinds [maxCSVCols]keyKind
	var names [maxCSVCols]string
	named := false
	col := 0
	for a := 0; a <= len(head) && col < maxCSVCols; col++ {
		b := indexByteFrom(head, d, a)
		if b < 0 {
			b = len(head)
		}
		ca, cb := csvCell(head, a, b)
		if cell := head[ca:cb]; len(cell) > 0 && len(cell) <= 64 {
			if k := classifyKey(cell); csvKind(k) {
				kinds[col] = k
				names[col] = cell
				named = true
			}
		}
		a = b + 1
	}
	if !named {
		return
	}
	ncols := col
	for ls := nl + 1; ls < len(s); {
		le := indexByteFrom(s, '\n', ls)
		if le < 0 {
			le = len(s)
		}
		col := 0
		for a := ls; a <= le && col < ncols; col++ {
			b := indexByteFrom(s[:le], d, a)
			if b < 0 {
				b = le
			}
			if k := kinds[col]; k != kNone {
				ca, cb := csvCell(s, a, b)
				if cb > ca {
					cell := s[ca:cb]
					p := profileOf(cell)
					mark, key := len(w.hits), w.key
					w.key = names[col] // the header names the format (bsn, passport...)
					w.keyHit(cell, k, &p)
					w.key = key
					for i := mark; i < len(w.hits); i++ {
						w.hits[i].start += ca
						w.hits[i].end += ca
					}
				}
			}
			a = b + 1
		}
		ls = le + 1
	}
}
