// Package api serves Sieve's management and read API: projects and keys,
// guard policies and findings, Mixpanel-compatible export and engage
// queries. Handlers return errors; one adapter (Handler) turns them into a
// status and a JSON body. The message a client sees is kept apart from the
// cause that is logged, and neither ever holds an event value.
//
// api must not import ingest or server.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/findingstream"
	"github.com/sieve-analytics/sieve/internal/forward"
	"github.com/sieve-analytics/sieve/internal/guard"
	"github.com/sieve-analytics/sieve/internal/plan"
	"github.com/sieve-analytics/sieve/internal/project"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/selftest"
	"github.com/sieve-analytics/sieve/internal/session"
	"github.com/sieve-analytics/sieve/internal/sign"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Error is an error with the HTTP status and the message a client sees.
// Err, the cause, is logged and never sent.
type Error struct {
	Code int
	Msg  string
	Err  error
	// RetryAfter, in seconds, is sent as Retry-After when not zero.
	RetryAfter int
	// PIIPath names the PII path a 403 refused to read (the audit entry
	// records it).
	PIIPath string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func badRequest(msg string) error { return &Error{Code: http.StatusBadRequest, Msg: msg} }

// errDiskFull answers a change the disk had no room for.
var errDiskFull = &Error{Code: http.StatusServiceUnavailable, RetryAfter: 30,
	Msg: "the disk is full: the change was not saved; free space under the data directory and retry"}

// errAuditUnavailable answers a read whose audit entry could not be made
// durable: nothing of the data was returned.
var errAuditUnavailable = &Error{Code: http.StatusServiceUnavailable, RetryAfter: 5,
	Msg: "the audit log cannot record this read right now (is the disk full?), so nothing was returned; retry later"}

// HandlerFunc is an API handler that returns an error instead of writing one.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// handler adapts h: an error becomes a JSON body {"error": msg, "status": "error"}.
func (a *API) handler(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		code, msg := status(err)
		if code == http.StatusUnauthorized || code == http.StatusForbidden {
			a.auditDenied(r, code, err)
		}
		if code >= 500 {
			a.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "route", r.Pattern, "err", err)
		}
		if code == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="sieve"`)
		}
		if e := (*Error)(nil); errors.As(err, &e) && e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
		} else if code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
		}
		writeJSON(w, code, map[string]string{"error": msg, "status": "error"})
	})
}

func status(err error) (int, string) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code, e.Msg
	case errors.Is(err, auth.ErrNoCredentials):
		return http.StatusUnauthorized, "authentication required: send the admin key as a Bearer token, or Basic auth with a project secret or a service account"
	case errors.Is(err, auth.ErrBadCredentials):
		return http.StatusUnauthorized, "invalid credentials"
	case errors.Is(err, auth.ErrCSRF):
		return http.StatusForbidden, "this change was refused: it did not carry the session's CSRF token (reload the page and try again)"
	case errors.Is(err, auth.ErrForbidden):
		return http.StatusForbidden, "these credentials may not do this for this project"
	case errors.Is(err, project.ErrNotFound), errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, project.ErrInvalid):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, store.ErrClosed):
		return http.StatusServiceUnavailable, "the server is shutting down"
	case errors.Is(err, store.ErrUnsupported):
		return http.StatusBadRequest, "the store cannot answer this query (where expression too complex, or reading what this endpoint has not)"
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return errDiskFull.Code, errDiskFull.Msg
	}
	return http.StatusInternalServerError, "internal error"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// maxAPIBody bounds JSON bodies of the management API.
const maxAPIBody = 1 << 20

// decodeBody reads a JSON body into v with a clear error for bad input.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &Error{Code: http.StatusRequestEntityTooLarge, Msg: "request body is larger than 1 MiB"}
		}
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			return badRequest("field " + ute.Field + " has the wrong type")
		}
		const unknown = `json: unknown field "`
		if msg := err.Error(); strings.HasPrefix(msg, unknown) {
			// The name is quoted only when it has the shape of a field
			// name: input that is not one is never echoed.
			if name := strings.TrimSuffix(msg[len(unknown):], `"`); fieldShaped(name) {
				return badRequest(`unknown field "` + name + `"`)
			}
			return badRequest("the body holds an unknown field (its name is not shown: it does not look like a field name)")
		}
		return badRequest("request body must be a JSON object")
	}
	return nil
}

// fieldShaped reports whether s looks like a JSON field name of this API:
// 1 to 40 letters, digits and '_'.
func fieldShaped(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// API holds what the management and read endpoints need.
type API struct {
	log      *slog.Logger
	projects *project.Registry
	auth     auth.Authenticator
	store    store.Store
	guard    *guard.Guard
	audit    *audit.Log     // see SetAudit; nil records nothing
	purges   *purge.Manager // see SetPurges
	backup   BackupFunc     // see SetBackup
	// web UI sessions, see SetSessions
	sessions      *session.Store
	signIns       *session.Limiter
	secureCookies bool

	queries     query.Backend // see SetQueries
	queryLimits QueryLimits

	keys      *sign.Keyring         // see SetKeys
	selftest  *selftest.Runner      // see SetSelfTest
	stream    *findingstream.Stream // see SetFindingStream
	forwarder *alert.Forwarder      // see SetFindingForwarder
	plans     *plan.Store           // see SetPlans

	piiClassPaths func(int64, ...string) []string // see SetPIIPaths
	propNames     func(int64, string) bool        // see SetPropertyNames
	eventsOut     *forward.Forwarder              // see SetEventForwarder
}

// New returns the API over a registry and a store.
func New(log *slog.Logger, reg *project.Registry, st store.Store, g *guard.Guard) *API {
	return &API{log: log.With("component", "api"), projects: reg, auth: auth.Authenticator{Projects: reg}, store: st, guard: g}
}

// authorize authenticates r and checks that it may act at level on projectID.
func (a *API) authorize(r *http.Request, level auth.Level, projectID int64) (auth.Principal, error) {
	p, err := a.auth.FromRequest(r)
	if err != nil {
		return p, err
	}
	if !p.Can(level, projectID) {
		return p, auth.ErrForbidden
	}
	return p, nil
}
