package apptest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// TestMixpanelQueryAPI imports a small funnel dataset into bin/sieve over
// HTTP and reads it back through Mixpanel's Query API (raw HTTP, a service
// account, project_id), checking Mixpanel's reply shapes and numbers worked
// out by hand, in a project whose time zone is not UTC.
func TestMixpanelQueryAPI(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("queries")
	if code, b := s.do("PATCH", fmt.Sprintf("/api/projects/%d", p.ID), bearer(), []byte(`{"time_zone":"America/New_York"}`)); code != 200 {
		t.Fatalf("time zone: %d %s", code, b)
	}
	// New York: 2026-03-08 is 23 hours long (EST -> EDT at 02:00).
	at := func(s string) int64 { t, _ := time.Parse(time.RFC3339, s); return t.UnixMilli() }
	evs := []map[string]any{
		// anon device d1 views, then signs up as alice ($identify links them).
		{"event": "Viewed page", "properties": map[string]any{"distinct_id": "d1", "time": at("2026-03-07T23:30:00-05:00"), "$insert_id": "e1"}},
		{"event": "Signed up", "properties": map[string]any{"distinct_id": "alice", "time": at("2026-03-08T01:10:00-05:00"), "$insert_id": "e2", "plan": "pro"}},
		{"event": "$identify", "properties": map[string]any{"distinct_id": "alice", "time": at("2026-03-08T01:10:00-05:00"), "$insert_id": "e3", "$anon_distinct_id": "d1", "$identified_id": "alice"}},
		{"event": "Purchased", "properties": map[string]any{"distinct_id": "alice", "time": at("2026-03-08T03:30:00-04:00"), "$insert_id": "e4", "amount": 40}},
		// bob: views and signs up, never buys.
		{"event": "Viewed page", "properties": map[string]any{"distinct_id": "bob", "time": at("2026-03-08T22:00:00-04:00"), "$insert_id": "e5"}},
		{"event": "Signed up", "properties": map[string]any{"distinct_id": "bob", "time": at("2026-03-08T22:05:00-04:00"), "$insert_id": "e6", "plan": "free"}},
		{"event": "Purchased", "properties": map[string]any{"distinct_id": "bob", "time": at("2026-03-08T23:59:00-04:00"), "$insert_id": "e7", "amount": "n/a"}},
		{"event": "Viewed page", "properties": map[string]any{"distinct_id": "bob", "time": at("2026-03-10T09:00:00-04:00"), "$insert_id": "e8"}},
	}
	body, _ := json.Marshal(evs)
	h := basic(p.APISecret, "")
	h.Set("Content-Type", "application/json")
	if code, b := s.do("POST", "/import?strict=1", h, body); code != 200 {
		t.Fatalf("import: %d %s", code, b)
	}
	sa := s.serviceAccount(p, "analyst", "analyst")
	auth := basic(sa.Username, sa.Secret)
	if code, b := s.do("POST", fmt.Sprintf("/api/projects/%d/funnels", p.ID), auth,
		[]byte(`{"name":"Signup","steps":[{"event":"Viewed page"},{"event":"Signed up"},{"event":"Purchased"}]}`)); code != 201 {
		t.Fatalf("save funnel: %d %s", code, b)
	}
	get := func(endpoint string, params url.Values) any {
		t.Helper()
		params.Set("project_id", fmt.Sprint(p.ID))
		code, b := s.do("GET", "/api/query/"+endpoint+"?"+params.Encode(), auth, nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", endpoint, code, b)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v in %s", endpoint, err, b)
		}
		return v
	}
	want := func(endpoint string, got any, js string) {
		t.Helper()
		var w any
		if err := json.Unmarshal([]byte(js), &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, w) {
			g, _ := json.Marshal(got)
			t.Errorf("%s:\n got %s\nwant %s", endpoint, g, js)
		}
	}
	days := url.Values{"from_date": {"2026-03-07"}, "to_date": {"2026-03-08"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, x := range days {
			v[k] = x
		}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	// Local days: d1's view at 23:30 on the 7th, everything else on the 8th.
	want("segmentation", get("segmentation", with("event", "Viewed page")),
		`{"data":{"series":["2026-03-07","2026-03-08"],"values":{"Viewed page":{"2026-03-07":1,"2026-03-08":1}}},"legend_size":1}`)
	want("segmentation on plan", get("segmentation", with("event", "Signed up", "type", "unique", "on", `properties["plan"]`)),
		`{"data":{"series":["2026-03-07","2026-03-08"],"values":{"pro":{"2026-03-07":0,"2026-03-08":1},"free":{"2026-03-07":0,"2026-03-08":1}}},"legend_size":2}`)
	sum := get("segmentation/sum", with("event", "Purchased", "on", `properties["amount"]`)).(map[string]any)
	want("segmentation/sum", sum["results"], `{"2026-03-07":0,"2026-03-08":40}`)
	want("events", get("events", with("event", `["Signed up","Purchased"]`, "type", "unique", "unit", "day")),
		`{"data":{"series":["2026-03-07","2026-03-08"],"values":{"Signed up":{"2026-03-07":0,"2026-03-08":2},"Purchased":{"2026-03-07":0,"2026-03-08":2}}},"legend_size":2}`)
	// alice was born on the 8th; her only view (as d1) came before. bob
	// viewed 5 minutes before his birth (not counted in interval 0) and two
	// days later.
	want("retention", get("retention", url.Values{"from_date": {"2026-03-08"}, "to_date": {"2026-03-08"}, "born_event": {"Signed up"},
		"event": {"Viewed page"}, "interval_count": {"2"}}), `{"2026-03-08":{"counts":[0,0,1],"first":2}}`)
	// interval 2: bob's view two days after his birth is in interval 1.
	want("retention interval 2", get("retention", url.Values{"from_date": {"2026-03-08"}, "to_date": {"2026-03-08"}, "born_event": {"Signed up"},
		"event": {"Viewed page"}, "interval": {"2"}, "interval_count": {"1"}}), `{"2026-03-08":{"counts":[0,1],"first":2}}`)
	// on with an expression.
	want("segmentation on an expression", get("segmentation", with("event", "Signed up", "on", `properties["plan"] == "pro"`)),
		`{"data":{"series":["2026-03-07","2026-03-08"],"values":{"true":{"2026-03-07":0,"2026-03-08":1},"false":{"2026-03-07":0,"2026-03-08":1}}},"legend_size":2}`)
	// retention/addiction by local clock hours: on the 7th alice (as d1) in
	// hour 23; on the 8th (23 hours long) alice in hours 1 and 3 (EDT), bob
	// in 22 and 23.
	hours := func(n ...float64) []any {
		out := make([]any, 24)
		for i := range out {
			out[i] = 0.0
			if i < len(n) {
				out[i] = n[i]
			}
		}
		return out
	}
	add := get("retention/addiction", with("unit", "day", "addiction_unit", "hour")).(map[string]any)["data"].(map[string]any)
	if !reflect.DeepEqual(add["2026-03-07"], hours(1)) || !reflect.DeepEqual(add["2026-03-08"], hours(2, 2)) || len(add) != 2 {
		t.Errorf("retention/addiction: %v", add)
	}
	// on: alice signs up on a pro plan in hour 1 of the 8th, bob on a free
	// one in hour 22; nobody signs up on the 7th.
	addOn := get("retention/addiction", with("unit", "day", "addiction_unit", "hour", "event", "Signed up", "on", `properties["plan"]`)).(map[string]any)["data"].(map[string]any)
	if d8, _ := addOn["2026-03-08"].(map[string]any); len(addOn) != 1 || len(d8) != 2 || !reflect.DeepEqual(d8["pro"], hours(1)) || !reflect.DeepEqual(d8["free"], hours(1)) {
		t.Errorf("retention/addiction on plan: %v", addOn)
	}
	want("funnels/list", get("funnels/list", url.Values{}), `[{"funnel_id":1,"name":"Signup"}]`)
	// One funnel per day: alice's view on the 7th (as d1) starts her funnel
	// there; bob's starts on the 8th: Signed up after 300 s, Purchased 6840 s
	// later.
	f := get("funnels", url.Values{"funnel_id": {"1"}, "from_date": {"2026-03-07"}, "to_date": {"2026-03-08"}}).(map[string]any)
	want("funnels meta", f["meta"], `{"dates":["2026-03-07","2026-03-08"]}`)
	data := f["data"].(map[string]any)
	want("funnels 7th", data["2026-03-07"].(map[string]any)["analysis"], `{"completion":1,"starting_amount":1,"steps":3,"worst":1}`)
	want("funnels 8th", data["2026-03-08"].(map[string]any)["steps"], `[
		{"count":1,"avg_time":null,"avg_time_from_start":null,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Viewed page","event":"Viewed page","step_label":"Viewed page"},
		{"count":1,"avg_time":300,"avg_time_from_start":300,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Signed up","event":"Signed up","step_label":"Signed up"},
		{"count":1,"avg_time":6840,"avg_time_from_start":7140,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Purchased","event":"Purchased","step_label":"Purchased"}]`)
	step2 := data["2026-03-07"].(map[string]any)["steps"].([]any)[2].(map[string]any)
	// alice: viewed 23:30 EST, signed up 01:10 EST (100 min), bought 03:30 EDT = 02:30 EST (80 min).
	if step2["avg_time"] != 4800.0 || step2["avg_time_from_start"] != 10800.0 {
		t.Errorf("alice's times: %v", step2)
	}
}
