package posthog

import "errors"

// Error is a request-level failure with the HTTP status to answer and a
// message that is safe to send to the client and to log: it never holds a
// byte of the request. Compare with the sentinels through errors.Is.
type Error struct {
	Status     int    // HTTP status
	Message    string // client-safe sentence
	RetryAfter int    // seconds for a Retry-After header; 0 = none
	kind       *Error
	cause      error
}

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

// NewError returns an error of the given kind with its own client-safe
// message and an optional cause kept for logs. An empty message keeps the
// kind's message.
func NewError(kind *Error, message string, cause error) *Error {
	if message == "" {
		message = kind.Message
	}
	return &Error{Status: kind.Status, Message: message, RetryAfter: kind.RetryAfter, kind: kind, cause: cause}
}

// Error returns the client-safe message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether e is of the kind target (a sentinel).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && (e == t || e.kind == t)
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
