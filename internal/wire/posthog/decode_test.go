package posthog

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/jsontext"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// decoded is an Item copied out of the callback.
type decoded struct {
	ev       event.Event
	props    string
	profiles []string // "kind group id op=value ..."
}

func decodeAll(t *testing.T, payload string, o Options) ([]decoded, error) {
	t.Helper()
	var p fastjson.Parser
	var a fastjson.Arena
	if o.Now.IsZero() {
		o.Now = now
	}
	if o.Endpoint == 0 {
		o.Endpoint = Capture
	}
	var out []decoded
	err := Decode(&p, &a, []byte(payload), o, func(it *Item) error {
		d := decoded{ev: it.Event}
		b, err := jsontext.AppendValue(nil, it.Event.Props)
		if err != nil {
			return err
		}
		d.props = string(b)
		d.ev.Props = nil
		for _, u := range it.Profiles {
			s := u.Kind.String() + " " + u.GroupKey + " " + u.ID
			if u.MergeFrom != "" {
				s += " <- " + u.MergeFrom
			}
			for _, op := range u.Ops {
				b, _ := jsontext.AppendValue(nil, op.Value)
				s += " " + op.Op + "=" + string(b)
			}
			d.profiles = append(d.profiles, s)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func mustDecode(t *testing.T, payload string, o Options) []decoded {
	t.Helper()
	out, err := decodeAll(t, payload, o)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return out
}

const uuid1 = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

func TestDecodeShapes(t *testing.T) {
	ev := `{"event":"e","properties":{"distinct_id":"u1","token":"tok","$insert_id":"x1","$lib":"web","$lib_version":"1.449.2"},"uuid":"` + uuid1 + `","timestamp":"2026-03-01T11:00:00.000Z"}`
	for name, payload := range map[string]string{
		"single":          ev,
		"array":           `[` + ev + `]`,
		"batch (js)":      `{"api_key":"tok","batch":[` + ev + `],"sent_at":"2026-03-01T12:00:00.000Z"}`,
		"batch token key": `{"token":"tok","batch":[` + ev + `]}`,
	} {
		out := mustDecode(t, payload, Options{})
		if len(out) != 1 {
			t.Fatalf("%s: %d events", name, len(out))
		}
		e := out[0].ev
		want := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC).UnixMilli()
		if e.Name != "e" || e.DistinctID != "u1" || e.InsertID != uuid1 || e.Time != want || e.Lib != "posthog-js" || e.LibVersion != "1.449.2" {
			t.Errorf("%s: got %+v", name, e)
		}
		if out[0].props != `{"$lib":"web","$lib_version":"1.449.2"}` {
			t.Errorf("%s: props %s", name, out[0].props)
		}
	}
}

func TestDecodeTokens(t *testing.T) {
	ev := func(tok string) string {
		return `{"event":"e","distinct_id":"u","properties":{"token":"` + tok + `"}}`
	}
	cases := []struct {
		name, payload string
		err           error
	}{
		{"batch api_key wins over event tokens", `{"api_key":"a","batch":[` + ev("b") + `]}`, nil},
		{"mixed tokens", `[` + ev("a") + `,` + ev("b") + `]`, ErrUnauthorized},
		{"missing token", `{"event":"e","distinct_id":"u"}`, ErrUnauthorized},
		{"personal key", `{"api_key":"phx_abc","batch":[` + ev("a") + `]}`, ErrUnauthorized},
		{"top-level $token", `{"event":"e","distinct_id":"u","$token":"a"}`, nil},
		{"top-level api_key", `{"event":"e","distinct_id":"u","api_key":"a"}`, nil},
		{"empty token", ev(""), ErrUnauthorized},
	}
	for _, c := range cases {
		_, err := decodeAll(t, c.payload, Options{})
		if c.err == nil && err != nil || c.err != nil && !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
	}
}

func TestDecodeTokenOfBatch(t *testing.T) {
	// The token is not stored in the properties.
	out := mustDecode(t, `{"api_key":"a","batch":[{"event":"e","distinct_id":"u","properties":{"token":"a","x":1}}]}`, Options{})
	if out[0].props != `{"x":1}` {
		t.Fatalf("props %s", out[0].props)
	}
}

func TestDecodeDistinctID(t *testing.T) {
	cases := []struct{ payload, want string }{
		{`{"event":"e","token":"t","distinct_id":"top","properties":{"distinct_id":"p"}}`, "top"},
		{`{"event":"e","token":"t","$distinct_id":"d"}`, "d"},
		{`{"event":"e","token":"t","distinct_id":"","properties":{"distinct_id":"p"}}`, "p"},
		{`{"event":"e","token":"t","distinct_id":42}`, "42"},
		{`{"event":"e","token":"t","distinct_id":1.50}`, "1.50"},
		{`{"event":"e","token":"t","distinct_id":{"a":true}}`, `{"a":true}`},
		{`{"event":"e","token":"t","distinct_id":"a\u0000b"}`, "a\uFFFDb"},
		{`{"event":"e","token":"t","distinct_id":"` + strings.Repeat("é", 250) + `"}`, strings.Repeat("é", 200)},
	}
	for _, c := range cases {
		out := mustDecode(t, c.payload, Options{})
		if out[0].ev.DistinctID != c.want {
			t.Errorf("%s: got %q", c.payload, out[0].ev.DistinctID)
		}
	}
	for _, bad := range []string{
		`{"event":"e","token":"t"}`,
		`{"event":"e","token":"t","distinct_id":null}`,
		`{"event":"e","token":"t","distinct_id":""}`,
	} {
		if _, err := decodeAll(t, bad, Options{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", bad, err)
		}
	}
}

func TestDecodeUUID(t *testing.T) {
	out := mustDecode(t, `[{"event":"e","token":"t","distinct_id":"u","uuid":"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"},`+
		`{"event":"e","token":"t","distinct_id":"u","uuid":""},{"event":"e","token":"t","distinct_id":"u"}]`, Options{})
	if out[0].ev.InsertID != uuid1 {
		t.Errorf("uuid not lowercased: %q", out[0].ev.InsertID)
	}
	for _, d := range out[1:] {
		id := d.ev.InsertID
		if len(id) != 36 || id[14] != '7' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Errorf("generated uuid %q is not a v7 UUID", id)
		}
	}
	if out[1].ev.InsertID == out[2].ev.InsertID {
		t.Error("two generated uuids are equal")
	}
	for _, bad := range []string{`"not-a-uuid"`, `42`, `"0190a1b2xc3d4-7e5f-8a9b-0c1d2e3f4a5b"`, `"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g"`} {
		_, err := decodeAll(t, `{"event":"e","token":"t","distinct_id":"u","uuid":`+bad+`}`, Options{})
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("uuid %s: err %v", bad, err)
		}
	}
}

func TestDecodeTime(t *testing.T) {
	ms := func(s string) int64 {
		tt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tt.UnixMilli()
	}
	nowMs := now.UnixMilli()
	cases := []struct {
		name string
		ev   string
		o    Options
		want int64
	}{
		{"no time: now", `{}`, Options{}, nowMs},
		{"offset", `{"offset":1500}`, Options{}, nowMs - 1500},
		{"offset wins over timestamp", `{"offset":1000,"timestamp":"2020-01-01T00:00:00Z"}`, Options{}, nowMs - 1000},
		{"timestamp as sent", `{"timestamp":"2026-03-01T10:00:00.123Z"}`, Options{}, ms("2026-03-01T10:00:00.123Z")},
		{"timestamp with zone", `{"timestamp":"2026-03-01T11:00:00+01:00"}`, Options{}, ms("2026-03-01T10:00:00Z")},
		{"timestamp without zone", `{"timestamp":"2026-03-01T10:00:00.5"}`, Options{}, ms("2026-03-01T10:00:00.5Z")},
		{"small skew is kept", `{"timestamp":"2026-03-01T10:00:00Z"}`, Options{SentAt: nowMs - 30_000}, ms("2026-03-01T10:00:00Z")},
		{"large skew is corrected", `{"timestamp":"2026-03-01T10:00:00Z"}`, Options{SentAt: nowMs - 3_600_000}, ms("2026-03-01T11:00:00Z")},
		{"$ignore_sent_at", `{"timestamp":"2026-03-01T10:00:00Z","properties":{"$ignore_sent_at":true}}`, Options{SentAt: nowMs - 3_600_000}, ms("2026-03-01T10:00:00Z")},
		{"future clamped", `{"timestamp":"2026-03-02T12:00:01Z"}`, Options{}, nowMs},
		{"22h ahead kept", `{"timestamp":"2026-03-02T10:00:00Z"}`, Options{}, ms("2026-03-02T10:00:00Z")},
		{"before 1970", `{"timestamp":"1969-01-01T00:00:00Z"}`, Options{}, 0},
	}
	for _, c := range cases {
		ev := strings.Replace(c.ev, "{", `{"event":"e","token":"t","distinct_id":"u",`, 1)
		ev = strings.Replace(ev, `,}`, `}`, 1)
		out := mustDecode(t, ev, c.o)
		if out[0].ev.Time != c.want {
			t.Errorf("%s: time %d, want %d (diff %d)", c.name, out[0].ev.Time, c.want, out[0].ev.Time-c.want)
		}
	}
	// The body's sent_at is used for the skew.
	out := mustDecode(t, `{"api_key":"t","sent_at":"2026-03-01T09:00:00Z","batch":[{"event":"e","distinct_id":"u","timestamp":"2026-03-01T08:00:00Z"}]}`, Options{})
	if out[0].ev.Time != ms("2026-03-01T11:00:00Z") {
		t.Errorf("body sent_at: time %d", out[0].ev.Time)
	}
	for _, bad := range []string{`"timestamp":"yesterday"`, `"timestamp":12`, `"offset":"10"`} {
		if _, err := decodeAll(t, `{"event":"e","token":"t","distinct_id":"u",`+bad+`}`, Options{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v", bad, err)
		}
	}
}

func TestDecodeProfiles(t *testing.T) {
	cases := []struct {
		name, ev string
		props    string
		profiles []string
	}{
		{"identify (js)",
			`{"event":"$identify","properties":{"distinct_id":"user","$anon_distinct_id":"anon","token":"t"},"$set":{"email":"a@b.c"},"$set_once":{"$initial_current_url":"https://x"}}`,
			`{"$anon_distinct_id":"anon","$set":{"email":"a@b.c"},"$set_once":{"$initial_current_url":"https://x"}}`,
			[]string{`people  user <- anon`, `people  user $set={"email":"a@b.c"} $set_once={"$initial_current_url":"https://x"}`}},
		{"identify without an anonymous id: no merge",
			`{"event":"$identify","distinct_id":"user","token":"t","properties":{"$anon_distinct_id":"user"},"$set":{"a":1}}`,
			`{"$anon_distinct_id":"user","$set":{"a":1}}`,
			[]string{`people  user $set={"a":1}`}},
		{"$set in properties",
			`{"event":"$set","distinct_id":"u","token":"t","properties":{"$set":{"plan":"pro"},"$unset":["old"]}}`,
			`{"$set":{"plan":"pro"},"$unset":["old"]}`,
			[]string{`people  u $set={"plan":"pro"} $unset=["old"]`}},
		{"properties' own $set wins over the top level",
			`{"event":"e","distinct_id":"u","token":"t","$set":{"a":1},"properties":{"$set":{"b":2}}}`,
			`{"$set":{"b":2}}`,
			[]string{`people  u $set={"b":2}`}},
		{"anonymous: no person profile",
			`{"event":"e","distinct_id":"u","token":"t","properties":{"$process_person_profile":false,"$set":{"a":1}}}`,
			`{"$process_person_profile":false,"$set":{"a":1}}`, nil},
		{"group identify (node)",
			`{"event":"$groupidentify","distinct_id":"$company_acme","token":"t","properties":{"$group_type":"company","$group_key":"acme","$group_set":{"name":"Acme"}}}`,
			`{"$group_type":"company","$group_key":"acme","$group_set":{"name":"Acme"}}`,
			[]string{`group company acme $set={"name":"Acme"}`}},
		{"alias merges the alias into the distinct_id's person",
			`{"event":"$create_alias","token":"t","properties":{"distinct_id":"u","alias":"v"}}`,
			`{"alias":"v"}`, []string{`people  u <- v`}},
		{"merge_dangerously, a numeric alias",
			`{"event":"$merge_dangerously","token":"t","distinct_id":"u","properties":{"alias":42}}`,
			`{"alias":42}`, []string{`people  u <- 42`}},
		{"alias even when person profiles are off",
			`{"event":"$create_alias","token":"t","distinct_id":"u","properties":{"alias":"v","$process_person_profile":false}}`,
			`{"alias":"v","$process_person_profile":false}`, []string{`people  u <- v`}},
		{"alias of itself: nothing",
			`{"event":"$create_alias","token":"t","distinct_id":"u","properties":{"alias":"u"}}`,
			`{"alias":"u"}`, nil},
	}
	for _, c := range cases {
		out := mustDecode(t, c.ev, Options{})
		if out[0].props != c.props {
			t.Errorf("%s: props %s", c.name, out[0].props)
		}
		if strings.Join(out[0].profiles, "|") != strings.Join(c.profiles, "|") {
			t.Errorf("%s: profiles %q, want %q", c.name, out[0].profiles, c.profiles)
		}
	}
}

func TestDecodeEngageWithoutName(t *testing.T) {
	out := mustDecode(t, `{"token":"t","distinct_id":"u","$set":{"a":1}}`, Options{Endpoint: Engage})
	if out[0].ev.Name != "$identify" || len(out[0].profiles) != 1 {
		t.Fatalf("got %+v", out[0])
	}
	if _, err := decodeAll(t, `{"token":"t","distinct_id":"u"}`, Options{Endpoint: Capture}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unnamed event on capture: %v", err)
	}
}

func TestDecodeLegacyLibrary(t *testing.T) {
	// posthog-go 1.5.2 sends library and library_version at the top level.
	out := mustDecode(t, `{"api_key":"t","batch":[{"type":"capture","library":"posthog-go","library_version":"1.5.2","event":"e","distinct_id":"u","uuid":""}]}`, Options{Endpoint: Batch})
	if out[0].ev.Lib != "posthog-go" || out[0].ev.LibVersion != "1.5.2" {
		t.Fatalf("got %+v", out[0].ev)
	}
}

func TestDecodeSkipped(t *testing.T) {
	out := mustDecode(t, `[{"event":"$snapshot","token":"t","distinct_id":"u","properties":{"$snapshot_data":[]}},{"event":"$performance_event","token":"t","distinct_id":"u"},{"event":"kept","token":"t","distinct_id":"u"}]`, Options{})
	if len(out) != 1 || out[0].ev.Name != "kept" {
		t.Fatalf("got %+v", out)
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat(`[`, MaxDepth+1) + strings.Repeat(`]`, MaxDepth+1)
	cases := []struct {
		name, payload string
		err           error
	}{
		{"not JSON", `{"event":`, ErrMalformed},
		{"a number", `42`, ErrMalformed},
		{"empty batch", `{"api_key":"t","batch":[]}`, ErrMalformed},
		{"empty array", `[]`, ErrMalformed},
		{"batch not array", `{"api_key":"t","batch":{}}`, ErrMalformed},
		{"no event name", `{"token":"t","distinct_id":"u"}`, ErrMalformed},
		{"empty event name", `{"event":"","token":"t","distinct_id":"u"}`, ErrMalformed},
		{"name not string", `{"event":1,"token":"t","distinct_id":"u"}`, ErrMalformed},
		{"event not object", `{"api_key":"t","batch":[1]}`, ErrMalformed},
		{"properties not object", `{"event":"e","token":"t","distinct_id":"u","properties":[]}`, ErrMalformed},
		{"too deep", `{"event":"e","token":"t","distinct_id":"u","properties":{"a":` + deep + `}}`, ErrMalformed},
		{"event too big", `{"event":"e","token":"t","distinct_id":"u","properties":{"a":"` + strings.Repeat("x", MaxEventBytes) + `"}}`, ErrTooLarge},
		{"one bad event fails the request", `[{"event":"e","token":"t","distinct_id":"u"},{"event":"e","token":"t"}]`, ErrMalformed},
	}
	for _, c := range cases {
		n := 0
		var p fastjson.Parser
		var a fastjson.Arena
		err := Decode(&p, &a, []byte(c.payload), Options{Now: now}, func(*Item) error { n++; return nil })
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
		if strings.Contains(err.Error(), "xxxx") {
			t.Errorf("%s: the error holds input bytes", c.name)
		}
	}
}

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadPayload(t *testing.T) {
	const js = `{"api_key":"t","batch":[{"event":"e"}]}`
	b64 := base64.StdEncoding.EncodeToString([]byte(js + "??>>")) // has + and /
	jsb := js + "??>>"
	cases := []struct {
		name  string
		req   Request
		want  string
		query string
	}{
		{"raw JSON", Request{ContentType: "application/json", Body: strings.NewReader(js)}, js, ""},
		{"gzip without header (posthog-js >=1.398.2)", Request{ContentType: "text/plain", Body: bytes.NewReader(gz(t, js))}, js, ""},
		{"gzip with Content-Encoding (posthog-node)", Request{ContentEncoding: "gzip", Body: bytes.NewReader(gz(t, js))}, js, ""},
		{"gzip-js query (old posthog-js)", Request{Body: bytes.NewReader(gz(t, js))}, js, "compression=gzip-js"},
		{"base64 form (beacon)", Request{ContentType: "application/x-www-form-urlencoded", Body: strings.NewReader("data=" + url.QueryEscape(b64))}, jsb, "compression=base64"},
		{"base64 form, + not encoded", Request{Body: strings.NewReader("data=" + b64)}, jsb, "compression=base64"},
		{"base64 form, compression in form", Request{Body: strings.NewReader("data=" + url.QueryEscape(b64) + "&compression=base64")}, jsb, ""},
		{"base64 form sniffed", Request{Body: strings.NewReader("data=" + url.QueryEscape(b64))}, jsb, ""},
		{"URL-encoded JSON form", Request{Body: strings.NewReader("data=" + url.QueryEscape(js))}, js, ""},
		{"GET ?data=", Request{}, js, "data=" + url.QueryEscape(js)},
		{"GET ?data= base64", Request{}, jsb, "data=" + url.QueryEscape(b64)},
	}
	for _, c := range cases {
		c.req.Query, _ = url.ParseQuery(c.query)
		got, err := ReadPayload(c.req)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %q, %v", c.name, got, err)
		}
	}
}

func TestReadPayloadErrors(t *testing.T) {
	bomb := gz(t, strings.Repeat(" ", MaxPayloadBytes+1))
	cases := []struct {
		name  string
		req   Request
		query string
		err   error
	}{
		{"empty", Request{Body: strings.NewReader("")}, "", ErrMalformed},
		{"body too large", Request{Body: strings.NewReader(strings.Repeat("x", MaxBodyBytes+1))}, "", ErrTooLarge},
		{"batch body limit is larger", Request{Endpoint: Batch, Body: strings.NewReader(`[` + strings.Repeat(" ", MaxBodyBytes+1) + `]`)}, "", nil},
		{"gzip bomb", Request{Endpoint: Batch, Body: bytes.NewReader(bomb)}, "", ErrTooLarge},
		{"corrupt gzip", Request{Body: bytes.NewReader([]byte{0x1f, 0x8b, 8, 0, 1, 2, 3})}, "", ErrMalformed},
		{"says gzip, is not", Request{ContentEncoding: "gzip", Body: strings.NewReader(`{}`)}, "", ErrMalformed},
		{"other encoding", Request{ContentEncoding: "br", Body: strings.NewReader(`{}`)}, "", ErrMalformed},
		{"lz64", Request{Body: strings.NewReader("data=abc")}, "compression=lz64", ErrMalformed},
		{"not JSON", Request{Body: strings.NewReader("hello world!")}, "", ErrMalformed},
		{"bad base64", Request{Body: strings.NewReader("data=%%%")}, "compression=base64", ErrMalformed},
		{"invalid UTF-8", Request{Body: strings.NewReader("{\"a\":\"\xff\"}")}, "", ErrMalformed},
	}
	if len(bomb) > MaxBatchBodyBytes {
		t.Fatal("the bomb is not small")
	}
	for _, c := range cases {
		c.req.Query, _ = url.ParseQuery(c.query)
		_, err := ReadPayload(c.req)
		if c.err == nil && err != nil || c.err != nil && !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
	}
}

func TestParseMeta(t *testing.T) {
	q, _ := url.ParseQuery("_=1772366400000&beacon=1&ver=1.200.0&ip=1")
	if m := ParseMeta(q); m.SentAt != 1772366400000 || !m.Beacon {
		t.Fatalf("got %+v", m)
	}
	q, _ = url.ParseQuery("sent_at=1500000000000") // 2017: ignored
	if m := ParseMeta(q); m.SentAt != 0 {
		t.Fatalf("got %+v", m)
	}
}

func TestIsPostHogBody(t *testing.T) {
	cases := []struct {
		body        string
		compression string
		engage      bool
		want        bool
	}{
		{`data=eyJldmVudCI6ImUifQ==`, "", false, false},                                    // mixpanel-browser, -node
		{`data=eyJldmVudCI6ImUifQ==`, "base64", false, true},                               // posthog-js's form
		{`[{"event":"e","properties":{"token":"t","distinct_id":"u"}}]`, "", false, false}, // mixpanel-go
		{`{"event":"e","properties":{"token":"t"}}`, "", false, false},                     // hand-written Mixpanel
		{`{"api_key":"t","batch":[]}`, "", false, true},                                    // posthog batch
		{`[{"event":"e","distinct_id":"u","properties":{}}]`, "", false, true},             // posthog array
		{`{"event":"e","properties":{"distinct_id":"u"},"timestamp":"2026-01-01"}`, "", false, true},
		{string(gz(t, `{"api_key":"t","batch":[]}`)), "", false, true},   // gzip, no header
		{`{"$token":"t","$distinct_id":"u","$set":{}}`, "", true, false}, // Mixpanel engage
		{`{"token":"t","distinct_id":"u","$set":{}}`, "", true, true},    // PostHog engage
		{`not json`, "", false, false},
		{`[{"properties":{"distinct_id":"u","a":"}\"{"},"event":"e"}]`, "", false, false},
		{`[{"properties":{"a":[1,{"b":"]"}]},"event":"e","uuid":"x"}]`, "", false, true},
		{`[{"properties":{"a":1},"event":"e"`, "", false, false},
		{base64.StdEncoding.EncodeToString([]byte(`{"api_key":"t","batch":[]}`)), "", false, true},
	}
	for _, c := range cases {
		if got := IsPostHogBody([]byte(c.body), c.compression, c.engage); got != c.want {
			t.Errorf("%q (engage %v): %v", c.body, c.engage, got)
		}
	}
}

func TestDecodeLibShape(t *testing.T) {
	// An SDK name or version without the shape of one is not taken as the
	// SDK (the property stays as sent, for the guard to judge).
	out := mustDecode(t, `{"event":"e","token":"t","distinct_id":"u","properties":{"$lib":"https://x.example/?t=1","$lib_version":"AKIAQ3ZKX7VB2MLP4RTW"}}`, Options{})
	if out[0].ev.Lib != "" || out[0].ev.LibVersion != "" || !strings.Contains(out[0].props, `"$lib":"https://x.example/?t=1"`) {
		t.Fatalf("got %+v %s", out[0].ev, out[0].props)
	}
}
