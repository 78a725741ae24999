package api

import (
	"errors"
	"net/http"
	"strconv"

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
			forward.Settings
			Destinations []forward.Destination `json:"destinations"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		views, err := a.eventsOut.Configure(r.Context(), pr.ID, body.Settings, body.Destinations)
		if errors.Is(err, forward.ErrInvalid) {
			return badRequest(err.Error())
		} else if err != nil {
			return err
		}
		names := make([]string, len(body.Destinations))
		for i, d := range body.Destinations {
			names[i] = d.Kind + ":" + d.Name
		}
		st := a.eventsOut.SettingsOf(pr.ID)
		a.recordDone(r, who, audit.Entry{Action: "destinations.set", ProjectID: pr.ID, Criteria: map[string]any{"destinations": names,
			"mode": st.Mode, "dead_letter_after_hours": st.DeadLetterAfterHours, "outbox_max_mb": st.OutboxMaxMB}})
		writeJSON(w, http.StatusOK, destinationsReply(st, views))
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
		writeJSON(w, http.StatusOK, destinationsReply(a.eventsOut.SettingsOf(pr.ID), a.eventsOut.List(pr.ID)))
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
		if _, err := a.eventsOut.Configure(r.Context(), pr.ID, forward.Settings{}, nil); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "destinations.delete", ProjectID: pr.ID})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

func destinationsReply(s forward.Settings, views []forward.View) map[string]any {
	return map[string]any{"mode": s.Mode, "dead_letter_after_hours": s.DeadLetterAfterHours, "outbox_max_mb": s.OutboxMaxMB,
		"destinations": views}
}

// nothingStored refuses a read of a forward-only project: its events are
// forwarded, not stored, and an empty answer would look like no traffic.
func (a *API) nothingStored(id int64) error {
	if a.eventsOut != nil && a.eventsOut.ForwardOnly(id) {
		return &Error{Code: http.StatusConflict, Msg: "project " + strconv.FormatInt(id, 10) +
			" is in forward-only mode: its events and profiles are forwarded to its destinations and not stored in Sieve, so there is nothing to query or export (findings, alerts and the lexicon are kept)"}
	}
	return nil
}
