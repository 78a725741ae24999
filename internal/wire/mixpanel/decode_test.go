package mixpanel

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func parseOne(t *testing.T, p *fastjson.Parser, s string) *fastjson.Value {
	t.Helper()
	vs, err := Objects(p, []byte(s))
	if err != nil {
		t.Fatalf("Objects(%q): %v", s, err)
	}
	return vs[0]
}

func TestDecodeEvent(t *testing.T) {
	var p fastjson.Parser
	now := testNow.UnixMilli()
	js := `{"event":"$mp_web_page_view","properties":{"$os":"Linux","token":"tok123","distinct_id":"$device:abc","time":1773144000.123,"$insert_id":"k3j4h5g6f7d8s9a0","mp_lib":"web","$lib_version":"2.83.0","nested":{"a":[1,2,{"b":null}]},"long":"` + strings.Repeat("x", 10000) + `"}}`
	ev, token, ignored, rerr := DecodeEvent(parseOne(t, &p, js), Options{Endpoint: Track, Now: testNow})
	if rerr != nil || ignored {
		t.Fatalf("rerr %v ignored %v", rerr, ignored)
	}
	if token != "tok123" || ev.Name != "$mp_web_page_view" || ev.DistinctID != "$device:abc" ||
		ev.Time != 1773144000123 || ev.InsertID != "k3j4h5g6f7d8s9a0" || ev.Lib != "web" || ev.LibVersion != "2.83.0" {
		t.Errorf("fields: token %q %+v", token, ev)
	}
	got := string(ev.Props.MarshalTo(nil))
	want := `{"$os":"Linux","mp_lib":"web","$lib_version":"2.83.0","nested":{"a":[1,2,{"b":null}]},"long":"` + strings.Repeat("x", 10000) + `"}`
	if got != want {
		t.Errorf("props:\n%s\nwant\n%s", got, want)
	}
	if ev.ProjectID != 0 {
		t.Errorf("ProjectID set")
	}

	// $lib is used when mp_lib is absent; a missing time on /track is now.
	ev, _, _, rerr = DecodeEvent(parseOne(t, &p, `{"event":"e","properties":{"$lib":"python","$lib_version":"4.0"}}`), Options{Endpoint: Track, Now: testNow})
	if rerr != nil || ev.Lib != "python" || ev.Time != now || ev.DistinctID != "" || ev.InsertID != "" {
		t.Errorf("$lib / default time: %+v %v", ev, rerr)
	}
}

func TestDecodeEventTime(t *testing.T) {
	var p fastjson.Parser
	now := testNow.UnixMilli()
	sec := testNow.Unix()
	// f checks the decoded time (ms) of a properties.time value, or an error on field.
	f := func(ep Endpoint, timeJSON string, want int64, wantErr bool) {
		t.Helper()
		props := `"distinct_id":"u"`
		if timeJSON != "" {
			props += `,"time":` + timeJSON
		}
		ev, _, _, rerr := DecodeEvent(parseOne(t, &p, `{"event":"e","properties":{`+props+`}}`), Options{Endpoint: ep, Now: testNow})
		switch {
		case wantErr && rerr == nil:
			t.Errorf("%v time %s: no error, got %d", ep, timeJSON, ev.Time)
		case wantErr && rerr.Field != "properties.time":
			t.Errorf("%v time %s: error on %q", ep, timeJSON, rerr.Field)
		case !wantErr && rerr != nil:
			t.Errorf("%v time %s: %v", ep, timeJSON, rerr)
		case !wantErr && ev.Time != want:
			t.Errorf("%v time %s: got %d want %d", ep, timeJSON, ev.Time, want)
		}
	}
	i := func(n int64) string { return fmt.Sprint(n) }
	f(Track, i(sec), sec*1000, false)                                // integer seconds
	f(Track, i(sec)+".5", sec*1000+500, false)                       // float seconds (mixpanel-js, python)
	f(Track, i(now), now, false)                                     // milliseconds (node, go)
	f(Track, i(now)+".4", now, false)                                // fractional ms rounds
	f(Track, `"`+i(sec)+`"`, sec*1000, false)                        // numeric string
	f(Track, "", now, false)                                         // missing: now
	f(Track, i(now-5*24*3600*1000), now-5*24*3600*1000, false)       // exactly 5 days old
	f(Track, i(now-5*24*3600*1000-1), 0, true)                       // older
	f(Track, i(now+3600*1000), now+3600*1000, false)                 // 1h ahead kept
	f(Track, i(now+3600*1000+1), now, false)                         // further ahead: now
	f(Track, `"2026-03-10T11:00:00.250Z"`, now-3600*1000+250, false) // a JavaScript Date
	f(Track, `"2026-03-10T13:00:00+02:00"`, now-3600*1000, false)
	f(Track, `"2026-03-10"`, 0, true)
	f(Track, `"soon"`, 0, true)
	f(Track, "true", 0, true)
	f(Track, "-1", 0, true)
	f(Track, "1e300", 0, true)
	f(Import, "", 0, true)                         // required on /import
	f(Import, "31536000", 31536000000, false)      // 1971-01-01 in seconds
	f(Import, "31535999", 0, true)                 // before 1971
	f(Import, "100000000000", 100000000000, false) // 1e11: milliseconds (1973-03-03)
	f(Import, "99999999999", 0, true)              // just below 1e11: seconds, year 5138
	f(Import, i(now+3600*1000), now+3600*1000, false)
	f(Import, i(now+3600*1000+1), 0, true)
	f(Import, i(sec-10*365*24*3600), (sec-10*365*24*3600)*1000, false) // 10 years back
}

func TestDecodeEventErrors(t *testing.T) {
	var p fastjson.Parser
	// f checks that record js fails on field, and the error's $insert_id.
	f := func(ep Endpoint, js, field, insertID string) {
		t.Helper()
		ev, _, ignored, rerr := DecodeEvent(parseOne(t, &p, js), Options{Endpoint: ep, Now: testNow})
		if rerr == nil {
			t.Errorf("%s: no error (ignored %v, %+v)", js, ignored, ev)
			return
		}
		if rerr.Field != field || rerr.InsertID != insertID || rerr.Message == "" {
			t.Errorf("%s: got field %q insert_id %q (%q), want field %q insert_id %q", js, rerr.Field, rerr.InsertID, rerr.Message, field, insertID)
		}
	}
	f(Track, `[1]`, "", "")
	f(Track, `["x"]`, "", "")
	f(Track, `{"event":"e"}`, "properties", "")
	f(Track, `{"event":"e","properties":[1]}`, "properties", "")
	f(Track, `{"properties":{}}`, "event", "")
	f(Track, `{"event":"","properties":{}}`, "event", "")
	f(Track, `{"event":7,"properties":{}}`, "event", "")
	f(Track, `{"event":7,"properties":{"$insert_id":"abc-123"}}`, "event", "abc-123")
	f(Track, `{"event":"e","properties":{"token":5}}`, "properties.token", "")
	f(Track, `{"event":"e","properties":{"time":1,"time":2}}`, "properties.time", "")
	f(Track, `{"event":"e","properties":{"token":"a","token":"b"}}`, "properties.token", "")
	f(Track, `{"event":"e","properties":{"distinct_id":true}}`, "properties.distinct_id", "")
	f(Track, `{"event":"e","properties":{"distinct_id":{}}}`, "properties.distinct_id", "")
	f(Import, `{"event":"e","properties":{"$insert_id":"id1"}}`, "properties.time", "id1")

	// numbers fastjson's parser takes but JSON does not
	for _, n := range []string{"NaN", "-Inf", "inf", "1.2.3", "+1", "01", "1.", ".5", "1e", "--1", "1e+"} {
		f(Track, `{"event":"e","properties":{"x":[`+n+`]}}`, "properties", "")
		f(Track, `{"event":"e","properties":{"distinct_id":`+n+`}}`, "properties", "")
	}

	// $insert_id format
	f(Import, `{"event":"e","properties":{"time":1700000000,"$insert_id":"`+strings.Repeat("a", 37)+`"}}`, "properties.$insert_id", "")
	f(Import, `{"event":"e","properties":{"time":1700000000,"$insert_id":"a_b"}}`, "properties.$insert_id", "")
	f(Import, `{"event":"e","properties":{"time":1700000000,"$insert_id":"NULL"}}`, "properties.$insert_id", "")
	f(Import, `{"event":"e","properties":{"time":1700000000,"$insert_id":12}}`, "properties.$insert_id", "")

	// distinct_id denylist, case-insensitive after trimming
	for _, id := range []string{"00000000-0000-0000-0000-000000000000", "anon", "anonymous", "nil", "none",
		"null", "n/a", "na", "undefined", "unknown", "<nil>", "0", "-1", "true", "false", "[]", "{}",
		" Null ", "UNDEFINED", "\tAnon\n", "N/A"} {
		js := fmt.Sprintf(`{"event":"e","properties":{"distinct_id":%q,"$insert_id":"x1"}}`, id)
		f(Track, js, "properties.distinct_id", "x1")
	}
	f(Track, `{"event":"e","properties":{"distinct_id":0}}`, "properties.distinct_id", "")
	f(Track, `{"event":"e","properties":{"distinct_id":-1}}`, "properties.distinct_id", "")

	// limits
	many := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"p%d":%d`, i, i)
		}
		return b.String()
	}
	f(Track, `{"event":"e","properties":{`+many(MaxProperties+1)+`}}`, "properties", "")
	f(Track, `{"event":"e","properties":{"d":{"a":{"b":{"c":{}}}}}}`, "properties", "")
	f(Track, `{"event":"e","properties":{"d":[[[[1]]]]}}`, "properties", "")
	f(Track, `{"event":"e","properties":{"d":[`+strings.Repeat("1,", MaxElements)+`1]}}`, "properties", "")
	f(Track, `{"event":"e","properties":{"d":{`+many(MaxElements+1)+`}}}`, "properties", "")
	f(Track, `{"event":"e","properties":{"big":"`+strings.Repeat("x", MaxObjectBytes)+`"}}`, "", "")
	f(Track, `{"event":"`+strings.Repeat("x", MaxObjectBytes)+`","properties":{}}`, "event", "")
}

func TestDecodeEventAccepts(t *testing.T) {
	var p fastjson.Parser
	// f checks that record js decodes, and its distinct_id.
	f := func(js, distinctID string) {
		t.Helper()
		ev, _, ignored, rerr := DecodeEvent(parseOne(t, &p, js), Options{Endpoint: Track, Now: testNow})
		if rerr != nil || ignored {
			t.Errorf("%.80s: %v ignored %v", js, rerr, ignored)
			return
		}
		if ev.DistinctID != distinctID {
			t.Errorf("%.80s: distinct_id %q want %q", js, ev.DistinctID, distinctID)
		}
	}
	many := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"p%d":%d`, i, i)
		}
		return b.String()
	}
	f(`{"event":"e","properties":{"distinct_id":""}}`, "")
	f(`{"event":"e","properties":{"distinct_id":12345}}`, "12345")
	f(`{"event":"e","properties":{"distinct_id":"annon"}}`, "annon")
	f(`{"event":"e","properties":{"distinct_id":"  user 1 "}}`, "  user 1 ")
	f(`{"event":"e","properties":{"$insert_id":""}}`, "")
	f(`{"event":"e","properties":{"$insert_id":"`+strings.Repeat("Z", 36)+`"}}`, "")
	f(`{"event":"e","properties":{`+many(MaxProperties)+`}}`, "")
	f(`{"event":"e","properties":{"d":{"a":{"b":{"c":1}}}}}`, "")
	f(`{"event":"e","properties":{"d":[[[1]]],"$elements":[{"tag_name":"input","attr__value":"x"}]}}`, "")
	f(`{"event":"e","properties":{"d":[`+strings.Repeat("1,", MaxElements-1)+`1]}}`, "")
	f(`{"event":"e","properties":{"d":{`+many(MaxElements)+`}}}`, "")
	f(`{"event":"e","properties":{"big":"`+strings.Repeat("x", MaxObjectBytes-100)+`"}}`, "")
	f(`{"event":"e","properties":{"$ignore":"true"}}`, "") // only the boolean true drops
	f(`{"event":"e","properties":{"$ignore":false}}`, "")
	f(`{"event":"e","properties":{"n":[0,-0,1.5,-2e10,3E+2,4e-1,0.0]}}`, "")
	f(`{"event":"e","properties":{"s":"unknown escape \x kept"}}`, "")
}

func TestDecodeEventIgnore(t *testing.T) {
	var p fastjson.Parser
	for _, js := range []string{
		`{"event":"e","properties":{"$ignore":true}}`,
		`{"event":"e","properties":{"$ignore":true,"distinct_id":"null","time":1}}`, // dropped before validation
		`{"properties":{"$ignore":true}}`,
	} {
		_, _, ignored, rerr := DecodeEvent(parseOne(t, &p, js), Options{Endpoint: Track, Now: testNow})
		if !ignored || rerr != nil {
			t.Errorf("%s: ignored %v rerr %v", js, ignored, rerr)
		}
	}
}

func TestDecodeProfile(t *testing.T) {
	var p fastjson.Parser
	js := `{"$token":"tok","$distinct_id":"u1","$time":1773144000.5,"$ip":"0","$ignore_time":true,"$device_id":"d","$unset":["a"],"$set":{"$os":"Linux","plan":"pro"},"$add":{"n":-2},"$union":{"l":[1]},"$delete":""}`
	u, token, rerr := DecodeProfile(parseOne(t, &p, js), event.People, Options{Endpoint: Engage, Now: testNow})
	if rerr != nil {
		t.Fatal(rerr)
	}
	if token != "tok" || u.ID != "u1" || u.Kind != event.People || u.Time != 1773144000500 || u.IP != "0" || !u.IgnoreTime {
		t.Errorf("fields: %q %+v", token, u)
	}
	var ops []string
	for _, op := range u.Ops {
		ops = append(ops, op.Op+"="+string(op.Value.MarshalTo(nil)))
	}
	want := `$set={"$os":"Linux","plan":"pro"} $add={"n":-2} $union={"l":[1]} $unset=["a"] $delete=""`
	if strings.Join(ops, " ") != want {
		t.Errorf("ops:\n%s\nwant\n%s", strings.Join(ops, " "), want)
	}

	u, token, rerr = DecodeProfile(parseOne(t, &p, `{"$token":"tok","$group_key":"company","$group_id":42,"$set_once":{"a":1},"$ip":0}`), event.Group, Options{Endpoint: Groups, Now: testNow})
	if rerr != nil || token != "tok" || u.Kind != event.Group || u.GroupKey != "company" || u.ID != "42" || u.Time != testNow.UnixMilli() || u.IP != "0" || u.IgnoreTime {
		t.Errorf("group: %+v %v", u, rerr)
	}
	// A future $time becomes the time of receipt.
	u, _, rerr = DecodeProfile(parseOne(t, &p, fmt.Sprintf(`{"$distinct_id":"u","$time":%d,"$set":{}}`, testNow.UnixMilli()+2*3600*1000)), event.People, Options{Endpoint: Engage, Now: testNow})
	if rerr != nil || u.Time != testNow.UnixMilli() {
		t.Errorf("future $time: %d %v", u.Time, rerr)
	}
}

func TestDecodeProfileErrors(t *testing.T) {
	var p fastjson.Parser
	// f checks that record js of kind fails on field.
	f := func(kind event.ProfileKind, js, field string) {
		t.Helper()
		_, _, rerr := DecodeProfile(parseOne(t, &p, js), kind, Options{Endpoint: Engage, Now: testNow})
		if rerr == nil {
			t.Errorf("%s: no error", js)
			return
		}
		if rerr.Field != field || rerr.Message == "" {
			t.Errorf("%s: field %q (%s), want %q", js, rerr.Field, rerr.Message, field)
		}
	}
	P, G := event.People, event.Group
	f(P, `[[]]`, "")
	f(P, `{"$set":{}}`, "$distinct_id")
	f(P, `{"$distinct_id":"","$set":{}}`, "$distinct_id")
	f(P, `{"$distinct_id":"undefined","$set":{}}`, "$distinct_id")
	f(P, `{"$distinct_id":true,"$set":{}}`, "$distinct_id")
	f(P, `{"$distinct_id":"u"}`, "")
	f(P, `{"$distinct_id":"u","$token":1,"$set":{}}`, "$token")
	f(P, `{"$distinct_id":"u","$set":[1]}`, "$set")
	f(P, `{"$distinct_id":"u","$set":{},"$set":{}}`, "$set")
	f(P, `{"$distinct_id":"u","$add":{"n":"1"}}`, "$add")
	f(P, `{"$distinct_id":"u","$union":{"l":1}}`, "$union")
	f(P, `{"$distinct_id":"u","$unset":"a"}`, "$unset")
	f(P, `{"$distinct_id":"u","$unset":[1]}`, "$unset")
	f(P, `{"$distinct_id":"u","$set":{"d":{"a":{"b":{"c":{}}}}}}`, "$set")
	f(P, `{"$distinct_id":"u","$set":{},"$time":"x"}`, "$time")
	f(P, `{"$distinct_id":"u","$set":{},"$time":1000}`, "$time")
	f(P, `{"$distinct_id":"u","$set":{},"$ignore_time":1}`, "$ignore_time")
	f(P, `{"$distinct_id":"u","$set":{},"$ip":[]}`, "$ip")
	f(P, `{"$distinct_id":"u","$set":{},"$ip":NaN}`, "$ip")
	f(P, `{"$distinct_id":"u","$set":{"n":1.2.3}}`, "$set")
	f(P, `{"$distinct_id":"u","$add":{"n":NaN}}`, "$add")
	f(P, `{"$distinct_id":01,"$set":{}}`, "$distinct_id")
	f(P, `{"$distinct_id":"u","$set":{"big":"`+strings.Repeat("x", MaxObjectBytes)+`"}}`, "")
	f(G, `{"$group_id":"g","$set":{}}`, "$group_key")
	f(G, `{"$group_key":"","$group_id":"g","$set":{}}`, "$group_key")
	f(G, `{"$group_key":"k","$set":{}}`, "$group_id")
	f(G, `{"$group_key":"k","$group_id":" ","$set":{}}`, "$group_id")
}
