package guard

import (
	"encoding/binary"
	"hash/maphash"
)

// memo remembers strings a checker found clean under a key, so that the
// values analytics events repeat (a browser name, a referrer, a page URL,
// an SDK version, an event name) are scanned once per walker rather than
// once per event. It holds only values with no detection of any kind:
// nothing the guard finds is ever kept, and the memo lives in memory only.
// Entries name their checker, so a policy change (a new checker) never
// reuses an old verdict.
//
// It is a two-way set-associative table. A value is stored the second time
// it is found clean (the first time, a bit set keeps its hash), in the way
// not used since the last miss there: a stream of one-off values (ids,
// timestamps as text) neither allocates nor evicts the values that repeat.
type memo struct {
	seed    maphash.Seed
	buckets []memoBucket
	once    []uint64 // bits: values found clean once
	onceN   int
	head    *memoEntry // the first property of the last object scanned
}

type memoBucket struct {
	ways [2]memoEntry
}

type memoEntry struct {
	h    uint64
	id   uint64
	kind keyKind
	used bool
	klen int32
	text string // key then value, one allocation

	// For whole properties (kMember): the property that followed this one
	// when last seen (a guess, checked in full before use), and where the
	// value starts in text and which SDK field it is, if one.
	next *memoEntry
	voff int32
	sdk  uint8
}

// Bounds of one walker's memo: at most memoSlots entries, each with a key
// and value of at most maxMemoValue bytes together (at most 4 MiB of text,
// about 1 MiB for typical properties).
const (
	memoSlots    = 16384
	minMemoValue = 16
	maxMemoValue = 256
	onceBits     = 1 << 18 // cleared when a quarter is set
)

// keyStats counts, for one key, how often the memo knew its values. Keys
// whose values seldom repeat (ids, prices, timestamps) are then judged
// without asking the memo and are not stored in it, except now and then,
// to notice when they start to repeat. Only speed depends on it.
type keyStats struct{ looks, hits, skips uint32 }

// ask reports whether to consult the memo for a value of the key.
func (s *keyStats) ask() bool {
	if s == nil || s.looks < 64 || s.hits*16 >= s.looks {
		return true
	}
	s.skips++
	return s.skips%32 == 0
}

// note records one consultation.
func (s *keyStats) note(hit bool) {
	if s == nil {
		return
	}
	s.looks++
	if hit {
		s.hits++
	}
	if s.looks >= 1<<12 {
		s.looks, s.hits = s.looks/2, s.hits/2
	}
}

// Test switches: memoEager stores every clean value at once, so that the
// memo answers as often as it can; memoOff makes it answer nothing.
var memoEager, memoOff = false, false

// memoFits reports whether a string is worth the memo: long enough that
// scanning it costs more than a lookup (short values are scanned in a few
// nanoseconds; a lookup may wait for memory), short enough to keep.
func memoFits(key, s string) bool { return len(s) >= minMemoValue && len(key)+len(s) <= maxMemoValue }

// hash mixes the value's hash with the key's length and ends; the key
// itself is compared on a hit.
func (m *memo) hash(kind keyKind, key, s string) uint64 {
	h := maphash.String(m.seed, s)
	h ^= uint64(len(key))<<56 | uint64(kind)<<48
	if len(key) >= 8 {
		h ^= binary.LittleEndian.Uint64([]byte(key[len(key)-8:])) * 0x9E3779B97F4A7C15
	} else {
		for i := 0; i < len(key); i++ {
			h ^= uint64(key[i]) << (8 * i) * 0x9E3779B97F4A7C15
		}
	}
	return h
}

func (m *memo) bucket(h uint64) *memoBucket { return &m.buckets[h&(memoSlots/2-1)] }

// find returns the entry for key and s, or nil, and the hash to give add.
func (m *memo) find(id uint64, kind keyKind, key, s string) (*memoEntry, uint64) {
	if m.buckets == nil || memoOff {
		return nil, 0
	}
	h := m.hash(kind, key, s)
	b := m.bucket(h)
	for i := range b.ways {
		e := &b.ways[i]
		if e.h == h && e.is(id, kind, key, s) {
			e.used = true
			return e, h
		}
	}
	return nil, h
}

// is reports whether e holds key and s for checker id and kind.
func (e *memoEntry) is(id uint64, kind keyKind, key, s string) bool {
	return e.id == id && e.kind == kind && int(e.klen) == len(key) && len(e.text) == len(key)+len(s) &&
		e.text[len(key):] == s && e.text[:len(key)] == key
}

// add records that key and s are clean for checker id and kind, and
// returns the entry if it stored one. h is find's hash of them (0: none).
func (m *memo) add(h, id uint64, kind keyKind, key, s string) *memoEntry {
	if memoOff {
		return nil
	}
	if m.buckets == nil {
		m.seed = maphash.MakeSeed()
		m.buckets = make([]memoBucket, memoSlots/2)
		m.once = make([]uint64, onceBits/64)
		h = 0
	}
	if h == 0 {
		h = m.hash(kind, key, s)
	}
	bit := h >> (64 - 18)
	if m.once[bit/64]&(1<<(bit%64)) == 0 && !memoEager {
		m.once[bit/64] |= 1 << (bit % 64)
		if m.onceN++; m.onceN > onceBits/4 {
			clear(m.once)
			m.onceN = 0
		}
		return nil
	}
	b := m.bucket(h)
	victim := &b.ways[0]
	if victim.used {
		victim = &b.ways[1]
	}
	if victim.used {
		// Both in use since the last admission: spare them once.
		b.ways[0].used, b.ways[1].used = false, false
		return nil
	}
	*victim = memoEntry{h: h, id: id, kind: kind, klen: int32(len(key)), text: key + s}
	return victim
}
