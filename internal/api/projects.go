package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/guardcache"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/session"
	"github.com/sieve-analytics/sieve/internal/store"
)

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("project id in the path must be a positive integer")
	}
	return id, nil
}

// projectInPath reads the project id in the path, checks that the caller may
// act at level on it, and returns the project (404 when there is none).
func (a *API) projectInPath(r *http.Request, level auth.Level) (project.Project, auth.Principal, error) {
	id, err := pathID(r)
	if err != nil {
		return project.Project{}, auth.Principal{}, err
	}
	who, err := a.authorize(r, level, id)
	if err != nil {
		return project.Project{}, who, err
	}
	p, err := a.projects.Get(id)
	return p, who, err
}

// CreateProject handles POST /api/projects {"name"} (admin key).
func (a *API) CreateProject() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		var body struct {
			Name string `json:"name"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		c, err := a.projects.Create(body.Name)
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "project.create", ProjectID: c.ID})
		writeJSON(w, http.StatusCreated, c)
		return nil
	})
}

// ListProjects handles GET /api/projects: every project for the admin key,
// the caller's own project otherwise.
func (a *API) ListProjects() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		p, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		var out []project.Project
		for _, pr := range a.projects.List() {
			if p.Can(auth.Read, pr.ID) {
				out = append(out, pr)
			}
		}
		if out == nil {
			out = []project.Project{}
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// GetProject handles GET /api/projects/{id}.
func (a *API) GetProject() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if _, err := a.authorize(r, auth.Read, id); err != nil {
			return err
		}
		p, err := a.projects.Get(id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, shownProject{p, !p.Settings.SecretNoPII})
		return nil
	})
}

// shownProject is a project as GET and PATCH /api/projects/{id} show it:
// with api_secret_pii, whether its API secret holds the pii grant (true by
// default), so that the default is visible where the project is.
type shownProject struct {
	project.Project
	APISecretPII bool `json:"api_secret_pii"`
}

// PatchProject handles PATCH /api/projects/{id} {"name","autotrack","url_params","store_ip","time_zone","api_secret_pii"}.
// api_secret_pii (whether the API secret holds the pii grant) may be
// changed only by a caller holding the grant, as PUT .../pii.
func (a *API) PatchProject() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Admin, id)
		if err != nil {
			return err
		}
		var patch struct {
			project.Patch
			APISecretPII *bool `json:"api_secret_pii"`
		}
		if err := decodeBody(w, r, &patch); err != nil {
			return err
		}
		if patch.APISecretPII != nil && !a.auth.PII(who, id) {
			return &Error{Code: http.StatusForbidden, Msg: "changing api_secret_pii needs the pii grant on the project"}
		}
		p, err := a.projects.Update(id, patch.Patch)
		if err != nil {
			return err
		}
		var crit map[string]any
		if v := patch.APISecretPII; v != nil && *v == p.Settings.SecretNoPII {
			if p, err = a.projects.SetPII(id, p.Settings.PIIPaths, *v); err != nil {
				return err
			}
			crit = map[string]any{"api_secret_pii": *v}
		}
		a.recordDone(r, who, audit.Entry{Action: "project.change", ProjectID: id, Criteria: crit})
		writeJSON(w, http.StatusOK, shownProject{p, !p.Settings.SecretNoPII})
		return nil
	})
}

// CreateServiceAccount handles POST /api/projects/{id}/service-accounts {"name","role"}.
func (a *API) CreateServiceAccount() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Admin, id)
		if err != nil {
			return err
		}
		var body struct {
			Name string       `json:"name"`
			Role project.Role `json:"role"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		sa, err := a.projects.CreateServiceAccount(id, body.Name, body.Role)
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "key.create", ProjectID: id, Criteria: map[string]any{"username": sa.Username, "role": string(body.Role)}})
		writeJSON(w, http.StatusCreated, sa)
		return nil
	})
}

// RotateSecret handles POST /api/projects/{id}/secret {"grace_seconds": N}:
// a new API secret, shown once; the current one stays valid for N seconds
// (default 86400, at most 7 days; 0 ends it at once). Admin of the project.
func (a *API) RotateSecret() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Admin, id)
		if err != nil {
			return err
		}
		body := struct {
			Grace *int64 `json:"grace_seconds"`
		}{}
		if r.ContentLength != 0 {
			if err := decodeBody(w, r, &body); err != nil {
				return err
			}
		}
		grace := 24 * time.Hour
		if body.Grace != nil {
			if *body.Grace < 0 || *body.Grace > int64(project.MaxSecretGrace/time.Second) {
				return badRequest("grace_seconds must be from 0 to 604800 (7 days)")
			}
			grace = time.Duration(*body.Grace) * time.Second
		}
		secret, until, err := a.projects.RotateSecret(id, grace)
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "key.rotate", ProjectID: id, Criteria: map[string]any{"grace_seconds": int64(grace / time.Second)}})
		writeJSON(w, http.StatusOK, map[string]any{"project_id": id, "api_secret": secret,
			"previous_valid_until": until.Format(time.RFC3339)})
		return nil
	})
}

// PatchServiceAccount handles PATCH
// /api/projects/{id}/service-accounts/{username} {"disabled": true|false}:
// a disabled account's credentials authenticate nothing (401) until it is
// enabled again, and its sessions end. Admin of the project; audited as
// key.disable or key.enable.
func (a *API) PatchServiceAccount() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Admin, id)
		if err != nil {
			return err
		}
		var body struct {
			Disabled *bool `json:"disabled"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if body.Disabled == nil {
			return badRequest(`send {"disabled": true} or {"disabled": false}`)
		}
		username := r.PathValue("username")
		sa, err := a.projects.SetServiceAccountDisabled(id, username, *body.Disabled)
		if err != nil {
			return err
		}
		action := "key.enable"
		if sa.Disabled {
			action = "key.disable"
			a.endSessionsOf("sa:" + sa.Username)
		}
		a.recordDone(r, who, audit.Entry{Action: action, ProjectID: id, Criteria: map[string]any{"username": sa.Username}})
		writeJSON(w, http.StatusOK, sa)
		return nil
	})
}

// DeleteServiceAccount handles DELETE
// /api/projects/{id}/service-accounts/{username}: the account is removed,
// its credentials authenticate nothing from then on (401) and its sessions
// end. Admin of the project; audited as key.delete.
func (a *API) DeleteServiceAccount() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Admin, id)
		if err != nil {
			return err
		}
		username := r.PathValue("username")
		if err := a.projects.DeleteServiceAccount(id, username); err != nil {
			return err
		}
		a.endSessionsOf("sa:" + username)
		a.recordDone(r, who, audit.Entry{Action: "key.delete", ProjectID: id, Criteria: map[string]any{"username": username}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// endSessionsOf revokes every UI session signed in as actor.
func (a *API) endSessionsOf(actor string) {
	if a.sessions == nil {
		return
	}
	for _, s := range a.sessions.List(func(s session.Session) bool { return s.Actor == actor }) {
		a.sessions.Revoke(s.ID)
	}
}

// ListServiceAccounts handles GET /api/projects/{id}/service-accounts.
func (a *API) ListServiceAccounts() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, _, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		id := pr.ID
		out := a.projects.ServiceAccounts(id)
		if out == nil {
			out = []project.ServiceAccount{}
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

type guardDoc struct {
	Policy  guard.Policy           `json:"policy"`
	Version int64                  `json:"version"`
	History []project.PolicyChange `json:"history"`
}

// GetGuard handles GET /api/projects/{id}/guard.
func (a *API) GetGuard() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Read, id)
		if err != nil {
			return err
		}
		raw, version, _, err := a.projects.Guard(id)
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: "guard.read", ProjectID: id, Criteria: map[string]any{"version": version}}); err != nil {
			return err
		}
		pol, err := guardcache.Policy(raw)
		if err != nil {
			return err
		}
		hist, err := a.projects.GuardHistory(id)
		if err != nil {
			return err
		}
		if hist == nil {
			hist = []project.PolicyChange{}
		}
		writeJSON(w, http.StatusOK, guardDoc{Policy: pol, Version: version, History: hist})
		return nil
	})
}

// PutGuard handles PUT /api/projects/{id}/guard with a policy document; the
// change is recorded with the actor who made it.
func (a *API) PutGuard() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		who, err := a.authorize(r, auth.Admin, id)
		if err != nil {
			return err
		}
		p, err := a.projects.Get(id)
		if err != nil {
			return err
		}
		var pol guard.Policy
		if err := decodeBody(w, r, &pol); err != nil {
			return err
		}
		if err := pol.Validate(); err != nil {
			return badRequest(err.Error())
		}
		_, _, key, err := a.projects.Guard(id)
		if err != nil {
			return err
		}
		if _, err := a.guard.Compile(pol, p.Token, key); err != nil {
			return badRequest(err.Error())
		}
		raw, err := json.Marshal(pol)
		if err != nil {
			return err
		}
		if err := a.projects.SetGuard(id, raw, who.Actor); err != nil {
			return err
		}
		_, version, _, _ := a.projects.Guard(id)
		a.recordDone(r, who, audit.Entry{Action: "guard.change", ProjectID: id, Criteria: map[string]any{"version": version}})
		hist, _ := a.projects.GuardHistory(id)
		writeJSON(w, http.StatusOK, guardDoc{Policy: pol, Version: version, History: hist})
		return nil
	})
}

// parseTimeParam reads an RFC 3339 time or a yyyy-mm-dd date from the query.
func parseTimeParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, badRequest(name + " must be an RFC 3339 time (2026-01-02T15:04:05Z) or a date (2026-01-02)")
}

// Findings handles GET /api/projects/{id}/findings?from=&to=&class=&limit=:
// the guard's findings (metadata only) and per-class counters.
func (a *API) Findings() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		id := pr.ID
		now := time.Now()
		from, err := parseTimeParam(r, "from", now.AddDate(0, 0, -30))
		if err != nil {
			return err
		}
		to, err := parseTimeParam(r, "to", now.Add(time.Minute))
		if err != nil {
			return err
		}
		if !to.After(from) {
			return badRequest("to must be after from")
		}
		limit := 1000
		if s := r.URL.Query().Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 100000 {
				return badRequest("limit must be an integer from 0 to 100000")
			}
			limit = n
		}
		q := store.FindingQuery{ProjectID: id, From: from.UnixMilli(), To: to.UnixMilli(), Class: r.URL.Query().Get("class")}
		type finding struct {
			Time string `json:"time"`
			event.Finding
		}
		type out struct {
			Findings  []finding      `json:"findings"`
			Counts    map[string]int `json:"counts"`
			Total     int            `json:"total"`
			Truncated bool           `json:"truncated"`
		}
		res := out{Findings: []finding{}, Counts: map[string]int{}}
		err = a.store.Findings(r.Context(), q, func(f *event.Finding) error {
			res.Total++
			res.Counts[f.Class]++
			if len(res.Findings) < limit {
				res.Findings = append(res.Findings, finding{Time: time.UnixMilli(f.Time).UTC().Format(time.RFC3339Nano), Finding: *f})
			} else {
				res.Truncated = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		crit := map[string]any{"from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339)}
		if q.Class != "" {
			crit["class"] = q.Class
		}
		if err := a.record(r, who, audit.Entry{Action: "findings.read", ProjectID: id, Criteria: crit, Rows: int64(res.Total)}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	})
}
