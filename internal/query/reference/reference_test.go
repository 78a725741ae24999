package reference_test

import (
	"testing"

	"github.com/sieve-analytics/sieve/internal/query"
	"github.com/sieve-analytics/sieve/internal/query/querytest"
	"github.com/sieve-analytics/sieve/internal/query/reference"
)

func TestConformance(t *testing.T) {
	querytest.Run(t, func(t *testing.T, d querytest.Data) query.Backend {
		return reference.Backend{Rows: d.Rows, Profiles: querytest.ProfileMap(d.Profiles)}
	})
}
