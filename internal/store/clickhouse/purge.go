package clickhouse

// Purges on ClickHouse (docs/CLICKHOUSE.md, "Purges"): mutations on every
// shard's local tables, waited for, then a verification count, then a wait
// until the parts the mutations replaced are deleted from disk. A rule
// selects users by two 64-bit hashes of their distinct_id (sipHash64 and
// cityHash64), never by the distinct_id itself: ClickHouse keeps mutation
// texts on disk (mutation_N.txt) and may log them.
//
// What mutations can do on every version Sieve supports: delete events
// (by project, time, event names, users) and their keys in event_keys,
// and erase users' profiles and findings. Removing properties from events
// (rule.Paths) and from profiles (rule.ProfilePaths) rewrites the rows
// through Sieve (purgeprops.go, purgeprofiles.go).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sieve-analytics/sieve/internal/purge/propath"
	"github.com/sieve-analytics/sieve/internal/store"
)

// ErrPurgeInvalid is returned, before anything is changed, for a purge rule
// that both deletes events and removes properties, or names a bad path.
var ErrPurgeInvalid = errors.New("clickhouse store: invalid purge")

// Dir implements purge.Backend: a ClickHouse store has no local files.
func (s *Store) Dir() string { return "" }

// Seal implements purge.Backend: with the local log, it waits until
// every row acknowledged before it is shipped (so that the purge's
// mutations cover them, and no purged value stays in the log);
// otherwise there is nothing to seal.
func (s *Store) Seal(ctx context.Context) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	return s.syncLog(ctx)
}

// PurgeApplied implements purge.Backend. Mutations are re-run in full
// when a job resumes (deleting again is harmless), so no batch is ever
// recorded as applied.
func (s *Store) PurgeApplied(string) bool { return false }

// StatePurgeApplied implements purge.Backend (no state file swap here).
func (s *Store) StatePurgeApplied(context.Context, string) (bool, error) { return false, nil }

// userHashes returns "(h1, h2), ..." for ids: ClickHouse's sipHash64 and
// cityHash64 of each, computed by the server from an external table (so
// that the ids never appear in a statement).
func (s *Store) userHashes(ctx context.Context, ids []string) (string, error) {
	if len(ids) == 0 {
		return "", nil
	}
	var w rbWriter
	for _, id := range ids {
		w.str(id)
	}
	rc, err := s.q.do(ctx, "SELECT sipHash64(i), cityHash64(i) FROM ids FORMAT RowBinary", nil, nil,
		[]extTable{{name: "ids", structure: "i String", data: w.b}})
	if err != nil {
		return "", fmt.Errorf("clickhouse store: hash ids: %w", err)
	}
	defer rc.Close()
	rd := newRB(rc)
	var t []string
	for rd.more() {
		a, b := rd.u64(), rd.u64()
		t = append(t, "("+strconv.FormatUint(a, 10)+", "+strconv.FormatUint(b, 10)+")")
	}
	if rd.err != nil {
		return "", fmt.Errorf("clickhouse store: hash ids: %w", rd.err)
	}
	return strings.Join(t, ", "), nil
}

// inHashes is the condition "col is one of the ids hashed to h".
func inHashes(col, h string) string {
	return "(sipHash64(" + col + "), cityHash64(" + col + ")) IN (" + h + ")"
}

// eventCond is the condition on events_local of a rule; users holds
// the hashes of its distinct_ids.
func eventCond(r *store.PurgeRule, users string) string {
	c := []string{"project_id = " + strconv.FormatInt(r.Project, 10)}
	if r.From != store.AllTimeFrom {
		c = append(c, "time >= "+strconv.FormatInt(r.From, 10))
	}
	if r.To != store.AllTimeTo {
		c = append(c, "time < "+strconv.FormatInt(r.To, 10))
	}
	if len(r.Events) > 0 {
		q := make([]string, len(r.Events))
		for i, e := range r.Events {
			q[i] = quote(e)
		}
		c = append(c, "event IN ("+strings.Join(q, ", ")+")")
	}
	if users != "" {
		c = append(c, inHashes("distinct_id", users))
	}
	return strings.Join(c, " AND ")
}

// countDays returns, on one shard, the rows of table matching cond per
// UTC day.
func (s *Store) countDays(ctx context.Context, n *node, table, cond string) (map[string]int64, error) {
	out, err := n.queryString(ctx, "SELECT toString(toDate(toDateTime(intDiv(time, 1000)))) AS d, count() FROM "+s.db+"."+table+
		" WHERE "+cond+" GROUP BY d ORDER BY d FORMAT TSV")
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 2 {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			m[f[0]] = v
		}
	}
	return m, nil
}

// mutate runs an ALTER ... DELETE on table of every shard and waits until
// every shard reports its mutations of the table done. The parts that
// exist before (active ones, which the mutation replaces, and inactive ones
// merges left) are noted: WaitObsolete waits until they are gone from disk.
func (s *Store) mutate(ctx context.Context, table, cond string) error {
	return s.mutateShards(ctx, s.nodes, 0, table, cond)
}

// mutateOn is mutate on shard i alone.
func (s *Store) mutateOn(ctx context.Context, i int, table, cond string) error {
	return s.mutateShards(ctx, s.nodes[i:i+1], i, table, cond)
}

// mutateShards is mutate on nodes, the shards first, first+1, ...
func (s *Store) mutateShards(ctx context.Context, nodes []*node, first int, table, cond string) error {
	for j, n := range nodes {
		i := first + j
		names, err := n.queryString(ctx, "SELECT name FROM system.parts WHERE database = "+quote(s.db)+" AND table = "+quote(table)+" FORMAT TSV")
		if err != nil {
			return fmt.Errorf("clickhouse store: shard %d: list parts: %w", i+1, err)
		}
		s.purgeMu.Lock()
		if s.replaced == nil {
			s.replaced = map[int][]string{}
		}
		for _, name := range strings.Fields(names) {
			s.replaced[i] = append(s.replaced[i], "("+quote(table)+", "+quote(name)+")")
		}
		s.purgeMu.Unlock()
	}
	for j, n := range nodes {
		i := first + j
		// In the request's body (longStatement): lists of users or rows.
		if err := n.exec(ctx, "", longStatement, []byte("ALTER TABLE "+s.db+"."+table+" DELETE WHERE "+cond)); err != nil {
			return fmt.Errorf("clickhouse store: shard %d: delete from %s: %w", i+1, table, err)
		}
	}
	for j, n := range nodes {
		i := first + j
		for failed := 0; ; {
			left, err := n.queryString(ctx, "SELECT count() FROM system.mutations WHERE database = "+quote(s.db)+" AND table = "+quote(table)+" AND is_done = 0")
			if err != nil {
				// A read: asked again after a dropped connection, as in
				// WaitObsolete.
				if failed++; failed >= waitReadAttempts || ctx.Err() != nil {
					return fmt.Errorf("clickhouse store: shard %d: wait for mutations: %w", i+1, err)
				}
			} else {
				failed = 0
			}
			if err == nil && left == "0" {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

// PurgeEvents implements purge.Backend: for each rule, the matching rows
// are counted per shard and day, deleted by a mutation on every shard,
// and counted again through the Distributed table (Remaining).
func (s *Store) PurgeEvents(ctx context.Context, job store.PurgeJob) (store.PurgeEventsResult, error) {
	var res store.PurgeEventsResult
	done, err := s.begin()
	if err != nil {
		return res, err
	}
	defer done()
	if err := s.syncLog(ctx); err != nil {
		return res, err
	}
	for i := range job.Rules {
		r := &job.Rules[i]
		if r.DeleteEvents && len(r.Paths) > 0 {
			return res, fmt.Errorf("%w: rule %d: either delete events or remove properties", ErrPurgeInvalid, i)
		}
		for _, p := range r.Paths {
			if err := propath.Check(p); err != nil {
				return res, fmt.Errorf("%w: rule %d: %w", ErrPurgeInvalid, i, err)
			}
		}
	}
	type pk struct {
		project int64
		day     string
		shard   int
	}
	parts := map[pk]*store.PartitionResult{}
	var order []pk
	for ri := range job.Rules {
		r := &job.Rules[ri]
		if !r.DeleteEvents && len(r.Paths) == 0 {
			continue
		}
		users, err := s.userHashes(ctx, r.DistinctIDs)
		if err != nil {
			return res, err
		}
		if !r.DeleteEvents {
			left, err := s.stripProps(ctx, r, users, func(day string, shard int) *store.PartitionResult {
				k := pk{r.Project, day, shard}
				p := parts[k]
				if p == nil {
					p = &store.PartitionResult{Project: r.Project, Day: day, Shard: shard}
					parts[k] = p
					order = append(order, k)
				}
				return p
			})
			if err != nil {
				return res, err
			}
			res.Remaining += left
			res.Checked++
			if job.Progress != nil {
				job.Progress(ri+1, len(job.Rules))
			}
			continue
		}
		cond := eventCond(r, users)
		for si, n := range s.nodes {
			days, err := s.countDays(ctx, n, "events_local", cond)
			if err != nil {
				return res, fmt.Errorf("clickhouse store: shard %d: count: %w", si+1, err)
			}
			for d, c := range days {
				k := pk{r.Project, d, si + 1}
				p := parts[k]
				if p == nil {
					p = &store.PartitionResult{Project: r.Project, Day: d, Shard: si + 1, Rewritten: true}
					parts[k] = p
					order = append(order, k)
				}
				p.RowsScanned += c
				p.RowsDeleted += c
			}
		}
		// The events first, then their keys (event_keys holds the
		// distinct_id and insert_id too): a purge that stops between the
		// two leaves keys without events, which a re-run deletes (a key
		// without its event would make a retry of that event count as
		// stored; its deletion is what the purge asked for anyway).
		for _, table := range []string{"events", "event_keys"} {
			if err := s.mutate(ctx, table+"_local", cond); err != nil {
				return res, err
			}
			left, err := s.q.queryString(ctx, "SELECT count() FROM "+s.db+"."+table+" WHERE "+cond)
			if err != nil {
				return res, fmt.Errorf("clickhouse store: verify: %w", err)
			}
			v, _ := strconv.ParseInt(left, 10, 64)
			res.Remaining += v
		}
		res.Checked++
		if job.Progress != nil {
			job.Progress(ri+1, len(job.Rules))
		}
	}
	for _, k := range order {
		res.Partitions = append(res.Partitions, *parts[k])
	}
	return res, nil
}

// PurgeState implements purge.Backend: erasing users deletes their people
// profiles (every version) and their findings on every shard.
func (s *Store) PurgeState(ctx context.Context, job store.StatePurgeJob) (store.StateResult, error) {
	var res store.StateResult
	done, err := s.begin()
	if err != nil {
		return res, err
	}
	defer done()
	if err := s.syncLog(ctx); err != nil {
		return res, err
	}
	for i := range job.Rules {
		for _, p := range job.Rules[i].ProfilePaths {
			if err := propath.Check(p); err != nil {
				return res, fmt.Errorf("%w: rule %d: %w", ErrPurgeInvalid, i, err)
			}
		}
	}
	count := func(table, cond string) (int64, error) {
		v, err := s.q.queryString(ctx, "SELECT count() FROM "+s.db+"."+table+" WHERE "+cond)
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(v, 10, 64)
	}
	strip := func(r *store.PurgeRule) bool {
		return len(r.ProfilePaths) > 0 && !(r.EraseProfiles && len(r.DistinctIDs) > 0) // an erased profile loses every property anyway
	}
	if slices.ContainsFunc(job.Rules, func(r store.PurgeRule) bool { return strip(&r) }) {
		// The node's profile updates wait until every rule is applied
		// (purgeprofiles.go).
		s.stateMu.Lock()
		defer s.stateMu.Unlock()
		for si := range s.nodes {
			res.Shards = append(res.Shards, store.StateShardResult{Shard: si + 1})
		}
	}
	for i := range job.Rules {
		r := &job.Rules[i]
		if !strip(r) {
			continue
		}
		users, err := s.userHashes(ctx, r.DistinctIDs)
		if err != nil {
			return res, err
		}
		if err := s.stripProfileProps(ctx, r, users, res.Shards); err != nil {
			return res, err
		}
	}
	for _, sh := range res.Shards {
		res.ProfilesChanged += sh.ProfilesChanged
		res.Remaining += sh.Remaining
		res.Rewritten = res.Rewritten || sh.VersionsRewritten > 0
	}
	for i := range job.Rules {
		r := &job.Rules[i]
		if !r.EraseProfiles || len(r.DistinctIDs) == 0 {
			continue
		}
		users, err := s.userHashes(ctx, r.DistinctIDs)
		if err != nil {
			return res, err
		}
		proj := "project_id = " + strconv.FormatInt(r.Project, 10)
		pc := proj + " AND kind = 1 AND " + inHashes("id", users)
		fc := proj + " AND " + inHashes("distinct_id", users)
		np, err := count("profiles", pc)
		if err != nil {
			return res, fmt.Errorf("clickhouse store: count profiles: %w", err)
		}
		nf, err := count("findings", fc)
		if err != nil {
			return res, fmt.Errorf("clickhouse store: count findings: %w", err)
		}
		res.ProfilesScanned += np
		res.ProfilesDeleted += np
		res.FindingsScanned += nf
		res.FindingsDeleted += nf
		if err := s.mutate(ctx, "profiles_local", pc); err != nil {
			return res, err
		}
		if err := s.mutate(ctx, "findings_local", fc); err != nil {
			return res, err
		}
		res.Rewritten = true
		for _, q := range [][2]string{{"profiles", pc}, {"findings", fc}} {
			v, err := count(q[0], q[1])
			if err != nil {
				return res, fmt.Errorf("clickhouse store: verify: %w", err)
			}
			res.Remaining += v
		}
	}
	return res, nil
}

// waitReadAttempts is how many failed reads in a row WaitObsolete's poll
// of a shard's parts accepts before it gives up.
const waitReadAttempts = 5

// WaitObsolete implements purge.Backend: it returns once no shard keeps
// any of the parts the purge's mutations replaced (they hold the purged
// rows until the server deletes them, old_parts_lifetime after they became
// inactive; its cleanup runs every few seconds). Parts that merges of new
// data leave behind meanwhile are not waited for.
func (s *Store) WaitObsolete(ctx context.Context) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	s.purgeMu.Lock()
	replaced := s.replaced
	s.replaced = nil
	s.purgeMu.Unlock()
	for i, n := range s.nodes {
		// Each mutation of a purge notes the parts then present: the same
		// part is often noted many times.
		slices.Sort(replaced[i])
		replaced[i] = slices.Compact(replaced[i])
		failed := 0 // read errors in a row
		for len(replaced[i]) > 0 {
			chunk := replaced[i][:min(len(replaced[i]), 10000)]
			left, err := n.postString(ctx, "SELECT count() FROM system.parts WHERE database = "+quote(s.db)+" AND (table, name) IN ("+strings.Join(chunk, ", ")+")")
			if err != nil {
				// The poll only reads: a dropped connection (a keep-alive
				// the server closed as the request went out) is asked
				// again, a few times.
				if failed++; failed >= waitReadAttempts || ctx.Err() != nil {
					return fmt.Errorf("clickhouse store: shard %d: wait for replaced parts: %w", i+1, err)
				}
				left = "?"
			} else {
				failed = 0
			}
			if left == "0" {
				replaced[i] = replaced[i][len(chunk):]
				continue
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("clickhouse store: shard %d still keeps %s replaced parts (old_parts_lifetime?): %w", i+1, left, ctx.Err())
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
	return nil
}
