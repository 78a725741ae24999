package ingest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/wire/mixpanel"
	"github.com/sieve-analytics/sieve/internal/wire/posthog"
)

// The PostHog front end. Replies are as each PostHog SDK expects (see
// docs/INGESTION.md): 200 {"status":1} once stored, also when the guard
// removed something; 400 for data that can never be stored; 401 for tokens;
// 413 for sizes; 503 with Retry-After when the store fails. No request body
// is ever logged.

// PostHog handles PostHog's capture endpoints: /e/, /i/v0/e/, /capture/
// and /track/ (Capture), /batch/ (Batch) and /engage/ (Engage).
func (in *Ingester) PostHog(ep posthog.Endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.Stats.Requests.Add(1)
		start := time.Now()
		meta := posthog.ParseMeta(r.URL.Query())
		b := in.newBatch(r.Context())
		err := in.posthogDecode(r, ep, b, meta)
		if err == nil {
			if cerr := in.commit(r.Context(), b, "posthog."+ep.String()); cerr != nil {
				err = posthog.NewError(posthog.ErrUnavailable, "", cerr)
			}
		}
		in.release(b)
		name := "posthog." + ep.String()
		if in.denied != nil && errors.Is(err, posthog.ErrUnauthorized) {
			in.denied(r, name, http.StatusUnauthorized)
		}
		in.observe(name, b, 0, err, time.Since(start))
		writeReply(w, posthog.CaptureReply(meta, err))
	})
}

// posthogDecode reads a request and runs every event, and the profile
// updates it implies, through the pipeline. Any failure fails the whole
// request: nothing of it is stored.
func (in *Ingester) posthogDecode(r *http.Request, ep posthog.Endpoint, b *batch, meta posthog.Meta) error {
	var body io.Reader = r.Body
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		body = nil
	}
	payload, err := posthog.ReadPayload(posthog.Request{
		Endpoint:        ep,
		Query:           r.URL.Query(),
		ContentType:     r.Header.Get("Content-Type"),
		ContentEncoding: r.Header.Get("Content-Encoding"),
		ContentLength:   r.ContentLength,
		Body:            body,
	})
	if err != nil {
		return err
	}
	release, err := in.decodeSlot(r.Context())
	if err != nil {
		return posthog.NewError(posthog.ErrUnavailable, "", err)
	}
	defer release()
	o := posthog.Options{Endpoint: ep, Now: b.now, SentAt: meta.SentAt}
	return posthog.Decode(in.parserOf(b), in.arenaOf(b), payload, o, func(it *posthog.Item) error {
		dropped, ref := in.addEvent(b, &it.Event, it.Token)
		if ref != nil {
			in.Stats.Rejected.Add(1)
			return refusalError(ref, it.Index)
		}
		if dropped {
			return nil // the guard dropped the event: its profile updates go too
		}
		for i := range it.Profiles {
			if ref := in.addProfile(b, &it.Profiles[i], it.Token); ref != nil {
				in.Stats.Rejected.Add(1)
				return refusalError(ref, it.Index)
			}
		}
		return nil
	})
}

// refusalError maps a pipeline refusal to PostHog's statuses.
func refusalError(r *refusal, index int) error {
	msg := r.message + " (event " + strconv.Itoa(index) + ")"
	switch r.kind {
	case refusedToken:
		return posthog.NewError(posthog.ErrUnauthorized, msg, nil)
	case refusedUnavailable:
		return posthog.NewError(posthog.ErrUnavailable, msg, nil)
	}
	return posthog.NewError(posthog.ErrMalformed, msg, nil)
}

// Recordings handles /s/: session recordings are refused politely (200
// with quota_limited, which pauses them in posthog-js). The body, DOM
// snapshots full of typed values, is never read.
func (in *Ingester) Recordings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeReply(w, posthog.RecordingsReply())
	})
}

// Flags handles /flags/ and /decide/: no feature flags. The body is read
// only for its token, which picks the project's settings for the config
// part of the reply (config: /decide/, or ?config=true); it carries URLs and
// e-mail addresses and is never logged nor stored.
func (in *Ingester) Flags(decide bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		s := posthog.Settings{}
		if r.Method == http.MethodPost {
			payload, err := posthog.ReadPayload(posthog.Request{Endpoint: posthog.Capture, Query: q,
				ContentEncoding: r.Header.Get("Content-Encoding"), ContentLength: r.ContentLength, Body: r.Body})
			if err == nil {
				p := in.parsers.Get()
				s, _ = in.settings(posthog.FlagsToken(p, payload))
				in.parsers.Put(p)
			}
		}
		config := decide || q.Get("config") == "true"
		writeReply(w, posthog.Reply{Status: 200, ContentType: "application/json",
			Body: posthog.FlagsReply(s, config, posthog.NewRequestID())})
	})
}

// settings returns the posthog-js settings of the project of token; an
// unknown token (ok false) gets everything off.
func (in *Ingester) settings(token string) (s posthog.Settings, ok bool) {
	p, ok := in.projects.ByToken(token)
	return posthog.Settings{Token: token, Autocapture: ok && p.Settings.Autotrack}, ok
}

// RemoteConfig handles /array/{token}/config and /array/{token}/config.js
// (js): the project's posthog-js config. An unknown token is 404, which
// posthog-js reads as "everything off".
func (in *Ingester) RemoteConfig(js bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := in.settings(r.PathValue("token"))
		if !ok {
			writeReply(w, posthog.Reply{Status: 404, ContentType: "text/plain; charset=utf-8", Body: []byte("unknown project token")})
			return
		}
		if js {
			writeReply(w, posthog.Reply{Status: 200, ContentType: "application/javascript", Body: posthog.ConfigJS(s)})
			return
		}
		writeReply(w, posthog.Reply{Status: 200, ContentType: "application/json", Body: posthog.Config(s)})
	})
}

// Fixed answers with a constant JSON body (posthog-js's optional feature
// endpoints: surveys, early access features, product tours, web
// experiments, logs and metrics). The request body is never read.
func Fixed(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeReply(w, posthog.Reply{Status: 200, ContentType: "application/json", Body: body})
	})
}

func writeReply(w http.ResponseWriter, reply posthog.Reply) {
	h := w.Header()
	if reply.ContentType != "" {
		h.Set("Content-Type", reply.ContentType)
	}
	if reply.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(reply.RetryAfter))
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(reply.Status)
	_, _ = w.Write(reply.Body)
}

// Shared returns the handler of a path both Mixpanel's and PostHog's SDKs
// use (/track, /engage): PostHog's when the body is PostHog-shaped (see
// posthog.IsPostHogBody), Mixpanel's otherwise. GET requests are Mixpanel's.
func (in *Ingester) Shared(mp, ph http.Handler, engage bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			mp.ServeHTTP(w, r)
			return
		}
		// Mixpanel's SDKs send a form: five bytes tell. Anything else is
		// read as far as either decoder would; the rest, if any, stays for
		// the chosen one to refuse as too large.
		var lead [5]byte
		n, _ := io.ReadFull(r.Body, lead[:])
		if string(lead[:n]) == "data=" && r.URL.Query().Get("compression") == "" {
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(lead[:n]), r.Body))
			mp.ServeHTTP(w, r)
			return
		}
		rest, err := io.ReadAll(io.LimitReader(r.Body, mixpanel.MaxRequestBytes+1))
		head := append(lead[:n:n], rest...)
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head), r.Body))
		if err != nil {
			mp.ServeHTTP(w, r)
			return
		}
		if posthog.IsPostHogBody(head, strings.ToLower(r.URL.Query().Get("compression")), engage) {
			ph.ServeHTTP(w, r)
			return
		}
		mp.ServeHTTP(w, r)
	})
}
