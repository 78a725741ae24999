package mixpanel

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// browserBatch is a 50-event batch as mixpanel-browser 2.83 sends it to a
// self-hosted host: a JSON array, base64-encoded, URL-encoded in a data=
// form field.
func browserBatch() []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"event":"%s","properties":{"$os":"Windows","$browser":"Chrome","$current_url":"https://shop.example.com/products/item-%d?utm_source=newsletter&ref=abc","$browser_version":131,"$screen_height":1080,"$screen_width":1920,"mp_lib":"web","$lib_version":"2.83.0","$insert_id":"%016x","time":1773143%03d.%03d,"distinct_id":"$device:0192f4c3-8a7e-7c3b-9f1d-2b6e4a8c%04d","$device_id":"0192f4c3-8a7e-7c3b-9f1d-2b6e4a8c%04d","$initial_referrer":"$direct","$initial_referring_domain":"$direct","token":"3f1e2d4c5b6a79881726354453627181","mp_sent_by_lib_version":"2.83.0","utm_source":"newsletter","product_id":%d,"price":%d.99,"category":"shoes","in_stock":true,"tags":["sale","summer"],"$elements":[{"tag_name":"button","classes":["btn","btn-primary"],"attr__id":"add-%d","$el_text":"Add to cart"}]}}`,
			[]string{"$mp_web_page_view", "Add to Cart", "$mp_click"}[i%3], i, 0x1234abcd0000+i, i, i*7, i, i, 1000+i, 10+i, i)
	}
	b.WriteByte(']')
	enc := base64.StdEncoding.EncodeToString(b.Bytes())
	return []byte("data=" + encodeURIComponent(enc))
}

// goBatch is a 50-event mixpanel-go Track batch: a JSON array body.
func goBatch() []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"event":"order_completed","properties":{"$insert_id":"7c9e6679-7425-40de-944b-e07fc1f9%04d","distinct_id":"user-%d","mp_lib":"go","$lib_version":"1.2.1","time":1773143%03d123,"order_id":"ord-%d","amount":%d.5,"currency":"EUR","items":[{"sku":"a-%d","qty":1},{"sku":"b","qty":2}],"coupon":null,"first_order":false}}`,
			i, i, i, i, i*3, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func benchmarkDecode(b *testing.B, body []byte, contentType string) {
	var p fastjson.Parser
	o := Options{Endpoint: Track, Now: testNow}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		payload, err := ReadPayload(Request{ContentType: contentType, ContentLength: int64(len(body)), Body: bytes.NewReader(body)})
		if err != nil {
			b.Fatal(err)
		}
		vs, err := Objects(&p, payload)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			ev, _, _, rerr := DecodeEvent(v, o)
			if rerr != nil {
				b.Fatal(rerr)
			}
			events++
			_ = ev
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkDecodeBrowserBatch(b *testing.B) {
	benchmarkDecode(b, browserBatch(), "application/x-www-form-urlencoded")
}

func BenchmarkDecodeGoBatch(b *testing.B) {
	benchmarkDecode(b, goBatch(), "application/json")
}

func BenchmarkDecodeProfiles(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := range 50 {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"$token":"3f1e2d4c5b6a79881726354453627181","$distinct_id":"user-%d","$ip":"0","$set":{"$os":"Windows","$browser":"Chrome","plan":"pro","$email":"u%d@example.com"},"$add":{"logins":1}}`, i, i)
	}
	buf.WriteByte(']')
	body := buf.Bytes()
	var p fastjson.Parser
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		payload, err := ReadPayload(Request{ContentType: "application/json", Body: bytes.NewReader(body)})
		if err != nil {
			b.Fatal(err)
		}
		vs, err := Objects(&p, payload)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			if _, _, rerr := DecodeProfile(v, event.People, Options{Endpoint: Engage, Now: testNow}); rerr != nil {
				b.Fatal(rerr)
			}
		}
	}
}

func BenchmarkRespondStrict(b *testing.B) {
	out := Outcome{Accepted: 50}
	o := ReplyOptions{StrictSet: true, Strict: true}
	b.ReportAllocs()
	for b.Loop() {
		Respond(Import, o, out)
	}
}

// BenchmarkAppendJSON encodes the properties of the 50 browser events, as a
// handler does to build event.Row.Props.
func BenchmarkAppendJSON(b *testing.B) {
	body := browserBatch()
	payload, err := ReadPayload(Request{Body: bytes.NewReader(body)})
	if err != nil {
		b.Fatal(err)
	}
	var p fastjson.Parser
	vs, err := Objects(&p, payload)
	if err != nil {
		b.Fatal(err)
	}
	var props []*fastjson.Value
	for _, v := range vs {
		ev, _, _, rerr := DecodeEvent(v, Options{Endpoint: Track, Now: testNow})
		if rerr != nil {
			b.Fatal(rerr)
		}
		props = append(props, ev.Props)
	}
	var buf []byte
	n := 0
	for _, v := range props {
		n += len(appendJSON(nil, v))
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range props {
			buf = appendJSON(buf[:0], v)
		}
	}
}
