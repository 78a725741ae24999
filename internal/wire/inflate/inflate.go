// Package inflate gunzips request bodies for the wire formats
// (internal/wire/mixpanel, internal/wire/posthog), with a cap on the
// inflated size so that a gzip bomb stops at the limit. It imports no
// other Sieve package and no HTTP: each wire format maps its errors to its
// own statuses and messages.
package inflate

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"sync"
)

// Errors of Gunzip.
var (
	ErrCorrupt  = errors.New("inflate: the gzip data is corrupt")
	ErrTooLarge = errors.New("inflate: the data is larger than the limit once decompressed")
)

// IsGzip reports whether b starts with the gzip magic bytes.
func IsGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

var pool sync.Pool

// Gunzip inflates the gzip data b (one member or several), at most limit
// bytes: more is ErrTooLarge, however small b is; data that is not gzip,
// or cut short, is ErrCorrupt. grow is a guess of the inflated size, for
// the first allocation (capped at limit+1).
func Gunzip(b []byte, limit, grow int) ([]byte, error) {
	zr, _ := pool.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(b))
	} else {
		err = zr.Reset(bytes.NewReader(b))
	}
	if err != nil {
		return nil, ErrCorrupt
	}
	defer pool.Put(zr)
	var buf bytes.Buffer
	buf.Grow(max(0, min(grow, limit+1)))
	n, err := buf.ReadFrom(io.LimitReader(zr, int64(limit)+1))
	if n > int64(limit) {
		return nil, ErrTooLarge
	}
	if err != nil {
		return nil, ErrCorrupt
	}
	return buf.Bytes(), nil
}
