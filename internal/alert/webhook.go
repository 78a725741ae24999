package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Webhook is a project's alert endpoint. Secret signs every delivery.
type Webhook struct {
	ProjectID int64  `json:"project_id"`
	URL       string `json:"url"`
	Secret    string `json:"secret"`
}

// Signature headers of a delivery. SignatureHeader is
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
const (
	SignatureHeader = "X-Sieve-Signature"
	AlertIDHeader   = "X-Sieve-Alert-Id"
)

// ErrInvalid wraps webhook validation errors; their text is safe to show.
var ErrInvalid = errors.New("webhook")

// Sign returns the signature header value for body at time t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body (receivers use this logic;
// tests too). maxAge bounds the timestamp's age (0: not checked).
func Verify(secret, header string, body []byte, now time.Time, maxAge time.Duration) bool {
	var ts, sig string
	for _, part := range splitComma(header) {
		switch {
		case len(part) > 2 && part[:2] == "t=":
			ts = part[2:]
		case len(part) > 3 && part[:3] == "v1=":
			sig = part[3:]
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if maxAge > 0 && now.Sub(time.Unix(n, 0)).Abs() > maxAge {
		return false
	}
	want := Sign(secret, time.Unix(n, 0), body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// SetWebhook sets project id's webhook. An empty secret generates one. The
// returned webhook holds the secret: show it once.
func (a *Alerter) SetWebhook(id int64, rawURL, secret string) (Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > 2000 || u.User != nil {
		return Webhook{}, fmt.Errorf("%w: url must be an http or https URL without credentials, at most 2000 bytes", ErrInvalid)
	}
	if err := checkHost(context.Background(), u, a.opt.AllowPrivateWebhooks); err != nil {
		return Webhook{}, err
	}
	if secret, err = newSecret(secret); err != nil {
		return Webhook{}, err
	}
	h := Webhook{ProjectID: id, URL: rawURL, Secret: secret}
	a.mu.Lock()
	defer a.mu.Unlock()
	old, had := a.hooks[id]
	a.hooks[id] = h
	if err := a.saveHooks(); err != nil {
		if had {
			a.hooks[id] = old
		} else {
			delete(a.hooks, id)
		}
		return Webhook{}, err
	}
	return h, nil
}

// newSecret checks a signing secret, or generates one when it is empty.
func newSecret(secret string) (string, error) {
	if secret == "" {
		var b [32]byte
		_, _ = rand.Read(b[:])
		return "whsec_" + hex.EncodeToString(b[:]), nil
	}
	if len(secret) < 16 || len(secret) > 200 {
		return "", fmt.Errorf("%w: secret must be 16 to 200 bytes (or omitted to generate one)", ErrInvalid)
	}
	return secret, nil
}

// DeleteWebhook removes project id's webhook.
func (a *Alerter) DeleteWebhook(id int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, had := a.hooks[id]
	if !had {
		return nil
	}
	delete(a.hooks, id)
	if err := a.saveHooks(); err != nil {
		a.hooks[id] = old
		return err
	}
	return nil
}

// WebhookURL returns project id's webhook URL, if any (never the secret).
func (a *Alerter) WebhookURL(id int64) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h, ok := a.hooks[id]
	return h.URL, ok
}

// saveHooks writes webhooks.json. Caller holds a.mu.
func (a *Alerter) saveHooks() error {
	if a.opt.Dir == "" {
		return nil
	}
	hooks := make([]Webhook, 0, len(a.hooks))
	for _, h := range a.hooks {
		hooks = append(hooks, h)
	}
	slices.SortFunc(hooks, func(x, y Webhook) int { return int(x.ProjectID - y.ProjectID) })
	b, err := json.Marshal(hooks)
	if err != nil {
		return fmt.Errorf("alert: encode webhooks: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(a.opt.Dir, webhooksFile), b, 0o600); err != nil {
		return fmt.Errorf("alert: write webhooks: %w", err)
	}
	return nil
}

type delivery struct {
	alert Alert
	hook  Webhook
}

// deliver posts queued alerts until ctx is done.
func (a *Alerter) deliver(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-a.queue:
			a.post(ctx, d)
			a.inflight.Done()
		}
	}
}

// post delivers one alert: up to Attempts tries, the delay doubling from
// RetryBase up to 30 s. A 2xx answer is success; other 4xx answers (but
// 408 and 429) are final.
func (a *Alerter) post(ctx context.Context, d delivery) {
	body, _ := json.Marshal(d.alert)
	delay := a.opt.RetryBase
	for attempt := 1; attempt <= a.opt.Attempts; attempt++ {
		status, err := a.try(ctx, d, body)
		switch {
		case err == nil && status/100 == 2:
			a.setDelivery(d.alert.ID, "delivered", attempt)
			return
		case err == nil && status/100 == 4 && status != 408 && status != 429:
			a.setDelivery(d.alert.ID, "failed", attempt)
			a.log.Warn("alert webhook refused", "alert_id", d.alert.ID, "project_id", d.alert.ProjectID, "status", status)
			return
		}
		a.setDelivery(d.alert.ID, "pending", attempt)
		if attempt == a.opt.Attempts {
			break
		}
		select {
		case <-ctx.Done():
			a.setDelivery(d.alert.ID, "failed", attempt)
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 30*time.Second)
	}
	a.setDelivery(d.alert.ID, "failed", a.opt.Attempts)
	a.log.Warn("alert webhook failed", "alert_id", d.alert.ID, "project_id", d.alert.ProjectID, "attempts", a.opt.Attempts)
}

func (a *Alerter) try(ctx context.Context, d delivery, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sieve-alerts")
	req.Header.Set(AlertIDHeader, strconv.FormatInt(d.alert.ID, 10))
	req.Header.Set(SignatureHeader, Sign(d.hook.Secret, a.opt.Now(), body))
	resp, err := a.opt.Client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode, nil
}
