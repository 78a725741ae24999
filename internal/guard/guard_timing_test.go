package guard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// benchEvents builds a batch of realistic event property objects: browser
// page views and custom events (mixpanel-js default properties, UTM
// parameters), Autotrack and PostHog element chains, and server events.
// dirty adds a sensitive value to every fourth event.
func benchEvents(n int, dirty bool) []string {
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		b.WriteString(`{`)
		fmt.Fprintf(&b, `"$os":"Mac OS X","$browser":"Chrome","$referrer":"https://www.google.com/search?q=analytics+tool&oq=analytics&sourceid=chrome&ie=UTF-8","$referring_domain":"www.google.com",`)
		fmt.Fprintf(&b, `"$current_url":"https://app.example.com/projects/%d/reports?tab=funnels&range=30d&utm_source=newsletter&utm_medium=email&utm_campaign=spring_%d","$browser_version":126,"$screen_height":1117,"$screen_width":1728,`, i, i)
		fmt.Fprintf(&b, `"mp_lib":"web","$lib_version":"2.55.1","$insert_id":"x%015d","$device_id":"18f2c%08x-0b2f-4c1e-9f0a-%012x","$user_id":"user_%d",`, i, i*7919, i*104729, i)
		fmt.Fprintf(&b, `"utm_source":"newsletter","utm_medium":"email","utm_campaign":"spring_launch","plan":"growth","seats":%d,"amount":%d.%02d,"currency":"USD",`, i%50, i*13, i%100)
		fmt.Fprintf(&b, `"order_id":"ORD-2024-%06d","sku":"SKU-%05d","tracking_number":"1Z999AA1%010d","session_length_ms":%d,"is_trial":false,"max_tokens":4096,"token_count":%d,`, i, i%9999, i, i*31, i*17)
		fmt.Fprintf(&b, `"$insert_time":1718200000%03d,"commit":"%040x","request_id":"%032x","app_version":"5.12.%d","locale":"en-US","timezone":"Europe/Berlin",`, i%1000, i*2654435761, i*40503, i%20)
		switch i % 4 {
		case 0:
			b.WriteString(`"$event_type":"click","$elements":[{"tag_name":"button","classes":["btn","btn-primary"],"attr__class":"btn btn-primary","attr__type":"submit","nth_child":2,"nth_of_type":1,"$el_text":"Save changes"},{"tag_name":"form","attr__id":"settings","attr__action":"/settings","nth_child":1,"nth_of_type":1},{"tag_name":"div","classes":["container"],"attr__class":"container","nth_child":3,"nth_of_type":2}],`)
		case 1:
			b.WriteString(`"$elements_chain":"a.nav-link:attr__class=\"nav-link\"attr__href=\"/docs/getting-started?ref=nav\"href=\"/docs/getting-started?ref=nav\"nth-child=\"2\"nth-of-type=\"2\"text=\"Docs\";li.nav-item:attr__class=\"nav-item\"nth-child=\"2\"nth-of-type=\"2\";ul.navbar-nav:nth-child=\"1\"nth-of-type=\"1\"",`)
		case 2:
			b.WriteString(`"http":{"method":"POST","path":"/api/v1/projects","status":201,"duration_ms":48,"user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"},"error":null,"message":"Project created successfully for workspace 42 after 3 retries",`)
		case 3:
			b.WriteString(`"items":[{"id":"prod_1","name":"Blue T-Shirt","price":19.99,"qty":2},{"id":"prod_2","name":"Running Shoes","price":89.5,"qty":1}],"shipping":{"city":"Berlin","country":"DE","method":"express"},`)
		}
		if dirty && i%4 == 1 {
			switch i % 16 {
			case 1:
				b.WriteString(`"password":"Sup3rS3cret!",`)
			case 5:
				b.WriteString(`"card":{"number":"4111 1111 1111 1111","cvc":"123","exp":"12/29"},`)
			case 9:
				b.WriteString(`"callback":"https://app.example.com/oauth/callback?code=4/0AX4XfWh7Jq2&state=xyz&access_token=ya29.a0AfH6SMBqK3l9wQv2",`)
			case 13:
				b.WriteString(`"$elements":[{"tag_name":"input","attr__type":"password","attr__name":"password","attr__value":"hunter2!","nth_child":1,"nth_of_type":1}],`)
			}
		}
		b.WriteString(`"time_on_page":12.5}`)
		out = append(out, b.String())
	}
	return out
}

func totalLen(evs []string) int64 {
	n := 0
	for _, e := range evs {
		n += len(e)
	}
	return int64(n)
}

// noMemo turns the memo of clean values off until the returned function
// runs: the benchmarks that guard one batch over and over measure the
// guard's cost per value, which the memo would otherwise answer after the
// first round (BenchmarkStream shows the memo at work).
func noMemo() func() {
	memoOff = true
	return func() { memoOff = false }
}

// BenchmarkGuardClean: the guard alone on already-parsed clean events
// (clean events are not modified, so the trees can be reused).
func BenchmarkGuardClean(b *testing.B) {
	defer noMemo()()
	evs := benchEvents(50, false)
	c := mustChecker(b, DefaultPolicy())
	trees := make([]*fastjson.Value, len(evs))
	parsers := make([]fastjson.Parser, len(evs))
	for i, e := range evs {
		v, err := parsers[i].Parse(e)
		if err != nil {
			b.Fatal(err)
		}
		trees[i] = v
	}
	var a fastjson.Arena
	var dst []event.Finding
	b.SetBytes(totalLen(evs))
	b.ReportAllocs()
	cpu := startCPU(b)
	for n := 0; n < b.N; n++ {
		for _, t := range trees {
			ev := event.Event{Name: "Page View", DistinctID: "user-1", Props: t}
			dst, _ = c.Event(&ev, &a, dst[:0])
			if len(dst) != 0 {
				b.Fatalf("clean batch produced %d findings (first at %s)", len(dst), dst[0].Path)
			}
		}
	}
	cpu.stop(b, totalLen(evs))
}

func benchParseGuard(b *testing.B, dirty, guard bool) {
	defer noMemo()()
	evs := benchEvents(50, dirty)
	c := mustChecker(b, DefaultPolicy())
	var p fastjson.Parser
	var a fastjson.Arena
	var dst []event.Finding
	var out []byte
	b.SetBytes(totalLen(evs))
	b.ReportAllocs()
	cpu := startCPU(b)
	defer cpu.stop(b, totalLen(evs))
	for n := 0; n < b.N; n++ {
		for _, e := range evs {
			v, err := p.Parse(e)
			if err != nil {
				b.Fatal(err)
			}
			if guard {
				ev := event.Event{Name: "Page View", DistinctID: "user-1", Props: v}
				dst, _ = c.Event(&ev, &a, dst[:0])
				a.Reset()
			}
			out = v.MarshalTo(out[:0])
		}
	}
}

// Parse + guard + marshal, against parse + marshal alone (same events).
func BenchmarkParseGuardClean(b *testing.B) { benchParseGuard(b, false, true) }
func BenchmarkParseOnlyClean(b *testing.B)  { benchParseGuard(b, false, false) }
func BenchmarkParseGuardDirty(b *testing.B) { benchParseGuard(b, true, true) }
func BenchmarkParseOnlyDirty(b *testing.B)  { benchParseGuard(b, true, false) }
