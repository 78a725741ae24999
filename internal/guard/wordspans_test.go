package guard

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// TestWordSpanScanners checks the card, phone and ID scanners that start
// at word spans (scanText's) against the byte-by-byte scanners they
// replace, on random values built from digit groups, letters and the
// separators the formats use, and on valid samples of the formats.
func TestWordSpanScanners(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	var a fastjson.Arena
	w := c.getWalker(&a, nil)
	defer c.putWalker(w)
	spans := func(s string, words []int32, scan func(string, func(int, int))) string {
		var b strings.Builder
		scan(s, func(x, y int) { fmt.Fprintf(&b, "%d-%d ", x, y) })
		return b.String()
	}
	idHits := func(s string, words bool) string {
		w.hits = w.hits[:0]
		p := profileOf(s)
		if words {
			w.scanIDsWords(s, wordSpans(nil, s), p.flags)
		} else {
			w.scanIDs(s, p.flags)
		}
		return fmt.Sprint(w.hits)
	}
	pieces := []string{"4111", "1111", "4242424242424242", "123", "45", "6", "078", "05", "1180", "9",
		"415", "555", "2671", "415-555-2671", "212.555.0199", "(415) 555-2671", "AB", "x", "Z", "ES", "91", "DE89", "3704", "0044", "0532", "0130", "00",
		"a1b2", "f00d", "RSSMRA85T10A562S", "X1234567L", "QQ123456C", "850101", "19850101",
		" ", " ", "-", "-", ".", "/", "_", ":", "+", "(", ")", "é", "\n", ",", "#"}
	r := rand.New(rand.NewPCG(5, 6))
	found := [3]int{}
	for n := 0; n < 200000; n++ {
		var b strings.Builder
		for k := 1 + r.IntN(8); k > 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		words := wordSpans(nil, s)
		for k := 0; k < len(words); k += 2 {
			st, en := int(words[k]), int(words[k+1])
			if st >= en || !isAlnum(s[st]) || st > 0 && isAlnum(s[st-1]) || en < len(s) && isAlnum(s[en]) {
				t.Fatalf("wordSpans(%q) = %v: span %d-%d is not a whole word", s, words, st, en)
			}
		}
		cw := spans(s, words, func(s string, fn func(int, int)) { scanCardsWords(s, words, nil, fn) })
		if cb := spans(s, words, func(s string, fn func(int, int)) { scanCards(s, nil, fn) }); cw != cb {
			t.Fatalf("cards in %q: words %q, bytes %q", s, cw, cb)
		} else if cb != "" {
			found[0]++
		}
		if !strings.ContainsAny(s, "+(") {
			pw := spans(s, words, func(s string, fn func(int, int)) { scanPhonesWords(s, words, fn) })
			if pb := spans(s, words, scanPhones); pw != pb {
				t.Fatalf("phones in %q: words %q, bytes %q", s, pw, pb)
			} else if pb != "" {
				found[1]++
			}
		}
		if iw, ib := idHits(s, true), idHits(s, false); iw != ib {
			t.Fatalf("IDs in %q: words %s, bytes %s", s, iw, ib)
		} else if ib != "[]" {
			found[2]++
		}
	}
	for i, n := range found {
		t.Logf("scanner %d found something in %d values", i, n)
		if n < 100 {
			t.Errorf("scanner %d found something in only %d values: the test values do not reach it", i, n)
		}
	}
}
