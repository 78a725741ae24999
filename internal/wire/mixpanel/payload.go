package mixpanel

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sieve-analytics/sieve/internal/wire/inflate"
)

// Request is what the HTTP handler hands over: the URL query, the headers
// that matter and the body (nil or empty for GET).
type Request struct {
	Query           url.Values
	ContentType     string // informative: the body's content decides how it is read
	ContentEncoding string
	ContentLength   int64 // declared body length, or -1 or 0 if unknown: sizes the buffer only
	Body            io.Reader
}

// ReadPayload returns the JSON text of a request.
//
// Where the data is looked for, in order: a JSON body (object, array or
// NDJSON, whatever the Content-Type); a form body's data= field (whatever the
// Content-Type: sendBeacon sends text/plain); a body that is base64 alone;
// the query's data= parameter. The data may be raw JSON or base64 (standard
// or URL alphabet, padded or not), URL-encoded or not; a base64 '+' that form
// decoding turned into a space still decodes. The body is gunzipped when
// Content-Encoding says gzip or when it starts with the gzip magic bytes.
//
// Characters outside the Basic Multilingual Plane that mixpanel-browser sent
// as CESU-8 (two separately encoded surrogate halves) are repaired into
// UTF-8; a lone surrogate half (a pair cut by the SDK's 255-character
// truncation) becomes U+FFFD. Any other invalid UTF-8 is rejected.
//
// ReadPayload never reads more than MaxRequestBytes+1 bytes of body nor
// inflates more than that: a larger request, or a gzip bomb, gets an error
// of kind ErrTooLarge. Other failures are of kind ErrMalformed.
//
// Form fields other than data (mixpanel-python sends verbose=1 and ip=0 in
// the body) are added to r.Query when r.Query is not nil and does not
// already have them, so that ParseReplyOptions called after ReadPayload sees
// them.
func ReadPayload(r Request) ([]byte, error) {
	var body []byte
	if r.Body != nil {
		b, err := readLimited(r.Body, r.ContentLength)
		if err != nil {
			return nil, err
		}
		body = b
	}
	body, err := decompress(body, r.ContentEncoding)
	if err != nil {
		return nil, err
	}
	if len(skipSpace(body)) > 0 {
		data, found, err := bodyData(body, r.Query)
		if err != nil {
			return nil, err
		}
		if found {
			return data, nil
		}
	}
	q := r.Query.Get("data")
	if len(q) > MaxRequestBytes {
		return nil, tooLarge("the data parameter is larger than " + strconv.Itoa(MaxRequestBytes) + " bytes")
	}
	if q == "" {
		if len(skipSpace(body)) > 0 {
			return nil, malformed("the body holds neither JSON nor a form with a data field")
		}
		return nil, malformed("the request holds no data: send it in a data parameter or as a JSON body")
	}
	// Query values are already URL-decoded; copy so that repairs can work in
	// place without touching the caller's string.
	return decodeData([]byte(q))
}

var errBodyRead = errors.New("mixpanel: reading the request body failed")

// readLimited reads at most MaxRequestBytes+1 bytes of r. hint, when
// positive, is the expected length.
func readLimited(r io.Reader, hint int64) ([]byte, error) {
	size := 4096
	if hint > 0 {
		size = int(min(hint, MaxRequestBytes)) + 1
	}
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r, MaxRequestBytes+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, NewError(ErrMalformed, "the request body could not be read", errors.Join(errBodyRead, err))
		}
	}
	if len(buf) > MaxRequestBytes {
		return nil, tooLarge("the request is larger than " + strconv.Itoa(MaxRequestBytes) + " bytes")
	}
	return buf, nil
}

func isGzip(b []byte) bool { return inflate.IsGzip(b) }

// decompress gunzips body when the header or the magic bytes say gzip.
func decompress(body []byte, encoding string) ([]byte, error) {
	enc := strings.ToLower(strings.TrimSpace(encoding))
	switch enc {
	case "", "identity":
		if !isGzip(body) {
			return body, nil
		}
	case "gzip", "x-gzip":
		if len(body) == 0 {
			return body, nil
		}
		if !isGzip(body) {
			return nil, malformed("Content-Encoding says gzip but the body is not gzip data")
		}
	default:
		return nil, malformed("unsupported Content-Encoding: only gzip is accepted")
	}
	out, err := inflate.Gunzip(body, MaxRequestBytes, len(body)*4)
	switch {
	case errors.Is(err, inflate.ErrTooLarge):
		return nil, tooLarge("the request is larger than " + strconv.Itoa(MaxRequestBytes) + " bytes once decompressed")
	case err != nil:
		return nil, malformed("the gzip body is corrupt")
	}
	return out, nil
}

// bodyData finds the data in a non-empty body, whatever its Content-Type
// says (SDKs label the same body differently). found is false when the body
// is a form without a data field (the query may still hold it).
func bodyData(body []byte, query url.Values) (data []byte, found bool, err error) {
	s := skipBOM(skipSpace(body))
	if len(s) == 0 {
		return nil, false, nil
	}
	if s[0] == '{' || s[0] == '[' {
		b, err := finish(s)
		return b, true, err
	}
	v, ok, err := formData(s, query)
	if err != nil {
		return nil, false, err
	}
	if ok {
		b, err := decodeData(v)
		return b, true, err
	}
	if isBase64Text(s) {
		b, err := decodeData(s)
		return b, true, err
	}
	return nil, false, nil
}

// formData scans an application/x-www-form-urlencoded body for its data
// field. A data value that starts with { or [ is raw JSON that was not
// URL-encoded: it is taken up to the end of the JSON value, '&' and '+'
// included. Other fields are added to query when absent there.
func formData(b []byte, query url.Values) (data []byte, found bool, err error) {
	for len(b) > 0 {
		var field []byte
		if i := bytes.IndexByte(b, '&'); i >= 0 {
			field, b = b[:i], b[i+1:]
		} else {
			field, b = b, nil
		}
		eq := bytes.IndexByte(field, '=')
		if eq < 0 {
			continue
		}
		key := field[:eq]
		if !bytes.Equal(key, []byte("data")) {
			k, err1 := formUnescape(nil, key)
			if err1 != nil {
				continue
			}
			if string(k) != "data" {
				if query != nil {
					addField(query, string(k), field[eq+1:])
				}
				continue
			}
		}
		if found {
			continue // the first data field wins
		}
		// The value starts right after "data=" in the original body; if it
		// is raw JSON, re-extend it over any '&' inside the JSON text.
		val := field[eq+1:]
		if len(val) > 0 && (val[0] == '{' || val[0] == '[') {
			full := val
			if len(b) > 0 {
				// val and b are adjacent in the body: val + '&' + b.
				full = val[: len(val)+1+len(b) : len(val)+1+len(b)]
			}
			end := jsonExtent(full)
			if end < 0 || (end < len(full) && full[end] != '&') {
				// Not a well-formed JSON value: let the parser report it.
				data, found = val, true
				continue
			}
			data, found = full[:end], true
			if end < len(full) {
				b = full[end+1:]
			} else {
				b = nil
			}
			continue
		}
		v, err := formUnescape(make([]byte, 0, len(val)), val)
		if err != nil {
			return nil, false, malformed("the data field is not validly URL-encoded")
		}
		data, found = v, true
	}
	return data, found, nil
}

func addField(query url.Values, key string, raw []byte) {
	if _, ok := query[key]; ok {
		return
	}
	v, err := formUnescape(nil, raw)
	if err != nil {
		return
	}
	query[key] = []string{string(v)}
}

// jsonExtent returns the length of the JSON object or array at the start of
// b (b[0] is { or [), or -1 when it never closes. It tracks strings and
// nesting only; the parser validates the rest.
func jsonExtent(b []byte) int {
	depth := 0
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// formUnescape appends the form-decoding of s to dst: %XX escapes and '+'
// as space.
func formUnescape(dst, s []byte) ([]byte, error) {
	if bytes.IndexByte(s, '%') < 0 && bytes.IndexByte(s, '+') < 0 {
		return append(dst, s...), nil
	}
	n := len(dst)
	dst = append(dst, s...) // room for the result, which is never longer
	w := n
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return nil, errBadEscape
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		dst[w] = c
		w++
	}
	return dst[:w], nil
}

var errBadEscape = errors.New("bad URL escape")

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// decodeData turns a data value (already URL-decoded, owned by the caller)
// into JSON text: raw JSON as is, otherwise base64.
func decodeData(v []byte) ([]byte, error) {
	s := skipBOM(skipSpace(v))
	if len(s) > 0 && (s[0] == '{' || s[0] == '[') {
		return finish(s)
	}
	out, err := decodeBase64(v)
	if err != nil {
		return nil, err
	}
	out = skipBOM(skipSpace(out))
	if len(out) == 0 || (out[0] != '{' && out[0] != '[') {
		return nil, malformed("the data field decodes from base64 but not to JSON")
	}
	return finish(out)
}

// decodeBase64 decodes standard or URL-alphabet base64, padded or not. A
// space stands for '+' (form decoding of an unencoded base64 value); CR and
// LF (line-wrapped base64) are skipped. v is modified.
func decodeBase64(v []byte) ([]byte, error) {
	if bytes.IndexByte(v, ' ') >= 0 {
		for i, c := range v {
			if c == ' ' {
				v[i] = '+'
			}
		}
	}
	for len(v) > 0 && (v[len(v)-1] == '=' || v[len(v)-1] == '\n' || v[len(v)-1] == '\r') {
		v = v[:len(v)-1]
	}
	if len(v) == 0 {
		return nil, malformed("the data field is neither JSON nor valid base64")
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(v)))
	n, err := base64.RawStdEncoding.Decode(out, v)
	if err != nil && bytes.ContainsAny(v, "-_") {
		n, err = base64.RawURLEncoding.Decode(out, v)
	}
	if err != nil {
		return nil, malformed("the data field is neither JSON nor valid base64")
	}
	return out[:n], nil
}

// isBase64Text reports whether b looks like a bare base64 body: base64
// characters and line breaks, '=' only as trailing padding.
func isBase64Text(b []byte) bool {
	b = bytes.TrimRight(b, "=\r\n")
	if len(b) < 4 {
		return false
	}
	for _, c := range b {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '+' || c == '/' || c == '-' || c == '_' || c == '\r' || c == '\n') {
			return false
		}
	}
	return true
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

func skipBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return skipSpace(b[3:])
	}
	return b
}

// finish repairs the JSON text b in place: CESU-8 (fixUTF8) and escaped
// lone surrogates (fixSurrogateEscapes).
func finish(b []byte) ([]byte, error) {
	b, err := fixUTF8(b)
	if err != nil {
		return nil, err
	}
	fixSurrogateEscapes(b)
	return b, nil
}

// fixSurrogateEscapes rewrites each \uXXXX escape of a lone UTF-16
// surrogate into \ufffd (the same length), as encoding/json reads it:
// fastjson would keep the six characters as text. An escaped pair is left
// alone. Escapes are read left to right, so an escaped backslash before a
// 'u' is not mistaken for an escape.
func fixSurrogateEscapes(b []byte) {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\\')
		if j < 0 || i+j+1 >= len(b) {
			return
		}
		i += j
		if b[i+1] != 'u' {
			i += 2
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok || !utf16.IsSurrogate(r) {
			i += 2
			continue
		}
		if r < 0xdc00 && i+11 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
			if lo, ok := hex4(b, i+8); ok && lo >= 0xdc00 && lo <= 0xdfff {
				i += 12
				continue
			}
		}
		copy(b[i+2:i+6], "fffd")
		i += 6
	}
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}

// fixUTF8 returns b as valid UTF-8, repairing CESU-8 in place: a pair of
// encoded surrogate halves becomes the 4-byte UTF-8 of the character, a lone
// half becomes U+FFFD (the same 3 bytes long). Other invalid bytes are an
// error naming the byte offset, never the bytes.
func fixUTF8(b []byte) ([]byte, error) {
	if utf8.Valid(b) {
		return b, nil
	}
	w := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			b[w] = c
			w++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			copy(b[w:], b[i:i+size])
			w += size
			i += size
			continue
		}
		hi, ok := surrogateAt(b, i)
		if !ok {
			return nil, malformed("the data is not valid UTF-8 (at byte " + strconv.Itoa(i) + " of the decoded payload)")
		}
		if utf16.IsSurrogate(hi) && hi < 0xdc00 {
			if lo, ok := surrogateAt(b, i+3); ok && lo >= 0xdc00 {
				w += utf8.EncodeRune(b[w:], utf16.DecodeRune(hi, lo))
				i += 6
				continue
			}
		}
		w += copy(b[w:], "\uFFFD")
		i += 3
	}
	return b[:w], nil
}

// surrogateAt decodes the CESU-8 surrogate half (ED A0..BF 80..BF) at b[i].
func surrogateAt(b []byte, i int) (rune, bool) {
	if i+2 >= len(b) || b[i] != 0xed || b[i+1] < 0xa0 || b[i+1] > 0xbf || b[i+2]&0xc0 != 0x80 {
		return 0, false
	}
	return 0xd000 | rune(b[i+1]&0x3f)<<6 | rune(b[i+2]&0x3f), true
}
