package posthog

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/jsontext"
)

// FuzzReadPayload checks that any request either yields UTF-8 text that
// starts like JSON or fails with a package error of status 400 or 413.
// Seeds live in testdata/fuzz/FuzzReadPayload.
func FuzzReadPayload(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, contentEncoding, query string) {
		q, _ := url.ParseQuery(query)
		r := Request{Endpoint: Capture, Query: q, ContentEncoding: contentEncoding}
		if len(body) > 0 {
			r.Body = bytes.NewReader(body)
		}
		payload, err := ReadPayload(r)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Status != 400 && e.Status != 413) || e.Message == "" {
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return
		}
		if !utf8.Valid(payload) || len(payload) == 0 || (payload[0] != '{' && payload[0] != '[') {
			t.Fatalf("payload is not UTF-8 JSON-looking text")
		}
	})
}

// FuzzDecode runs a body through ReadPayload and Decode on every endpoint
// and checks what the pipeline relies on: either an error of the package
// (400, 401 or 413) or events with a name, a distinct_id of at most
// MaxDistinctIDChars characters, a 36-character uuid, a time not before
// 1970, and properties that re-encode as valid JSON without token or
// distinct_id. Seeds live in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		payload, err := ReadPayload(Request{Endpoint: Batch, Body: bytes.NewReader(body)})
		if err != nil {
			return
		}
		for _, ep := range []Endpoint{Capture, Batch, Engage} {
			var p fastjson.Parser
			var a fastjson.Arena
			err := Decode(&p, &a, bytes.Clone(payload), Options{Endpoint: ep, Now: now}, func(it *Item) error {
				ev := it.Event
				if ev.Name == "" || ev.DistinctID == "" || utf8.RuneCountInString(ev.DistinctID) > MaxDistinctIDChars || len(ev.InsertID) != 36 || ev.Time < 0 {
					t.Fatalf("bad event %+v", ev)
				}
				if ev.Props == nil || ev.Props.Type() != fastjson.TypeObject {
					t.Fatal("properties are not an object")
				}
				o := ev.Props.GetObject()
				if o.Get("token") != nil || o.Get("distinct_id") != nil || o.Get("$insert_id") != nil {
					t.Fatal("token, distinct_id or $insert_id left in the properties")
				}
				b, err := jsontext.AppendValue(nil, ev.Props)
				if err != nil {
					return nil // a number JSON does not allow: the pipeline refuses it
				}
				if !json.Valid(b) {
					t.Fatalf("properties re-encode as invalid JSON: %q", b)
				}
				for _, u := range it.Profiles {
					if u.ID == "" || len(u.Ops) == 0 {
						t.Fatalf("bad profile update %+v", u)
					}
				}
				return nil
			})
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || (e.Status != 400 && e.Status != 401 && e.Status != 413) {
					t.Fatalf("unexpected error %T %v", err, err)
				}
			}
		}
	})
}

// FuzzTopKeys compares topKeys, the scanner that tells PostHog bodies from
// Mixpanel's on /track, with encoding/json on valid JSON: the keys of the
// first object must be the same.
func FuzzTopKeys(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[1,{"c":"]"}]}`, `[{"event":"e","properties":{"x":"}\"{"}}]`, `{"api_key":"t","batch":[]}`, `[]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, ok := topKeys(b)
		IsPostHogBody(b, "", false)
		if !json.Valid(b) || !utf8.Valid(b) { // encoding/json rewrites invalid UTF-8 in keys
			return
		}
		var first json.RawMessage = b
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) == nil {
			if len(arr) == 0 {
				return
			}
			first = arr[0]
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(first, &obj) != nil {
			if ok {
				t.Fatalf("topKeys read keys of a non-object: %v", keys)
			}
			return
		}
		if !ok {
			t.Fatalf("topKeys failed on a valid object")
		}
		for k := range obj {
			if !keys[k] && !strings.Contains(k, `\`) && !strings.ContainsRune(string(first), '\\') {
				t.Fatalf("key %q missing from %v", k, keys)
			}
		}
	})
}
