package api

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/session"
)

// SetSessions gives the API the web UI's session store; secure marks
// cookies Secure (the server speaks TLS). Sign-in attempts are limited to
// 10 per client address, refilled at one every 6 seconds. Call it before
// serving.
func (a *API) SetSessions(s *session.Store, secure bool) {
	a.sessions, a.secureCookies = s, secure
	a.signIns = &session.Limiter{Burst: 10, Every: 6 * time.Second}
}

// sessionInfo is what the UI learns about its own session.
type sessionInfo struct {
	session.Session
	SignedIn bool   `json:"signed_in"`
	Global   bool   `json:"global"`
	CSRF     string `json:"csrf_token"`
}

func infoOf(s session.Session) sessionInfo {
	return sessionInfo{Session: s, SignedIn: true, Global: s.Principal.Global, CSRF: s.CSRF}
}

// SignIn handles POST /api/session {"admin_key"} or {"username","secret"}:
// it checks the credentials exactly as the API does and answers a new
// session cookie (HttpOnly, SameSite=Strict, Secure under TLS) and the
// session's CSRF token. Any session the client already had is ended first.
// Ingest-only credentials cannot sign in: there is nothing they may read.
func (a *API) SignIn() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		// Login CSRF: a browser says where a request comes from.
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			return &Error{Code: http.StatusForbidden, Msg: "sign in from Sieve's own page", Err: auth.ErrCSRF}
		}
		if ok, wait := a.signIns.Allow(session.ClientAddr(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			return &Error{Code: http.StatusTooManyRequests, Msg: "too many sign-in attempts from this address; wait a minute and try again"}
		}
		var body struct {
			AdminKey string `json:"admin_key"`
			Username string `json:"username"`
			Secret   string `json:"secret"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		var (
			who auth.Principal
			err error
		)
		switch {
		case body.AdminKey != "" && body.Username == "" && body.Secret == "":
			who, err = a.auth.Basic("", body.AdminKey)
			if err == nil && !who.Global {
				err = auth.ErrBadCredentials
			}
		case body.AdminKey == "" && body.Username != "" && body.Secret != "":
			who, err = a.auth.Basic(body.Username, body.Secret)
			if err == nil && who.Global {
				err = auth.ErrBadCredentials
			}
		default:
			return badRequest("send either admin_key, or username and secret")
		}
		if err != nil {
			if a.audit != nil {
				a.audit.Denied(audit.Entry{Actor: "invalid-credentials", Action: "session.denied", Endpoint: r.Pattern,
					Outcome: audit.Denied, Status: http.StatusUnauthorized}, audit.Source(r))
			}
			return &Error{Code: http.StatusUnauthorized, Msg: "these credentials are not valid", Err: err}
		}
		if !who.Global && who.Role == project.RoleIngest {
			return &Error{Code: http.StatusForbidden, Msg: "an ingest-only service account can send events but cannot sign in: it may read nothing"}
		}
		if c, err := r.Cookie(session.CookieName); err == nil {
			if old, ok := a.sessions.Lookup(c.Value); ok {
				a.sessions.Revoke(old.ID)
			}
		}
		cookie, sess := a.sessions.Create(who)
		http.SetCookie(w, a.sessions.Cookie(cookie, a.secureCookies))
		if err := a.record(r, who, audit.Entry{Action: "session.create", Session: sess.ID, ProjectID: who.ProjectID}); err != nil {
			a.sessions.Revoke(sess.ID)
			return err
		}
		writeJSON(w, http.StatusCreated, infoOf(sess))
		return nil
	})
}

// currentSession returns the session r came through.
func (a *API) currentSession(r *http.Request) (session.Session, error) {
	if _, err := a.auth.FromRequest(r); err != nil {
		return session.Session{}, err
	}
	sess, ok := a.sessions.Get(auth.SessionID(r.Context()))
	if !ok {
		return sess, &Error{Code: http.StatusUnauthorized, Msg: "not signed in"}
	}
	return sess, nil
}

// WhoAmI handles GET /api/session: the caller's session with its CSRF
// token and "signed_in": true, or {"signed_in": false} (200, so that the
// sign-in page loads without an error).
func (a *API) WhoAmI() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		sess, err := a.currentSession(r)
		if err != nil {
			writeJSON(w, http.StatusOK, map[string]bool{"signed_in": false})
			return nil
		}
		writeJSON(w, http.StatusOK, infoOf(sess))
		return nil
	})
}

// SignOut handles DELETE /api/session: ends the caller's session and
// clears its cookie.
func (a *API) SignOut() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		sess, err := a.currentSession(r)
		if err != nil {
			return err
		}
		a.sessions.Revoke(sess.ID)
		http.SetCookie(w, session.ClearCookie(a.secureCookies))
		a.recordDone(r, sess.Principal, audit.Entry{Action: "session.revoke", ProjectID: sess.ProjectID, Criteria: map[string]any{"session": sess.ID}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// mayManage reports whether who may see and revoke sess: the admin key any
// session, a project admin the sessions of its project's accounts.
func mayManage(who auth.Principal, sess session.Session) bool {
	return who.Global || (!sess.Principal.Global && who.Can(auth.Admin, sess.ProjectID))
}

// ListSessions handles GET /api/sessions: the live sessions the caller may
// manage (admin key: all; project admin: its project's).
func (a *API) ListSessions() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if !who.Global && !who.Can(auth.Admin, who.ProjectID) {
			return auth.ErrForbidden
		}
		list := a.sessions.List(func(s session.Session) bool { return mayManage(who, s) })
		if err := a.record(r, who, audit.Entry{Action: "session.read", ProjectID: who.ProjectID, Rows: int64(len(list))}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"sessions": list})
		return nil
	})
}

// RevokeSession handles DELETE /api/sessions/{id}.
func (a *API) RevokeSession() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		sess, ok := a.sessions.Get(r.PathValue("id"))
		if !ok {
			if !who.Global && !who.Can(auth.Admin, who.ProjectID) {
				return auth.ErrForbidden
			}
			return &Error{Code: http.StatusNotFound, Msg: "no live session has this id"}
		}
		if !mayManage(who, sess) {
			return auth.ErrForbidden
		}
		a.sessions.Revoke(sess.ID)
		a.recordDone(r, who, audit.Entry{Action: "session.revoke", ProjectID: sess.ProjectID, Criteria: map[string]any{"session": sess.ID, "actor": sess.Actor}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// pageName is what a page view may name: a UI route.
var pageName = regexp.MustCompile(`^/[a-z0-9/_-]{0,80}$`)

// PageView handles POST /api/ui/views {"page","project_id"}: the web UI
// records each page it shows, so the audit log says who looked at which
// page; the reads the page makes are recorded by their own endpoints too.
func (a *API) PageView() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		var body struct {
			Page      string `json:"page"`
			ProjectID int64  `json:"project_id"`
		}
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if body.ProjectID != 0 && !who.Can(auth.Read, body.ProjectID) {
			return auth.ErrForbidden
		}
		if !pageName.MatchString(body.Page) {
			return badRequest("page must be a UI path such as /findings")
		}
		if err := a.record(r, who, audit.Entry{Action: "page.view", ProjectID: body.ProjectID, Endpoint: "GET " + body.Page}); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// VerifyAudit handles GET /api/audit/verify: whether the audit log's hash
// chain is intact, as `sieve audit verify` checks it offline (admin key or
// a project admin).
func (a *API) VerifyAudit() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if !who.Global && !who.Can(auth.Admin, who.ProjectID) {
			return auth.ErrForbidden
		}
		if a.audit == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the audit log is not available"}
		}
		n, verr := a.audit.Verify()
		out := map[string]any{"ok": verr == nil, "entries": n}
		var ve *audit.VerifyError
		switch {
		case errors.As(verr, &ve):
			out["error"] = ve.Error()
		case verr != nil:
			return verr
		}
		seq, head := a.audit.Head()
		out["head"] = map[string]any{"seq": seq, "hash": head}
		if err := a.record(r, who, audit.Entry{Action: "audit.verify", Criteria: map[string]any{"ok": verr == nil, "entries": n}}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}
