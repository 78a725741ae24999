package duckdb

// The live calls a store's DuckDB scalar function serves. DuckDB refuses to
// drop a registered function, so Filter and purges register theirs once per
// store; each call records its state here under a run id that its queries
// pass as the function's first argument (a constant), and the function's
// binder finds the run once per query.

import (
	"context"
	"sync"
	"sync/atomic"

	ddb "github.com/duckdb/duckdb-go/v2"
)

// runs maps run ids to the state of live calls of type R.
type runs[R any] struct {
	seq atomic.Int64
	m   sync.Map // int64 -> *R
}

// start records run and returns its id, for the queries to pass.
func (rs *runs[R]) start(run *R) int64 {
	id := rs.seq.Add(1)
	rs.m.Store(id, run)
	return id
}

// end forgets run id and returns its state: a query that names it then
// fails to bind.
func (rs *runs[R]) end(id int64) (*R, bool) {
	r, ok := rs.m.LoadAndDelete(id)
	if !ok {
		return nil, false
	}
	return r.(*R), true
}

// len counts the live runs (tests).
func (rs *runs[R]) len() int {
	n := 0
	rs.m.Range(func(_, _ any) bool { n++; return true })
	return n
}

// runKey holds, in the context a bound query's chunks or rows receive, the
// run of type R the query names.
type runKey[R any] struct{}

// bind is the binder of the functions: it finds the live run named by the
// first argument, which must be a constant, or fails with notFound (a fixed
// text: DuckDB's error holds it). With a binder the driver also sets its
// per-query context here, once, instead of racing to set it from DuckDB's
// threads on their first chunks.
func (rs *runs[R]) bind(ctx context.Context, args []ddb.ScalarUDFArg, notFound error) (context.Context, error) {
	if len(args) == 0 || !args[0].Foldable {
		return nil, notFound
	}
	var id int64
	switch v := args[0].Value.(type) {
	case int64:
		id = v
	case int32: // an integer literal not cast to BIGINT
		id = int64(v)
	default:
		return nil, notFound
	}
	r, ok := rs.m.Load(id)
	if !ok {
		return nil, notFound
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, runKey[R]{}, r.(*R)), nil
}

// runOf returns the run a bound query's context holds, or nil.
func runOf[R any](ctx context.Context) *R {
	r, _ := ctx.Value(runKey[R]{}).(*R)
	return r
}
