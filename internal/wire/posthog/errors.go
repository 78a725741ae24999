package posthog

import (
	"errors"

	"github.com/sieve-analytics/sieve/internal/wire/reqerr"
)

// Error is a request-level failure with the HTTP status to answer and a
// message that is safe to send to the client and to log: it never holds a
// byte of the request (package reqerr, shared by the wire formats). Compare
// with the sentinels below through errors.Is.
type Error = reqerr.Error

// Request-level errors, with PostHog's statuses.
var (
	// ErrMalformed: the request could not be read as PostHog data, or an
	// event in it is invalid (400). posthog-js and the server SDKs drop the
	// batch without retrying.
	ErrMalformed = &Error{Status: 400, Message: "the request could not be read as PostHog data"}
	// ErrUnauthorized: the token is missing, unknown, mixed or a personal
	// API key (401).
	ErrUnauthorized = &Error{Status: 401, Message: "the project token is missing or not known to this server"}
	// ErrTooLarge: a size or count limit was exceeded (413); posthog-node
	// halves its batch and resends.
	ErrTooLarge = &Error{Status: 413, Message: "the request is too large"}
	// ErrUnavailable: the data could not be stored now; the client retries (503).
	ErrUnavailable = &Error{Status: 503, Message: "the server could not store the data right now; please retry later", RetryAfter: 5}
)

// NewError returns an error of the given kind (one of the sentinels above)
// with its own client-safe message and an optional cause kept for logs. An
// empty message keeps the kind's message.
func NewError(kind *Error, message string, cause error) *Error {
	return reqerr.New(kind, message, cause)
}

// AsError returns err as an *Error, or ErrUnavailable's kind when err is
// not one (a failure outside decoding is transient from the client's view).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return NewError(ErrUnavailable, "", err)
}

func malformed(msg string) error { return NewError(ErrMalformed, msg, nil) }

func tooLarge(msg string) error { return NewError(ErrTooLarge, msg, nil) }

func unauthorized(msg string) error { return NewError(ErrUnauthorized, msg, nil) }
