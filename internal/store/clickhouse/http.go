package clickhouse

// The HTTP interface: statements in the URL (query=...), data in the body
// (RowBinary), lists of values as external tables (multipart parts), so
// that no stored value, distinct_id or insert_id is ever part of a query's
// text (ClickHouse may log query texts and keeps mutation texts).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// node is one ClickHouse server's HTTP interface.
type node struct {
	base           string // http://host:port/
	client         *http.Client
	user, password string
}

// extTable is an external table sent with a query: name, its structure
// ("s String, t Int64") and RowBinary rows.
type extTable struct {
	name, structure string
	data            []byte
}

// serverError is an error ClickHouse answered. Its text is withheld: a
// parse or conversion error may quote the row that caused it.
type serverError struct {
	status int
	code   int
}

func (e *serverError) Error() string {
	return fmt.Sprintf("clickhouse server error code %d (HTTP %d; message withheld: it may quote stored data)", e.code, e.status)
}

var codeRE = regexp.MustCompile(`Code: (\d+)`)

// Codes of errors that mean the server or a shard is unreachable or busy:
// a retry may succeed (see Unavailable).
var unavailableCodes = map[int]bool{
	209: true, // SOCKET_TIMEOUT
	210: true, // NETWORK_ERROR
	279: true, // ALL_CONNECTION_TRIES_FAILED
	202: true, // TOO_MANY_SIMULTANEOUS_QUERIES
	159: true, // TIMEOUT_EXCEEDED
	394: true, // QUERY_WAS_CANCELLED
}

// do runs one statement. body, when not nil, is the data of an INSERT;
// ext, when not empty, are external tables (then the request is
// multipart). The caller closes the returned body.
func (n *node) do(ctx context.Context, query string, settings url.Values, body []byte, ext []extTable) (io.ReadCloser, error) {
	v := url.Values{}
	for k, vs := range settings {
		v[k] = vs
	}
	v.Set("query", query)
	var rd io.Reader
	ctype := ""
	switch {
	case len(ext) > 0:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, t := range ext {
			v.Set(t.name+"_structure", t.structure)
			v.Set(t.name+"_format", "RowBinary")
			w, err := mw.CreateFormFile(t.name, t.name)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(t.data); err != nil {
				return nil, err
			}
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
		rd, ctype = &b, mw.FormDataContentType()
	case body != nil:
		rd = bytes.NewReader(body)
	}
	method := http.MethodPost
	if rd == nil {
		rd = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, method, n.base+"?"+v.Encode(), rd)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if n.user != "" {
		req.SetBasicAuth(n.user, n.password)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The URL holds only statement text; the error names it, so keep
		// the cause only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		se := &serverError{status: resp.StatusCode}
		if m := codeRE.FindSubmatch(msg); m != nil {
			se.code, _ = strconv.Atoi(string(m[1]))
		}
		if unavailableCodes[se.code] || resp.StatusCode == http.StatusServiceUnavailable {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, se)
		}
		return nil, se
	}
	return resp.Body, nil
}

// exec runs a statement and discards its answer.
func (n *node) exec(ctx context.Context, query string, settings url.Values, body []byte) error {
	rc, err := n.do(ctx, query, settings, body, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	return err
}

// queryString runs a query and returns its whole TabSeparated answer
// (for small answers: versions, counts, names).
func (n *node) queryString(ctx context.Context, query string) (string, error) {
	rc, err := n.do(ctx, query, nil, nil, nil)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	return strings.TrimSpace(string(b)), err
}

// longStatement are the settings of a statement sent as a request's body
// (postString, purge mutations): the server's URL length limit is far
// below what a long list of rows, users or parts needs, and
// max_query_size (256 KiB by default) is raised for it.
var longStatement = url.Values{"max_query_size": {"8388608"}}

// postString is queryString with the statement in the request's body.
func (n *node) postString(ctx context.Context, query string) (string, error) {
	rc, err := n.do(ctx, "", longStatement, []byte(query), nil)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	return strings.TrimSpace(string(b)), err
}

// quote returns s as a ClickHouse string literal. It is used for names
// only (database, cluster, event names, property-name fragments), never
// for stored values.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// rbWriter appends RowBinary values.
type rbWriter struct{ b []byte }

func (w *rbWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *rbWriter) bytes(s []byte) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *rbWriter) i64(v int64)  { w.b = binary.LittleEndian.AppendUint64(w.b, uint64(v)) }
func (w *rbWriter) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *rbWriter) u8(v uint8)   { w.b = append(w.b, v) }

// rbReader reads RowBinary values. Strings are returned in a buffer
// reused by the next read of the same field slot.
type rbReader struct {
	r   *bufio.Reader
	err error
}

func newRB(r io.Reader) *rbReader { return &rbReader{r: bufio.NewReaderSize(r, 256<<10)} }

// more reports whether another row follows (false at the end or on error).
func (r *rbReader) more() bool {
	if r.err != nil {
		return false
	}
	_, err := r.r.Peek(1)
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		return false
	}
	return true
}

func (r *rbReader) fail(err error) {
	if r.err == nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		r.err = err
	}
}

func (r *rbReader) bytesInto(dst []byte) []byte {
	if r.err != nil {
		return dst[:0]
	}
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		r.fail(err)
		return dst[:0]
	}
	if n > math.MaxInt32 {
		r.fail(errors.New("clickhouse: string too long in answer"))
		return dst[:0]
	}
	if uint64(cap(dst)) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	if _, err := io.ReadFull(r.r, dst); err != nil {
		r.fail(err)
	}
	return dst
}

func (r *rbReader) str() string { return string(r.bytesInto(nil)) }

func (r *rbReader) u64() uint64 {
	var b [8]byte
	if r.err != nil {
		return 0
	}
	if _, err := io.ReadFull(r.r, b[:]); err != nil {
		r.fail(err)
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

func (r *rbReader) i64() int64 { return int64(r.u64()) }

func (r *rbReader) u8() uint8 {
	if r.err != nil {
		return 0
	}
	c, err := r.r.ReadByte()
	if err != nil {
		r.fail(err)
	}
	return c
}

// defaultClient is shared by the nodes of a store.
func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     5 * time.Second, // below the servers' keep_alive_timeout
		DisableCompression:  true,
	}}
}
