// Package logx builds Sieve's structured logger (log/slog, text or JSON),
// limits the rate of warnings and errors so that a failing disk cannot
// flood the log, and carries a request id from the HTTP middleware to every
// line logged with the request's context.
//
// Log lines name components, routes, counts and errors; never a value from
// a request (see event.Redacted). This package adds nothing but ids,
// counts and times.
//
// logx imports only the standard library; any package may import it.
package logx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Formats of New.
const (
	Text = "text"
	JSON = "json"
)

// New returns a logger writing format (Text or JSON) to w at level and
// above, with warnings and errors rate-limited (see RateLimit) and request
// ids added (see Middleware).
func New(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch format {
	case Text, "":
		h = slog.NewTextHandler(w, opts)
	case JSON:
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("logx: unknown log format %q: use text or json", format)
	}
	return slog.New(withRequestID{RateLimit(h, 5, 10*time.Second)}), nil
}

// RateLimit lets through at most burst warnings or errors with the same
// message per window; the first one let through after a window with
// dropped lines says how many in "suppressed". Info and debug lines pass.
func RateLimit(h slog.Handler, burst int, window time.Duration) slog.Handler {
	return &limiter{h: h, st: &limitState{burst: burst, window: window, keys: map[string]*bucket{}, now: time.Now}}
}

type limiter struct {
	h  slog.Handler
	st *limitState // shared by the handlers WithAttrs/WithGroup derive
}

type limitState struct {
	mu     sync.Mutex
	burst  int
	window time.Duration
	keys   map[string]*bucket
	now    func() time.Time
}

type bucket struct {
	start      time.Time
	n          int
	suppressed int
}

// maxKeys bounds the messages tracked; beyond it the oldest windows go.
const maxKeys = 1024

func (l *limiter) Enabled(ctx context.Context, lv slog.Level) bool { return l.h.Enabled(ctx, lv) }

func (l *limiter) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return l.h.Handle(ctx, r)
	}
	st := l.st
	st.mu.Lock()
	now := st.now()
	b := st.keys[r.Message]
	if b == nil {
		if len(st.keys) >= maxKeys {
			for k, v := range st.keys {
				if now.Sub(v.start) >= st.window {
					delete(st.keys, k)
				}
			}
		}
		b = &bucket{start: now}
		if len(st.keys) < maxKeys {
			st.keys[r.Message] = b
		}
	}
	if now.Sub(b.start) >= st.window {
		b.start, b.n = now, 0
	}
	b.n++
	if b.n > st.burst {
		b.suppressed++
		st.mu.Unlock()
		return nil
	}
	dropped := b.suppressed
	b.suppressed = 0
	st.mu.Unlock()
	if dropped > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("suppressed", dropped))
	}
	return l.h.Handle(ctx, r)
}

func (l *limiter) WithAttrs(as []slog.Attr) slog.Handler {
	return &limiter{h: l.h.WithAttrs(as), st: l.st}
}

func (l *limiter) WithGroup(name string) slog.Handler {
	return &limiter{h: l.h.WithGroup(name), st: l.st}
}

type ctxKey struct{}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

// Middleware gives every request an id (16 hex digits), sent back in the
// X-Request-Id header and added as request_id to every line logged with
// the request's context (logger.ErrorContext(r.Context(), ...)).
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// withRequestID adds request_id from the context to each record.
type withRequestID struct{ slog.Handler }

func (h withRequestID) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h withRequestID) WithAttrs(as []slog.Attr) slog.Handler {
	return withRequestID{h.Handler.WithAttrs(as)}
}

func (h withRequestID) WithGroup(name string) slog.Handler {
	return withRequestID{h.Handler.WithGroup(name)}
}
