package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/purge"
	"github.com/sieve-analytics/sieve/internal/sign"
	"github.com/sieve-analytics/sieve/internal/store"
)

// parseInterleaved parses flags that may come before or after the
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// verifyKeys loads the public keys to verify with: --key FILE (what GET
// /api/keys/certificates publishes), else the key file under --data.
func verifyKeys(keyFile, data string) ([]sign.PublicKey, string, error) {
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("read the key file: %w", err)
		}
		keys, err := sign.ParseKeys(b)
		return keys, keyFile, err
	}
	keys, err := sign.ReadPublic(filepath.Join(data, "keys"))
	if err != nil {
		return nil, "", fmt.Errorf("%w (give the published public keys with --key FILE)", err)
	}
	return keys, "the data directory " + data, nil
}

// signedDocument finds the signed object in what the API answered: a
// certificate or audit head itself, a purge job ({"certificate":..}) or a
// GDPR status ({"results":{"certificate":..}}).
func signedDocument(b []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, errors.New("the file is not a JSON object")
	}
	if _, ok := m["signature"]; ok {
		return b, nil
	}
	if c, ok := m["certificate"]; ok && string(c) != "null" {
		return signedDocument(c)
	}
	if r, ok := m["results"]; ok {
		return signedDocument(r)
	}
	if _, ok := m["job_id"]; ok {
		return nil, sign.ErrUnsigned
	}
	return nil, errors.New("the file holds no certificate (a purge job not finished yet?)")
}

// certificateCmd is `sieve certificate verify FILE [--key KEYS] [--data DIR]`.
func certificateCmd(args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("certificate: usage: sieve certificate verify FILE [--key PUBLIC_KEYS_FILE] [--data DIR]")
	}
	fs := flag.NewFlagSet("certificate verify", flag.ContinueOnError)
	key := fs.String("key", "", "public keys (the answer of GET /api/keys/certificates, saved)")
	data := fs.String("data", env("SIEVE_DATA", "./sieve-data"), "data directory whose public keys to use when --key is not given")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("certificate verify: name one certificate file (- for stdin)")
	}
	var raw []byte
	if pos[0] == "-" {
		raw, err = io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	} else {
		raw, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return fmt.Errorf("certificate verify: read the certificate: %w", err)
	}
	keys, from, err := verifyKeys(*key, *data)
	if err != nil {
		return fmt.Errorf("certificate verify: %w", err)
	}
	doc, err := signedDocument(raw)
	if err != nil {
		return fmt.Errorf("certificate verify: NOT VERIFIED: %w", err)
	}
	sig, pk, err := sign.Verify(doc, keys)
	if err != nil {
		return fmt.Errorf("certificate verify: NOT VERIFIED: %w", err)
	}
	out := os.Stdout
	status := "current key"
	if pk.Retired != nil {
		status = "retired " + pk.Retired.Format(time.RFC3339) + "; certificates it signed before stay valid"
	}
	fmt.Fprintf(out, "VERIFIED: signature %s by key %s (%s; keys from %s)\n\n", sig.Alg, pk.KeyID, status, from)
	var head struct {
		Kind string    `json:"kind"`
		Seq  int64     `json:"seq"`
		Hash string    `json:"hash"`
		Time time.Time `json:"time"`
	}
	if json.Unmarshal(doc, &head) == nil && head.Kind == "sieve.audit_head" {
		fmt.Fprintf(out, "What it proves:\n  at %s the audit log of this installation ended at entry %d with hash %s.\n"+
			"  `sieve audit verify --head FILE` checks that the log still reaches that entry with that hash:\n"+
			"  removing the newest entries, or rewriting the chain after it, is then evident.\n"+
			"What it does not prove:\n  entries written after %s; that the server recorded every access (it proves the log was not cut, not that it was complete).\n",
			head.Time.Format(time.RFC3339), head.Seq, head.Hash, head.Time.Format(time.RFC3339))
		return nil
	}
	var c purge.Certificate
	if err := json.Unmarshal(doc, &c); err != nil || c.JobID == "" {
		fmt.Fprintln(out, "The document is signed by this key but is not a purge certificate or audit head this version knows.")
		return nil
	}
	printCertificate(out, &c)
	return nil
}

func printCertificate(out io.Writer, c *purge.Certificate) {
	cr := c.Criteria
	kind := "purge"
	if cr.Source == "gdpr" {
		kind = cr.Compliance + " deletion"
	}
	fmt.Fprintf(out, "What it proves (the installation holding this key signed this and it is unchanged since):\n")
	fmt.Fprintf(out, "  %s %s of project %d, requested by %s at %s, run %s to %s\n", kind, c.JobID, cr.ProjectID, c.RequestedBy,
		c.Requested.Format(time.RFC3339), c.Started.Format(time.RFC3339), c.Finished.Format(time.RFC3339))
	var crit []string
	if len(cr.Properties) > 0 {
		crit = append(crit, "properties "+strings.Join(cr.Properties, ", "))
	}
	if len(cr.Events) > 0 {
		crit = append(crit, "events "+strings.Join(cr.Events, ", "))
	}
	if cr.DistinctIDs > 0 || len(cr.DistinctIDHash) > 0 {
		crit = append(crit, fmt.Sprintf("%d distinct_id(s), named by keyed hashes only", max(cr.DistinctIDs, len(cr.DistinctIDHash))))
	}
	if cr.From != "" || cr.To != "" {
		crit = append(crit, fmt.Sprintf("time from %q to %q", cr.From, cr.To))
	}
	if cr.EraseProfiles {
		crit = append(crit, "their profiles and findings erased")
	}
	fmt.Fprintf(out, "  criteria: %s\n", strings.Join(crit, "; "))
	fmt.Fprintf(out, "  scanned %d partition(s), %d row(s); %d row(s) deleted, %d changed\n", c.PartitionsScanned, c.RowsScanned, c.RowsDeleted, c.RowsChanged)
	fmt.Fprintf(out, "  partitions rewritten: %d\n", len(c.Partitions))
	for _, p := range c.Partitions {
		fmt.Fprintf(out, "    project %d day %s: %d deleted, %d changed\n", p.Project, p.Day, p.RowsDeleted, p.RowsChanged)
		for _, f := range p.Before {
			fmt.Fprintf(out, "      removed %s sha256 %s (%s)\n", f.File, f.SHA256, digestRows(f))
		}
		for _, f := range p.After {
			fmt.Fprintf(out, "      written %s sha256 %s (%s)\n", f.File, f.SHA256, digestRows(f))
		}
	}
	if s := c.State; s != nil {
		fmt.Fprintf(out, "  state file: %d profile(s) deleted, %d changed, %d finding(s) deleted", s.ProfilesDeleted, s.ProfilesChanged, s.FindingsDeleted)
		if s.Before != nil && s.After != nil {
			fmt.Fprintf(out, "; rewritten (sha256 %s -> %s)", s.Before.SHA256, s.After.SHA256)
		}
		fmt.Fprintln(out)
	}
	v := c.Verification
	removed := "yes"
	if !v.OldFilesRemoved {
		removed = "NO"
	}
	fmt.Fprintf(out, "  verification scan after the purge: %d partition(s) re-checked, %d event match(es) left, %d state match(es) left, old files removed: %s -> %s\n",
		v.PartitionsChecked, v.EventMatchesLeft, v.StateMatchesLeft, removed, strings.ToUpper(v.Result))
	fmt.Fprintf(out, "What it does not prove:\n"+
		"  - that blocks of the deleted files are gone from the disk: a file system may keep them on the device until overwritten;\n"+
		"    only an encrypted volume (and destroying its key) covers that. Sieve does not claim it.\n"+
		"  - anything about copies outside Sieve's data directory: backups, exports already downloaded, disk snapshots, replicas.\n"+
		"  - that the server software was unmodified: a signature shows who signed, not what the signer ran.\n")
	if v.Result != "passed" {
		fmt.Fprintln(out, "WARNING: the certificate itself records a FAILED verification: purged data was found left.")
	}
}

// keysCmd is `sieve keys list|rotate` (asks the server's API).
func keysCmd(args []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "rotate") {
		return errors.New("keys: usage: sieve keys list|rotate [--addr ADDR]")
	}
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	addr := fs.String("addr", env("SIEVE_ADDR", "127.0.0.1:8080"), "server address or URL")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	c := newAPIClient(*addr, time.Minute)
	method, path := "GET", "/api/keys/certificates"
	if args[0] == "rotate" {
		method, path = "POST", "/api/keys/rotate"
	}
	code, body, err := c.do(method, path, nil)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return c.err(code, body)
	}
	_, err = os.Stdout.Write(append(indent(body), '\n'))
	return err
}

// auditHeadCheck verifies a saved signed head and that the log in dir
// still reaches it.
func auditHeadCheck(dir, headFile, keyFile, data string) (audit.Verified, error) {
	b, err := os.ReadFile(headFile)
	if err != nil {
		return audit.Verified{}, fmt.Errorf("read the head: %w", err)
	}
	keys, _, err := verifyKeys(keyFile, data)
	if err != nil {
		return audit.Verified{}, err
	}
	if _, _, err := sign.Verify(b, keys); err != nil {
		return audit.Verified{}, fmt.Errorf("the published head is NOT VERIFIED: %w", err)
	}
	var h struct {
		Kind string `json:"kind"`
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
	}
	if json.Unmarshal(b, &h) != nil || h.Kind != "sieve.audit_head" {
		return audit.Verified{}, errors.New("the file is not a signed audit head (GET /api/audit/head)")
	}
	return audit.VerifyHead(dir, h.Seq, h.Hash)
}

// selftestCmd is `sieve selftest [--addr ADDR]`: POST /api/selftest.
func selftestCmd(args []string) error {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	addr := fs.String("addr", env("SIEVE_ADDR", "127.0.0.1:8080"), "server address or URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := newAPIClient(*addr, 15*time.Minute)
	code, body, err := c.do("POST", "/api/selftest", nil)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return c.err(code, body)
	}
	if _, err := os.Stdout.Write(append(indent(body), '\n')); err != nil {
		return err
	}
	var res struct {
		Passed bool `json:"passed"`
	}
	if json.Unmarshal(body, &res) != nil || !res.Passed {
		return errors.New("selftest: FAILED (see the result above)")
	}
	fmt.Fprintln(os.Stderr, "selftest: passed")
	return nil
}

// digestRows says what a file digest's rows are: events, or the identity
// links of a link file.
func digestRows(f store.FileDigest) string {
	if f.Kind == store.FileDigestLinks {
		return fmt.Sprintf("identity link file, %d links", f.Rows)
	}
	return fmt.Sprintf("%d rows", f.Rows)
}
