package mixpanel

import (
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// Infinity and NaN (any sign or case JavaScript and Python write) are
// errors of their own record, in arrays, single objects and NDJSON; the
// other records of the batch decode.
func TestNonFiniteNumbersAreRecordErrors(t *testing.T) {
	ok := `{"event":"ok","properties":{"token":"t","note":"Infinity NaN","n":1e3}}`
	for _, tok := range []string{"Infinity", "-Infinity", "+Infinity", "NaN", "-NaN", "nan", "inf", "-inf", "infinity"} {
		bad := `{"event":"bad","properties":{"token":"t","x":[1,` + tok + `]}}`
		for name, payload := range map[string]string{
			"array":  "[" + ok + "," + bad + "," + ok + "]",
			"ndjson": ok + "\n" + bad + "\n" + ok + "\n",
		} {
			var p fastjson.Parser
			vs, err := Objects(&p, []byte(payload))
			if err != nil {
				t.Errorf("%s %s: the whole request failed: %v", tok, name, err)
				continue
			}
			if len(vs) != 3 {
				t.Fatalf("%s %s: %d objects", tok, name, len(vs))
			}
			for i, v := range vs {
				ev, _, _, rerr := DecodeEvent(v, Options{Endpoint: Track, Now: testNow})
				if (rerr != nil) != (i == 1) {
					t.Errorf("%s %s: record %d: error %v", tok, name, i, rerr)
				}
				if i != 1 && ev.Props.Get("note") == nil {
					t.Errorf("%s %s: record %d lost a property", tok, name, i)
				}
			}
		}
		var p fastjson.Parser
		vs, err := Objects(&p, []byte(bad))
		if err != nil || len(vs) != 1 {
			t.Fatalf("%s single object: %v", tok, err)
		}
		if _, _, _, rerr := DecodeEvent(vs[0], Options{Endpoint: Track, Now: testNow}); rerr == nil {
			t.Errorf("%s single object: decoded", tok)
		}
	}
	// Words inside strings and keys are not numbers; real garbage still fails.
	var p fastjson.Parser
	if _, err := Objects(&p, []byte(`[{"Infinity":"NaN"},Infinityx]`)); err == nil {
		t.Error("Infinityx parsed")
	}
	vs, err := Objects(&p, []byte(`[{"Infinity":"-Infinity \"NaN"}]`))
	if err != nil || string(vs[0].MarshalTo(nil)) != `{"Infinity":"-Infinity \"NaN"}` {
		t.Errorf("strings changed: %v", err)
	}
	if s, changed := markNonFinite([]byte(`{"a":"x\\"}`)); changed || !strings.Contains(string(s), `x\\`) {
		t.Errorf("escaped backslash: %q %v", s, changed)
	}
}
