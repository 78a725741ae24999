package guard

import (
	"sort"

	"github.com/valyala/fastjson"
)

// A card number split over sibling fields ("card_1": "4111", "card_2":
// "1111", ... or a first and a second half) is one card number: the fields'
// keys name a card (or the object is under a card key) and a part of it, and
// their digits, in key order, make a Luhn-valid number of an issuer's length.

// cardPartKey reports whether k names a part of a card number: a card word
// (unless underCard: the object's own key names the card) and a part mark
// (a trailing index, or part, group, block, half, first, second...). It
// returns the index the key gives, or -1.
func cardPartKey(k string, underCard bool) (bool, int) {
	if len(k) < 2 || len(k) > 48 || !underCard && !cardWordHint(k) {
		return false, -1
	}
	var buf [48]byte
	c := buf[:0]
	for i := 0; i < len(k); i++ {
		b := lower(k[i])
		if isAlnum(b) {
			c = append(c, b)
		}
	}
	s := b2s(c)
	card := underCard || containsAny(s, "card", "kart", "tarjeta", "carte", "carta", "cartao") ||
		hasPrefix(s, "pan") || hasPrefix(s, "cc")
	if !card {
		return false, -1
	}
	idx := -1
	j := len(c)
	for j > 0 && isDigit(c[j-1]) {
		j--
	}
	if j < len(c) && len(c)-j <= 2 {
		idx = 0
		for _, d := range c[j:] {
			idx = idx*10 + int(d-'0')
		}
		return true, idx
	}
	for i, w := range []string{"first", "second", "third", "fourth", "fifth"} {
		if containsAny(s, w) {
			return true, i + 1
		}
	}
	if containsAny(s, "part", "group", "block", "segment", "chunk", "half", "piece") {
		return true, -1
	}
	return false, -1
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

type cardPart struct {
	key string
	idx int
	pos int
}

// splitCard finds a card number split over o's members and returns the keys
// holding its parts, or nil.
func (w *walker) splitCard(o *fastjson.Object, parent keyKind) []string {
	underCard := parent == kCard || parent == kCardParent
	parts := w.cardParts[:0]
	var dbuf [24]byte
	n := 0
	o.Visit(func(k []byte, c *fastjson.Value) {
		n++
		if len(parts) >= 6 {
			return
		}
		var s string
		switch c.Type() {
		case fastjson.TypeString:
			b, _ := c.StringBytes()
			s = b2s(b)
		case fastjson.TypeNumber:
			w.num = c.MarshalTo(w.num[:0])
			s = b2s(w.num)
		default:
			return
		}
		if s == "" || !isDigit(s[0]) {
			return
		}
		ok, idx := cardPartKey(b2s(k), underCard)
		if !ok {
			return
		}
		d, good := onlyDigits(dbuf[:0], s)
		if !good || len(d) == 0 || len(d) > 16 {
			return
		}
		parts = append(parts, cardPart{key: string(k), idx: idx, pos: n})
	})
	w.cardParts = parts[:0]
	if len(parts) < 2 {
		return nil
	}
	indexed := true
	for _, p := range parts {
		if p.idx < 0 {
			indexed = false
		}
	}
	if indexed {
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].idx < parts[j].idx })
	}
	var all [40]byte
	d := all[:0]
	for _, p := range parts {
		c := o.Get(p.key)
		var s string
		if c.Type() == fastjson.TypeString {
			b, _ := c.StringBytes()
			s = b2s(b)
		} else {
			w.num = c.MarshalTo(w.num[:0])
			s = b2s(w.num)
		}
		d, _ = onlyDigits(d, s)
		if len(d) > 19 {
			return nil
		}
	}
	if !isPAN(d) {
		return nil
	}
	keys := make([]string, len(parts))
	for i, p := range parts {
		keys[i] = p.key
	}
	return keys
}

// digitLead reports whether the string value c starts with a digit.
func digitLead(c *fastjson.Value) bool {
	b, err := c.StringBytes()
	return err == nil && len(b) > 0 && len(b) <= 24 && isDigit(b[0])
}

// cardWordHint is a quick test that k may hold a card word: "ca" (card,
// carte, carta), "ka" (kart), "rj" (tarjeta), or a "pan"/"cc" start.
func cardWordHint(k string) bool {
	if len(k) < 2 {
		return false
	}
	if a, b := k[0]|0x20, k[1]|0x20; a == 'c' && b == 'c' || a == 'p' && b == 'a' {
		return true
	}
	for i := 1; i < len(k); i++ {
		switch k[i] | 0x20 {
		case 'a':
			if a := k[i-1] | 0x20; a == 'c' || a == 'k' {
				return true
			}
		case 'j':
			if k[i-1]|0x20 == 'r' {
				return true
			}
		}
	}
	return false
}

// splitCardArray reports whether arr, the value of a key naming a card
// number (or a card and a part: "pan_parts"), is a card number written as
// an array of digit groups (["4111", "1111", "1111", "1111"]): 2 to 6
// strings or numbers of digits only whose concatenation is a Luhn-valid
// number of an issuer's range and length.
func splitCardArray(v *fastjson.Value) bool {
	arr, err := v.Array()
	if err != nil || len(arr) < 2 || len(arr) > 6 {
		return false
	}
	var all [24]byte
	d := all[:0]
	var num [24]byte
	for _, c := range arr {
		var s []byte
		switch c.Type() {
		case fastjson.TypeString:
			s, _ = c.StringBytes()
		case fastjson.TypeNumber:
			s = c.MarshalTo(num[:0])
		default:
			return false
		}
		if len(s) == 0 || len(s) > 16 || len(d)+len(s) > 19 {
			return false
		}
		for _, b := range s {
			if !isDigit(b) {
				return false
			}
		}
		d = append(d, s...)
	}
	return len(d) >= 13 && isPAN(d)
}

// cardArrayKey reports whether an array under key k (of kind kind) may be
// a card number split into groups.
func cardArrayKey(k string, kind keyKind) bool {
	if kind == kCard {
		return true
	}
	ok, _ := cardPartKey(k, false)
	return ok
}
