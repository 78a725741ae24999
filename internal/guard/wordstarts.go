package guard

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
type wordStarts struct{ vendor, phrase, bank int }

func findWordStarts(s string, want uint8) wordStarts {
	ws := wordStarts{len(s), len(s), len(s)}
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
