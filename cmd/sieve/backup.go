package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/backup"
	"github.com/sieve-analytics/sieve/internal/store/duckdb"
	"github.com/sieve-analytics/sieve/internal/version"
)

// backupCmd is `sieve backup --to DEST` through the running server
// (--url, the admin key) or, with --data DIR, offline from a stopped
// server's data directory.
func backupCmd(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	to := fs.String("to", "", "the new directory to write the backup into (must not exist)")
	data := fs.String("data", "", "back up this data directory offline (the server must be stopped)")
	url := fs.String("url", "", "back up through the server at this address or URL (default SIEVE_ADDR), while it serves")
	key := fs.String("admin-key", "", "the admin key (default SIEVE_ADMIN_KEY, which keeps it out of the process list)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" || fs.NArg() > 0 {
		return errors.New("backup: usage: sieve backup --to DEST [--url ADDR] | sieve backup --data DIR --to DEST (server stopped)")
	}
	dest, err := filepath.Abs(*to)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if *data != "" && *url == "" {
		return backupOffline(*data, dest)
	}
	addr := *url
	if addr == "" {
		addr = env("SIEVE_ADDR", "127.0.0.1:8080")
	}
	c := newAPIClient(addr, 6*time.Hour)
	if *key != "" {
		c.key = *key
	}
	body, _ := json.Marshal(map[string]string{"to": dest})
	code, out, err := c.do("POST", "/api/admin/backup", body)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if code != 201 {
		return fmt.Errorf("backup: %w", c.err(code, out))
	}
	var r struct {
		Files    int             `json:"files"`
		Bytes    int64           `json:"bytes"`
		AuditSeq int64           `json:"audit_seq"`
		Store    json.RawMessage `json:"store"`
		TookMs   int64           `json:"took_ms"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return errors.New("backup: the server's answer is not valid JSON")
	}
	fmt.Printf("backup written to %s (by the server, while serving): %d files, %d bytes, audit entries up to %d, in %d ms\nstore: %s\n",
		dest, r.Files, r.Bytes, r.AuditSeq, r.TookMs, r.Store)
	return nil
}

// backupOffline backs up a data directory no server has open: it opens
// the store (whose lock refuses a running server's directory) and the
// audit log, and writes the same backup the server would.
func backupOffline(data, dest string) error {
	if err := backup.CheckDest(data, dest); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(data, "meta")); err != nil {
		return fmt.Errorf("backup: %s is not a Sieve data directory", data)
	}
	st, err := duckdb.Open(filepath.Join(data, "store"), duckdb.Options{NoSealOnClose: true, CompactInterval: -1})
	if err != nil {
		if strings.Contains(err.Error(), "in use") {
			return errors.New("backup: a server has this data directory open: back up through it (sieve backup --url ADDR --to DEST), or stop it first")
		}
		return err
	}
	defer st.Close()
	al, err := audit.Open(filepath.Join(data, "audit"), nil)
	if err != nil {
		return err
	}
	defer al.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	t0 := time.Now()
	m, err := backup.Create(ctx, backup.Sources{DataDir: data, Audit: al, Actor: "cli", Version: version.Version,
		Store: func(ctx context.Context, d string) (any, error) { return st.Backup(ctx, d) }}, dest)
	if err != nil {
		return err
	}
	fmt.Printf("backup written to %s (offline): %d files, %d bytes, audit entries up to %d, in %s\nstore: %s\n",
		dest, len(m.Files), m.Bytes, m.AuditSeq, time.Since(t0).Round(time.Millisecond), m.Store)
	return nil
}

// restoreCmd is `sieve restore --from SRC --data DIR`.
func restoreCmd(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fs.String("from", "", "the backup directory (written by sieve backup)")
	data := fs.String("data", "", "the data directory to restore into: new or empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *data == "" || fs.NArg() > 0 {
		return errors.New("restore: usage: sieve restore --from SRC --data DIR (DIR new or empty)")
	}
	r, err := backup.Restore(*from, *data)
	if err != nil {
		return err
	}
	fmt.Printf("restored %d files (%d bytes) of the backup of %s into %s\naudit log OK: %d entries, hash chain intact\nstart the server with --data %s\n",
		len(r.Manifest.Files), r.Manifest.Bytes, r.Manifest.Created.Format(time.RFC3339), *data, r.Audit.Entries, *data)
	return nil
}
