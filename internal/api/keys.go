package api

import (
	"net/http"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/sign"
)

// SetKeys gives the API the installation's signing keys. Call it before
// serving.
func (a *API) SetKeys(k *sign.Keyring) { a.keys = k }

var errNoKeys = &Error{Code: http.StatusServiceUnavailable, Msg: "the signing keys are not available"}

// PublicKeys handles GET /api/keys/certificates: the public keys that
// verify this installation's certificates and audit heads, oldest first,
// the current one last. They are public: no credentials are needed.
func (a *API) PublicKeys() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		if a.keys == nil {
			return errNoKeys
		}
		writeJSON(w, http.StatusOK, map[string]any{"current": a.keys.Current(), "keys": a.keys.Public()})
		return nil
	})
}

// RotateKey handles POST /api/keys/rotate (admin key): a new signing key
// becomes current; the old public keys stay published, so certificates
// signed before stay verifiable.
func (a *API) RotateKey() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		if a.keys == nil {
			return errNoKeys
		}
		old := a.keys.Current()
		pk, err := a.keys.Rotate()
		if err != nil {
			return err
		}
		a.recordDone(r, who, audit.Entry{Action: "keys.rotate", Criteria: map[string]any{"old_key_id": old, "new_key_id": pk.KeyID}})
		writeJSON(w, http.StatusOK, map[string]any{"current": pk.KeyID, "keys": a.keys.Public()})
		return nil
	})
}

// AuditHead is the audit log's chain head, signed.
type AuditHead struct {
	Kind      string          `json:"kind"` // "sieve.audit_head"
	Seq       int64           `json:"seq"`
	Hash      string          `json:"hash"`
	Time      time.Time       `json:"time"`
	Signature *sign.Signature `json:"signature,omitempty"`
}

// SignedAuditHead handles GET /api/audit/head (the admin key or a project
// admin): the last entry's seq and hash, signed. Kept elsewhere (a ticket,
// a notary, another machine), it lets `sieve audit verify --head FILE`
// detect a later removal of the newest entries.
func (a *API) SignedAuditHead() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.auth.FromRequest(r)
		if err != nil {
			return err
		}
		if !who.Global && !who.Can(auth.Admin, who.ProjectID) {
			return auth.ErrForbidden
		}
		if a.audit == nil {
			return &Error{Code: http.StatusServiceUnavailable, Msg: "the audit log is not available"}
		}
		if a.keys == nil {
			return errNoKeys
		}
		seq, hash := a.audit.Head()
		h := AuditHead{Kind: "sieve.audit_head", Seq: seq, Hash: hash, Time: time.Now().UTC().Truncate(time.Second)}
		if h.Signature, err = a.keys.Sign(h); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, h)
		return nil
	})
}
