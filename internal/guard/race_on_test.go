//go:build race

package guard

// raceEnabled: the race detector instruments memory accesses and makes
// values escape that do not otherwise, so allocation counts mean nothing.
const raceEnabled = true
