package posthog

import (
	"bytes"

	"github.com/valyala/fastjson"
)

// IsPostHogBody reports whether a body sent to /track or /engage, which
// Mixpanel's and PostHog's SDKs both use, is PostHog's. Mixpanel's clients
// send a form with data= (base64 or JSON) or JSON objects holding only
// "event" and "properties" (/track) or "$token" (/engage). A PostHog body is
// a {api_key, batch} object, or events with top-level keys of PostHog's
// event shape (distinct_id, uuid, timestamp, offset, $set, token, api_key),
// or, on /engage, objects without "$token". Anything unreadable is not
// PostHog's: Mixpanel's decoder answers it with its own error.
// The query's compression= parameter is PostHog's alone.
func IsPostHogBody(p *fastjson.Parser, body []byte, compression string, engage bool) bool {
	if compression != "" {
		return true
	}
	if bytes.HasPrefix(body, []byte("data=")) {
		return false
	}
	payload, err := ReadPayload(Request{Endpoint: Batch, Body: bytes.NewReader(body)})
	if err != nil {
		return false
	}
	v, err := p.ParseBytes(payload)
	if err != nil {
		return false
	}
	if v.Type() == fastjson.TypeArray {
		a := v.GetArray()
		if len(a) == 0 {
			return false
		}
		v = a[0]
	}
	if v.Type() != fastjson.TypeObject {
		return false
	}
	o := v.GetObject()
	if o.Get("batch") != nil || o.Get("api_key") != nil {
		return true
	}
	if engage {
		return o.Get("$token") == nil
	}
	ph := false
	o.Visit(func(k []byte, _ *fastjson.Value) {
		switch string(k) {
		case "distinct_id", "$distinct_id", "uuid", "timestamp", "offset", "$set", "$set_once", "token", "$token":
			ph = true
		}
	})
	return ph
}
