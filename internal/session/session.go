// Package session keeps the web UI's sign-in sessions: a credential (the
// admin key or a service account) is exchanged once for a random session
// cookie, and each later request with that cookie acts as the principal the
// credential gave (auth.WithSession), so the UI sees exactly what the API
// would let that credential see.
//
// Sessions live in memory only: a restart signs everyone out, and nothing of
// a session reaches disk. The cookie value is never stored; the table is
// keyed by its SHA-256. Each session has a public id (for listing and
// revoking, never usable as a cookie), a CSRF token that every changing
// request must echo in the X-CSRF-Token header, an absolute lifetime and an
// idle timeout. Sign-in attempts are rate-limited per client address
// (Limiter).
//
// session imports only auth (and what auth imports); it must not import
// api, ingest, server or store.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/auth"
)

// CookieName is the session cookie's name.
const CookieName = "sieve_session"

// CSRFHeader is the header a changing request carries the CSRF token in.
const CSRFHeader = "X-CSRF-Token"

// Defaults of Config.
const (
	DefaultTTL  = 12 * time.Hour
	DefaultIdle = time.Hour
)

// Config sets lifetimes. Zero values take the defaults.
type Config struct {
	TTL  time.Duration    // absolute lifetime from sign-in
	Idle time.Duration    // a session unused this long expires
	Now  func() time.Time // for tests
}

// Session is what is known of a signed-in session. It holds no secret but
// CSRF, which is shown only to the session itself.
type Session struct {
	ID        string         `json:"id"` // public: listing and revoking
	Principal auth.Principal `json:"-"`
	Actor     string         `json:"actor"`
	ProjectID int64          `json:"project_id,omitempty"`
	Role      string         `json:"role"`
	Created   time.Time      `json:"created"`
	LastSeen  time.Time      `json:"last_seen"`
	Expires   time.Time      `json:"expires"`
	CSRF      string         `json:"-"`
}

// Store holds the live sessions. It is safe for concurrent use.
type Store struct {
	cfg  Config
	mu   sync.Mutex
	byID map[string]*Session
	byCk map[[sha256.Size]byte]*Session
}

// New returns an empty store.
func New(cfg Config) *Store {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Store{cfg: cfg, byID: map[string]*Session{}, byCk: map[[sha256.Size]byte]*Session{}}
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RoleName is how a principal's role is shown: "global-admin" for the
// admin key, else its project role.
func RoleName(p auth.Principal) string {
	if p.Global {
		return "global-admin"
	}
	return string(p.Role)
}

// Create starts a new session for p and returns the cookie value (to send
// once, in Set-Cookie) and the session. A new session never reuses an id or
// cookie a client sent: fixation is impossible by construction.
func (s *Store) Create(p auth.Principal) (cookie string, sess Session) {
	now := s.cfg.Now()
	cookie = random(32)
	idb := make([]byte, 9)
	_, _ = rand.Read(idb)
	n := &Session{ID: hex.EncodeToString(idb), Principal: p, Actor: p.Actor, ProjectID: p.ProjectID, Role: RoleName(p),
		Created: now, LastSeen: now, Expires: now.Add(s.cfg.TTL), CSRF: random(32)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.byID[n.ID] = n
	s.byCk[sha256.Sum256([]byte(cookie))] = n
	return cookie, *n
}

// expired reports whether sess is past its lifetime or idle timeout.
func (s *Store) expired(sess *Session, now time.Time) bool {
	return !now.Before(sess.Expires) || now.Sub(sess.LastSeen) >= s.cfg.Idle
}

// sweep drops expired sessions; the caller holds mu.
func (s *Store) sweep(now time.Time) {
	for k, sess := range s.byCk {
		if s.expired(sess, now) {
			delete(s.byCk, k)
			delete(s.byID, sess.ID)
		}
	}
}

// Lookup returns the live session of a cookie value and marks it used.
func (s *Store) Lookup(cookie string) (Session, bool) {
	if cookie == "" {
		return Session{}, false
	}
	k := sha256.Sum256([]byte(cookie))
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byCk[k]
	if !ok {
		return Session{}, false
	}
	if s.expired(sess, now) {
		delete(s.byCk, k)
		delete(s.byID, sess.ID)
		return Session{}, false
	}
	sess.LastSeen = now
	return *sess, true
}

// Revoke ends the session with public id id; false when there is none.
func (s *Store) Revoke(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return false
	}
	delete(s.byID, id)
	for k, v := range s.byCk {
		if v == sess {
			delete(s.byCk, k)
		}
	}
	return true
}

// Get returns the live session with public id id.
func (s *Store) Get(id string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok || s.expired(sess, s.cfg.Now()) {
		return Session{}, false
	}
	return *sess, true
}

// List returns the live sessions keep selects, oldest first.
func (s *Store) List(keep func(Session) bool) []Session {
	now := s.cfg.Now()
	s.mu.Lock()
	s.sweep(now)
	out := make([]Session, 0, len(s.byID))
	for _, sess := range s.byID {
		if keep(*sess) {
			out = append(out, *sess)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Session) int { return a.Created.Compare(b.Created) })
	return out
}

// CheckCSRF reports whether token is the session's CSRF token (constant time).
func (sess Session) CheckCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) == 1
}

// safe reports whether a method changes nothing (no CSRF token needed).
func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// Middleware resolves the session cookie of requests that carry no
// Authorization header: the request's context then holds the session's
// principal (auth.WithSession), or the reason it is refused
// (auth.WithSessionError: an unknown, expired or revoked session; a changing
// request without the session's CSRF token, or sent from another site).
// It writes nothing itself: the API's error adapter answers refusals.
func (s *Store) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if err != nil || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(s.resolve(r.Context(), r, c.Value))
		next.ServeHTTP(w, r)
	})
}

func (s *Store) resolve(ctx context.Context, r *http.Request, cookie string) context.Context {
	sess, ok := s.Lookup(cookie)
	if !ok {
		return auth.WithSessionError(ctx, fmt.Errorf("%w: the session expired or was revoked; sign in again", auth.ErrBadCredentials))
	}
	if !safe(r.Method) {
		// Browsers send Sec-Fetch-Site; a cross-site request is refused even
		// before the token is compared (defence in depth with SameSite).
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
			return auth.WithSessionError(ctx, fmt.Errorf("%w: cross-site request", auth.ErrCSRF))
		}
		if !sess.CheckCSRF(r.Header.Get(CSRFHeader)) {
			return auth.WithSessionError(ctx, auth.ErrCSRF)
		}
	}
	return auth.WithSession(ctx, sess.Principal, sess.ID)
}

// Cookie returns the Set-Cookie for a new session: HttpOnly, SameSite=Strict,
// Secure when the server speaks TLS, Path=/, for the session's lifetime.
func (s *Store) Cookie(value string, secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: value, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.cfg.TTL / time.Second)}
}

// ClearCookie returns the Set-Cookie that removes the session cookie.
func ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1}
}

// Limiter bounds sign-in attempts per client address: a bucket of Burst
// attempts refilled at one per Every. It is safe for concurrent use and
// forgets full buckets, so its memory is bounded by the attackers' rate.
type Limiter struct {
	Burst int
	Every time.Duration
	Now   func() time.Time // for tests; nil is time.Now

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// Allow takes one attempt from addr's bucket; false means wait. The second
// result is how long until the next attempt is allowed.
func (l *Limiter) Allow(addr string) (bool, time.Duration) {
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if len(l.buckets) > 10000 {
		for k, b := range l.buckets {
			if l.fill(b, now) >= float64(l.Burst) {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{tokens: float64(l.Burst), at: now}
		l.buckets[addr] = b
	}
	b.tokens, b.at = l.fill(b, now), now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.Every))
	}
	b.tokens--
	return true, 0
}

func (l *Limiter) fill(b *bucket, now time.Time) float64 {
	return min(float64(l.Burst), b.tokens+float64(now.Sub(b.at))/float64(l.Every))
}

// ClientAddr is the address a request came from, without the port (the key
// of the sign-in limiter). Forwarding headers are not trusted.
func ClientAddr(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
