package guard

import "strings"

// Email addresses and phone numbers (PII, kept by default but recorded)
// are found by package piidetect, which package pii shares.

func indexByteFrom(s string, c byte, off int) int {
	if off >= len(s) {
		return -1
	}
	if off < 0 {
		off = 0
	}
	if k := strings.IndexByte(s[off:], c); k >= 0 {
		return off + k
	}
	return -1
}

func lastIndexByte(s string, c byte) int { return strings.LastIndexByte(s, c) }
