package mixpanel

import (
	"bytes"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// FuzzReadPayload checks that any request either decodes to UTF-8 JSON text
// or fails with a package error of status 400 or 413. Seeds live in
// testdata/fuzz/FuzzReadPayload.
func FuzzReadPayload(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, contentType, contentEncoding, query string) {
		q, _ := url.ParseQuery(query)
		r := Request{Query: q, ContentType: contentType, ContentEncoding: contentEncoding}
		if len(body) > 0 {
			r.Body = bytes.NewReader(body)
		}
		payload, err := ReadPayload(r)
		if err != nil {
			e := asError(err)
			if e == nil || (e.Status != 400 && e.Status != 413) || e.Message == "" {
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return
		}
		if !utf8.Valid(payload) {
			t.Fatalf("payload is not UTF-8")
		}
		s := skipBOM(skipSpace(payload))
		if len(s) == 0 || (s[0] != '{' && s[0] != '[') {
			t.Fatalf("payload does not start with { or [")
		}
	})
}

// FuzzDecode runs a body through ReadPayload, Objects and every decoder
// and checks the invariants the store relies on: decoded properties
// re-encode as valid UTF-8 JSON without the lifted keys, times are in
// range, and replies are well formed. Seeds live in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		payload, err := ReadPayload(Request{Body: bytes.NewReader(body)})
		if err != nil {
			return
		}
		var p fastjson.Parser
		now := testNow.UnixMilli()
		for _, ep := range []Endpoint{Track, Import, Engage, Groups} {
			vs, err := Objects(&p, bytes.Clone(payload))
			if err != nil {
				if len(vs) != 0 {
					t.Fatalf("objects with an error")
				}
				return
			}
			if len(vs) == 0 || len(vs) > MaxObjects {
				t.Fatalf("%d objects", len(vs))
			}
			var out Outcome
			for i, v := range vs {
				var rerr *RecordError
				switch ep {
				case Track, Import:
					var ev event.Event
					var ignored bool
					ev, _, ignored, rerr = DecodeEvent(v, Options{Endpoint: ep, Now: testNow})
					if rerr == nil && !ignored {
						checkEvent(t, ep, ev, now)
					}
				case Engage, Groups:
					kind := event.People
					if ep == Groups {
						kind = event.Group
					}
					var u event.ProfileUpdate
					u, _, rerr = DecodeProfile(v, kind, Options{Endpoint: ep, Now: testNow})
					if rerr == nil {
						checkProfile(t, u, now)
					}
				}
				if rerr != nil {
					if rerr.Message == "" {
						t.Fatalf("record error without a message")
					}
					rerr.Index = i
					out.Failed = append(out.Failed, *rerr)
				} else {
					out.Accepted++
				}
			}
			for _, o := range []ReplyOptions{{Verbose: true}, {StrictSet: true, Strict: true}} {
				r := Respond(ep, o, out)
				if err := fastjson.ValidateBytes(r.Body); err != nil || !utf8.Valid(r.Body) {
					t.Fatalf("reply is not valid JSON: %v", err)
				}
			}
		}
	})
}

func checkEvent(t *testing.T, ep Endpoint, ev event.Event, now int64) {
	t.Helper()
	if ev.Name == "" || ev.Props == nil {
		t.Fatalf("event without name or properties")
	}
	for _, k := range liftedKeys {
		if ev.Props.Get(k) != nil {
			t.Fatalf("lifted key %s left in properties", k)
		}
	}
	js := appendJSON(nil, ev.Props)
	if !utf8.Valid(js) || fastjson.ValidateBytes(js) != nil || !utf8.ValidString(ev.Name) || !utf8.ValidString(ev.DistinctID) {
		t.Fatalf("decoded event does not re-encode as valid UTF-8 JSON")
	}
	if ev.Time > now+MaxFuture.Milliseconds() || (ep == Import && ev.Time < MinTimeMillis) ||
		(ep == Track && ev.Time < now-TrackWindow.Milliseconds()) {
		t.Fatalf("time %d out of range on %v", ev.Time, ep)
	}
	if len(ev.InsertID) > MaxInsertIDBytes || isPlaceholder([]byte(ev.DistinctID)) {
		t.Fatalf("bad ids accepted")
	}
}

func checkProfile(t *testing.T, u event.ProfileUpdate, now int64) {
	t.Helper()
	if u.ID == "" || len(u.Ops) == 0 || u.Time < MinTimeMillis || u.Time > now+MaxFuture.Milliseconds() {
		t.Fatalf("profile update accepted with bad fields")
	}
	for i, op := range u.Ops {
		if i > 0 && opRank([]byte(op.Op)) <= opRank([]byte(u.Ops[i-1].Op)) {
			t.Fatalf("ops out of order")
		}
		js := appendJSON(nil, op.Value)
		if !utf8.Valid(js) || fastjson.ValidateBytes(js) != nil {
			t.Fatalf("op value does not re-encode as valid JSON")
		}
	}
}
