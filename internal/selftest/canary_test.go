package selftest

import (
	"slices"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
)

// Every canary is acted on by the default guard with one of its classes,
// and its value is gone from the cleaned event; the control is kept.
func TestCanariesAreCaughtByTheDefaultGuard(t *testing.T) {
	c, err := guard.New().Compile(guard.Policy{}, "tok", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		cs := NewCanaries()
		for _, cn := range cs {
			body := trackBody("tok", "d1", "i", []Canary{cn}, "ctl")
			var p fastjson.Parser
			v, err := p.ParseBytes(body)
			if err != nil {
				t.Fatal(err)
			}
			props := v.GetArray()[0].Get("properties")
			ev := event.Event{ProjectID: 1, Name: cn.Event, DistinctID: "d1", Props: props}
			var a fastjson.Arena
			fs, _ := c.Event(&ev, &a, nil)
			ok := false
			for _, f := range fs {
				if slices.Contains(cn.Classes, string(f.Class)) && f.Action != "keep" {
					ok = true
				}
			}
			if !ok {
				t.Fatalf("%s: findings %+v", cn.Kind, fs)
			}
			if s := props.String(); contains(s, cn.Value) {
				t.Fatalf("%s: value kept: %s", cn.Kind, s)
			}
		}
	}
	if !luhnOK(luhnCard()) {
		t.Fatal("luhn")
	}
}

func contains(s, sub string) bool { return len(sub) > 0 && len(s) >= len(sub) && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func luhnOK(n string) bool {
	sum := 0
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if (len(n)-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
