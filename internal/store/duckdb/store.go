// Package duckdb is Sieve's embedded storage backend: store.Store on DuckDB,
// with every byte it writes kept under one data directory.
//
// Events land in an active DuckDB file through group commits (one writer
// goroutine, the DuckDB Appender, one transaction and one WAL fsync per
// group). The active file is periodically rotated and sealed into immutable
// Parquet files, one set per project and UTC day, which a purge can rewrite
// without touching other data. A MANIFEST names the live files; changing it
// is the single atomic step of every rotation and seal. Profiles and findings
// live in state.duckdb. docs/STORAGE.md describes the layout, the lifecycle,
// the de-duplication guarantee and the crash-safety argument.
//
// duckdb imports store, event and profile of Sieve; it must not import
// ingest, api, server or guard, and it never logs a stored value.
package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	ddb "github.com/duckdb/duckdb-go/v2"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// SealBytes seals the active file once this many bytes of rows were
	// appended to it (default 256 MiB). Uncheckpointed rows stay in DuckDB's
	// memory until sealed, so this bounds that memory too.
	SealBytes int64
	// SealAge seals the active file once its first row is this old (default
	// 10 minutes; negative: never by age).
	SealAge time.Duration
	// GroupRows and GroupBytes cap one group commit (defaults 20000 rows and
	// 16 MiB); a single call larger than that is committed alone.
	GroupRows  int
	GroupBytes int
	// DedupKeys caps how many key hashes of sealed rows are kept in memory
	// for de-duplication, 8 bytes each (default 32M keys, 256 MiB).
	// Partitions over the budget are dropped from memory least recently used
	// first and read back from their key files when a row for them arrives.
	DedupKeys int
	// MemoryLimit is DuckDB's memory_limit, e.g. "2GB" (default DuckDB's:
	// 80% of RAM).
	MemoryLimit string
	// Threads is DuckDB's thread count (default: the number of cores).
	Threads int
	// QueryThreads, when positive, is DuckDB's thread count while a query
	// (Store.Query) runs, so that ingestion keeps cores for itself during
	// a long funnel (budget.go). 0: queries use every thread.
	QueryThreads int
	// CompactInterval is how often the sealer looks for partitions to
	// compact (default 1 minute; negative: never in the background, only
	// on Compact). CompactAfter is how long a partition must be left alone
	// by seals and purges before it is compacted (default 30 minutes), so
	// that the day still being written is not rewritten at every seal.
	CompactInterval time.Duration
	CompactAfter    time.Duration
	// HotProperties, when set, names properties of a project to keep as
	// columns in sealed files besides the defaults (hotcols.go), e.g. the
	// most frequent top-level properties of its lexicon. Names that are
	// not plain (hotName) are skipped; a file keeps its list until rewritten.
	HotProperties func(project int64) []string
	// NoSealOnClose leaves the active file for the next Open instead of
	// sealing it in Close.
	NoSealOnClose bool
	// Logger receives maintenance events (seals, errors); never values.
	Logger *slog.Logger
	// Uncompressed writes sealed files and DuckDB files without compression.
	// Only for leak and purge tests: with compression a byte search of the
	// files finds no value even before a purge, so it proves nothing.
	Uncompressed bool
	// noLinkBackfill leaves sealed files without link files as they are
	// (tests of the scan that finds their links).
	noLinkBackfill bool
}

func (o *Options) defaults() {
	if o.SealBytes <= 0 {
		o.SealBytes = 256 << 20
	}
	if o.SealAge == 0 {
		o.SealAge = 10 * time.Minute
	}
	if o.GroupRows <= 0 {
		o.GroupRows = 20000
	}
	if o.GroupBytes <= 0 {
		o.GroupBytes = 16 << 20
	}
	if o.CompactInterval == 0 {
		o.CompactInterval = time.Minute
	}
	if o.CompactAfter == 0 {
		o.CompactAfter = 30 * time.Minute
	}
	if o.DedupKeys <= 0 {
		o.DedupKeys = 32 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Store is the DuckDB backend. Create it with Open.
type Store struct {
	dir  string
	opts Options
	log  *slog.Logger
	lock *os.File
	// hotFn replaces Options.HotProperties once SetHotProperties is called.
	hotFn atomic.Pointer[func(project int64) []string]

	db *sql.DB

	budget queryBudget // QueryThreads (budget.go)

	filters filterFuncs // Filter's one DuckDB function (filter.go)
	purges  purgeFuncs  // the purges' DuckDB functions, one set per store (purge.go)

	// mu guards cur, retired and nextGen, and the days maps of actives.
	mu      sync.Mutex
	cur     *version
	retired []*version // superseded versions, oldest first, awaiting release
	nextGen uint64
	changed chan struct{} // closed and replaced at every install
	// removing counts releases deleting obsolete files right now (they
	// left retired before the files are gone; WaitObsolete waits for them).
	removing int

	// manifestMu serializes changes of the file set (rotation, seal install)
	// and guards applied.
	manifestMu sync.Mutex
	applied    []string // purge batches installed, as in the manifest

	purgeCh   chan *purgeReq   // -> sealer: purges of sealed partitions
	compactCh chan *compactReq // -> sealer: Compact
	// changedAt is when a seal or purge last changed a partition (guarded
	// by mu); compaction waits CompactAfter after it. Unknown after Open.
	changedAt map[partKey]time.Time
	compacted atomic.Int64 // partitions compacted since Open
	// testHook, set by tests before use, can fail a step by name.
	testHook func(step string) error
	// testLinkRel, set by tests, wraps the relation a link file is written
	// from (so that DuckDB can be made to fail on a row's value).
	testLinkRel atomic.Pointer[func(rel string) string]
	stateReq    chan *stateReq // -> state writer: purges of state.duckdb
	// stMu is held shared by reads of state.duckdb and exclusively while a
	// purge swaps the file.
	stMu   sync.RWMutex
	udfSeq atomic.Uint64
	// backupMu serializes backups (their attach aliases are fixed).
	backupMu sync.Mutex

	events *queue
	state  *queue // profile updates and findings

	// Writer-owned.
	wconn *sql.Conn
	// failRow, set by tests before any Append, fails the transaction that
	// appends a row it returns true for (after the rows before it).
	failRow func(*event.Row) bool
	// txRows is the largest group committed by the appender's own
	// transaction (appenderTxRows; tests lower it).
	txRows int
	act    *active
	dd     *dedup

	sealCh     chan *active           // writer -> sealer: actives to seal, oldest first
	sealDoneCh chan sealDone          // sealer -> writer
	sealReq    chan chan rotateResult // Seal -> writer: rotate, answer the oldest gen to keep
	closing    chan struct{}          // closed by Close: stop background work
	closed     atomic.Bool
	closeOnce  sync.Once
	closeErr   error
	rmu        sync.Mutex // guards rcount, rclosed
	rcount     int        // running reads
	rclosed    bool
	rdrained   chan struct{}   // closed when rclosed and the last read ended
	readCtx    context.Context // cancelled by Close to end running reads
	readCancel context.CancelFunc
	wg         sync.WaitGroup // writer, state writer
	sealerWG   sync.WaitGroup
}

// version is a consistent set of files to read: sealed files per partition
// and the active files. Readers hold a reference while they read; files a
// newer version dropped are deleted once every older version is released.
type version struct {
	parts   map[partKey][]sealedFile
	actives []*active
	refs    int
	// Dropped by the next version: deleted when this and every older version
	// are released.
	obsoleteFiles   []string
	obsoleteActives []*active
}

// active is an active DuckDB file attached as "a<gen>".
type active struct {
	gen   uint64
	alias string
	path  string
	days  map[partKey]int64 // rows per partition; guarded by Store.mu
	// Writer-owned.
	bytes int64
	first time.Time // when its first row was committed
}

func newActive(dir string, gen uint64) *active {
	return &active{gen: gen, alias: fmt.Sprintf("a%d", gen), path: activePath(dir, gen), days: map[partKey]int64{}}
}

var _ store.Store = (*Store)(nil)

// Open opens (or creates) the store in dir. Everything the store and DuckDB
// write stays under dir. Open recovers the state of the last acknowledged
// commit after a crash: it replays the active files' write-ahead logs,
// deletes files a crash left half-written, and seals active files left over
// from an interrupted seal.
func Open(dir string, opts Options) (*Store, error) {
	opts.defaults()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("duckdb store: data directory: %w", err)
	}
	dir = abs
	for _, d := range []string{dir, filepath.Join(dir, sealedDir), filepath.Join(dir, tmpDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("duckdb store: create data directory: %w", err)
		}
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("duckdb store: lock data directory: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("duckdb store: data directory %s is in use by another process", dir)
	}
	s := &Store{
		dir:        dir,
		opts:       opts,
		log:        opts.Logger.With("component", "store"),
		lock:       lock,
		changed:    make(chan struct{}),
		events:     newQueue(),
		state:      newQueue(),
		sealDoneCh: make(chan sealDone, 64),
		sealReq:    make(chan chan rotateResult),
		closing:    make(chan struct{}),
		txRows:     appenderTxRows,
		rdrained:   make(chan struct{}),
		purgeCh:    make(chan *purgeReq),
		compactCh:  make(chan *compactReq),
		changedAt:  map[partKey]time.Time{},
		stateReq:   make(chan *stateReq),
	}
	s.readCtx, s.readCancel = context.WithCancel(context.Background())
	if err := s.open(); err != nil {
		if s.db != nil {
			s.db.Close()
		}
		s.readCancel()
		lock.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) open() error {
	m, err := readManifest(s.dir)
	if err != nil {
		return err
	}
	if m == nil {
		ents, _ := os.ReadDir(s.dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), activePrefix) && strings.HasSuffix(e.Name(), ".duckdb") {
				return errors.New("duckdb store: the data directory holds active files but no manifest; refusing to guess")
			}
		}
		m = &manifest{Format: manifestFormat, NextGen: 1, parts: map[partKey][]sealedFile{}}
	}
	forgetMissingLinks(s.dir, m)
	if err := removeOrphans(s.dir, m); err != nil {
		return fmt.Errorf("duckdb store: remove leftovers of an interrupted step: %w", err)
	}
	s.nextGen = m.NextGen
	s.applied = m.Applied
	// Room for every listed active plus the rotations allowed meanwhile, so
	// that handing an active to the sealer never blocks.
	s.sealCh = make(chan *active, len(m.Actives)+maxPendingSeals+2)

	connector, err := ddb.NewConnector("", nil)
	if err != nil {
		return safeErr("start duckdb", err)
	}
	s.db = sql.OpenDB(connector)
	ctx := context.Background()
	settings := []string{
		"SET GLOBAL temp_directory = " + quote(filepath.Join(s.dir, tmpDir)),
		// Active files are sealed, not checkpointed: keep their rows in the WAL.
		"SET GLOBAL checkpoint_threshold = '1TB'",
		"SET GLOBAL autoinstall_known_extensions = false",
		"SET GLOBAL autoload_known_extensions = false",
		// Keep each sealed file's Parquet footer (schema, row groups, zone
		// maps) in memory between queries. Sealed files are immutable and
		// every rewrite (seal, compaction, purge) writes a new generation
		// under a new name, so a cached footer never stands for other
		// contents; a deleted file's entry is never looked up again.
		"SET GLOBAL parquet_metadata_cache = true",
	}
	if s.opts.Uncompressed {
		settings = append(settings, "SET GLOBAL force_compression = 'uncompressed'")
	}
	if s.opts.MemoryLimit != "" {
		settings = append(settings, "SET GLOBAL memory_limit = "+quote(s.opts.MemoryLimit))
	}
	if s.opts.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET GLOBAL threads = %d", s.opts.Threads))
	}
	settings = append(settings,
		"ATTACH "+quote(filepath.Join(s.dir, stateName))+" AS st")
	settings = append(settings, stateTables("st", true)...)
	for _, q := range settings {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return safeErr("configure duckdb", err)
		}
	}

	v := &version{parts: m.parts}
	for _, g := range m.Actives {
		a := newActive(s.dir, g)
		if err := s.attach(ctx, a); err != nil {
			return err
		}
		v.actives = append(v.actives, a)
	}
	s.cur = v
	s.dd = newDedup(s.opts.DedupKeys, s.loadPartKeys)
	for _, a := range v.actives {
		if err := s.rebuildActive(ctx, a); err != nil {
			return err
		}
	}
	s.wconn, err = s.db.Conn(ctx)
	if err != nil {
		return safeErr("open writer connection", err)
	}
	// The newest active takes appends, unless it is already large; a fresh
	// directory gets its first active file.
	if n := len(v.actives); n > 0 && v.actives[n-1].bytes < s.opts.SealBytes {
		s.act = v.actives[n-1]
		for _, a := range v.actives[:n-1] {
			s.sealCh <- a
		}
	} else {
		for _, a := range v.actives {
			s.sealCh <- a
		}
		if err := s.rotateTo(ctx); err != nil {
			return err
		}
	}
	s.wg.Add(2)
	go s.writer()
	go s.stateWriter()
	s.sealerWG.Add(1)
	go s.sealer()
	s.log.Info("store opened", "actives", len(s.cur.actives), "partitions", len(s.cur.parts))
	return nil
}

// attach attaches an active file and makes sure its table exists.
func (s *Store) attach(ctx context.Context, a *active) error {
	if _, err := s.db.ExecContext(ctx, "ATTACH "+quote(a.path)+" AS "+a.alias); err != nil {
		return safeErr("attach active file", err)
	}
	_, err := s.db.ExecContext(ctx, eventsTable(a.alias))
	return safeErr("create events table", err)
}

// eventsTable creates the events table of an active file attached as alias.
func eventsTable(alias string) string {
	return `CREATE TABLE IF NOT EXISTS ` + alias + `.events (
		project_id BIGINT NOT NULL, time BIGINT NOT NULL, name VARCHAR NOT NULL,
		distinct_id VARCHAR NOT NULL, insert_id VARCHAR NOT NULL, props VARCHAR NOT NULL, k BIGINT)`
}

// stateTableNames are the tables of state.duckdb that stateTables creates.
var stateTableNames = []string{"profiles", "findings", "purge_marks", "person_ids"}

// stateTables creates the tables of a state file attached as alias.
func stateTables(alias string, ifNotExists bool) []string {
	c := "CREATE TABLE "
	if ifNotExists {
		c += "IF NOT EXISTS "
	}
	return []string{
		c + alias + `.profiles (
			project_id BIGINT NOT NULL, kind UTINYINT NOT NULL, group_key VARCHAR NOT NULL,
			id VARCHAR NOT NULL, props VARCHAR NOT NULL,
			PRIMARY KEY (project_id, kind, group_key, id))`,
		c + alias + `.findings (
			time BIGINT NOT NULL, project_id BIGINT NOT NULL, distinct_id VARCHAR, event VARCHAR,
			path VARCHAR, class VARCHAR, detector VARCHAR, action VARCHAR, lib VARCHAR, lib_version VARCHAR)`,
		c + alias + `.purge_marks (job VARCHAR NOT NULL, time BIGINT NOT NULL)`,
		personIDsDDL(alias, strings.TrimPrefix(c, "CREATE TABLE ")),
	}
}

// rebuildActive restores the writer's view of an active file after Open:
// rows per partition, size, and the key hashes for de-duplication.
func (s *Store) rebuildActive(ctx context.Context, a *active) error {
	rows, err := s.db.QueryContext(ctx, `SELECT project_id, time, k,
		strlen(name) + strlen(distinct_id) + strlen(insert_id) + strlen(props) + 24
		FROM `+a.alias+`.events`)
	if err != nil {
		return safeErr("read active file", err)
	}
	defer rows.Close()
	for rows.Next() {
		var project, t, size int64
		var k sql.NullInt64
		if err := rows.Scan(&project, &t, &k, &size); err != nil {
			return safeErr("read active file", err)
		}
		p := partOf(project, t)
		a.days[p]++
		a.bytes += size
		if k.Valid {
			pk, err := s.dd.part(p)
			if err != nil {
				return err
			}
			pk.fresh[uint64(k.Int64)] = a.gen
		}
	}
	if err := rows.Err(); err != nil {
		return safeErr("read active file", err)
	}
	if a.bytes > 0 {
		a.first = time.Now()
	}
	return nil
}

// loadPartKeys reads the key files of a partition's sealed files, as of the
// current version.
func (s *Store) loadPartKeys(p partKey) (map[uint64][]uint64, error) {
	v := s.acquire()
	defer s.release(v)
	out := map[uint64][]uint64{}
	for _, f := range v.parts[p] {
		keys, err := s.readFileKeys(p, f)
		if err != nil {
			return nil, err
		}
		out[f.Gen] = keys
	}
	return out, nil
}

// readFileKeys reads a sealed file's keys; a damaged key file is rebuilt
// from the Parquet file it belongs to.
func (s *Store) readFileKeys(p partKey, f sealedFile) ([]uint64, error) {
	keys, err := readKeys(f.keysPath(s.dir, p))
	if err == nil {
		return keys, nil
	}
	s.log.Warn("key file unreadable, rebuilding it from its partition file", "file", f.keysPath(s.dir, p), "err", err)
	keys, err = s.keysFromParquet(context.Background(), f.parquet(s.dir, p))
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(f.keysPath(s.dir, p), encodeKeys(keys), 0o600); err != nil {
		return nil, err
	}
	return keys, nil
}

func (s *Store) keysFromParquet(ctx context.Context, path string) ([]uint64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT project_id, time, name, distinct_id, insert_id
		FROM read_parquet(`+quote(path)+`) WHERE insert_id <> ''`)
	if err != nil {
		return nil, safeErr("read partition keys", err)
	}
	defer rows.Close()
	var keys []uint64
	var buf []byte
	for rows.Next() {
		var project, t int64
		var name, did, iid string
		if err := rows.Scan(&project, &t, &name, &did, &iid); err != nil {
			return nil, safeErr("read partition keys", err)
		}
		keys = append(keys, keyHash(buf, project, t, name, did, iid))
	}
	if err := rows.Err(); err != nil {
		return nil, safeErr("read partition keys", err)
	}
	return mergeSorted(keys), nil
}

// allocGen returns a new file generation number.
func (s *Store) allocGen() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.nextGen
	s.nextGen++
	return g
}

// acquire returns the current version with a reference held.
func (s *Store) acquire() *version {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur.refs++
	return s.cur
}

// release drops a reference and deletes files no version needs any more.
func (s *Store) release(v *version) {
	s.mu.Lock()
	v.refs--
	var files []string
	var actives []*active
	for len(s.retired) > 0 && s.retired[0].refs == 0 {
		r := s.retired[0]
		s.retired = s.retired[1:]
		files = append(files, r.obsoleteFiles...)
		actives = append(actives, r.obsoleteActives...)
	}
	removing := len(files) > 0 || len(actives) > 0
	if removing {
		s.removing++
	}
	s.mu.Unlock()
	if removing {
		s.removeFiles(files, actives)
		s.mu.Lock()
		s.removing--
		s.mu.Unlock()
	}
}

// install makes nv the current version. Called with manifestMu held, after
// the manifest describing nv is durable. obsolete files and actives are
// those the old version has and nv has not.
func (s *Store) install(nv *version, files []string, actives []*active) {
	s.mu.Lock()
	old := s.cur
	old.obsoleteFiles = files
	old.obsoleteActives = actives
	s.cur = nv
	s.retired = append(s.retired, old)
	close(s.changed)
	s.changed = make(chan struct{})
	// Release the install's own view of old (refs change only under mu):
	// deletes what is unreferenced.
	old.refs++
	s.mu.Unlock()
	s.release(old)
}

func (s *Store) removeFiles(files []string, actives []*active) {
	for _, a := range actives {
		start := time.Now()
		if _, err := s.db.ExecContext(context.Background(), "DETACH "+a.alias); err != nil {
			s.log.Error("detach sealed active file", "gen", a.gen, "err", safeErr("detach", err))
			continue
		}
		s.log.Debug("detached sealed active file", "gen", a.gen, "took", time.Since(start))
		files = append(files, a.path, a.path+".wal")
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Error("remove obsolete file", "file", f, "err", err)
		}
	}
}

// clone copies v's file lists for a new version.
func (v *version) clone() *version {
	nv := &version{parts: make(map[partKey][]sealedFile, len(v.parts)), actives: append([]*active(nil), v.actives...)}
	for p, f := range v.parts {
		nv.parts[p] = f
	}
	return nv
}

// quote makes a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Close drains queued calls, seals the active file (unless NoSealOnClose),
// ends running reads and releases every file. After Close every method
// returns store.ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	start := time.Now()
	s.closed.Store(true)
	s.events.close()
	s.state.close()
	close(s.closing)
	s.wg.Wait() // writers drained their queues and stopped
	var errs []error
	if !s.opts.NoSealOnClose && s.act != nil && s.act.bytes > 0 {
		// Hand the last active to the sealer; appends are over.
		s.sealCh <- s.act
	}
	close(s.sealCh)
	s.sealerWG.Wait()
	s.readCancel()
	s.rmu.Lock()
	s.rclosed = true
	running := s.rcount
	s.rmu.Unlock()
	if running > 0 {
		<-s.rdrained
	}
	if s.wconn != nil {
		errs = append(errs, s.wconn.Close())
	}
	s.mu.Lock()
	var files []string
	var actives []*active
	for _, r := range s.retired {
		files = append(files, r.obsoleteFiles...)
		actives = append(actives, r.obsoleteActives...)
	}
	s.retired = nil
	s.mu.Unlock()
	s.removeFiles(files, actives)
	if _, err := s.db.ExecContext(context.Background(), "CHECKPOINT st"); err != nil {
		errs = append(errs, safeErr("checkpoint state file", err))
	}
	errs = append(errs, s.db.Close())
	errs = append(errs, s.lock.Close())
	s.log.Info("store closed", "took", time.Since(start))
	return errors.Join(errs...)
}

// checkOpen reports store.ErrClosed after Close.
func (s *Store) checkOpen() error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return nil
}

// readContext returns a context that ends with ctx or with Close, and
// registers a running read; call the returned function when done.
func (s *Store) readContext(ctx context.Context) (context.Context, func(), error) {
	if err := s.checkOpen(); err != nil {
		return nil, nil, err
	}
	s.rmu.Lock()
	if s.rclosed {
		s.rmu.Unlock()
		return nil, nil, store.ErrClosed
	}
	s.rcount++
	s.rmu.Unlock()
	rctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.readCtx, cancel)
	return rctx, func() {
		stop()
		cancel()
		s.rmu.Lock()
		s.rcount--
		if s.rcount == 0 && s.rclosed {
			close(s.rdrained)
		}
		s.rmu.Unlock()
	}, nil
}

// readErr turns a read error into ErrClosed when Close interrupted it.
func (s *Store) readErr(ctx context.Context, err error) error {
	if err != nil && s.readCtx.Err() != nil && ctx.Err() == nil {
		return store.ErrClosed
	}
	return err
}

// Stats describes the store's files, for tests and operators.
type Stats struct {
	Actives     int // active DuckDB files (1 unless a seal is pending)
	Partitions  int // project-days with sealed files
	SealedFiles int
	SealedRows  int64
	Queued      int   // Append calls waiting for a commit
	Compacted   int64 // partitions compacted since Open
}

// Stats returns the current file counts.
func (s *Store) Stats() Stats {
	v := s.acquire()
	defer s.release(v)
	st := Stats{Actives: len(v.actives), Partitions: len(v.parts), Queued: s.events.depth(), Compacted: s.compacted.Load()}
	for _, files := range v.parts {
		st.SealedFiles += len(files)
		for _, f := range files {
			st.SealedRows += f.Rows
		}
	}
	return st
}

// compression is the Parquet codec of sealed files.
func (s *Store) compression() string {
	if s.opts.Uncompressed {
		return "uncompressed"
	}
	return "zstd"
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// validRow checks what DuckDB needs of a row: text columns in valid UTF-8
// and properties holding a JSON object.
func validRow(i int, r *event.Row) error {
	switch {
	case !validUTF8(r.Name):
		return fmt.Errorf("%w: row %d: event name is not valid UTF-8", ErrInvalidRow, i)
	case !validUTF8(r.DistinctID):
		return fmt.Errorf("%w: row %d: distinct_id is not valid UTF-8", ErrInvalidRow, i)
	case !validUTF8(r.InsertID):
		return fmt.Errorf("%w: row %d: insert id is not valid UTF-8", ErrInvalidRow, i)
	case len(r.Props) < 2 || r.Props[0] != '{' || r.Props[len(r.Props)-1] != '}':
		return fmt.Errorf("%w: row %d: properties are not a JSON object", ErrInvalidRow, i)
	case !validUTF8Bytes(r.Props):
		return fmt.Errorf("%w: row %d: properties are not valid UTF-8", ErrInvalidRow, i)
	}
	return nil
}
