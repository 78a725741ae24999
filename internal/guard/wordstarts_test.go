package guard

import "testing"

// TestWordStartTables: the combined word-start tables agree with each
// scanner's own tables (they are built from them at init, so this fails
// if init order left them empty or stale).
func TestWordStartTables(t *testing.T) {
	for c := 0; c < 256; c++ {
		f, a := wsFirst[c], wsAfter[c]
		if (f&wsVendor != 0) != vendorFirst[c] || (a&wsVendor != 0) != (alpha[c]&alB64URL == 0) {
			t.Fatalf("vendor tables disagree at byte %#x", c)
		}
		if (f&wsPhrase != 0) != phraseFirst[c] || (a&wsPhraseASCII != 0) == isLetterByte(byte(c)) || a&wsPhraseHigh == 0 {
			t.Fatalf("phrase tables disagree at byte %#x", c)
		}
		if (f&wsBank != 0) != bankFirst[c] || (a&wsBank != 0) != (bankStartAfter[c] != 0) {
			t.Fatalf("bank tables disagree at byte %#x", c)
		}
	}
	if !vendorFirst['e'] || !phraseFirst['p'] || !bankFirst['r'] {
		t.Fatal("scanner tables are empty")
	}
}

// TestWordStartsMatchLoops: the listed starts are exactly the positions
// each scanner's own loop visits (nextPairStart over its tables).
func TestWordStartsMatchLoops(t *testing.T) {
	w := &walker{}
	inputs := []string{
		"https://shop.example.com/products/1234?utm_source=newsletter&utm_campaign=winter",
		"my password is football71$ and routing 011000015, api key: sk_live_x",
		"Пароль: секрет123 パスワード：abc PASSWORD=x pwd=Stern5540# eyJhbGciOiJIUzI1NiJ9.e30.x",
		"a", "", "pa", " sk", "MIIEvQIBADANBg b3BlbnNzaC1rZXktdjE SG.x acct #123456",
	}
	for _, s := range inputs {
		w.wordStarts(s, wsVendor|wsPhrase|wsBank)
		for k, tab := range []struct {
			first, after *[256]uint8
			pairs        *pairSet
		}{{&vendorStartFirst, &vendorStartAfter, &vendorPairs}, {&phraseStartFirst, &phraseStartAfter, &phrasePairs},
			{&bankStartFirst, &bankStartAfter, &bankPairs}} {
			var want []int
			for i := nextPairStart(s, 0, tab.first, tab.after, tab.pairs); i < len(s); i = nextPairStart(s, i+1, tab.first, tab.after, tab.pairs) {
				want = append(want, i)
			}
			got := w.starts[k].pos
			if len(got) != len(want) {
				t.Fatalf("scanner %d on %q: starts %v, want %v", k, s, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("scanner %d on %q: starts %v, want %v", k, s, got, want)
				}
			}
		}
	}
}
