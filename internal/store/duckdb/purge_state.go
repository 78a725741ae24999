package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sieve-analytics/sieve/internal/atomicfile"
	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

type stateReq struct {
	ctx  context.Context
	job  *StatePurgeJob
	res  StateResult
	err  error
	done chan struct{}
}

// PurgeState removes what the rules select from profiles and findings by
// writing the surviving rows into a fresh state file (DuckDB DELETE and
// UPDATE leave old bytes in place), which then replaces state.duckdb. It
// runs on the state writer goroutine, so no profile update interleaves.
// The fresh file records the job id; StatePurgeApplied reads it back.
func (s *Store) PurgeState(ctx context.Context, job StatePurgeJob) (StateResult, error) {
	if err := s.checkOpen(); err != nil {
		return StateResult{}, err
	}
	if err := checkRules(job.Rules); err != nil {
		return StateResult{}, err
	}
	req := &stateReq{ctx: ctx, job: &job, done: make(chan struct{})}
	select {
	case s.stateReq <- req:
	case <-ctx.Done():
		return StateResult{}, ctx.Err()
	case <-s.closing:
		return StateResult{}, store.ErrClosed
	}
	<-req.done
	return req.res, req.err
}

// StatePurgeApplied reports whether the state file was rewritten by job id.
func (s *Store) StatePurgeApplied(ctx context.Context, id string) (bool, error) {
	caller := ctx // Close cancels ctx too: readErr tells them apart by the caller's
	ctx, done, err := s.readContext(ctx)
	if err != nil {
		return false, err
	}
	defer done()
	s.stMu.RLock()
	defer s.stMu.RUnlock()
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM st.purge_marks WHERE job = ?", id).Scan(&n); err != nil {
		return false, s.readErr(caller, safeErr("purge marks", err))
	}
	return n > 0, nil
}

// profileMatcher evaluates profile path rules in Go.
type profileMatcher struct {
	rules   []PurgeRule
	ids     []map[string]bool
	changed atomic.Int64
}

func (m *profileMatcher) paths(project int64, kind, id string) []string {
	var out []string
	for i := range m.rules {
		r := &m.rules[i]
		if r.Project != project || len(r.ProfilePaths) == 0 {
			continue
		}
		if m.ids[i] != nil && (kind != "1" || !m.ids[i][id]) {
			continue
		}
		out = append(out, r.ProfilePaths...)
	}
	return out
}

func (s *Store) purgeState(conn *sql.Conn, req *stateReq) (StateResult, error) {
	var res StateResult
	if conn == nil {
		return res, errors.New("duckdb store: purge state: no connection")
	}
	ctx := req.ctx
	var rules []PurgeRule
	for _, r := range req.job.Rules {
		if r.TouchesState() {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		return res, nil
	}
	rules, err := expandPersons(ctx, conn, rules)
	if err != nil {
		return res, err
	}
	n := s.udfSeq.Add(1)
	prefix := fmt.Sprintf("spurge_%d", n)
	if err := loadRuleLists(ctx, conn, prefix, rules); err != nil {
		return res, err
	}
	defer func() {
		for _, t := range []string{"_ids", "_names"} {
			_, _ = conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+prefix+t)
		}
	}()
	m := &profileMatcher{rules: rules}
	for i := range rules {
		m.ids = append(m.ids, setOf(rules[i].DistinctIDs))
	}
	if err := s.purges.register(conn, "purge state"); err != nil {
		return res, err
	}
	run := s.purges.runs.start(&purgeRun{
		paths:   func(id, kind string, project int64) []string { return m.paths(project, kind, id) },
		changed: &m.changed,
	})
	defer s.purges.runs.end(run)
	const args = "props, id, CAST(kind AS VARCHAR), project_id"
	strip, hasExpr := purgeCall(purgeStripName, run, args), purgeCall(purgeHasName, run, args)

	var profDel, findDel, profPre, idsDel []string
	for i := range rules {
		r := &rules[i]
		ids := fmt.Sprintf("(SELECT v FROM %s_ids WHERE r = %d)", prefix, i)
		if r.EraseProfiles && len(r.DistinctIDs) > 0 {
			profDel = append(profDel, fmt.Sprintf("(project_id = %d AND kind = %d AND id IN %s)", r.Project, event.People, ids))
			findDel = append(findDel, fmt.Sprintf("(project_id = %d AND distinct_id IN %s)", r.Project, ids))
			idsDel = append(idsDel, fmt.Sprintf("(project_id = %d AND (id IN %s OR person IN %s))", r.Project, ids, ids))
		}
		if len(r.ProfilePaths) > 0 {
			c := fmt.Sprintf("(project_id = %d", r.Project)
			if len(r.DistinctIDs) > 0 {
				c += fmt.Sprintf(" AND kind = %d AND id IN %s", event.People, ids)
			}
			profPre = append(profPre, c+" AND "+keyFilter("props", r.ProfilePaths)+")")
		}
	}
	or := func(cs []string) string {
		if len(cs) == 0 {
			return "false"
		}
		return "(" + strings.Join(cs, " OR ") + ")"
	}
	pd, fd, pp, idd := or(profDel), or(findDel), or(profPre), or(idsDel)
	count := func(stage string) (pTotal, pDel, pPre, fTotal, fDel int64, err error) {
		if err = conn.QueryRowContext(ctx, fmt.Sprintf(
			"SELECT count(*), count(*) FILTER (WHERE %s), count(*) FILTER (WHERE NOT %s AND %s AND %s) FROM st.profiles",
			pd, pd, pp, hasExpr)).Scan(&pTotal, &pDel, &pPre); err != nil {
			return 0, 0, 0, 0, 0, safeErr("purge state: "+stage, err)
		}
		if err = conn.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*), count(*) FILTER (WHERE %s) FROM st.findings", fd)).Scan(&fTotal, &fDel); err != nil {
			return 0, 0, 0, 0, 0, safeErr("purge state: "+stage, err)
		}
		return
	}
	pTotal, pDel, pPre, fTotal, fDel, err := count("scan")
	if err != nil {
		return res, err
	}
	var idsN int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM st.person_ids WHERE "+idd).Scan(&idsN); err != nil {
		return res, safeErr("purge state: scan", err)
	}
	res.ProfilesScanned, res.FindingsScanned = pTotal, fTotal
	if pDel == 0 && pPre == 0 && fDel == 0 && idsN == 0 {
		return res, nil
	}

	// Write the surviving rows into a fresh file.
	tmp := filepath.Join(s.dir, stateName+tmpSuffix)
	_ = os.Remove(tmp)
	_ = os.Remove(tmp + ".wal")
	alias := fmt.Sprintf("stn_%d", n)
	stmts := append([]string{"ATTACH " + quote(tmp) + " AS " + alias}, stateTables(alias, false)...)
	stmts = append(stmts,
		fmt.Sprintf(`INSERT INTO %s.profiles SELECT project_id, kind, group_key, id,
			CASE WHEN %s THEN %s ELSE props END
			FROM st.profiles WHERE NOT %s ORDER BY project_id, kind, group_key, id`, alias, pp, strip, pd),
		fmt.Sprintf("INSERT INTO %s.findings SELECT * FROM st.findings WHERE NOT %s ORDER BY time", alias, fd),
		fmt.Sprintf("INSERT INTO %s.purge_marks SELECT * FROM st.purge_marks", alias),
		fmt.Sprintf("INSERT INTO %s.person_ids SELECT * FROM st.person_ids WHERE NOT %s ORDER BY project_id, id", alias, idd),
	)
	m.changed.Store(0)
	fail := func(err error) (StateResult, error) {
		_, _ = conn.ExecContext(context.Background(), "DETACH DATABASE IF EXISTS "+alias)
		_ = os.Remove(tmp)
		_ = os.Remove(tmp + ".wal")
		return res, err
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), errPurgeRow.Error()) {
				return fail(errPurgeRow)
			}
			return fail(safeErr("purge state: write fresh state file", err))
		}
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO "+alias+".purge_marks VALUES (?, ?)", req.job.ID, time.Now().UnixMilli()); err != nil {
		return fail(safeErr("purge state: write fresh state file", err))
	}
	if _, err := conn.ExecContext(ctx, "DETACH "+alias); err != nil {
		return fail(safeErr("purge state: close fresh state file", err))
	}
	if err := syncFile(tmp); err != nil {
		return fail(fmt.Errorf("duckdb store: purge state: sync fresh state file: %w", err))
	}
	res.Rewritten = true
	res.ProfilesDeleted, res.ProfilesChanged, res.FindingsDeleted = pDel, m.changed.Load(), fDel
	statePath := filepath.Join(s.dir, stateName)
	before, err := s.digest(statePath, pTotal+fTotal)
	if err != nil {
		return fail(err)
	}
	after, err := s.digest(tmp, pTotal-pDel+fTotal-fDel)
	if err != nil {
		return fail(err)
	}
	after.File = s.rel(statePath)
	res.Before, res.After = &before, &after
	if req.job.Prepared != nil {
		if err := req.job.Prepared(res); err != nil {
			return fail(err)
		}
	}

	// Swap: no read of st runs meanwhile.
	s.stMu.Lock()
	err = s.swapState(conn, tmp, statePath)
	s.stMu.Unlock()
	if err != nil {
		return res, err
	}

	// Verify on the installed file.
	_, pDel, pPre, _, fDel, err = count("verify")
	if err != nil {
		return res, err
	}
	res.Remaining = pDel + pPre + fDel
	return res, nil
}

// swapState replaces the attached state file with the fresh one at tmp.
func (s *Store) swapState(conn *sql.Conn, tmp, statePath string) error {
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "DETACH st"); err != nil {
		_ = os.Remove(tmp)
		return safeErr("purge state: detach state file", err)
	}
	// DETACH checkpointed the old file: its WAL holds nothing more, and must
	// not be replayed onto the fresh file.
	if err := os.Remove(statePath + ".wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("duckdb store: purge state: %w", err)
	}
	renameErr := os.Rename(tmp, statePath)
	if renameErr == nil {
		renameErr = atomicfile.SyncDir(s.dir)
	}
	if _, err := conn.ExecContext(ctx, "ATTACH "+quote(statePath)+" AS st"); err != nil {
		return errors.Join(renameErr, safeErr("purge state: attach state file", err))
	}
	if renameErr != nil {
		return fmt.Errorf("duckdb store: purge state: %w", renameErr)
	}
	return nil
}

// expandPersons returns rules whose distinct_id lists also name the persons
// those ids were merged into (person_ids): erasing an id erases its person's
// profile, and the ids merged into it. rules is not changed.
func expandPersons(ctx context.Context, conn *sql.Conn, rules []PurgeRule) ([]PurgeRule, error) {
	out := make([]PurgeRule, len(rules))
	for i, r := range rules {
		out[i] = r
		if len(r.DistinctIDs) == 0 {
			continue
		}
		have := setOf(r.DistinctIDs)
		ids := append([]string(nil), r.DistinctIDs...)
		for rest := r.DistinctIDs; len(rest) > 0; {
			chunk := rest[:min(len(rest), 500)]
			rest = rest[len(chunk):]
			args := []any{r.Project}
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := conn.QueryContext(ctx, "SELECT DISTINCT person FROM st.person_ids WHERE project_id = ? AND id IN ("+
				placeholders(len(chunk))+")", args...)
			if err != nil {
				return nil, safeErr("purge state: read person ids", err)
			}
			for rows.Next() {
				var p string
				if err := rows.Scan(&p); err != nil {
					rows.Close()
					return nil, safeErr("purge state: read person ids", err)
				}
				if !have[p] {
					have[p] = true
					ids = append(ids, p)
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, safeErr("purge state: read person ids", err)
			}
		}
		out[i].DistinctIDs = ids
	}
	return out, nil
}
