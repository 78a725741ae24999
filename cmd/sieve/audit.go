package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
)

// auditCmd is `sieve audit verify --data DIR` (checks the hash chain of the
// log under a data directory, offline) and `sieve audit query [filters]`
// (asks the server's API).
func auditCmd(args []string) error {
	if len(args) == 0 {
		return errors.New("audit: usage: sieve audit verify --data DIR | sieve audit verify --store clickhouse://... | sieve audit query [--project ID] [--property P] [--actor A] [--from T] [--to T]")
	}
	switch args[0] {
	case "verify":
		fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
		data := fs.String("data", env("SIEVE_DATA", "./sieve-data"), "data directory")
		head := fs.String("head", "", "a signed head saved earlier (GET /api/audit/head): check the log still reaches it")
		key := fs.String("key", "", "public keys for --head (GET /api/keys/certificates); default: the data directory's")
		storeURL := fs.String("store", "", "clickhouse://...: check the chains every Sieve node on that cluster copied there, per node")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *storeURL != "" {
			return verifyClusterAudit(*storeURL)
		}
		var v audit.Verified
		var err error
		if *head != "" {
			v, err = auditHeadCheck(filepath.Join(*data, "audit"), *head, *key, *data)
		} else {
			v, err = audit.VerifyAll(filepath.Join(*data, "audit"))
		}
		if err != nil {
			var ve *audit.VerifyError
			if errors.As(err, &ve) {
				fmt.Fprintf(os.Stdout, "audit log BROKEN after %d good entries: %v\n", v.Entries, ve)
				return errors.New("audit: verification failed")
			}
			return err
		}
		fmt.Fprintf(os.Stdout, "audit log OK: %d entries, hash chain intact\n", v.Entries)
		fmt.Fprintf(os.Stdout, "entries %d to %d in %d segment(s)", v.First, v.Last, v.Segments)
		if v.First > 1 {
			fmt.Fprintf(os.Stdout, "; entries before %d were removed with their segments (retention)", v.First)
		}
		fmt.Fprintln(os.Stdout)
		if *head != "" {
			fmt.Fprintf(os.Stdout, "the signed head %s is in the log: no entry up to it was removed\n", *head)
		}
		return nil
	case "query":
		fs := flag.NewFlagSet("audit query", flag.ContinueOnError)
		addr := fs.String("addr", env("SIEVE_ADDR", "127.0.0.1:8080"), "server address or URL")
		q := url.Values{}
		for _, name := range []string{"project_id", "property", "actor", "action", "from", "to", "limit"} {
			fs.Func(name, "filter by "+name, func(s string) error { q.Set(name, s); return nil })
		}
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		c := newAPIClient(*addr, 5*time.Minute)
		code, body, err := c.do("GET", "/api/audit?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return c.err(code, body)
		}
		_, err = os.Stdout.Write(append(indent(body), '\n'))
		return err
	}
	return fmt.Errorf("audit: unknown subcommand %q", args[0])
}

// verifyClusterAudit checks every node's audit chain copied to a
// ClickHouse cluster and reports per node.
func verifyClusterAudit(storeURL string) error {
	cfg, err := clickhouse.ParseURL(storeURL)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	chains, err := st.ReadAudit(ctx, "")
	if err != nil {
		return err
	}
	if len(chains) == 0 {
		return errors.New("audit: the cluster holds no audit entries")
	}
	nodes := make([]string, 0, len(chains))
	for n := range chains {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	broken := 0
	for _, n := range nodes {
		var b bytes.Buffer
		for _, l := range chains[n] {
			b.Write(l.Line)
			b.WriteByte('\n')
		}
		v, err := audit.VerifyLines(n, &b)
		if err != nil {
			broken++
			fmt.Fprintf(os.Stdout, "node %s: audit chain BROKEN after %d good entries: %v\n", n, v.Entries, err)
			continue
		}
		fmt.Fprintf(os.Stdout, "node %s: audit chain OK: %d entries, seq %d to %d\n", n, v.Entries, v.First, v.Last)
	}
	if broken > 0 {
		return fmt.Errorf("audit: %d of %d nodes' chains failed verification", broken, len(nodes))
	}
	fmt.Fprintf(os.Stdout, "%d node(s), every chain intact\n", len(nodes))
	return nil
}
