// Package forward sends what ingestion stored — events after the guard,
// never what the guard removed — on to a project's destinations: a
// Mixpanel project (/import), a PostHog project (/batch/) or another Sieve
// (/import). Stored events are appended to a durable outbox on disk before
// the client is answered; one delivery loop per destination reads the
// outbox in order from its saved cursor, in batches, retrying with backoff
// (docs/FORWARDING.md).
//
// Destination secrets are sealed with AES-256-GCM under a key file in the
// forwarding directory (mode 0600); the API only ever shows them masked.
//
// forward imports no ingestion, API, server, store or guard package.
package forward

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/alert"
	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// ErrInvalid marks a destination the API refuses (400).
var ErrInvalid = errors.New("invalid destination")

// Kinds of destination.
const (
	KindMixpanel = "mixpanel" // Mixpanel's /import: project token, or a service account or API secret
	KindPostHog  = "posthog"  // PostHog's /batch/: project API key
	KindSieve    = "sieve"    // another Sieve's /import: project token
)

// Destination is one place a project's events are forwarded to, as the
// API receives it. Secret fields are write-only: Masked blanks them.
type Destination struct {
	Name string `json:"name"` // unique in the project: letters, digits, '-' and '_'
	Kind string `json:"kind"` // mixpanel, posthog or sieve
	Host string `json:"host"` // base URL, e.g. https://api.mixpanel.com
	// Token is the project token (mixpanel, sieve) or the project API
	// key (posthog); sealed at rest, masked in answers.
	Token string `json:"token,omitempty"`
	// For mixpanel: a service account (user + secret, with
	// MixpanelProject) or the project's API secret (Secret alone)
	// authenticate /import; without them the token does.
	ServiceAccount  string `json:"service_account,omitempty"`
	Secret          string `json:"secret,omitempty"`
	MixpanelProject string `json:"mixpanel_project_id,omitempty"`
	// GDPRToken (mixpanel only) opts in to passing GDPR deletions on to
	// Mixpanel's GDPR API: its OAuth token; sealed at rest, masked in
	// answers. GDPRHost is that API's base URL when it is not derived from
	// Host (api.mixpanel.com -> https://mixpanel.com).
	GDPRToken string `json:"gdpr_token,omitempty"`
	GDPRHost  string `json:"gdpr_host,omitempty"`
	// KeepSecrets (in a PUT only, never stored): an empty Token, Secret or
	// GDPRToken keeps the value stored under this destination's name, when its kind
	// and host are unchanged (see keepSecrets).
	KeepSecrets bool `json:"keep_secrets,omitempty"`

	Tuning
}

// Tuning are a destination's delivery knobs; zero means the forwarder's
// default (500 records, backoff from 1 s to 5 minutes).
type Tuning struct {
	BatchSize    int   `json:"batch_size,omitempty"`     // records per request, 1 to 2000
	MinBackoffMS int64 `json:"min_backoff_ms,omitempty"` // first wait after a failure, 10 ms to 1 hour
	MaxBackoffMS int64 `json:"max_backoff_ms,omitempty"` // longest wait, at least min_backoff_ms, at most 1 hour
}

func (t Tuning) check(name string) error {
	if t.BatchSize < 0 || t.BatchSize > 2000 {
		return fmt.Errorf("%w: destination %s: batch_size must be 1 to 2000 (Mixpanel's /import takes at most 2000)", ErrInvalid, name)
	}
	const hour = int64(time.Hour / time.Millisecond)
	if t.MinBackoffMS != 0 && (t.MinBackoffMS < 10 || t.MinBackoffMS > hour) || t.MaxBackoffMS != 0 && (t.MaxBackoffMS < 10 || t.MaxBackoffMS > hour) {
		return fmt.Errorf("%w: destination %s: min_backoff_ms and max_backoff_ms must be 10 to 3600000", ErrInvalid, name)
	}
	if t.MinBackoffMS != 0 && t.MaxBackoffMS != 0 && t.MaxBackoffMS < t.MinBackoffMS {
		return fmt.Errorf("%w: destination %s: max_backoff_ms must be at least min_backoff_ms", ErrInvalid, name)
	}
	return nil
}

// View is a destination as the API shows it: secrets masked, with its
// delivery state.
type View struct {
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	Host            string `json:"host"`
	Token           string `json:"token"` // masked
	ServiceAccount  string `json:"service_account,omitempty"`
	Secret          string `json:"secret,omitempty"` // masked
	MixpanelProject string `json:"mixpanel_project_id,omitempty"`
	Cursor          int64  `json:"cursor"`   // outbox seq delivered (2xx)
	Queued          int64  `json:"queued"`   // outbox records not yet delivered
	Failures        int    `json:"failures"` // consecutive failed attempts
	LastError       string `json:"last_error,omitempty"`
	Skipped         int64  `json:"skipped"` // records refused by the destination (strict-mode errors, too large)
	// State is "ok", "failing" (the last delivery failed) or "stalled"
	// (every delivery failed for longer than the bound; an alert was raised).
	State        string     `json:"state"`
	FailingSince *time.Time `json:"failing_since,omitempty"`
	DeadLetters  int64      `json:"dead_letters"`         // records in the dead-letter file
	Retrying     int64      `json:"retrying"`             // dead letters sent back for delivery, not yet delivered
	GDPRToken    string     `json:"gdpr_token,omitempty"` // masked
	GDPRHost     string     `json:"gdpr_host,omitempty"`
	GDPRPending  int        `json:"gdpr_pending,omitempty"` // GDPR deletions not yet passed on
	GDPRLast     string     `json:"gdpr_last,omitempty"`    // outcome of the last one passed on
	Tuning
}

// mask shows that a secret is set, and its last 4 characters when it is
// long enough for them not to give it away.
func mask(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) >= 16:
		return "****" + s[len(s)-4:]
	default:
		return "****"
	}
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// check validates d (the host with the egress rules) and normalises it.
func (d *Destination) check(ctx context.Context, allowPrivate bool) error {
	if !nameRE.MatchString(d.Name) {
		return fmt.Errorf("%w: name must be 1 to 64 letters, digits, '-' or '_'", ErrInvalid)
	}
	switch d.Kind {
	case KindMixpanel, KindPostHog, KindSieve:
	default:
		return fmt.Errorf("%w: destination %s: kind must be mixpanel, posthog or sieve", ErrInvalid, d.Name)
	}
	d.Host = strings.TrimRight(d.Host, "/")
	if err := alert.CheckURL(ctx, d.Host, allowPrivate); err != nil {
		return fmt.Errorf("%w: destination %s: host: %s", ErrInvalid, d.Name, strings.TrimPrefix(err.Error(), alert.ErrInvalid.Error()+": "))
	}
	if u, err := url.Parse(d.Host); err != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(d.Host, "?") {
		// A query could carry a credential, and the host is shown.
		return fmt.Errorf("%w: destination %s: host must be a base URL without a query or fragment", ErrInvalid, d.Name)
	}
	if d.Token == "" || len(d.Token) > 500 {
		return fmt.Errorf("%w: destination %s: token is required (at most 500 bytes)", ErrInvalid, d.Name)
	}
	if len(d.Secret) > 500 || len(d.ServiceAccount) > 500 {
		return fmt.Errorf("%w: destination %s: secret and service_account are at most 500 bytes", ErrInvalid, d.Name)
	}
	if d.Kind != KindMixpanel && (d.Secret != "" || d.ServiceAccount != "" || d.MixpanelProject != "" || d.GDPRToken != "" || d.GDPRHost != "") {
		return fmt.Errorf("%w: destination %s: secret, service_account, mixpanel_project_id, gdpr_token and gdpr_host are for kind mixpanel", ErrInvalid, d.Name)
	}
	if len(d.GDPRToken) > 500 || d.GDPRHost != "" && d.GDPRToken == "" {
		return fmt.Errorf("%w: destination %s: gdpr_host needs gdpr_token (at most 500 bytes)", ErrInvalid, d.Name)
	}
	if d.GDPRHost != "" {
		d.GDPRHost = strings.TrimRight(d.GDPRHost, "/")
		if err := alert.CheckURL(ctx, d.GDPRHost, allowPrivate); err != nil {
			return fmt.Errorf("%w: destination %s: gdpr_host: %s", ErrInvalid, d.Name, strings.TrimPrefix(err.Error(), alert.ErrInvalid.Error()+": "))
		}
		if u, err := url.Parse(d.GDPRHost); err != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(d.GDPRHost, "?") {
			return fmt.Errorf("%w: destination %s: gdpr_host must be a base URL without a query or fragment", ErrInvalid, d.Name)
		}
	}
	if d.ServiceAccount != "" && (d.Secret == "" || d.MixpanelProject == "") {
		return fmt.Errorf("%w: destination %s: a service account needs its secret and mixpanel_project_id", ErrInvalid, d.Name)
	}
	if err := d.Tuning.check(d.Name); err != nil {
		return err
	}
	if d.MixpanelProject != "" {
		if _, err := strconv.ParseUint(d.MixpanelProject, 10, 63); err != nil {
			return fmt.Errorf("%w: destination %s: mixpanel_project_id must be a number", ErrInvalid, d.Name)
		}
	}
	return nil
}

// sealed is a destination as destinations.json keeps it: Token and Secret
// sealed with the key file.
type sealed struct {
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	Host            string `json:"host"`
	Token           string `json:"token_sealed"`
	ServiceAccount  string `json:"service_account,omitempty"`
	Secret          string `json:"secret_sealed,omitempty"`
	MixpanelProject string `json:"mixpanel_project_id,omitempty"`
	GDPRToken       string `json:"gdpr_token_sealed,omitempty"`
	GDPRHost        string `json:"gdpr_host,omitempty"`
	Tuning
}

// sealer encrypts destination secrets at rest.
type sealer struct{ aead cipher.AEAD }

// openSealer reads the key file (created, 32 random bytes, mode 0600, on
// first use).
func openSealer(path string) (*sealer, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		if err = atomicfile.Write(path, key, 0o600); err != nil {
			return nil, fmt.Errorf("forward: create key file: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("forward: read key file: %w", err)
	}
	if len(key) != 32 {
		return nil, errors.New("forward: the key file must hold 32 bytes")
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal encrypts plain; ad binds it to its project, destination and field.
func (s *sealer) seal(plain, ad string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), []byte(ad)))
}

func (s *sealer) open(box, ad string) (string, error) {
	if box == "" {
		return "", nil
	}
	b, err := base64.StdEncoding.DecodeString(box)
	n := s.aead.NonceSize()
	if err != nil || len(b) < n {
		return "", errors.New("forward: a sealed secret is damaged")
	}
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(ad))
	if err != nil {
		return "", errors.New("forward: a sealed secret cannot be opened with the key file")
	}
	return string(plain), nil
}

func adOf(project int64, name, field string) string {
	return strconv.FormatInt(project, 10) + "/" + name + "/" + field
}

// loadDestinations reads destinations.json: project id -> destinations.
func (s *sealer) load(path string) (map[int64][]Destination, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[int64][]Destination{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("forward: read destinations: %w", err)
	}
	var raw map[string][]sealed
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("forward: destinations file: %w", err)
	}
	out := map[int64][]Destination{}
	for k, list := range raw {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("forward: destinations file: project %q", k)
		}
		for _, sd := range list {
			d := Destination{Name: sd.Name, Kind: sd.Kind, Host: sd.Host, ServiceAccount: sd.ServiceAccount, MixpanelProject: sd.MixpanelProject,
				GDPRHost: sd.GDPRHost, Tuning: sd.Tuning}
			if d.Token, err = s.open(sd.Token, adOf(id, sd.Name, "token")); err != nil {
				return nil, err
			}
			if d.Secret, err = s.open(sd.Secret, adOf(id, sd.Name, "secret")); err != nil {
				return nil, err
			}
			if d.GDPRToken, err = s.open(sd.GDPRToken, adOf(id, sd.Name, "gdpr_token")); err != nil {
				return nil, err
			}
			out[id] = append(out[id], d)
		}
	}
	return out, nil
}

// save writes destinations.json with the secrets sealed.
func (s *sealer) save(path string, all map[int64][]Destination) error {
	raw := map[string][]sealed{}
	for id, list := range all {
		for _, d := range list {
			raw[strconv.FormatInt(id, 10)] = append(raw[strconv.FormatInt(id, 10)], sealed{Name: d.Name, Kind: d.Kind, Host: d.Host,
				Token: s.seal(d.Token, adOf(id, d.Name, "token")), ServiceAccount: d.ServiceAccount,
				Secret: s.seal(d.Secret, adOf(id, d.Name, "secret")), MixpanelProject: d.MixpanelProject, Tuning: d.Tuning,
				GDPRToken: s.seal(d.GDPRToken, adOf(id, d.Name, "gdpr_token")), GDPRHost: d.GDPRHost})
		}
	}
	b, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, 0o600)
}

// dirOf is a destination's directory (its cursor) under the forwarding
// directory.
func dirOf(root string, project int64, name string) string {
	return filepath.Join(root, "dest", strconv.FormatInt(project, 10)+"-"+name)
}
