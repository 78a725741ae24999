package reqerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	kindA := &Error{Status: 400, Message: "bad"}
	kindB := &Error{Status: 503, Message: "later", RetryAfter: 5}
	cause := errors.New("disk")
	e := New(kindB, "", cause)
	if e.Status != 503 || e.RetryAfter != 5 || e.Error() != "later" {
		t.Errorf("New: %+v", e)
	}
	w := fmt.Errorf("wrapped: %w", e)
	if !errors.Is(w, kindB) || errors.Is(w, kindA) || !errors.Is(w, cause) {
		t.Error("errors.Is through the kind and the cause")
	}
	var got *Error
	if !errors.As(w, &got) || got != e {
		t.Error("errors.As")
	}
	if m := New(kindA, "field x is wrong", nil); m.Error() != "field x is wrong" || !errors.Is(m, kindA) {
		t.Errorf("own message: %v", m)
	}
}
