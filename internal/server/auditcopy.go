package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sieve-analytics/sieve/internal/audit"
	"github.com/sieve-analytics/sieve/internal/store/clickhouse"
)

// auditCopier copies this node's audit entries to the ClickHouse cluster
// (<db>.audit_log), where `sieve audit verify --store` checks every node's
// chain. The file under <data>/audit stays the log; the copy follows it:
// lines are queued as they are appended and sent every second, and at
// start the entries the cluster lacks (after its highest seq for this
// node) are sent first.
type auditCopier struct {
	st   *clickhouse.Store
	node string
	log  *slog.Logger

	mu      sync.Mutex
	pending []clickhouse.AuditLine
	dropped int64 // lines not queued (queue full); sent by the next start's catch-up
}

const maxAuditQueue = 100_000

func (c *auditCopier) add(seq int64, line []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) >= maxAuditQueue {
		c.dropped++
		return
	}
	c.pending = append(c.pending, clickhouse.AuditLine{Seq: seq, Line: line})
}

// catchUp sends the entries of al the cluster lacks.
func (c *auditCopier) catchUp(ctx context.Context, al *audit.Log) error {
	have, err := c.st.AuditSeq(ctx, c.node)
	if err != nil {
		return err
	}
	var batch []clickhouse.AuditLine
	err = al.LinesAfter(have, func(seq int64, line []byte) error {
		batch = append(batch, clickhouse.AuditLine{Seq: seq, Line: line})
		if len(batch) < 1000 {
			return nil
		}
		err := c.st.AppendAudit(ctx, c.node, batch)
		batch = batch[:0]
		return err
	})
	if err == nil && len(batch) > 0 {
		err = c.st.AppendAudit(ctx, c.node, batch)
	}
	return err
}

// flush sends what is queued; on failure it stays queued.
func (c *auditCopier) flush(ctx context.Context) error {
	c.mu.Lock()
	lines := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(lines) == 0 {
		return nil
	}
	if err := c.st.AppendAudit(ctx, c.node, lines); err != nil {
		c.mu.Lock()
		c.pending = append(lines, c.pending...)
		c.mu.Unlock()
		return err
	}
	return nil
}

// run sends the queue every second until ctx is done, then once more.
func (c *auditCopier) run(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := c.flush(fctx); err != nil {
				c.log.Warn("audit copy to the cluster: entries not copied at stop; the next start copies them", "err", err)
			}
			return nil
		case <-t.C:
		}
		err := c.flush(ctx)
		if err != nil && !failing && ctx.Err() == nil {
			c.log.Warn("audit copy to the cluster failing; retrying", "err", err)
		}
		failing = err != nil
	}
}
