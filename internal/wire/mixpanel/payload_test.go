package mixpanel

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// plusJSON is a payload whose standard base64 holds both '+' and '/'.
const plusJSON = `{"event":"a>?~","properties":{"token":"t","k":"ü>>>???~~~"}}`

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// encodeURIComponent mirrors JavaScript's: it leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) as they are.
func encodeURIComponent(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestReadPayload(t *testing.T) {
	if !strings.Contains(b64(plusJSON), "+") || !strings.Contains(b64(plusJSON), "/") {
		t.Fatalf("test payload must base64-encode with + and /: %s", b64(plusJSON))
	}
	// f checks that the request decodes to want.
	f := func(name string, r Request, want string) {
		t.Helper()
		got, err := ReadPayload(r)
		if err != nil {
			t.Errorf("%s: unexpected error: %v", name, err)
			return
		}
		if string(got) != want {
			t.Errorf("%s: got\n%q\nwant\n%q", name, got, want)
		}
	}
	q := func(data string) url.Values { return url.Values{"data": {data}} }
	body := func(s string) *strings.Reader { return strings.NewReader(s) }
	const form = "application/x-www-form-urlencoded"

	f("GET data= base64", Request{Query: q(b64(plusJSON))}, plusJSON)
	f("GET data= raw JSON", Request{Query: q(plusJSON)}, plusJSON)
	f("GET data= base64 with + turned into space", Request{Query: q(strings.ReplaceAll(b64(plusJSON), "+", " "))}, plusJSON)
	f("GET data= unpadded base64", Request{Query: q(strings.TrimRight(b64(`{"a":1}`), "="))}, `{"a":1}`)
	f("GET data= URL-alphabet base64", Request{Query: q(base64.URLEncoding.EncodeToString([]byte(plusJSON)))}, plusJSON)
	f("GET with empty body reader", Request{Query: q(b64(plusJSON)), Body: body("")}, plusJSON)
	f("POST form base64 URL-encoded (mixpanel-js)", Request{ContentType: form, Body: body("data=" + encodeURIComponent(b64(plusJSON)))}, plusJSON)
	f("POST form base64 not URL-encoded (mixpanel-node)", Request{ContentType: form, Body: body("data=" + b64(plusJSON))}, plusJSON)
	f("POST form raw JSON URL-encoded (mixpanel-python)", Request{ContentType: form, Body: body(url.Values{"data": {plusJSON}, "verbose": {"1"}, "ip": {"0"}}.Encode())}, plusJSON)
	f("POST form raw JSON not URL-encoded, with & + = inside",
		Request{ContentType: form, Body: body(`data={"event":"a&b=c+d %41","properties":{"x":"]}&"}}&verbose=1`)},
		`{"event":"a&b=c+d %41","properties":{"x":"]}&"}}`)
	f("POST form raw JSON array not URL-encoded", Request{ContentType: form, Body: body(`verbose=1&data=[{"event":"e"}]`)}, `[{"event":"e"}]`)
	f("sendBeacon text/plain", Request{ContentType: "text/plain;charset=UTF-8", Body: body("data=" + encodeURIComponent(b64(plusJSON)))}, plusJSON)
	f("form without Content-Type", Request{Body: body("data=" + encodeURIComponent(b64(plusJSON)) + "&ip=1")}, plusJSON)
	f("JSON object body", Request{ContentType: "application/json", Body: body(plusJSON)}, plusJSON)
	f("JSON array body", Request{ContentType: "application/json", Body: body("[" + plusJSON + "]")}, "["+plusJSON+"]")
	f("JSON body with BOM and spaces", Request{ContentType: "application/json", Body: body("\ufeff \n[1]")}, "[1]")
	f("NDJSON body", Request{ContentType: "application/x-ndjson", Body: body("{\"a\":1}\n{\"a\":2}\n")}, "{\"a\":1}\n{\"a\":2}\n")
	f("gzip by header", Request{ContentType: "application/json", ContentEncoding: "gzip", Body: body(gz(plusJSON))}, plusJSON)
	f("gzip by magic bytes", Request{ContentType: "application/json", Body: body(gz(plusJSON))}, plusJSON)
	f("gzip form body", Request{ContentType: form, ContentEncoding: "GZIP", Body: body(gz("data=" + b64(plusJSON)))}, plusJSON)
	f("bare base64 body", Request{ContentType: "text/plain", Body: body(b64(plusJSON))}, plusJSON)
	f("form without data falls back to the query", Request{Query: q(b64(plusJSON)), ContentType: form, Body: body("ip=1")}, plusJSON)
	f("body wins over query", Request{Query: q(b64(`{"q":1}`)), ContentType: form, Body: body("data=" + b64(plusJSON))}, plusJSON)
	f("line-wrapped base64", Request{Query: q(b64(plusJSON)[:20] + "\r\n" + b64(plusJSON)[20:])}, plusJSON)

	// CESU-8: U+1F600 as the two surrogate halves D83D DE00, each UTF-8 encoded.
	cesu := "{\"e\":\"smile \xed\xa0\xbd\xed\xb8\x80!\"}"
	f("CESU-8 emoji repaired (JSON body)", Request{Body: body(cesu)}, "{\"e\":\"smile \U0001F600!\"}")
	f("CESU-8 emoji repaired (base64 form)", Request{Body: body("data=" + encodeURIComponent(b64(cesu)))}, "{\"e\":\"smile \U0001F600!\"}")
	f("lone high surrogate (cut pair) becomes U+FFFD", Request{Body: body("{\"e\":\"cut \xed\xa0\xbd\"}")}, "{\"e\":\"cut \uFFFD\"}")
	f("lone low surrogate becomes U+FFFD", Request{Body: body("{\"e\":\"\xed\xb8\x80x\"}")}, "{\"e\":\"\uFFFDx\"}")
	f("escaped lone high surrogate", Request{Body: body(`{"e":"\ud83dx"}`)}, `{"e":"\ufffdx"}`)
	f("escaped lone low surrogate", Request{Body: body(`{"e":"\uDE00"}`)}, `{"e":"\ufffd"}`)
	f("escaped pair kept", Request{Body: body(`{"e":"\ud83d\ude00"}`)}, `{"e":"\ud83d\ude00"}`)
	f("two high surrogates", Request{Body: body(`{"e":"\ud83d\ud83d\ude00"}`)}, `{"e":"\ufffd\ud83d\ude00"}`)
	f("escaped backslash before u", Request{Body: body(`{"e":"\\ud83d"}`)}, `{"e":"\\ud83d"}`)
	f("escape at the end", Request{Body: body(`{"e":"\ud83`)}, `{"e":"\ud83`)
	f("valid U+FFFD kept", Request{Body: body("{\"e\":\"\uFFFD\"}")}, "{\"e\":\"\uFFFD\"}")
}

func TestReadPayloadMergesFormFields(t *testing.T) {
	query := url.Values{"verbose": {"0"}}
	r := Request{Query: query, ContentType: "application/x-www-form-urlencoded",
		Body: strings.NewReader(url.Values{"data": {plusJSON}, "verbose": {"1"}, "ip": {"0"}, "api_key": {"k"}}.Encode())}
	if _, err := ReadPayload(r); err != nil {
		t.Fatal(err)
	}
	if got := query.Get("verbose"); got != "0" {
		t.Errorf("query verbose overwritten by the form: %q", got)
	}
	if got := query.Get("ip"); got != "0" {
		t.Errorf("form ip not merged: %q", got)
	}
	if _, ok := query["data"]; ok {
		t.Errorf("data must not be merged into the query")
	}
}

func TestReadPayloadErrors(t *testing.T) {
	// f checks that the request fails with an error of kind want.
	f := func(name string, r Request, want *Error) {
		t.Helper()
		got, err := ReadPayload(r)
		if err == nil {
			t.Errorf("%s: no error, payload %q", name, got)
			return
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: error %v (%T), want kind %q", name, err, err, want.Message)
		}
		if e := asError(err); e == nil || e.Status != want.Status {
			t.Errorf("%s: error %v has no status %d", name, err, want.Status)
		}
	}
	body := func(s string) *strings.Reader { return strings.NewReader(s) }
	f("no data at all", Request{}, ErrMalformed)
	f("empty query data", Request{Query: url.Values{"data": {""}}}, ErrMalformed)
	f("form without data", Request{Body: body("ip=1&verbose=1")}, ErrMalformed)
	f("invalid base64", Request{Query: url.Values{"data": {"!!!notbase64!!!"}}}, ErrMalformed)
	f("base64 that is not JSON", Request{Query: url.Values{"data": {b64("hello world")}}}, ErrMalformed)
	f("bad URL escape in data", Request{Body: body("data=%zz")}, ErrMalformed)
	f("invalid UTF-8", Request{Body: body("{\"e\":\"\xff\"}")}, ErrMalformed)
	f("invalid UTF-8 in base64", Request{Query: url.Values{"data": {b64("{\"e\":\"\xc3\x28\"}")}}}, ErrMalformed)
	f("gzip header, plain body", Request{ContentEncoding: "gzip", Body: body(plusJSON)}, ErrMalformed)
	f("corrupt gzip", Request{ContentEncoding: "gzip", Body: body(gz(plusJSON)[:20])}, ErrMalformed)
	f("unsupported encoding", Request{ContentEncoding: "br", Body: body(plusJSON)}, ErrMalformed)
	f("JSON content type, not JSON", Request{ContentType: "application/json", Body: body("data=x")}, ErrMalformed)
	f("oversized body", Request{Body: body("[" + strings.Repeat(" ", MaxRequestBytes) + "]")}, ErrTooLarge)
	f("gzip bomb", Request{ContentEncoding: "gzip", Body: body(gz(strings.Repeat("0", MaxRequestBytes+1)))}, ErrTooLarge)

	// Exactly at the limit is fine.
	at := "[" + strings.Repeat(" ", MaxRequestBytes-2) + "]"
	if _, err := ReadPayload(Request{Body: body(at)}); err != nil {
		t.Errorf("payload of exactly MaxRequestBytes: %v", err)
	}
	if _, err := ReadPayload(Request{ContentEncoding: "gzip", Body: body(gz(at))}); err != nil {
		t.Errorf("gzip payload of exactly MaxRequestBytes: %v", err)
	}
}

func TestObjects(t *testing.T) {
	var p fastjson.Parser
	// f checks the number of objects parsed from payload.
	f := func(name, payload string, want int) {
		t.Helper()
		vs, err := Objects(&p, []byte(payload))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if len(vs) != want {
			t.Errorf("%s: got %d objects, want %d", name, len(vs), want)
		}
	}
	f("one object", `{"event":"a"}`, 1)
	f("array", `[{"event":"a"},{"event":"b"}]`, 2)
	f("array with non-objects", `[{"event":"a"},1,"x",null,[]]`, 5)
	f("NDJSON", "{\"event\":\"a\"}\n\n{\"event\":\"b\"}\r\n{\"event\":\"c\"}", 3)
	f("NDJSON with trailing newline", "{\"a\":1}\n{\"a\":2}\n", 2)
	f("exactly MaxObjects", "["+strings.Repeat(`{},`, MaxObjects-1)+"{}]", MaxObjects)
	f("exactly MaxObjects NDJSON", strings.Repeat("{}\n", MaxObjects), MaxObjects)

	// g checks that payload fails with an error of kind want.
	g := func(name, payload string, want *Error) {
		t.Helper()
		_, err := Objects(&p, []byte(payload))
		if !errors.Is(err, want) {
			t.Errorf("%s: error %v, want kind %q", name, err, want.Message)
		}
	}
	g("empty", "  ", ErrMalformed)
	g("empty array", "[]", ErrMalformed)
	g("scalar", "42", ErrMalformed)
	g("truncated", `[{"event":"a"`, ErrMalformed)
	g("two objects on one line", `{"a":1} {"a":2}`, ErrMalformed)
	g("NDJSON bad line", "{\"a\":1}\n{\"a\":\n", ErrMalformed)
	g("2001 objects", "["+strings.Repeat(`{},`, MaxObjects)+"{}]", ErrTooLarge)
	g("2001 NDJSON lines", strings.Repeat("{}\n", MaxObjects+1), ErrTooLarge)

	_, err := Objects(&p, []byte("{\"a\":1}\n{\"a\":2}\n{\"a\":\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("NDJSON error should name line 3: %v", err)
	}
}
