package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
)

const (
	// FileName is the corpus file written under -out.
	FileName = "corpus2.jsonl"
	// DefaultSeed is the seed of the committed corpus.
	DefaultSeed = 20261202
	// Token is the project token every event carries (public, like any
	// Mixpanel project token).
	Token = "b5e0c3f7a91d4e2688c4f0a1d2e3b4c5"
	// total events and the share of them that hold something sensitive
	total     = 2000
	sensitive = 820
)

// Label says that the event holds Value (literally, in a string, number or
// key at Path, after JSON decoding of the event only) and that it is of
// Class. Alt lists other classes a detector may reasonably report for it.
type Label struct {
	Path     string   `json:"path"`
	Class    string   `json:"class"`
	Value    string   `json:"value"`
	Alt      []string `json:"alt,omitempty"`
	Scenario string   `json:"scenario"`
}

// Line is one corpus line. Clean events have no labels.
type Line struct {
	Event      string  `json:"event"`
	Properties *Obj    `json:"properties"`
	Labels     []Label `json:"labels"`
	Scenario   string  `json:"scenario"`
}

// Obj is a JSON object that keeps its keys in insertion order.
type Obj struct {
	keys []string
	vals []any
}

// Num is a JSON number written as is (large integers stay exact).
type Num string

func o(kv ...any) *Obj {
	ob := &Obj{}
	for i := 0; i+1 < len(kv); i += 2 {
		ob.set(kv[i].(string), kv[i+1])
	}
	return ob
}

func (ob *Obj) set(k string, v any) *Obj {
	for i, key := range ob.keys {
		if key == k {
			ob.vals[i] = v
			return ob
		}
	}
	ob.keys = append(ob.keys, k)
	ob.vals = append(ob.vals, v)
	return ob
}

func (ob *Obj) get(k string) any {
	for i, key := range ob.keys {
		if key == k {
			return ob.vals[i]
		}
	}
	return nil
}

// MarshalJSON writes the object in key order without HTML escaping.
func (ob *Obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := writeJSON(&b, ob); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case *Obj:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			if err := writeJSON(b, x.vals[i]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case string:
		writeString(b, x)
	case Num:
		b.WriteString(string(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	default:
		return fmt.Errorf("corpus2gen: cannot write a %T", v)
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	var sb bytes.Buffer
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimRight(sb.Bytes(), "\n"))
}

// jsonText renders v as JSON text (for values that hold stringified JSON).
func jsonText(v any) string {
	var b bytes.Buffer
	if err := writeJSON(&b, v); err != nil {
		panic(err) // the generator only builds writable values
	}
	return b.String()
}

// Render writes the corpus as JSON lines.
func Render(lines []Line) ([]byte, error) {
	var b bytes.Buffer
	for _, ln := range lines {
		if ln.Labels == nil {
			ln.Labels = []Label{}
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ln); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// g is the state of one generation: a seeded source and a clock.
type g struct {
	r    *rand.Rand
	time int64
	ev   *draft
}

// draft is the event a scenario is building.
type draft struct {
	name     string
	props    *Obj
	labels   []Label
	scenario string
}

// label records that the current event holds value at path.
func (s *g) label(path, class, value string, alt ...string) {
	s.ev.labels = append(s.ev.labels, Label{Path: path, Class: class, Value: value, Alt: alt, Scenario: s.ev.scenario})
}

// put sets a property of the current event.
func (s *g) put(k string, v any) { s.ev.props.set(k, v) }

// scenario builds one event: it names it and fills s.ev.
type scenario struct {
	name   string
	weight int
	fn     func(s *g)
}

// Generate builds the corpus for a seed.
func Generate(seed uint64) []Line {
	s := &g{r: newRand(seed), time: 1793577600} // 2026-11-02
	var lines []Line
	lines = append(lines, s.fill(sensitiveScenarios(), sensitive)...)
	lines = append(lines, s.fill(cleanScenarios(), total-sensitive)...)
	s.r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return lines
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5eed)) }

// fill spreads n events over the scenarios in proportion to their weights,
// each scenario at least twice; rounding is settled on the heaviest one.
func (s *g) fill(scs []scenario, n int) []Line {
	sum, heaviest := 0, 0
	for i, sc := range scs {
		sum += sc.weight
		if sc.weight > scs[heaviest].weight {
			heaviest = i
		}
	}
	counts := make([]int, len(scs))
	left := n
	for i, sc := range scs {
		counts[i] = max(2, (n*sc.weight+sum/2)/sum)
		left -= counts[i]
	}
	counts[heaviest] += left
	var out []Line
	for i, sc := range scs {
		for range counts[i] {
			out = append(out, s.event(sc))
		}
	}
	return out
}

func (s *g) event(sc scenario) Line {
	s.time += int64(5 + s.r.IntN(600))
	s.ev = &draft{props: &Obj{}, scenario: sc.name}
	sc.fn(s)
	if s.ev.name == "" {
		panic("scenario " + sc.name + " named no event")
	}
	// Base properties go first, as the SDKs send them; the scenario's own
	// follow.
	props := s.base()
	for i, k := range s.ev.props.keys {
		props.set(k, s.ev.props.vals[i])
	}
	return Line{Event: s.ev.name, Properties: props, Labels: s.ev.labels, Scenario: sc.name}
}

// base returns the properties an SDK adds to every event.
func (s *g) base() *Obj {
	p := o("token", Token, "time", Num(strconv.FormatInt(s.time*1000+int64(s.r.IntN(1000)), 10)))
	if v := s.ev.props.get("distinct_id"); v == nil {
		p.set("distinct_id", s.distinctID())
	}
	p.set("$insert_id", s.alnum(16+s.r.IntN(20)))
	switch s.r.IntN(4) {
	case 0, 1: // mixpanel-js
		host := pick(s, hosts)
		p.set("$os", pick(s, []string{"Windows", "Mac OS X", "Linux", "Android", "iOS"}))
		p.set("$browser", pick(s, []string{"Chrome", "Firefox", "Safari", "Microsoft Edge", "Mobile Safari"}))
		p.set("$browser_version", 100+s.r.IntN(40))
		p.set("$current_url", "https://"+host+pick(s, pagePaths))
		p.set("$screen_height", pick(s, []int{768, 900, 1080, 1440, 844}))
		p.set("$screen_width", pick(s, []int{1366, 1440, 1920, 2560, 390}))
		p.set("mp_lib", "web")
		p.set("$lib_version", pick(s, []string{"2.55.1", "2.58.0", "2.60.0", "2.47.0"}))
		p.set("$device_id", s.uuid())
		if s.r.IntN(2) == 0 {
			p.set("$initial_referrer", "$direct")
			p.set("$initial_referring_domain", "$direct")
		} else {
			p.set("$referrer", "https://www.google.com/")
			p.set("$referring_domain", "www.google.com")
		}
	case 2: // a server library
		p.set("mp_lib", pick(s, []string{"python", "node", "ruby", "go", "java"}))
		p.set("$lib_version", pick(s, []string{"4.10.1", "0.18.0", "2.3.1", "1.2.0"}))
		p.set("ip", s.ip())
	default: // a mobile SDK
		p.set("$os", pick(s, []string{"iOS", "Android"}))
		p.set("$os_version", pick(s, []string{"17.4", "18.1", "14", "15"}))
		p.set("$app_version_string", fmt.Sprintf("%d.%d.%d", 1+s.r.IntN(9), s.r.IntN(30), s.r.IntN(10)))
		p.set("$app_build_number", strconv.Itoa(100+s.r.IntN(9000)))
		p.set("$model", pick(s, []string{"iPhone15,2", "iPhone16,1", "Pixel 8", "SM-S918B"}))
		p.set("$manufacturer", pick(s, []string{"Apple", "Google", "samsung"}))
		p.set("$carrier", pick(s, []string{"Vodafone", "T-Mobile", "Orange", ""}))
		p.set("$wifi", s.r.IntN(2) == 0)
		p.set("mp_lib", pick(s, []string{"swift", "android", "react-native", "flutter"}))
		p.set("$lib_version", pick(s, []string{"4.3.0", "7.5.2", "3.0.1", "2.1.0"}))
	}
	return p
}

var hosts = []string{"app.acme.io", "shop.example.com", "www.brightpath.co", "dashboard.fernwood.dev", "portal.mundial.es", "konto.beispiel.de"}

var pagePaths = []string{"/", "/pricing", "/docs/getting-started", "/blog/q3-roadmap", "/dashboard", "/settings/profile",
	"/checkout/shipping", "/products/42-walnut-desk", "/search?q=standing+desk", "/help/articles/1042", "/onboarding/step-2"}

// --- random helpers ---

func pick[T any](s *g, xs []T) T { return xs[s.r.IntN(len(xs))] }

func (s *g) chance(pct int) bool { return s.r.IntN(100) < pct }

func (s *g) from(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	lowerAlpha = "abcdefghijklmnopqrstuvwxyz"
	upperAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digitsAll  = "0123456789"
	alnumAll   = lowerAlpha + upperAlpha + digitsAll
	hexLower   = "0123456789abcdef"
	base32Std  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

func (s *g) alnum(n int) string  { return s.from(alnumAll, n) }
func (s *g) hex(n int) string    { return s.from(hexLower, n) }
func (s *g) digits(n int) string { return s.from(digitsAll, n) }

func (s *g) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(s.r.IntN(256))
	}
	return b
}

func (s *g) b64(n int) string    { return base64.StdEncoding.EncodeToString(s.bytes(n)) }
func (s *g) b64url(n int) string { return base64.RawURLEncoding.EncodeToString(s.bytes(n)) }

func (s *g) uuid() string {
	h := s.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[s.r.IntN(4)]) + h[17:20] + "-" + h[20:]
}

func (s *g) ip() string {
	return fmt.Sprintf("%d.%d.%d.%d", 11+s.r.IntN(200), s.r.IntN(256), s.r.IntN(256), 1+s.r.IntN(254))
}

func (s *g) distinctID() string {
	switch s.r.IntN(3) {
	case 0:
		return s.uuid()
	case 1:
		return "$device:" + s.uuid()
	default:
		return "user_" + strconv.Itoa(1000+s.r.IntN(900000))
	}
}

func (s *g) username() string {
	return pick(s, firstNames) + pick(s, []string{".", "_", ""}) + strings.ToLower(pick(s, lastNames)) + pick(s, []string{"", "", strconv.Itoa(s.r.IntN(100))})
}

var firstNames = []string{"anna", "ben", "carla", "dmitri", "elif", "farah", "goran", "hana", "ivan", "julia", "kenji", "lucia", "mateo", "nadia", "oskar", "priya", "quentin", "rosa", "sven", "tomas", "ursula", "vikram", "wei", "ximena", "yusuf", "zoe"}
var lastNames = []string{"Berger", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Horvat", "Ito", "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Umar", "Varga", "Weber", "Yilmaz", "Zhang"}

var words = []string{"falcon", "harbor", "maple", "quartz", "violet", "ember", "glacier", "cobalt", "meadow", "saturn", "tundra", "orchid", "pepper", "willow", "canyon", "marble", "lantern", "copper", "breeze", "thunder", "pumpkin", "sparrow", "island", "rocket"}

func capital(w string) string { return strings.ToUpper(w[:1]) + w[1:] }

// password returns a password as people choose them. lowerOK allows
// passwords of lower-case letters only (fine under a key that says
// "password", hopeless in prose).
func (s *g) password(lowerOK bool) string {
	sym := "!@#$%&*?-_+=.^~"
	n := s.r.IntN(7)
	if !lowerOK && n == 6 {
		n = s.r.IntN(6)
	}
	switch n {
	case 0:
		return capital(pick(s, words)) + s.digits(2+s.r.IntN(3)) + s.from(sym, 1)
	case 1:
		return s.from(alnumAll+sym, 10+s.r.IntN(8))
	case 2:
		return pick(s, words) + "-" + pick(s, words) + "-" + pick(s, words) + "-" + s.digits(1)
	case 3:
		return pick(s, words) + pick(s, words) + s.digits(2)
	case 4:
		r := strings.NewReplacer("a", "@", "o", "0", "e", "3", "i", "1", "s", "$")
		return capital(r.Replace(pick(s, words)+pick(s, words))) + s.digits(1)
	case 5:
		return s.from(upperAlpha, 1) + s.from(lowerAlpha, 5) + s.from(sym, 1) + s.digits(4)
	default:
		return pick(s, words) + pick(s, words)
	}
}

// formEscape is how a browser writes a value into an
// application/x-www-form-urlencoded body.
func formEscape(v string) string { return url.QueryEscape(v) }

// jsonInner is how v appears inside a JSON string literal (without the quotes).
func jsonInner(v string) string {
	t := jsonText(v)
	return t[1 : len(t)-1]
}

// nonZero returns n digits not starting with 0 (a JSON integer).
func (s *g) nonZero(n int) string { return s.from("123456789", 1) + s.digits(n-1) }
