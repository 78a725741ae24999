package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sieve-analytics/sieve/internal/project"
)

func TestRoleMatrix(t *testing.T) {
	const own, other = 1, 2
	levels := []Level{Ingest, Read, Admin, GlobalAdmin}
	cases := []struct {
		p    Principal
		want map[Level]bool // on own project (GlobalAdmin: project 0)
	}{
		{Principal{Global: true}, map[Level]bool{Ingest: true, Read: true, Admin: true, GlobalAdmin: true}},
		{Principal{ProjectID: own, Role: project.RoleAdmin}, map[Level]bool{Ingest: true, Read: true, Admin: true}},
		{Principal{ProjectID: own, Role: project.RoleAnalyst}, map[Level]bool{Read: true}},
		{Principal{ProjectID: own, Role: project.RoleIngest}, map[Level]bool{Ingest: true}},
	}
	for _, c := range cases {
		for _, l := range levels {
			pid := int64(own)
			if l == GlobalAdmin {
				pid = 0
			}
			if got := c.p.Can(l, pid); got != c.want[l] {
				t.Errorf("%+v Can(%d, own) = %v, want %v", c.p, l, got, c.want[l])
			}
			if !c.p.Global && c.p.Can(l, other) {
				t.Errorf("%+v may act at level %d on another project", c.p, l)
			}
		}
	}
}

func TestFromRequest(t *testing.T) {
	reg, err := project.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.EnsureAdminKey("admin-key-0123456789"); err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Create("p")
	sa, _ := reg.CreateServiceAccount(p.ID, "reader", project.RoleAnalyst)
	a := Authenticator{Projects: reg}

	f := func(setup func(r *http.Request), want Principal, wantErr error) {
		t.Helper()
		r := httptest.NewRequest("GET", "/", nil)
		setup(r)
		got, err := a.FromRequest(r)
		if !errors.Is(err, wantErr) || got != want {
			t.Errorf("got %+v, %v; want %+v, %v", got, err, want, wantErr)
		}
	}
	f(func(r *http.Request) {}, Principal{}, ErrNoCredentials)
	f(func(r *http.Request) { r.Header.Set("Authorization", "Bearer admin-key-0123456789") }, Principal{Actor: "admin", Global: true}, nil)
	f(func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }, Principal{}, ErrBadCredentials)
	f(func(r *http.Request) { r.SetBasicAuth(p.APISecret, "") }, Principal{Actor: "secret:1", ProjectID: p.ID, Role: project.RoleAdmin}, nil)
	f(func(r *http.Request) { r.SetBasicAuth(p.Token, "") }, Principal{Actor: "token:1", ProjectID: p.ID, Role: project.RoleIngest}, nil)
	f(func(r *http.Request) { r.SetBasicAuth(sa.Username, sa.Secret) }, Principal{Actor: "sa:" + sa.Username, ProjectID: p.ID, Role: project.RoleAnalyst}, nil)
	f(func(r *http.Request) { r.SetBasicAuth(sa.Username, "wrong") }, Principal{}, ErrBadCredentials)
	f(func(r *http.Request) { r.SetBasicAuth("unknown", "") }, Principal{}, ErrBadCredentials)
}

func TestPIIGrant(t *testing.T) {
	reg, err := project.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Create("P")
	q, _ := reg.Create("Q")
	an, _ := reg.CreateServiceAccount(p.ID, "analyst", project.RoleAnalyst)
	ing, _ := reg.CreateServiceAccount(p.ID, "ingest", project.RoleIngest)
	a := Authenticator{Projects: reg}
	login := func(user, pass string) Principal {
		pr, err := a.Basic(user, pass)
		if err != nil {
			t.Fatal(err)
		}
		return pr
	}
	anP, ingP := login(an.Username, an.Secret), login(ing.Username, ing.Secret)
	secP, tokP := login(mustSecret(t, reg, p.ID), ""), login(p.Token, "")
	check := func(what string, pr Principal, pid int64, want bool) {
		t.Helper()
		if got := a.PII(pr, pid); got != want {
			t.Errorf("%s on %d: pii %v, want %v", what, pid, got, want)
		}
	}
	check("admin key", Principal{Actor: "admin", Global: true}, p.ID, true)
	check("analyst", anP, p.ID, false)
	check("API secret", secP, p.ID, true)
	check("API secret, other project", secP, q.ID, false)
	check("token", tokP, p.ID, false)
	reg.SetAccountPII(p.ID, an.Username, true)
	reg.SetAccountPII(p.ID, ing.Username, true)
	check("analyst granted", anP, p.ID, true)
	check("analyst granted, other project", anP, q.ID, false)
	check("ingest granted (reads nothing)", ingP, p.ID, false)
	reg.SetPII(p.ID, nil, false)
	check("API secret taken away", secP, p.ID, false)
	reg.SetAccountPII(p.ID, an.Username, false)
	check("analyst revoked (same principal)", anP, p.ID, false)
}

// mustSecret rotates project id's API secret and returns the new one.
func mustSecret(t *testing.T, reg *project.Registry, id int64) string {
	t.Helper()
	s, _, err := reg.RotateSecret(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
