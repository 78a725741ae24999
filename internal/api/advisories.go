package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/advisory"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
)

func advisoryID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("advisory id in the path must be a positive integer")
	}
	return id, nil
}

// ListAdvisories handles GET /api/advisories (any credential: an advisory
// names an SDK, not a project).
func (in *Insights) ListAdvisories() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := in.a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		list := in.advisories.List()
		if err := in.a.record(r, who, audit.Entry{Action: "advisory.read", Rows: int64(len(list))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"advisories": list})
		return nil
	})
}

// CreateAdvisory handles POST /api/advisories (admin key):
// {"lib","versions","description","action","properties"}.
func (in *Insights) CreateAdvisory() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := in.a.authorize(r, auth.GlobalAdmin, 0); err != nil {
			return err
		}
		var body struct {
			Lib         string   `json:"lib"`
			Versions    string   `json:"versions"`
			Description string   `json:"description"`
			Action      string   `json:"action"`
			Properties  []string `json:"properties"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		adv, err := in.advisories.Add(advisory.Advisory{Lib: body.Lib, Versions: body.Versions, Description: body.Description,
			Action: body.Action, Properties: body.Properties}, time.Now())
		if err != nil {
			return invalidInput(err)
		}
		writeJSON(w, http.StatusCreated, adv)
		return nil
	})
}

// advisoryInPath returns the advisory named by the path's id (404 if none).
func (in *Insights) advisoryInPath(r *http.Request) (advisory.Advisory, error) {
	id, err := advisoryID(r)
	if err != nil {
		return advisory.Advisory{}, err
	}
	adv, err := in.advisories.Get(id)
	if errors.Is(err, advisory.ErrNotFound) {
		return advisory.Advisory{}, &Error{Code: http.StatusNotFound, Msg: "no advisory has this id"}
	}
	return adv, err
}

// GetAdvisory handles GET /api/advisories/{id}.
func (in *Insights) GetAdvisory() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := in.a.auth.FromRequest(r); err != nil {
			return err
		}
		adv, err := in.advisoryInPath(r)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, adv)
		return nil
	})
}

// AdvisoryReport handles GET /api/advisories/{id}/report (admin key): the
// projects that sent from affected versions, their last affected event,
// and the share that has updated.
func (in *Insights) AdvisoryReport() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := in.a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		adv, err := in.advisoryInPath(r)
		if err != nil {
			return err
		}
		if err := in.a.record(r, who, audit.Entry{Action: "advisory.report", Criteria: map[string]any{"advisory": adv.ID}}); err != nil {
			return err
		}
		name := func(pid int64) string {
			if p, err := in.a.projects.Get(pid); err == nil {
				return p.Name
			}
			return ""
		}
		writeJSON(w, http.StatusOK, advisory.BuildReport(adv, in.lexicon, name, time.Now()))
		return nil
	})
}
