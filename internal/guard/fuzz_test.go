package guard

import (
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// fuzzKeys are the keys the fuzzer's string is placed under, one per
// context the guard treats differently.
var fuzzKeys = []string{"v", "password", "$current_url", "$elements_chain", "api_key", "cookie", "card"}

// FuzzChecker feeds arbitrary input to the guard, both as a JSON document
// (when it is one) and as a string under keys of every kind. It checks
// that nothing panics, that the output is valid JSON, that findings hold
// only metadata, and that no input takes long.
func FuzzChecker(f *testing.F) {
	for _, s := range []string{
		`{"password":"hunter2"}`, "4111 1111 1111 1111", "https://u:p@x.com/?token=abc&code=123456",
		`input:attr__type="password"attr__value="x";div:text="a\"b"`, "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig",
		"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----", "Bearer abcdefgh12345678",
		base64.StdEncoding.EncodeToString([]byte(`{"password":"x1y2z3"}`)), "a=1&password=x&b=%zz",
		`{"$elements":[{"tag_name":"input","attr__type":"password","attr__value":"x"}]}`,
		`{"kty":"EC","d":"` + strings.Repeat("A", 43) + `"}`, "DE89 3704 0044 0532 0130 00", "123-45-6789",
	} {
		f.Add(s)
	}
	pols := []*Checker{
		mustChecker(f, DefaultPolicy()),
		mustChecker(f, Policy{Actions: map[Class]Action{Password: Redact, SecretToken: Hash, PaymentCard: Redact,
			NationalID: Hash, CredentialsInURL: Redact, FormValue: Redact, Email: Hash, Phone: Redact, BankAccount: Redact, PrivateKey: Redact}}),
	}
	known := map[string]bool{}
	for _, d := range detectors {
		known[d.Name] = true
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 1<<16 {
			return
		}
		for _, c := range pols {
			var p fastjson.Parser
			// fastjson parses some invalid documents (raw control bytes in
			// strings); only valid ones must stay valid.
			if v, err := p.Parse(in); err == nil && v.Type() == fastjson.TypeObject && fastjson.Validate(in) == nil {
				run(t, c, v, nil, 0)
			}
			var a fastjson.Arena
			obj := a.NewObject()
			for _, k := range fuzzKeys {
				obj.Set(k, a.NewString(in))
			}
			out := run(t, c, obj, nil, 0)
			for _, fd := range out {
				if !known[fd.Detector] || !builtin(Class(fd.Class)) {
					t.Fatalf("unknown detector or class in a finding")
				}
				ok := false
				for _, k := range fuzzKeys {
					ok = ok || fd.Path == k
				}
				if !ok || fd.Event != "fuzz" || fd.DistinctID != "id" {
					t.Fatalf("finding metadata changed: path of %d bytes", len(fd.Path))
				}
			}
		}
	})
}

func run(t *testing.T, c *Checker, v *fastjson.Value, dst []event.Finding, _ int) []event.Finding {
	t.Helper()
	var a fastjson.Arena
	ev := event.Event{Name: "fuzz", DistinctID: "id", Props: v}
	start := time.Now()
	out, _ := c.Event(&ev, &a, dst)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the guard took %v on a %d-byte input", d, len(v.MarshalTo(nil)))
	}
	if err := fastjson.ValidateBytes(v.MarshalTo(nil)); err != nil {
		t.Fatalf("the guard produced invalid JSON: %v", err)
	}
	for _, fd := range out {
		if fd.Class == string(GuardError) {
			t.Fatalf("the guard failed (a panic, recovered) at a path of %d bytes", len(fd.Path))
		}
		if fd.Path == "" || fd.Class == "" || fd.Action == "" || fd.Detector == "" {
			t.Fatalf("incomplete finding %+v", fd)
		}
	}
	return out
}

// TestNoSlowInput checks that the guard's time grows linearly with the
// input on inputs built to defeat prefilters: four times the input must not
// take much more than four times as long.
func TestNoSlowInput(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	rules := []Rule{{Name: "r", Class: "custom", Keywords: []string{"ab"}, Pattern: `(a|b)*c`}}
	checkers := []*Checker{
		mustChecker(t, Policy{Rules: rules}),
		mustChecker(t, Policy{Rules: rules, Actions: map[Class]Action{Email: Redact, Phone: Hash, Password: Redact,
			PaymentCard: Redact, SecretToken: Redact, NationalID: Redact, BankAccount: Redact, "custom": Redact}}),
	}
	gens := map[string]func(n int) string{
		"digit groups": func(n int) string { return strings.Repeat("4111 ", n/5) },
		"digits":       func(n int) string { return strings.Repeat("4", n) },
		"jwt prefixes": func(n int) string { return strings.Repeat("eyJ.", n/4) },
		"pem markers":  func(n int) string { return strings.Repeat("-----BEGIN PRIVATE KEY-----", n/27) },
		"schemes":      func(n int) string { return strings.Repeat("a://", n/4) },
		"query":        func(n int) string { return "https://x.com/?" + strings.Repeat("token=abcdefgh&", n/15) },
		"phrases":      func(n int) string { return strings.Repeat("password: ", n/10) },
		"ats":          func(n int) string { return strings.Repeat("a@", n/2) },
		"pairs":        func(n int) string { return strings.Repeat("a=b&", n/4) },
		"cookies":      func(n int) string { return strings.Repeat("sid=x; ", n/7) },
		"percent":      func(n int) string { return "?a=" + strings.Repeat("%25", n/3) },
		"vendor":       func(n int) string { return strings.Repeat("AKIA", n/4) },
		"openai":       func(n int) string { return strings.Repeat("sk-", n/3) },
		"base64": func(n int) string {
			return base64.StdEncoding.EncodeToString([]byte(strings.Repeat("password=x&", n/15)))
		},
		"json text":      func(n int) string { return strings.Repeat("[", n/2) + strings.Repeat("]", n/2) },
		"chain":          func(n int) string { return strings.Repeat(`input:attr__value="`, n/19) },
		"ids":            func(n int) string { return strings.Repeat("12345678Z ", n/10) },
		"iban":           func(n int) string { return strings.Repeat("DE89 ", n/5) },
		"bearer":         func(n int) string { return strings.Repeat("Bearer ", n/7) },
		"plus phones":    func(n int) string { return strings.Repeat("+1 ", n/3) },
		"custom rule":    func(n int) string { return strings.Repeat("ab", n/2) },
		"elements chain": func(n int) string { return strings.Repeat(`a:href="x"`, n/10) },
		"many emails":    func(n int) string { return strings.Repeat("a@b.cc ", n/7) },
		"many phones":    func(n int) string { return strings.Repeat("+14155552671 ", n/13) },
		"many cards":     func(n int) string { return strings.Repeat("4111111111111111 ", n/17) },
	}
	// CPU time of this goroutine's locked thread: on a shared machine,
	// wall time also counts the time other processes hold the core.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	measure := func(c *Checker, s string) time.Duration {
		best := time.Duration(1 << 62)
		for i := 0; i < 3; i++ {
			var a fastjson.Arena
			obj := a.NewObject()
			for _, k := range fuzzKeys {
				obj.Set(k, a.NewString(s))
			}
			ev := event.Event{Name: "x", Props: obj}
			st := threadCPU()
			c.Event(&ev, &a, nil)
			if d := threadCPU() - st; d < best {
				best = d
			}
		}
		return best
	}
	for i, c := range checkers {
		for name, g := range gens {
			// A quadratic cost shows in every try; a busy machine's pause
			// seldom in three in a row.
			var small, large time.Duration
			for try := 0; try < 3; try++ {
				small, large = measure(c, g(1<<16)), measure(c, g(1<<18))
				if large <= 12*small+20*time.Millisecond {
					break
				}
			}
			if large > 12*small+20*time.Millisecond {
				t.Errorf("policy %d, %s: 64 KiB took %v, 256 KiB took %v: not linear", i, name, small, large)
			}
		}
	}
}
