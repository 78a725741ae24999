// Command sieve is the Sieve server and its tools.
//
//	sieve serve [--addr 127.0.0.1:8080] [--data ./sieve-data] [--tls-cert F --tls-key F]
//	sieve version
//	sieve bench ingest [flags]
//	sieve bench query --store clickhouse://... [flags]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/sieve-analytics/sieve/internal/bench"
	"github.com/sieve-analytics/sieve/internal/logx"
	"github.com/sieve-analytics/sieve/internal/selftest"
	"github.com/sieve-analytics/sieve/internal/server"
	"github.com/sieve-analytics/sieve/internal/version"
)

const usage = `usage:
  sieve serve [--addr ADDR] [--data DIR] [--tls-cert FILE --tls-key FILE] [--log-format text|json] [--webhook-allow-private]
              [--selftest-interval 10m]
      env: SIEVE_ADDR, SIEVE_DATA, SIEVE_ADMIN_KEY, SIEVE_LOG_FORMAT, SIEVE_WEBHOOK_ALLOW_PRIVATE=1
  sieve scope [--from T] [--to T] [--class C] [--property P] [--event E] [--project ID] [--rescan] [--criteria FILE]
      env: SIEVE_ADDR, SIEVE_ADMIN_KEY; prints the incident scope report (JSON)
  sieve purge --project ID [--property P]... [--distinct-id D]... [--event E]... [--from T] [--to T] [--no-wait]
  sieve purge --scope FILE|- [--project ID] [--from T] [--to T]     purge what a scope report (or criteria) lists
  sieve purge status JOB_ID
      env: SIEVE_ADDR, SIEVE_ADMIN_KEY; shows progress, prints the certificate (JSON)
  sieve audit verify [--data DIR] [--head FILE [--key KEYS]]
  sieve audit verify --store clickhouse://...  (every node's chain on the cluster)
      checks the audit log's hash chain, names the first bad entry; --head: and that it still reaches a signed head
  sieve certificate verify FILE [--key KEYS] [--data DIR]
      checks a signed purge/GDPR certificate (or audit head) offline; prints what it proves and what not
  sieve keys list|rotate     the signing keys (env: SIEVE_ADDR, SIEVE_ADMIN_KEY)
  sieve selftest             runs the server's self-test now, prints the result, exits 1 if it failed
  sieve audit query [--project_id ID] [--property P] [--actor A] [--from T] [--to T]
  sieve backup --to DEST [--url ADDR] [--admin-key K]   a consistent backup through the running server
      env: SIEVE_ADDR, SIEVE_ADMIN_KEY
  sieve backup --data DIR --to DEST     the same, offline (server stopped)
  sieve restore --from SRC --data DIR   restore a backup into a new or empty data directory
  sieve bench ingest [--events N] [--batch N] [--senders N]
  sieve bench ingest --query-loop funnel [--query-events N] [--query-threads 1,0] [--rounds N]   ingestion idle and beside a looping query
  sieve bench query --store clickhouse://... [--events N] [--runs N] [--dir DIR] [--keep]   query times beside DuckDB's on the same events
  sieve version
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	// Every file any command writes is its owner's only, including those
	// DuckDB creates itself (state, active files, Parquet, WAL, temp files,
	// and the stores `sieve bench` makes).
	syscall.Umask(0o077)
	var err error
	// `sieve audit --help`, `sieve bench -h`: commands with subcommands
	// answer a help flag before a subcommand with the usage.
	if len(os.Args) == 3 && (os.Args[1] == "audit" || os.Args[1] == "bench") && isHelp(os.Args[2]) {
		fmt.Print(usage)
		return
	}
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "scope":
		err = scopeCmd(os.Args[2:])
	case "purge":
		err = purgeCmd(os.Args[2:])
	case "audit":
		err = auditCmd(os.Args[2:])
	case "backup":
		err = backupCmd(os.Args[2:])
	case "restore":
		err = restoreCmd(os.Args[2:])
	case "certificate":
		err = certificateCmd(os.Args[2:])
	case "keys":
		err = keysCmd(os.Args[2:])
	case "selftest":
		err = selftestCmd(os.Args[2:])
	case "bench":
		err = bench.Main(os.Args[2:])
	case "version", "--version", "-v":
		fmt.Println("sieve", version.Version)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "sieve: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return // the flag set printed its usage
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sieve:", err)
		os.Exit(1)
	}
}

// selfTestInterval maps the flag (0: off) to server.Config's (negative: off).
func selfTestInterval(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

func isHelp(s string) bool { return s == "-h" || s == "--help" || s == "-help" || s == "help" }

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("SIEVE_ADDR", "127.0.0.1:8080"), "listen address")
	data := fs.String("data", env("SIEVE_DATA", "./sieve-data"), "data directory")
	storeURL := fs.String("store", env("SIEVE_STORE", "duckdb"), "event store: duckdb (embedded, in the data directory) or clickhouse://host:port/db?cluster=NAME&shards=host:port,... (docs/CLICKHOUSE.md)")
	cert := fs.String("tls-cert", "", "serve HTTPS with this PEM certificate")
	key := fs.String("tls-key", "", "and this PEM key")
	logFormat := fs.String("log-format", env("SIEVE_LOG_FORMAT", logx.Text), "log lines as text or json (log/slog)")
	qTime := fs.Duration("query-timeout", 60*time.Second, "time limit of one analytics query")
	qMem := fs.Int64("query-memory", 1<<30, "memory limit in bytes of one analytics query (what it holds outside DuckDB)")
	threads := fs.Int("threads", 0, "DuckDB's thread count (embedded store; 0: the number of cores)")
	qThreads := fs.Int("query-threads", max(1, runtime.NumCPU()/2), "DuckDB threads while analytics queries run, so ingestion keeps the other cores (embedded store; 0: all)")
	selfTest := fs.Duration("selftest-interval", 10*time.Minute, "period of the self-test (docs/PRIVACY.md); 0: only on request")
	nodeID := fs.String("node-id", env("SIEVE_NODE_ID", ""), "this node's name in state shared on a ClickHouse cluster (default: host name and --addr)")
	regPoll := fs.Duration("registry-poll", time.Second, "how often a node on a ClickHouse cluster reads projects, keys and guard policies changed by other nodes")
	allowPrivate := fs.Bool("webhook-allow-private", os.Getenv("SIEVE_WEBHOOK_ALLOW_PRIVATE") == "1",
		"let alert webhooks reach loopback, link-local and private addresses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *threads < 0 || *qThreads < 0 {
		return errors.New("--threads and --query-threads must be 0 or more")
	}
	// The self-test checks that no canary reaches the log: it reads a copy
	// of the log's last 4 MiB.
	tail := selftest.NewLogTail(4 << 20)
	log, err := logx.New(io.MultiWriter(os.Stderr, tail), *logFormat, slog.LevelInfo)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Addr: *addr, DataDir: *data, AdminKey: os.Getenv("SIEVE_ADMIN_KEY"),
		TLSCert: *cert, TLSKey: *key, Log: log, QueryTimeout: *qTime, QueryMemory: *qMem, QueryThreads: *qThreads, Threads: *threads,
		AllowPrivateWebhooks: *allowPrivate, Store: *storeURL, LogTail: tail, SelfTestInterval: selfTestInterval(*selfTest),
		NodeID: *nodeID, RegistryPoll: *regPoll,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return srv.Run(ctx)
}
