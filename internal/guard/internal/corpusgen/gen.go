package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
)

// Token is the project token the scoring test passes to Compile. It appears
// in every event's "token" property and must never be reported.
const Token = "7c1e4a2b9d3f40e58a6b2c0d1e9f8a37"

type label struct {
	Path     string
	Class    string
	Value    string
	Alt      []string
	Scenario string
}

type event struct {
	name   string
	props  *obj
	labels []label
	kind   string // base template or scenario, for statistics only
}

type gen struct {
	r       *rand.Rand
	heldout bool
	now     int64 // Unix seconds around which events are timed
}

func newGen(seed uint64, heldout bool) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), heldout: heldout, now: 1718000000 + int64(seed%1000)*3600}
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool   { return g.r.Float64() < p }
func (g *gen) between(a, b int) int    { return a + g.r.IntN(b-a+1) }

// pickW picks from a vocabulary of word lists; every fifth entry is reserved
// for the held-out split so that it measures key spellings tuning never saw.
func (g *gen) pickW(ws [][]string) string {
	for {
		i := g.r.IntN(len(ws))
		if i%5 == 4 && !g.heldout {
			continue
		}
		return g.render(ws[i])
	}
}

func (e *event) label(path, class, value, scenario string, alt ...string) {
	e.labels = append(e.labels, label{Path: path, Class: class, Value: value, Alt: alt, Scenario: scenario})
}

// containers are the nested objects a property may be put into.
var containers = []string{"form", "user", "payload", "data", "context", "metadata", "checkout", "request", "details", "attributes", "input", "params", "customer", "account", "settings", "traits"}

// place puts key=v in the event at the top level, in a nested object or in
// an array of objects, and returns the guard-style path.
func (g *gen) place(e *event, key string, v any) string {
	switch w := g.r.IntN(10); {
	case w < 5:
		e.props.set(key, v)
		return key
	case w < 8:
		c := g.pick(containers)
		e.props.child(c).set(key, v)
		return c + "." + key
	case w < 9:
		c1, c2 := g.pick(containers), g.pick([]string{"fields", "values", "body", "raw", "props", "info"})
		e.props.child(c1).child(c2).set(key, v)
		return c1 + "." + c2 + "." + key
	}
	arr := g.pick([]string{"items", "entries", "records", "steps", "changes"})
	el := o("id", g.between(1, 999), key, v)
	var list []any
	if g.chance(0.5) {
		list = append(list, o("id", g.between(1, 999), "status", "ok"))
	}
	list = append(list, el)
	e.props.set(arr, list)
	return arr + "[]." + key
}

func (g *gen) uuid() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := fmt.Sprintf("%x", b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *gen) uuid7() string {
	ms := (g.now + int64(g.r.IntN(86400))) * 1000
	h := fmt.Sprintf("%012x", ms) + g.hexN(20)
	h = h[:12] + "7" + h[13:16] + string("89ab"[g.r.IntN(4)]) + h[17:]
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *gen) host() string {
	return g.pick([]string{"www.", "app.", "shop.", "", "dashboard.", "store."}) + g.pick(hostsBase)
}

func (g *gen) cleanQuery() string {
	var q []string
	if g.chance(0.35) {
		q = append(q, "utm_source="+g.pick(utmSources), "utm_medium="+g.pick(utmMediums), "utm_campaign="+g.pick(utmCampaigns))
	}
	if g.chance(0.1) {
		q = append(q, "gclid=Cj0KCQjw"+g.chars(b64url, 60))
	}
	if g.chance(0.1) {
		q = append(q, "fbclid=IwAR"+g.chars(b64url, 56))
	}
	if g.chance(0.15) {
		q = append(q, "ref="+g.pick([]string{"nav", "footer", "hero", "email", "pricing_table"}))
	}
	if g.chance(0.1) {
		q = append(q, "q="+url.QueryEscape(g.pick(searchTerms)))
	}
	if g.chance(0.08) {
		q = append(q, "page="+fmt.Sprint(g.between(2, 40)))
	}
	if g.chance(0.05) {
		q = append(q, "return_to="+url.QueryEscape(g.pick(pagePaths)))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

func (g *gen) cleanURL() string {
	p := g.pick(pagePaths)
	switch g.r.IntN(8) {
	case 0:
		p = "/orders/" + g.cleanOrderNumber()
	case 1:
		p = "/invoices/" + g.uuid()
	case 2:
		p = "/files/" + g.hexN(32)
	}
	return "https://" + g.host() + p + g.cleanQuery()
}

func (g *gen) referrer() string {
	switch g.r.IntN(7) {
	case 0, 1:
		return "$direct"
	case 2:
		return "https://www.google.com/"
	case 3:
		return "https://www.bing.com/search?q=" + url.QueryEscape(g.pick(searchTerms))
	case 4:
		return "https://t.co/" + g.chars(base62, 10)
	case 5:
		return "https://news.ycombinator.com/item?id=" + g.digitsN(8)
	}
	return g.cleanURL()
}

func domainOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return "$direct"
	}
	return pu.Host
}

// cleanOrderNumber is an order, tracking or invoice number that is not a card.
func (g *gen) cleanOrderNumber() string {
	switch g.r.IntN(6) {
	case 0:
		return luhnBreak(g.pick([]string{"4", "5", "3", "6"}) + g.digitsN(15))
	case 1:
		return "ORD-" + g.digitsN(8)
	case 2:
		return fmt.Sprint(g.between(100000, 9999999))
	case 3:
		return "#" + g.digitsN(5)
	case 4:
		return "A" + g.digitsN(9)
	}
	return g.pick([]string{"INV-2024-", "SO-", "PO"}) + g.digitsN(6)
}

func (g *gen) trackingNumber() string {
	switch g.r.IntN(4) {
	case 0:
		return "1Z" + g.chars(upper+digits, 6) + g.digitsN(10)
	case 1:
		return luhnBreak("7" + g.digitsN(11))
	case 2:
		return "94" + g.digitsN(20)
	}
	return "JD" + g.digitsN(18)
}

func (g *gen) cheapGUID() string { return g.chars(base36, 16) }

func (g *gen) distinctID() string {
	switch g.r.IntN(6) {
	case 0, 1:
		return "$device:" + g.uuid()
	case 2:
		return g.uuid()
	case 3:
		return "usr_" + g.chars(base62, 14)
	case 4:
		return fmt.Sprint(g.between(1000, 9999999))
	}
	return "auth0|" + g.hexN(24)
}

func (g *gen) timeSeconds() num {
	return num(fmt.Sprintf("%d.%03d", g.now+int64(g.r.IntN(86400)), g.r.IntN(1000)))
}

func (g *gen) timeMillis() num {
	return num(fmt.Sprint((g.now+int64(g.r.IntN(86400)))*1000 + int64(g.r.IntN(1000))))
}

func (g *gen) person() (string, string) { return g.pick(firstNames), g.pick(lastNames) }

func (g *gen) email() string {
	f, l := g.person()
	switch g.r.IntN(4) {
	case 0:
		return f + "." + l + "@" + g.pick(hostsBase)
	case 1:
		return f + g.digitsN(2) + "@" + g.pick([]string{"gmail.com", "outlook.com", "yahoo.co.jp", "web.de", "proton.me", "icloud.com"})
	case 2:
		return f[:1] + l + "+" + g.pick([]string{"shop", "news", "test"}) + "@" + g.pick(hostsBase)
	}
	return strings.ToUpper(f[:1]) + f[1:] + "." + strings.ToUpper(l[:1]) + l[1:] + "@" + g.pick(hostsBase)
}

func (g *gen) phone() string {
	switch g.r.IntN(7) {
	case 0:
		return "+1415555" + fmt.Sprintf("%04d", g.between(100, 199))
	case 1:
		return fmt.Sprintf("(%d) 555-%04d", g.pick3([]int{212, 415, 646, 312, 617}), g.between(100, 199))
	case 2:
		return "+44 20 7946 0" + g.digitsN(3)
	case 3:
		return "+49 30 " + g.digitsN(8)
	case 4:
		return "+33 6 " + g.digitsN(2) + " " + g.digitsN(2) + " " + g.digitsN(2) + " " + g.digitsN(2)
	case 5:
		return "+81 90-" + g.digitsN(4) + "-" + g.digitsN(4)
	}
	return "+34 6" + g.digitsN(2) + " " + g.digitsN(3) + " " + g.digitsN(3)
}

func (g *gen) pick3(xs []int) int { return xs[g.r.IntN(len(xs))] }

func (g *gen) password() string {
	words := []string{"Sunshine", "dragon", "Monkey", "football", "Princess", "shadow", "Summer", "winter", "Kaffee", "Sonnenblume", "mariposa", "chocolat", "Tigre", "lemon", "Falcon", "orange", "Pizza", "Berlin", "Madrid", "tokyo", "Raketa", "Stern", "Corazon", "hunter"}
	syms := "!@#$%&*?._-+"
	switch g.r.IntN(7) {
	case 0, 1:
		return g.pick(words) + g.digitsN(g.between(2, 4)) + string(syms[g.r.IntN(len(syms))])
	case 2:
		return g.chars(base62+syms, g.between(12, 24))
	case 3:
		sep := g.pick([]string{"-", " ", ".", ""})
		var ws []string
		for range g.between(3, 4) {
			ws = append(ws, strings.ToLower(g.pick(words)))
		}
		return strings.Join(ws, sep) + g.digitsN(1)
	case 4:
		return g.pick([]string{"Contraseña", "Passwort", "Пароль", "Mälarsjö", "Żółw", "Ñandú", "Café"}) + g.digitsN(3) + string(syms[g.r.IntN(len(syms))])
	case 5:
		return strings.ToUpper(g.chars(lower, 1)) + g.chars(lower, 5) + g.digitsN(2) + string(syms[g.r.IntN(len(syms))]) + g.chars(upper, 2)
	}
	return g.chars(base62, 10) + g.digitsN(2)
}

func (g *gen) pin() string { return g.digitsN(g.pick3([]int{4, 4, 4, 5, 6})) }

// ---- lines, validation ----

func (e *event) line() string {
	var sb strings.Builder
	sb.WriteString(`{"event":`)
	quote(&sb, e.name)
	sb.WriteString(`,"properties":`)
	marshal(&sb, e.props)
	sb.WriteString(`,"labels":[`)
	for i, l := range e.labels {
		if i > 0 {
			sb.WriteByte(',')
		}
		x := o("path", l.Path, "class", l.Class, "value", l.Value)
		if len(l.Alt) > 0 {
			x.set("alt", l.Alt)
		}
		x.set("scenario", l.Scenario)
		marshal(&sb, x)
	}
	sb.WriteString("]}")
	return sb.String()
}

// check returns why an event is unusable: a label that names no property
// holding its value, or a labelled value that also occurs at a path no label
// covers (the scoring test could not tell whether the guard removed it).
func (e *event) check() error {
	ls := leaves(e.props, "", nil)
	seen := map[[2]string]bool{}
	for _, l := range e.labels {
		k := [2]string{l.Path, l.Class}
		if seen[k] {
			return fmt.Errorf("duplicate label %s/%s", l.Path, l.Class)
		}
		seen[k] = true
		if len(l.Value) < 3 {
			return fmt.Errorf("label value too short at %s", l.Path)
		}
		found := false
		for _, lf := range ls {
			if !strings.Contains(lf.text, l.Value) {
				continue
			}
			if lf.path == l.Path {
				found = true
				continue
			}
			covered := false
			for _, l2 := range e.labels {
				if l2.Path == lf.path && strings.Contains(lf.text, l2.Value) {
					covered = true
				}
			}
			if !covered {
				return fmt.Errorf("value of %s also at unlabelled %s", l.Path, lf.path)
			}
		}
		if !found {
			return fmt.Errorf("label %s/%s: value not found at path", l.Path, l.Class)
		}
	}
	return nil
}

// cleanCheck is a coarse independent screen for clean events: no email-like
// text and no digit run that is a Luhn-valid card with a card IIN.
func (e *event) cleanCheck() error {
	for _, lf := range leaves(e.props, "", nil) {
		for i := 1; i < len(lf.text)-1; i++ {
			if lf.text[i] != '@' || !isWordByte(lf.text[i-1]) {
				continue
			}
			j := i + 1
			for j < len(lf.text) && (isWordByte(lf.text[j])) {
				j++
			}
			dom := lf.text[i+1 : j]
			if dot := strings.LastIndexByte(dom, '.'); dot > 0 && len(dom)-dot > 2 {
				return fmt.Errorf("email-like text at %s", lf.path)
			}
		}
		for _, run := range digitRuns(lf.text) {
			if cardLike(run) {
				return fmt.Errorf("card-like number at %s", lf.path)
			}
		}
	}
	return nil
}

// cardLike reports a Luhn-valid digit run whose length and IIN fit a card
// brand (the generator's own screen, independent of the guard).
func cardLike(d string) bool {
	if len(d) < 12 || len(d) > 19 || !luhnValid(d) {
		return false
	}
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	n := len(d)
	switch {
	case d[0] == '4':
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720, p4 >= 2200 && p4 <= 2204:
		return n == 16
	case p2 == 34 || p2 == 37:
		return n == 15
	case p2 == 36 || p2 == 38 || p2 == 30:
		return n == 14 || n == 16
	case p4 >= 3528 && p4 <= 3589:
		return n >= 16
	case d[0] == '6' || p2 == 50 || (p2 >= 56 && p2 <= 58):
		return true // Maestro takes 12 to 19 digits
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '+'
}

// digitRuns returns runs of digits, joining digits separated by one space or dash.
func digitRuns(s string) []string {
	var out []string
	cur := ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			cur += string(c)
		case (c == ' ' || c == '-') && cur != "" && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
		default:
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// ---- splits ----

type split struct {
	name         string
	seed         uint64
	heldout      bool
	clean, dirty int
}

var splits = []split{
	{"tune", 20240611, false, 800, 800},
	{"heldout", 20250117, true, 200, 200},
}

func buildSplit(sp split) []*event {
	g := newGen(sp.seed, sp.heldout)
	var out []*event
	for i := 0; i < sp.clean+sp.dirty; i++ {
		dirty := i%2 == 1
		if sp.clean != sp.dirty {
			dirty = i >= sp.clean
		}
		for try := 0; ; try++ {
			if try > 200 {
				panic("corpusgen: cannot build a valid event")
			}
			var e *event
			if dirty {
				e = g.dirtyEvent(i)
			} else {
				e = g.cleanEvent()
			}
			if err := e.check(); err != nil {
				continue
			}
			if dirty && len(e.labels) == 0 {
				continue
			}
			if !dirty && (len(e.labels) != 0 || e.cleanCheck() != nil) {
				continue
			}
			out = append(out, e)
			break
		}
	}
	return out
}

// classCycle spreads the positive events over the classes.
var classCycle = []string{
	"password", "payment_card", "secret_token", "national_id", "bank_account", "private_key", "credentials_in_url",
	"password", "payment_card", "secret_token", "national_id", "bank_account", "private_key", "credentials_in_url",
	"email", "phone",
}

func (g *gen) dirtyEvent(i int) *event {
	class := classCycle[(i/2)%len(classCycle)]
	var cands []scenario
	for _, s := range scenarios {
		if s.class == class {
			cands = append(cands, s)
		}
	}
	s := weighted(g, cands)
	var e *event
	if s.additive {
		e = g.cleanEvent()
		s.fn(g, e)
	} else {
		e = &event{props: &obj{}}
		s.fn(g, e)
	}
	e.kind = s.name
	// A share of events carries a second, unrelated finding.
	if g.chance(0.25) {
		var adds []scenario
		for _, s2 := range scenarios {
			if s2.additive {
				adds = append(adds, s2)
			}
		}
		s2 := weighted(g, adds)
		s2.fn(g, e)
	}
	return e
}

func weighted(g *gen, ss []scenario) scenario {
	total := 0
	for _, s := range ss {
		total += s.weight
	}
	n := g.r.IntN(total)
	for _, s := range ss {
		if n < s.weight {
			return s
		}
		n -= s.weight
	}
	return ss[len(ss)-1]
}

type scenario struct {
	name     string
	class    string
	weight   int
	additive bool // adds to any base event; otherwise builds its own event
	fn       func(g *gen, e *event)
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
