package clickhouse

import "testing"

// TestCovered: parts made by merges and mutations of planned parts are
// covered; a part holding a block no planned part held (an insert, also
// one merged away between two reads) is not.
func TestCovered(t *testing.T) {
	id := "1-202601"
	old := "1-202601_1_5_1,1-202601_7_9_1,1-202601_10_10_0"
	for _, c := range []struct {
		names string
		want  bool
	}{
		{old, true},
		{"1-202601_1_5_1,1-202601_7_10_2", true}, // a merge
		{"1-202601_1_5_1_12,1-202601_7_9_1_12,1-202601_10_10_0_12", true},          // a mutation
		{"1-202601_1_10_2", false},                                                 // block 6 is new
		{"1-202601_1_5_1,1-202601_7_9_1,1-202601_10_10_0,1-202601_11_11_0", false}, // an insert
		{"1-202602_11_11_0", false},                                                // another partition's name
		{"1-202601_x_y_0", false},
	} {
		if got := covered(id, c.names, old); got != c.want {
			t.Errorf("covered(%q) = %v, want %v", c.names, got, c.want)
		}
	}
	if lo, hi, ok := blocks(id, "1-202601_13_23_1_40"); !ok || lo != 13 || hi != 23 {
		t.Errorf("blocks: %d %d %v", lo, hi, ok)
	}
}
