package forward

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Passing GDPR deletions on to Mixpanel's GDPR API
// (POST {gdpr_host}/api/app/data-deletions/v3.0/?token=<project token>,
// "Authorization: Bearer <gdpr_token>", {"distinct_ids","compliance_type"},
// answered {"status":"ok","results":{"task_id"}}), for a mixpanel
// destination with gdpr_token set.

// deletion is a GDPR deletion waiting to be passed on
// (<dest dir>/gdpr.log). Its distinct_ids leave the disk once the
// destination accepted or refused it; gdpr-done.log keeps the outcome
// without them.
type deletion struct {
	Task        string    `json:"task"` // Sieve's purge job
	DistinctIDs []string  `json:"distinct_ids,omitempty"`
	Compliance  string    `json:"compliance_type"`
	At          time.Time `json:"at"`
	// Outcome, in gdpr-done.log.
	Remote string `json:"remote_task_id,omitempty"`
	IDs    int    `json:"ids,omitempty"`
	Result string `json:"result,omitempty"` // "accepted" or why it was refused (no value)
}

const (
	gdprFile     = "gdpr.log"
	gdprDoneFile = "gdpr-done.log"
)

// gdprHost is where a mixpanel destination's GDPR API is: gdpr_host, else
// the application host of Mixpanel's ingestion host (api.mixpanel.com ->
// mixpanel.com, api-eu -> eu.mixpanel.com, api-in -> in.mixpanel.com), else
// the host itself (another Sieve serves both).
func (d *Destination) gdprHost() string {
	if d.GDPRHost != "" {
		return d.GDPRHost
	}
	u, err := url.Parse(d.Host)
	if err != nil {
		return d.Host
	}
	switch u.Hostname() {
	case "api.mixpanel.com":
		return "https://mixpanel.com"
	case "api-eu.mixpanel.com":
		return "https://eu.mixpanel.com"
	case "api-in.mixpanel.com":
		return "https://in.mixpanel.com"
	}
	return d.Host
}

// PassOnDeletion queues a GDPR deletion of project id (Sieve's purge job
// task, the distinct_ids, "GDPR" or "CCPA") for every mixpanel destination
// of the project that opted in (gdpr_token), durably; the delivery loops
// send it before their next batch. It returns how many destinations will
// receive it.
func (f *Forwarder) PassOnDeletion(id int64, task string, ids []string, compliance string) (int, error) {
	f.mu.Lock()
	var names []string
	for _, d := range f.dests[id] {
		if d.Kind == KindMixpanel && d.GDPRToken != "" {
			names = append(names, d.Name)
		}
	}
	f.mu.Unlock()
	if compliance == "" {
		compliance = "GDPR"
	}
	for _, name := range names {
		mu := f.deadLock(id, name)
		mu.Lock()
		err := appendLines(filepath.Join(dirOf(f.opt.Dir, id, name), gdprFile),
			[]any{deletion{Task: task, DistinctIDs: ids, Compliance: compliance, At: time.Now().UTC()}})
		mu.Unlock()
		if err != nil {
			return 0, fmt.Errorf("forward: queue a GDPR deletion: %w", err)
		}
		if l, _ := f.loopOf(id, name); l != nil {
			l.gdpr.Store(true)
			l.notify()
		}
	}
	return len(names), nil
}

func readDeletions(path string) ([]deletion, error) {
	ds, err := readLines[deletion](path)
	return ds, err
}

// passOn sends the oldest queued GDPR deletion; false when ctx ended.
func (l *loop) passOn(ctx context.Context, backoff *time.Duration) bool {
	mu := l.f.deadLock(l.project, l.d.Name)
	path := filepath.Join(l.dir, gdprFile)
	mu.Lock()
	ds, err := readDeletions(path)
	mu.Unlock()
	if err != nil {
		l.f.log.Error("forward: GDPR deletions unreadable", "project_id", l.project, "destination", l.d.Name, "err", err)
		return sleep(ctx, l.maxBackoff())
	}
	if len(ds) == 0 {
		l.gdpr.Store(false)
		return true
	}
	d := ds[0]
	remote, o := l.sendDeletion(ctx, d)
	if ctx.Err() != nil {
		return false
	}
	if o.err != "" && o.sent == 0 {
		return l.failed(ctx, o, len(d.DistinctIDs), backoff)
	}
	done := deletion{Task: d.Task, Compliance: d.Compliance, At: time.Now().UTC(), Remote: remote, IDs: len(d.DistinctIDs), Result: "accepted"}
	if len(o.refused) > 0 {
		done.Result = o.reason
		l.f.log.Error("forward: GDPR deletion refused by the destination", "project_id", l.project, "destination", l.d.Name,
			"task", d.Task, "reason", o.reason)
	}
	mu.Lock()
	err = appendLines(filepath.Join(l.dir, gdprDoneFile), []any{done})
	if err == nil {
		// Re-read: another deletion may have been queued meanwhile.
		if cur, rerr := readDeletions(path); rerr == nil && len(cur) > 0 && cur[0].Task == d.Task {
			err = writeLines(path, cur[1:])
		}
	}
	mu.Unlock()
	if err != nil {
		l.f.log.Error("forward: GDPR deletion state not saved", "project_id", l.project, "destination", l.d.Name, "err", err)
		return sleep(ctx, l.maxBackoff())
	}
	l.mu.Lock()
	l.gdprLast = done.Result
	if remote != "" {
		l.gdprLast += " (task " + remote + ")"
	}
	l.mu.Unlock()
	l.succeeded(0)
	*backoff = l.minBackoff()
	return true
}

// sendDeletion makes the GDPR API request. The outcome is sent (accepted),
// refused for good (refused, reason) or a transient failure (err).
func (l *loop) sendDeletion(ctx context.Context, d deletion) (string, outcome) {
	body, _ := json.Marshal(map[string]any{"distinct_ids": d.DistinctIDs, "compliance_type": d.Compliance})
	u := l.d.gdprHost() + "/api/app/data-deletions/v3.0/?token=" + url.QueryEscape(l.d.Token)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", outcome{sent: 1, refused: []int{0}, reason: "the request cannot be made"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.d.GDPRToken)
	req.Header.Set("User-Agent", "sieve-forward")
	resp, err := l.f.opt.Client.Do(req)
	if err != nil {
		return "", outcome{err: "the destination's GDPR API cannot be reached"}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	status := "HTTP " + strconv.Itoa(resp.StatusCode)
	switch {
	case resp.StatusCode/100 == 2:
		var r struct {
			Status  string `json:"status"`
			Results struct {
				TaskID json.RawMessage `json:"task_id"`
			} `json:"results"`
		}
		if json.Unmarshal(b, &r) != nil || r.Status != "ok" {
			return "", outcome{sent: 1, refused: []int{0}, reason: status + " without status ok"}
		}
		return strings.Trim(string(r.Results.TaskID), `"`), outcome{sent: 1}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return "", outcome{wait: retryAfter(resp.Header.Get("Retry-After")), err: status + " from the GDPR API"}
	default:
		return "", outcome{sent: 1, refused: []int{0}, reason: status + " from the GDPR API (check gdpr_token and gdpr_host)"}
	}
}
