package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/scope"
)

func (a *API) purgeManager() (*purge.Manager, error) {
	if a.purges == nil {
		return nil, &Error{Code: http.StatusServiceUnavailable, Msg: "purges are not available"}
	}
	return a.purges, nil
}

func purgeErr(err error) error {
	switch {
	case errors.Is(err, purge.ErrInvalid):
		return badRequest(err.Error()[len("purge: invalid request: "):])
	case errors.Is(err, purge.ErrNotFound):
		return &Error{Code: http.StatusNotFound, Msg: "no such purge job"}
	}
	return err
}

// purgeCriteria is what an audit entry records of a purge: its criteria,
// with distinct_ids as keyed hashes.
func purgeCriteria(c purge.Criteria) map[string]any {
	m := map[string]any{}
	if len(c.Properties) > 0 {
		m["properties"] = c.Properties
	}
	if len(c.DistinctIDHash) > 0 {
		m["distinct_id_hashes"] = c.DistinctIDHash
	}
	if len(c.Events) > 0 {
		m["events"] = c.Events
	}
	if c.From != "" {
		m["from"] = c.From
	}
	if c.To != "" {
		m["to"] = c.To
	}
	if c.Source != "" {
		m["source"] = c.Source
	}
	if c.Compliance != "" {
		m["compliance_type"] = c.Compliance
	}
	if c.Scope != nil {
		m["scope"] = map[string]any{"generated_at": c.Scope.GeneratedAt, "source": c.Scope.Source, "users": c.Scope.Users, "rules": c.Scope.Rules}
	}
	return m
}

// CreatePurge handles POST /api/purges (admin of the project):
// {"project_id","properties","distinct_ids","events","from","to","scope"}.
// It answers 202 with the queued job. With "scope" (a scope report or scope
// criteria) it answers 202 with {"jobs":[...]}, one job per affected
// project (see createScopePurge).
func (a *API) CreatePurge() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		m, err := a.purgeManager()
		if err != nil {
			return err
		}
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		var req purge.Request
		if err := decodePurgeBody(w, r, &req); err != nil {
			return err
		}
		if len(req.Scope) > 0 {
			return a.createScopePurge(w, r, m, who, req)
		}
		if req.ProjectID <= 0 {
			return badRequest("project_id must be a positive integer")
		}
		if !who.Can(auth.Admin, req.ProjectID) {
			return auth.ErrForbidden
		}
		if _, err := a.projects.Get(req.ProjectID); err != nil {
			return err
		}
		job, err := m.Submit(req, who.Actor, "api", "")
		if err != nil {
			return purgeErr(err)
		}
		a.recordDone(r, who, audit.Entry{Action: "purge.create", ProjectID: req.ProjectID, Criteria: withJob(purgeCriteria(job.Criteria), job.ID),
			Events: req.Events, Properties: req.Properties})
		writeJSON(w, http.StatusAccepted, job)
		return nil
	})
}

// maxPurgeBody bounds a purge request: a scope report of 10000 users per
// project with their paths is larger than other API bodies.
const maxPurgeBody = 64 << 20

// decodePurgeBody is decodeBody with the purge request's size limit.
func decodePurgeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPurgeBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &Error{Code: http.StatusRequestEntityTooLarge, Msg: "request body is larger than 64 MiB; narrow the scope report"}
		}
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return badRequest("field " + ute.Field + " has the wrong type")
		}
		if msg := err.Error(); strings.HasPrefix(msg, `json: unknown field "`) && len(msg) < 80 {
			return badRequest("unknown field " + msg[len("json: unknown field "):])
		}
		return badRequest("request body must be a JSON object")
	}
	return nil
}

// scopePurgeAnswer is the answer to a scope purge.
type scopePurgeAnswer struct {
	Jobs    []purge.Job   `json:"jobs"`
	Message string        `json:"message,omitempty"`
	Report  *scope.Report `json:"report,omitempty"` // the report computed from criteria
}

// createScopePurge purges everything a scope report lists. "scope" holds
// the report's JSON (as POST /api/scope or sieve scope wrote it) or scope
// criteria, from which the report is computed first (from findings, or by
// a rescan with "rescan": true — the request waits for it). Criteria need
// the admin key, as POST /api/scope does; a report needs admin rights on
// every project it purges. "project_id" limits the purge to that project;
// "from" and "to" narrow the time range. One job per affected project.
func (a *API) createScopePurge(w http.ResponseWriter, r *http.Request, m *purge.Manager, who auth.Principal, req purge.Request) error {
	if len(req.Properties) > 0 || len(req.DistinctIDs) > 0 || len(req.Events) > 0 {
		return badRequest("scope cannot be combined with properties, distinct_ids or events: the report says what goes")
	}
	if req.ProjectID < 0 {
		return badRequest("project_id must be a positive integer")
	}
	rep, crit, err := purge.ParseScope(req.Scope)
	if err != nil {
		return purgeErr(err)
	}
	if req.ProjectID > 0 {
		if !who.Can(auth.Admin, req.ProjectID) {
			return auth.ErrForbidden
		}
		if _, err := a.projects.Get(req.ProjectID); err != nil {
			return err
		}
	}
	computed := crit != nil
	if computed {
		if !who.Can(auth.GlobalAdmin, 0) {
			return auth.ErrForbidden
		}
		if req.ProjectID > 0 {
			if len(crit.ProjectIDs) == 0 {
				crit.ProjectIDs = []int64{req.ProjectID}
			} else if !slices.Contains(crit.ProjectIDs, req.ProjectID) {
				return badRequest("project_id is not among the scope criteria's project_ids")
			}
		}
		if rep, err = a.scopeReport(r, who, *crit); err != nil {
			return err
		}
	}
	plans, err := purge.PlanScope(rep, purge.ScopeOptions{ProjectID: req.ProjectID, From: req.From, To: req.To})
	if err != nil {
		return purgeErr(err)
	}
	for _, p := range plans {
		if !who.Can(auth.Admin, p.ProjectID) {
			return auth.ErrForbidden
		}
		if _, err := a.projects.Get(p.ProjectID); err != nil {
			return err
		}
	}
	ans := scopePurgeAnswer{Jobs: []purge.Job{}}
	if computed {
		ans.Report = rep
	}
	if len(plans) == 0 {
		ans.Message = "the scope report lists nothing to purge (in this project and time range)"
		writeJSON(w, http.StatusOK, ans)
		return nil
	}
	jobs, err := m.SubmitScope(plans, who.Actor)
	for _, job := range jobs {
		a.recordDone(r, who, audit.Entry{Action: "purge.create", ProjectID: job.Criteria.ProjectID, Criteria: withJob(purgeCriteria(job.Criteria), job.ID),
			Events: job.Criteria.Events, Properties: job.Criteria.Properties})
	}
	if err != nil {
		return err
	}
	ans.Jobs = jobs
	writeJSON(w, http.StatusAccepted, ans)
	return nil
}

// scopeReport computes a scope report for a purge, as POST /api/scope
// does (and audits it the same way): from recorded findings, or by a
// rescan of stored events with each project's current guard policy.
func (a *API) scopeReport(r *http.Request, who auth.Principal, c scope.Criteria) (*scope.Report, error) {
	var crit map[string]any
	if b, err := json.Marshal(c); err == nil {
		_ = json.Unmarshal(b, &crit)
	}
	crit["for"] = "purge"
	if err := a.record(r, who, audit.Entry{Action: "scope.report", Criteria: crit}); err != nil {
		return nil, err
	}
	now := time.Now()
	if !c.Rescan {
		rep, err := scope.FromFindings(r.Context(), a.projects, a.store, c, now)
		if err != nil {
			return nil, scopeErr(err)
		}
		return &rep, nil
	}
	src, ok := a.store.(scope.EventSource)
	if !ok {
		return nil, &Error{Code: http.StatusServiceUnavailable, Msg: "this store cannot rescan stored events"}
	}
	rs := scope.Rescanner{Projects: a.projects, Source: src, Guards: guardcache.New(a.projects, a.guard)}
	rep, err := rs.Rescan(r.Context(), c, now, nil)
	if err != nil {
		return nil, scopeErr(err)
	}
	return &rep, nil
}

func scopeErr(err error) error {
	if errors.Is(err, scope.ErrInvalid) {
		return badRequest(err.Error())
	}
	return err
}

func withJob(m map[string]any, id string) map[string]any {
	m["job_id"] = id
	return m
}

// GetPurge handles GET /api/purges/{id}: status, progress and, once done,
// the certificate.
func (a *API) GetPurge() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		m, err := a.purgeManager()
		if err != nil {
			return err
		}
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		job, err := m.Get(r.PathValue("id"))
		if err != nil {
			return purgeErr(err)
		}
		if !who.Can(auth.Admin, job.Criteria.ProjectID) {
			return auth.ErrForbidden
		}
		writeJSON(w, http.StatusOK, job)
		return nil
	})
}

// ListPurges handles GET /api/purges?project_id=.
func (a *API) ListPurges() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		m, err := a.purgeManager()
		if err != nil {
			return err
		}
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		id, err := projectParam(r, who)
		if err != nil {
			return err
		}
		if !who.Can(auth.Admin, id) {
			return auth.ErrForbidden
		}
		writeJSON(w, http.StatusOK, m.List(id))
		return nil
	})
}

// gdprProject authenticates a GDPR API call: ?token= names the project, and
// the credentials (the admin key as a Bearer token, Mixpanel's OAuth token
// place, or Basic auth of a project admin) must administer it.
func (a *API) gdprProject(r *http.Request) (auth.Principal, int64, error) {
	who, err := a.auth.FromRequest(r)
	if err != nil {
		return who, 0, err
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		return who, 0, badRequest("token (the project token) is required")
	}
	p, ok := a.projects.ByToken(token)
	if !ok {
		return who, 0, &Error{Code: http.StatusNotFound, Msg: "no project has this token"}
	}
	if !who.Can(auth.Admin, p.ID) {
		return who, 0, auth.ErrForbidden
	}
	return who, p.ID, nil
}

// GDPRDelete handles POST /api/app/data-deletions/v3.0?token= with
// {"distinct_ids":[...], "compliance_type":"GDPR"|"CCPA"}: Mixpanel's GDPR
// API shape for an erasure of those users' events, profiles and findings.
func (a *API) GDPRDelete() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		m, err := a.purgeManager()
		if err != nil {
			return err
		}
		who, project, err := a.gdprProject(r)
		if err != nil {
			return err
		}
		var body struct {
			DistinctIDs    []string `json:"distinct_ids"`
			ComplianceType string   `json:"compliance_type"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if len(body.DistinctIDs) == 0 || len(body.DistinctIDs) > 2000 {
			return badRequest("distinct_ids must list 1 to 2000 ids")
		}
		ct := body.ComplianceType
		if ct == "" {
			ct = "GDPR"
		}
		if ct != "GDPR" && ct != "CCPA" {
			return badRequest(`compliance_type must be "GDPR" or "CCPA"`)
		}
		job, err := m.Submit(purge.Request{ProjectID: project, DistinctIDs: body.DistinctIDs}, who.Actor, "gdpr", ct)
		if err != nil {
			return purgeErr(err)
		}
		crit := withJob(purgeCriteria(job.Criteria), job.ID)
		if a.eventsOut != nil {
			// Destinations that opted in get the deletion too
			// (docs/FORWARDING.md); the answer waits until it is queued.
			n, err := a.eventsOut.PassOnDeletion(project, job.ID, body.DistinctIDs, ct)
			if err != nil {
				return err
			}
			if n > 0 {
				crit["passed_on_to_destinations"] = n
			}
		}
		a.recordDone(r, who, audit.Entry{Action: "purge.create", ProjectID: project, Criteria: crit})
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "results": map[string]any{"task_id": job.ID}})
		return nil
	})
}

// gdprStatus maps a job status to Mixpanel's task statuses.
func gdprStatus(s string) string {
	switch s {
	case purge.StatusQueued:
		return "PENDING"
	case purge.StatusRunning, purge.StatusVerifying:
		return "STARTED"
	case purge.StatusDone:
		return "SUCCESS"
	case purge.StatusFailed:
		return "FAILURE"
	}
	return "UNKNOWN"
}

// GDPRStatus handles GET /api/app/data-deletions/v3.0/{id}?token=. The
// erased distinct_ids are answered as keyed hashes: Sieve keeps no copy.
func (a *API) GDPRStatus() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		m, err := a.purgeManager()
		if err != nil {
			return err
		}
		_, project, err := a.gdprProject(r)
		if err != nil {
			return err
		}
		job, err := m.Get(r.PathValue("id"))
		if err != nil || job.Criteria.ProjectID != project {
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "results": map[string]any{"tracking_id": r.PathValue("id"), "status": "NOT_FOUND"}})
			return nil
		}
		ids := job.Criteria.DistinctIDHash
		if ids == nil {
			ids = []string{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "results": map[string]any{
			"tracking_id": job.ID, "status": gdprStatus(job.Status), "requesting_user": job.RequestedBy,
			"compliance_type": job.Criteria.Compliance, "project_id": strconv.FormatInt(project, 10),
			"date_requested": job.Requested.Format(time.RFC3339), "distinct_ids": ids,
			"progress": job.Progress, "certificate": job.Certificate,
		}})
		return nil
	})
}
