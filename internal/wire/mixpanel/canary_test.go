package mixpanel

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// canary stands for a sensitive value: no error message, field or reply
// may contain it (nor its base64 form).
const canary = "CANARY_s3cr3t_pa55word"

func assertNoCanary(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range []string{canary, "s3cr3t", base64.StdEncoding.EncodeToString([]byte(canary))[:12]} {
		if strings.Contains(s, c) {
			t.Errorf("%s leaks input: %q", what, s)
		}
	}
}

func TestErrorsNeverEchoInput(t *testing.T) {
	var p fastjson.Parser
	var all []RecordError

	// Request-level failures.
	requests := []Request{
		{Body: strings.NewReader(`{"event":"` + canary + `"`)},
		{Body: strings.NewReader(`{"event":"` + canary + "\xff\"}")},
		{Body: strings.NewReader(`{"event":"` + canary + `"}` + "\n{\"a\":" + canary + "\n")},
		{Body: strings.NewReader(`[` + strings.Repeat(`"`+canary+`",`, MaxObjects) + `1]`)},
		{Body: strings.NewReader(`{"event":"` + canary + `"} {"x":1}`)},
		{Query: url.Values{"data": {canary + "!!"}}},
		{Query: url.Values{"data": {base64.StdEncoding.EncodeToString([]byte(canary))}}},
		{Query: url.Values{"data": {base64.StdEncoding.EncodeToString([]byte(`{"a":"` + canary + "\xc3\x28\"}"))}}},
		{Body: strings.NewReader("data=%zz" + canary)},
		{Body: strings.NewReader(canary + "=" + canary)},
		{ContentType: "application/json", Body: strings.NewReader(canary)},
		{ContentEncoding: "gzip", Body: strings.NewReader(canary)},
		{ContentEncoding: canary, Body: strings.NewReader("{}")},
		{Body: strings.NewReader(`"` + canary + `"`)},
	}
	for i, r := range requests {
		payload, err := ReadPayload(r)
		if err == nil {
			_, err = Objects(&p, payload)
		}
		if err == nil {
			t.Errorf("request %d: no error", i)
			continue
		}
		assertNoCanary(t, "request error", err.Error())
		for _, ep := range []Endpoint{Track, Import} {
			for _, o := range []ReplyOptions{{}, {Verbose: true}, {StrictSet: true, Strict: true}, {Callback: "cb", Verbose: true}} {
				assertNoCanary(t, "reply", string(Respond(ep, o, Outcome{Err: err}).Body))
			}
		}
	}
	if _, err := ParseReplyOptions(url.Values{"callback": {canary + "()"}}, Track); err == nil {
		t.Errorf("bad callback accepted")
	} else {
		assertNoCanary(t, "callback error", err.Error())
	}

	// Record-level failures.
	c := `"` + canary + `"`
	events := []string{
		`{"event":[` + c + `],"properties":{}}`,
		`{"event":"e","properties":` + c + `}`,
		`{"event":"e","properties":{"time":` + c + `}}`,
		`{"event":"e","properties":{` + c + `:NaN,"x":` + c + `}}`,
		`{"event":"e","properties":{"$insert_id":` + c + `}}`,
		`{"event":"e","properties":{"$insert_id":"` + strings.ReplaceAll(canary, "_", "-") + `-` + canary + `"}}`,
		`{"event":"e","properties":{"token":{` + c + `:1}}}`,
		`{"event":"e","properties":{"distinct_id":[` + c + `]}}`,
		`{"event":"e","properties":{"d":{"a":{"b":{"c":[` + c + `]}}}}}`,
		`{"event":"e","properties":{"d":[` + strings.Repeat(c+",", MaxElements) + c + `]}}`,
		`{"event":"e","properties":{"big":"` + strings.Repeat(canary, MaxObjectBytes/len(canary)+1) + `"}}`,
		`{"event":"e","properties":{` + c + `:1,` + c + `:2,"time":1,"time":2}}`,
		`[` + c + `]`,
	}
	for _, js := range events {
		vs, err := Objects(&p, []byte(js))
		if err != nil {
			t.Fatalf("%.60s: %v", js, err)
		}
		for _, ep := range []Endpoint{Track, Import} {
			_, _, _, rerr := DecodeEvent(vs[0], Options{Endpoint: ep, Now: testNow})
			if rerr == nil {
				t.Errorf("%.60s: no error", js)
				continue
			}
			assertNoCanary(t, "record error", rerr.Error()+" "+rerr.InsertID)
			all = append(all, *rerr)
		}
	}
	profiles := []string{
		`{"$distinct_id":[` + c + `],"$set":{}}`,
		`{"$distinct_id":"u","$set":` + c + `}`,
		`{"$distinct_id":"u","$add":{"n":` + c + `}}`,
		`{"$distinct_id":"u","$union":{"n":` + c + `}}`,
		`{"$distinct_id":"u","$unset":[{` + c + `:1}]}`,
		`{"$distinct_id":"u","$set":{},"$time":` + c + `}`,
		`{"$distinct_id":"u","$set":{},"$ip":{"x":` + c + `}}`,
		`{"$distinct_id":"u","$set":{},"$token":[` + c + `]}`,
		`{"$distinct_id":"u","$set":{},"$ignore_time":` + c + `}`,
		`{"$group_key":[` + c + `],"$group_id":1,"$set":{}}`,
		`{"$distinct_id":"u","$set":{"big":"` + strings.Repeat(canary, MaxObjectBytes/len(canary)+1) + `"}}`,
	}
	for _, js := range profiles {
		vs, err := Objects(&p, []byte(js))
		if err != nil {
			t.Fatalf("%.60s: %v", js, err)
		}
		kind := event.People
		if strings.Contains(js, "$group_key") {
			kind = event.Group
		}
		_, _, rerr := DecodeProfile(vs[0], kind, Options{Endpoint: Engage, Now: testNow})
		if rerr == nil {
			t.Errorf("%.60s: no error", js)
			continue
		}
		assertNoCanary(t, "profile record error", rerr.Error())
		all = append(all, *rerr)
	}
	for _, o := range []ReplyOptions{{Verbose: true}, {StrictSet: true, Strict: true}} {
		assertNoCanary(t, "record failure reply", string(Respond(Import, o, Outcome{Accepted: 1, Failed: all}).Body))
	}
}
