package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/scope"
)

// Scope handles POST /api/scope (admin key). Without "rescan" it answers
// 200 with the report built from recorded findings; with "rescan": true it
// starts a rescan and answers 202 with the job (poll GET /api/scope/{id}).
func (in *Insights) Scope() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := in.a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		var c scope.Criteria
		if err := decodeBody(w, r, &c); err != nil {
			return err
		}
		// Scope criteria name classes, properties, events and projects,
		// never values.
		var crit map[string]any
		if b, err := json.Marshal(c); err == nil {
			_ = json.Unmarshal(b, &crit)
		}
		if err := in.a.record(r, who, audit.Entry{Action: "scope.report", Criteria: crit}); err != nil {
			return err
		}
		now := time.Now()
		if c.Rescan {
			job, err := in.scope.Start(c, now)
			if err != nil {
				return invalidInput(err)
			}
			w.Header().Set("Location", "/api/scope/"+job.ID)
			writeJSON(w, http.StatusAccepted, job)
			return nil
		}
		rep, err := scope.FromFindings(r.Context(), in.a.projects, in.a.store, c, now)
		if err != nil {
			return invalidInput(err)
		}
		writeJSON(w, http.StatusOK, rep)
		return nil
	})
}

// ScopeJob handles GET /api/scope/{id} (admin key): a rescan's status and
// progress, with the report once done.
func (in *Insights) ScopeJob() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := in.a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		job, ok := in.scope.Get(r.PathValue("id"))
		if !ok {
			return &Error{Code: http.StatusNotFound, Msg: "no rescan has this id (only the last 16 are kept, and none across restarts)"}
		}
		if job.Status != "running" { // progress polls are not reads of the report
			if err := in.a.record(r, who, audit.Entry{Action: "scope.read", Criteria: map[string]any{"job_id": job.ID, "status": job.Status}}); err != nil {
				return err
			}
		}
		writeJSON(w, http.StatusOK, job)
		return nil
	})
}
