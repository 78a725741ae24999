package project

import (
	"errors"
	"testing"
)

func TestServiceAccountDisableAndDeletePersist(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := r.Create("one")
	p2, _ := r.Create("two")
	a, err := r.CreateServiceAccount(p1.ID, "bot", RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.CreateServiceAccount(p1.ID, "other", RoleAdmin)
	if _, ok := r.AuthServiceAccount(a.Username, a.Secret); !ok {
		t.Fatal("a new account does not authenticate")
	}
	// Another project cannot reach the account.
	if _, err := r.SetServiceAccountDisabled(p2.ID, a.Username, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("disable through another project: %v", err)
	}
	if err := r.DeleteServiceAccount(p2.ID, a.Username); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete through another project: %v", err)
	}
	sa, err := r.SetServiceAccountDisabled(p1.ID, a.Username, true)
	if err != nil || !sa.Disabled {
		t.Fatalf("disable: %+v %v", sa, err)
	}
	if _, ok := r.AuthServiceAccount(a.Username, a.Secret); ok {
		t.Fatal("a disabled account authenticates")
	}
	// Disabled survives a restart, and enabling brings the same secret back.
	r2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r2.AuthServiceAccount(a.Username, a.Secret); ok {
		t.Fatal("a disabled account authenticates after a restart")
	}
	if l := r2.ServiceAccounts(p1.ID); len(l) != 2 || !l[0].Disabled || l[1].Disabled {
		t.Fatalf("listed after a restart: %+v", l)
	}
	if _, err := r2.SetServiceAccountDisabled(p1.ID, a.Username, false); err != nil {
		t.Fatal(err)
	}
	if _, ok := r2.AuthServiceAccount(a.Username, a.Secret); !ok {
		t.Fatal("an enabled account does not authenticate")
	}
	if err := r2.DeleteServiceAccount(p1.ID, a.Username); err != nil {
		t.Fatal(err)
	}
	if err := r2.DeleteServiceAccount(p1.ID, a.Username); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, ok := r2.AuthServiceAccount(a.Username, a.Secret); ok {
		t.Fatal("a deleted account authenticates")
	}
	r3, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r3.AuthServiceAccount(a.Username, a.Secret); ok {
		t.Fatal("a deleted account authenticates after a restart")
	}
	if _, ok := r3.AuthServiceAccount(b.Username, b.Secret); !ok {
		t.Fatal("deleting one account removed another")
	}
	if l := r3.ServiceAccounts(p1.ID); len(l) != 1 || l[0].Username != b.Username {
		t.Fatalf("listed after deleting: %+v", l)
	}
}
