package mixpanel

import (
	"net/url"
	"strconv"

	"github.com/sieve-analytics/sieve/internal/jsontext"
)

// ReplyOptions shape a reply; they come from the query (and, after
// ReadPayload, from form fields of the body).
type ReplyOptions struct {
	Verbose   bool   // verbose=1: JSON {"status":..,"error":..}
	Img       bool   // img=1: a 1x1 GIF
	Strict    bool   // /import strict=1: records are validated and reported
	StrictSet bool   // /import with a strict parameter, whatever its value: strict JSON replies
	Callback  string // callback=fn: JavaScript calling fn
}

// ParseReplyOptions reads verbose, img, strict (on /import only) and
// callback from q. A callback that is not a dotted JavaScript identifier is
// an error of kind ErrMalformed.
func ParseReplyOptions(q url.Values, ep Endpoint) (ReplyOptions, error) {
	var o ReplyOptions
	o.Verbose = isTrue(q.Get("verbose"))
	o.Img = isTrue(q.Get("img"))
	if ep == Import {
		if v, ok := q["strict"]; ok {
			o.StrictSet = true
			o.Strict = len(v) > 0 && isTrue(v[0])
		}
	}
	if cb := q.Get("callback"); cb != "" {
		if !validCallback(cb) {
			return ReplyOptions{}, malformed("callback must be a JavaScript function name: letters, digits, _ and $, separated by dots")
		}
		o.Callback = cb
	}
	return o, nil
}

func isTrue(s string) bool { return s == "1" || s == "true" }

const maxCallbackLen = 128

// validCallback accepts identifiers made of ASCII letters, digits, _ and $
// (not starting with a digit), joined by single dots.
func validCallback(s string) bool {
	if len(s) > maxCallbackLen {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '$':
			start = false
		case '0' <= c && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
	}
	return !start
}

// Outcome is what happened to a request.
type Outcome struct {
	Accepted int           // objects stored (or duplicates of stored ones)
	Failed   []RecordError // per-record failures
	Err      error         // request-level failure: one of this package's errors
}

// Reply is an HTTP reply for the handler to write as is.
type Reply struct {
	Status      int
	ContentType string
	Body        []byte
	Header      map[string]string // extra headers (Retry-After), nil if none
}

// Content types of replies.
const (
	ContentTypeText = "text/plain; charset=utf-8"
	ContentTypeJSON = "application/json"
	ContentTypeJS   = "text/javascript; charset=utf-8"
	ContentTypeGIF  = "image/gif"
)

// pixelGIF is a transparent 1x1 GIF.
var pixelGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

const failedValidation = "some data points in the request failed validation"

// Respond builds the reply Mixpanel would send, in this order of precedence:
//
//   - /import with a strict parameter (even strict=0): strict JSON, 200
//     {"code":200,"num_records_imported":N,"status":"OK"}, or 400 with
//     failed_records (only with strict=1; strict=0 drops invalid records
//     silently, as Mixpanel does), or the 401/403/413/429/503 shapes.
//   - callback=fn: text/javascript "fn(1)" (verbose: "fn({...})"), always
//     status 200 so that the script runs; the body tells the outcome.
//   - img=1: a 1x1 GIF with the outcome's status.
//   - verbose=1: {"status":1,"error":null} or {"status":0,"error":"..."}.
//   - otherwise "1" or "0".
//
// A request-level error (Outcome.Err) sets the HTTP status (400, 401, 403,
// 413, 429, 503; 500 for an error not from this package) and status 0. With
// no request error the status is 200 and the body says 1 when at least one
// object was accepted or none failed, 0 when every object failed; a verbose
// body names the first failure even when others were accepted.
func Respond(ep Endpoint, o ReplyOptions, out Outcome) Reply {
	status, msg, retry := 200, "", 0
	if out.Err != nil {
		status, msg, retry = classify(out.Err)
	}
	var r Reply
	if ep == Import && o.StrictSet {
		r = strictReply(o, out, status, msg)
	} else {
		ok := out.Err == nil && (out.Accepted > 0 || len(out.Failed) == 0)
		if out.Err == nil && len(out.Failed) > 0 {
			msg = failureSummary(out)
		}
		var body []byte
		if o.Verbose {
			body = append(body, `{"status":`...)
			if ok {
				body = append(body, '1')
			} else {
				body = append(body, '0')
			}
			body = append(body, `,"error":`...)
			if msg == "" {
				body = append(body, "null"...)
			} else {
				body = jsontext.AppendString(body, msg)
			}
			body = append(body, '}')
		} else if ok {
			body = []byte("1")
		} else {
			body = []byte("0")
		}
		switch {
		case o.Callback != "":
			js := make([]byte, 0, len(o.Callback)+len(body)+2)
			js = append(js, o.Callback...)
			js = append(js, '(')
			js = append(js, body...)
			js = append(js, ')')
			r = Reply{Status: 200, ContentType: ContentTypeJS, Body: js}
		case o.Img:
			r = Reply{Status: status, ContentType: ContentTypeGIF, Body: pixelGIF}
		case o.Verbose:
			r = Reply{Status: status, ContentType: ContentTypeJSON, Body: body}
		default:
			r = Reply{Status: status, ContentType: ContentTypeText, Body: body}
		}
	}
	if retry > 0 {
		r.Header = map[string]string{"Retry-After": strconv.Itoa(retry)}
	}
	return r
}

func classify(err error) (status int, msg string, retry int) {
	if e := asError(err); e != nil {
		return e.Status, e.Message, e.RetryAfter
	}
	return 500, "internal server error", 0
}

func strictReply(o ReplyOptions, out Outcome, status int, msg string) Reply {
	b := make([]byte, 0, 128)
	if out.Err != nil {
		b = append(b, `{"code":`...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, `,"error":`...)
		b = jsontext.AppendString(b, msg)
		if status == 400 {
			b = append(b, `,"failed_records":[],"num_records_imported":0`...)
		}
		b = append(b, `,"status":`...)
		b = jsontext.AppendString(b, statusText(status))
		b = append(b, '}')
		return Reply{Status: status, ContentType: ContentTypeJSON, Body: b}
	}
	if len(out.Failed) == 0 || !o.Strict {
		b = append(b, `{"code":200,"num_records_imported":`...)
		b = strconv.AppendInt(b, int64(out.Accepted), 10)
		b = append(b, `,"status":"OK"}`...)
		return Reply{Status: 200, ContentType: ContentTypeJSON, Body: b}
	}
	b = append(b, `{"code":400,"error":"`+failedValidation+`","failed_records":[`...)
	for i, f := range out.Failed {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(f.Index), 10)
		b = append(b, `,"insert_id":`...)
		b = jsontext.AppendString(b, f.InsertID)
		b = append(b, `,"$insert_id":`...)
		b = jsontext.AppendString(b, f.InsertID)
		b = append(b, `,"field":`...)
		b = jsontext.AppendString(b, f.Field)
		b = append(b, `,"message":`...)
		b = jsontext.AppendString(b, f.Message)
		b = append(b, '}')
	}
	b = append(b, `],"num_records_imported":`...)
	b = strconv.AppendInt(b, int64(out.Accepted), 10)
	b = append(b, `,"status":"Bad Request"}`...)
	return Reply{Status: 400, ContentType: ContentTypeJSON, Body: b}
}

// failureSummary describes record failures for a verbose reply.
func failureSummary(out Outcome) string {
	f := out.Failed[0]
	first := "record " + strconv.Itoa(f.Index) + ": " + f.Error()
	if len(out.Failed) == 1 {
		return first
	}
	return strconv.Itoa(len(out.Failed)) + " records failed validation; first: " + first
}

func statusText(code int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 413:
		return "Request Entity Too Large"
	case 429:
		return "Too Many Requests"
	case 500:
		return "Internal Server Error"
	case 503:
		return "Service Unavailable"
	}
	return "Error"
}
