package forward

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/alert"
)

func egressClient(allowPrivate bool) *http.Client { return alert.EgressClient(allowPrivate) }

// loop delivers one destination's records in outbox order.
type loop struct {
	f       *Forwarder
	project int64
	d       Destination
	box     *outbox
	dir     string
	wake    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}

	retry atomic.Bool // retry.log holds dead letters to deliver first
	gdpr  atomic.Bool // gdpr.log holds GDPR deletions to pass on first

	mu       sync.Mutex
	dead     int64 // records in the dead-letter file
	gdprLast string
	retried  int64 // records sent back for delivery, not yet delivered
	cursor   int64
	batch    int // current batch size (halved on 413)
	failures int
	lastErr  string
	skipped  int64
	head     int64     // Queued of the oldest record not yet delivered (0: none seen)
	since    time.Time // first failure since the last success (zero: none)
	stalled  bool
}

func (l *loop) notify() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *loop) stop() { l.cancel(); <-l.done }

func (l *loop) state(v *View) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v.Cursor, v.Failures, v.LastError, v.Skipped = l.cursor, l.failures, l.lastErr, l.skipped
	v.DeadLetters, v.Retrying, v.GDPRLast = l.dead, max(0, l.retried), l.gdprLast
	v.Queued = l.box.Last() - l.cursor
	v.State = "ok"
	if !l.since.IsZero() {
		since := l.since.UTC()
		v.State, v.FailingSince = "failing", &since
		if l.stalled {
			v.State = "stalled"
		}
	}
}

// outcome of one delivery attempt.
type outcome struct {
	sent    int           // records answered for (the cursor advances by sent)
	refused []int         // of them, the indices refused for good: they go to the dead-letter file
	reason  string        // why they were refused (no value, no secret)
	halve   bool          // 413: try again with half the batch
	wait    time.Duration // transient failure: Retry-After, or 0 for the backoff
	err     string        // why the attempt failed (no value, no secret)
}

func allOf(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func pick(recs []Record, idx []int) []Record {
	out := make([]Record, 0, len(idx))
	for _, i := range idx {
		if i >= 0 && i < len(recs) {
			out = append(out, recs[i])
		}
	}
	return out
}

func (l *loop) run(ctx context.Context) {
	defer close(l.done)
	c, err := readCursor(l.dir)
	if err != nil {
		l.f.log.Error("forward: cursor unreadable; destination stopped", "project_id", l.project, "destination", l.d.Name, "err", err)
		return
	}
	dead, _ := readDead(filepath.Join(l.dir, deadFile))
	l.mu.Lock()
	l.cursor, l.dead = c, int64(len(dead))
	l.mu.Unlock()
	if st, err := os.Stat(filepath.Join(l.dir, retryFile)); err == nil && st.Size() > 0 {
		l.retry.Store(true)
	}
	if st, err := os.Stat(filepath.Join(l.dir, gdprFile)); err == nil && st.Size() > 0 {
		l.gdpr.Store(true)
	}
	backoff := l.minBackoff()
	var at readPos // where the cursor stands in the outbox, when known
	for {
		if ctx.Err() != nil {
			return
		}
		if l.gdpr.Load() {
			if !l.passOn(ctx, &backoff) {
				return
			}
			continue
		}
		if l.retry.Load() {
			if !l.deliverRetry(ctx, &backoff) {
				return
			}
			continue
		}
		var recs []Record
		l.box.sending.RLock()
		last, err := l.box.read(c, at, l.batch, func(r Record) { recs = append(recs, r) })
		if err != nil {
			l.box.sending.RUnlock()
			l.f.log.Error("forward: outbox unreadable", "project_id", l.project, "destination", l.d.Name, "err", err)
			if !sleep(ctx, l.maxBackoff()) {
				return
			}
			continue
		}
		l.mu.Lock()
		l.head = 0
		if len(recs) > 0 {
			l.head = recs[0].Queued
		}
		l.mu.Unlock()
		if len(recs) == 0 {
			if last > c { // the rest was purged while queued
				c = last
				l.saveCursor(c)
			}
			l.box.sending.RUnlock()
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
			case <-time.After(5 * time.Second):
			}
			continue
		}
		recs, ep := cut(l.d.Kind, recs)
		o := outcome{sent: len(recs)} // nothing of them goes to this destination
		if ep != epNone {
			o = l.send(ctx, recs, ep)
		}
		if ctx.Err() != nil {
			l.box.sending.RUnlock()
			return
		}
		if o.sent == 0 && !o.halve {
			// Transient failure: records older than the project's bound
			// go to the dead-letter file rather than wait forever.
			bound := time.Duration(l.f.SettingsOf(l.project).DeadLetterAfterHours * float64(time.Hour))
			old := time.Now().Add(-bound).UnixMilli()
			k := 0
			for k < len(recs) && recs[k].Queued < old {
				k++
			}
			if k > 0 {
				o = outcome{sent: k, refused: allOf(k), reason: fmt.Sprintf("not accepted within %g hours (%s)", bound.Hours(), o.err)}
			}
		}
		switch {
		case o.sent > 0:
			refused := pick(recs[:o.sent], o.refused)
			if err := l.deadLetter(refused, o.reason); err != nil {
				l.box.sending.RUnlock()
				l.f.log.Error("forward: dead letters not saved; will retry", "project_id", l.project, "destination", l.d.Name, "err", err)
				if !sleep(ctx, l.maxBackoff()) {
					return
				}
				continue
			}
			c, at = recs[o.sent-1].Seq, recs[o.sent-1].at
			l.saveCursor(c)
			l.box.sending.RUnlock()
			l.succeeded(len(refused))
			backoff = l.minBackoff()
			l.f.prune(l.project)
		case o.halve:
			l.box.sending.RUnlock()
			l.mu.Lock()
			l.batch = max(1, len(recs)/2)
			l.mu.Unlock()
		default:
			l.box.sending.RUnlock()
			if !l.failed(ctx, o, len(recs), &backoff) {
				return
			}
		}
	}
}

func (l *loop) minBackoff() time.Duration {
	if l.d.MinBackoffMS > 0 {
		return time.Duration(l.d.MinBackoffMS) * time.Millisecond
	}
	return l.f.opt.MinBackoff
}

func (l *loop) maxBackoff() time.Duration {
	if l.d.MaxBackoffMS > 0 {
		return time.Duration(l.d.MaxBackoffMS) * time.Millisecond
	}
	return l.f.opt.MaxBackoff
}

func (l *loop) batchSize() int {
	if l.d.BatchSize > 0 {
		return l.d.BatchSize
	}
	return l.f.opt.BatchSize
}

func (l *loop) saveCursor(c int64) {
	if err := writeCursor(l.dir, c); err != nil {
		l.f.log.Error("forward: cursor not saved", "project_id", l.project, "destination", l.d.Name, "err", err)
	}
	l.mu.Lock()
	l.cursor = c
	l.mu.Unlock()
}

// succeeded records a delivery the destination answered.
func (l *loop) succeeded(refused int) {
	l.mu.Lock()
	l.failures, l.lastErr = 0, ""
	l.since, l.stalled = time.Time{}, false
	l.skipped += int64(refused)
	if l.batch < l.batchSize() {
		l.batch = min(l.batch*2, l.batchSize())
	}
	l.mu.Unlock()
}

// failed records a failed delivery of n records, raises the stall alert
// once, and waits before the next attempt; false when ctx ended.
func (l *loop) failed(ctx context.Context, o outcome, n int, backoff *time.Duration) bool {
	l.mu.Lock()
	l.failures++
	l.lastErr = o.err
	if l.since.IsZero() {
		l.since = time.Now()
	}
	stall := !l.stalled && time.Since(l.since) >= l.f.opt.StallAfter
	l.stalled = l.stalled || stall
	since, queued := l.since, l.box.Last()-l.cursor
	l.mu.Unlock()
	if stall {
		l.f.log.Error("forward: destination stalled: every delivery failed", "project_id", l.project, "destination", l.d.Name,
			"since", since.UTC().Format(time.RFC3339), "queued", queued, "err", o.err)
		if l.f.opt.OnStall != nil {
			l.f.opt.OnStall(l.project, l.d.Name, since, queued)
		}
	}
	l.f.log.Warn("forward: delivery failed; will retry", "project_id", l.project, "destination", l.d.Name, "err", o.err, "records", n)
	w := o.wait
	if w <= 0 {
		w = *backoff
		*backoff = min(*backoff*2, l.maxBackoff())
	}
	return sleep(ctx, min(w, l.maxBackoff()))
}

// deliverRetry delivers a batch of the dead letters an admin sent back
// (retry.log), before the outbox; false when ctx ended.
func (l *loop) deliverRetry(ctx context.Context, backoff *time.Duration) bool {
	mu := l.f.deadLock(l.project, l.d.Name)
	mu.Lock()
	path := filepath.Join(l.dir, retryFile)
	ds, err := readDead(path)
	if err != nil || len(ds) == 0 {
		mu.Unlock()
		if err != nil {
			l.f.log.Error("forward: retry file unreadable", "project_id", l.project, "destination", l.d.Name, "err", err)
			return sleep(ctx, l.maxBackoff())
		}
		l.retry.Store(false)
		return true
	}
	recs := make([]Record, 0, min(len(ds), l.batch))
	for _, d := range ds[:min(len(ds), l.batch)] {
		recs = append(recs, d.Record)
	}
	recs, ep := cut(l.d.Kind, recs)
	o := outcome{sent: len(recs)}
	if ep != epNone {
		o = l.send(ctx, recs, ep) // under the lock: a purge or discard waits for it
	}
	if ctx.Err() != nil {
		mu.Unlock()
		return false
	}
	switch {
	case o.sent > 0:
		refused := pick(recs[:o.sent], o.refused)
		err := writeDead(path, ds[o.sent:])
		mu.Unlock()
		if err == nil {
			err = l.deadLetter(refused, o.reason)
		}
		if err != nil {
			l.f.log.Error("forward: retry file not saved", "project_id", l.project, "destination", l.d.Name, "err", err)
			return sleep(ctx, l.maxBackoff())
		}
		l.mu.Lock()
		l.retried -= int64(o.sent)
		l.mu.Unlock()
		l.succeeded(len(refused))
		*backoff = l.minBackoff()
		return true
	case o.halve:
		mu.Unlock()
		l.mu.Lock()
		l.batch = max(1, len(recs)/2)
		l.mu.Unlock()
		return true
	default:
		mu.Unlock()
		return l.failed(ctx, o, len(recs), backoff)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// send makes one request with recs and judges the answer.
func (l *loop) send(ctx context.Context, recs []Record, ep string) outcome {
	req, err := l.request(ctx, recs, ep)
	if err != nil {
		// A record that cannot be encoded (never expected: it was stored
		// as JSON) is refused alone.
		if len(recs) == 1 {
			return outcome{sent: 1, refused: []int{0}, reason: "the stored record cannot be encoded"}
		}
		return outcome{halve: true}
	}
	resp, err := l.f.opt.Client.Do(req)
	if err != nil {
		msg := "the destination cannot be reached"
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			msg = "the destination timed out"
		}
		return outcome{err: msg}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	status := "HTTP " + strconv.Itoa(resp.StatusCode)
	one := func(reason string) outcome {
		if len(recs) == 1 {
			return outcome{sent: 1, refused: []int{0}, reason: reason}
		}
		return outcome{halve: true}
	}
	switch {
	case resp.StatusCode/100 == 2 && (ep == epEngage || ep == epGroups):
		// verbose=1: {"status":1} or {"status":0,"error":"..."}.
		var v struct {
			Status *int `json:"status"`
		}
		if json.Unmarshal(body, &v) == nil && v.Status != nil && *v.Status == 0 {
			return one(status + ` with {"status":0}`)
		}
		return outcome{sent: len(recs)}
	case resp.StatusCode/100 == 2:
		return outcome{sent: len(recs)}
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		return one(status + " (too large)")
	case resp.StatusCode == http.StatusBadRequest:
		// Mixpanel's strict mode imports the valid records and lists
		// the others in failed_records, by index in the body.
		var strict struct {
			Failed []struct {
				Index *int `json:"index"`
			} `json:"failed_records"`
		}
		if ep == epImport && json.Unmarshal(body, &strict) == nil && strict.Failed != nil {
			var enc []int // body index -> recs index
			for i := range recs {
				if recs[i].Kind == "" {
					enc = append(enc, i)
				}
			}
			o := outcome{sent: len(recs), reason: status + " (refused in strict mode)"}
			for _, f := range strict.Failed {
				if f.Index != nil && *f.Index >= 0 && *f.Index < len(enc) {
					o.refused = append(o.refused, enc[*f.Index])
				}
			}
			return o
		}
		return one(status)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return outcome{wait: retryAfter(resp.Header.Get("Retry-After")), err: status}
	default:
		// Another 4xx (401, 403, 404...): refused for good, as sent.
		return outcome{sent: len(recs), refused: allOf(len(recs)), reason: status + " (check the destination's host and credentials)"}
	}
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

// request encodes recs in the destination's wire format for endpoint ep:
// gzipped, except /engage and /groups (Mixpanel takes gzip on /import
// only).
func (l *loop) request(ctx context.Context, recs []Record, ep string) (*http.Request, error) {
	var body []byte
	var err error
	u := l.d.Host + ep
	gz := true
	switch ep {
	case epBatch:
		body, err = EncodePostHog(l.d.Token, recs)
	case epEngage, epGroups:
		body, err = EncodeEngage(l.d.Token, recs, l.d.Kind == KindMixpanel)
		u += "?verbose=1"
		gz = false
	default:
		body, err = EncodeMixpanel(l.d.Token, recs)
		u += "?strict=1"
		if l.d.MixpanelProject != "" {
			u += "&project_id=" + l.d.MixpanelProject
		}
	}
	if err != nil {
		return nil, err
	}
	var rb io.Reader = bytes.NewReader(body)
	if gz {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		_, _ = zw.Write(body)
		_ = zw.Close()
		rb = &zb
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, rb)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	req.Header.Set("User-Agent", "sieve-forward")
	switch {
	case l.d.Kind == KindPostHog || ep != epImport:
		// The body carries the token or API key.
	case l.d.ServiceAccount != "":
		req.SetBasicAuth(l.d.ServiceAccount, l.d.Secret)
	case l.d.Secret != "":
		req.SetBasicAuth(l.d.Secret, "")
	default:
		req.SetBasicAuth(l.d.Token, "")
	}
	return req, nil
}

// EncodeMixpanel encodes records as a Mixpanel /import body: a JSON array
// of {"event","properties"} with the original time (milliseconds),
// distinct_id, $insert_id and the project token in the properties.
func EncodeMixpanel(token string, recs []Record) ([]byte, error) {
	out := make([]json.RawMessage, 0, len(recs))
	for _, r := range recs {
		if r.Kind != "" {
			continue // profile updates go to /engage and /groups
		}
		props, err := propsOf(r)
		if err != nil {
			return nil, err
		}
		props["time"] = mustJSON(r.Time)
		props["distinct_id"] = mustJSON(r.DistinctID)
		props["$insert_id"] = mustJSON(mixpanelInsertID(r.InsertID))
		props["token"] = mustJSON(token)
		b, err := json.Marshal(map[string]any{"event": r.Name, "properties": props})
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return json.Marshal(out)
}

// EncodePostHog encodes records as a PostHog /batch/ body, each event with
// its original timestamp and a uuid derived from its $insert_id; profile
// updates from /engage and /groups as $set and $groupidentify events.
func EncodePostHog(apiKey string, recs []Record) ([]byte, error) {
	batch := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		if r.Kind != "" {
			if endpoint(KindPostHog, &r) == epBatch {
				batch = append(batch, postHogProfileEvent(&r))
			}
			continue
		}
		props, err := propsOf(r)
		if err != nil {
			return nil, err
		}
		batch = append(batch, map[string]any{"event": r.Name, "distinct_id": r.DistinctID, "properties": props,
			"timestamp": time.UnixMilli(r.Time).UTC().Format("2006-01-02T15:04:05.000Z"), "uuid": UUIDOf(r.InsertID)})
	}
	return json.Marshal(map[string]any{"api_key": apiKey, "batch": batch})
}

func propsOf(r Record) (map[string]json.RawMessage, error) {
	props := map[string]json.RawMessage{}
	if len(r.Props) > 0 && string(r.Props) != "null" {
		if err := json.Unmarshal(r.Props, &props); err != nil {
			return nil, fmt.Errorf("forward: stored properties are not an object")
		}
	}
	return props, nil
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// mixpanelInsertID keeps an $insert_id Mixpanel accepts (at most 36
// letters, digits and '-'); another is replaced by a stable digest.
func mixpanelInsertID(id string) string {
	ok := len(id) > 0 && len(id) <= 36
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	if ok {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:16])
}

// UUIDOf is the uuid an event is forwarded with to PostHog: its $insert_id
// when that is a UUID, otherwise a UUID (version 8) from its SHA-256, so
// every retry carries the same one.
func UUIDOf(id string) string {
	if len(id) == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-' {
		if _, err := hex.DecodeString(strings.ReplaceAll(id, "-", "")); err == nil {
			return strings.ToLower(id)
		}
	}
	h := sha256.Sum256([]byte(id))
	h[6] = h[6]&0x0f | 0x80
	h[8] = h[8]&0x3f | 0x80
	s := hex.EncodeToString(h[:16])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
