package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

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

// deadLetterView is a dead letter as the API lists it: which record and
// why, never its properties or profile values (they may hold personal
// data; the list is for deciding to retry or discard).
type deadLetterView struct {
	Seq      int64     `json:"seq"`
	Time     int64     `json:"time"` // the record's own time, Unix ms
	Kind     string    `json:"kind"` // event, people or group
	Event    string    `json:"event,omitempty"`
	InsertID string    `json:"insert_id"`
	Ops      []string  `json:"ops,omitempty"` // a profile update's operations
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

func (a *API) destinationInPath(r *http.Request) (int64, string, auth.Principal, error) {
	pr, who, err := a.projectInPath(r, auth.Admin)
	if err != nil {
		return 0, "", who, err
	}
	if a.eventsOut == nil {
		return 0, "", who, errNoForwarder
	}
	return pr.ID, r.PathValue("name"), who, nil
}

func deadLetterErr(err error) error {
	if errors.Is(err, forward.ErrNotFound) {
		return &Error{Code: http.StatusNotFound, Msg: "the project has no destination of that name"}
	}
	return err
}

// GetDeadLetters handles GET /api/projects/{id}/destinations/{name}/dead-letters?limit=
// (project admin, audited): the destination's dead letters, oldest first
// (at most limit, default 100, at most 10000), and their total.
func (a *API) GetDeadLetters() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, name, who, err := a.destinationInPath(r)
		if err != nil {
			return err
		}
		limit := 100
		if s := r.URL.Query().Get("limit"); s != "" {
			if limit, err = strconv.Atoi(s); err != nil || limit < 0 || limit > 10000 {
				return badRequest("limit must be an integer from 0 to 10000")
			}
		}
		ds, total, err := a.eventsOut.DeadLetters(id, name, limit)
		if err != nil {
			return deadLetterErr(err)
		}
		out := make([]deadLetterView, len(ds))
		for i, d := range ds {
			v := deadLetterView{Seq: d.Record.Seq, Time: d.Record.Time, Kind: d.Record.Kind, Event: d.Record.Name,
				InsertID: d.Record.InsertID, Reason: d.Reason, At: d.At}
			if v.Kind == "" {
				v.Kind = "event"
			}
			for _, op := range d.Record.Ops {
				v.Ops = append(v.Ops, op.Op)
			}
			out[i] = v
		}
		if err := a.record(r, who, audit.Entry{Action: "destinations.dead_letters.list", ProjectID: id,
			Criteria: map[string]any{"destination": name}, Rows: int64(len(out))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"total": total, "dead_letters": out})
		return nil
	})
}

// RetryDeadLetters handles POST /api/projects/{id}/destinations/{name}/dead-letters/retry
// (project admin, audited): every dead letter goes back for delivery,
// before the outbox.
func (a *API) RetryDeadLetters() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, name, who, err := a.destinationInPath(r)
		if err != nil {
			return err
		}
		n, err := a.eventsOut.RetryDeadLetters(id, name)
		if err != nil {
			return deadLetterErr(err)
		}
		a.recordDone(r, who, audit.Entry{Action: "destinations.dead_letters.retry", ProjectID: id,
			Criteria: map[string]any{"destination": name}, Rows: int64(n)})
		writeJSON(w, http.StatusOK, map[string]any{"retried": n})
		return nil
	})
}

// DeleteDeadLetters handles DELETE /api/projects/{id}/destinations/{name}/dead-letters
// (project admin, audited): the dead letters are discarded.
func (a *API) DeleteDeadLetters() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, name, who, err := a.destinationInPath(r)
		if err != nil {
			return err
		}
		n, err := a.eventsOut.DiscardDeadLetters(id, name)
		if err != nil {
			return deadLetterErr(err)
		}
		a.recordDone(r, who, audit.Entry{Action: "destinations.dead_letters.discard", ProjectID: id,
			Criteria: map[string]any{"destination": name}, Rows: int64(n)})
		writeJSON(w, http.StatusOK, map[string]any{"discarded": n})
		return nil
	})
}
