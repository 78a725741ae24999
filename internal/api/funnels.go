package api

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/query"
)

// savedFunnel is the definition of a saved funnel: its steps and options,
// as in a funnels query document.
type savedFunnel struct {
	Name   string               `json:"name"`
	Steps  []query.Series       `json:"steps"`
	Funnel *query.FunnelOptions `json:"funnel,omitempty"`
}

// query is the funnel over from..to.
func (f *savedFunnel) query(from, to string) *query.Query {
	q := &query.Query{Kind: query.Funnels, From: from, To: to, Series: f.Steps}
	if f.Funnel != nil {
		o := *f.Funnel
		q.Funnel = &o
	}
	return q
}

// CreateFunnel handles POST /api/projects/{id}/funnels
// {"name","steps":[{"event"}...],"funnel":{window, window_unit, order, exclusions}}.
func (a *API) CreateFunnel() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		var f savedFunnel
		if err := decodeBody(w, r, &f); err != nil {
			return err
		}
		day := time.Now().Format(time.DateOnly)
		if err := f.query(day, day).Validate(); err != nil {
			return badRequest("invalid funnel: " + err.Error())
		}
		name := f.Name
		f.Name = ""
		def, _ := json.Marshal(f)
		saved, err := a.projects.SaveFunnel(pr.ID, name, def)
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "funnel.create", ProjectID: pr.ID, Criteria: map[string]any{"funnel_id": saved.ID}})
		writeJSON(w, http.StatusCreated, map[string]any{"funnel_id": saved.ID, "name": saved.Name})
		return nil
	})
}

// ListFunnels handles GET /api/projects/{id}/funnels: saved funnels with
// their definitions.
func (a *API) ListFunnels() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, _, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		fs, err := a.projects.Funnels(pr.ID)
		if err != nil {
			return err
		}
		out := []map[string]any{}
		for _, f := range fs {
			out = append(out, map[string]any{"funnel_id": f.ID, "name": f.Name, "definition": f.Definition, "created": f.Created})
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// DeleteFunnel handles DELETE /api/projects/{id}/funnels/{funnel_id}.
func (a *API) DeleteFunnel() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		fid, err := strconv.ParseInt(r.PathValue("funnel_id"), 10, 64)
		if err != nil {
			return badRequest("funnel_id must be an integer")
		}
		if err := a.projects.DeleteFunnel(pr.ID, fid); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "funnel.delete", ProjectID: pr.ID, Criteria: map[string]any{"funnel_id": fid}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// FunnelsList handles Mixpanel's /funnels/list.
func (a *API) FunnelsList() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		fs, err := a.projects.Funnels(m.pr.ID)
		if err != nil {
			return err
		}
		out := []map[string]any{}
		for _, f := range fs {
			out = append(out, map[string]any{"funnel_id": f.ID, "name": f.Name})
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// Funnels handles Mixpanel's /funnels: a saved funnel per date bucket
// (interval units of unit day, week or month) of users who entered it then; with on, per value of
// the property too (under "$overall" and each value, up to limit values).
func (a *API) Funnels() http.Handler {
	return a.mpHandler(func(w http.ResponseWriter, m *mpRequest) error {
		fid, err := strconv.ParseInt(m.get("funnel_id"), 10, 64)
		if err != nil {
			return badRequest("funnel_id is required: the id of a saved funnel")
		}
		saved, err := a.projects.Funnel(m.pr.ID, fid)
		if err != nil {
			return err
		}
		var f savedFunnel
		if err := json.NewDecoder(bytes.NewReader(saved.Definition)).Decode(&f); err != nil {
			return err
		}
		from, to, err := m.dates(0)
		if err != nil {
			return err
		}
		iv, err := m.unit("unit", "day", query.Day, query.Week, query.Month)
		if err != nil {
			return err
		}
		width, err := m.intParam("interval", 1, 1, query.MaxWidth) // units per date bucket
		if err != nil {
			return err
		}
		var on *query.Property
		if src := m.get("on"); src != "" {
			p, err := onBreakdown(src, false)
			if err != nil {
				return err
			}
			on = &p
		}
		limit, err := m.intParam("limit", 255, 1, 10000)
		if err != nil {
			return err
		}
		if l := m.get("length"); l != "" {
			n, err := strconv.Atoi(l)
			unit := m.get("length_unit")
			if unit == "" {
				unit = "day"
			}
			if err != nil || n < 1 || (unit != "second" && unit != "minute" && unit != "hour" && unit != "day") {
				return badRequest("length must be a positive integer and length_unit second, minute, hour or day")
			}
			if f.Funnel == nil {
				f.Funnel = &query.FunnelOptions{}
			}
			f.Funnel.Window, f.Funnel.WindowUnit = n, unit
			if unit == "second" {
				f.Funnel.Window, f.Funnel.WindowUnit = (n+59)/60, "minute"
			}
		}
		m.crit["funnel_id"] = fid
		bk := query.MakeBuckets(iv, m.loc, from, to)
		data := map[string]any{}
		// A date bucket is interval consecutive units, from the first.
		var dates []string
		for i := 0; i < len(bk.Keys); i += width {
			key := bk.Keys[i]
			dates = append(dates, bk.Labels[i])
			lo, hi := key, from
			if lo < from {
				lo = from
			}
			if i+width < len(bk.Keys) {
				next, _ := time.Parse(time.DateOnly, bk.Keys[i+width])
				hi = next.AddDate(0, 0, -1).Format(time.DateOnly)
			} else {
				hi = to
			}
			fq := f.query(lo, hi)
			if on != nil {
				fq.Breakdown = []query.Property{*on}
			}
			res, err := a.mpRun(m, fq)
			if err != nil {
				return err
			}
			if on == nil {
				data[bk.Labels[i]] = mpFunnel(f.Steps, res.Funnel.Steps)
				continue
			}
			// By value: "$overall", then the values with the most users
			// entering, up to limit.
			byValue := map[string]any{"$overall": mpFunnel(f.Steps, res.Funnel.Steps)}
			bs := slices.Clone(res.Funnel.Breakdowns)
			slices.SortStableFunc(bs, func(x, y query.FunnelBreakdown) int { return y.Steps[0].Count - x.Steps[0].Count })
			for _, b := range bs[:min(limit, len(bs))] {
				byValue[b.Breakdown[0]] = mpFunnel(f.Steps, b.Steps)
			}
			data[bk.Labels[i]] = byValue
		}
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"dates": dates}, "data": data})
		return nil
	})
}

// mpFunnel is Mixpanel's shape of one date's funnel.
func mpFunnel(defs []query.Series, steps []query.FunnelStep) map[string]any {
	out := make([]map[string]any, len(steps))
	worst, worstRatio := 1, math.Inf(1)
	for i, s := range steps {
		out[i] = map[string]any{"count": s.Count, "avg_time": s.AvgSeconds, "avg_time_from_start": s.AvgFromStartSeconds,
			"step_conv_ratio": s.StepConversion, "overall_conv_ratio": s.OverallConversion,
			"goal": defs[i].Event, "event": defs[i].Event, "step_label": defs[i].Event}
		if i > 0 && s.StepConversion < worstRatio {
			worst, worstRatio = i, s.StepConversion
		}
	}
	return map[string]any{"steps": out, "analysis": map[string]any{
		"completion": steps[len(steps)-1].Count, "starting_amount": steps[0].Count, "steps": len(steps), "worst": worst}}
}
