package guard

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRandomUUIDsAreClean: random UUIDs hold digit runs that sometimes pass
// a card's or a national ID's check digits (about 3 in 100,000 were
// flagged before inUUID). None may be flagged, alone, upper-cased, inside
// a URL or a sentence, in any of the three positions the guard judges them.
func TestRandomUUIDsAreClean(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	c := mustChecker(t, DefaultPolicy())
	r := rand.New(rand.NewPCG(13, 13))
	const hexd = "0123456789abcdef"
	var b [32]byte
	flagged := 0
	for i := 0; i < n; i++ {
		for k := range b {
			// Digit-heavy UUIDs are the ones that can look like numbers.
			if r.IntN(4) == 0 {
				b[k] = hexd[r.IntN(16)]
			} else {
				b[k] = hexd[r.IntN(10)]
			}
		}
		b[12] = '4'
		h := string(b[:])
		u := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		var props string
		switch i % 4 {
		case 0:
			props = fmt.Sprintf(`{"id":%q}`, u)
		case 1:
			props = fmt.Sprintf(`{"id":%q}`, strings.ToUpper(u))
		case 2:
			props = fmt.Sprintf(`{"url":"https://app.example.com/orders/%s?tab=1"}`, u)
		default:
			props = fmt.Sprintf(`{"msg":"request %s failed after 3 retries"}`, u)
		}
		res := checkEvent(t, c, props)
		if len(res.findings) > 0 {
			flagged++
			if flagged <= 5 {
				t.Errorf("UUID flagged as %s by %s", res.findings[0].Class, res.findings[0].Detector)
			}
		}
	}
	if flagged > 0 {
		t.Errorf("%d of %d random UUIDs flagged", flagged, n)
	}
}
