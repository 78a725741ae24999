// Package reqerr is the request-level error of the wire formats
// (internal/wire/mixpanel, internal/wire/posthog): an HTTP status, a
// message safe to send to the client and to log (never a byte of the
// request), an optional Retry-After, and a kind to compare with through
// errors.Is. Each wire format declares its own kinds (sentinels) with its
// own statuses and messages. It imports no other Sieve package and no HTTP.
package reqerr

// Error is a request-level failure. Kinds are *Error values made with
// Kind; errors of a kind are made with New.
type Error struct {
	Status     int    // HTTP status
	Message    string // client-safe sentence
	RetryAfter int    // seconds for a Retry-After header; 0 = none
	kind       *Error
	cause      error
}

// New returns an error of kind with its own client-safe message and an
// optional cause kept for logs and errors.Is / errors.As (never sent to
// the client). An empty message keeps the kind's message.
func New(kind *Error, message string, cause error) *Error {
	if message == "" {
		message = kind.Message
	}
	return &Error{Status: kind.Status, Message: message, RetryAfter: kind.RetryAfter, kind: kind, cause: cause}
}

// Error returns the client-safe message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether e is of the kind target (a sentinel), or is target.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && (e == t || e.kind == t)
}
