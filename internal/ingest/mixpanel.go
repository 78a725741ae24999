package ingest

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/wire/mixpanel"
)

// The Mixpanel front end.

// Track handles /track and /track/.
func (in *Ingester) Track() http.Handler { return in.handler(mixpanel.Track) }

// Import handles /import and /import/.
func (in *Ingester) Import() http.Handler { return in.handler(mixpanel.Import) }

// Engage handles /engage and /engage/.
func (in *Ingester) Engage() http.Handler { return in.handler(mixpanel.Engage) }

// Groups handles /groups and /groups/.
func (in *Ingester) Groups() http.Handler { return in.handler(mixpanel.Groups) }

func (in *Ingester) handler(ep mixpanel.Endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.Stats.Requests.Add(1)
		start := time.Now()
		var req *request
		q := r.URL.Query()
		var opts mixpanel.ReplyOptions
		var out mixpanel.Outcome
		// Reply options may also come from the form body (mixpanel-python
		// sends verbose=1 there), so they are parsed once after decoding
		// merged the body's fields into q, and before anything is stored.
		_, err := mixpanel.ParseReplyOptions(q, ep)
		if err == nil {
			req = &request{batch: in.newBatch(r.Context()), ep: ep}
			out = in.decode(r, req, q)
			if opts, err = mixpanel.ParseReplyOptions(q, ep); err == nil && out.Err == nil {
				out = req.out
				if in.commit(r.Context(), req.batch, ep.String()) != nil {
					out = mixpanel.Outcome{Err: mixpanel.ErrUnavailable, Failed: req.out.Failed}
				}
			}
			in.release(req.batch)
		}
		if err != nil {
			out = mixpanel.Outcome{Err: err}
		}
		if in.denied != nil {
			switch {
			case errors.Is(out.Err, mixpanel.ErrUnauthorized):
				in.denied(r, ep.String(), http.StatusUnauthorized)
			case errors.Is(out.Err, mixpanel.ErrForbidden):
				in.denied(r, ep.String(), http.StatusForbidden)
			}
		}
		var b *batch
		if req != nil {
			b = req.batch
		}
		in.observe(ep.String(), b, len(out.Failed), out.Err, time.Since(start))
		reply := mixpanel.Respond(ep, opts, out)
		h := w.Header()
		for k, v := range reply.Header {
			h.Set(k, v)
		}
		h.Set("Content-Type", reply.ContentType)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(reply.Status)
		_, _ = w.Write(reply.Body)
	})
}

// request is the state of one Mixpanel request.
type request struct {
	*batch
	ep  mixpanel.Endpoint
	out mixpanel.Outcome
}

// decode reads and validates a request and runs each object through the
// pipeline, in memory. Nothing is stored until commit.
func (in *Ingester) decode(r *http.Request, req *request, q url.Values) mixpanel.Outcome {
	if req.ep == mixpanel.Import {
		p, err := in.importProject(r)
		if err != nil {
			return mixpanel.Outcome{Err: err}
		}
		req.fixed = &p
	}
	var body = r.Body
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		body = nil
	}
	payload, err := mixpanel.ReadPayload(mixpanel.Request{
		Query:           q,
		ContentLength:   r.ContentLength,
		ContentType:     r.Header.Get("Content-Type"),
		ContentEncoding: r.Header.Get("Content-Encoding"),
		Body:            body,
	})
	if err != nil {
		return mixpanel.Outcome{Err: err}
	}
	release, err := in.decodeSlot(r.Context())
	if err != nil {
		return mixpanel.Outcome{Err: mixpanel.ErrUnavailable}
	}
	defer release()
	objs, err := mixpanel.Objects(in.parserOf(req.batch), payload)
	if err != nil {
		return mixpanel.Outcome{Err: err}
	}

	tokenFailures := 0
	for i, v := range objs {
		var rerr *mixpanel.RecordError
		switch req.ep {
		case mixpanel.Track, mixpanel.Import:
			rerr = in.event(req, v)
		case mixpanel.Engage:
			rerr = in.profile(req, v, event.People)
		case mixpanel.Groups:
			rerr = in.profile(req, v, event.Group)
		}
		if rerr != nil {
			if rerr.Field == "token" || rerr.Field == "$token" {
				tokenFailures++
			}
			rerr.Index = i
			req.out.Failed = append(req.out.Failed, *rerr)
			in.Stats.Rejected.Add(1)
		}
	}
	if len(objs) > 0 && tokenFailures == len(objs) {
		return mixpanel.Outcome{Err: mixpanel.ErrUnauthorized}
	}
	return req.out
}

// importProject authenticates an /import request: Basic auth with the
// project's API secret or token (empty password), or a service account with
// ?project_id=. Bad credentials are ErrUnauthorized (401), valid ones
// without the right to the project ErrForbidden (403).
func (in *Ingester) importProject(r *http.Request) (project.Project, error) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return project.Project{}, mixpanel.ErrUnauthorized
	}
	who, err := in.auth.Basic(user, pass)
	if err != nil {
		return project.Project{}, mixpanel.ErrUnauthorized
	}
	id := who.ProjectID
	if s := r.URL.Query().Get("project_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return project.Project{}, mixpanel.ErrUnauthorized
		}
		id = n
	}
	// Valid credentials without the right to this project: 403.
	if id == 0 || !who.Can(auth.Ingest, id) {
		return project.Project{}, mixpanel.ErrForbidden
	}
	p, err := in.projects.Get(id)
	if err != nil {
		return project.Project{}, mixpanel.ErrForbidden
	}
	return p, nil
}

func recordError(r *refusal) *mixpanel.RecordError {
	return &mixpanel.RecordError{Field: r.field, Message: r.message}
}

func (in *Ingester) event(req *request, v *fastjson.Value) *mixpanel.RecordError {
	ev, token, ignored, rerr := mixpanel.DecodeEvent(v, mixpanel.Options{Endpoint: req.ep, Now: req.now})
	if rerr != nil {
		return rerr
	}
	if !ignored {
		if _, r := in.addEvent(req.batch, &ev, token); r != nil {
			return recordError(r)
		}
	}
	req.out.Accepted++
	return nil
}

func (in *Ingester) profile(req *request, v *fastjson.Value, kind event.ProfileKind) *mixpanel.RecordError {
	u, token, rerr := mixpanel.DecodeProfile(v, kind, mixpanel.Options{Endpoint: req.ep, Now: req.now})
	if rerr != nil {
		return rerr
	}
	if r := in.addProfile(req.batch, &u, token); r != nil {
		return recordError(r)
	}
	req.out.Accepted++
	return nil
}
