// Package auth turns a request's credentials into a Principal and decides
// what it may do. Credentials are, in Mixpanel's manner:
//
//   - Authorization: Bearer <admin key> — the global admin;
//   - Basic <service-account username>:<secret> — that account's role in its project;
//   - Basic <project API secret>: — admin of that project (Mixpanel's legacy secret);
//   - Basic <project token>: — may ingest into that project (Mixpanel's /import);
//   - a web UI session (package session), which puts the principal it was
//     signed in as into the request's context (WithSession): the same
//     principal the credentials it was created with would give.
//
// auth must not import ingest, api, server or store.
package auth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sieve-analytics/sieve/internal/project"
)

// Errors of authentication and authorisation.
var (
	ErrNoCredentials  = errors.New("auth: no credentials")
	ErrBadCredentials = errors.New("auth: invalid credentials")
	ErrForbidden      = errors.New("auth: forbidden")
	// ErrCSRF: a session's changing request without its CSRF token.
	ErrCSRF = errors.New("auth: missing or wrong CSRF token")
)

// Level is what an action needs.
type Level int

const (
	Ingest      Level = iota + 1 // send events
	Read                         // export, engage, lexicon, findings
	Admin                        // purge, policy, keys of one project
	GlobalAdmin                  // create projects, see all of them
)

// Principal is an authenticated caller.
type Principal struct {
	Actor     string // stable name for the audit log: "admin", "sa:<username>", "secret:<id>", "token:<id>"
	Global    bool   // the admin key
	ProjectID int64  // the project a non-global principal belongs to
	Role      project.Role
}

// Can reports whether p may act at level on projectID (0 for actions not
// bound to a project).
func (p Principal) Can(level Level, projectID int64) bool {
	if p.Global {
		return true
	}
	if level == GlobalAdmin || projectID == 0 || projectID != p.ProjectID {
		return false
	}
	switch p.Role {
	case project.RoleAdmin:
		return true
	case project.RoleAnalyst:
		return level == Read
	case project.RoleIngest:
		return level == Ingest
	}
	return false
}

// Authenticator checks credentials against the project registry.
type Authenticator struct {
	Projects *project.Registry
}

// sessionKey is the context key of a request's session (see WithSession).
type sessionKey struct{}

type viaSession struct {
	p   Principal
	id  string
	err error
}

// WithSession returns ctx carrying the principal of the web UI session id.
// Only the session middleware calls it, after checking the session cookie
// (and the CSRF token of a changing request).
func WithSession(ctx context.Context, p Principal, id string) context.Context {
	return context.WithValue(ctx, sessionKey{}, viaSession{p: p, id: id})
}

// WithSessionError returns ctx for a request whose session cookie was not
// accepted: FromRequest answers err (ErrBadCredentials or ErrCSRF, wrapped).
func WithSessionError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, sessionKey{}, viaSession{err: err})
}

// SessionID is the public id of the session a request came through, or "".
func SessionID(ctx context.Context) string {
	v, _ := ctx.Value(sessionKey{}).(viaSession)
	return v.id
}

// FromRequest authenticates r. It returns ErrNoCredentials when r carries
// none and ErrBadCredentials when they do not match. An Authorization
// header wins over a session cookie.
func (a Authenticator) FromRequest(r *http.Request) (Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if v, ok := r.Context().Value(sessionKey{}).(viaSession); ok {
			return v.p, v.err
		}
		return Principal{}, ErrNoCredentials
	}
	if scheme, key, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		key = strings.TrimSpace(key)
		if a.Projects.IsAdminKey(key) {
			return Principal{Actor: "admin", Global: true}, nil
		}
		return Principal{}, ErrBadCredentials
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return Principal{}, ErrBadCredentials
	}
	return a.Basic(user, pass)
}

// Basic authenticates a Basic-auth user and password.
func (a Authenticator) Basic(user, pass string) (Principal, error) {
	if pass != "" {
		if sa, ok := a.Projects.AuthServiceAccount(user, pass); ok {
			return Principal{Actor: "sa:" + sa.Username, ProjectID: sa.ProjectID, Role: sa.Role}, nil
		}
		if user == "" && a.Projects.IsAdminKey(pass) {
			return Principal{Actor: "admin", Global: true}, nil
		}
		return Principal{}, ErrBadCredentials
	}
	if a.Projects.IsAdminKey(user) {
		return Principal{Actor: "admin", Global: true}, nil
	}
	if p, ok := a.Projects.BySecret(user); ok {
		return Principal{Actor: "secret:" + strconv.FormatInt(p.ID, 10), ProjectID: p.ID, Role: project.RoleAdmin}, nil
	}
	if p, ok := a.Projects.ByToken(user); ok {
		return Principal{Actor: "token:" + strconv.FormatInt(p.ID, 10), ProjectID: p.ID, Role: project.RoleIngest}, nil
	}
	return Principal{}, ErrBadCredentials
}

// PII reports whether p may read project projectID's PII paths in clear
// (issue 14 item 4). It is decided here, from the registry as it is now, so
// that a grant revoked applies at once, also to web UI sessions signed in
// before: the admin key always holds it; a service account when granted
// (Registry.SetAccountPII); the project's API secret unless the project
// takes it away (Settings.SecretNoPII); nothing else (project tokens, other
// projects, web UI sessions of other credentials).
func (a Authenticator) PII(p Principal, projectID int64) bool {
	if p.Global {
		return true
	}
	if projectID == 0 || p.ProjectID != projectID || !p.Can(Read, projectID) {
		return false
	}
	switch {
	case strings.HasPrefix(p.Actor, "sa:"):
		return a.Projects.AccountPII(projectID, strings.TrimPrefix(p.Actor, "sa:"))
	case p.Actor == "secret:"+strconv.FormatInt(projectID, 10):
		pr, err := a.Projects.Get(projectID)
		return err == nil && !pr.Settings.SecretNoPII
	}
	return false
}
