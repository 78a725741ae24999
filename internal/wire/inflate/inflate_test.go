package inflate

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGunzip(t *testing.T) {
	z := gz(t, `{"event":"e"}`)
	if !IsGzip(z) || IsGzip([]byte("{}")) || IsGzip(nil) {
		t.Error("IsGzip")
	}
	for i := 0; i < 3; i++ { // pooled readers are reset
		got, err := Gunzip(z, 100, 10)
		if err != nil || string(got) != `{"event":"e"}` {
			t.Fatalf("Gunzip: %q %v", got, err)
		}
	}
	// Exactly the limit is fine; one byte more is not.
	if _, err := Gunzip(gz(t, strings.Repeat("a", 100)), 100, 0); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	// A bomb: 10 MB of zeros in about 10 KB.
	bomb := gz(t, strings.Repeat("\x00", 10<<20))
	if len(bomb) > 20<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	if _, err := Gunzip(bomb, 1<<20, len(bomb)*8); !errors.Is(err, ErrTooLarge) {
		t.Errorf("bomb: %v", err)
	}
	if _, err := Gunzip(z[:len(z)-6], 100, 0); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := Gunzip([]byte("not gzip"), 100, 0); !errors.Is(err, ErrCorrupt) {
		t.Errorf("not gzip: %v", err)
	}
	// Two members inflate as one stream.
	two := append(gz(t, "ab"), gz(t, "cd")...)
	if got, err := Gunzip(two, 100, 0); err != nil || string(got) != "abcd" {
		t.Errorf("two members: %q %v", got, err)
	}
}
