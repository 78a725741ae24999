package reference_test

import (
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

func TestConformance(t *testing.T) {
	querytest.Run(t, func(t *testing.T, rows []event.Row) query.Backend { return reference.Backend{Rows: rows} })
}
