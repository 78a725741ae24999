package duckdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// benchProps is a realistic mixpanel-js event's properties (~600 bytes).
var benchProps = []byte(`{"$os":"Linux","$browser":"Chrome","$referrer":"https://www.google.com/","$referring_domain":"www.google.com","$current_url":"https://app.example.com/projects/42/settings?tab=members","$browser_version":124,"$screen_height":1080,"$screen_width":1920,"mp_lib":"web","$lib_version":"2.55.0","$insert_id":"k3j4h5g6f7d8s9a0","$device_id":"18f2a1b2c3d4e5-0a1b2c3d4e5f6-26011b51-1fa400-18f2a1b2c3d4e5","$user_id":"user-12345","plan":"pro","utm_source":"newsletter","utm_medium":"email","utm_campaign":"spring_sale_2026","items":[1,2,3],"cart":{"total":129.99,"currency":"EUR"},"note":"` + strings.Repeat("n", 60) + `"}`)

// BenchmarkAppend measures the raw durable append rate: every call returns
// after its group commit's WAL fsync. Callers run concurrently, as HTTP
// handlers do; one op is one Append call of `rows` rows.
func BenchmarkAppend(b *testing.B) {
	for _, tc := range []struct{ rows, callers int }{
		{50, 1}, {50, 16}, {50, 64}, {1000, 1}, {1000, 4},
	} {
		b.Run(fmt.Sprintf("rows=%d/callers=%d", tc.rows, tc.callers), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var next atomic.Int64
			var seq atomic.Int64
			base := time.Now().UnixMilli()
			b.SetBytes(int64(tc.rows * len(benchProps)))
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := 0; w < tc.callers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rows := make([]event.Row, tc.rows)
					for next.Add(1) <= int64(b.N) {
						for i := range rows {
							n := seq.Add(1)
							rows[i] = event.Row{ProjectID: 1, Time: base + n, Name: "page view",
								DistinctID: "user-" + strconv.FormatInt(n%5000, 10),
								InsertID:   strconv.FormatInt(n, 36), Props: benchProps}
						}
						if _, err := s.Append(context.Background(), rows); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			el := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N*tc.rows)/el.Seconds(), "rows/s")
		})
	}
}

// BenchmarkSeal measures sealing an active file of 200k rows into Parquet.
func BenchmarkSeal(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(b.TempDir(), Options{NoSealOnClose: true})
		if err != nil {
			b.Fatal(err)
		}
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
		rows := make([]event.Row, 2000)
		for c := 0; c < 100; c++ {
			for j := range rows {
				n := int64(c*len(rows) + j)
				rows[j] = event.Row{ProjectID: 1 + n%3, Time: base + n*1000, Name: "page view", DistinctID: "u",
					InsertID: strconv.FormatInt(n, 36), Props: benchProps}
			}
			if _, err := s.Append(context.Background(), rows); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		if err := s.Seal(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(200000/time.Since(start).Seconds(), "rows/s")
		b.StopTimer()
		s.Close()
	}
}

// BenchmarkUpdateProfiles measures profile updates: calls of 50 updates
// ($set of a few properties and an $add) over 10k profiles.
func BenchmarkUpdateProfiles(b *testing.B) {
	for _, callers := range []int{1, 16} {
		b.Run(fmt.Sprintf("updates=50/callers=%d", callers), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var next, seq atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := 0; w < callers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ups := make([]event.ProfileRow, 50)
					for next.Add(1) <= int64(b.N) {
						for i := range ups {
							n := seq.Add(1)
							ups[i] = event.ProfileRow{ProjectID: 1, Kind: event.People, ID: "user-" + strconv.FormatInt(n%10000, 10),
								Time: 1772323200000 + n, Ops: []event.ProfileOpRow{
									{Op: event.OpSet, Value: []byte(`{"$email":"someone@example.com","plan":"pro","$name":"Some One"}`)},
									{Op: event.OpAdd, Value: []byte(`{"logins":1}`)},
								}}
						}
						if err := s.UpdateProfiles(context.Background(), ups); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N*50)/time.Since(start).Seconds(), "updates/s")
		})
	}
}
