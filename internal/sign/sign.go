// Package sign holds an installation's ed25519 signing keys and signs and
// verifies JSON documents (purge and GDPR certificates, the audit log's
// head) so that someone who does not trust the operator can check them
// offline with the published public key.
//
// A signature covers the RFC 8785 canonical form of the document with its
// top-level "signature" member removed; it is embedded in the document as
// that member: {"alg":"Ed25519","key_id":..,"canonicalization":"RFC8785",
// "value":<base64>}. Any JCS implementation and any Ed25519 library can
// check it; nothing Sieve-specific is hashed in.
//
// The private key lives in <data>/keys/signing.json (mode 0600). Rotate
// makes a new key current and keeps the old public keys (marked retired),
// so certificates signed before stay verifiable; the old private key is
// discarded.
//
// sign imports only atomicfile of Sieve.
package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
)

// Names used in signatures.
const (
	Alg              = "Ed25519"
	Canonicalization = "RFC8785"
	FileName         = "signing.json"
)

// Errors reported through errors.Is.
var (
	ErrUnsigned     = errors.New("the document carries no signature")
	ErrUnknownKey   = errors.New("the document was signed by a key that is not among the given public keys (another installation's, or a key not published)")
	ErrBadSignature = errors.New("the signature does not match: the document was changed after signing, or signed by another key")
)

// PublicKey is a published verification key.
type PublicKey struct {
	KeyID   string     `json:"key_id"`
	Alg     string     `json:"alg"`
	Public  string     `json:"public_key"` // standard base64 of the 32 key bytes
	Created time.Time  `json:"created"`
	Retired *time.Time `json:"retired,omitempty"` // set when a rotation replaced it
}

// Signature is the "signature" member of a signed document.
type Signature struct {
	Alg              string `json:"alg"`
	KeyID            string `json:"key_id"`
	Canonicalization string `json:"canonicalization"`
	Value            string `json:"value"` // standard base64 of the 64 signature bytes
}

type keyFile struct {
	Current string      `json:"current"`
	Private string      `json:"private_key"` // base64 of the ed25519 seed of Current
	Keys    []PublicKey `json:"keys"`
}

// Keyring is an open key file. It is safe for concurrent use.
type Keyring struct {
	mu   sync.Mutex
	path string
	priv ed25519.PrivateKey
	f    keyFile
}

// KeyID is the identifier of a public key: the first 16 hex digits of the
// SHA-256 of its bytes.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// Open opens the key file in dir, creating the directory (0700) and a first
// key (file 0600) when there is none.
func Open(dir string) (*Keyring, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sign: create key directory: %w", err)
	}
	k := &Keyring{path: filepath.Join(dir, FileName)}
	b, err := os.ReadFile(k.path)
	if errors.Is(err, os.ErrNotExist) {
		if _, err := k.rotate(); err != nil {
			return nil, err
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sign: read key file: %w", err)
	}
	if err := json.Unmarshal(b, &k.f); err != nil {
		return nil, errors.New("sign: the key file is damaged")
	}
	seed, err := base64.StdEncoding.DecodeString(k.f.Private)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("sign: the key file is damaged")
	}
	k.priv = ed25519.NewKeyFromSeed(seed)
	if KeyID(k.priv.Public().(ed25519.PublicKey)) != k.f.Current {
		return nil, errors.New("sign: the key file is damaged (current key id does not match the private key)")
	}
	// The file is the owner's only, whatever the umask was when it was copied.
	if err := os.Chmod(k.path, 0o600); err != nil {
		return nil, fmt.Errorf("sign: key file mode: %w", err)
	}
	return k, nil
}

// Rotate makes a new key current. The old public key stays published
// (retired); its private key is discarded.
func (k *Keyring) Rotate() (PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.rotate()
}

func (k *Keyring) rotate() (PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return PublicKey{}, fmt.Errorf("sign: generate key: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	f := keyFile{Current: KeyID(pub), Private: base64.StdEncoding.EncodeToString(priv.Seed())}
	for _, old := range k.f.Keys {
		if old.Retired == nil {
			old.Retired = &now
		}
		f.Keys = append(f.Keys, old)
	}
	pk := PublicKey{KeyID: f.Current, Alg: Alg, Public: base64.StdEncoding.EncodeToString(pub), Created: now}
	f.Keys = append(f.Keys, pk)
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return PublicKey{}, err
	}
	if err := atomicfile.Write(k.path, append(b, '\n'), 0o600); err != nil {
		return PublicKey{}, fmt.Errorf("sign: write key file: %w", err)
	}
	k.f, k.priv = f, priv
	return pk, nil
}

// Public returns every public key, oldest first; the last is current.
func (k *Keyring) Public() []PublicKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]PublicKey(nil), k.f.Keys...)
}

// Current returns the id of the key that signs now.
func (k *Keyring) Current() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.f.Current
}

// Sign returns the signature of doc (anything that marshals to a JSON
// object), ignoring any top-level "signature" member it has. Set the
// result as that member to make a signed document.
func (k *Keyring) Sign(doc any) (*Signature, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	msg, _, err := payload(b)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	priv, id := k.priv, k.f.Current
	k.mu.Unlock()
	return &Signature{Alg: Alg, KeyID: id, Canonicalization: Canonicalization,
		Value: base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))}, nil
}

// payload splits a signed JSON object into the bytes the signature covers
// (the canonical form without "signature") and the signature member (nil
// when absent).
func payload(doc []byte) ([]byte, *Signature, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil || m == nil {
		return nil, nil, errors.New("sign: the document is not a JSON object")
	}
	var sig *Signature
	if raw, ok := m["signature"]; ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		sig = new(Signature)
		if err := json.Unmarshal(raw, sig); err != nil {
			return nil, nil, errors.New(`sign: the "signature" member is not a signature object`)
		}
	}
	delete(m, "signature")
	b, err := json.Marshal(m)
	if err != nil {
		return nil, nil, err
	}
	c, err := Canonical(b)
	return c, sig, err
}

// Verify checks the signature embedded in doc against keys and returns it
// with the key that verified it. Errors wrap ErrUnsigned, ErrUnknownKey or
// ErrBadSignature and say which key the document names.
func Verify(doc []byte, keys []PublicKey) (Signature, PublicKey, error) {
	msg, sig, err := payload(doc)
	if err != nil {
		return Signature{}, PublicKey{}, err
	}
	if sig == nil {
		return Signature{}, PublicKey{}, ErrUnsigned
	}
	if sig.Alg != Alg || sig.Canonicalization != Canonicalization {
		return *sig, PublicKey{}, fmt.Errorf("%w (alg %q, canonicalization %q: only %s over %s is known)", ErrBadSignature, sig.Alg, sig.Canonicalization, Alg, Canonicalization)
	}
	for _, k := range keys {
		if k.KeyID != sig.KeyID {
			continue
		}
		pub, err := base64.StdEncoding.DecodeString(k.Public)
		if err != nil || len(pub) != ed25519.PublicKeySize || KeyID(pub) != k.KeyID {
			return *sig, k, fmt.Errorf("sign: public key %s is malformed", k.KeyID)
		}
		val, err := base64.StdEncoding.Strict().DecodeString(sig.Value)
		if err != nil || !ed25519.Verify(pub, msg, val) {
			return *sig, k, fmt.Errorf("%w (key %s)", ErrBadSignature, sig.KeyID)
		}
		return *sig, k, nil
	}
	return *sig, PublicKey{}, fmt.Errorf("%w: it names key %s", ErrUnknownKey, sig.KeyID)
}

// ParseKeys reads public keys from what GET /api/keys/certificates answers
// ({"keys":[...]}), a list of keys, or one key.
func ParseKeys(b []byte) ([]PublicKey, error) {
	var wrap struct {
		Keys []PublicKey `json:"keys"`
	}
	if err := json.Unmarshal(b, &wrap); err == nil && len(wrap.Keys) > 0 {
		return wrap.Keys, nil
	}
	var list []PublicKey
	if err := json.Unmarshal(b, &list); err == nil && len(list) > 0 {
		return list, nil
	}
	var one PublicKey
	if err := json.Unmarshal(b, &one); err == nil && one.KeyID != "" {
		return []PublicKey{one}, nil
	}
	return nil, errors.New(`sign: no public key found (expected {"keys":[...]}, a list of keys or one key as GET /api/keys/certificates publishes them)`)
}

// ReadPublic returns the public keys of the key file in dir without
// creating one (for offline verification on the server's machine).
func ReadPublic(dir string) ([]PublicKey, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("sign: read key file: %w", err)
	}
	var f keyFile
	if err := json.Unmarshal(b, &f); err != nil || len(f.Keys) == 0 {
		return nil, errors.New("sign: the key file is damaged")
	}
	return f.Keys, nil
}
