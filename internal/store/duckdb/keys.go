package duckdb

import (
	"encoding/binary"
	"errors"
	"os"
	"slices"

	"github.com/zeebo/xxh3"

	"github.com/sieve-analytics/sieve/internal/event"
)

// keyHash is the 64-bit hash of a row's de-duplication key (ProjectID,
// Name, DistinctID, Time, InsertID). It is stable across versions: key files
// on disk hold it. buf is scratch space.
func keyHash(buf []byte, project, timeMs int64, name, distinctID, insertID string) uint64 {
	buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(project))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(timeMs))
	buf = binary.AppendUvarint(buf, uint64(len(name)))
	buf = append(buf, name...)
	buf = binary.AppendUvarint(buf, uint64(len(distinctID)))
	buf = append(buf, distinctID...)
	buf = append(buf, insertID...)
	return xxh3.Hash(buf)
}

func rowKey(buf []byte, r *event.Row) uint64 {
	return keyHash(buf, r.ProjectID, r.Time, r.Name, r.DistinctID, r.InsertID)
}

// Key files: "SVKEYS01", count (uint64), count sorted key hashes (uint64),
// then the xxh3 hash of everything before it. All little-endian.
var keysMagic = []byte("SVKEYS01")

var errBadKeys = errors.New("duckdb store: key file damaged")

func encodeKeys(keys []uint64) []byte {
	b := make([]byte, 0, 8+8+8*len(keys)+8)
	b = append(b, keysMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.LittleEndian.AppendUint64(b, k)
	}
	return binary.LittleEndian.AppendUint64(b, xxh3.Hash(b))
}

func readKeys(path string) ([]uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 24 || string(b[:8]) != string(keysMagic) {
		return nil, errBadKeys
	}
	n := binary.LittleEndian.Uint64(b[8:16])
	if n > uint64(len(b)) || uint64(len(b)) != 24+8*n {
		return nil, errBadKeys
	}
	body := b[:len(b)-8]
	if xxh3.Hash(body) != binary.LittleEndian.Uint64(b[len(b)-8:]) {
		return nil, errBadKeys
	}
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = binary.LittleEndian.Uint64(b[16+8*i:])
	}
	if !slices.IsSorted(keys) {
		return nil, errBadKeys
	}
	return keys, nil
}

// mergeSorted merges sorted key lists into one sorted list without repeats.
func mergeSorted(lists ...[]uint64) []uint64 {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]uint64, 0, n)
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// dedup holds, per partition, the key hashes of every stored row that has an
// insert id: the sealed ones (from key files, loaded when a row of that
// partition first arrives, dropped least-recently-used when over budget) and
// the fresh ones (rows in active files). It belongs to the writer goroutine.
type dedup struct {
	parts  map[partKey]*partKeys
	sealed int // sealed keys held in memory
	budget int // max sealed keys held (a partition larger than this is still loaded)
	clock  uint64
	load   func(partKey) (map[uint64][]uint64, error) // sealed keys per file gen
	pinned map[partKey]*partKeys                      // in use by the group being committed: not evicted
}

type partKeys struct {
	sealed  map[uint64][]uint64 // per sealed file gen, sorted
	fresh   map[uint64]uint64   // key -> gen of the active file holding the row
	touched uint64
}

func newDedup(budget int, load func(partKey) (map[uint64][]uint64, error)) *dedup {
	return &dedup{parts: map[partKey]*partKeys{}, budget: budget, load: load}
}

// part returns the keys of p, loading its sealed keys if needed.
func (d *dedup) part(p partKey) (*partKeys, error) {
	d.clock++
	if pk := d.parts[p]; pk != nil {
		pk.touched = d.clock
		return pk, nil
	}
	sealed, err := d.load(p)
	if err != nil {
		return nil, err
	}
	pk := &partKeys{sealed: sealed, fresh: map[uint64]uint64{}, touched: d.clock}
	for _, ks := range sealed {
		d.sealed += len(ks)
	}
	d.parts[p] = pk
	d.evict(p)
	return pk, nil
}

// has reports whether k is stored in the partition.
func (pk *partKeys) has(k uint64) bool {
	if _, ok := pk.fresh[k]; ok {
		return true
	}
	for _, ks := range pk.sealed {
		if _, ok := slices.BinarySearch(ks, k); ok {
			return true
		}
	}
	return false
}

// evict drops least-recently-used partitions without fresh keys until the
// sealed keys fit the budget; keep is never dropped.
func (d *dedup) evict(keep partKey) {
	for d.sealed > d.budget {
		var victim partKey
		var oldest *partKeys
		for p, pk := range d.parts {
			if p == keep || len(pk.fresh) > 0 || d.pinned[p] != nil {
				continue
			}
			if oldest == nil || pk.touched < oldest.touched {
				victim, oldest = p, pk
			}
		}
		if oldest == nil {
			return
		}
		for _, ks := range oldest.sealed {
			d.sealed -= len(ks)
		}
		delete(d.parts, victim)
	}
}

// sealed applies a finished seal of active file gen: in partition p, the
// files merged are replaced by newGen holding keys, and fresh keys of gen
// are now sealed.
func (d *dedup) applySeal(gen uint64, p partKey, merged []uint64, newGen uint64, keys []uint64) {
	pk := d.parts[p]
	if pk == nil {
		return
	}
	for _, g := range merged {
		d.sealed -= len(pk.sealed[g])
		delete(pk.sealed, g)
	}
	d.sealed += len(keys) - len(pk.sealed[newGen])
	pk.sealed[newGen] = keys
	for k, g := range pk.fresh {
		if g == gen {
			delete(pk.fresh, k)
		}
	}
}
