package clickhouse

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// AuditLine is one entry of a Sieve node's audit chain, as its log file
// holds it.
type AuditLine struct {
	Seq  int64
	Line []byte
}

// AppendAudit copies audit entries of node to <db>.audit_log on every
// shard (in a RowBinary body). Copying an entry again is harmless: rows
// are keyed by (node, seq).
func (s *Store) AppendAudit(ctx context.Context, node string, lines []AuditLine) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	var w rbWriter
	for _, l := range lines {
		w.str(node)
		w.i64(l.Seq)
		w.bytes(l.Line)
	}
	stmt := "INSERT INTO " + s.db + ".audit_log (node, seq, line) FORMAT RowBinary"
	for i, n := range s.nodes {
		if err := n.exec(ctx, stmt, nil, w.b); err != nil {
			return fmt.Errorf("clickhouse store: audit copy on shard %d: %w", i+1, err)
		}
	}
	return nil
}

// AuditSeq is the highest seq of node's entries in the cluster (0: none),
// over the reachable shards.
func (s *Store) AuditSeq(ctx context.Context, node string) (int64, error) {
	chains, err := s.ReadAudit(ctx, node)
	if err != nil {
		return 0, err
	}
	l := chains[node]
	if len(l) == 0 {
		return 0, nil
	}
	return l[len(l)-1].Seq, nil
}

// ReadAudit returns the audit entries of every node (or of only, when not
// empty) in the cluster, by node, in seq order, merged over the reachable
// shards.
func (s *Store) ReadAudit(ctx context.Context, only string) (map[string][]AuditLine, error) {
	done, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer done()
	merged := map[string]map[int64][]byte{}
	var errs []error
	stmt := "SELECT node, seq, line FROM " + s.db + ".audit_log FINAL ORDER BY node, seq FORMAT RowBinary"
	var ext []extTable
	if only != "" {
		var w rbWriter
		w.str(only)
		ext = []extTable{{name: "q_node", structure: "n String", data: w.b}}
		stmt = "SELECT node, seq, line FROM " + s.db + ".audit_log FINAL WHERE node IN (SELECT n FROM q_node) ORDER BY node, seq FORMAT RowBinary"
	}
	for i, n := range s.nodes {
		rc, err := n.do(ctx, stmt, nil, nil, ext)
		if err != nil {
			errs = append(errs, fmt.Errorf("shard %d: %w", i+1, err))
			continue
		}
		rd := newRB(rc)
		for rd.more() {
			node, seq, line := rd.str(), rd.i64(), rd.bytesInto(nil)
			if rd.err != nil {
				break
			}
			if merged[node] == nil {
				merged[node] = map[int64][]byte{}
			}
			merged[node][seq] = line
		}
		rc.Close()
		if rd.err != nil {
			return nil, fmt.Errorf("clickhouse store: audit read on shard %d: %w", i+1, rd.err)
		}
	}
	if len(errs) == len(s.nodes) {
		return nil, fmt.Errorf("clickhouse store: audit read: %w", errors.Join(errs...))
	}
	out := make(map[string][]AuditLine, len(merged))
	for node, m := range merged {
		lines := make([]AuditLine, 0, len(m))
		for seq, l := range m {
			lines = append(lines, AuditLine{Seq: seq, Line: l})
		}
		slices.SortFunc(lines, func(a, b AuditLine) int { return cmp.Compare(a.Seq, b.Seq) })
		out[node] = lines
	}
	return out, nil
}
