package guard

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// shapeVocab is what the shape grammar draws from: the guard's own key
// dictionary and phrase words, structural keys of autotrack, HAR and
// GraphQL, and every string found in the detectors' positive and negative
// samples (secrets, near-misses, and bracketed texts that look like JSON).
type shapeVocab struct {
	keys   []string
	leaves []string
}

func newShapeVocab() *shapeVocab {
	v := &shapeVocab{}
	for k := range keyDict {
		v.keys = append(v.keys, k)
	}
	v.keys = append(v.keys, phraseWords...)
	v.keys = append(v.keys, "name", "value", "type", "label", "field", "variables", "query", "operationName",
		"headers", "postData", "text", "url", "request", "response", "error", "message", "details", "body",
		"tag_name", "attr__type", "attr__value", "attr__name", "$el_text", "$elements", "$elements_chain",
		"$current_url", "kty", "d", "exp", "cvc", "card_number", "payload", "data", "input")
	seen := map[string]bool{}
	var collect func(*fastjson.Value)
	collect = func(x *fastjson.Value) {
		switch x.Type() {
		case fastjson.TypeString:
			if s := string(x.GetStringBytes()); !seen[s] && len(s) < 400 {
				seen[s] = true
				v.leaves = append(v.leaves, s)
			}
		case fastjson.TypeObject:
			o, _ := x.Object()
			o.Visit(func(_ []byte, c *fastjson.Value) { collect(c) })
		case fastjson.TypeArray:
			a, _ := x.Array()
			for _, c := range a {
				collect(c)
			}
		}
	}
	for _, s := range samples() {
		for _, list := range s {
			for _, smp := range list {
				var p fastjson.Parser
				if x, err := p.Parse(smp.props); err == nil {
					collect(x)
				}
			}
		}
	}
	v.leaves = append(v.leaves, "[REDACTED]", "{x}", "[1,2", "[]", "{}", `{"a":`, "null", "true", "12/29",
		"4111 1111 1111 1111", "mutation ChangePassword($current: String!) { ok }")
	slices.Sort(v.keys)
	slices.Sort(v.leaves)
	return v
}

// shapeGen turns fuzz bytes into one event's properties: each byte picks
// the next production, so that mutations of the input move between
// realistic shapes instead of breaking JSON syntax. When the bytes run out
// every choice is 0 (a short leaf), so generation always ends.
type shapeGen struct {
	in    []byte
	v     *shapeVocab
	nodes int
}

func (g *shapeGen) next() int {
	if len(g.in) == 0 {
		return 0
	}
	b := g.in[0]
	g.in = g.in[1:]
	return int(b)
}

func (g *shapeGen) key() string  { return g.v.keys[(g.next()<<8|g.next())%len(g.v.keys)] }
func (g *shapeGen) leaf() string { return g.v.leaves[(g.next()<<8|g.next())%len(g.v.leaves)] }

func jstr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// object writes a JSON object of up to 5 members.
func (g *shapeGen) object(depth int) string {
	n := g.next() % 6
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jstr(g.key()))
		b.WriteByte(':')
		b.WriteString(g.value(depth + 1))
	}
	b.WriteByte('}')
	return b.String()
}

// value writes one JSON value chosen by the next byte.
func (g *shapeGen) value(depth int) string {
	g.nodes++
	c := g.next()
	if depth > 6 || g.nodes > 200 {
		c = 0
	}
	switch c % 17 {
	case 0:
		return jstr(g.leaf())
	case 1:
		return jstr(g.key())
	case 2:
		return strconv.Itoa(g.next()<<16 | g.next()<<8 | g.next())
	case 3:
		return g.object(depth)
	case 4:
		n := g.next() % 4
		parts := make([]string, n)
		for i := range parts {
			parts[i] = g.value(depth + 1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case 5: // JSON inside a string
		return jstr(g.object(depth))
	case 6: // base64 of JSON
		return jstr(base64.StdEncoding.EncodeToString([]byte(g.object(depth))))
	case 7: // a form body
		q := url.Values{}
		for i := g.next()%4 + 1; i > 0; i-- {
			q.Add(g.key(), g.leaf())
		}
		return jstr(q.Encode())
	case 8: // a GraphQL request body, stringified as clients send it
		return jstr(`{"operationName": ` + jstr(g.leaf()) + `, "variables": ` + g.object(depth) +
			`, "query": "mutation Op($current: String!) { ok }"}`)
	case 9: // a HAR entry
		return `{"request":{"method":"POST","url":` + g.url() + `,"headers":[{"name":` + jstr(g.key()) +
			`,"value":` + jstr(g.leaf()) + `}],"postData":{"mimeType":"application/json","text":` +
			jstr(g.object(depth)) + `}},"response":{"status":400,"content":{"text":` + jstr(g.apiError(depth)) + `}}}`
	case 10:
		return g.apiError(depth)
	case 11:
		return g.url()
	case 12: // a field list entry: the hint in a sibling key
		return `{` + jstr([]string{"name", "type", "label", "field"}[g.next()%4]) + `:` + jstr(g.key()) +
			`,"value":` + jstr(g.leaf()) + `}`
	case 13: // an autotrack element
		return `{"tag_name":"input","attr__type":` + jstr(g.key()) + `,"attr__value":` + jstr(g.leaf()) +
			`,"$el_text":` + jstr(g.leaf()) + `}`
	case 14: // prose
		return jstr("the " + g.key() + " is " + g.leaf() + " " + g.key() + ": " + g.leaf())
	case 15: // an elements chain
		return jstr(`input.form:attr__type="` + g.key() + `"attr__value="` + g.leaf() + `"nth-child="1";form:text="` + g.leaf() + `"`)
	default: // a command line or config line
		return jstr([]string{"mysql -u app -p", "curl -u app:", "--password=", "PrivateKey = ", "export API_KEY="}[g.next()%5] + g.leaf())
	}
}

func (g *shapeGen) url() string {
	u := "https://" + []string{"", "user:" + url.QueryEscape(g.leaf()) + "@", url.QueryEscape(g.leaf()) + ":@"}[g.next()%3] +
		"app.example.com/" + url.PathEscape(g.leaf()) + "?" + url.QueryEscape(g.key()) + "=" + url.QueryEscape(g.leaf())
	if g.next()%2 == 1 {
		u += "#" + url.QueryEscape(g.key()) + "=" + url.QueryEscape(g.leaf())
	}
	return jstr(u)
}

func (g *shapeGen) apiError(depth int) string {
	return `{"error":{"code":` + strconv.Itoa(g.next()) + `,"message":` + jstr("invalid "+g.key()+" "+g.leaf()) +
		`,"details":[` + g.value(depth+1) + `]}}`
}

// FuzzShapes builds events from a grammar of realistic shapes (JSON inside
// strings inside JSON: GraphQL bodies, HAR entries, API error payloads,
// form bodies, base64 of JSON, autotrack elements, field lists, prose)
// with keys from the guard's own dictionary and values from its detectors'
// samples, and runs the whole checker on each: Event and Profile under two
// policies, and Scan, which must agree with Event. The guard must never
// fail, always leave valid JSON, and stay fast.
func FuzzShapes(f *testing.F) {
	vocab := newShapeVocab()
	for _, s := range []string{"", "\x03\x02\x08\x05", "\x03\x01\x05\x03\x01\x08\x03\x01\x04\x01", "\x09\x10\x11\x12\x13",
		"\x03\x05\x0c\x0d\x0e\x0f\x10\x06\x07\x0b", "\x03\x04\x03\x05\x05\x05\x05\x08\x08"} {
		f.Add([]byte(s))
	}
	pols := []*Checker{
		mustChecker(f, DefaultPolicy()),
		mustChecker(f, Policy{Actions: map[Class]Action{Password: Redact, SecretToken: Hash, PaymentCard: Redact,
			NationalID: Hash, CredentialsInURL: Redact, FormValue: Redact, Email: Hash, Phone: Redact, BankAccount: Redact, PrivateKey: Redact}}),
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 4096 {
			return
		}
		g := &shapeGen{in: in, v: vocab}
		props := g.object(0)
		if !json.Valid([]byte(props)) {
			t.Fatalf("the grammar made invalid JSON")
		}
		for _, c := range pols {
			var p fastjson.Parser
			v, err := p.Parse(props)
			if err != nil {
				t.Fatal(err)
			}
			run(t, c, v, nil, 0)

			want, _ := eventFindings(t, c, rawCase{"e", "u", []byte(props)})
			got, err := c.Scan(3, "e", "u", props, nil)
			if err != nil {
				t.Fatalf("Scan refused what parses: %v", err)
			}
			if Failed(got) {
				t.Fatalf("the guard failed in Scan (a panic, recovered)")
			}
			if (len(got) != 0 || len(want) != 0) && !reflect.DeepEqual(got, want) {
				t.Fatalf("Scan %+v\nEvent %+v", got, want)
			}

			var q fastjson.Parser
			pv, _ := q.Parse(props)
			u := event.ProfileUpdate{ProjectID: 3, ID: "u", Ops: []event.ProfileOp{{Op: "$set", Value: pv}}}
			if out, _ := c.Profile(&u, &fastjson.Arena{}, nil); Failed(out) {
				t.Fatalf("the guard failed on a profile update (a panic, recovered)")
			}
		}
	})
}
