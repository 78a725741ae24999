package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/plan"
)

// SetPlans gives the API the tracking plans. Call it before serving.
func (a *API) SetPlans(p *plan.Store) { a.plans = p }

// GetPlan handles GET /api/projects/{id}/plan (read): the project's
// tracking plan (mode "off" with no events when none was set). With
// ?generate=lexicon it answers a starting point instead, nothing stored:
// every event the lexicon saw, each with every top-level property path the
// project's events carried and its types, in mode "report".
func (in *Insights) GetPlan() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, _, err := in.a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		if in.a.plans == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "tracking plans are not available"}
		}
		switch r.URL.Query().Get("generate") {
		case "":
			writeJSON(w, http.StatusOK, in.a.plans.Get(pr.ID))
			return nil
		case "lexicon":
		default:
			return badRequest(`generate must be "lexicon"`)
		}
		lex := in.lexicon.Project(pr.ID)
		props := map[string]*plan.Schema{}
		for _, p := range lex.Properties {
			guarded := slices.ContainsFunc(p.Classes, func(c string) bool { return c != plan.Class })
			if p.Path == "" || len(p.Types) == 0 || strings.ContainsAny(p.Path, ".[") || plan.System(p.Path) || guarded {
				continue // nested paths come with their parent; paths only findings named, or the guard acted on, are not planned
			}
			s := &plan.Schema{}
			for _, t := range p.Types {
				if t != "" {
					s.Type = append(s.Type, t)
				}
			}
			props[p.Path] = s
		}
		out := &plan.Plan{Mode: plan.Report, UnplannedEvents: plan.Keep, Events: map[string]*plan.EventSchema{}}
		for _, e := range lex.Events {
			if plan.System(e.Name) && strings.HasPrefix(e.Name, "$") {
				continue
			}
			out.Events[e.Name] = &plan.EventSchema{Properties: props}
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// PutPlan handles PUT /api/projects/{id}/plan (admin): a plan document,
// validated, then applied to the events that arrive from then on.
func (in *Insights) PutPlan() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := in.a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if in.a.plans == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "tracking plans are not available"}
		}
		var p plan.Plan
		if err := decodeBody(w, r, &p); err != nil {
			return err
		}
		if err := in.a.plans.Put(pr.ID, &p); err != nil {
			if errors.Is(err, plan.ErrInvalid) {
				return badRequest(err.Error())
			}
			return err
		}
		in.a.recordDone(r, who, audit.Entry{Action: "plan.set", ProjectID: pr.ID,
			Criteria: map[string]any{"mode": p.Mode, "events": len(p.Events), "unplanned_events": p.UnplannedEvents}})
		writeJSON(w, http.StatusOK, in.a.plans.Get(pr.ID))
		return nil
	})
}
