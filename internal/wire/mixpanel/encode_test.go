package mixpanel

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/valyala/fastjson"
)

func TestAppendJSON(t *testing.T) {
	// f checks that JSON text in encodes as want, and that want is JSON with
	// the same value as in for encoding/json.
	f := func(in, want string) {
		t.Helper()
		var p fastjson.Parser
		v, err := p.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got := string(appendJSON(nil, v))
		if got != want {
			t.Errorf("%q:\ngot  %s\nwant %s", in, got, want)
		}
		var a, b any
		if err := json.Unmarshal([]byte(got), &b); err != nil {
			t.Errorf("%q: output is not JSON: %v", in, err)
			return
		}
		if json.Unmarshal([]byte(in), &a) == nil && !reflect.DeepEqual(a, b) {
			t.Errorf("%q: value changed: %v != %v", in, a, b)
		}
	}
	f(`{"a":1.50,"b":[1e3,-0,true,false,null],"c":{}}`, `{"a":1.50,"b":[1e3,-0,true,false,null],"c":{}}`)
	f(`{"q":"say \"hi\" \\ back"}`, `{"q":"say \"hi\" \\ back"}`)
	f(`{"c":"\u0016\u007f\t\n\r\b\f"}`, `{"c":"\u0016`+"\x7f"+`\t\n\r\u0008\u000c"}`)
	f(`{"c":"\" and \u0016"}`, `{"c":"\" and \u0016"}`) // fastjson's MarshalTo writes \x16 here
	f(`{"e":"\u00e9 \ud83d\ude00 \u2028\u2029 `+"\U000E0001"+`"}`, `{"e":"é 😀 \u2028\u2029 `+"\U000E0001"+`"}`)
	f(`{"k\u0065y\n":"v"}`, `{"key\n":"v"}`)
	f(`{"a":1,"a":2}`, `{"a":1,"a":2}`)
	f(`["\/"]`, `["/"]`)
	// A lone escaped surrogate is U+FFFD once through ReadPayload, as for encoding/json.
	payload, err := ReadPayload(Request{Body: strings.NewReader(`{"lone":"\ud800x"}`)})
	if err != nil {
		t.Fatal(err)
	}
	f(string(payload), `{"lone":"`+"\uFFFD"+`x"}`)

	// Raw control characters (which strict JSON forbids, fastjson accepts) come out escaped.
	var p fastjson.Parser
	v, _ := p.Parse("{\"r\":\"a\x16b\"}")
	if got := string(appendJSON(nil, v)); got != `{"r":"a\u0016b"}` {
		t.Errorf("raw control character: %s", got)
	}
	if got := string(jsontext.AppendStringBytes(nil, []byte("x\xffy"))); got != `"x\ufffdy"` {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

// appendJSON is how ingestion encodes stored properties: jsontext.AppendValue.
func appendJSON(dst []byte, v *fastjson.Value) []byte {
	out, err := jsontext.AppendValue(dst, v)
	if err != nil {
		panic("appendJSON: " + err.Error())
	}
	return out
}
