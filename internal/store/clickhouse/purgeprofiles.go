package clickhouse

// Removing properties from profiles on ClickHouse (docs/CLICKHOUSE.md,
// "Removing properties"). Every profile update is a new version of the
// whole profile in profiles_local (ReplacingMergeTree(ver), the highest
// ver current), so a path can sit in the current version and in earlier
// ones that merges have not folded yet. On each shard, as for events
// (purgeprops.go):
//
//  1. the profiles of the rule (project; user profiles of its users, by
//     hash, when it names users) that have a version passing a prefilter
//     on the paths' last keys are read from the shard's profiles_local,
//     every version, newest first;
//  2. a profile one of whose versions holds a path (decided in Go) gets
//     its current version written again on the same shard with the paths
//     removed (propath.Remove) and ver one above every stored version,
//     so reads and merges take it;
//  3. the versions read are deleted by a mutation naming them by hashes
//     of the key and their ver, waited for; versions written meanwhile
//     are never named;
//  4. every version on the shard passing the prefilter is checked again
//     in Go (Remaining).
//
// Writing before deleting means a crash leaves both (reads take the new
// one) and a rerun finishes the job. The node's profile updates wait
// meanwhile (stateMu), so none of them writes back a version read before
// the purge; an update on another Sieve node at the same moment can, and
// the verification then reports it. No value is in a statement: ids and
// group keys are named by sipHash64/cityHash64, computed by the server.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/purge/propath"
	"github.com/sieve-analytics/sieve/internal/store"
)

// profileDeleteBatch is how many versions one deletion mutation names: at
// most about 110 bytes each, so that its text stays below the default
// max_query_size (256 KiB).
const profileDeleteBatch = 2000

// profileCond is the condition on profiles_local of a rule's profile
// paths; users holds the hashes of its distinct_ids.
func profileCond(r *store.PurgeRule, users string) string {
	c := "project_id = " + strconv.FormatInt(r.Project, 10)
	if len(r.DistinctIDs) > 0 {
		c += " AND kind = " + strconv.Itoa(int(event.People)) + " AND " + inHashes("id", users)
	}
	return c
}

// stripProfileProps removes r.ProfilePaths from the profiles of rule r on
// every shard and adds what it did to shards (one entry per shard).
func (s *Store) stripProfileProps(ctx context.Context, r *store.PurgeRule, users string, shards []store.StateShardResult) error {
	if len(r.DistinctIDs) > 0 && users == "" {
		return nil
	}
	cond := profileCond(r, users) + " AND " + keyFilterCH(r.ProfilePaths)
	for si, n := range s.nodes {
		sh := &shards[si]
		old, err := s.rewriteProfiles(ctx, n, si, r, cond, sh)
		if err != nil {
			return err
		}
		sh.VersionsDeleted += int64(len(old))
		for len(old) > 0 {
			chunk := old[:min(len(old), profileDeleteBatch)]
			del := "project_id = " + strconv.FormatInt(r.Project, 10) +
				" AND (kind, sipHash64(group_key), sipHash64(id), cityHash64(id), ver) IN (" + strings.Join(chunk, ", ") + ")"
			if err := s.mutateOn(ctx, si, "profiles_local", del); err != nil {
				return err
			}
			old = old[len(chunk):]
		}
		left, err := s.countWithPaths(ctx, n, "profiles_local", cond, r.ProfilePaths)
		if err != nil {
			return fmt.Errorf("clickhouse store: shard %d: verify profiles: %w", si+1, err)
		}
		sh.Remaining += left
	}
	return nil
}

// profileVersion is one stored version of a profile, as rewriteProfiles
// reads it.
type profileVersion struct {
	kind         uint8
	group, id    string
	props        []byte
	deleted      uint8
	ver          uint64
	hg, hi1, hi2 uint64 // sipHash64(group_key), sipHash64(id), cityHash64(id)
}

// rewriteProfiles writes, on shard si, the current version of each
// profile matching cond again without r.ProfilePaths (when one of its
// versions holds one) and returns the names of the versions it replaces,
// for the deletion.
func (s *Store) rewriteProfiles(ctx context.Context, n *node, si int, r *store.PurgeRule, cond string,
	sh *store.StateShardResult) ([]string, error) {
	stmt := "SELECT kind, group_key, id, props, deleted, ver, sipHash64(group_key), sipHash64(id), cityHash64(id) FROM " + s.db +
		".profiles_local WHERE project_id = " + strconv.FormatInt(r.Project, 10) +
		" AND (kind, group_key, id) IN (SELECT kind, group_key, id FROM " + s.db + ".profiles_local WHERE " + cond + ")" +
		" ORDER BY kind, group_key, id, ver DESC FORMAT RowBinary"
	rc, err := n.do(ctx, stmt, readSettings, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("clickhouse store: shard %d: read profiles to rewrite: %w", si+1, err)
	}
	defer rc.Close()
	rd := newRB(rc)
	var w rbWriter
	var old []string
	var versions []profileVersion // of one profile, newest first
	insert := func() error {
		if len(w.b) == 0 {
			return nil
		}
		err := n.exec(ctx, "INSERT INTO "+s.db+".profiles_local (project_id, kind, group_key, id, props, deleted, ver) FORMAT RowBinary", nil, w.b)
		w.b = w.b[:0]
		if err != nil {
			return fmt.Errorf("clickhouse store: shard %d: insert rewritten profiles: %w", si+1, err)
		}
		return nil
	}
	flush := func() error {
		if len(versions) == 0 {
			return nil
		}
		defer func() { versions = versions[:0] }()
		holds := false
		for _, v := range versions {
			if len(v.props) == 0 {
				continue // a deleted profile's version has no properties
			}
			has, err := propath.Has(v.props, r.ProfilePaths)
			if err != nil {
				return fmt.Errorf("clickhouse store: shard %d: a stored profile is not a JSON object", si+1)
			}
			holds = holds || has
		}
		if !holds {
			return nil // the prefilter matched a value, not a path
		}
		cur := versions[0]
		props := cur.props
		if len(props) > 0 {
			out, did, err := propath.Remove(nil, props, r.ProfilePaths)
			if err != nil {
				return fmt.Errorf("clickhouse store: shard %d: a stored profile is not a JSON object", si+1)
			}
			if did {
				props = out
				if cur.deleted == 0 {
					sh.ProfilesChanged++
				}
			}
		}
		w.i64(r.Project)
		w.u8(cur.kind)
		w.str(cur.group)
		w.str(cur.id)
		w.bytes(props)
		w.u8(cur.deleted)
		w.u64(cur.ver + 1)
		sh.VersionsRewritten++
		s.lastVer = max(s.lastVer, cur.ver+1) // this node's later updates go above it
		for _, v := range versions {
			old = append(old, fmt.Sprintf("(%d, %d, %d, %d, %d)", v.kind, v.hg, v.hi1, v.hi2, v.ver))
		}
		if len(w.b) >= rewriteBatch {
			return insert()
		}
		return nil
	}
	for rd.more() {
		var v profileVersion
		v.kind = rd.u8()
		v.group, v.id = rd.str(), rd.str()
		v.props = rd.bytesInto(nil)
		v.deleted = rd.u8()
		v.ver = rd.u64()
		v.hg, v.hi1, v.hi2 = rd.u64(), rd.u64(), rd.u64()
		if rd.err != nil {
			break
		}
		if len(v.props) > 0 && v.props[0] != '{' {
			return nil, fmt.Errorf("clickhouse store: shard %d: read profiles to rewrite: %w", si+1, errMidStream)
		}
		if len(versions) > 0 && (versions[0].kind != v.kind || versions[0].group != v.group || versions[0].id != v.id) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		versions = append(versions, v)
	}
	if rd.err != nil {
		return nil, fmt.Errorf("clickhouse store: shard %d: read profiles to rewrite: %w", si+1, rd.err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if err := insert(); err != nil {
		return nil, err
	}
	return old, nil
}
