package duckdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ddb "github.com/duckdb/duckdb-go/v2"

	"github.com/sieve-analytics/sieve/internal/jsontext"
	"github.com/sieve-analytics/sieve/internal/purge/propath"
	"github.com/sieve-analytics/sieve/internal/store"
)

// The purge's request and result types are backend-neutral (package
// store); these names are kept for the code of this package.
type (
	PurgeRule         = store.PurgeRule
	FileDigest        = store.FileDigest
	PartitionResult   = store.PartitionResult
	PurgeBatch        = store.PurgeBatch
	PurgeJob          = store.PurgeJob
	PurgeEventsResult = store.PurgeEventsResult
	StatePurgeJob     = store.StatePurgeJob
	StateResult       = store.StateResult
)

// AllTimeFrom and AllTimeTo are the time range of a rule without one.
const (
	AllTimeFrom = store.AllTimeFrom
	AllTimeTo   = store.AllTimeTo
)

type purgeReq struct {
	ctx  context.Context
	job  *PurgeJob
	res  PurgeEventsResult
	err  error
	done chan struct{}
}

// ErrPurgeInvalid is wrapped by purge errors about the request itself.
var ErrPurgeInvalid = errors.New("duckdb store: invalid purge")

func checkRules(rules []PurgeRule) error {
	if len(rules) == 0 {
		return fmt.Errorf("%w: no rules", ErrPurgeInvalid)
	}
	for i := range rules {
		r := &rules[i]
		if r.To <= r.From {
			return fmt.Errorf("%w: rule %d: empty time range", ErrPurgeInvalid, i)
		}
		if r.DeleteEvents && len(r.Paths) > 0 {
			return fmt.Errorf("%w: rule %d: either delete events or remove properties", ErrPurgeInvalid, i)
		}
		for _, p := range append(slices.Clone(r.Paths), r.ProfilePaths...) {
			if err := propath.Check(p); err != nil {
				return fmt.Errorf("%w: rule %d: %w", ErrPurgeInvalid, i, err)
			}
		}
		for _, s := range append(slices.Clone(r.DistinctIDs), r.Events...) {
			if !validUTF8(s) {
				return fmt.Errorf("%w: rule %d: an id or event name is not valid UTF-8", ErrPurgeInvalid, i)
			}
		}
	}
	return nil
}

// Seal, then PurgeEvents, then PurgeState, then WaitObsolete is a whole
// purge: see docs/PURGE.md.

// PurgeEvents rewrites the sealed partitions the rules touch into fresh
// files without the purged rows or properties, installs them (in batches,
// one manifest write each) and re-scans every partition in scope. It runs
// on the sealer goroutine, so no seal or merge interleaves with it. Call
// Seal first so that rows appended before the purge are in sealed files.
func (s *Store) PurgeEvents(ctx context.Context, job PurgeJob) (PurgeEventsResult, error) {
	if err := s.checkOpen(); err != nil {
		return PurgeEventsResult{}, err
	}
	if err := checkRules(job.Rules); err != nil {
		return PurgeEventsResult{}, err
	}
	if job.ID == "" || strings.ContainsAny(job.ID, "/\\'\" ") {
		return PurgeEventsResult{}, fmt.Errorf("%w: bad job id", ErrPurgeInvalid)
	}
	if job.BatchRows <= 0 {
		job.BatchRows = 4 << 20
	}
	req := &purgeReq{ctx: ctx, job: &job, done: make(chan struct{})}
	select {
	case s.purgeCh <- req:
	case <-ctx.Done():
		return PurgeEventsResult{}, ctx.Err()
	case <-s.closing:
		return PurgeEventsResult{}, store.ErrClosed
	}
	<-req.done
	return req.res, req.err
}

// PurgeApplied reports whether a purge batch was installed.
func (s *Store) PurgeApplied(batchID string) bool {
	s.manifestMu.Lock()
	defer s.manifestMu.Unlock()
	return slices.Contains(s.applied, batchID)
}

// maxApplied bounds the purge batch ids the manifest keeps.
const maxApplied = 4096

// partName is "<project>/<yyyy-mm-dd>".
func partName(p partKey) string {
	return fmt.Sprintf("%d/%s", p.project, time.UnixMilli(p.start()).UTC().Format(time.DateOnly))
}

// rulesFor returns the indexes of the rules that touch partition p's events.
func rulesFor(rules []PurgeRule, p partKey) []int {
	var out []int
	for i := range rules {
		r := &rules[i]
		if r.Project == p.project && r.TouchesEvents() && r.From < p.end() && r.To > p.start() {
			out = append(out, i)
		}
	}
	return out
}

// eventMatcher evaluates path rules in Go for the rows SQL prefiltered.
type eventMatcher struct {
	rules   []PurgeRule
	active  atomic.Pointer[[]int] // rules of the partition being written
	ids     []map[string]bool
	names   []map[string]bool
	changed atomic.Int64
}

func newEventMatcher(rules []PurgeRule) *eventMatcher {
	m := &eventMatcher{rules: rules}
	for i := range rules {
		m.ids = append(m.ids, setOf(rules[i].DistinctIDs))
		m.names = append(m.names, setOf(rules[i].Events))
	}
	return m
}

func setOf(xs []string) map[string]bool {
	if len(xs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// paths returns the property paths that apply to a row.
func (m *eventMatcher) paths(did, name string, t int64) []string {
	var out []string
	act := m.active.Load()
	if act == nil {
		return nil
	}
	for _, i := range *act {
		r := &m.rules[i]
		if len(r.Paths) == 0 || t < r.From || t >= r.To {
			continue
		}
		if m.ids[i] != nil && !m.ids[i][did] {
			continue
		}
		if m.names[i] != nil && !m.names[i][name] {
			continue
		}
		out = append(out, r.Paths...)
	}
	return out
}

// The purge functions are registered once per store, like Filter's
// (DuckDB refuses to drop a registered function, so one set per purge would
// stay in the catalog for the life of the process). Event and state purges
// share them:
//
//	sieve_purge_strip(run BIGINT, props, a, b VARCHAR, n BIGINT) -> VARCHAR
//	sieve_purge_has(run BIGINT, props, a, b VARCHAR, n BIGINT) -> BOOLEAN
//
// where run names the purge whose rules apply, and a, b and n are what its
// paths function reads: (distinct_id, name, time) for events, (id, kind,
// project_id) for profiles. strip returns props without the paths that
// apply to the row, has whether one of them is present.
const (
	purgeStripName = "sieve_purge_strip"
	purgeHasName   = "sieve_purge_has"
)

// purgeFuncs is a store's purge functions, registered in the store's
// database by the first purge, and the purge runs they serve.
type purgeFuncs struct {
	mu         sync.Mutex     // guards registered and serializes registering
	registered int            // how many of purgeUDFs are registered, in order
	runs       runs[purgeRun] // while their purges last
}

// purgeUDFs lists the purge functions in the order register adds them.
var purgeUDFs = []struct {
	name string
	has  bool
}{{purgeStripName, false}, {purgeHasName, true}}

// register adds the purge functions to the database of conn unless an
// earlier call did; op names the caller in its error. A failed attempt is
// retried by the next call.
func (f *purgeFuncs) register(conn *sql.Conn, op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ; f.registered < len(purgeUDFs); f.registered++ {
		u := purgeUDFs[f.registered]
		if err := ddb.RegisterScalarUDF(conn, u.name, &purgeUDF{funcs: f, has: u.has}); err != nil {
			return safeErr(op+": register function", err)
		}
	}
	return nil
}

// purgeRun is the state of one purge, shared by DuckDB's threads: paths
// returns the property paths that apply to a row (a, b and n as in the
// function's arguments), changed counts the rows strip altered.
type purgeRun struct {
	paths   func(a, b string, n int64) []string
	changed *atomic.Int64
}

// purgeCall is the SQL call of purge function name for run over args.
func purgeCall(name string, run int64, args string) string {
	return name + "(" + strconv.FormatInt(run, 10) + "::BIGINT, " + args + ")"
}

// errPurgeStopped is the bind error of a purge function whose run is gone
// (or was never started); it names no content.
var errPurgeStopped = errors.New("sieve purge run not found")

// purgeUDF is sieve_purge_has when has is set, else sieve_purge_strip.
type purgeUDF struct {
	funcs *purgeFuncs
	has   bool
}

func (u *purgeUDF) Config() ddb.ScalarFuncConfig {
	id, _ := ddb.NewTypeInfo(ddb.TYPE_BIGINT)
	v, _ := ddb.NewTypeInfo(ddb.TYPE_VARCHAR)
	out := v
	if u.has {
		out, _ = ddb.NewTypeInfo(ddb.TYPE_BOOLEAN)
	}
	return ddb.ScalarFuncConfig{InputTypeInfos: []ddb.TypeInfo{id, v, v, v, id}, ResultTypeInfo: out}
}

func (u *purgeUDF) Executor() ddb.ScalarFuncExecutor {
	return ddb.ScalarFuncExecutor{RowContextExecutor: u.row, ScalarBinder: u.bind}
}

func (u *purgeUDF) bind(ctx context.Context, args []ddb.ScalarUDFArg) (context.Context, error) {
	return u.funcs.runs.bind(ctx, args, errPurgeStopped)
}

// row runs over (run, props, a, b, n); NULL inputs never reach it (the
// driver's default NULL handling answers NULL).
func (u *purgeUDF) row(ctx context.Context, v []driver.Value) (any, error) {
	r := runOf[purgeRun](ctx)
	if r == nil || len(v) != 5 {
		return nil, errPurgeStopped
	}
	n, _ := v[4].(int64)
	paths := r.paths(asString(v[2]), asString(v[3]), n)
	if u.has {
		if len(paths) == 0 {
			return false, nil
		}
		ok, err := propath.Has([]byte(asString(v[1])), paths)
		if err != nil {
			return nil, errPurgeRow
		}
		return ok, nil
	}
	props := asString(v[1])
	if len(paths) == 0 {
		return props, nil
	}
	out, did, err := propath.Remove(nil, []byte(props), paths)
	if err != nil {
		return nil, errPurgeRow
	}
	if !did {
		return props, nil
	}
	r.changed.Add(1)
	return string(out), nil
}

func asString(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

// errPurgeRow is returned by the purge functions for a stored row whose
// properties are not a JSON object; it names no content.
var errPurgeRow = errors.New("duckdb store: purge: a stored row's properties are not a JSON object")

// loadRuleLists puts the id and name lists of the rules into temp tables
// on conn (prefix_ids, prefix_names with columns r, v), so that no id or
// name is ever part of SQL text.
func loadRuleLists(ctx context.Context, conn *sql.Conn, prefix string, rules []PurgeRule) error {
	for _, t := range []string{"ids", "names"} {
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+prefix+"_"+t+" (r INTEGER NOT NULL, v VARCHAR NOT NULL)"); err != nil {
			return safeErr("purge: prepare", err)
		}
	}
	insert := func(table string, r int, vals []string) error {
		for len(vals) > 0 {
			chunk := vals[:min(len(vals), 500)]
			vals = vals[len(chunk):]
			args := make([]any, 0, 2*len(chunk))
			for _, v := range chunk {
				args = append(args, r, v)
			}
			q := "INSERT INTO " + table + " VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(chunk)), ", ")
			if _, err := conn.ExecContext(ctx, q, args...); err != nil {
				return safeErr("purge: prepare", err)
			}
		}
		return nil
	}
	for i := range rules {
		if err := insert(prefix+"_ids", i, rules[i].DistinctIDs); err != nil {
			return err
		}
		if err := insert(prefix+"_names", i, rules[i].Events); err != nil {
			return err
		}
	}
	return nil
}

// ruleCond is the SQL condition "row matches rule i" (without paths).
func ruleCond(prefix string, i int, r *PurgeRule, lo, hi int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "(time >= %d AND time < %d", max(r.From, lo), min(r.To, hi))
	if len(r.Events) > 0 {
		fmt.Fprintf(&b, " AND name IN (SELECT v FROM %s_names WHERE r = %d)", prefix, i)
	}
	if len(r.DistinctIDs) > 0 {
		fmt.Fprintf(&b, " AND distinct_id IN (SELECT v FROM %s_ids WHERE r = %d)", prefix, i)
	}
	b.WriteString(")")
	return b.String()
}

// keyFilter is a prefilter true for every props text one of paths can
// change: it holds a path's last key, JSON-escaped, followed by a quote.
func keyFilter(col string, paths []string) string {
	var parts []string
	for _, k := range propath.Keys(paths) {
		enc := jsontext.AppendString(nil, k)
		parts = append(parts, "contains("+col+", "+quote(string(enc[1:]))+")")
	}
	if len(parts) == 0 {
		return "false"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// partitionConds returns the SQL deletion condition and path prefilter for
// partition p.
func partitionConds(prefix string, rules []PurgeRule, idx []int, p partKey) (del, pre string) {
	var dels, pres []string
	for _, i := range idx {
		r := &rules[i]
		c := ruleCond(prefix, i, r, p.start(), p.end())
		if len(r.Paths) == 0 {
			dels = append(dels, c)
		} else {
			pres = append(pres, "("+c+" AND "+keyFilter("props", r.Paths)+")")
		}
	}
	del, pre = "false", "false"
	if len(dels) > 0 {
		del = "(" + strings.Join(dels, " OR ") + ")"
	}
	if len(pres) > 0 {
		pre = "(" + strings.Join(pres, " OR ") + ")"
	}
	return del, pre
}

// purgeEvents runs on the sealer goroutine.
func (s *Store) purgeEvents(req *purgeReq) (PurgeEventsResult, error) {
	ctx, job := req.ctx, req.job
	var res PurgeEventsResult
	v := s.acquire()
	defer func() { s.release(v) }()
	var parts []partKey
	for p := range v.parts {
		if len(rulesFor(job.Rules, p)) > 0 {
			parts = append(parts, p)
		}
	}
	slices.SortFunc(parts, func(a, b partKey) int {
		if a.project != b.project {
			return cmpInt(a.project, b.project)
		}
		return cmpInt(a.day, b.day)
	})
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, safeErr("purge: connect", err)
	}
	defer conn.Close()
	prefix := fmt.Sprintf("purge_%d", s.udfSeq.Add(1))
	if err := loadRuleLists(ctx, conn, prefix, job.Rules); err != nil {
		return res, err
	}
	if err := s.purges.register(conn, "purge"); err != nil {
		return res, err
	}
	m := newEventMatcher(job.Rules)
	run := s.purges.runs.start(&purgeRun{paths: m.paths, changed: &m.changed})
	defer s.purges.runs.end(run)
	const args = "props, distinct_id, name, time"
	strip, has := purgeCall(purgeStripName, run, args), purgeCall(purgeHasName, run, args)

	var batch []sealedPart
	var batchRes []PartitionResult
	var batchRows int64
	var written []string
	nbatch := 0
	cleanup := func() {
		for _, f := range written {
			_ = os.Remove(f)
		}
		written = nil
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		nbatch++
		id := fmt.Sprintf("%s/%d-%d", job.ID, time.Now().UnixNano(), nbatch)
		if job.Prepared != nil {
			if err := job.Prepared(PurgeBatch{ID: id, Partitions: batchRes}); err != nil {
				return err
			}
		}
		if err := s.installParts(id, batch); err != nil {
			return err
		}
		written = nil // installed: no longer ours to remove
		res.Partitions = append(res.Partitions, batchRes...)
		batch, batchRes, batchRows = nil, nil, 0
		// A new version: keep reading from it.
		s.release(v)
		v = s.acquire()
		return nil
	}
	for n, p := range parts {
		if err := ctx.Err(); err != nil {
			cleanup()
			return res, err
		}
		if job.Skip[partName(p)] {
			if job.Progress != nil {
				job.Progress(n+1, len(parts))
			}
			continue
		}
		idx := rulesFor(job.Rules, p)
		ids := idx
		m.active.Store(&ids)
		files := v.parts[p]
		pr, sp, newFiles, err := s.purgePartition(ctx, conn, prefix, strip, m, job.Rules, idx, p, files)
		written = append(written, newFiles...)
		if err != nil {
			cleanup()
			return res, err
		}
		if sp == nil {
			res.Partitions = append(res.Partitions, pr)
		} else {
			batch = append(batch, *sp)
			batchRes = append(batchRes, pr)
			batchRows += pr.RowsScanned
			if batchRows >= job.BatchRows || len(batch) >= 256 {
				if err := flush(); err != nil {
					cleanup()
					return res, err
				}
			}
		}
		if job.Progress != nil {
			job.Progress(n+1, len(parts))
		}
	}
	if err := flush(); err != nil {
		cleanup()
		return res, err
	}

	// Verification: every partition in scope, as installed.
	for _, p := range parts {
		idx := rulesFor(job.Rules, p)
		ids := idx
		m.active.Store(&ids)
		files := v.parts[p]
		if len(files) == 0 {
			res.Checked++
			continue
		}
		del, pre := partitionConds(prefix, job.Rules, idx, p)
		var left int64
		q := fmt.Sprintf("SELECT count(*) FILTER (WHERE %s OR (%s AND %s)) FROM %s WHERE project_id = %d",
			del, pre, has, parquetList(s.dir, p, files), p.project)
		if err := conn.QueryRowContext(ctx, q).Scan(&left); err != nil {
			return res, safeErr("purge: verify", err)
		}
		res.Checked++
		res.Remaining += left
	}
	return res, nil
}

// purgePartition rewrites one partition; strip is the call of the strip
// function for m's run over a partition row. It returns sp == nil when nothing
// in the partition matched (no file is written then).
func (s *Store) purgePartition(ctx context.Context, conn *sql.Conn, prefix, strip string, m *eventMatcher,
	rules []PurgeRule, idx []int, p partKey, files []sealedFile) (PartitionResult, *sealedPart, []string, error) {
	pr := PartitionResult{Project: p.project, Day: time.UnixMilli(p.start()).UTC().Format(time.DateOnly)}
	for _, f := range files {
		pr.RowsScanned += f.Rows
	}
	if len(files) == 0 {
		return pr, nil, nil, nil
	}
	del, pre := partitionConds(prefix, rules, idx, p)
	src := parquetList(s.dir, p, files)
	var nDel, nPre int64
	if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE NOT %s AND %s) FROM %s",
		del, del, pre, src)).Scan(&nDel, &nPre); err != nil {
		return pr, nil, nil, safeErr("purge: scan partition", err)
	}
	if nDel == 0 && nPre == 0 {
		return pr, nil, nil, nil
	}
	nf := sealedFile{Gen: s.allocGen(), Schema: keySchema, Hot: s.hotList(p.project)}
	pq, kp := nf.parquet(s.dir, p), nf.keysPath(s.dir, p)
	pqTmp, kpTmp := pq+tmpSuffix, kp+tmpSuffix
	newFiles := []string{pqTmp, kpTmp, pq, kp, nf.linksPath(s.dir, p) + tmpSuffix, nf.linksPath(s.dir, p)}
	keep := pr.RowsScanned - nDel
	var keys []uint64
	if keep > 0 {
		order := ""
		if len(files) > 1 {
			order = " ORDER BY time"
		}
		m.changed.Store(0)
		// The identity and hot columns are recomputed from the stripped
		// props (a purge may remove $user_id, $device_id or $browser).
		propsExpr := fmt.Sprintf("CASE WHEN %s THEN %s ELSE props END AS props", pre, strip)
		stripped := fmt.Sprintf("(SELECT project_id, time, name, distinct_id, insert_id, %s FROM %s WHERE NOT %s)", propsExpr, src, del)
		q := fmt.Sprintf("COPY (%s%s) TO %s (FORMAT parquet, COMPRESSION %s)",
			writeSelect(stripped, nf.Hot), order, quote(pqTmp), s.compression())
		r, err := conn.ExecContext(ctx, q)
		if err != nil {
			if strings.Contains(err.Error(), errPurgeRow.Error()) {
				return pr, nil, newFiles, errPurgeRow
			}
			return pr, nil, newFiles, safeErr("purge: write partition file", err)
		}
		if n, err := r.RowsAffected(); err == nil && n != keep {
			return pr, nil, newFiles, fmt.Errorf("duckdb store: purge: wrote %d rows to a partition file, expected %d", n, keep)
		}
		pr.RowsChanged = m.changed.Load()
		if nDel == 0 && pr.RowsChanged == 0 {
			// The prefilter matched but no path did: nothing to rewrite.
			_ = os.Remove(pqTmp)
			return pr, nil, nil, nil
		}
		if nDel > 0 {
			if keys, err = s.keysFromParquet(ctx, pqTmp); err != nil {
				return pr, nil, newFiles, err
			}
		} else {
			lists := make([][]uint64, 0, len(files))
			for _, f := range files {
				ks, err := s.readFileKeys(p, f)
				if err != nil {
					return pr, nil, newFiles, err
				}
				lists = append(lists, ks)
			}
			keys = mergeSorted(lists...)
		}
		nf.Rows, nf.Keys = keep, int64(len(keys))
		d, err := s.digest(pqTmp, keep)
		if err != nil {
			return pr, nil, newFiles, err
		}
		d.File = s.rel(pq)
		pr.After = []FileDigest{d}
		// The links are found again from the rows written: no purged
		// value reaches the new link file.
		lkTmp, err := s.writeLinks(ctx, conn, p, &nf, pqTmp)
		if err != nil {
			return pr, nil, newFiles, fmt.Errorf("duckdb store: purge: %w", err)
		}
		if lkTmp != "" {
			d, err := s.digest(lkTmp, nf.LinkRows)
			if err != nil {
				return pr, nil, newFiles, err
			}
			d.File, d.Kind = s.rel(nf.linksPath(s.dir, p)), store.FileDigestLinks
			pr.After = append(pr.After, d)
		}
		if err := placeLinks(lkTmp); err != nil {
			return pr, nil, newFiles, fmt.Errorf("duckdb store: purge: %w", err)
		}
		if err := placeFile(p.dir(s.dir), pqTmp, pq, kpTmp, kp, keys); err != nil {
			return pr, nil, newFiles, fmt.Errorf("duckdb store: purge: %w", err)
		}
	}
	pr.RowsDeleted = nDel
	pr.Rewritten = true
	for _, f := range files {
		d, err := s.digest(f.parquet(s.dir, p), f.Rows)
		if err != nil {
			return pr, nil, newFiles, err
		}
		pr.Before = append(pr.Before, d)
		if f.LinkRows > 0 {
			// The old link file holds the partition's device and user
			// ids: it goes with its file, and the certificate says so.
			d, err := s.digest(f.linksPath(s.dir, p), f.LinkRows)
			if err != nil {
				return pr, nil, newFiles, err
			}
			d.Kind = store.FileDigestLinks
			pr.Before = append(pr.Before, d)
		}
	}
	sp := &sealedPart{p: p, keys: keys}
	if keep > 0 {
		sp.file = nf
	}
	for _, f := range files {
		sp.merged = append(sp.merged, f.Gen)
	}
	return pr, sp, newFiles, nil
}

func (s *Store) rel(path string) string {
	if r, err := filepath.Rel(s.dir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.Base(path)
}

// digest hashes a file.
func (s *Store) digest(path string, rows int64) (FileDigest, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileDigest{}, fmt.Errorf("duckdb store: purge: digest: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return FileDigest{}, fmt.Errorf("duckdb store: purge: digest: %w", err)
	}
	return FileDigest{File: s.rel(path), Rows: rows, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// installParts makes a batch's files current with one manifest write
// (recording batchID, a purge batch, among the applied ones unless
// empty), then tells the writer about the new key sets.
func (s *Store) installParts(batchID string, batch []sealedPart) error {
	s.manifestMu.Lock()
	s.mu.Lock()
	nv := s.cur.clone()
	next := s.nextGen
	s.mu.Unlock()
	var obsolete []string
	for _, sp := range batch {
		var kept []sealedFile
		for _, f := range nv.parts[sp.p] {
			if slices.Contains(sp.merged, f.Gen) {
				obsolete = append(obsolete, f.paths(s.dir, sp.p)...)
			} else {
				kept = append(kept, f)
			}
		}
		if sp.file.Gen != 0 {
			kept = append(kept, sp.file)
		}
		if len(kept) == 0 {
			delete(nv.parts, sp.p)
		} else {
			nv.parts[sp.p] = kept
		}
	}
	applied := s.applied
	if batchID != "" {
		applied = append(slices.Clone(s.applied), batchID)
		if len(applied) > maxApplied {
			applied = applied[len(applied)-maxApplied:]
		}
	}
	if err := writeManifest(s.dir, next, nv.actives, nv.parts, applied); err != nil {
		s.manifestMu.Unlock()
		return err
	}
	s.applied = applied
	s.mu.Lock()
	s.touch(batch)
	s.mu.Unlock()
	s.install(nv, obsolete, nil)
	s.manifestMu.Unlock()
	select {
	case s.sealDoneCh <- sealDone{parts: batch}:
	case <-s.closing:
	}
	return nil
}

// WaitObsolete waits until every file that versions current at the call
// made obsolete is deleted: readers that held them are done and the
// deletions have finished. After a purge
// this is when the old partition files and sealed active files are gone.
func (s *Store) WaitObsolete(ctx context.Context) error {
	s.mu.Lock()
	var last *version
	if n := len(s.retired); n > 0 {
		last = s.retired[n-1]
	}
	s.mu.Unlock()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		// A version leaves retired before its files are deleted: wait for
		// the deletions under way too.
		s.mu.Lock()
		held := (last != nil && slices.Contains(s.retired, last)) || s.removing > 0
		s.mu.Unlock()
		if !held {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closing:
			return store.ErrClosed
		case <-t.C:
		}
	}
}

// PartitionFiles lists the live files (relative to the data directory) of
// a partition, for tests and certificates.
func (s *Store) PartitionFiles(project int64, day time.Time) []string {
	v := s.acquire()
	defer s.release(v)
	p := partOf(project, day.UnixMilli())
	var out []string
	for _, f := range v.parts[p] {
		out = append(out, s.rel(f.parquet(s.dir, p)))
	}
	return out
}
