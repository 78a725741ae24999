package guard

import "math/bits"

// One pass over a value finds where each word scanner (scanWords,
// scanPasswordPhrases, scanBankPhrases) could first start, so that on clean
// values a scanner with no possible start is not run at all and the others
// start at their first candidate instead of walking the value once each.
// The combined tables hold each scanner's nextStart tables in its own bits;
// the answer is exactly what each scanner's nextPairStart would return.

const (
	wsVendor = 1 << iota // scanWords: bit 0
	wsPhrase             // scanPasswordPhrases: bits 1-2
	_
	wsBank // scanBankPhrases: bit 3

	wsPhraseBits = wsPhrase | wsPhrase<<1
)

// wordStartFirst and wordStartAfter merge the three scanners' tables. This
// file's init runs after phrases.go's and secrets.go's (files initialise in
// name order); TestWordStartTables checks the merge.
var wordStartFirst, wordStartAfter [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		wordStartFirst[c] = vendorStartFirst[c] | phraseStartFirst[c]<<1 | bankStartFirst[c]<<3
		wordStartAfter[c] = vendorStartAfter[c] | phraseStartAfter[c]<<1 | bankStartAfter[c]<<3
	}
}

// wordStarts is where each scanner's first start in s is: the index its
// nextPairStart(s, 0, ...) returns, or len(s) when it has none. want says
// which scanners the caller will run (wsVendor, wsPhrase, wsBank bits);
// the others are reported as len(s).
//
// For a value of at most maxMasked bytes the pass also notes every start
// of each wanted scanner (masked, vm, pm, bm: bit j set when the scanner's
// nextPairStart stops at j), and the scanners step from start to start
// through the masks (next*) instead of walking the value again each.
type wordStarts struct {
	vendor, phrase, bank int
	masked               bool
	vm, pm, bm           [2]uint64
}

// maxMasked is the longest value whose word starts are kept as masks.
const maxMasked = 128

func findWordStarts(s string, want uint8) wordStarts {
	if len(s) <= maxMasked {
		return findWordMasks(s, want)
	}
	ws := wordStarts{vendor: len(s), phrase: len(s), bank: len(s)}
	if want&wsPhrase != 0 {
		want |= wsPhraseBits
	}
	for j := 0; j+1 < len(s) && want != 0; j++ {
		m := wordStartFirst[s[j]] & want
		if m == 0 {
			continue
		}
		if j > 0 {
			if m &= wordStartAfter[s[j-1]]; m == 0 {
				continue
			}
		}
		a, b := s[j], s[j+1]
		if m&wsVendor != 0 && vendorPairs.has(a, b) {
			ws.vendor = j
			want &^= wsVendor
		}
		if m&wsPhraseBits != 0 && phrasePairs.has(a, b) {
			ws.phrase = j
			want &^= wsPhraseBits
		}
		if m&wsBank != 0 && bankPairs.has(a, b) {
			ws.bank = j
			want &^= wsBank
		}
	}
	return ws
}

// findWordMasks is findWordStarts for a value of at most maxMasked bytes:
// one pass over all of it, noting every start.
func findWordMasks(s string, want uint8) wordStarts {
	ws := wordStarts{masked: true}
	if want&wsPhrase != 0 {
		want |= wsPhraseBits
	}
	a := uint8(0xff) // wordStartAfter of the byte before; none before s[0]
	for j := 0; j+1 < len(s); j++ {
		c := s[j]
		m := wordStartFirst[c] & want & a
		a = wordStartAfter[c]
		if m == 0 {
			continue
		}
		b := s[j+1]
		bit := uint64(1) << (j & 63)
		if m&wsVendor != 0 && vendorPairs.has(c, b) {
			ws.vm[j>>6] |= bit
		}
		if m&wsPhraseBits != 0 && phrasePairs.has(c, b) {
			ws.pm[j>>6] |= bit
		}
		if m&wsBank != 0 && bankPairs.has(c, b) {
			ws.bm[j>>6] |= bit
		}
	}
	ws.vendor = maskNext(&ws.vm, 0, len(s))
	ws.phrase = maskNext(&ws.pm, 0, len(s))
	ws.bank = maskNext(&ws.bm, 0, len(s))
	return ws
}

// wsAll asks findWordStarts for every scanner's starts.
const wsAll = wsVendor | wsPhrase | wsBank

// minProfileMasks is the shortest value scanText profiles and masks in one
// pass (profileMasks): shorter ones seldom need the word scanners.
const minProfileMasks = 16

// profileMasks is profileOf(s) and findWordStarts(s, wsAll) in one pass,
// for a value of at most maxMasked bytes.
func profileMasks(s string) (profile, wordStarts) {
	ws := wordStarts{masked: true}
	var f uint32
	nd := 0
	n := len(s)
	a := uint8(0xff) // wordStartAfter of the byte before; none before s[0]
	for j := 0; j < n; j++ {
		c := s[j]
		x := profTable[c]
		f |= x
		nd += int(x & pDigit) // pDigit is bit 0, set for digits only
		m := wordStartFirst[c] & a
		a = wordStartAfter[c]
		if m == 0 || j+1 >= n {
			continue
		}
		b := s[j+1]
		bit := uint64(1) << (j & 63)
		if m&wsVendor != 0 && vendorPairs.has(c, b) {
			ws.vm[j>>6] |= bit
		}
		if m&wsPhraseBits != 0 && phrasePairs.has(c, b) {
			ws.pm[j>>6] |= bit
		}
		if m&wsBank != 0 && bankPairs.has(c, b) {
			ws.bm[j>>6] |= bit
		}
	}
	ws.vendor = maskNext(&ws.vm, 0, n)
	ws.phrase = maskNext(&ws.pm, 0, n)
	ws.bank = maskNext(&ws.bm, 0, n)
	return profileFrom(f, nd), ws
}

// maskNext is the first set bit of m at or after i, or n when none.
func maskNext(m *[2]uint64, i, n int) int {
	for k := i >> 6; k < len(m); k++ {
		b := m[k]
		if k == i>>6 {
			b &= ^uint64(0) << (i & 63)
		}
		if b != 0 {
			return k<<6 + bits.TrailingZeros64(b)
		}
	}
	return n
}

// nextVendor, nextPhrase and nextBank are the scanners' nextPairStart(s,
// i, ...): from the masks when the value has them (ws may be nil).
func (ws *wordStarts) nextVendor(s string, i int) int {
	if ws != nil && ws.masked {
		return maskNext(&ws.vm, i, len(s))
	}
	return nextPairStart(s, i, &vendorStartFirst, &vendorStartAfter, &vendorPairs)
}

func (ws *wordStarts) nextPhrase(s string, i int) int {
	if ws != nil && ws.masked {
		return maskNext(&ws.pm, i, len(s))
	}
	return nextPairStart(s, i, &phraseStartFirst, &phraseStartAfter, &phrasePairs)
}

func (ws *wordStarts) nextBank(s string, i int) int {
	if ws != nil && ws.masked {
		return maskNext(&ws.bm, i, len(s))
	}
	return nextPairStart(s, i, &bankStartFirst, &bankStartAfter, &bankPairs)
}
