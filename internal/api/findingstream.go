package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/findingstream"
)

// SetFindingStream gives the API the findings stream. Call it before
// serving.
func (a *API) SetFindingStream(s *findingstream.Stream) { a.stream = s }

// FindingStream handles GET /api/projects/{id}/findings/stream?after=&limit=
// (read role): the project's findings after the cursor, oldest first, as
// NDJSON (one findingstream.Record a line), at most limit (default 1000,
// at most 10000). The answer's Sieve-Cursor header is the cursor of the
// next call (it moves past other projects' records too); each record's seq
// is a cursor as well. 410 when the cursor is older than what retention
// kept.
func (a *API) FindingStream() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Read)
		if err != nil {
			return err
		}
		if a.stream == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the findings stream is not available"}
		}
		var after int64
		if s := r.URL.Query().Get("after"); s != "" {
			if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
				return badRequest("after must be a cursor (a non-negative integer) from an earlier answer")
			}
		}
		limit := 1000
		if s := r.URL.Query().Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 10000 {
				return badRequest("limit must be an integer from 1 to 10000")
			}
			limit = n
		}
		var body []byte
		rows := 0
		next, err := a.stream.Read(pr.ID, after, limit, func(_ int64, line []byte) error {
			body = append(append(body, line...), '\n')
			rows++
			return nil
		})
		if errors.Is(err, findingstream.ErrGap) {
			return &Error{Code: http.StatusGone, Msg: "records after this cursor were removed by retention; start again from after=0"}
		}
		if err != nil {
			return err
		}
		if err := a.record(r, who, audit.Entry{Action: "findings.stream", ProjectID: pr.ID,
			Criteria: map[string]any{"after": after, "next": next}, Rows: int64(rows)}); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Sieve-Cursor", strconv.FormatInt(next, 10))
		_, _ = w.Write(body)
		return nil
	})
}

// SetFindingForwarder gives the API the findings webhook forwarder. Call
// it before serving.
func (a *API) SetFindingForwarder(f *alert.Forwarder) { a.forwarder = f }

// PutFindingWebhook handles PUT /api/projects/{id}/findings/webhook
// (admin) with {"url","secret"?}: the project's findings are delivered
// there in signed NDJSON batches from now on. The secret is shown once.
func (a *API) PutFindingWebhook() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if a.forwarder == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the findings forwarder is not available"}
		}
		var body struct {
			URL    string `json:"url"`
			Secret string `json:"secret"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		h, err := a.forwarder.Set(pr.ID, body.URL, body.Secret)
		if err != nil {
			return invalidInput(err)
		}
		a.recordDone(r, who, audit.Entry{Action: "findings.webhook.set", ProjectID: pr.ID})
		writeJSON(w, http.StatusOK, map[string]any{"project_id": pr.ID, "url": h.URL, "secret": h.Secret, "cursor": h.Cursor,
			"signature": "header " + alert.SignatureHeader + ": t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>; " +
				alert.CursorHeader + ": the last record's seq"})
		return nil
	})
}

// GetFindingWebhook handles GET /api/projects/{id}/findings/webhook
// (admin; never the secret): URL, cursor, consecutive failures.
func (a *API) GetFindingWebhook() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, _, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if a.forwarder == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the findings forwarder is not available"}
		}
		h, ok := a.forwarder.Get(pr.ID)
		if !ok {
			return &Error{Code: http.StatusNotFound, Msg: "this project has no findings webhook"}
		}
		writeJSON(w, http.StatusOK, h)
		return nil
	})
}

// DeleteFindingWebhook handles DELETE /api/projects/{id}/findings/webhook (admin).
func (a *API) DeleteFindingWebhook() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		pr, who, err := a.projectInPath(r, auth.Admin)
		if err != nil {
			return err
		}
		if a.forwarder == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the findings forwarder is not available"}
		}
		if err := a.forwarder.Delete(pr.ID); err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "findings.webhook.delete", ProjectID: pr.ID})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
