package guard

import (
	"runtime"
	"testing"
	"time"
)

// cpuTimer reports a benchmark's speed in CPU time of its locked thread
// ("cpu-MB/s"): on a shared machine, wall-clock time also counts the time
// other processes hold the core.
type cpuTimer struct{ start time.Duration }

func startCPU(b *testing.B) *cpuTimer {
	runtime.LockOSThread()
	b.ResetTimer()
	return &cpuTimer{start: threadCPU()}
}

func (c *cpuTimer) stop(b *testing.B, bytesPerOp int64) {
	used := threadCPU() - c.start
	runtime.UnlockOSThread()
	if used > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/used.Seconds()/1e6, "cpu-MB/s")
	}
}
