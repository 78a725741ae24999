package duckdb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sieve-analytics/sieve/internal/store"
)

var _ store.EventScanner = (*Store)(nil)

// scanCond is q's condition on the alias e beyond project and time, with
// its parameters ("" for none). Names and strings are parameters, never
// SQL text.
func scanCond(q store.ScanQuery) (string, []any) {
	var conds []string
	var args []any
	placeholders := func(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
	if len(q.Events) > 0 {
		conds = append(conds, "e.name IN ("+placeholders(len(q.Events))+")")
		for _, e := range q.Events {
			args = append(args, e)
		}
	}
	if len(q.PropsContain) > 0 {
		ors := make([]string, len(q.PropsContain))
		for i, c := range q.PropsContain {
			ors[i] = "contains(e.props, ?)"
			args = append(args, c)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args
}

// CountByDay implements store.EventScanner.
func (s *Store) CountByDay(ctx context.Context, q store.ScanQuery) ([]store.DayCount, error) {
	where, args := scanCond(q)
	var out []store.DayCount
	err := s.Events(ctx, q.ProjectID, q.From, q.To, func(ctx context.Context, conn *sql.Conn, rel string) error {
		query := "SELECT time // 86400000 AS d, count(*) FROM " + rel + " AS e"
		if where != "" {
			query += " WHERE " + where
		}
		rows, err := conn.QueryContext(ctx, query+" GROUP BY d ORDER BY d", args...)
		if err != nil {
			return safeErr("count events by day", err)
		}
		defer rows.Close()
		for rows.Next() {
			var d, n int64
			if err := rows.Scan(&d, &n); err != nil {
				return safeErr("count events by day", err)
			}
			out = append(out, store.DayCount{Day: d * dayMs, Events: n})
		}
		return safeErr("count events by day", rows.Err())
	})
	return out, err
}

// Scan implements store.EventScanner with Filter.
func (s *Store) Scan(ctx context.Context, q store.ScanQuery, pick store.Pick, seen func(n int),
	fn func(t int64, name, distinctID string, result []byte) error) error {
	where, args := scanCond(q)
	return s.Filter(ctx, q.ProjectID, q.From, q.To, where, args, pick, seen, fn)
}
