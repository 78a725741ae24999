package duckdb

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/store"
)

// States of a call in a queue.
const (
	callQueued int32 = iota
	callTaken
	callCancelled
)

// call is one caller's request waiting for a group commit. Exactly one of
// rows, profiles and findings is set.
type call struct {
	rows     []event.Row
	keys     []uint64 // de-duplication key hash per row (0 when the row has no insert id)
	profiles []event.ProfileRow
	findings []event.Finding

	n, size int // rows and approximate bytes, for group caps

	state atomic.Int32
	done  chan struct{}

	// Results, written by the committer before done is closed.
	res store.AppendResult
	err error
	dup []bool // per row: skipped as a duplicate (nil when none was)
}

func newCall(n, size int) *call {
	return &call{n: n, size: size, done: make(chan struct{})}
}

// queue collects calls for one committer goroutine.
type queue struct {
	mu     sync.Mutex
	calls  []*call
	closed bool
	signal chan struct{} // capacity 1: "something was queued"
}

func newQueue() *queue { return &queue{signal: make(chan struct{}, 1)} }

// push queues c, or reports store.ErrClosed.
func (q *queue) push(c *call) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return store.ErrClosed
	}
	q.calls = append(q.calls, c)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
	return nil
}

// take removes and returns the oldest queued calls, up to maxRows rows and
// maxBytes bytes (at least one call whatever its size). Cancelled calls are
// dropped; returned calls are marked taken, so their callers wait for the
// result.
func (q *queue) take(maxRows, maxBytes int) []*call {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*call
	rows, size, i := 0, 0, 0
	for ; i < len(q.calls); i++ {
		c := q.calls[i]
		if len(out) > 0 && (rows+c.n > maxRows || size+c.size > maxBytes) {
			break
		}
		if !c.state.CompareAndSwap(callQueued, callTaken) {
			continue // cancelled by its caller
		}
		out = append(out, c)
		rows += c.n
		size += c.size
	}
	n := copy(q.calls, q.calls[i:])
	clear(q.calls[n:])
	q.calls = q.calls[:n]
	if n > 0 {
		select {
		case q.signal <- struct{}{}:
		default:
		}
	}
	return out
}

// close refuses further calls; queued ones stay for the committer to drain.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// depth returns how many calls are queued.
func (q *queue) depth() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.calls)
}

// empty reports whether no call is queued.
func (q *queue) empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.calls) == 0
}

// wait waits for c's result. If ctx ends while c is still queued, c is
// withdrawn and ctx's error returned; once a committer has taken c, the
// result of its commit is returned whatever ctx does, so that an error always
// means "nothing of this call was stored".
func (c *call) wait(ctx context.Context) error {
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		if c.state.CompareAndSwap(callQueued, callCancelled) {
			return ctx.Err()
		}
		<-c.done
		return c.err
	}
}
