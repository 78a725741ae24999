// Package clickhouse is a store.Store on a ClickHouse cluster
// (docs/CLICKHOUSE.md). It speaks ClickHouse's HTTP interface with
// RowBinary bodies (no client library) and uses only what both ClickHouse
// 18.16 (Debian's) and current versions accept.
//
// Layout: on every shard, local ReplacingMergeTree tables (events,
// profiles, findings) partitioned by project and month, and Distributed
// tables over them sharded by user (sipHash64 of distinct_id), so that a
// user's events stay on one shard. Sieve creates and migrates the schema
// itself, recording the version in a table on every shard.
//
// Guarantees: Append returns once the rows are written on their shards
// (synchronous distributed inserts); a row whose insert id repeats one
// already stored is skipped, and reads de-duplicate by key (LIMIT 1 BY),
// so a duplicate that two Sieve nodes raced to insert is never seen.
// No stored value, distinct_id or insert_id is part of a statement's
// text: values travel in bodies and external tables.
//
// clickhouse imports store, event, profile and query/expr; nothing but
// server, bench and cmd imports it.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/store"
)

// ErrUnavailable is wrapped by errors that mean a ClickHouse node or shard
// could not be reached or did not answer in time: nothing was acknowledged,
// and a retry later may succeed. Ingestion answers 503 with Retry-After.
var ErrUnavailable = errors.New("clickhouse store: cluster unavailable")

// ErrInvalidRow is wrapped by Append errors about a row the store cannot
// take. The message names the row's position, never its content.
var ErrInvalidRow = errors.New("clickhouse store: invalid row")

// Config says where the cluster is. Parse it from a URL with ParseURL.
type Config struct {
	// Entry is the HTTP address (host:port) of the server that takes
	// this node's inserts and queries: a server of the cluster, or a
	// proxy in front of them.
	Entry string
	// Shards are the HTTP addresses of one server per shard. Statements
	// that must run on every shard (schema, later purges) go to each.
	// Empty: Entry, for a cluster of one shard.
	Shards   []string
	Database string
	Cluster  string // the remote_servers name of the cluster
	// User and Password, when User is set, authenticate every request
	// (HTTP basic auth; clickhouse://user:password@host:port/...).
	User, Password string
	// Timeout bounds one insert (default 30 s).
	Timeout time.Duration
	// WAL, when set, acknowledges Appends once their rows are fsynced to a
	// local write-ahead log in WALDir, which a shipper inserts into the
	// cluster in large batches (wal.go, docs/CLICKHOUSE.md "Local
	// write-ahead log"). Without it (the default), an Append returns once
	// its synchronous distributed insert has.
	WAL bool
	// WALDir is the log's directory; the server sets <data>/chlog.
	WALDir string
	// WALMaxBytes bounds the unshipped log (default 1 GiB); WALMaxDown
	// how long ships may fail (default 60 s). Past either, Appends fail
	// with ErrUnavailable (503 with Retry-After) and nothing is logged.
	WALMaxBytes int64
	WALMaxDown  time.Duration
	// WALLookupAtShip (wal_lookup=ship) leaves the cluster out of the
	// acknowledgement entirely: rows are looked up in the local log only
	// when written, and in the cluster when shipped (one look-up per
	// shipped batch). Nothing is stored twice either way, but a retry of
	// a row already shipped is then counted as stored, not as a
	// duplicate. Default (wal_lookup=ack): looked up when written, exact
	// counts.
	WALLookupAtShip bool
}

var (
	_ store.Store        = (*Store)(nil)
	_ store.EventScanner = (*Store)(nil)
)

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ParseURL reads clickhouse://[user:password@]host:port/db?cluster=NAME&shards=host:port,...
// host:port is a server's HTTP interface; shards lists the HTTP address of
// one server per shard when there is more than one (host:port is then one
// of them or a proxy in front of them).
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "clickhouse" || u.Host == "" {
		return Config{}, errors.New("clickhouse store: the URL must look like clickhouse://host:port/db?cluster=NAME")
	}
	c := Config{Database: strings.TrimPrefix(u.Path, "/"), Cluster: u.Query().Get("cluster")}
	if c.Database == "" {
		c.Database = "sieve"
	}
	c.Entry = u.Host
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	for _, h := range strings.Split(u.Query().Get("shards"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.Shards = append(c.Shards, h)
		}
	}
	switch u.Query().Get("wal") {
	case "", "off":
	case "on":
		c.WAL = true
	default:
		return Config{}, errors.New("clickhouse store: wal must be on or off")
	}
	switch u.Query().Get("wal_lookup") {
	case "", "ack":
	case "ship":
		c.WALLookupAtShip = true
	default:
		return Config{}, errors.New("clickhouse store: wal_lookup must be ack or ship")
	}
	if v := u.Query().Get("wal_max_bytes"); v != "" {
		if c.WALMaxBytes, err = strconv.ParseInt(v, 10, 64); err != nil || c.WALMaxBytes <= 0 {
			return Config{}, errors.New("clickhouse store: wal_max_bytes must be a positive number of bytes")
		}
	}
	if v := u.Query().Get("wal_max_down"); v != "" {
		if c.WALMaxDown, err = time.ParseDuration(v); err != nil || c.WALMaxDown <= 0 {
			return Config{}, errors.New("clickhouse store: wal_max_down must be a duration such as 60s")
		}
	}
	if t := u.Query().Get("timeout"); t != "" {
		if c.Timeout, err = time.ParseDuration(t); err != nil {
			return Config{}, errors.New("clickhouse store: timeout must be a duration such as 30s")
		}
	}
	return c, nil
}

// Store is a store.Store on a ClickHouse cluster.
type Store struct {
	cfg   Config
	nodes []*node // one per shard
	q     *node   // the entry: inserts and queries
	db    string  // quoted identifiers are not needed: names are checked

	appendMu     sync.Mutex    // guards pending
	pending      []*appendCall // Appends waiting for the writer
	wake         chan struct{}
	stop         chan struct{} // closed by Close once no call is in flight
	writersDone  sync.WaitGroup
	keysInFlight map[eventKey]*groupState // guarded by appendMu
	lookupMu     sync.Mutex               // held by the group commit forming and looking up its group
	insertMu     sync.Mutex               // held by the group commit inserting
	stateMu      sync.Mutex               // serialises profile read-modify-write in this process
	lastVer      uint64                   // guarded by stateMu: profile versions only grow
	log          *wal                     // the local write-ahead log (Config.WAL), nil without it
	purgeMu      sync.Mutex
	replaced     map[int][]string // per shard, "(table, part)" the running purge's mutations replace
	dupc         dupCache         // shared hashes per shard and partition (querydups.go)

	closed   atomic.Bool
	ctx      context.Context // cancelled by Close: stops reads under way
	cancel   context.CancelFunc
	inflight sync.WaitGroup
}

// Open connects to the cluster, checks that the shards named match the
// cluster's, and creates or migrates the schema on every shard.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if !nameRE.MatchString(cfg.Database) {
		return nil, errors.New("clickhouse store: the database name must be letters, digits and _")
	}
	if cfg.Cluster == "" || !nameRE.MatchString(cfg.Cluster) {
		return nil, errors.New("clickhouse store: cluster=NAME is required (the remote_servers name; letters, digits and _)")
	}
	if cfg.Entry == "" {
		return nil, errors.New("clickhouse store: no server address")
	}
	if len(cfg.Shards) == 0 {
		cfg.Shards = []string{cfg.Entry}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	client := newClient()
	s := &Store{cfg: cfg, db: cfg.Database}
	for _, h := range cfg.Shards {
		s.nodes = append(s.nodes, &node{base: "http://" + h + "/", client: client, user: cfg.User, password: cfg.Password})
	}
	s.q = &node{base: "http://" + cfg.Entry + "/", client: client, user: cfg.User, password: cfg.Password}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	n, err := s.q.queryString(ctx, "SELECT uniqExact(shard_num) FROM system.clusters WHERE cluster = "+quote(cfg.Cluster))
	if err != nil {
		s.cancel()
		return nil, fmt.Errorf("clickhouse store: connect to %s: %w", cfg.Entry, err)
	}
	if shards, _ := strconv.Atoi(n); shards != len(cfg.Shards) {
		s.cancel()
		if shards == 0 {
			return nil, fmt.Errorf("clickhouse store: the server knows no cluster %q (remote_servers)", cfg.Cluster)
		}
		return nil, fmt.Errorf("clickhouse store: cluster %q has %d shards, the URL names %d (shards=host:port,... lists one HTTP address per shard)",
			cfg.Cluster, shards, len(cfg.Shards))
	}
	if err := s.migrate(ctx); err != nil {
		s.cancel()
		return nil, err
	}
	s.wake, s.stop, s.keysInFlight = make(chan struct{}, 1), make(chan struct{}), map[eventKey]*groupState{}
	if cfg.WAL {
		if cfg.WALDir == "" {
			s.cancel()
			return nil, errors.New("clickhouse store: wal=on needs a directory for the log")
		}
		if s.log, err = openWAL(s, cfg.WALDir, cfg.WALMaxBytes, cfg.WALMaxDown); err != nil {
			s.cancel()
			return nil, err
		}
	}
	for range writers {
		s.writersDone.Add(1)
		go s.writer()
	}
	return s, nil
}

// Close stops reads under way and makes every later call fail with
// store.ErrClosed. Appends already acknowledged are on the cluster, or,
// with the local log, in the log: Close ships what it can within the
// store's timeout and leaves the rest for the next start.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.cancel()        // stops reads
	s.inflight.Wait() // Appends already called are committed first
	close(s.stop)
	s.writersDone.Wait()
	if s.log != nil {
		s.log.close()
	}
	return nil
}

// begin registers a call; done must be called when it ends.
func (s *Store) begin() (done func(), err error) {
	s.inflight.Add(1)
	if s.closed.Load() {
		s.inflight.Done()
		return nil, store.ErrClosed
	}
	return s.inflight.Done, nil
}

// readCtx is ctx, also cancelled by Close.
func (s *Store) readCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// readErr turns an error of a read into what the caller sees: the
// caller's context error, ErrClosed when Close stopped it, or err.
func (s *Store) readErr(caller context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if caller.Err() != nil {
		return caller.Err()
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	return fmt.Errorf("clickhouse store: %s: %w", op, err)
}
