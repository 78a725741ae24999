package querytest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

// zones of the random projects: DST in spring and autumn, a half-hour
// offset, the southern hemisphere.
var zones = []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney"}

var names = []string{"a", "b", "c", "d"}

// RandomEvents is a random event set for project ProjectID over a few days
// around a DST change: devices that identify, events carrying $user_id and
// $device_id, times on a coarse grid so that many tie, and properties of
// every JSON type.
func RandomEvents(r *rand.Rand) []event.Row {
	base := time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC).UnixMilli() // DST: Berlin 29 Mar, Sydney 5 Apr
	if r.IntN(2) == 0 {
		base = time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC).UnixMilli() // New York 1 Nov
	}
	var rows []event.Row
	users := 2 + r.IntN(8)
	for u := range users {
		dev := fmt.Sprintf("dev%d", u)
		user := fmt.Sprintf("user%d", u%5) // some devices share a user
		identified := false
		for range r.IntN(25) {
			t := base + int64(r.IntN(14*48))*30*60_000 // 14 days, 30-minute grid
			if r.IntN(4) == 0 {
				t += int64(r.IntN(3)) * 60_000
			}
			props := map[string]any{}
			id := dev
			switch r.IntN(6) {
			case 0:
				props["$device_id"] = dev
				props["$user_id"] = user
				id = user
			case 1:
				props["$device_id"] = dev
				id = "$device:" + dev
			case 2:
				if identified {
					id = user
				}
			}
			name := names[r.IntN(len(names))]
			if r.IntN(10) == 0 && !identified {
				name = "$identify"
				props["$anon_distinct_id"] = dev
				if r.IntN(2) == 0 {
					props["$identified_id"] = user
				}
				id = user
				identified = true
			}
			switch r.IntN(12) {
			case 0: // an alias call links "al:dev" to the sender
				name = [...]string{"$create_alias", "$merge_dangerously"}[r.IntN(2)]
				props["alias"] = "al:" + dev
			case 1: // an event sent under the alias, linked or not (yet)
				if props["$user_id"] == nil && props["$device_id"] == nil {
					id = "al:" + dev
				}
			}
			switch r.IntN(6) {
			case 0:
				props["plan"] = "free"
			case 1:
				props["plan"] = "pro"
			case 2:
				props["plan"] = r.IntN(3)
			case 3:
				props["plan"] = r.IntN(2) == 0
			case 4:
				props["plan"] = nil
			}
			switch r.IntN(4) {
			case 0:
				props["amount"] = r.IntN(100)
			case 1:
				props["amount"] = float64(r.IntN(400)) / 4
			case 2:
				props["amount"] = "12"
			}
			b, _ := json.Marshal(props)
			if r.IntN(6) == 0 {
				// A repeated key: its first value counts (expr.DecodeProps).
				dup := []string{`"plan":"dup"`, `"amount":77`, `"plan":3`}[r.IntN(3)]
				if len(b) > 2 {
					dup = "," + dup
				}
				b = append(b[:len(b)-1], dup+"}"...)
			}
			rows = append(rows, event.Row{ProjectID: ProjectID, Time: t, Name: name, DistinctID: id, InsertID: fmt.Sprintf("r%d", len(rows)), Props: b})
		}
	}
	return rows
}

// RandomProfiles are random user profiles for RandomEvents' users and
// devices (ids user0..user4 and dev0..dev9), some missing, with "plan" and
// "amount" of every JSON type as the events have them.
func RandomProfiles(r *rand.Rand) []Profile {
	var out []Profile
	ids := []string{"user0", "user1", "user2", "user3", "user4"}
	for d := range 10 {
		ids = append(ids, fmt.Sprintf("dev%d", d))
	}
	for _, id := range ids {
		if r.IntN(3) == 0 {
			continue
		}
		props := map[string]any{}
		switch r.IntN(5) {
		case 0:
			props["plan"] = "free"
		case 1:
			props["plan"] = "pro"
		case 2:
			props["plan"] = r.IntN(3)
		case 3:
			props["plan"] = nil
		}
		if r.IntN(2) == 0 {
			props["amount"] = r.IntN(100)
		}
		b, _ := json.Marshal(props)
		out = append(out, Profile{ID: id, Props: b})
	}
	return out
}

// ProfileMap is profiles by id, as reference.Backend takes them.
func ProfileMap(profiles []Profile) map[string][]byte {
	m := make(map[string][]byte, len(profiles))
	for _, p := range profiles {
		m[p.ID] = p.Props
	}
	return m
}

// RandomQuery is a random valid query over RandomEvents' range.
// exprBreakdowns are the expressions RandomQuery breaks down by (the Query
// API's on): every value type, undefined values, profile properties.
var exprBreakdowns = []string{
	`properties["amount"] * 2 + 1`,
	`floor(number(properties["amount"]) / 7)`,
	`string(properties["plan"])`,
	`properties["plan"] == "pro" or properties["amount"] > 20`,
	`defined(properties["plan"])`,
	`number(user["amount"]) % 3`,
	`user["plan"] == properties["plan"]`,
	`-properties["amount"] / 3`,
	`boolean(properties["amount"])`,
}

func RandomQuery(r *rand.Rand, rows []event.Row) *query.Query {
	pick := func() string { return names[r.IntN(len(names))] }
	var first int64 = 1 << 62
	for _, row := range rows {
		first = min(first, row.Time)
	}
	if len(rows) == 0 {
		first = time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC).UnixMilli()
	}
	from := time.UnixMilli(first).UTC().AddDate(0, 0, r.IntN(4)-1)
	to := from.AddDate(0, 0, r.IntN(12))
	q := &query.Query{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Filter: randomFilter(r)}
	props := []string{"plan", "amount"}
	for i := range r.IntN(3) {
		q.Breakdown = append(q.Breakdown, query.Property{Name: props[(i+r.IntN(2))%2]})
	}
	if len(q.Breakdown) > 0 && r.IntN(4) == 0 {
		q.Breakdown[0] = query.Property{Scope: query.ScopeEventName}
	}
	if last := len(q.Breakdown) - 1; last >= 0 && q.Breakdown[last].Scope == "" && r.IntN(3) == 0 {
		q.Breakdown[last].Scope = query.ScopeUser
	}
	if len(q.Breakdown) > 0 && r.IntN(4) == 0 {
		q.Breakdown[0] = query.Property{Source: exprBreakdowns[r.IntN(len(exprBreakdowns))]} // parsed by Validate
	}
	binned := len(q.Breakdown) > 0 && r.IntN(3) == 0
	intervals := []query.Interval{query.Hour, query.Day, query.Week, query.Month}
	switch r.IntN(4) {
	case 3:
		q.Kind = query.Addiction
		if r.IntN(2) == 0 {
			q.Breakdown = nil
		}
		q.Interval = intervals[1+r.IntN(3)]
		q.Addiction = &query.AddictionOptions{Unit: query.Hour}
		if q.Interval != query.Day && r.IntN(2) == 0 {
			q.Addiction.Unit = query.Day
		}
		s := query.Series{Filter: randomFilter(r)}
		if r.IntN(3) > 0 {
			s.Event = pick()
		}
		q.Series = []query.Series{s}
	case 0:
		q.Kind = query.Trends
		q.Interval = intervals[r.IntN(4)]
		maths := []query.Math{query.Total, query.Unique, query.DAU, query.WAU, query.MAU, query.Sum, query.Avg, query.Min, query.Max, query.Median, query.P90, query.P99, query.AvgPerUser}
		for range 1 + r.IntN(3) {
			s := query.Series{Math: maths[r.IntN(len(maths))], Filter: randomFilter(r)}
			if r.IntN(3) > 0 {
				s.Event = pick()
			}
			if s.Math.NeedsProperty() {
				s.Property = "amount"
			}
			if q.Interval == query.Hour && (s.Math == query.WAU || s.Math == query.MAU) {
				s.Math = query.Unique
			}
			q.Series = append(q.Series, s)
		}
		q.BreakdownLimit = 1 + r.IntN(4)
		if binned {
			q.Breakdown[len(q.Breakdown)-1] = query.Property{Name: "amount", Bins: 2 + r.IntN(5)}
		}
		if r.IntN(3) == 0 {
			q.Formulas = []query.Formula{{Formula: "A*2-A/(A+1)"}}
		}
		q.Compare = r.IntN(4) == 0
	case 1:
		q.Kind = query.Funnels
		if binned {
			q.Breakdown[len(q.Breakdown)-1] = query.Property{Name: "amount", Bins: 2 + r.IntN(5)}
		}
		q.Interval = intervals[1+r.IntN(3)]
		for range 2 + r.IntN(3) {
			q.Series = append(q.Series, query.Series{Event: pick(), Filter: randomFilter(r)})
		}
		units := []string{"minute", "hour", "day"}
		q.Funnel = &query.FunnelOptions{Window: 1 + r.IntN(90), WindowUnit: units[r.IntN(3)],
			Order: []string{query.Ordered, query.Strict, query.AnyOrd}[r.IntN(3)]}
		if q.Funnel.Order != query.AnyOrd && r.IntN(2) == 0 {
			from := r.IntN(len(q.Series) - 1)
			q.Funnel.Exclusions = []query.Exclusion{{Event: pick(), Filter: randomFilter(r), From: from, To: from + 1 + r.IntN(len(q.Series)-1-from)}}
		}
	default:
		q.Kind = query.Retention
		if binned {
			q.Breakdown[len(q.Breakdown)-1] = query.Property{Name: "amount", Bins: 2 + r.IntN(5)}
		}
		q.Interval = intervals[1+r.IntN(2)]
		q.Retention = &query.RetentionOptions{Type: []string{query.FirstTime, query.Recurring}[r.IntN(2)],
			Mode: []string{query.On, query.OnOrAfter}[r.IntN(2)], Start: query.Series{Event: pick(), Filter: randomFilter(r)},
			Return: query.Series{Filter: randomFilter(r)}, Intervals: 1 + r.IntN(5), Width: 1 + r.IntN(2)*r.IntN(4)}
		if r.IntN(3) > 0 {
			q.Retention.Return.Event = pick()
		}
	}
	return q
}

// Differential runs n random event sets, each with a few random queries,
// on the backend and the reference evaluator, and fails on any difference.
func Differential(t *testing.T, open Open, n int) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SIEVE_QUERY_SEED"); s != "" { // replay a failure
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range n {
		rows := RandomEvents(r)
		profiles := RandomProfiles(r)
		b := open(t, Data{Rows: rows, Profiles: profiles})
		ref := reference.Backend{Rows: rows, Profiles: ProfileMap(profiles)}
		loc, _ := time.LoadLocation(zones[r.IntN(len(zones))])
		p := query.Project{ID: ProjectID, Location: loc}
		for range 5 {
			q := RandomQuery(r, rows)
			if err := q.Validate(); err != nil {
				t.Fatalf("random query invalid: %v", err)
			}
			doc, _ := json.Marshal(q)
			want, _, err := query.Run(context.Background(), ref, p, q)
			if err != nil {
				t.Fatalf("set %d: reference: %v\nquery %s", i, err, doc)
			}
			got, _, err := query.Run(context.Background(), b, p, q)
			if err != nil {
				t.Fatalf("set %d: backend: %v\nquery %s", i, err, doc)
			}
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			if d := Diff(wj, gj); d != "" {
				ev := readable(rows)
				pj, _ := json.Marshal(profiles)
				t.Fatalf("set %d, zone %s: %s\nquery %s\nwant %s\ngot  %s\nevents %s\nprofiles %s", i, loc, d, doc, wj, gj, ev, pj)
			}
		}
	}
}

// readable is rows as JSON with their properties inline.
func readable(rows []event.Row) string {
	type row struct {
		Time  int64           `json:"time"`
		Name  string          `json:"event"`
		ID    string          `json:"distinct_id"`
		Props json.RawMessage `json:"properties"`
	}
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = row{r.Time, r.Name, r.DistinctID, r.Props}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// randomFilter is nil or a random filter document over the properties
// RandomEvents writes (every operator, groups, the event name).
func randomFilter(r *rand.Rand) query.Filter {
	if r.IntN(3) > 0 {
		return nil
	}
	return randomCond(r, 0)
}

func randomCond(r *rand.Rand, depth int) *expr.Filter {
	if depth >= 0 && depth < 2 && r.IntN(4) == 0 { // depth -1: a leaf
		g := &expr.Filter{}
		members := []expr.Filter{*randomCond(r, depth+1), *randomCond(r, depth+1)}
		if r.IntN(2) == 0 {
			g.And = members
		} else {
			g.Or = members
		}
		return g
	}
	prop := []string{"plan", "amount"}[r.IntN(2)]
	if r.IntN(3) == 0 && depth >= 0 {
		f := randomCond(r, -1) // a leaf
		if f.Property != "" {
			f.Scope = "user" // the profile's property
		}
		return f
	}
	switch r.IntN(11) {
	case 0:
		return &expr.Filter{Event: names[r.IntN(len(names))]}
	case 1:
		return &expr.Filter{Property: prop, Operator: "eq", Value: []any{"pro", "free", 1.0, true}[r.IntN(4)]}
	case 2:
		return &expr.Filter{Property: prop, Operator: "ne", Value: "pro"}
	case 3:
		return &expr.Filter{Property: prop, Operator: "in", Value: []any{"free", 2.0, "12"}}
	case 4:
		return &expr.Filter{Property: prop, Operator: "contains", Value: "r"}
	case 5:
		return &expr.Filter{Property: prop, Operator: "regex", Value: "^p"}
	case 6:
		return &expr.Filter{Property: prop, Operator: "gt", Value: float64(r.IntN(60))}
	case 7:
		return &expr.Filter{Property: prop, Operator: "lt", Value: float64(r.IntN(60))}
	case 8:
		return &expr.Filter{Property: prop, Operator: "between", Value: []any{10.0, 50.0}}
	case 9:
		return &expr.Filter{Property: prop, Operator: "is_set"}
	}
	return &expr.Filter{Property: prop, Operator: "is_not_set"}
}
