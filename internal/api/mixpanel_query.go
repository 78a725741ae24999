package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// This file serves Mixpanel's Query API (docs/QUERIES.md, "Mixpanel Query
// API"): each endpoint turns Mixpanel's parameters into a query document,
// runs it like POST /api/projects/{id}/query, and shapes the reply as
// Mixpanel does.

// mpRequest is one Mixpanel Query API call: its project and parameters.
type mpRequest struct {
	r     *http.Request
	who   auth.Principal
	pr    project.Project
	loc   *time.Location
	get   func(string) string
	crit  map[string]any
	where expr.Node // the where parameter: a condition on every event counted
}

// mpHandler authenticates a Mixpanel Query API call (service account or
// project secret, project_id) and hands it to h.
func (a *API) mpHandler(h func(w http.ResponseWriter, m *mpRequest) error) http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
			if err := r.ParseForm(); err != nil {
				return badRequest("request body must be form-encoded parameters")
			}
		}
		id, err := projectParam(r, who)
		if err != nil {
			return err
		}
		if !who.Can(auth.Read, id) {
			return auth.ErrForbidden
		}
		pr, err := a.projects.Get(id)
		if err != nil {
			return err
		}
		if err := a.nothingStored(id); err != nil {
			return err
		}
		m := &mpRequest{r: r, who: who, pr: pr, loc: pr.Settings.Location(), get: r.FormValue, crit: map[string]any{"endpoint": r.URL.Path}}
		if m.get("format") == "csv" {
			return badRequest("format=csv is not supported; the reply is JSON")
		}
		if m.get("born_where") != "" && !strings.HasSuffix(r.URL.Path, "/retention") {
			return badRequest("born_where applies to /retention only (the birth event); use where")
		}
		if m.where, err = whereParam(m.get("where"), "query"); err != nil {
			return err
		}
		return h(w, m)
	})
}

func (a *API) mpRun(m *mpRequest, q *query.Query) (*query.Result, error) {
	q.Where = m.where
	if err := q.Validate(); err != nil {
		return nil, queryError(err)
	}
	res, _, _, err := a.runQuery(m.r, m.who, query.Project{ID: m.pr.ID, Location: m.loc}, q, m.crit)
	return res, err
}

// dates reads from_date and to_date (required unless def is set: then the
// last def days up to today in the project's time zone).
func (m *mpRequest) dates(def int) (string, string, error) {
	from, to := m.get("from_date"), m.get("to_date")
	if from == "" && to == "" && def > 0 {
		today := time.Now().In(m.loc)
		return today.AddDate(0, 0, 1-def).Format(time.DateOnly), today.Format(time.DateOnly), nil
	}
	if _, err := time.Parse(time.DateOnly, from); err != nil {
		return "", "", badRequest("from_date is required, as yyyy-mm-dd")
	}
	if _, err := time.Parse(time.DateOnly, to); err != nil {
		return "", "", badRequest("to_date is required, as yyyy-mm-dd")
	}
	return from, to, nil
}

// unit reads Mixpanel's unit (default def) as a query interval.
func (m *mpRequest) unit(name, def string, allowed ...query.Interval) (query.Interval, error) {
	u := m.get(name)
	if u == "" {
		u = def
	}
	iv := query.Interval(u)
	if !slices.Contains(allowed, iv) {
		var s []string
		for _, a := range allowed {
			s = append(s, string(a))
		}
		return "", badRequest(fmt.Sprintf("%s must be one of %s", name, strings.Join(s, ", ")))
	}
	return iv, nil
}

// lastUnits is the range of the last n units up to today (Mixpanel's
// interval parameter).
func (m *mpRequest) lastUnits(iv query.Interval, n int) (string, string) {
	today := time.Now().In(m.loc)
	d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	from := d.AddDate(0, 0, 1-n)
	switch iv {
	case query.Week:
		from = query.TruncDate(d, query.Week).AddDate(0, 0, -7*(n-1))
	case query.Month:
		from = query.TruncDate(d, query.Month).AddDate(0, 1-n, 0)
	case query.Hour:
		from = d.AddDate(0, 0, -(n-1)/24)
	}
	return from.Format(time.DateOnly), d.Format(time.DateOnly)
}

func (m *mpRequest) intParam(name string, def, lo, hi int) (int, error) {
	s := m.get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badRequest(fmt.Sprintf("%s must be an integer from %d to %d", name, lo, hi))
	}
	return n, nil
}

// onProperty reads an "on" expression, which must name one property: an
// event's, properties["name"], or (when user is allowed) the user's
// profile's, user["name"].
func onProperty(src string, user bool) (query.Property, error) {
	n, err := expr.Parse(src)
	if err != nil {
		return query.Property{}, badRequest("on: " + err.Error())
	}
	p, ok := n.(*expr.Prop)
	switch {
	case ok && p.Scope == expr.EventScope:
		return query.Property{Name: p.Name}, nil
	case ok && p.Scope == expr.UserScope && user:
		return query.Property{Name: p.Name, Scope: query.ScopeUser}, nil
	case ok && p.Scope == expr.UserScope:
		return query.Property{}, badRequest(`on must name one event property here, as properties["name"]`)
	}
	return query.Property{}, badRequest(`on must name one property, as properties["name"] or user["name"]; other expressions are not supported yet`)
}

// onBreakdown reads an "on" expression to break down by: a property, as
// onProperty, or any other expression (its string value, "(none)" when
// undefined). Without user, an expression may not read user["name"].
func onBreakdown(src string, user bool) (query.Property, error) {
	n, err := expr.Parse(src)
	if err != nil {
		return query.Property{}, badRequest("on: " + err.Error())
	}
	if _, ok := n.(*expr.Prop); ok {
		return onProperty(src, user)
	}
	if !user {
		for _, p := range expr.Props(n) {
			if p.Scope == expr.UserScope {
				return query.Property{}, badRequest(`on: user["name"] is not supported here; use properties["name"]`)
			}
		}
	}
	return query.Property{Source: src, Expr: n}, nil
}

// mathOf maps Mixpanel's type parameter.
func mathOf(t string) (query.Math, error) {
	switch t {
	case "", "general":
		return query.Total, nil
	case "unique":
		return query.Unique, nil
	case "average":
		return query.AvgPerUser, nil
	}
	return "", badRequest("type must be general, unique or average")
}

// mpLabel is Mixpanel's date key of a bucket: the date, or for hours
// "yyyy-mm-dd hh:00:00" (the repeated hour of a DST change gets its offset).
func mpLabels(iv query.Interval, labels []string) []string {
	if iv != query.Hour {
		return labels
	}
	out := make([]string, len(labels))
	seen := map[string]bool{}
	for i, l := range labels {
		t, _ := time.Parse(time.RFC3339, l)
		out[i] = t.Format("2006-01-02 15:04:05")
		if seen[out[i]] {
			out[i] += t.Format(" -07:00")
		}
		seen[out[i]] = true
	}
	return out
}

// seriesValues is Mixpanel's {"data":{"series":[dates],"values":{key:{date:n}}},"legend_size":n}.
func seriesValues(iv query.Interval, tr *query.TrendsResult, key func(query.TrendSeries) (string, bool)) map[string]any {
	dates := mpLabels(iv, tr.Buckets)
	values := map[string]map[string]float64{}
	for _, s := range tr.Series {
		k, ok := key(s)
		if !ok {
			continue
		}
		v := map[string]float64{}
		for i, d := range dates {
			v[d] = s.Values[i]
		}
		values[k] = v
	}
	return map[string]any{"data": map[string]any{"series": dates, "values": values}, "legend_size": len(values)}
}

func byBreakdown(s query.TrendSeries) (string, bool) {
	return s.Breakdown[0], s.Breakdown[0] != query.Other
}

// Segmentation handles /segmentation, /segmentation/numeric,
// /segmentation/sum and /segmentation/average: kind "", "numeric", "sum" or
// "average". numeric splits the range of the on property into 10
// equal-width ranges (query.Bins).
func (a *API) Segmentation(kind string) http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		event := m.get("event")
		if event == "" {
			return badRequest("event is required")
		}
		from, to, err := m.dates(0)
		if err != nil {
			return err
		}
		allowed := []query.Interval{query.Hour, query.Day, query.Week, query.Month}
		if kind != "" {
			allowed = allowed[:2]
		}
		iv, err := m.unit("unit", "day", allowed...)
		if err != nil {
			return err
		}
		q := &query.Query{Kind: query.Trends, From: from, To: to, Interval: iv}
		s := query.Series{Event: event}
		var on query.Property // a breakdown (profile properties and expressions too), or the numeric property
		if src := m.get("on"); src != "" {
			if kind == "" {
				on, err = onBreakdown(src, true)
			} else {
				on, err = onProperty(src, false)
			}
			if err != nil {
				return err
			}
		}
		prop := on.Name
		switch kind {
		case "numeric":
			if prop == "" {
				return badRequest("on is required: the numeric property, as properties[\"name\"]")
			}
			if s.Math, err = mathOf(m.get("type")); err != nil {
				return err
			}
			q.Breakdown, q.BreakdownLimit = []query.Property{{Name: prop, Bins: 10}}, query.MaxTopN
		case "sum", "average":
			if prop == "" {
				return badRequest("on is required: the numeric property, as properties[\"name\"]")
			}
			s.Math, s.Property = query.Sum, prop
			if kind == "average" {
				s.Math = query.Avg
			}
		default:
			if s.Math, err = mathOf(m.get("type")); err != nil {
				return err
			}
			if prop != "" || on.Expr != nil {
				q.Breakdown = []query.Property{on}
				if q.BreakdownLimit, err = m.intParam("limit", 60, 1, 10000); err != nil {
					return err
				}
			}
		}
		q.Series = []query.Series{s}
		res, err := a.mpRun(m, q)
		if err != nil {
			return err
		}
		tr := res.Trends
		if kind == "sum" || kind == "average" {
			results := map[string]float64{}
			for i, d := range mpLabels(iv, tr.Buckets) {
				results[d] = tr.Series[0].Values[i]
			}
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "computed_at": time.Now().UTC().Format(time.RFC3339), "results": results})
			return nil
		}
		key := func(query.TrendSeries) (string, bool) { return event, true }
		if prop != "" || on.Expr != nil {
			key = byBreakdown
		}
		if kind == "numeric" {
			key = func(s query.TrendSeries) (string, bool) { return s.Breakdown[0], s.Breakdown[0] != query.None }
		}
		writeJSON(w, http.StatusOK, seriesValues(iv, tr, key))
		return nil
	})
}

// eventsRange reads from_date/to_date, or the last interval units.
func (m *mpRequest) eventsRange(iv query.Interval) (string, string, error) {
	if m.get("from_date") != "" || m.get("to_date") != "" {
		return m.dates(0)
	}
	n, err := m.intParam("interval", 1, 1, 3660)
	if err != nil {
		return "", "", err
	}
	if m.get("interval") == "" {
		return "", "", badRequest("interval (the number of units) or from_date and to_date are required")
	}
	from, to := m.lastUnits(iv, n)
	return from, to, nil
}

// Events handles /events: counts of named events per unit.
func (a *API) Events() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		var events []string
		if err := json.Unmarshal([]byte(m.get("event")), &events); err != nil || len(events) == 0 || len(events) > query.MaxSeries {
			return badRequest(fmt.Sprintf(`event must be a JSON array of 1 to %d event names, e.g. ["signup"]`, query.MaxSeries))
		}
		math, err := mathOf(m.get("type"))
		if err != nil || m.get("type") == "" {
			return badRequest("type must be general, unique or average")
		}
		iv, err := m.unit("unit", "", query.Hour, query.Day, query.Week, query.Month)
		if err != nil {
			return err
		}
		if iv == query.Hour && math != query.Total {
			return badRequest("hourly data is only available with type general")
		}
		from, to, err := m.eventsRange(iv)
		if err != nil {
			return err
		}
		q := &query.Query{Kind: query.Trends, From: from, To: to, Interval: iv}
		for _, e := range events {
			q.Series = append(q.Series, query.Series{Event: e, Math: math})
		}
		res, err := a.mpRun(m, q)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, seriesValues(iv, res.Trends, func(s query.TrendSeries) (string, bool) { return events[s.Series], true }))
		return nil
	})
}

// eventTotals counts events by name (math) over from..to, as one total per
// name and one per name and day.
func (a *API) eventTotals(m *mpRequest, math query.Math, from, to string) (map[string][]float64, error) {
	q := &query.Query{Kind: query.Trends, From: from, To: to, Interval: query.Day, Series: []query.Series{{Math: math}},
		Breakdown: []query.Property{{Scope: query.ScopeEventName}}, BreakdownLimit: query.MaxTopN}
	res, err := a.mpRun(m, q)
	if err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for _, s := range res.Trends.Series {
		if s.Breakdown[0] != query.Other {
			out[s.Breakdown[0]] = s.Values
		}
	}
	return out, nil
}

// EventsTop handles /events/top: today's events by volume, with the change
// since yesterday.
func (a *API) EventsTop() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		math, err := mathOf(m.get("type"))
		if err != nil || m.get("type") == "" {
			return badRequest("type must be general, unique or average")
		}
		limit, err := m.intParam("limit", 100, 1, 10000)
		if err != nil {
			return err
		}
		today := time.Now().In(m.loc)
		totals, err := a.eventTotals(m, math, today.AddDate(0, 0, -1).Format(time.DateOnly), today.Format(time.DateOnly))
		if err != nil {
			return err
		}
		type top struct {
			Amount        float64 `json:"amount"`
			Event         string  `json:"event"`
			PercentChange float64 `json:"percent_change"`
		}
		var out []top
		for name, v := range totals {
			if v[1] == 0 {
				continue
			}
			t := top{Amount: v[1], Event: name}
			if v[0] > 0 {
				t.PercentChange = (v[1] - v[0]) / v[0]
			}
			out = append(out, t)
		}
		slices.SortFunc(out, func(x, y top) int {
			if x.Amount != y.Amount {
				if x.Amount > y.Amount {
					return -1
				}
				return 1
			}
			return strings.Compare(x.Event, y.Event)
		})
		if out == nil {
			out = []top{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"events": out[:min(limit, len(out))], "type": m.get("type")})
		return nil
	})
}

// ranked returns the keys of totals by descending sum, then by name.
func ranked(totals map[string][]float64, limit int) []string {
	sums := map[string]float64{}
	keys := make([]string, 0, len(totals))
	for k, v := range totals {
		for _, x := range v {
			sums[k] += x
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if sums[a] != sums[b] {
			if sums[a] > sums[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys[:min(limit, len(keys))]
}

// EventNames handles /events/names: the names of the last 31 days' events,
// most frequent first.
func (a *API) EventNames() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		math, err := mathOf(m.get("type"))
		if err != nil {
			return err
		}
		limit, err := m.intParam("limit", 255, 1, 10000)
		if err != nil {
			return err
		}
		from, to, _ := (&mpRequest{loc: m.loc, get: func(string) string { return "" }}).dates(31)
		totals, err := a.eventTotals(m, math, from, to)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, ranked(totals, limit))
		return nil
	})
}

// EventProperties handles /events/properties: one event's counts per unit,
// by the values of one property.
func (a *API) EventProperties() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		event, name := m.get("event"), m.get("name")
		if event == "" || name == "" {
			return badRequest("event and name are required")
		}
		math, err := mathOf(m.get("type"))
		if err != nil || m.get("type") == "" {
			return badRequest("type must be general, unique or average")
		}
		iv, err := m.unit("unit", "", query.Hour, query.Day, query.Week, query.Month)
		if err != nil {
			return err
		}
		from, to, err := m.eventsRange(iv)
		if err != nil {
			return err
		}
		limit, err := m.intParam("limit", 255, 1, 10000)
		if err != nil {
			return err
		}
		var keep []string
		if s := m.get("values"); s != "" {
			if err := json.Unmarshal([]byte(s), &keep); err != nil {
				return badRequest(`values must be a JSON array of strings, e.g. ["pro","free"]`)
			}
			limit = query.MaxTopN
		}
		q := &query.Query{Kind: query.Trends, From: from, To: to, Interval: iv, Series: []query.Series{{Event: event, Math: math}},
			Breakdown: []query.Property{{Name: name}}, BreakdownLimit: limit}
		res, err := a.mpRun(m, q)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, seriesValues(iv, res.Trends, func(s query.TrendSeries) (string, bool) {
			k, ok := byBreakdown(s)
			return k, ok && (keep == nil || slices.Contains(keep, k))
		}))
		return nil
	})
}

// EventPropertyValues handles /events/properties/values: the most common
// values of one property of an event (last 30 days unless from_date and
// to_date are given).
func (a *API) EventPropertyValues() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		event, name := m.get("event"), m.get("name")
		if event == "" || name == "" {
			return badRequest("event and name are required")
		}
		limit, err := m.intParam("limit", 255, 1, 10000)
		if err != nil {
			return err
		}
		from, to, err := m.dates(30)
		if err != nil {
			return err
		}
		q := &query.Query{Kind: query.Trends, From: from, To: to, Interval: query.Month, Series: []query.Series{{Event: event}},
			Breakdown: []query.Property{{Name: name}}, BreakdownLimit: limit + 1}
		res, err := a.mpRun(m, q)
		if err != nil {
			return err
		}
		totals := map[string][]float64{}
		for _, s := range res.Trends.Series {
			if k := s.Breakdown[0]; k != query.Other && k != query.None {
				totals[k] = s.Values
			}
		}
		writeJSON(w, http.StatusOK, ranked(totals, limit))
		return nil
	})
}

// Retention handles /retention: birth (first time) or compounded
// (recurring) retention.
func (a *API) Retention() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		from, to, err := m.dates(0)
		if err != nil {
			return err
		}
		iv, err := m.unit("unit", "day", query.Day, query.Week, query.Month)
		if err != nil {
			return err
		}
		width, err := m.intParam("interval", 1, 1, query.MaxWidth) // units per retention interval
		if err != nil {
			return err
		}
		count, err := m.intParam("interval_count", 1, 1, query.MaxPeriods)
		if err != nil {
			return err
		}
		if (count+1)*width > query.MaxPeriods+1 {
			return badRequest(fmt.Sprintf("(interval_count+1) * interval must be at most %d units", query.MaxPeriods+1))
		}
		o := &query.RetentionOptions{Type: query.FirstTime, Start: query.Series{Event: m.get("born_event")},
			Return: query.Series{Event: m.get("event")}, Intervals: count, Width: width, Mode: query.On}
		switch m.get("retention_type") {
		case "", "birth":
			if o.Start.Event == "" {
				return badRequest("born_event is required with retention_type birth")
			}
		case "compounded":
			o.Type = query.Recurring
			if o.Start.Event == "" {
				o.Start.Event = o.Return.Event
			}
			if o.Start.Event == "" {
				return badRequest("event or born_event is required")
			}
		default:
			return badRequest("retention_type must be birth or compounded")
		}
		if bw := m.get("born_where"); bw != "" {
			if _, err := whereParam(bw, "query"); err != nil {
				return badRequest("born_where: " + strings.TrimPrefix(err.Error(), "where: "))
			}
			o.Start.Filter = &expr.Filter{Where: bw}
		}
		if b, _ := strconv.ParseBool(m.get("unbounded_retention")); b {
			o.Mode = query.OnOrAfter
		}
		q := &query.Query{Kind: query.Retention, From: from, To: to, Interval: iv, Retention: o}
		if on := m.get("on"); on != "" {
			prop, err := onBreakdown(on, true)
			if err != nil {
				return err
			}
			q.Breakdown = []query.Property{prop}
		}
		res, err := a.mpRun(m, q)
		if err != nil {
			return err
		}
		type cohort struct {
			Counts []int `json:"counts"`
			First  int   `json:"first"`
		}
		if len(q.Breakdown) == 0 {
			out := map[string]cohort{}
			for _, c := range res.Retention.Cohorts {
				out[c.Date] = cohort{c.Counts, c.Size}
			}
			writeJSON(w, http.StatusOK, out)
			return nil
		}
		out := map[string]map[string]cohort{}
		for _, c := range res.Retention.Cohorts {
			if out[c.Date] == nil {
				out[c.Date] = map[string]cohort{}
			}
			out[c.Date][c.Breakdown[0]] = cohort{c.Counts, c.Size}
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// CohortsList handles Mixpanel's /cohorts/list: Sieve has no cohorts, so
// the list is empty.
func (a *API) CohortsList() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		writeJSON(w, http.StatusOK, []any{})
		return nil
	})
}

// JQL handles Mixpanel's /jql: refused. JQL runs user JavaScript over raw
// events (Mixpanel has deprecated it); Sieve answers the same questions
// through the query endpoints.
func (a *API) JQL() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		return badRequest("JQL is not supported: Sieve runs no scripts over events. Use /segmentation, /funnels, /retention, " +
			"/api/2.0/export or POST /api/projects/{id}/query (docs/QUERIES.md)")
	})
}

// EventPropertiesTop handles /events/properties/top: the property names an
// event carries most often, with how many of its events carry each
// ({"plan":{"count":295}}), over from_date..to_date or the last 31 days.
// It reads the events' properties (names only) from the store.
func (a *API) EventPropertiesTop() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		name := m.get("event")
		if name == "" {
			return badRequest("event is required")
		}
		limit, err := m.intParam("limit", 10, 1, 10000)
		if err != nil {
			return err
		}
		if m.where != nil {
			return badRequest("where is not supported on /events/properties/top")
		}
		from, to, err := m.dates(31)
		if err != nil {
			return err
		}
		start, end := (&query.Query{From: from, To: to}).Range(m.loc)
		counts := map[string]int{}
		var p fastjson.Parser
		n := 0
		defer func() {
			a.recordDone(m.r, m.who, audit.Entry{Action: "query", ProjectID: m.pr.ID, Criteria: m.crit, Events: []string{name}, Rows: int64(n)})
		}()
		err = a.store.Export(m.r.Context(), store.ExportQuery{ProjectID: m.pr.ID, From: start, To: end, Events: []string{name}}, func(row *event.Row) error {
			n++
			v, err := p.ParseBytes(row.Props)
			if err != nil {
				return nil // stored properties are JSON objects; skip anything else
			}
			if o, err := v.Object(); err == nil {
				o.Visit(func(k []byte, _ *fastjson.Value) { counts[string(k)]++ })
			}
			return nil
		})
		if err != nil {
			return err
		}
		names := make([]string, 0, len(counts))
		for k := range counts {
			names = append(names, k)
		}
		slices.SortFunc(names, func(x, y string) int {
			if counts[x] != counts[y] {
				return counts[y] - counts[x]
			}
			return strings.Compare(x, y)
		})
		out := map[string]any{}
		for _, k := range names[:min(limit, len(names))] {
			out[k] = map[string]int{"count": counts[k]}
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// MixpanelInsights handles Mixpanel's /insights?bookmark_id=: a saved trends
// insight (POST /api/projects/{id}/insights), run over its own range, in
// Mixpanel's shape: series by series name (the event, or the formula's
// name), then by breakdown value, then by the bucket's start in the
// project's time zone (RFC 3339); headers name "$event" and the breakdown
// properties.
func (a *API) MixpanelInsights() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		id, err := strconv.ParseInt(m.get("bookmark_id"), 10, 64)
		if err != nil || id <= 0 {
			return badRequest("bookmark_id is required: the id of a saved insight")
		}
		in, err := a.projects.Insight(m.pr.ID, id)
		if err != nil {
			return err
		}
		q, err := query.Parse(in.Query)
		if err != nil {
			return queryError(err)
		}
		if q.Kind != query.Trends {
			return badRequest(fmt.Sprintf("bookmark_id %d is a %s insight: /insights answers trends insights; use /funnels, /retention or POST /api/projects/{id}/query", id, q.Kind))
		}
		m.crit["insight"] = id
		res, err := a.mpRun(m, q) // where, if given, applies on top
		if err != nil {
			return err
		}
		tr := res.Trends
		dates := make([]string, len(tr.Buckets))
		for i, b := range tr.Buckets {
			dates[i] = bucketTime(b, m.loc)
		}
		headers := []string{"$event"}
		for _, p := range q.Breakdown {
			h := p.Name
			if p.Scope == query.ScopeEventName {
				h = "$event_name"
			}
			headers = append(headers, h)
		}
		series := map[string]any{}
		for _, ts := range tr.Series {
			name := ts.Name
			if ts.Series >= 0 {
				if name = q.Series[ts.Series].Event; name == "" {
					name = "All Events"
				}
				if n := seriesNamed(q, name); n > 1 {
					name += " (" + query.SeriesName(ts.Series) + ")"
				}
			}
			node := series
			for _, b := range append([]string{name}, ts.Breakdown...) {
				next, ok := node[b].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[b] = next
				}
				node = next
			}
			for i, d := range dates {
				node[d] = ts.Values[i]
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"computed_at": time.Now().UTC().Format(time.RFC3339),
			"date_range":  map[string]string{"from_date": bucketTime(q.From, m.loc), "to_date": bucketTime(q.To, m.loc)},
			"headers":     headers,
			"series":      series,
		})
		return nil
	})
}

// seriesNamed counts the series of q for the event name.
func seriesNamed(q *query.Query, name string) int {
	n := 0
	for _, s := range q.Series {
		e := s.Event
		if e == "" {
			e = "All Events"
		}
		if e == name {
			n++
		}
	}
	return n
}

// bucketTime is a bucket key (yyyy-mm-dd, or RFC 3339 for hours) as the
// RFC 3339 time of its start in loc.
func bucketTime(key string, loc *time.Location) string {
	if t, err := time.ParseInLocation(time.DateOnly, key, loc); err == nil {
		return t.Format(time.RFC3339)
	}
	return key
}

// RetentionAddiction handles /retention/addiction: per period of unit
// (day, week, month), how many users did the event (any event without
// event) in at least 1, 2, ... distinct addiction_units (hour, day) of it:
// {"data":{"<date>":[n1, n2, ...]}}; with on (a property or an
// expression), {"data":{"<date>":{"<value>":[n1, n2, ...]}}}, a user
// counted per value over the events with it, dates without events
// absent.
func (a *API) RetentionAddiction() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		from, to, err := m.dates(0)
		if err != nil {
			return err
		}
		iv, err := m.unit("unit", "", query.Day, query.Week, query.Month)
		if err != nil {
			return err
		}
		au, err := m.unit("addiction_unit", "", query.Hour, query.Day)
		if err != nil {
			return err
		}
		if au == query.Day && iv == query.Day {
			return badRequest("addiction_unit must be shorter than unit: hour with unit day")
		}
		q := &query.Query{Kind: query.Addiction, From: from, To: to, Interval: iv,
			Series: []query.Series{{Event: m.get("event")}}, Addiction: &query.AddictionOptions{Unit: au}}
		if on := m.get("on"); on != "" {
			prop, err := onBreakdown(on, true)
			if err != nil {
				return err
			}
			q.Breakdown = []query.Property{prop}
		}
		res, err := a.mpRun(m, q)
		if err != nil {
			return err
		}
		if len(q.Breakdown) == 0 {
			data := map[string][]int{}
			for _, p := range res.Addiction.Periods {
				data[p.Date] = p.Counts
			}
			writeJSON(w, http.StatusOK, map[string]any{"data": data})
			return nil
		}
		// With on, as /retention with on: each date's arrays by value.
		data := map[string]map[string][]int{}
		for _, p := range res.Addiction.Periods {
			if data[p.Date] == nil {
				data[p.Date] = map[string][]int{}
			}
			data[p.Date][p.Breakdown[0]] = p.Counts
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data})
		return nil
	})
}
