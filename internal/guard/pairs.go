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
