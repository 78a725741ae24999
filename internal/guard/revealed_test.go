package guard

import (
	"math/rand/v2"
	"testing"
)

// TestRevealedPasswordRandom: the text of a revealed password is read as
// a password whatever its letters spell. Random passwords of the shape
// apptest's leak test sends once escaped about 3 in 1,000 times, when a
// run of their letters spelled a national ID key ("tin", "nid").
func TestRevealedPasswordRandom(t *testing.T) {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	r := rand.New(rand.NewPCG(1, 2))
	for _, fixed := range []string{"ElxazrzMJf3tin#7", "ElrJ5cx2NID090#7", "Password1!", "Pin-4821"} {
		if !revealedPassword(fixed) {
			t.Errorf("revealedPassword(%q) = false", fixed)
		}
	}
	for range 100_000 {
		b := make([]byte, 12)
		for j := range b {
			b[j] = alnum[r.IntN(len(alnum))]
		}
		s := "El" + string(b) + "#7"
		if isPlaceholder(s) {
			continue // "...xXxx...": placeholders are no values (about 1 in 100,000)
		}
		if !revealedPassword(s) {
			t.Fatalf("revealedPassword(%q) = false", s)
		}
	}
	for _, label := range []string{"Password", "password:", "PIN", "SSN", "national_id", "Show password", "Passwort"} {
		if revealedPassword(label) {
			t.Errorf("revealedPassword(%q) = true, a label", label)
		}
	}
}
