package guard

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// rawCase is one stored event: name, distinct_id and properties as text.
type rawCase struct {
	name, id string
	props    []byte
}

// eventFindings is what Event reports for c, with Lib and LibVersion read
// from the properties as the rescan and the ingest decoder read them.
func eventFindings(t testing.TB, c *Checker, rc rawCase) ([]event.Finding, bool) {
	t.Helper()
	var p fastjson.Parser
	v, err := p.ParseBytes(rc.props)
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil, false
	}
	ev := event.Event{ProjectID: 3, Name: rc.name, DistinctID: rc.id, Props: v}
	if b := v.GetStringBytes("mp_lib"); b != nil {
		ev.Lib = string(b)
	} else if b := v.GetStringBytes("$lib"); b != nil {
		ev.Lib = string(b)
	}
	ev.LibVersion = string(v.GetStringBytes("$lib_version"))
	var a fastjson.Arena
	memoOff = true // the reference: every value scanned
	fs, _ := c.Event(&ev, &a, nil)
	memoOff = false
	return fs, true
}

// rawCases gathers the corpus, the policy and rule samples' shapes and the
// bench events, as stored properties.
func rawCases(t testing.TB) []rawCase {
	t.Helper()
	var out []rawCase
	for _, f := range []string{"testdata/corpus_tune.jsonl", "testdata/corpus_heldout.jsonl"} {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ln struct {
				Event      string          `json:"event"`
				Properties json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(sc.Bytes(), &ln); err != nil {
				t.Fatal(err)
			}
			id := "user-1"
			var m map[string]any
			if json.Unmarshal(ln.Properties, &m) == nil {
				if s, ok := m["distinct_id"].(string); ok {
					id = s
				}
			}
			out = append(out, rawCase{ln.Event, id, []byte(ln.Properties)})
		}
		fh.Close()
	}
	if len(out) < 1000 {
		t.Fatalf("only %d corpus events", len(out))
	}
	for _, s := range benchEvents(200, true) {
		out = append(out, rawCase{"Page View", "user-2", []byte(s)})
	}
	// Shapes whose top-level keys give each other context, and texts the
	// splitter must not take apart (or must take apart exactly).
	for _, s := range []string{
		`{"name":"password","value":"hunter2!x"}`,
		`{"request_body":"{\"operationName\": \"ChangePassword\", \"variables\": {\"current\": \"[REDACTED]\", \"next\": \"[REDACTED]\"}, \"query\": \"mutation ChangePassword($current: String!) { ok }\"}"}`,
		`{"request_body":"{\"variables\":{\"current\":\"[x]\",\"password\":\"Tr0ub4dor&3x!\"}}"}`,
		`{"name":"plan","value":"hunter2!x"}`,
		`{"field":"card_number","value":"4111111111111111"}`,
		`{"kty":"RSA","d":"` + strings.Repeat("Qk", 40) + `","n":"AQAB"}`,
		`{"tag_name":"input","attr__type":"password","attr__value":"s3cr3t-value"}`,
		`{"$el_tag_name":"input","$el_attr__type":"password","$el_attr__value":"s3cr3t-value"}`,
		`{"card_number":"4111 1111 1111 1111","exp":"12/29","cvc":"123"}`,
		`{"exp":"12/29","note":"no card here"}`,
		`{"plan":"pro","card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1111"}`,
		`{"cc_first_half":55555555,"screen":"1x2","cc_second_half":55554444,"card_exp":"12/29"}`,
		`{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1112"}`,
		`{"mp_lib":"web","$lib":"node","$lib_version":"1.2.3","password":"p4ssw0rd!"}`,
		`{"$lib":"node","mp_lib":7,"password":"p4ssw0rd!"}`,
		`{"mp_lib":"w\u0065b","password":"p4ssw0rd!"}`,
		`{"mp_lib":"web","mp_lib":"ios","password":"p4ssw0rd!"}`,
		`{"mp_lib":7,"mp_lib":"web","$lib":"node","password":"p4ssw0rd!"}`,
		`{"$lib_version":1,"$lib_version":"1.0","mp_lib":"w\u0065b","mp_lib":"web","password":"p4ssw0rd!"}`,
		`{"mp_lib":"web","$lib_version":"2.83.0","plan":"pro","password":"p4ssw0rd!"}`,
		`{"plan":"pro","mp_lib":"web","$lib_version":"2.83.0","token":"p4ssw0rd!"}`,
		`{"pass\u0077ord":"p4ssw0rd!","a":"b"}`,
		`{"a":"x\"y","password":"p4ssw0rd!","b":{"c":"}\"]"},"d":[1,{"e":"[{"}]}`,
		`{"password":"dup1!abc","password":"dup2!abc"}`,
		`{"secret_token":"sk_live_` + strings.Repeat("a1", 14) + `","b":1}`,
		`{"user@example.com":true,"4111111111111111":1}`,
		` { "a" : 1 , "password" : "p4ssw0rd!" } `,
		`{}`, `{"a":1,}`, `{"a":1}x`, `[{"password":"p4ssw0rd!"}]`, `{"a":tru}`, `{"a":"\x"}`, `{"a":01}`, `{"a"}`,
		`{"a":[1,2}`, `{"a":{"b":1]}`, `{"password":"p4ssw0rd!","a":nul}`,
		`{"body":"{\"password\":\"n3sted-pw!\"}","x":"` + strings.Repeat("z", 300) + `"}`,
		`{"a":` + strings.Repeat("[", 70) + `1` + strings.Repeat("]", 70) + `,"password":"p4ssw0rd!"}`,
		`{"a":` + strings.Repeat("[", 299) + `1` + strings.Repeat("]", 299) + `,"password":"p4ssw0rd!"}`,
		`{"a":` + strings.Repeat("[", 300) + `1` + strings.Repeat("]", 300) + `,"password":"p4ssw0rd!"}`,
		`{"type":"password","value":"hunter2!x"}`, `{"kind":"ssn","value":"123-45-6789","x":1}`,
		`{"auth":["password","hunter2!x"],"b":["plan","pro"]}`, `{"id":"passport","val":"X12345678"}`,
	} {
		out = append(out, rawCase{"Custom", "user-3", []byte(s)})
	}
	// Every detector's samples, positive and negative.
	for _, ss := range samples() {
		for _, list := range ss {
			for _, sm := range list {
				out = append(out, rawCase{"Sample", "user-4", []byte(sm.props)})
			}
		}
	}
	return out
}

// TestScanMatchesEvent: for every case and several policies, Scan returns
// what Event returns, cold and with the memo warm, in any order; with the
// memo storing every clean value at once, and as it does in use.
func TestScanMatchesEvent(t *testing.T) {
	for _, eager := range []bool{true, false} {
		memoEager = eager
		scanMatchesEvent(t)
	}
	memoEager = false
}

func scanMatchesEvent(t *testing.T) {
	cases := rawCases(t)
	policies := map[string]Policy{
		"default": DefaultPolicy(),
		"keep":    {Actions: map[Class]Action{Password: Keep, PaymentCard: Keep, SecretToken: Keep}},
		"strict":  {Actions: map[Class]Action{Email: Redact, Phone: Hash, Password: DropEvent}},
		"allow":   {Allow: []string{"password", "$current_url"}},
		"rules": {Rules: []Rule{{Name: "plan", Class: SecretToken, Pattern: `^(pro|growth)$`, Keywords: []string{"pro", "growth"}, Action: Redact},
			{Name: "os", Class: Password, Pattern: `Mac OS`, Keywords: []string{"mac"}, Action: Keep}}},
	}
	rounds := 4 // cold, then warm: the memo answers from the second round
	if testing.Short() {
		rounds = 2 // -race -short: the same checks, half the repeats
	}
	for pname, pol := range policies {
		c := mustChecker(t, pol)
		r := rand.New(rand.NewPCG(1, 2))
		for round := range rounds {
			order := r.Perm(len(cases))
			var got []event.Finding
			for _, i := range order {
				rc := cases[i]
				want, ok := eventFindings(t, c, rc)
				var err error
				got, err = c.Scan(3, rc.name, rc.id, string(rc.props), got[:0])
				if !ok {
					if err == nil {
						t.Fatalf("%s round %d: Scan accepted props that do not parse: %s", pname, round, rc.props)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s round %d: Scan refused props that parse: %v: %s", pname, round, err, rc.props)
				}
				if len(want) == 0 && len(got) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s round %d: case %d (%s)\nScan:  %+v\nEvent: %+v", pname, round, i, rc.props, got, want)
				}
			}
		}
	}
}

// TestScanMemoIsPerPolicy: a value a checker found clean is found again by
// a checker whose policy adds a rule for it, on the same walkers.
func TestScanMemoIsPerPolicy(t *testing.T) {
	g := New()
	loose, err := g.Compile(DefaultPolicy(), testToken, testKey)
	if err != nil {
		t.Fatal(err)
	}
	tight, err := g.Compile(Policy{Rules: []Rule{{Name: "plan", Class: SecretToken, Pattern: `^gold-[0-9]+$`, Keywords: []string{"gold"}, Action: Redact}}}, testToken, testKey)
	if err != nil {
		t.Fatal(err)
	}
	props := []byte(`{"plan":"gold-424242424242","items":["gold-424242424242"],"nested":{"plan":"gold-424242424242"}}`)
	for range 5 {
		fs, err := loose.Scan(1, "Buy", "u", string(props), nil)
		if err != nil || len(fs) != 0 {
			t.Fatalf("loose: %v %+v", err, fs)
		}
		fs, _ = loose.Scan(1, "gold-424242424242", "gold-424242424242", string(props), nil)
		if len(fs) != 0 {
			t.Fatalf("loose: %+v", fs)
		}
	}
	fs, err := tight.Scan(1, "gold-424242424242", "gold-424242424242", string(props), nil)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	for _, f := range fs {
		paths[f.Path] = true
	}
	for _, p := range []string{"event", "distinct_id", "plan", "items[]", "nested.plan"} {
		if !paths[p] {
			t.Errorf("the tightened policy missed %s (the memo answered for the old one?): %+v", p, fs)
		}
	}
}

// TestScanBoundedMemo: a stream of distinct values keeps the memo at its
// bound and finds a secret after it.
func TestScanBoundedMemo(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	var fs []event.Finding
	start := time.Now()
	for i := range 3 * memoSlots {
		props := []byte(`{"page":"/p/` + strings.Repeat("x", i%50) + `","n":` + string(rune('0'+i%10)) + `,"id":"id-` + time.Duration(i).String() + `"}`)
		var err error
		fs, err = c.Scan(1, "View", "u", string(props), fs[:0])
		if err != nil || len(fs) != 0 {
			t.Fatalf("%v %+v", err, fs)
		}
	}
	fs, _ = c.Scan(1, "View", "u", `{"page":"/p/","password":"Tr0ub4dor&3"}`, fs[:0])
	if len(fs) != 1 || fs[0].Path != "password" {
		t.Fatalf("after a long stream: %+v", fs)
	}
	t.Logf("%d scans in %v", 3*memoSlots, time.Since(start))
}

// TestEventMemoMatches: Event with the memo answering (stored at once, and
// warm from earlier rounds) edits and reports exactly as with every value
// scanned.
func TestEventMemoMatches(t *testing.T) {
	cases := rawCases(t)
	run := func(c *Checker, rc rawCase) (string, []event.Finding, bool) {
		var p fastjson.Parser
		v, err := p.ParseBytes(rc.props)
		if err != nil || v.Type() != fastjson.TypeObject {
			return "", nil, false
		}
		var a fastjson.Arena
		ev := event.Event{ProjectID: 3, Name: rc.name, DistinctID: rc.id, Lib: "web", Props: v}
		fs, drop := c.Event(&ev, &a, nil)
		return ev.Name + "\x00" + ev.DistinctID + "\x00" + string(v.MarshalTo(nil)), fs, drop
	}
	memoEager = true
	defer func() { memoEager, memoOff = false, false }()
	for _, pol := range []Policy{DefaultPolicy(), {Actions: map[Class]Action{Password: Keep, SecretToken: Hash, Email: Redact}}} {
		c := mustChecker(t, pol)
		for round := range 3 {
			for i, rc := range cases {
				memoOff = true
				want, wantF, wantD := run(c, rc)
				memoOff = false
				got, gotF, gotD := run(c, rc)
				if got != want || gotD != wantD || !reflect.DeepEqual(gotF, wantF) {
					t.Fatalf("round %d case %d: with the memo\n%s %v %+v\nwithout\n%s %v %+v", round, i, got, gotD, gotF, want, wantD, wantF)
				}
			}
		}
	}
}

// FuzzScan: for any text, Scan accepts it when Event's parse does and then
// reports the same findings, cold and warm.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		`{"a":"b"}`, `{"name":"password","value":"x1y2z3w4"}`, `{"a":"x\"y","password":"p4ssw0rd!","b":{"c":"}\"]"}}`,
		`{"card":"4111 1111 1111 1111","exp":"12/29"}`, `{"tag_name":"input","attr__value":"s3cret!x"}`,
		`{"a":[1,{"b":"\\"}]}`, ` {"a" :1 }`, `{"a":1,}`, `{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}`,
	} {
		f.Add(s)
	}
	cs := []*Checker{mustChecker(f, DefaultPolicy()), mustChecker(f, Policy{Actions: map[Class]Action{Password: Keep, SecretToken: Keep, PaymentCard: Keep}})}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 1<<14 {
			return
		}
		memoEager = true
		defer func() { memoEager = false }()
		for _, c := range cs {
			want, ok := eventFindings(t, c, rawCase{"e", "u", []byte(in)})
			for range 2 {
				got, err := c.Scan(3, "e", "u", in, nil)
				if !ok {
					if err == nil {
						t.Fatalf("Scan accepted what Event's parse refuses")
					}
					continue
				}
				if err != nil {
					t.Fatalf("Scan refused what parses: %v", err)
				}
				if Failed(got) || Failed(want) {
					t.Fatalf("the guard failed (a panic, recovered)")
				}
				if (len(got) != 0 || len(want) != 0) && !reflect.DeepEqual(got, want) {
					t.Fatalf("Scan %+v\nEvent %+v", got, want)
				}
			}
		}
	})
}
