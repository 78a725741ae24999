package guard

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

func TestPolicyValidate(t *testing.T) {
	secretPattern := `sk_live_abcdefghijklmnop`
	f := func(name string, p Policy, wantErr string) {
		t.Helper()
		err := p.Validate()
		if wantErr == "" {
			if err != nil {
				t.Errorf("%s: unexpected error: %v", name, err)
			}
			return
		}
		if err == nil {
			t.Errorf("%s: no error, want one containing %q", name, wantErr)
			return
		}
		if !errors.Is(err, ErrPolicy) {
			t.Errorf("%s: error does not wrap ErrPolicy: %v", name, err)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: error %q does not say %q", name, err, wantErr)
		}
		if strings.Contains(err.Error(), secretPattern) || strings.Contains(err.Error(), "zz_keyword") {
			t.Errorf("%s: error echoes the policy's pattern or keyword", name)
		}
	}
	rule := func(mod func(*Rule)) Policy {
		r := Rule{Name: "emp", Class: "employee_id", Keywords: []string{"zz_keyword"}, Pattern: secretPattern}
		mod(&r)
		return Policy{Rules: []Rule{r}}
	}
	f("default", DefaultPolicy(), "")
	f("all actions", Policy{Actions: map[Class]Action{Password: Keep, Email: Hash, Phone: Redact, PaymentCard: DropEvent, SecretToken: DropProperty}}, "")
	f("unknown class", Policy{Actions: map[Class]Action{"passwords": Keep}}, "neither built in nor the class of a custom rule")
	f("unknown action", Policy{Actions: map[Class]Action{Password: "erase"}}, "action for class password is unknown")
	f("allow is not configurable", Policy{Actions: map[Class]Action{Password: Allow}}, "unknown")
	f("rule class in actions", Policy{Actions: map[Class]Action{"employee_id": Hash}, Rules: rule(func(*Rule) {}).Rules}, "")
	f("rule ok", rule(func(*Rule) {}), "")
	f("rule without name", rule(func(r *Rule) { r.Name = " " }), "has no name")
	f("rule without pattern", rule(func(r *Rule) { r.Pattern = "" }), "has no pattern")
	f("rule bad pattern", rule(func(r *Rule) { r.Pattern = secretPattern + "(" }), "not valid RE2")
	f("rule without keywords", rule(func(r *Rule) { r.Keywords = nil }), "at least one keyword")
	f("rule short keyword", rule(func(r *Rule) { r.Keywords = []string{"x"} }), "keyword 1 must be")
	f("rule bad class", rule(func(r *Rule) { r.Class = "Employee ID" }), "only a-z, 0-9 and _")
	f("rule bad action", rule(func(r *Rule) { r.Action = "shred" }), "unknown action")
	f("allow everything", Policy{Allow: []string{"*"}}, "would allow every property")
	f("allow empty", Policy{Allow: []string{""}}, "allow entry 1")
}

func TestPolicyJSON(t *testing.T) {
	in := `{"actions":{"email":"hash","password":"drop_event"},"allow":["checkout.card","debug.*"],"rules":[{"name":"emp","class":"employee_id","keywords":["emp"],"pattern":"EMP-[0-9]{6}","action":"redact"}]}`
	var p Policy
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	want := Policy{
		Actions: map[Class]Action{Email: Hash, Password: DropEvent},
		Allow:   []string{"checkout.card", "debug.*"},
		Rules:   []Rule{{Name: "emp", Class: "employee_id", Keywords: []string{"emp"}, Pattern: "EMP-[0-9]{6}", Action: Redact}},
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("decoded %+v, want %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(p)
	var back Policy
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, p) {
		t.Fatalf("round trip changed the policy: %s", out)
	}
}

func TestDefaultActions(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	for _, cl := range Classes() {
		want := DropProperty
		if cl == Email || cl == Phone || cl == AnomalousValue {
			want = Keep
		}
		if got := c.ActionFor(cl); got != want {
			t.Errorf("default action for %s = %s, want %s", cl, got, want)
		}
		if Critical(cl) != (want == DropProperty) {
			t.Errorf("Critical(%s) = %v", cl, Critical(cl))
		}
	}
	if !Critical("employee_id") {
		t.Error("custom classes are critical")
	}
}

// noValueIn fails when a finding carries the value (or its hash).
func noValueIn(t *testing.T, r result, values ...string) {
	t.Helper()
	for _, f := range r.findings {
		b, _ := json.Marshal(f)
		for _, v := range values {
			if strings.Contains(string(b), v) {
				t.Errorf("a finding holds the value: path %s", f.Path)
			}
		}
		if strings.Contains(string(b), hashMarkerPrefix) {
			t.Errorf("a finding holds a hash: path %s", f.Path)
		}
	}
}

func TestActionRedactKeepsRestOfURL(t *testing.T) {
	c := mustChecker(t, Policy{Actions: map[Class]Action{SecretToken: Redact, CredentialsInURL: Redact}})
	r := checkEvent(t, c, `{"$current_url":"https://app.example.com/cb?code=4AX4XfWh7Jq2Zk&state=xyz&utm_source=mail#top","db":"postgres://app:S3cr3tPw@db:5432/prod"}`)
	want := `{"$current_url":"https://app.example.com/cb?code=[redacted]&state=xyz&utm_source=mail#top","db":"postgres://app:[redacted]@db:5432/prod"}`
	if r.props != want {
		t.Fatalf("got  %s\nwant %s", r.props, want)
	}
	if !r.has("$current_url", SecretToken) || !r.has("db", CredentialsInURL) {
		t.Fatalf("findings: %s", describe(r))
	}
	for _, f := range r.findings {
		if f.Action != string(Redact) {
			t.Errorf("finding %s has action %s, want redact", f.Path, f.Action)
		}
	}
	noValueIn(t, r, "4AX4XfWh7Jq2Zk", "S3cr3tPw")
}

func TestActionHash(t *testing.T) {
	p := Policy{Actions: map[Class]Action{Email: Hash, PaymentCard: Hash}}
	c1, err := New().Compile(p, testToken, []byte("project-one-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := New().Compile(p, testToken, []byte("project-two-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(c *Checker, props, key string) string {
		r := checkEvent(t, c, props)
		noValueIn(t, r, "bob@example.com", "4111")
		v := fastjson.MustParse(r.props).Get(key)
		if v == nil {
			t.Fatalf("property %s is gone: %s", key, r.props)
		}
		return string(v.GetStringBytes())
	}
	a := get(c1, `{"email":"bob@example.com"}`, "email")
	b := get(c1, `{"email":" Bob@Example.COM"}`, "email")
	if !strings.HasPrefix(a, hashMarkerPrefix) || len(a) != len(hashMarkerPrefix)+32 {
		t.Fatalf("hashed value has an unexpected form (%d bytes)", len(a))
	}
	if strings.TrimSpace(b) != a {
		t.Errorf("the same address written differently hashes differently")
	}
	if get(c1, `{"email":"bob@example.com"}`, "email") != a {
		t.Error("hash is not stable within a project")
	}
	if get(c2, `{"email":"bob@example.com"}`, "email") == a {
		t.Error("two projects produce the same hash")
	}
	// Cards hash by digits, whatever the separators; numbers become strings.
	x := get(c1, `{"card":"4111-1111-1111-1111"}`, "card")
	y := get(c1, `{"card":4111111111111111}`, "card")
	if x != y {
		t.Error("card hashes depend on formatting")
	}
	// A hash action without a key is refused.
	if _, err := New().Compile(p, testToken, nil); err == nil {
		t.Error("hash policy compiled without a hash key")
	}
}

func TestActionAllowlist(t *testing.T) {
	c := mustChecker(t, Policy{Allow: []string{"checkout.card", "debug.*"}})
	in := `{"checkout":{"card":"4111 1111 1111 1111"},"debug":{"x":{"password":"hunter2"}},"other":{"card":"4111 1111 1111 1111"}}`
	r := checkEvent(t, c, in)
	if !strings.Contains(r.props, `"checkout":{"card":"4111 1111 1111 1111"}`) || !strings.Contains(r.props, `"hunter2"`) {
		t.Fatalf("allowlisted values changed: %s", r.props)
	}
	if strings.Contains(r.props, `"other":{"card"`) {
		t.Fatalf("a value outside the allowlist survived: %s", r.props)
	}
	allowed := map[string]bool{}
	for _, f := range r.findings {
		if f.Action == string(Allow) {
			allowed[f.Path] = true
		}
	}
	if !allowed["checkout.card"] || !allowed["debug.x.password"] || allowed["other.card"] {
		t.Fatalf("allow findings: %s", describe(r))
	}
}

func TestActionDropEventAndKeep(t *testing.T) {
	c := mustChecker(t, Policy{Actions: map[Class]Action{Password: DropEvent, PaymentCard: Keep}})
	r := checkEvent(t, c, `{"a":1,"password":"hunter2"}`)
	if !r.drop || !r.has("password", Password) || r.findings[0].Action != string(DropEvent) {
		t.Fatalf("drop_event: drop=%v findings=%s", r.drop, describe(r))
	}
	r = checkEvent(t, c, `{"card":"4111 1111 1111 1111"}`)
	if r.drop || !strings.Contains(r.props, "4111 1111 1111 1111") || !r.has("card", PaymentCard) {
		t.Fatalf("keep: drop=%v props=%s findings=%s", r.drop, r.props, describe(r))
	}
	for _, f := range r.findings {
		if f.Action != string(Keep) {
			t.Errorf("keep finding has action %s", f.Action)
		}
	}
}

func TestFindingMetadata(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	r := checkEvent(t, c, `{"login":{"password":"hunter2"}}`)
	if len(r.findings) != 1 {
		t.Fatalf("findings: %s", describe(r))
	}
	want := event.Finding{ProjectID: 7, DistinctID: "user-1", Event: "test", Path: "login.password", Class: "password",
		Detector: "key.password", Action: "drop_property", Lib: "web", LibVersion: "2.50.0"}
	if r.findings[0] != want {
		t.Fatalf("finding %+v, want %+v", r.findings[0], want)
	}
	if r.props != `{"login":{}}` {
		t.Fatalf("props %s", r.props)
	}
}

func TestCustomRule(t *testing.T) {
	p := Policy{Rules: []Rule{{Name: "employee", Class: "employee_id", Keywords: []string{"emp"}, Pattern: `EMP-[0-9]{6}`}},
		Actions: map[Class]Action{"employee_id": Redact}}
	c := mustChecker(t, p)
	r := checkEvent(t, c, `{"note":"ticket for EMP-123456 closed","other":"EMP-123456"}`)
	if !strings.Contains(r.props, `"note":"ticket for [redacted] closed"`) {
		t.Fatalf("props %s", r.props)
	}
	if !r.has("note", "employee_id") {
		t.Fatalf("findings %s", describe(r))
	}
	// "other" holds the pattern and the keyword ("EMP" in the value).
	if !r.has("other", "employee_id") {
		t.Fatalf("findings %s", describe(r))
	}
	r = checkEvent(t, c, `{"x":"ID 123456"}`)
	if len(r.findings) != 0 {
		t.Fatalf("rule ran without its keyword: %s", describe(r))
	}
}

func TestDuplicateKeysAllDropped(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	r := checkEvent(t, c, `{"password":"harmless!1","a":1,"password":"hunter2"}`)
	if strings.Contains(r.props, "hunter2") || strings.Contains(r.props, "harmless") {
		t.Fatalf("a duplicate survived: %s", r.props)
	}
}

func TestProjectTokenIsNotAFinding(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	r := checkEvent(t, c, `{"token":"`+testToken+`","api_token":"`+testToken+`","flags":"https://x.com/flags/?token=`+testToken+`"}`)
	if len(r.findings) != 0 {
		t.Fatalf("the project token was reported: %s", describe(r))
	}
}

func TestDistinctIDAndName(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	var p fastjson.Parser
	v, _ := p.Parse(`{}`)
	ev := event.Event{Name: "paid with 4111 1111 1111 1111", DistinctID: "4111111111111111", Props: v}
	var a fastjson.Arena
	fs, drop := c.Event(&ev, &a, nil)
	if drop || ev.DistinctID != "" || strings.Contains(ev.Name, "4111") {
		t.Fatalf("drop=%v id=%d bytes name=%d bytes", drop, len(ev.DistinctID), len(ev.Name))
	}
	for _, f := range fs {
		if strings.Contains(f.DistinctID+f.Event, "4111") {
			t.Fatal("a finding holds the card number")
		}
	}
}

func TestProfile(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	var p fastjson.Parser
	v, _ := p.Parse(`{"$email":"bob@example.com","password":"hunter2","plan":"pro"}`)
	var p2 fastjson.Parser
	un, _ := p2.Parse(`["password"]`)
	u := event.ProfileUpdate{ProjectID: 3, Kind: event.People, ID: "u1", Ops: []event.ProfileOp{{Op: "$set", Value: v}, {Op: "$unset", Value: un}}}
	var a fastjson.Arena
	fs, drop := c.Profile(&u, &a, nil)
	if drop {
		t.Fatal("dropped")
	}
	var got []string
	for _, f := range fs {
		if f.Event != "$engage" || f.DistinctID != "u1" {
			t.Errorf("finding metadata %+v", f)
		}
		got = append(got, f.Path+"/"+f.Class+"/"+f.Action)
	}
	want := []string{"$set.$email/email/keep", "$set.password/password/drop_property"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("findings %v, want %v", got, want)
	}
	if s := string(v.MarshalTo(nil)); s != `{"$email":"bob@example.com","plan":"pro"}` {
		t.Fatalf("$set after guard: %s", s)
	}
	g := event.ProfileUpdate{Kind: event.Group, GroupKey: "company", ID: "acme", Ops: []event.ProfileOp{{Op: "$set", Value: fastjson.MustParse(`{"api_key":"` + fake(90, 32, alnum) + `"}`)}}}
	fs, _ = c.Profile(&g, &a, nil)
	if len(fs) != 1 || fs[0].Event != "$groups" || fs[0].Path != "$set.api_key" {
		t.Fatalf("group findings %+v", fs)
	}
}

func TestGlobMatch(t *testing.T) {
	f := func(p, s string, want bool) {
		t.Helper()
		if globMatch(p, s) != want {
			t.Errorf("globMatch(%q, %q) != %v", p, s, want)
		}
	}
	f("a.b", "a.b", true)
	f("a.b", "a.bc", false)
	f("a.*", "a.b.c", true)
	f("*.password", "login.password", true)
	f("$elements[].*", "$elements[].attr__value", true)
	f("*x*y*", "aaxbbyc", true)
	f("*x*y", "aaxbbyc", false)
	f(strings.Repeat("*a", 30)+"b", strings.Repeat("a", 5000), false)
}

func TestStringifiedJSON(t *testing.T) {
	in := `{"payload":"{\"user\":\"bob\",\"password\":\"hunter2\",\"n\":1}","cfg":"{\"db\":\"postgres://app:S3cr3tPw@db/x\",\"debug\":true}","list":"[1,2]"}`
	r := checkEvent(t, mustChecker(t, DefaultPolicy()), in)
	if strings.Contains(r.props, "hunter2") || strings.Contains(r.props, "S3cr3tPw") || !strings.Contains(r.props, `"list":"[1,2]"`) {
		t.Fatalf("default policy: %s", r.props)
	}
	if !r.has("payload", Password) || !r.has("cfg", CredentialsInURL) {
		t.Fatalf("findings: %s", describe(r))
	}
	c := mustChecker(t, Policy{Actions: map[Class]Action{Password: Redact, CredentialsInURL: Redact}})
	r = checkEvent(t, c, in)
	want := `{"payload":"{\"user\":\"bob\",\"password\":\"[redacted]\",\"n\":1}","cfg":"{\"db\":\"postgres://app:[redacted]@db/x\",\"debug\":true}","list":"[1,2]"}`
	if r.props != want {
		t.Fatalf("redact inside JSON:\n got  %s\n want %s", r.props, want)
	}
	if !r.has("payload", Password) || !r.has("cfg", CredentialsInURL) {
		t.Fatalf("findings: %s", describe(r))
	}
}

func TestKeysHoldingValues(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	r := checkEvent(t, c, `{"cards":{"4111 1111 1111 1111":{"password":"hunter2"},"visa":1},"sent":{"bob@example.com":{"password":"x9y8z7"}}}`)
	if strings.Contains(r.props, "4111") || strings.Contains(r.props, "hunter2") || strings.Contains(r.props, "x9y8z7") {
		t.Fatalf("props %s", r.props)
	}
	if !strings.Contains(r.props, `"bob@example.com":{}`) {
		t.Fatalf("a key kept by policy was changed: %s", r.props)
	}
	if !r.has("cards.[key]", PaymentCard) || !r.has("sent.[key]", Email) || !r.has("sent.[key].password", Password) {
		t.Fatalf("findings %s", describe(r))
	}
	noValueIn(t, r, "4111", "bob@example.com")
}

func TestConcurrentUse(t *testing.T) {
	c := mustChecker(t, Policy{Actions: map[Class]Action{Email: Hash}})
	evs := benchEvents(40, true)
	done := make(chan []string)
	for g := 0; g < 4; g++ {
		go func() {
			var out []string
			for _, e := range evs {
				var p fastjson.Parser
				v, err := p.Parse(e)
				if err != nil {
					panic(err)
				}
				var a fastjson.Arena
				ev := event.Event{Name: "x", Props: v}
				c.Event(&ev, &a, nil)
				out = append(out, string(v.MarshalTo(nil)))
			}
			done <- out
		}()
	}
	first := <-done
	for g := 1; g < 4; g++ {
		if got := <-done; !reflect.DeepEqual(got, first) {
			t.Fatal("concurrent checkers produced different results")
		}
	}
}

func TestLongValueRedactedWhole(t *testing.T) {
	c := mustChecker(t, Policy{Actions: map[Class]Action{SecretToken: Redact}})
	long := "Bearer " + strings.Repeat(fake(91, 64, alnum), maxScan/32) // 2 MiB
	r := checkEvent(t, c, `{"authorization":"`+long+`"}`)
	if r.props != `{"authorization":"[redacted]"}` {
		t.Fatalf("a long password was not redacted whole (%d bytes left)", len(r.props))
	}
}
