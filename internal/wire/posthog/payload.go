package posthog

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/wire/inflate"
)

// Request is what the HTTP front end hands over: the endpoint, the URL
// query, the headers that matter and the body (nil for GET).
type Request struct {
	Endpoint        Endpoint
	Query           url.Values
	ContentType     string // informative: the body's bytes decide how it is read
	ContentEncoding string
	ContentLength   int64 // declared body length, or -1 or 0: sizes the buffer only
	Body            io.Reader
}

// Meta is what the query says about a request besides its data.
type Meta struct {
	SentAt int64 // Unix milliseconds from ?sent_at= or ?_= (older posthog-js); 0 if none or before 2021
	Beacon bool  // ?beacon=1 (posthog-js before 1.391.6): PostHog answers 204
}

// ParseMeta reads Meta from a query.
func ParseMeta(q url.Values) Meta {
	var m Meta
	for _, k := range [...]string{"sent_at", "_"} {
		if n, err := strconv.ParseInt(q.Get(k), 10, 64); err == nil && n > minSentAtMillis {
			m.SentAt = n
			break
		}
	}
	m.Beacon = q.Get("beacon") == "1"
	return m
}

// ReadPayload returns the JSON text of a request.
//
// The body is read within MaxBodyBytes (MaxBatchBodyBytes on Batch). Where
// the data is looked for: a form body's data= field (posthog-js's base64
// form and sendBeacon; a '+' turned into a space by form encoding counts as
// '+'), else the whole body, else the query's data= parameter (legacy GET).
// The data is gunzipped when it starts with the gzip magic bytes, whatever
// the headers say (posthog-js 1.398.2 and later sends gzip as text/plain
// with no Content-Encoding), or when ?compression=gzip|gzip-js or
// Content-Encoding: gzip says so; it is base64-decoded when
// ?compression=base64 says so or when it is not JSON but reads as base64.
// Nothing inflates past MaxPayloadBytes (a gzip bomb is ErrTooLarge).
// lz-string compression (posthog-js 1.3 to 1.7, 2020) is refused with a
// clear error. Invalid UTF-8 is refused.
func ReadPayload(r Request) ([]byte, error) {
	limit := MaxBodyBytes
	if r.Endpoint == Batch {
		limit = MaxBatchBodyBytes
	}
	var body []byte
	if r.Body != nil {
		b, err := readLimited(r.Body, r.ContentLength, limit)
		if err != nil {
			return nil, err
		}
		body = b
	}
	compression := strings.ToLower(r.Query.Get("compression"))
	data := body
	if v, ok := formField(body, "data"); ok {
		data = v
		if c, ok := formField(body, "compression"); ok && compression == "" {
			compression = strings.ToLower(string(c))
		}
	}
	if len(trimSpace(data)) == 0 {
		q := r.Query.Get("data")
		if len(q) > MaxPayloadBytes {
			return nil, tooLarge("the data parameter is larger than " + strconv.Itoa(MaxPayloadBytes) + " bytes")
		}
		data = []byte(q)
	}
	if len(trimSpace(data)) == 0 {
		return nil, malformed("the request holds no data: send events as a JSON body")
	}
	if compression == "" {
		switch strings.ToLower(strings.TrimSpace(r.ContentEncoding)) {
		case "", "identity":
		case "gzip", "x-gzip":
			compression = "gzip"
		default:
			return nil, malformed("unsupported Content-Encoding: only gzip is accepted")
		}
	}
	var err error
	switch compression {
	case "lz64", "lz-string":
		return nil, malformed("lz-string compression (posthog-js before 1.8) is not supported; use gzip or none")
	case "base64":
		if data, err = decodeBase64(data); err != nil {
			return nil, err
		}
	case "", "gzip", "gzip-js":
	default:
		return nil, malformed("unsupported compression: use gzip, gzip-js, base64 or none")
	}
	if isGzip(data) {
		if data, err = gunzip(data); err != nil {
			return nil, err
		}
	} else if compression == "gzip" || compression == "gzip-js" {
		return nil, malformed("the request says gzip but the body is not gzip data")
	}
	data = trimSpace(data)
	if len(data) > 0 && data[0] != '{' && data[0] != '[' && isBase64Text(data) {
		if data, err = decodeBase64(data); err != nil {
			return nil, err
		}
		if isGzip(data) {
			if data, err = gunzip(data); err != nil {
				return nil, err
			}
		}
		data = trimSpace(data)
	}
	if len(data) > MaxPayloadBytes {
		return nil, tooLarge("the payload is larger than " + strconv.Itoa(MaxPayloadBytes) + " bytes")
	}
	if len(data) == 0 || data[0] != '{' && data[0] != '[' {
		return nil, malformed("the payload is not JSON: expected an event, an array of events or a batch object")
	}
	if !utf8.Valid(data) {
		return nil, malformed("the payload is not valid UTF-8")
	}
	return data, nil
}

var errBodyRead = errors.New("posthog: reading the request body failed")

// readLimited reads at most limit+1 bytes of r; more is ErrTooLarge.
func readLimited(r io.Reader, hint int64, limit int) ([]byte, error) {
	size := 4096
	if hint > 0 {
		size = int(min(hint, int64(limit))) + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	n, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, NewError(ErrMalformed, "the request body could not be read", errors.Join(errBodyRead, err))
	}
	if n > int64(limit) {
		return nil, tooLarge("the request body is larger than " + strconv.Itoa(limit) + " bytes")
	}
	return buf.Bytes(), nil
}

func isGzip(b []byte) bool { return inflate.IsGzip(b) }

// gunzip inflates b, at most MaxPayloadBytes.
func gunzip(b []byte) ([]byte, error) {
	out, err := inflate.Gunzip(b, MaxPayloadBytes, len(b)*8)
	switch {
	case errors.Is(err, inflate.ErrTooLarge):
		return nil, tooLarge("the request is larger than " + strconv.Itoa(MaxPayloadBytes) + " bytes once decompressed")
	case err != nil:
		return nil, malformed("the gzip body is corrupt")
	}
	return out, nil
}

// formField returns the URL-decoded value of the field name of a form
// body. A '+' stays '+' (form encoding of base64 turns it into a space in
// other decoders; PostHog restores it). ok is false when b is not a form
// with that field.
func formField(b []byte, name string) ([]byte, bool) {
	if len(b) == 0 || b[0] == '{' || b[0] == '[' || isGzip(b) {
		return nil, false
	}
	for len(b) > 0 {
		var f []byte
		if i := bytes.IndexByte(b, '&'); i >= 0 {
			f, b = b[:i], b[i+1:]
		} else {
			f, b = b, nil
		}
		k, v, ok := bytes.Cut(f, []byte{'='})
		if !ok || string(k) != name {
			continue
		}
		s, err := url.PathUnescape(string(v))
		if err != nil {
			return nil, false
		}
		return []byte(s), true
	}
	return nil, false
}

// decodeBase64 decodes standard or URL-alphabet base64, padded or not; a
// space counts as '+', CR and LF are skipped.
func decodeBase64(v []byte) ([]byte, error) {
	v = bytes.Map(func(r rune) rune {
		switch r {
		case ' ':
			return '+'
		case '\r', '\n':
			return -1
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return r
	}, trimSpace(v))
	v = bytes.TrimRight(v, "=")
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(v)))
	n, err := base64.RawStdEncoding.Decode(out, v)
	if err != nil {
		return nil, malformed("the data is neither JSON nor valid base64")
	}
	return out[:n], nil
}

func isBase64Text(b []byte) bool {
	b = bytes.TrimRight(b, "=\r\n")
	if len(b) < 4 {
		return false
	}
	for _, c := range b {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '+' || c == '/' || c == '-' || c == '_' || c == '\r' || c == '\n' || c == ' ') {
			return false
		}
	}
	return true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return trimSpace(b[3:])
	}
	return b
}
