package posthog

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

func TestCaptureReply(t *testing.T) {
	if r := CaptureReply(Meta{}, nil); r.Status != 200 || string(r.Body) != `{"status":1}` || r.ContentType != "application/json" {
		t.Errorf("ok: %+v", r)
	}
	if r := CaptureReply(Meta{Beacon: true}, nil); r.Status != 204 || len(r.Body) != 0 {
		t.Errorf("beacon: %+v", r)
	}
	r := CaptureReply(Meta{}, NewError(ErrUnavailable, "", errors.New("disk full")))
	if r.Status != 503 || r.RetryAfter != 5 || strings.Contains(string(r.Body), "disk") {
		t.Errorf("503: %+v", r)
	}
	if r := CaptureReply(Meta{}, errors.New("other")); r.Status != 503 {
		t.Errorf("unknown error: %+v", r)
	}
	if r := CaptureReply(Meta{}, tooLarge("too big")); r.Status != 413 || string(r.Body) != "too big" {
		t.Errorf("413: %+v", r)
	}
}

func TestConfig(t *testing.T) {
	for _, auto := range []bool{false, true} {
		var c map[string]any
		if err := json.Unmarshal(Config(Settings{Token: `t"1`, Autocapture: auto}), &c); err != nil {
			t.Fatal(err)
		}
		if c["token"] != `t"1` || c["autocapture_opt_out"] != !auto || c["sessionRecording"] != false || c["elementsChainAsString"] != true {
			t.Errorf("config %v", c)
		}
		if _, ok := c["surveys"]; ok {
			t.Error("surveys key present")
		}
		js := string(ConfigJS(Settings{Token: "t", Autocapture: auto}))
		if !strings.HasPrefix(js, "(function(){window._POSTHOG_REMOTE_CONFIG=") || !strings.Contains(js, `["t"]={config:{"token":"t"`) {
			t.Errorf("config.js %s", js)
		}
		var d map[string]any
		if err := json.Unmarshal(FlagsReply(Settings{Token: "t", Autocapture: auto}, true, "r"), &d); err != nil {
			t.Fatal(err)
		}
		cfg, _ := d["config"].(map[string]any)
		if d["autocapture_opt_out"] != !auto || cfg["enable_collect_everything"] != auto || d["requestId"] != "r" {
			t.Errorf("decide %v", d)
		}
		if _, ok := d["featureFlags"].(map[string]any); !ok {
			t.Errorf("decide without featureFlags: %v", d)
		}
	}
	var f map[string]any
	if err := json.Unmarshal(FlagsReply(Settings{}, false, NewRequestID()), &f); err != nil || len(f) != 3 {
		t.Fatalf("flags %v %v", f, err)
	}
}

func TestFlagsToken(t *testing.T) {
	var p fastjson.Parser
	for payload, want := range map[string]string{
		`{"token":"a","distinct_id":"u","person_properties":{"email":"x@y.z"}}`: "a",
		`{"api_key":"b"}`: "b",
		`[1]`:             "",
		`{`:               "",
	} {
		if got := FlagsToken(&p, []byte(payload)); got != want {
			t.Errorf("%s: %q", payload, got)
		}
	}
}
