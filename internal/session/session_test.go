package session

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/project"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)} }
func analyst() auth.Principal {
	return auth.Principal{Actor: "sa:bob", ProjectID: 3, Role: project.RoleAnalyst}
}
func admin() auth.Principal { return auth.Principal{Actor: "admin", Global: true} }
func req(method string) *http.Request {
	return httptest.NewRequest(method, "/api/projects/3/findings", nil)
}

// through runs r through the middleware and returns what auth sees.
func through(t *testing.T, s *Store, r *http.Request) (auth.Principal, string, error) {
	t.Helper()
	var p auth.Principal
	var id string
	var err error
	s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err = auth.Authenticator{}.FromRequest(r)
		id = auth.SessionID(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), r)
	return p, id, err
}

func TestSessionResolvesToItsPrincipal(t *testing.T) {
	s := New(Config{})
	ck, sess := s.Create(analyst())
	r := req("GET")
	r.AddCookie(&http.Cookie{Name: CookieName, Value: ck})
	p, id, err := through(t, s, r)
	if err != nil || p != analyst() || id != sess.ID {
		t.Fatalf("got %+v %q %v, want the analyst through session %s", p, id, err, sess.ID)
	}
	if !p.Can(auth.Read, 3) || p.Can(auth.Admin, 3) || p.Can(auth.Read, 4) {
		t.Fatal("the session's principal must have the analyst's rights exactly")
	}
	if sess.ID == ck || len(ck) < 40 {
		t.Fatal("the public id must not be the cookie, and the cookie must be long and random")
	}
}

func TestNoCookieNoSession(t *testing.T) {
	s := New(Config{})
	if _, _, err := through(t, s, req("GET")); !errors.Is(err, auth.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
}

// Session fixation: a cookie value the client chose (or one of a revoked
// session) never authenticates, and signing in always issues a new value.
func TestFixation(t *testing.T) {
	s := New(Config{})
	r := req("GET")
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "attacker-chosen-value-0123456789abcdef0123456789"})
	if _, _, err := through(t, s, r); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("an unknown cookie: err = %v, want ErrBadCredentials", err)
	}
	ck1, _ := s.Create(admin())
	ck2, _ := s.Create(admin())
	if ck1 == ck2 {
		t.Fatal("two sign-ins must get two cookies")
	}
}

func TestCSRF(t *testing.T) {
	s := New(Config{})
	ck, sess := s.Create(admin())
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		for name, set := range map[string]func(*http.Request){
			"no token":    func(*http.Request) {},
			"wrong token": func(r *http.Request) { r.Header.Set(CSRFHeader, sess.CSRF[:len(sess.CSRF)-1]+"x") },
			"cross-site": func(r *http.Request) {
				r.Header.Set(CSRFHeader, sess.CSRF)
				r.Header.Set("Sec-Fetch-Site", "cross-site")
			},
		} {
			r := req(m)
			r.AddCookie(&http.Cookie{Name: CookieName, Value: ck})
			set(r)
			if _, _, err := through(t, s, r); !errors.Is(err, auth.ErrCSRF) {
				t.Errorf("%s with %s: err = %v, want ErrCSRF", m, name, err)
			}
		}
		r := req(m)
		r.AddCookie(&http.Cookie{Name: CookieName, Value: ck})
		r.Header.Set(CSRFHeader, sess.CSRF)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		if p, _, err := through(t, s, r); err != nil || !p.Global {
			t.Errorf("%s with the token: %+v %v", m, p, err)
		}
	}
	r := req("GET")
	r.AddCookie(&http.Cookie{Name: CookieName, Value: ck})
	if _, _, err := through(t, s, r); err != nil {
		t.Errorf("a GET needs no token: %v", err)
	}
}

func TestAuthorizationHeaderWins(t *testing.T) {
	s := New(Config{})
	r := req("POST")
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "whatever"})
	r.Header.Set("Authorization", "Bearer x")
	var saw bool
	s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		saw = auth.SessionID(r.Context()) == ""
	})).ServeHTTP(httptest.NewRecorder(), r)
	if !saw {
		t.Fatal("a request with an Authorization header must not be touched")
	}
}

func TestExpiryAndRevocation(t *testing.T) {
	c := newClock()
	s := New(Config{TTL: 2 * time.Hour, Idle: 30 * time.Minute, Now: c.now})
	ck, sess := s.Create(admin())
	for range 4 { // used every 25 minutes: alive until the TTL
		c.add(25 * time.Minute)
		if _, ok := s.Lookup(ck); !ok {
			t.Fatalf("expired at %v while in use", c.t)
		}
	}
	c.add(time.Hour)
	if _, ok := s.Lookup(ck); ok {
		t.Fatal("alive after its TTL")
	}
	ck, _ = s.Create(admin())
	c.add(31 * time.Minute)
	if _, ok := s.Lookup(ck); ok {
		t.Fatal("alive after the idle timeout")
	}
	ck, sess = s.Create(admin())
	if len(s.List(func(Session) bool { return true })) != 1 {
		t.Fatal("expired sessions must not be listed")
	}
	if !s.Revoke(sess.ID) || s.Revoke(sess.ID) {
		t.Fatal("revoke once")
	}
	if _, ok := s.Lookup(ck); ok {
		t.Fatal("alive after revocation")
	}
}

func TestCookieAttributes(t *testing.T) {
	s := New(Config{})
	for _, secure := range []bool{false, true} {
		c := s.Cookie("v", secure)
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != secure || c.Path != "/" || c.MaxAge <= 0 {
			t.Errorf("cookie %+v", c)
		}
		if cl := ClearCookie(secure); cl.MaxAge >= 0 || cl.Value != "" {
			t.Errorf("clear cookie %+v", cl)
		}
	}
}

func TestLimiter(t *testing.T) {
	c := newClock()
	l := &Limiter{Burst: 3, Every: 10 * time.Second, Now: c.now}
	for i := range 3 {
		if ok, _ := l.Allow("1.2.3.4"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	ok, wait := l.Allow("1.2.3.4")
	if ok || wait <= 0 || wait > 10*time.Second {
		t.Fatalf("4th attempt: %v, wait %v", ok, wait)
	}
	if ok, _ := l.Allow("5.6.7.8"); !ok {
		t.Fatal("another address has its own bucket")
	}
	c.add(10 * time.Second)
	if ok, _ := l.Allow("1.2.3.4"); !ok {
		t.Fatal("refilled after Every")
	}
	if ok, _ := l.Allow("1.2.3.4"); ok {
		t.Fatal("only one refilled")
	}
}

func TestClientAddr(t *testing.T) {
	for in, want := range map[string]string{"1.2.3.4:5": "1.2.3.4", "[::1]:80": "::1", "odd": "odd"} {
		r := req("GET")
		r.RemoteAddr = in
		if got := ClientAddr(r); got != want {
			t.Errorf("ClientAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
