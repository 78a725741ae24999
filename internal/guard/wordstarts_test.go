package guard

import (
	"math/rand/v2"
	"testing"

	"github.com/sieve-analytics/sieve/internal/piidetect"
)

// TestWordStartTables checks that findWordStarts answers what each word
// scanner's own nextPairStart would, on values made of the bytes that
// matter (word starts, letters, digits, separators, UTF-8).
func TestWordStartTables(t *testing.T) {
	for c := 0; c < 256; c++ {
		if wordStartFirst[c]&wsVendor != vendorStartFirst[c] || wordStartFirst[c]>>1&3 != phraseStartFirst[c] || wordStartFirst[c]>>3 != bankStartFirst[c] {
			t.Fatalf("wordStartFirst[%#x] = %#x: the tables were merged before they were built", c, wordStartFirst[c])
		}
	}
	alphabet := []byte("eyJMbSGpPaAsSwWdDkKbBiIrRnNtToOuUcC0123456789 =:-_./?&%é\"")
	r := rand.New(rand.NewPCG(1, 2))
	found := [3]int{}
	for n := 0; n < 200000; n++ {
		b := make([]byte, 1+r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		for _, want := range []uint8{wsVendor, wsPhrase, wsBank, wsVendor | wsPhrase | wsBank, wsPhrase | wsBank} {
			ws := findWordStarts(s, want)
			check := func(bit uint8, got int, first, after *[256]uint8, pairs *pairSet, i int) {
				exp := len(s)
				if want&bit != 0 {
					exp = nextPairStart(s, 0, first, after, pairs)
				}
				if got != exp {
					t.Fatalf("findWordStarts(%q, %b): scanner %d starts at %d, nextPairStart says %d", s, want, bit, got, exp)
				}
				if got < len(s) {
					found[i]++
				}
			}
			check(wsVendor, ws.vendor, &vendorStartFirst, &vendorStartAfter, &vendorPairs, 0)
			check(wsPhrase, ws.phrase, &phraseStartFirst, &phraseStartAfter, &phrasePairs, 1)
			check(wsBank, ws.bank, &bankStartFirst, &bankStartAfter, &bankPairs, 2)
		}
	}
	for i, n := range found {
		if n == 0 {
			t.Errorf("scanner %d never had a start: the test values do not reach it", i)
		}
	}
}

// TestWordStartMasks checks that, from every index of a value, each word
// scanner's next start through wordStarts (masks up to maxMasked bytes, a
// walk beyond) is what its own nextPairStart returns, on values around the
// masks' word boundaries and past maxMasked.
func TestWordStartMasks(t *testing.T) {
	alphabet := []byte("eyJMbSGpPaAsSwWdDkKbBiIrRnNtToOuUcC0123456789 =:-_./?&%é\"")
	r := rand.New(rand.NewPCG(3, 4))
	starts := 0
	for n := 0; n < 20000; n++ {
		b := make([]byte, 1+r.IntN(maxMasked+40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		ws := findWordStarts(s, wsVendor|wsPhrase|wsBank)
		if ws.masked != (len(s) <= maxMasked) {
			t.Fatalf("len %d: masked %v", len(s), ws.masked)
		}
		for i := 0; i <= len(s); i++ {
			for _, c := range []struct {
				got          int
				first, after *[256]uint8
				pairs        *pairSet
			}{
				{ws.nextVendor(s, i), &vendorStartFirst, &vendorStartAfter, &vendorPairs},
				{ws.nextPhrase(s, i), &phraseStartFirst, &phraseStartAfter, &phrasePairs},
				{ws.nextBank(s, i), &bankStartFirst, &bankStartAfter, &bankPairs},
			} {
				if exp := nextPairStart(s, i, c.first, c.after, c.pairs); c.got != exp {
					t.Fatalf("%q from %d: next start %d, nextPairStart says %d", s, i, c.got, exp)
				}
				if c.got < len(s) {
					starts++
				}
			}
		}
	}
	if starts == 0 {
		t.Fatal("no value had a start")
	}
}

// TestProfileMasks: scanText's one pass (profileMasks) answers what
// profileOf and findWordStarts answer apart.
func TestProfileMasks(t *testing.T) {
	alphabet := []byte("eyJMbSGpPaAsSwWdDkKbBiIrRnNtToOuUcC0123456789 =:-_./?&%é\"+{[<>'#;@\t\n")
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 50000; n++ {
		b := make([]byte, 1+r.IntN(maxMasked))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		p, ws := profileMasks(s)
		if p2 := profileOf(s); p != p2 {
			t.Fatalf("%q: profileMasks %+v, profileOf %+v", s, p, p2)
		}
		if ws2 := findWordStarts(s, wsAll); ws != ws2 {
			t.Fatalf("%q: profileMasks %+v, findWordStarts %+v", s, ws, ws2)
		}
	}
}

// TestPhoneGate: scanText skips the phone scan on a value with no '+',
// '-' or '.'; the scan must find nothing there (its own pre-check).
func TestPhoneGate(t *testing.T) {
	alphabet := []byte("0123456789 ()/:x#,")
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 50000; n++ {
		b := make([]byte, 8+r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		if profileOf(s).flags&(pPlus|pDash|pDot) != 0 {
			t.Fatalf("%q: the alphabet holds a phone separator", s)
		}
		piidetect.Phones(s, func(a, b int) { t.Fatalf("%q: phone at %d-%d though the gate skips it", s, a, b) })
	}
	found := false
	piidetect.Phones("call +49 30 1234567", func(a, b int) { found = true })
	if !found {
		t.Fatal("positive control: no phone found")
	}
}
