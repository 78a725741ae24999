package mixpanel

import (
	"errors"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/wire/reqerr"
)

// Error is a request-level failure with the HTTP status to answer and a
// message that is safe to send to the client and to log: it never holds a
// byte of the request (package reqerr, shared by the wire formats). Compare
// with the sentinels below through errors.Is.
type Error = reqerr.Error

// Request-level errors. A handler passes one of these (or an error made with
// NewError, or one wrapping either) in Outcome.Err.
var (
	// ErrMalformed: the request could not be read as Mixpanel data (400).
	ErrMalformed = &Error{Status: 400, Message: "the request could not be read as Mixpanel data"}
	// ErrUnauthorized: missing or invalid token or credentials (401).
	ErrUnauthorized = &Error{Status: 401, Message: "Invalid credentials"}
	// ErrForbidden: valid credentials without the right to this project (403).
	ErrForbidden = &Error{Status: 403, Message: "these credentials may not send data to this project"}
	// ErrTooLarge: a size or count limit was exceeded (413).
	ErrTooLarge = &Error{Status: 413, Message: "request exceeds max limit of " + strconv.Itoa(MaxRequestBytes) + " bytes"}
	// ErrRateLimited: too many requests; the client should back off (429).
	ErrRateLimited = &Error{Status: 429, Message: "Project exceeded rate limits. Please retry the request with exponential backoff.", RetryAfter: 10}
	// ErrUnavailable: the data could not be stored now, e.g. a store failure;
	// the client should retry (503).
	ErrUnavailable = &Error{Status: 503, Message: "the server could not store the data right now; please retry later", RetryAfter: 5}
)

// NewError returns an error of the given kind (one of the sentinels above)
// with its own client-safe message and an optional cause kept for logs. An
// empty message keeps the kind's message.
func NewError(kind *Error, message string, cause error) *Error {
	return reqerr.New(kind, message, cause)
}

func malformed(msg string) error { return NewError(ErrMalformed, msg, nil) }

func tooLarge(msg string) error { return NewError(ErrTooLarge, msg, nil) }

// RecordError is a validation failure of one object of a request. Field
// names the offending field ("properties.time", "$set"...), Message is a
// sentence a person understands. Neither ever holds a value from the event.
// InsertID is the record's $insert_id when it had a valid one.
type RecordError struct {
	Index    int // position of the object in the request; the caller sets it
	InsertID string
	Field    string
	Message  string
}

// Error returns "field: message".
func (e *RecordError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
