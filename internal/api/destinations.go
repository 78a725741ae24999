package api

import (
	"errors"
	"net/http"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/forward"
)

// SetEventForwarder enables the destinations endpoints (docs/FORWARDING.md).
func (a *API) SetEventForwarder(f *forward.Forwarder) { a.eventsOut = f }

var errNoForwarder = &Error{Code: http.StatusServiceUnavailable, Msg: "event forwarding is not available"}

// PutDestinations handles PUT /api/projects/{id}/destinations (project
// admin) with {"destinations":[...]}: the project's destinations are
// replaced. The answer shows secrets masked, as GET does; they are never
// shown again.
func (a *API) PutDestinations() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if a.eventsOut == nil {
			return errNoForwarder
		}
		var body struct {
			Destinations []forward.Destination `json:"destinations"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		views, err := a.eventsOut.Set(r.Context(), pr.ID, body.Destinations)
		if errors.Is(err, forward.ErrInvalid) {
			return badRequest(err.Error())
		} else if err != nil {
			return err
		}
		names := make([]string, len(body.Destinations))
		for i, d := range body.Destinations {
			names[i] = d.Kind + ":" + d.Name
		}
		a.recordDone(r, who, audit.Entry{Action: "destinations.set", ProjectID: pr.ID, Criteria: map[string]any{"destinations": names}})
		writeJSON(w, http.StatusOK, map[string]any{"destinations": views})
		return nil
	})
}

// GetDestinations handles GET /api/projects/{id}/destinations (project
// admin): each destination with masked secrets and its delivery state.
func (a *API) GetDestinations() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, _, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if a.eventsOut == nil {
			return errNoForwarder
		}
		writeJSON(w, http.StatusOK, map[string]any{"destinations": a.eventsOut.List(pr.ID)})
		return nil
	})
}

// DeleteDestinations handles DELETE /api/projects/{id}/destinations
// (project admin): forwarding stops; what was still queued is not sent.
func (a *API) DeleteDestinations() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if a.eventsOut == nil {
			return errNoForwarder
		}
		if _, err := a.eventsOut.Set(r.Context(), pr.ID, nil); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "destinations.delete", ProjectID: pr.ID})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
