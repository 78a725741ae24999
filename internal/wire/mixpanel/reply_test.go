package mixpanel

import (
	"bytes"
	"errors"
	"fmt"
	"image/gif"
	"net/url"
	"testing"
)

func TestParseReplyOptions(t *testing.T) {
	// f checks the options parsed from query q on endpoint ep.
	f := func(ep Endpoint, q string, want ReplyOptions) {
		t.Helper()
		vals, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseReplyOptions(vals, ep)
		if err != nil {
			t.Errorf("%v %q: %v", ep, q, err)
			return
		}
		if got != want {
			t.Errorf("%v %q: got %+v want %+v", ep, q, got, want)
		}
	}
	f(Track, "", ReplyOptions{})
	f(Track, "verbose=1&ip=1&_=1700000000000", ReplyOptions{Verbose: true})
	f(Track, "verbose=0&img=1", ReplyOptions{Img: true})
	f(Track, "verbose=true", ReplyOptions{Verbose: true})
	f(Track, "strict=1", ReplyOptions{}) // strict is an /import parameter
	f(Engage, "strict=1&verbose=1", ReplyOptions{Verbose: true})
	f(Import, "strict=1&verbose=1", ReplyOptions{Verbose: true, Strict: true, StrictSet: true})
	f(Import, "strict=0", ReplyOptions{StrictSet: true})
	f(Import, "strict=", ReplyOptions{StrictSet: true})
	f(Track, "callback=mixpanel._jsc.abc123", ReplyOptions{Callback: "mixpanel._jsc.abc123"})
	f(Track, "callback=$_cb9", ReplyOptions{Callback: "$_cb9"})

	for _, cb := range []string{"alert(1)", "a..b", ".a", "a.", "1a", "a.1b", "a-b", "a b", "a;b", "é", "a/b",
		string(bytes.Repeat([]byte("a"), 129))} {
		_, err := ParseReplyOptions(url.Values{"callback": {cb}}, Track)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("callback %q: error %v", cb, err)
		}
	}
}

func TestRespond(t *testing.T) {
	// f checks the reply to out on ep with options o, byte for byte.
	f := func(ep Endpoint, o ReplyOptions, out Outcome, status int, ctype, body string) {
		t.Helper()
		r := Respond(ep, o, out)
		if r.Status != status || r.ContentType != ctype || string(r.Body) != body {
			t.Errorf("%v %+v %+v:\ngot  %d %q %s\nwant %d %q %s", ep, o, out, r.Status, r.ContentType, r.Body, status, ctype, body)
		}
	}
	const txt, js, jsn = ContentTypeText, ContentTypeJSON, ContentTypeJS
	plain := ReplyOptions{}
	verbose := ReplyOptions{Verbose: true}
	strict := ReplyOptions{Strict: true, StrictSet: true, Verbose: true}
	strict0 := ReplyOptions{StrictSet: true, Verbose: true}
	ok := Outcome{Accepted: 3}
	rec := RecordError{Index: 2, InsertID: "id-2", Field: "properties.time", Message: "time is required on /import (seconds or milliseconds since 1970-01-01 UTC)"}
	rec2 := RecordError{Index: 4, Field: "event", Message: "the event name is missing"}
	partial := Outcome{Accepted: 1, Failed: []RecordError{rec, rec2}}
	allFailed := Outcome{Failed: []RecordError{rec}}

	// plain and verbose, every endpoint
	for _, ep := range []Endpoint{Track, Engage, Groups, Import} {
		f(ep, plain, ok, 200, txt, "1")
		f(ep, plain, Outcome{}, 200, txt, "1") // nothing to store (all $ignore): fine
		f(ep, plain, partial, 200, txt, "1")
		f(ep, plain, allFailed, 200, txt, "0")
		f(ep, verbose, ok, 200, js, `{"status":1,"error":null}`)
		f(ep, verbose, allFailed, 200, js, `{"status":0,"error":"record 2: properties.time: time is required on /import (seconds or milliseconds since 1970-01-01 UTC)"}`)
		f(ep, verbose, partial, 200, js, `{"status":1,"error":"2 records failed validation; first: record 2: properties.time: time is required on /import (seconds or milliseconds since 1970-01-01 UTC)"}`)
		f(ep, plain, Outcome{Err: ErrMalformed}, 400, txt, "0")
		f(ep, plain, Outcome{Err: ErrUnauthorized}, 401, txt, "0")
		f(ep, plain, Outcome{Err: ErrTooLarge}, 413, txt, "0")
		f(ep, plain, Outcome{Err: ErrRateLimited}, 429, txt, "0")
		f(ep, plain, Outcome{Err: ErrUnavailable}, 503, txt, "0")
		f(ep, verbose, Outcome{Err: ErrUnauthorized}, 401, js, `{"status":0,"error":"Invalid credentials"}`)
		f(ep, verbose, Outcome{Err: NewError(ErrMalformed, "the payload is not valid JSON", nil)}, 400, js, `{"status":0,"error":"the payload is not valid JSON"}`)
		f(ep, verbose, Outcome{Err: fmt.Errorf("ingest: %w", ErrUnavailable)}, 503, js, `{"status":0,"error":"the server could not store the data right now; please retry later"}`)
		f(ep, verbose, Outcome{Err: errors.New("disk on fire: /var/x")}, 500, js, `{"status":0,"error":"internal server error"}`)
	}

	// strict /import (mixpanel-go sends strict=1 or strict=0 with verbose=1)
	f(Import, strict, ok, 200, js, `{"code":200,"num_records_imported":3,"status":"OK"}`)
	f(Import, strict, Outcome{}, 200, js, `{"code":200,"num_records_imported":0,"status":"OK"}`)
	f(Import, strict, partial, 400, js, `{"code":400,"error":"some data points in the request failed validation","failed_records":[`+
		`{"index":2,"insert_id":"id-2","$insert_id":"id-2","field":"properties.time","message":"time is required on /import (seconds or milliseconds since 1970-01-01 UTC)"},`+
		`{"index":4,"insert_id":"","$insert_id":"","field":"event","message":"the event name is missing"}],"num_records_imported":1,"status":"Bad Request"}`)
	f(Import, strict0, partial, 200, js, `{"code":200,"num_records_imported":1,"status":"OK"}`)
	f(Import, strict, Outcome{Err: ErrUnauthorized}, 401, js, `{"code":401,"error":"Invalid credentials","status":"Unauthorized"}`)
	f(Import, strict0, Outcome{Err: ErrForbidden}, 403, js, `{"code":403,"error":"these credentials may not send data to this project","status":"Forbidden"}`)
	f(Import, strict, Outcome{Err: ErrTooLarge}, 413, js, `{"code":413,"error":"request exceeds max limit of 10485760 bytes","status":"Request Entity Too Large"}`)
	f(Import, strict, Outcome{Err: ErrRateLimited}, 429, js, `{"code":429,"error":"Project exceeded rate limits. Please retry the request with exponential backoff.","status":"Too Many Requests"}`)
	f(Import, strict, Outcome{Err: ErrUnavailable}, 503, js, `{"code":503,"error":"the server could not store the data right now; please retry later","status":"Service Unavailable"}`)
	f(Import, strict, Outcome{Err: ErrMalformed}, 400, js, `{"code":400,"error":"the request could not be read as Mixpanel data","failed_records":[],"num_records_imported":0,"status":"Bad Request"}`)
	// strict on /track is not a thing: plain reply
	f(Track, ReplyOptions{StrictSet: true, Strict: true}, ok, 200, txt, "1")

	// callback: always 200 so the script runs
	cb := ReplyOptions{Callback: "mp.cb"}
	f(Track, cb, ok, 200, jsn, "mp.cb(1)")
	f(Track, cb, allFailed, 200, jsn, "mp.cb(0)")
	f(Track, cb, Outcome{Err: ErrUnauthorized}, 200, jsn, "mp.cb(0)")
	f(Track, ReplyOptions{Callback: "f", Verbose: true}, ok, 200, jsn, `f({"status":1,"error":null})`)
	f(Track, ReplyOptions{Callback: "f", Verbose: true, Img: true}, Outcome{Err: ErrMalformed}, 200, jsn, `f({"status":0,"error":"the request could not be read as Mixpanel data"})`)

	// img: a 1x1 GIF with the outcome's status
	img := ReplyOptions{Img: true, Verbose: true}
	r := Respond(Track, img, ok)
	if r.Status != 200 || r.ContentType != "image/gif" {
		t.Errorf("img reply: %d %q", r.Status, r.ContentType)
	}
	g, err := gif.DecodeAll(bytes.NewReader(r.Body))
	if err != nil || g.Config.Width != 1 || g.Config.Height != 1 {
		t.Errorf("img body is not a 1x1 GIF: %v", err)
	}
	if r := Respond(Track, img, Outcome{Err: ErrUnauthorized}); r.Status != 401 || r.ContentType != "image/gif" {
		t.Errorf("img error reply: %d %q", r.Status, r.ContentType)
	}

	// Retry-After on 429 and 503 only
	if h := Respond(Track, plain, Outcome{Err: ErrRateLimited}).Header; h["Retry-After"] != "10" {
		t.Errorf("429 Retry-After: %v", h)
	}
	if h := Respond(Import, strict, Outcome{Err: ErrUnavailable}).Header; h["Retry-After"] != "5" {
		t.Errorf("503 Retry-After: %v", h)
	}
	if h := Respond(Track, plain, ok).Header; h != nil {
		t.Errorf("200 headers: %v", h)
	}
}

func TestErrorKinds(t *testing.T) {
	cause := errors.New("store: closed")
	e := NewError(ErrUnavailable, "", cause)
	if !errors.Is(e, ErrUnavailable) || errors.Is(e, ErrMalformed) || !errors.Is(e, cause) {
		t.Errorf("errors.Is on %v", e)
	}
	if e.Error() != ErrUnavailable.Message || e.Status != 503 || e.RetryAfter != 5 {
		t.Errorf("NewError with empty message: %+v", e)
	}
	wrapped := fmt.Errorf("ingest: %w", NewError(ErrTooLarge, "too many", nil))
	if !errors.Is(wrapped, ErrTooLarge) {
		t.Errorf("wrapped kind lost")
	}
	if r := Respond(Track, ReplyOptions{Verbose: true}, Outcome{Err: wrapped}); r.Status != 413 || string(r.Body) != `{"status":0,"error":"too many"}` {
		t.Errorf("wrapped reply: %d %s", r.Status, r.Body)
	}
}
