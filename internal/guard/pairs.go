package guard

// pairIndex maps the first two bytes of a word to a list of entries with
// two array lookups (no hashing): the hot loops of the phrase and vendor
// scanners ask it at every word start.
type pairIndex[T any] struct {
	row   [256]uint8    // first byte -> 1-based row in rows; 0: none
	rows  [][256]uint16 // second byte -> 1-based list in lists; 0: none
	lists [][]T
}

// add files v under the bytes a, b. Only init code calls it.
func (p *pairIndex[T]) add(a, b byte, v T) {
	r := p.row[a]
	if r == 0 {
		if len(p.rows) >= 255 {
			panic("guard: pairIndex has too many first bytes")
		}
		p.rows = append(p.rows, [256]uint16{})
		r = uint8(len(p.rows))
		p.row[a] = r
	}
	l := p.rows[r-1][b]
	if l == 0 {
		p.lists = append(p.lists, nil)
		l = uint16(len(p.lists))
		p.rows[r-1][b] = l
	}
	p.lists[l-1] = append(p.lists[l-1], v)
}

// get returns the entries filed under a, b (nil when none).
func (p *pairIndex[T]) get(a, b byte) []T {
	r := p.row[a]
	if r == 0 {
		return nil
	}
	l := p.rows[r-1][b]
	if l == 0 {
		return nil
	}
	return p.lists[l-1]
}

// nextStart returns the first index j >= i of s where a scanner's word can
// start: first[s[j]] & after[s[j-1]] != 0 (after is not consulted at
// j == 0), or len(s). The tables turn each scanner's "first byte of a word
// it knows, not glued to the byte before" test into one branch per byte.
func nextStart(s string, i int, first, after *[256]uint8) int {
	if i <= 0 {
		if len(s) > 0 && first[s[0]] != 0 {
			return 0
		}
		i = 1
	}
	for ; i < len(s); i++ {
		if first[s[i]]&after[s[i-1]] != 0 {
			return i
		}
	}
	return len(s)
}

// pairSet is a set of two-byte prefixes (8 KiB of bits).
type pairSet [256][4]uint64

func (p *pairSet) has(a, b byte) bool { return p[a][b>>6]>>(b&63)&1 != 0 }

func (p *pairSet) put(a, b byte) { p[a][b>>6] |= 1 << (b & 63) }

// putFold adds a, b and their ASCII upper-case variants (a and b are
// lower case): the set of pairs x, y with lower(x), lower(y) == a, b.
func (p *pairSet) putFold(a, b byte) {
	for _, x := range foldVariants(a) {
		for _, y := range foldVariants(b) {
			p.put(x, y)
		}
	}
}

func foldVariants(c byte) []byte {
	if c >= 'a' && c <= 'z' {
		return []byte{c, c - 32}
	}
	return []byte{c}
}

// nextPairStart is nextStart that also needs s[j], s[j+1] in pairs; it
// returns len(s) when no such j is left.
func nextPairStart(s string, i int, first, after *[256]uint8, pairs *pairSet) int {
	for i = nextStart(s, i, first, after); i+1 < len(s); i = nextStart(s, i+1, first, after) {
		if pairs.has(s[i], s[i+1]) {
			return i
		}
	}
	return len(s)
}

// Word scanners listed by wordStarts.
const (
	wsVendor      uint8 = 1 << iota // scanWords: vendor tokens, JWTs, DER keys
	wsPhraseASCII                   // scanPasswordPhrases, ASCII first byte
	wsPhraseHigh                    // scanPasswordPhrases, first byte >= 0x80
	wsBank                          // scanBankPhrases

	wsPhrase = wsPhraseASCII | wsPhraseHigh
)

// wsFirst[c]: the scanners whose words may start with c; wsAfter[c]: the
// scanners whose words may start right after c (not glued to it).
var wsFirst, wsAfter [256]uint8

// buildWordStarts fills wsFirst and wsAfter from the scanners' own
// tables; the init of secrets.go calls it, after the inits of phrases.go
// and secrets.go built those (inits run in file name order).
// TestWordStartTables checks the result.
func buildWordStarts() {
	for c := 0; c < 256; c++ {
		if vendorStartFirst[c] != 0 {
			wsFirst[c] |= wsVendor
		}
		if vendorStartAfter[c] != 0 {
			wsAfter[c] |= wsVendor
		}
		wsFirst[c] |= phraseStartFirst[c] << 1 // bit 1 -> wsPhraseASCII, bit 2 -> wsPhraseHigh
		wsAfter[c] |= phraseStartAfter[c] << 1
		if bankStartFirst[c] != 0 {
			wsFirst[c] |= wsBank
		}
		if bankStartAfter[c] != 0 {
			wsAfter[c] |= wsBank
		}
	}
}

// startList is one word scanner's candidate positions, ascending.
type startList struct {
	pos []int
	k   int
}

// next returns the first candidate >= i, or n when none is left.
func (l *startList) next(i, n int) int {
	for l.k < len(l.pos) && l.pos[l.k] < i {
		l.k++
	}
	if l.k == len(l.pos) {
		return n
	}
	return l.pos[l.k]
}

// wordStarts lists, in one pass over s, where the words of each wanted
// scanner may start: a first byte it knows, not glued to the byte before,
// and a known pair of first two bytes (see nextPairStart, which does the
// same for one scanner). The lists are read by the scanners that follow
// in scanText, before any nested scan could overwrite them.
func (w *walker) wordStarts(s string, want uint8) {
	v, p, b := w.starts[0].pos[:0], w.starts[1].pos[:0], w.starts[2].pos[:0]
	if len(s) >= 2 {
		m := wsFirst[s[0]] & want
		for i := 0; ; {
			if m != 0 {
				c0, c1 := s[i], s[i+1]
				if m&wsVendor != 0 && vendorPairs.has(c0, c1) {
					v = append(v, i)
				}
				if m&wsPhrase != 0 && phrasePairs.has(c0, c1) {
					p = append(p, i)
				}
				if m&wsBank != 0 && bankPairs.has(c0, c1) {
					b = append(b, i)
				}
			}
			i++
			if i+1 >= len(s) {
				break
			}
			m = wsFirst[s[i]] & wsAfter[s[i-1]] & want
		}
	}
	w.starts[0] = startList{pos: v}
	w.starts[1] = startList{pos: p}
	w.starts[2] = startList{pos: b}
}
