package mixpanel

import (
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// SDK names and versions are kept as such only when they have the shape of
// one; the property itself stays in the event either way.
func TestSDKShape(t *testing.T) {
	cases := []struct{ lib, version, wantLib, wantVersion string }{
		{"web", "2.83.0", "web", "2.83.0"},
		{"react-native", "v3.0.1-beta.2+build.7", "react-native", "v3.0.1-beta.2+build.7"},
		{"mixpanel_go", "1.2.1", "mixpanel_go", "1.2.1"},
		{"AKIA0123", "AKIAQ3ZKX7VB2MLP4RTW", "AKIA0123", ""}, // a version starts with a digit
		{"4111111111111111", "1.0", "", "1.0"},               // a name starts with a letter
		{"web app", "1.0 beta", "", ""},                      // no spaces
		{"https://x.example/?t=1", "1.0/2", "", ""},
		{strings.Repeat("a", MaxSDKBytes+1), "1." + strings.Repeat("0", MaxSDKBytes), "", ""},
		{"", "v", "", ""},
	}
	for _, c := range cases {
		var p fastjson.Parser
		js := `{"event":"e","properties":{"token":"t","mp_lib":` + quoteJSON(c.lib) + `,"$lib_version":` + quoteJSON(c.version) + `}}`
		ev, _, _, rerr := DecodeEvent(parseOne(t, &p, js), Options{Endpoint: Track, Now: testNow})
		if rerr != nil {
			t.Fatalf("%q: %v", js, rerr)
		}
		if ev.Lib != c.wantLib || ev.LibVersion != c.wantVersion {
			t.Errorf("lib %q version %q: got %q %q, want %q %q", c.lib, c.version, ev.Lib, ev.LibVersion, c.wantLib, c.wantVersion)
		}
		if ev.Props.Get("mp_lib") == nil || ev.Props.Get("$lib_version") == nil {
			t.Errorf("lib %q: the properties lost mp_lib or $lib_version", c.lib)
		}
		u, _, rerr := DecodeProfile(parseOne(t, &p, `{"$token":"t","$distinct_id":"u1","$set":{},"mp_lib":`+quoteJSON(c.lib)+`,"$lib_version":`+quoteJSON(c.version)+`}`), 0, Options{Endpoint: Engage, Now: testNow})
		if rerr != nil || u.Lib != c.wantLib || u.LibVersion != c.wantVersion {
			t.Errorf("profile lib %q version %q: got %q %q (%v)", c.lib, c.version, u.Lib, u.LibVersion, rerr)
		}
	}
}

func quoteJSON(s string) string {
	var a fastjson.Arena
	return string(a.NewString(s).MarshalTo(nil))
}
