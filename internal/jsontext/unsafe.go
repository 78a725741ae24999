package jsontext

import "unsafe"

// b2s views b as a string without copying; b must not change while the
// string is in use (AppendString only reads it).
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
