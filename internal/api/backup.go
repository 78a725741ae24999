package api

import (
	"context"
	"errors"
	"net/http"
	"syscall"
	"time"

	"github.com/sieve-analytics/sieve/internal/auth"
	"github.com/sieve-analytics/sieve/internal/backup"
)

// BackupFunc writes a backup of the data directory into dest, recording
// actor in the audit log (see package backup).
type BackupFunc func(ctx context.Context, dest, actor string) (*backup.Manifest, error)

// ErrBackupRunning answers a backup asked for while another one runs.
var ErrBackupRunning = errors.New("a backup is already running")

// SetBackup gives the API what POST /api/admin/backup runs. Call it before
// serving.
func (a *API) SetBackup(f BackupFunc) { a.backup = f }

// Backup is POST /api/admin/backup {"to": "/absolute/dir"}, admin key only:
// writes a consistent backup of the data directory, on the server's file
// system, while the server keeps serving (docs/OPERATIONS.md). 201 with the
// backup's summary; 400 for a relative path or one inside the data
// directory; 409 when the destination exists or a backup is running; 503
// when the disk is full or the audit log cannot record the backup.
func (a *API) Backup() http.Handler {
	return a.handler(func(w http.ResponseWriter, r *http.Request) error {
		who, err := a.authorize(r, auth.GlobalAdmin, 0)
		if err != nil {
			return err
		}
		var req struct {
			To string `json:"to"`
		}
		if err := decodeBody(w, r, &req); err != nil {
			return err
		}
		if req.To == "" {
			return badRequest(`"to" is required: the absolute path of a new directory on the server`)
		}
		if a.backup == nil {
			return &Error{Code: http.StatusNotImplemented, Msg: "backups are not available on this server"}
		}
		start := time.Now()
		m, err := a.backup(r.Context(), req.To, who.Actor)
		switch {
		case errors.Is(err, backup.ErrInvalidDest):
			return badRequest(err.Error())
		case errors.Is(err, backup.ErrExists):
			return &Error{Code: http.StatusConflict, Msg: "the destination exists: a backup goes into a new directory"}
		case errors.Is(err, ErrBackupRunning):
			return &Error{Code: http.StatusConflict, Msg: "a backup is already running; retry when it is done", RetryAfter: 30}
		case errors.Is(err, backup.ErrAudit):
			return errAuditUnavailable
		case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
			return &Error{Code: http.StatusServiceUnavailable, RetryAfter: 30, Err: err,
				Msg: "the disk of the destination is full: nothing was left there; free space and retry"}
		case err != nil:
			return &Error{Code: http.StatusInternalServerError, Msg: "the backup failed; nothing was left at the destination", Err: err}
		}
		writeJSON(w, http.StatusCreated, map[string]any{"to": req.To, "files": len(m.Files), "bytes": m.Bytes,
			"audit_seq": m.AuditSeq, "store": m.Store, "created": m.Created, "took_ms": time.Since(start).Milliseconds()})
		return nil
	})
}
