package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkLinkFileCost measures what link files add to writing sealed
// files: over every sealed file of the benchmark dataset, the time to
// write its link file from it, beside the time to write the file itself
// again (the COPY a seal, compaction or purge does), both into a
// temporary directory:
//
//	go test -run XXX -bench LinkFileCost -benchtime 3x ./internal/store/duckdb -args -query.dir /tmp/qbench
func BenchmarkLinkFileCost(b *testing.B) {
	s, _ := benchStore(b)
	defer s.Close()
	out := b.TempDir()
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	v := s.acquire()
	defer s.release(v)
	var files []string
	for p, fs := range v.parts {
		for _, f := range fs {
			if f.Schema >= idSchema {
				files = append(files, f.parquet(s.dir, p))
			}
		}
	}
	if len(files) == 0 {
		b.Fatal("no sealed file with identity columns")
	}
	var data, links time.Duration
	for b.Loop() {
		for i, f := range files {
			src := "read_parquet(" + quote(f) + ")"
			t0 := time.Now()
			if _, err := conn.ExecContext(ctx, "COPY ("+storedSelect(src, "")+" ORDER BY time) TO "+
				quote(filepath.Join(out, fmt.Sprint(i, ".parquet")))+" (FORMAT parquet, COMPRESSION "+s.compression()+")"); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := conn.ExecContext(ctx, "COPY ("+earliestLinks(linksOf("("+storedSelect(src, "")+")"))+" ORDER BY dev) TO "+
				quote(filepath.Join(out, fmt.Sprint(i, ".links.parquet")))+" (FORMAT parquet, COMPRESSION "+s.compression()+")"); err != nil {
				b.Fatal(err)
			}
			data += t1.Sub(t0)
			links += time.Since(t1)
		}
	}
	b.ReportMetric(float64(data.Milliseconds())/float64(b.N), "file-ms")
	b.ReportMetric(float64(links.Milliseconds())/float64(b.N), "links-ms")
	b.ReportMetric(float64(links)/float64(data), "links/file")
	b.ReportMetric(float64(len(files)), "files")
}
