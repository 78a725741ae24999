// Package project keeps Sieve's projects, keys and service accounts: the
// registry that authenticates every request. It is small and changes rarely,
// so it lives in one JSON file under the data directory, rewritten atomically
// (temporary file, fsync, rename, fsync of the directory) on every change.
//
// Secrets (the admin key, project API secrets, service-account secrets) are
// stored only as SHA-256 hashes and compared in constant time; they are 256
// random bits, so a fast hash is enough. Project tokens are public (browsers
// send them) and are stored as they are.
//
// project must not import ingest, api, server or store.
package project

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones work on hosts without a zone database

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Errors reported through errors.Is.
var (
	ErrNotFound = errors.New("project: not found")
	ErrInvalid  = errors.New("project: invalid")
)

// Role is what a service account may do within its project. The admin key
// is global and above every role.
type Role string

const (
	RoleAdmin   Role = "admin"   // everything in its project
	RoleAnalyst Role = "analyst" // read: export, engage, lexicon, findings
	RoleIngest  Role = "ingest"  // send events only
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAnalyst || r == RoleIngest }

// Settings are a project's switches, changed with PATCH /api/projects/{id}.
type Settings struct {
	Autotrack bool     `json:"autotrack"`  // sieve.js autotrack; off for every new project
	URLParams []string `json:"url_params"` // query parameters sieve.js keeps in captured URLs
	StoreIP   bool     `json:"store_ip"`   // keep raw IP addresses of profile updates
	// TimeZone is the IANA time zone in which queries read dates and draw
	// day, week and month buckets ("" reads as UTC).
	TimeZone string `json:"time_zone,omitempty"`
	// PIIPaths are property paths (dotted, as the lexicon names them) the
	// project marks personal, besides the email and phone classes: readers
	// without the pii grant get their values as keyed hashes. Set with
	// SetPII (PUT /api/projects/{id}/pii).
	PIIPaths []string `json:"pii_paths,omitempty"`
	// SecretNoPII takes the pii grant from the project's API secret. The
	// secret is the project's admin and Mixpanel's legacy export
	// credential, which migrated pipelines read with: it holds pii unless
	// the project says otherwise.
	SecretNoPII bool `json:"api_secret_no_pii,omitempty"`
}

// Location is the project's time zone (UTC when unset or unknown).
func (s Settings) Location() *time.Location {
	if s.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DefaultSettings are those of a new project.
func DefaultSettings() Settings {
	return Settings{URLParams: []string{"utm_*"}, TimeZone: "UTC"}
}

// Project is the public view of a project.
type Project struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	Token    string    `json:"token"`
	Created  time.Time `json:"created"`
	Settings Settings  `json:"settings"`
	// Internal marks the project Sieve reserves for itself (the
	// self-test's canaries): left out of List, so of every project list.
	Internal bool `json:"internal,omitempty"`
}

// PolicyChange records who changed a project's guard policy, and to what.
type PolicyChange struct {
	Time   time.Time       `json:"time"`
	Actor  string          `json:"actor"`
	Policy json.RawMessage `json:"policy"`
}

// ServiceAccount is a named key of one project with a role.
type ServiceAccount struct {
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	ProjectID int64     `json:"project_id"`
	Created   time.Time `json:"created"`
	// Disabled accounts authenticate nothing until enabled again.
	Disabled bool `json:"disabled"`
	// PII grants reading the project's PII paths in clear (see
	// SetAccountPII); without it they read as keyed hashes.
	PII bool `json:"pii,omitempty"`
}

type projectRecord struct {
	Project
	SecretHash string `json:"secret_hash"`
	// PrevSecretHash, the secret before the last rotation, is accepted
	// until PrevSecretUntil (see RotateSecret).
	PrevSecretHash  string          `json:"prev_secret_hash,omitempty"`
	PrevSecretUntil time.Time       `json:"prev_secret_until,omitempty"`
	HashKey         []byte          `json:"hash_key"` // per-project key of the guard's "hash" action
	Guard           json.RawMessage `json:"guard,omitempty"`
	GuardVersion    int64           `json:"guard_version"`
	GuardHistory    []PolicyChange  `json:"guard_history,omitempty"`
	Funnels         []Funnel        `json:"funnels,omitempty"`
	Insights        []Insight       `json:"insights,omitempty"`
	Dashboards      []Dashboard     `json:"dashboards,omitempty"`
}

// Funnel is a saved funnel of a project: its steps and options as the
// query API reads them (Definition is opaque to this package).
type Funnel struct {
	ID         int64           `json:"funnel_id"`
	Name       string          `json:"name"`
	Definition json.RawMessage `json:"definition"`
	Created    time.Time       `json:"created"`
}

type accountRecord struct {
	ServiceAccount
	SecretHash string `json:"secret_hash"`
}

type state struct {
	AdminKeyHash string           `json:"admin_key_hash"`
	NextID       int64            `json:"next_id"`
	NextFunnelID int64            `json:"next_funnel_id,omitempty"`
	NextSavedID  int64            `json:"next_saved_id,omitempty"` // insights and dashboards
	Projects     []*projectRecord `json:"projects"`
	Accounts     []*accountRecord `json:"accounts"`
}

// Registry is the set of projects and keys. It is safe for concurrent use.
type Registry struct {
	path string

	mu       sync.RWMutex
	st       state
	byID     map[int64]*projectRecord
	byToken  map[string]*projectRecord
	bySecret map[string]*projectRecord // by secret hash
	accounts map[string]*accountRecord // by username
	now      func() time.Time

	// shared, when not nil, keeps the registry instead of the file
	// (OpenShared): written holds each record's body as last loaded or
	// written (nil: deleted), mark the store's Mark of the last load, and
	// writes counts this node's writes (a load that overlaps one is
	// discarded).
	shared  Shared
	written map[string][]byte
	mark    string
	writes  int64
}

const fileName = "registry.json"

// Open loads the registry kept in dir, creating dir if needed. A missing
// file is an empty registry; a damaged one is an error (never silently reset).
func Open(dir string) (*Registry, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("project: create directory: %w", err)
	}
	r := &Registry{path: filepath.Join(dir, fileName), now: time.Now}
	b, err := os.ReadFile(r.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.st.NextID = 1
	case err != nil:
		return nil, fmt.Errorf("project: read registry: %w", err)
	default:
		if err := json.Unmarshal(b, &r.st); err != nil {
			return nil, fmt.Errorf("project: registry file %s is damaged: %w", r.path, err)
		}
	}
	r.index()
	return r, nil
}

func (r *Registry) index() {
	r.byID = make(map[int64]*projectRecord, len(r.st.Projects))
	r.byToken = make(map[string]*projectRecord, len(r.st.Projects))
	r.bySecret = make(map[string]*projectRecord, len(r.st.Projects))
	for _, p := range r.st.Projects {
		r.byID[p.ID] = p
		r.byToken[p.Token] = p
		r.bySecret[p.SecretHash] = p
		if p.PrevSecretHash != "" {
			r.bySecret[p.PrevSecretHash] = p
		}
	}
	r.accounts = make(map[string]*accountRecord, len(r.st.Accounts))
	for _, a := range r.st.Accounts {
		r.accounts[a.Username] = a
	}
}

// save writes the registry atomically. The caller holds r.mu for writing.
func (r *Registry) save() error {
	if r.shared != nil {
		return r.saveShared()
	}
	b, err := json.MarshalIndent(&r.st, "", "  ")
	if err != nil {
		return fmt.Errorf("project: encode registry: %w", err)
	}
	if err := atomicfile.Write(r.path, b, 0o600); err != nil {
		return fmt.Errorf("project: %w", err)
	}
	return nil
}

// NewSecret returns 32 random bytes as 64 hex characters.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("project: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

func newToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("project: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func equalHash(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// EnsureAdminKey sets up the admin key. With envKey (SIEVE_ADMIN_KEY) set,
// that key becomes the admin key. Otherwise a key is generated on first
// start and returned so that the caller can print it once; later starts
// return "".
func (r *Registry) EnsureAdminKey(envKey string) (generated string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if envKey != "" {
		if len(envKey) < 16 {
			return "", fmt.Errorf("%w: SIEVE_ADMIN_KEY must be at least 16 characters", ErrInvalid)
		}
		h := hashSecret(envKey)
		if r.st.AdminKeyHash == h {
			return "", nil
		}
		r.st.AdminKeyHash = h
		return "", r.save()
	}
	if r.st.AdminKeyHash != "" {
		return "", nil
	}
	key := "sieve_admin_" + NewSecret()
	r.st.AdminKeyHash = hashSecret(key)
	if err := r.save(); err != nil {
		return "", err
	}
	return key, nil
}

// IsAdminKey reports whether key is the admin key.
func (r *Registry) IsAdminKey(key string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.st.AdminKeyHash != "" && equalHash(hashSecret(key), r.st.AdminKeyHash)
}

// Created is a new project with its API secret, which is shown only once.
type Created struct {
	Project
	APISecret string `json:"api_secret"`
}

// EnsureDefault creates the project "Default" when the registry has no
// project yet, and returns it (nil when projects already exist).
func (r *Registry) EnsureDefault() (*Created, error) {
	r.mu.RLock()
	n := len(r.st.Projects)
	r.mu.RUnlock()
	if n > 0 {
		return nil, nil
	}
	c, err := r.Create("Default")
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func validName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return fmt.Errorf("%w: name must not be empty", ErrInvalid)
	}
	if len(name) > 200 {
		return fmt.Errorf("%w: name must be at most 200 bytes", ErrInvalid)
	}
	return nil
}

// SelfTestProject is the name of the project the self-test reserves.
const SelfTestProject = "Sieve self-test (internal)"

// EnsureInternal returns the reserved internal project, creating it on
// first use. It is left out of List.
func (r *Registry) EnsureInternal() (Project, error) {
	r.mu.RLock()
	for _, p := range r.st.Projects {
		if p.Internal {
			r.mu.RUnlock()
			return p.Project, nil
		}
	}
	r.mu.RUnlock()
	c, err := r.create(SelfTestProject, true)
	return c.Project, err
}

// Create makes a project with a fresh token, API secret and hash key.
func (r *Registry) Create(name string) (Created, error) { return r.create(name, false) }

func (r *Registry) create(name string, internal bool) (Created, error) {
	if r.shared == nil {
		return r.createOnce(name, internal)
	}
	// On a shared registry another node may have given out the same id at
	// the same moment, and the later write wins: read back, and take a
	// new id if this one was lost (docs/CLICKHOUSE.md: a write landing
	// after the read-back can still replace it).
	for attempt := 1; ; attempt++ {
		c, err := r.createOnce(name, internal)
		if err != nil {
			return Created{}, err
		}
		if err := r.refresh(context.Background(), true); err != nil {
			return c, nil // written; the next poll reads it
		}
		r.mu.RLock()
		p, ok := r.byID[c.ID]
		kept := ok && p.Token == c.Token
		r.mu.RUnlock()
		if kept {
			return c, nil
		}
		if attempt == 3 {
			return Created{}, fmt.Errorf("project: other nodes created projects with the same id %d times in a row; try again", attempt)
		}
	}
}

func (r *Registry) createOnce(name string, internal bool) (Created, error) {
	if err := validName(name); err != nil {
		return Created{}, err
	}
	if r.shared != nil {
		// Take the ids other nodes gave out (see docs/CLICKHOUSE.md for
		// two creations at the same moment).
		if err := r.refresh(context.Background(), false); err != nil {
			return Created{}, err
		}
	}
	secret := NewSecret()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return Created{}, fmt.Errorf("project: no randomness: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st.NextID == 0 {
		r.st.NextID = 1
	}
	p := &projectRecord{
		Project: Project{
			ID:       r.st.NextID,
			Name:     strings.TrimSpace(name),
			Token:    newToken(),
			Created:  time.Now().UTC().Truncate(time.Second),
			Settings: DefaultSettings(),
			Internal: internal,
		},
		SecretHash: hashSecret(secret),
		HashKey:    key,
	}
	r.st.NextID++
	r.st.Projects = append(r.st.Projects, p)
	if err := r.save(); err != nil {
		r.st.Projects = r.st.Projects[:len(r.st.Projects)-1]
		r.st.NextID--
		return Created{}, err
	}
	r.index()
	return Created{Project: p.Project, APISecret: secret}, nil
}

// List returns every project but the internal one, ordered by id.
func (r *Registry) List() []Project {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Project, 0, len(r.st.Projects))
	for _, p := range r.st.Projects {
		if p.Internal {
			continue
		}
		out = append(out, p.Project)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Get returns the project with id.
func (r *Registry) Get(id int64) (Project, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.byID[id]
	if !ok {
		return Project{}, ErrNotFound
	}
	return p.Project, nil
}

// ByToken returns the project whose token is token.
func (r *Registry) ByToken(token string) (Project, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.byToken[token]
	if !ok {
		return Project{}, false
	}
	return p.Project, true
}

// BySecret returns the project whose API secret is secret.
func (r *Registry) BySecret(secret string) (Project, bool) {
	h := hashSecret(secret)
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.bySecret[h]
	if !ok {
		return Project{}, false
	}
	if equalHash(h, p.SecretHash) ||
		(p.PrevSecretHash != "" && equalHash(h, p.PrevSecretHash) && r.now().Before(p.PrevSecretUntil)) {
		return p.Project, true
	}
	return Project{}, false
}

// MaxSecretGrace is the longest a rotated-out API secret stays valid.
const MaxSecretGrace = 7 * 24 * time.Hour

// RotateSecret gives project id a new API secret, returned once (only its
// hash is stored). The current secret stays valid for grace (0 ends it at
// once; at most MaxSecretGrace), so that clients can move over; a secret
// rotated out earlier stops at once.
func (r *Registry) RotateSecret(id int64, grace time.Duration) (secret string, oldUntil time.Time, err error) {
	if grace < 0 || grace > MaxSecretGrace {
		return "", time.Time{}, fmt.Errorf("%w: the grace period must be from 0 to %s", ErrInvalid, MaxSecretGrace)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.byID[id]
	if !ok {
		return "", time.Time{}, ErrNotFound
	}
	old := *p
	secret = NewSecret()
	until := r.now().UTC().Add(grace)
	p.PrevSecretHash, p.PrevSecretUntil, p.SecretHash = p.SecretHash, until, hashSecret(secret)
	if grace == 0 {
		p.PrevSecretHash, p.PrevSecretUntil = "", time.Time{}
	}
	if err := r.save(); err != nil {
		*p = old
		return "", time.Time{}, err
	}
	r.index()
	return secret, until, nil
}

// Patch changes a project's name and settings. Nil fields stay as they are.
type Patch struct {
	Name      *string   `json:"name"`
	Autotrack *bool     `json:"autotrack"`
	URLParams *[]string `json:"url_params"`
	StoreIP   *bool     `json:"store_ip"`
	TimeZone  *string   `json:"time_zone"`
}

// Update applies p to the project with id.
func (r *Registry) Update(id int64, p Patch) (Project, error) {
	if p.Name != nil {
		if err := validName(*p.Name); err != nil {
			return Project{}, err
		}
	}
	if p.URLParams != nil {
		for _, s := range *p.URLParams {
			if s == "" || len(s) > 100 {
				return Project{}, fmt.Errorf("%w: url_params entries must be 1 to 100 bytes", ErrInvalid)
			}
		}
	}
	if p.TimeZone != nil {
		if _, err := time.LoadLocation(*p.TimeZone); err != nil || *p.TimeZone == "" || *p.TimeZone == "Local" {
			return Project{}, fmt.Errorf("%w: time_zone must be an IANA time zone name, e.g. Europe/Paris or UTC", ErrInvalid)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[id]
	if !ok {
		return Project{}, ErrNotFound
	}
	old := rec.Project
	if p.Name != nil {
		rec.Name = strings.TrimSpace(*p.Name)
	}
	if p.Autotrack != nil {
		rec.Settings.Autotrack = *p.Autotrack
	}
	if p.URLParams != nil {
		rec.Settings.URLParams = append([]string(nil), (*p.URLParams)...)
	}
	if p.StoreIP != nil {
		rec.Settings.StoreIP = *p.StoreIP
	}
	if p.TimeZone != nil {
		rec.Settings.TimeZone = *p.TimeZone
	}
	if err := r.save(); err != nil {
		rec.Project = old
		return Project{}, err
	}
	return rec.Project, nil
}

// Guard returns a project's guard policy as stored (nil: the default
// policy), its version (incremented by every change) and its hash key.
func (r *Registry) Guard(id int64) (policy json.RawMessage, version int64, hashKey []byte, err error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.byID[id]
	if !ok {
		return nil, 0, nil, ErrNotFound
	}
	return p.Guard, p.GuardVersion, p.HashKey, nil
}

// SetGuard replaces a project's guard policy (already validated by the
// caller) and records who changed it.
func (r *Registry) SetGuard(id int64, policy json.RawMessage, actor string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.byID[id]
	if !ok {
		return ErrNotFound
	}
	oldPolicy, oldVersion, oldHistory := p.Guard, p.GuardVersion, p.GuardHistory
	p.Guard = append(json.RawMessage(nil), policy...)
	p.GuardVersion++
	p.GuardHistory = append(p.GuardHistory, PolicyChange{Time: time.Now().UTC(), Actor: actor, Policy: p.Guard})
	if err := r.save(); err != nil {
		p.Guard, p.GuardVersion, p.GuardHistory = oldPolicy, oldVersion, oldHistory
		return err
	}
	return nil
}

// GuardHistory returns the recorded policy changes of a project, oldest first.
func (r *Registry) GuardHistory(id int64) ([]PolicyChange, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.byID[id]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]PolicyChange(nil), p.GuardHistory...), nil
}

// NewAccount is a created service account with its secret, shown only once.
type NewAccount struct {
	ServiceAccount
	Secret string `json:"secret"`
}

// CreateServiceAccount adds a service account with role to a project.
func (r *Registry) CreateServiceAccount(projectID int64, name string, role Role) (NewAccount, error) {
	if err := validName(name); err != nil {
		return NewAccount{}, err
	}
	if !role.Valid() {
		return NewAccount{}, fmt.Errorf("%w: role must be admin, analyst or ingest", ErrInvalid)
	}
	secret := NewSecret()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byID[projectID]; !ok {
		return NewAccount{}, ErrNotFound
	}
	a := &accountRecord{
		ServiceAccount: ServiceAccount{
			Username:  fmt.Sprintf("sa.%d.%s", projectID, newToken()[:12]),
			Name:      strings.TrimSpace(name),
			Role:      role,
			ProjectID: projectID,
			Created:   time.Now().UTC().Truncate(time.Second),
		},
		SecretHash: hashSecret(secret),
	}
	r.st.Accounts = append(r.st.Accounts, a)
	if err := r.save(); err != nil {
		r.st.Accounts = r.st.Accounts[:len(r.st.Accounts)-1]
		return NewAccount{}, err
	}
	r.accounts[a.Username] = a
	return NewAccount{ServiceAccount: a.ServiceAccount, Secret: secret}, nil
}

// ServiceAccounts lists a project's service accounts (without secrets).
func (r *Registry) ServiceAccounts(projectID int64) []ServiceAccount {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []ServiceAccount
	for _, a := range r.st.Accounts {
		if a.ProjectID == projectID {
			out = append(out, a.ServiceAccount)
		}
	}
	return out
}

// AuthServiceAccount returns the service account whose username and secret
// match.
func (r *Registry) AuthServiceAccount(username, secret string) (ServiceAccount, bool) {
	h := hashSecret(secret)
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.accounts[username]
	if !ok {
		// Compare anyway so that unknown and known usernames take as long.
		equalHash(h, hashSecret("x"))
		return ServiceAccount{}, false
	}
	if !equalHash(h, a.SecretHash) || a.Disabled {
		return ServiceAccount{}, false
	}
	return a.ServiceAccount, true
}

// SetServiceAccountDisabled disables (or enables again) the service account
// username of project projectID and returns it. ErrNotFound when the
// project has no such account.
func (r *Registry) SetServiceAccountDisabled(projectID int64, username string, disabled bool) (ServiceAccount, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.accounts[username]
	if !ok || a.ProjectID != projectID {
		return ServiceAccount{}, ErrNotFound
	}
	old := a.Disabled
	a.Disabled = disabled
	if err := r.save(); err != nil {
		a.Disabled = old
		return ServiceAccount{}, err
	}
	return a.ServiceAccount, nil
}

// DeleteServiceAccount removes the service account username of project
// projectID: its credentials authenticate nothing from then on.
// ErrNotFound when the project has no such account.
func (r *Registry) DeleteServiceAccount(projectID int64, username string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.accounts[username]
	if !ok || a.ProjectID != projectID {
		return ErrNotFound
	}
	old := r.st.Accounts
	kept := make([]*accountRecord, 0, len(old))
	for _, x := range old {
		if x != a {
			kept = append(kept, x)
		}
	}
	r.st.Accounts = kept
	if err := r.save(); err != nil {
		r.st.Accounts = old
		return err
	}
	delete(r.accounts, username)
	return nil
}

// SaveFunnel stores a new saved funnel of a project and returns it with its
// id (unique in the registry).
func (r *Registry) SaveFunnel(projectID int64, name string, def json.RawMessage) (Funnel, error) {
	if err := validName(name); err != nil {
		return Funnel{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[projectID]
	if !ok {
		return Funnel{}, ErrNotFound
	}
	r.st.NextFunnelID++
	f := Funnel{ID: r.st.NextFunnelID, Name: strings.TrimSpace(name), Definition: def, Created: time.Now().UTC()}
	rec.Funnels = append(rec.Funnels, f)
	if err := r.save(); err != nil {
		rec.Funnels = rec.Funnels[:len(rec.Funnels)-1]
		return Funnel{}, err
	}
	return f, nil
}

// Funnels lists a project's saved funnels, oldest first.
func (r *Registry) Funnels(projectID int64) ([]Funnel, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.byID[projectID]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]Funnel(nil), rec.Funnels...), nil
}

// Funnel returns one saved funnel of a project.
func (r *Registry) Funnel(projectID, id int64) (Funnel, error) {
	fs, err := r.Funnels(projectID)
	if err != nil {
		return Funnel{}, err
	}
	for _, f := range fs {
		if f.ID == id {
			return f, nil
		}
	}
	return Funnel{}, ErrNotFound
}

// DeleteFunnel removes a saved funnel.
func (r *Registry) DeleteFunnel(projectID, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[projectID]
	if !ok {
		return ErrNotFound
	}
	for i, f := range rec.Funnels {
		if f.ID == id {
			old := rec.Funnels
			rec.Funnels = append(append([]Funnel(nil), old[:i]...), old[i+1:]...)
			if err := r.save(); err != nil {
				rec.Funnels = old
				return err
			}
			return nil
		}
	}
	return ErrNotFound
}

// MaxPIIPaths bounds the paths a project marks personal.
const MaxPIIPaths = 500

// SetPII replaces the paths project id marks personal and whether its API
// secret holds the pii grant (secretPII). Paths are 1 to 200 bytes, at most
// MaxPIIPaths; duplicates are dropped.
func (r *Registry) SetPII(id int64, paths []string, secretPII bool) (Project, error) {
	if len(paths) > MaxPIIPaths {
		return Project{}, fmt.Errorf("%w: at most %d pii paths", ErrInvalid, MaxPIIPaths)
	}
	clean := make([]string, 0, len(paths))
	for _, p := range paths {
		p = strings.TrimSpace(p)
		if p == "" || len(p) > 200 {
			return Project{}, fmt.Errorf("%w: pii paths must be 1 to 200 bytes", ErrInvalid)
		}
		if !slicesContains(clean, p) {
			clean = append(clean, p)
		}
	}
	sort.Strings(clean)
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.byID[id]
	if !ok {
		return Project{}, ErrNotFound
	}
	old := rec.Settings
	rec.Settings.PIIPaths, rec.Settings.SecretNoPII = clean, !secretPII
	if err := r.save(); err != nil {
		rec.Settings = old
		return Project{}, err
	}
	return rec.Project, nil
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// SetAccountPII grants (or revokes) pii to the service account username of
// project projectID.
func (r *Registry) SetAccountPII(projectID int64, username string, pii bool) (ServiceAccount, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.accounts[username]
	if !ok || a.ProjectID != projectID {
		return ServiceAccount{}, ErrNotFound
	}
	old := a.PII
	a.PII = pii
	if err := r.save(); err != nil {
		a.PII = old
		return ServiceAccount{}, err
	}
	return a.ServiceAccount, nil
}

// AccountPII reports whether the service account username holds pii in
// projectID (false for an unknown account).
func (r *Registry) AccountPII(projectID int64, username string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.accounts[username]
	return ok && a.ProjectID == projectID && a.PII
}

// PIIKey is project id's key for hashing PII values on read: derived from
// its hash key, so stable for the project's life (and across restarts) and
// different in every project.
func (r *Registry) PIIKey(id int64) ([]byte, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.byID[id]
	if !ok {
		return nil, ErrNotFound
	}
	m := hmac.New(sha256.New, p.HashKey)
	m.Write([]byte("sieve pii read v1"))
	return m.Sum(nil), nil
}
