package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRegistryPersistsAndHashesSecrets(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	key, err := r.EnsureAdminKey("")
	if err != nil || !strings.HasPrefix(key, "sieve_admin_") {
		t.Fatalf("EnsureAdminKey = %q, %v", key, err)
	}
	if again, _ := r.EnsureAdminKey(""); again != "" {
		t.Fatal("a second start printed a new admin key")
	}
	def, err := r.EnsureDefault()
	if err != nil || def == nil || def.Name != "Default" || def.APISecret == "" {
		t.Fatalf("EnsureDefault = %+v, %v", def, err)
	}
	if d2, _ := r.EnsureDefault(); d2 != nil {
		t.Fatal("EnsureDefault created a second Default")
	}
	sa, err := r.CreateServiceAccount(def.ID, "ci", RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}

	b, err := os.ReadFile(filepath.Join(dir, fileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{key, def.APISecret, sa.Secret} {
		if strings.Contains(string(b), secret) {
			t.Fatal("a secret is stored in clear in the registry file")
		}
	}

	r2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.IsAdminKey(key) || r2.IsAdminKey(key+"x") {
		t.Error("admin key check after reopen")
	}
	if p, ok := r2.BySecret(def.APISecret); !ok || p.ID != def.ID {
		t.Error("BySecret after reopen")
	}
	if p, ok := r2.ByToken(def.Token); !ok || p.ID != def.ID {
		t.Error("ByToken after reopen")
	}
	if a, ok := r2.AuthServiceAccount(sa.Username, sa.Secret); !ok || a.Role != RoleAnalyst || a.ProjectID != def.ID {
		t.Error("AuthServiceAccount after reopen")
	}
	if _, ok := r2.AuthServiceAccount(sa.Username, "wrong"); ok {
		t.Error("AuthServiceAccount accepted a wrong secret")
	}
}

func TestRegistryValidation(t *testing.T) {
	r, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Create("  "); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
	if _, err := r.EnsureAdminKey("short"); !errors.Is(err, ErrInvalid) {
		t.Errorf("short admin key: %v", err)
	}
	p, _ := r.Create("p")
	if _, err := r.CreateServiceAccount(p.ID, "x", Role("root")); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad role: %v", err)
	}
	if _, err := r.CreateServiceAccount(99, "x", RoleAdmin); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown project: %v", err)
	}
	on := true
	got, err := r.Update(p.ID, Patch{Autotrack: &on})
	if err != nil || !got.Settings.Autotrack {
		t.Errorf("Update autotrack: %+v %v", got, err)
	}
	if p.Settings.Autotrack {
		t.Error("autotrack must be off for a new project")
	}
	if p.Settings.TimeZone != "UTC" || p.Settings.Location() != time.UTC {
		t.Errorf("a new project's time zone is %q, want UTC", p.Settings.TimeZone)
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus", "../etc/passwd"} {
		if _, err := r.Update(p.ID, Patch{TimeZone: &bad}); !errors.Is(err, ErrInvalid) {
			t.Errorf("time_zone %q: %v", bad, err)
		}
	}
	ny := "America/New_York"
	got, err = r.Update(p.ID, Patch{TimeZone: &ny})
	if err != nil || got.Settings.Location().String() != ny {
		t.Errorf("Update time_zone: %+v %v", got, err)
	}
}

func TestRegistryDamagedFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, fileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("a damaged registry was silently accepted")
	}
}

func TestGuardPolicyHistory(t *testing.T) {
	r, _ := Open(t.TempDir())
	p, _ := r.Create("p")
	if err := r.SetGuard(p.ID, []byte(`{"actions":{"email":"hash"}}`), "sa:alice"); err != nil {
		t.Fatal(err)
	}
	raw, v, key, err := r.Guard(p.ID)
	if err != nil || v != 1 || len(key) != 32 || string(raw) != `{"actions":{"email":"hash"}}` {
		t.Fatalf("Guard = %s %d %d %v", raw, v, len(key), err)
	}
	h, _ := r.GuardHistory(p.ID)
	if len(h) != 1 || h[0].Actor != "sa:alice" {
		t.Fatalf("history = %+v", h)
	}
}

func TestSavedFunnels(t *testing.T) {
	dir := t.TempDir()
	r, _ := Open(dir)
	p, _ := r.Create("p")
	f, err := r.SaveFunnel(p.ID, "Signup", []byte(`{"steps":[]}`))
	if err != nil || f.ID != 1 {
		t.Fatalf("SaveFunnel: %+v %v", f, err)
	}
	if _, err := r.SaveFunnel(99, "x", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown project: %v", err)
	}
	if _, err := r.SaveFunnel(p.ID, " ", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
	g, _ := r.SaveFunnel(p.ID, "Checkout", []byte(`{}`))
	r2, err := Open(dir) // saved funnels survive a restart
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := r2.Funnels(p.ID)
	var def bytes.Buffer
	if len(fs) == 2 {
		json.Compact(&def, fs[0].Definition)
	}
	if len(fs) != 2 || fs[0].Name != "Signup" || def.String() != `{"steps":[]}` {
		t.Errorf("after reopen: %+v", fs)
	}
	if err := r2.DeleteFunnel(p.ID, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r2.Funnel(p.ID, f.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted funnel: %v", err)
	}
	if got, err := r2.Funnel(p.ID, g.ID); err != nil || got.Name != "Checkout" {
		t.Errorf("Funnel: %+v %v", got, err)
	}
}

func TestPIISettingsAndGrantsPersist(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Create("P")
	if err != nil {
		t.Fatal(err)
	}
	q, err := r.Create("Q")
	if err != nil {
		t.Fatal(err)
	}
	sa, err := r.CreateServiceAccount(p.ID, "bot", RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetPII(p.ID, []string{"b", "a", "a", " c "}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetAccountPII(q.ID, sa.Username, true); err != ErrNotFound {
		t.Errorf("grant in another project: %v", err)
	}
	if _, err := r.SetAccountPII(p.ID, sa.Username, true); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{""}, {strings.Repeat("x", 201)}, make([]string, MaxPIIPaths+1)} {
		if _, err := r.SetPII(p.ID, bad, true); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetPII(%d paths): %v", len(bad), err)
		}
	}
	k1, _ := r.PIIKey(p.ID)
	kq, _ := r.PIIKey(q.ID)
	if len(k1) != 32 || bytes.Equal(k1, kq) {
		t.Fatal("PII keys must be 32 bytes and differ between projects")
	}
	r2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r2.Get(p.ID)
	k2, _ := r2.PIIKey(p.ID)
	if strings.Join(got.Settings.PIIPaths, ",") != "a,b,c" || !got.Settings.SecretNoPII || !r2.AccountPII(p.ID, sa.Username) ||
		r2.AccountPII(q.ID, sa.Username) || !bytes.Equal(k1, k2) {
		t.Errorf("after reopen: %+v, pii %v, key stable %v", got.Settings, r2.AccountPII(p.ID, sa.Username), bytes.Equal(k1, k2))
	}
}
