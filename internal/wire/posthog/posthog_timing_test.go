package posthog

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// jsBatch is a posthog-js-shaped gzip body of n events: pageviews and
// autocapture clicks with the properties posthog-js 1.449 sends.
func jsBatch(tb testing.TB, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"api_key":"phc_bench","batch":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		name, extra := "$pageview", `"title":"Pricing"`
		if i%2 == 1 {
			name = "$autocapture"
			extra = `"$event_type":"click","$ce_version":1,"$el_text":"Buy now","$elements_chain":"a.btn.primary:attr__class=\"btn primary\"attr__href=\"/checkout?plan=pro\"href=\"/checkout?plan=pro\"nth-child=\"1\"nth-of-type=\"1\"text=\"Buy now\";div.card:attr__class=\"card\"nth-child=\"2\"nth-of-type=\"1\";body:nth-child=\"2\"nth-of-type=\"1\""`
		}
		fmt.Fprintf(&b, `{"uuid":"0190a1b2-c3d4-7e5f-8a9b-%012x","event":%q,"properties":{"$os":"Mac OS X","$os_version":"10.15.7","$browser":"Chrome","$device_type":"Desktop","$current_url":"https://app.example.com/pricing?utm_source=news","$host":"app.example.com","$pathname":"/pricing","$raw_user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36","$browser_version":131,"$browser_language":"en-US","$screen_height":1080,"$screen_width":1920,"$viewport_height":900,"$viewport_width":1440,"$lib":"web","$lib_version":"1.449.2","$insert_id":"abc%d","$time":1772362800.123,"distinct_id":"0190a1b2-anon-%d","$device_id":"0190a1b2-dev","$session_id":"0190a1b2-sess","$window_id":"0190a1b2-win","$pageview_id":"0190a1b2-pv","$referrer":"$direct","$referring_domain":"$direct","token":"phc_bench","$is_identified":false,"$process_person_profile":false,%s},"timestamp":"2026-03-01T11:00:00.123Z"}`, i, name, i, i%50, extra)
	}
	b.WriteString(`],"sent_at":"2026-03-01T11:00:01.000Z"}`)
	return gz(tb, b.String())
}

// BenchmarkDecode measures ReadPayload and Decode of a 50-event gzip batch.
func BenchmarkDecode(b *testing.B) {
	body := jsBatch(b, 50)
	var p fastjson.Parser
	var a fastjson.Arena
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		payload, err := ReadPayload(Request{Endpoint: Capture, Body: bytes.NewReader(body), ContentLength: int64(len(body))})
		if err != nil {
			b.Fatal(err)
		}
		a.Reset()
		n := 0
		if err := Decode(&p, &a, payload, Options{Endpoint: Capture, Now: now}, func(*Item) error { n++; return nil }); err != nil || n != 50 {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*50), "ns/event")
}
