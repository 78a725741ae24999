package duckdb

// Filter: a Go function run over stored events inside DuckDB's own parallel
// scan, so that only the rows it selects cross database/sql.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	ddb "github.com/duckdb/duckdb-go/v2"

	"github.com/sieve-analytics/sieve/internal/store"
)

// Pick is store.Pick: a function run on each row inside the scan.
type Pick = store.Pick

// ErrFilterResult is wrapped by Filter's error when pick returned a result
// that is not valid UTF-8 (results travel as DuckDB VARCHAR).
var ErrFilterResult = errors.New("duckdb store: filter: a pick result is not valid UTF-8")

// errFilterStopped is the only text the filter function hands DuckDB when it
// stops a scan; the cause stays in Go (filterRun.err) and never passes
// through DuckDB, so no message of pick's reaches a DuckDB error.
var errFilterStopped = errors.New("sieve filter stopped")

// errFilterInternal reports a vector the filter function cannot read.
var errFilterInternal = errors.New("duckdb store: filter: unexpected input vector")

// Filter runs pick over every stored event of project with from <= time < to
// that matches where (a SQL condition over the alias e: "e.name IN (?, ?)",
// or "" for all; args are its parameters), in parallel inside the engine, and
// calls fn, serially, for each row pick selected, with the row's time, name,
// distinct_id and pick's result. seen, if not nil, is called (concurrently)
// with the number of rows pick has looked at, a chunk at a time, for progress.
//
// where is SQL text written by the caller: values go in args, never in
// where. DuckDB calls pick on chunks of up to 2048 rows from its own
// threads; fn runs after the scan, in no particular order, and result is
// valid only during its call. The selected rows are held in memory until
// then, so pick should select few rows (findings, not events).
//
// An error from pick stops the scan and Filter returns it wrapped (DuckDB's
// message is never passed on); an error from fn ends Filter and is returned
// as it is. Cancelling ctx, or closing the store, stops the scan within 64
// rows per thread.
func (s *Store) Filter(ctx context.Context, project, from, to int64, where string, args []any,
	pick Pick, seen func(n int), fn func(t int64, name, distinctID string, result []byte) error) error {
	if pick == nil || fn == nil {
		return errors.New("duckdb store: filter: pick and fn are required")
	}
	f := &s.filters
	// Events reports store.ErrClosed when Close, not the caller, stopped
	// the scan.
	return s.Events(ctx, project, from, to, func(ctx context.Context, conn *sql.Conn, relation string) error {
		if err := f.register(conn); err != nil {
			return err
		}
		run := &filterRun{ctx: ctx, pick: pick, seen: seen}
		runID := f.runs.start(run)
		// Once the run is gone, a chunk that still names it fails.
		defer f.end(runID)
		cond := ""
		if where != "" {
			cond = " WHERE (" + where + ")"
		}
		query := "SELECT time, name, distinct_id, r FROM (SELECT e.time AS time, e.name AS name, e.distinct_id AS distinct_id, " +
			filterFuncName + "(" + strconv.FormatInt(runID, 10) + "::BIGINT, e.name, e.distinct_id, e.props) AS r FROM " +
			relation + " AS e" + cond + ") WHERE r IS NOT NULL"
		rows, err := conn.QueryContext(ctx, query, args...)
		if err != nil {
			return run.queryErr(ctx, err)
		}
		defer rows.Close()
		var (
			t         int64
			ename, id string
			res       sql.RawBytes
		)
		n := 0
		for rows.Next() {
			if err := rows.Scan(&t, &ename, &id, &res); err != nil {
				return run.queryErr(ctx, err)
			}
			if err := fn(t, ename, id, res); err != nil {
				return err
			}
			if n++; n%256 == 0 && ctx.Err() != nil {
				return fmt.Errorf("duckdb store: filter: %w", ctx.Err())
			}
		}
		if err := rows.Err(); err != nil {
			return run.queryErr(ctx, err)
		}
		return nil
	})
}

// filterFuncName is the scalar function every Filter call of a store
// uses: sieve_filter(run BIGINT, name, distinct_id, props VARCHAR) ->
// VARCHAR, where run names the Filter call whose pick it runs. DuckDB
// refuses to drop a registered function ("internal catalog entry"), so a
// store registers it once, not once per call.
const filterFuncName = "sieve_filter"

// filterFuncs is a store's filter function: registered in the store's
// database by the first Filter call (DuckDB's catalog is per database, so
// every connection of the pool then has it), and the runs it serves.
type filterFuncs struct {
	mu         sync.Mutex // guards registered and serializes registering
	registered bool
	runs       runs[filterRun] // while their Filter calls last
}

// register adds the filter function to the database of conn unless an
// earlier call did. A failed attempt is retried by the next call.
func (f *filterFuncs) register(conn *sql.Conn) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.registered {
		return nil
	}
	if err := ddb.RegisterScalarUDF(conn, filterFuncName, &filterUDF{funcs: f}); err != nil {
		return safeErr("filter: register function", err)
	}
	f.registered = true
	return nil
}

// end forgets run id: a query that names it fails to bind, and a chunk of
// a query bound to it fails.
func (f *filterFuncs) end(id int64) {
	if r, ok := f.runs.end(id); ok {
		r.stopped.Store(true)
	}
}

// filterRun is the state of one Filter call, shared by DuckDB's threads.
type filterRun struct {
	ctx     context.Context
	pick    Pick
	seen    func(int)
	stopped atomic.Bool
	mu      sync.Mutex
	err     error // the first cause of a stop
}

func (r *filterRun) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	r.stopped.Store(true)
}

// halted reports whether the scan must stop: another thread failed, or ctx
// is done (checked every 64 rows, so a slow pick stops promptly too).
func (r *filterRun) halted() bool {
	if r.stopped.Load() {
		return true
	}
	if err := r.ctx.Err(); err != nil {
		r.fail(fmt.Errorf("duckdb store: filter: %w", err))
		return true
	}
	return false
}

// queryErr explains a failed filter query: the cause recorded by the filter
// function, else ctx's error, else DuckDB's error made safe. DuckDB's
// message is dropped whenever the cause is known.
func (r *filterRun) queryErr(ctx context.Context, err error) error {
	r.mu.Lock()
	cause := r.err
	r.mu.Unlock()
	switch {
	case cause != nil:
		return cause
	case ctx.Err() != nil:
		return fmt.Errorf("duckdb store: filter: %w", ctx.Err())
	}
	return safeErr("filter", err)
}

// filterUDF is the scalar function (run, name, distinct_id, props) ->
// VARCHAR that runs the pick of Filter call run over each chunk of rows
// DuckDB scans: NULL for rows pick passes over, pick's result for the rows
// it selects.
type filterUDF struct {
	funcs *filterFuncs
}

func (u *filterUDF) Config() ddb.ScalarFuncConfig {
	id, _ := ddb.NewTypeInfo(ddb.TYPE_BIGINT)
	v, _ := ddb.NewTypeInfo(ddb.TYPE_VARCHAR)
	return ddb.ScalarFuncConfig{
		InputTypeInfos: []ddb.TypeInfo{id, v, v, v},
		ResultTypeInfo: v,
		// Volatile: DuckDB must neither fold nor cache the function, nor
		// copy it into the filter on its result (one call per row).
		Volatile: true,
		// NULL inputs are handled in exec; the driver's default handling
		// would walk every row's validity again after each chunk.
		SpecialNullHandling: true,
	}
}

func (u *filterUDF) Executor() ddb.ScalarFuncExecutor {
	return ddb.ScalarFuncExecutor{ChunkContextExecutor: u.exec, ScalarBinder: u.bind}
}

func (u *filterUDF) bind(ctx context.Context, args []ddb.ScalarUDFArg) (context.Context, error) {
	return u.funcs.runs.bind(ctx, args, errFilterStopped)
}

func (u *filterUDF) exec(ctx context.Context, st *ddb.ChunkIteratorState) error {
	r := runOf[filterRun](ctx)
	if r == nil || r.halted() {
		return errFilterStopped
	}
	in := st.GetInputChunk()
	n := in.GetSize()
	var views [3]ddb.VectorView[string]
	for i := range views {
		vec, err := in.GetVector(i + 1)
		if err == nil {
			views[i], err = ddb.GetVectorView[string](vec)
		}
		if err != nil {
			r.fail(errFilterInternal)
			return errFilterStopped
		}
	}
	out, err := ddb.GetVectorWriter[string](st.GetResultVector())
	if err != nil {
		r.fail(errFilterInternal)
		return errFilterStopped
	}
	for row := range n {
		if row&63 == 63 && r.halted() {
			return errFilterStopped
		}
		name, ok1, err1 := views[0].GetValueBorrowed(row)
		id, ok2, err2 := views[1].GetValueBorrowed(row)
		props, ok3, err3 := views[2].GetValueBorrowed(row)
		if err1 != nil || err2 != nil || err3 != nil {
			r.fail(errFilterInternal)
			return errFilterStopped
		}
		var res []byte
		if ok1 && ok2 && ok3 {
			if res, err = r.pick(name, id, props); err != nil {
				r.fail(fmt.Errorf("duckdb store: filter: pick: %w", err))
				return errFilterStopped
			}
		}
		if res == nil {
			err = out.SetNull(row)
		} else if !utf8.Valid(res) {
			r.fail(ErrFilterResult)
			return errFilterStopped
		} else {
			err = out.Set(row, string(res))
		}
		if err != nil {
			r.fail(errFilterInternal)
			return errFilterStopped
		}
	}
	if r.seen != nil {
		r.seen(n)
	}
	return nil
}
