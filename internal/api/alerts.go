package api

import (
	"net/http"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
)

// Alerts handles GET /api/alerts?project_id=&after_id=&limit=: the admin key
// sees every project's alerts (or one's); other credentials must name their
// project and need the read role.
func (in *Insights) Alerts() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		var query alert.Query
		for name, dst := range map[string]*int64{"project_id": &query.ProjectID, "after_id": &query.AfterID} {
			if s := q.Get(name); s != "" {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil || n < 0 {
					return badRequest(name + " must be a non-negative integer")
				}
				*dst = n
			}
		}
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1000 {
				return badRequest("limit must be an integer from 1 to 1000")
			}
			query.Limit = n
		}
		p, err := in.a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if !p.Global {
			if query.ProjectID == 0 {
				query.ProjectID = p.ProjectID
			}
			if !p.Can(auth.Read, query.ProjectID) {
				return auth.ErrForbidden
			}
		}
		alerts, dropped := in.alerts.List(query)
		if err := in.a.record(r, p, audit.Entry{Action: "alerts.read", ProjectID: query.ProjectID, Rows: int64(len(alerts))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"alerts": alerts, "dropped": dropped})
		return nil
	})
}

// PutWebhook handles PUT /api/projects/{id}/webhook {"url","secret"?}
// (project admin). The reply holds the signing secret: shown only here.
func (in *Insights) PutWebhook() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, _, err := in.a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		id := pr.ID
		var body struct {
			URL    string `json:"url"`
			Secret string `json:"secret"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		h, err := in.alerts.SetWebhook(id, body.URL, body.Secret)
		if err != nil {
			return invalidInput(err)
		}
		writeJSON(w, http.StatusOK, map[string]any{"project_id": id, "url": h.URL, "secret": h.Secret,
			"signature": "header " + alert.SignatureHeader + ": t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>"})
		return nil
	})
}

// GetWebhook handles GET /api/projects/{id}/webhook (read; never the secret).
// A project without a webhook answers 200 with "url": null: having none is
// a state of the project, not a missing resource (and a page asking for it
// then logs no failed request).
func (in *Insights) GetWebhook() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if _, err := in.a.authorize(r, auth.Read, id); err != nil {
			return err
		}
		var url any // null when the project has no webhook
		if u, ok := in.alerts.WebhookURL(id); ok {
			url = u
		}
		writeJSON(w, http.StatusOK, map[string]any{"project_id": id, "url": url})
		return nil
	})
}

// DeleteWebhook handles DELETE /api/projects/{id}/webhook (project admin).
func (in *Insights) DeleteWebhook() http.Handler {
	return in.a.handler(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if _, err := in.a.authorize(r, auth.Admin, id); err != nil {
			return err
		}
		if err := in.alerts.DeleteWebhook(id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
