package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/query/querytest"
)

// TestMixpanelQueryAPI checks each Mixpanel Query API endpoint's reply
// shape and numbers against values computed by hand from the events below.
func TestMixpanelQueryAPI(t *testing.T) {
	base, token, secret := testServer(t, Config{})
	ev := func(name, user string, at time.Time, props string) string {
		if props != "" {
			props = "," + props
		}
		return fmt.Sprintf(`{"event":%q,"properties":{"distinct_id":%q,"time":%d,"$insert_id":"%x-%s-%d"%s}}`, name, user, at.UnixMilli(), name, user, at.UnixMilli(), props)
	}
	d := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }
	today := time.Now().UTC().Truncate(24 * time.Hour)
	yesterday := today.AddDate(0, 0, -1)
	events := []string{
		ev("Signed up", "u1", d(2, 10), `"plan":"pro","amount":10`),
		ev("Signed up", "u2", d(2, 11), `"plan":"free","amount":5`),
		ev("Purchased", "u1", d(2, 12), `"amount":30`),
		ev("Signed up", "u3", d(3, 9), `"plan":"pro","amount":1`),
		ev("Purchased", "u3", d(3, 10), `"amount":20`),
		ev("Purchased", "u3", d(3, 11), `"amount":50`),
		ev("Viewed", "u2", d(4, 8), ""),
		ev("Viewed", "u1", d(5, 8), ""),
		// Today and yesterday, for events/top and events/names.
		ev("A", "u1", today.Add(time.Second), ""), ev("A", "u1", today.Add(2*time.Second), ""), ev("A", "u2", today.Add(3*time.Second), ""),
		ev("B", "u1", today.Add(4*time.Second), ""),
		ev("A", "u1", yesterday.Add(time.Second), ""), ev("B", "u1", yesterday.Add(2*time.Second), ""), ev("B", "u2", yesterday.Add(3*time.Second), ""),
	}
	if code, b := call(t, "POST", base+"/import?strict=1", secret, "", "["+strings.Join(events, ",")+"]"); code != 200 {
		t.Fatalf("import: %d %s", code, b)
	}
	// Profiles, for where user["..."]: u1 gold, u3 silver, u2 none.
	ups := fmt.Sprintf(`[{"$token":%[1]q,"$distinct_id":"u1","$set":{"tier":"gold"}},{"$token":%[1]q,"$distinct_id":"u3","$set":{"tier":"silver"}}]`, token)
	resp, err := http.Post(base+"/engage", "application/x-www-form-urlencoded", strings.NewReader("data="+url.QueryEscape(ups)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("engage: %d", resp.StatusCode)
	}
	user, pass := serviceAccount(t, base, secret, "analyst")
	if code, b := call(t, "POST", base+"/api/projects/1/funnels", user, pass,
		`{"name":"Signup to purchase","steps":[{"event":"Signed up"},{"event":"Purchased"}],"funnel":{"window":1,"window_unit":"day"}}`); code != 201 || !strings.Contains(string(b), `"funnel_id":1`) {
		t.Fatalf("save funnel: %d %s", code, b)
	}

	f := func(prefix, endpoint, params, want string) {
		t.Helper()
		code, b := call(t, "GET", base+prefix+endpoint+"?project_id=1&"+params, user, pass, "")
		if code != 200 {
			t.Errorf("%s?%s: %d %s", endpoint, params, code, b)
			return
		}
		if d := querytest.Diff([]byte(want), b); d != "" {
			t.Errorf("%s?%s: %s\ngot  %s\nwant %s", endpoint, params, d, b, want)
		}
	}
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	march := "from_date=2026-03-02&to_date=2026-03-04&"
	for _, p := range []string{"/api/2.0/", "/api/query/"} {
		f(p, "segmentation", march+q("event", "Signed up"),
			`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"Signed up":{"2026-03-02":2,"2026-03-03":1,"2026-03-04":0}}},"legend_size":1}`)
	}
	p := "/api/2.0/"
	f(p, "segmentation", march+q("event", "Signed up", "on", `properties["plan"]`, "type", "unique"),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"pro":{"2026-03-02":1,"2026-03-03":1,"2026-03-04":0},"free":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0}}},"legend_size":2}`)
	// on with an expression: its string value per event (amounts 10, 5 on
	// the 2nd, 1 on the 3rd; plans pro, free, pro).
	f(p, "segmentation", march+q("event", "Signed up", "on", `properties["amount"] * 2`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"20":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"10":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"2":{"2026-03-02":0,"2026-03-03":1,"2026-03-04":0}}},"legend_size":3}`)
	f(p, "segmentation", march+q("event", "Signed up", "on", `properties["plan"] == "pro"`, "type", "unique"),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"true":{"2026-03-02":1,"2026-03-03":1,"2026-03-04":0},"false":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0}}},"legend_size":2}`)
	f(p, "segmentation", march+q("event", "Signed up", "on", `floor(properties["amount"] / 4)`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"2":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"1":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"0":{"2026-03-02":0,"2026-03-03":1,"2026-03-04":0}}},"legend_size":3}`)
	f(p, "segmentation", march+q("event", "Signed up", "on", `properties["nope"] * 2`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"(none)":{"2026-03-02":2,"2026-03-03":1,"2026-03-04":0}}},"legend_size":1}`)
	f(p, "segmentation", march+q("event", "Signed up", "on", `string(user["tier"]) == "gold"`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"true":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"false":{"2026-03-02":1,"2026-03-03":1,"2026-03-04":0}}},"legend_size":2}`)
	f(p, "segmentation", march+q("event", "Signed up", "where", `properties["plan"] == "pro" and properties["amount"] > 5`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"Signed up":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0}}},"legend_size":1}`)
	f(p, "segmentation", march+q("event", "Signed up", "where", `user["tier"] == "gold" or user["tier"] == "silver"`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"Signed up":{"2026-03-02":1,"2026-03-03":1,"2026-03-04":0}}},"legend_size":1}`)
	f(p, "segmentation", march+q("event", "Signed up", "on", `user["tier"]`, "type", "unique"),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"gold":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"silver":{"2026-03-02":0,"2026-03-03":1,"2026-03-04":0},"(none)":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0}}},"legend_size":3}`)
	f(p, "segmentation", march+q("event", "Signed up", "where", `not defined(user["tier"])`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"Signed up":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0}}},"legend_size":1}`)
	f(p, "segmentation", march+q("event", "Signed up", "type", "average"),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"Signed up":{"2026-03-02":1,"2026-03-03":1,"2026-03-04":0}}},"legend_size":1}`)
	// Purchased amounts 30, 20, 50: ten ranges of 3 from 20 to 50.
	f(p, "segmentation/numeric", march+q("event", "Purchased", "on", `properties["amount"]`),
		`{"data":{"series":["2026-03-02","2026-03-03","2026-03-04"],"values":{"29 - 32":{"2026-03-02":1,"2026-03-03":0,"2026-03-04":0},"20 - 23":{"2026-03-02":0,"2026-03-03":1,"2026-03-04":0},"47 - 50":{"2026-03-02":0,"2026-03-03":1,"2026-03-04":0}}},"legend_size":3}`)
	f(p, "events", "from_date=2026-03-02&to_date=2026-03-03&"+q("event", `["Signed up","Purchased"]`, "type", "general", "unit", "day"),
		`{"data":{"series":["2026-03-02","2026-03-03"],"values":{"Signed up":{"2026-03-02":2,"2026-03-03":1},"Purchased":{"2026-03-02":1,"2026-03-03":2}}},"legend_size":2}`)
	f(p, "events/properties", "from_date=2026-03-02&to_date=2026-03-03&"+q("event", "Signed up", "name", "plan", "type", "general", "unit", "day"),
		`{"data":{"series":["2026-03-02","2026-03-03"],"values":{"pro":{"2026-03-02":1,"2026-03-03":1},"free":{"2026-03-02":1,"2026-03-03":0}}},"legend_size":2}`)
	f(p, "events/properties", "from_date=2026-03-02&to_date=2026-03-03&"+q("event", "Signed up", "name", "plan", "type", "general", "unit", "day", "values", `["pro"]`),
		`{"data":{"series":["2026-03-02","2026-03-03"],"values":{"pro":{"2026-03-02":1,"2026-03-03":1}}},"legend_size":1}`)
	f(p, "events/properties/values", "from_date=2026-03-01&to_date=2026-03-31&"+q("event", "Signed up", "name", "plan"), `["pro","free"]`)
	f(p, "events/top", q("type", "general"),
		`{"events":[{"amount":3,"event":"A","percent_change":2},{"amount":1,"event":"B","percent_change":-0.5}],"type":"general"}`)
	f(p, "events/names", q("type", "general"), `["A","B"]`)
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("born_event", "Signed up", "event", "Purchased", "interval_count", "2"),
		`{"2026-03-02":{"counts":[1,0,0],"first":2},"2026-03-03":{"counts":[1,0,0],"first":1}}`)
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("retention_type", "compounded", "born_event", "Signed up", "interval_count", "2"),
		`{"2026-03-02":{"counts":[2,0,1],"first":2},"2026-03-03":{"counts":[1,0,0],"first":1}}`)
	f(p, "funnels/list", "", `[{"funnel_id":1,"name":"Signup to purchase"}]`)
	f(p, "funnels", "from_date=2026-03-02&to_date=2026-03-03&funnel_id=1", `{"meta":{"dates":["2026-03-02","2026-03-03"]},"data":{
		"2026-03-02":{"steps":[
			{"count":2,"avg_time":null,"avg_time_from_start":null,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Signed up","event":"Signed up","step_label":"Signed up"},
			{"count":1,"avg_time":7200,"avg_time_from_start":7200,"step_conv_ratio":0.5,"overall_conv_ratio":0.5,"goal":"Purchased","event":"Purchased","step_label":"Purchased"}],
			"analysis":{"completion":1,"starting_amount":2,"steps":2,"worst":1}},
		"2026-03-03":{"steps":[
			{"count":1,"avg_time":null,"avg_time_from_start":null,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Signed up","event":"Signed up","step_label":"Signed up"},
			{"count":1,"avg_time":3600,"avg_time_from_start":3600,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Purchased","event":"Purchased","step_label":"Purchased"}],
			"analysis":{"completion":1,"starting_amount":1,"steps":2,"worst":1}}}}`)

	// born_where: only the pro sign-ups are born (u1 on the 2nd, u3 on the 3rd).
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("born_event", "Signed up", "event", "Purchased", "interval_count", "2",
		"born_where", `properties["plan"] == "pro"`),
		`{"2026-03-02":{"counts":[1,0,0],"first":1},"2026-03-03":{"counts":[1,0,0],"first":1}}`)
	// on with an expression in retention: pro sign-ups (u1, u3) purchased on
	// their birth day, the free one (u2) never.
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("born_event", "Signed up", "event", "Purchased", "interval_count", "2",
		"on", `properties["plan"] == "pro"`),
		`{"2026-03-02":{"false":{"counts":[0,0,0],"first":1},"true":{"counts":[1,0,0],"first":1}},"2026-03-03":{"true":{"counts":[1,0,0],"first":1}}}`)
	// Funnel on an expression of the first step (u1's amount 10 converts
	// in 2 hours, u2's 5 does not).
	f(p, "funnels", "from_date=2026-03-02&to_date=2026-03-02&funnel_id=1&"+q("on", `properties["amount"] > 7`), `{"data":{"2026-03-02":{
		"$overall":{"analysis":{"completion":1,"starting_amount":2,"steps":2,"worst":1},"steps":[
			{"avg_time":null,"avg_time_from_start":null,"count":2,"event":"Signed up","goal":"Signed up","overall_conv_ratio":1,"step_conv_ratio":1,"step_label":"Signed up"},
			{"avg_time":7200,"avg_time_from_start":7200,"count":1,"event":"Purchased","goal":"Purchased","overall_conv_ratio":0.5,"step_conv_ratio":0.5,"step_label":"Purchased"}]},
		"false":{"analysis":{"completion":0,"starting_amount":1,"steps":2,"worst":1},"steps":[
			{"avg_time":null,"avg_time_from_start":null,"count":1,"event":"Signed up","goal":"Signed up","overall_conv_ratio":1,"step_conv_ratio":1,"step_label":"Signed up"},
			{"avg_time":null,"avg_time_from_start":null,"count":0,"event":"Purchased","goal":"Purchased","overall_conv_ratio":0,"step_conv_ratio":0,"step_label":"Purchased"}]},
		"true":{"analysis":{"completion":1,"starting_amount":1,"steps":2,"worst":1},"steps":[
			{"avg_time":null,"avg_time_from_start":null,"count":1,"event":"Signed up","goal":"Signed up","overall_conv_ratio":1,"step_conv_ratio":1,"step_label":"Signed up"},
			{"avg_time":7200,"avg_time_from_start":7200,"count":1,"event":"Purchased","goal":"Purchased","overall_conv_ratio":1,"step_conv_ratio":1,"step_label":"Purchased"}]}}},
		"meta":{"dates":["2026-03-02"]}}`)
	// interval 2: intervals of two days. u2 (born the 2nd) viewed on the
	// 4th (2 days on) and u1 (born the 2nd) on the 5th (3 days on): both in
	// interval 1; u3 (born the 3rd) never viewed.
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("born_event", "Signed up", "event", "Viewed", "interval", "2", "interval_count", "2"),
		`{"2026-03-02":{"counts":[0,2,0],"first":2},"2026-03-03":{"counts":[0,0,0],"first":1}}`)
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("born_event", "Signed up", "event", "Viewed", "interval", "2", "interval_count", "2", "unbounded_retention", "true"),
		`{"2026-03-02":{"counts":[2,2,0],"first":2},"2026-03-03":{"counts":[0,0,0],"first":1}}`)
	f(p, "retention", "from_date=2026-03-02&to_date=2026-03-03&"+q("born_event", "Signed up", "event", "Viewed", "interval_count", "3"),
		`{"2026-03-02":{"counts":[0,0,1,1],"first":2},"2026-03-03":{"counts":[0,0,0,0],"first":1}}`)
	// retention/addiction: per day, users by distinct hours. The 2nd: u1 in
	// hours 10 and 12, u2 in 11; the 3rd: u3 in 9, 10 and 11; the 4th: u2 in 8.
	hours := func(n ...int) string {
		c := make([]string, 24)
		for i := range c {
			c[i] = "0"
			if i < len(n) {
				c[i] = fmt.Sprint(n[i])
			}
		}
		return "[" + strings.Join(c, ",") + "]"
	}
	f(p, "retention/addiction", march+q("unit", "day", "addiction_unit", "hour", "where", `properties["distinct_id"] != "nobody"`),
		`{"data":{"2026-03-02":`+hours(2, 1)+`,"2026-03-03":`+hours(1, 1, 1)+`,"2026-03-04":`+hours(1)+`}}`)
	f(p, "retention/addiction", march+q("unit", "day", "addiction_unit", "hour", "event", "Purchased"),
		`{"data":{"2026-03-02":`+hours(1)+`,"2026-03-03":`+hours(1, 1)+`,"2026-03-04":`+hours()+`}}`)
	// Week of Monday 2026-03-02 by day: u1 on the 2nd and 5th, u2 on the
	// 2nd and 4th, u3 on the 3rd (only the range, the 2nd to the 4th,
	// counts: u1 in 1 day).
	f(p, "retention/addiction", march+q("unit", "week", "addiction_unit", "day"),
		`{"data":{"2026-03-02":[3,1,0,0,0,0,0]}}`)
	// Funnels with interval 2: one date bucket for the 2nd and 3rd. u1 and
	// u3 convert (in 2 hours and 1 hour), u2 does not.
	f(p, "funnels", "from_date=2026-03-02&to_date=2026-03-03&funnel_id=1&interval=2", `{"meta":{"dates":["2026-03-02"]},"data":{
		"2026-03-02":{"steps":[
			{"count":3,"avg_time":null,"avg_time_from_start":null,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Signed up","event":"Signed up","step_label":"Signed up"},
			{"count":2,"avg_time":5400,"avg_time_from_start":5400,"step_conv_ratio":0.6666666666666666,"overall_conv_ratio":0.6666666666666666,"goal":"Purchased","event":"Purchased","step_label":"Purchased"}],
			"analysis":{"completion":2,"starting_amount":3,"steps":2,"worst":1}}}}`)
	f(p, "cohorts/list", "", `[]`)
	// Signed up: plan and amount on its 3 events; Purchased: amount on all 3,
	// limited to 1; Viewed: no property (distinct_id and $insert_id are columns).
	f(p, "events/properties/top", "from_date=2026-03-01&to_date=2026-03-31&"+q("event", "Signed up"),
		`{"amount":{"count":3},"plan":{"count":3}}`)
	f(p, "events/properties/top", "from_date=2026-03-01&to_date=2026-03-31&"+q("event", "Signed up", "limit", "1"),
		`{"amount":{"count":3}}`)
	f(p, "events/properties/top", "from_date=2026-03-01&to_date=2026-03-31&"+q("event", "Viewed"), `{}`)
	// insights: a saved trends insight in Mixpanel's shape.
	if code, b := call(t, "POST", base+"/api/projects/1/insights", user, pass,
		`{"name":"Sign-ups by plan","query":{"kind":"trends","from":"2026-03-02","to":"2026-03-03","series":[{"event":"Signed up"}],"breakdown":[{"property":"plan"}]}}`); code != 201 || !strings.Contains(string(b), `"id":1`) {
		t.Fatalf("save insight: %d %s", code, b)
	}
	code, b := call(t, "GET", base+p+"insights?project_id=1&bookmark_id=1", user, pass, "")
	if i := strings.Index(string(b), `"date_range"`); code != 200 || i < 0 {
		t.Errorf("insights: %d %s", code, b)
	} else if d := querytest.Diff([]byte(`{`+string(b)[i:]), []byte(`{"date_range":{"from_date":"2026-03-02T00:00:00Z","to_date":"2026-03-03T00:00:00Z"},"headers":["$event","plan"],`+
		`"series":{"Signed up":{"pro":{"2026-03-02T00:00:00Z":1,"2026-03-03T00:00:00Z":1},"free":{"2026-03-02T00:00:00Z":1,"2026-03-03T00:00:00Z":0}}}}`)); d != "" {
		t.Errorf("insights: %s in %s", d, b)
	}
	if code, b := call(t, "POST", base+"/api/projects/1/insights", user, pass,
		`{"name":"Funnel","query":{"kind":"funnels","from":"2026-03-02","to":"2026-03-03","series":[{"event":"Signed up"},{"event":"Purchased"}]}}`); code != 201 {
		t.Fatalf("save insight: %d %s", code, b)
	}

	// funnels with on: "$overall" and each value (u3, pro, on the 3rd).
	steps3 := `{"steps":[
			{"count":1,"avg_time":null,"avg_time_from_start":null,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Signed up","event":"Signed up","step_label":"Signed up"},
			{"count":1,"avg_time":3600,"avg_time_from_start":3600,"step_conv_ratio":1,"overall_conv_ratio":1,"goal":"Purchased","event":"Purchased","step_label":"Purchased"}],
			"analysis":{"completion":1,"starting_amount":1,"steps":2,"worst":1}}`
	f(p, "funnels", "from_date=2026-03-03&to_date=2026-03-03&funnel_id=1&"+q("on", `properties["plan"]`),
		`{"meta":{"dates":["2026-03-03"]},"data":{"2026-03-03":{"$overall":`+steps3+`,"pro":`+steps3+`}}}`)
	// On the 2nd: pro converted, free did not; limit 1 keeps one value.
	code, b = call(t, "GET", base+p+"funnels?project_id=1&from_date=2026-03-02&to_date=2026-03-02&funnel_id=1&"+q("on", `properties["plan"]`), user, pass, "")
	if code != 200 || !strings.Contains(string(b), `"free":{"analysis":{"completion":0,"starting_amount":1,`) ||
		!strings.Contains(string(b), `"pro":{"analysis":{"completion":1,"starting_amount":1,`) ||
		!strings.Contains(string(b), `"$overall":{"analysis":{"completion":1,"starting_amount":2,`) {
		t.Errorf("funnels on, the 2nd: %d %s", code, b)
	}
	code, b = call(t, "GET", base+p+"funnels?project_id=1&from_date=2026-03-02&to_date=2026-03-02&funnel_id=1&limit=1&"+q("on", `properties["plan"]`), user, pass, "")
	if code != 200 || strings.Count(string(b), `"analysis"`) != 2 {
		t.Errorf("funnels on, limit 1: %d %s", code, b)
	}

	// sum and average carry computed_at: compare their results only.
	for endpoint, want := range map[string]string{
		"segmentation/sum":     `{"2026-03-02":30,"2026-03-03":70,"2026-03-04":0}`,
		"segmentation/average": `{"2026-03-02":30,"2026-03-03":35,"2026-03-04":0}`,
	} {
		code, b := call(t, "GET", base+p+endpoint+"?project_id=1&"+march+q("event", "Purchased", "on", `properties["amount"]`), user, pass, "")
		s := string(b)
		i := strings.Index(s, `"results":`)
		if code != 200 || i < 0 || !strings.Contains(s, `"status":"ok"`) {
			t.Errorf("%s: %d %s", endpoint, code, b)
			continue
		}
		if d := querytest.Diff([]byte(want), []byte(s[i+len(`"results":`):strings.Index(s[i:], "}")+i+1])); d != "" {
			t.Errorf("%s: %s in %s", endpoint, d, b)
		}
	}

	// Mistakes get 400 with what to fix.
	for _, bad := range []string{
		"segmentation?" + march,
		"segmentation?from_date=2026-03-02&event=x",
		"segmentation?" + march + q("event", "x", "unit", "minute"),
		"segmentation/sum?" + march + q("event", "x", "on", `user["plan"]`),
		"segmentation?" + march + q("event", "x", "on", `properties["a"] +`),
		"funnels?" + march + q("funnel_id", "1", "on", `user["plan"] == 1`),
		"segmentation?" + march + q("event", "x", "where", `properties["a"] ==`),
		"events?" + q("event", "x", "type", "general", "unit", "day"),
		"retention?" + march,
		"retention/addiction?" + march + q("unit", "day", "addiction_unit", "day"),
		"retention/addiction?" + march + q("unit", "day"),
		"retention?" + march + q("born_event", "x", "interval", "91"),
		"retention?" + march + q("born_event", "x", "interval", "90", "interval_count", "5"),
		"funnels?" + march,
		"funnels?" + march + q("funnel_id", "1", "interval", "0"),
		"segmentation?" + march + q("event", "x", "born_where", `properties["a"] == 1`),
		"retention?" + march + q("born_event", "x", "born_where", `properties["a"] ==`),
		"events/properties/top?" + q("name", "x"),
		"insights?" + q("bookmark_id", "x"),
		"insights?" + q("bookmark_id", "2"), // a funnels insight
		"jql?" + q("script", "function main(){ return Events({}) }"),
	} {
		if code, b := call(t, "GET", base+p+bad+"&project_id=1", user, pass, ""); code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, b)
		}
	}
	if code, _ := call(t, "GET", base+p+"funnels?"+march+"funnel_id=9&project_id=1", user, pass, ""); code != 404 {
		t.Errorf("unknown funnel: %d", code)
	}
	if code, _ := call(t, "DELETE", base+"/api/projects/1/funnels/1", user, pass, ""); code != 204 {
		t.Errorf("delete funnel: %d", code)
	}
	f(p, "funnels/list", "", `[]`)
}
