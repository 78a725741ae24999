package advisory

import (
	"errors"
	"strconv"
	"strings"
)

// A version is compared component by component: numeric dot-separated
// parts ("2.55.1"), an optional leading "v", a pre-release suffix after "-"
// sorting before the release ("2.0.0-beta" < "2.0.0"), build metadata
// after "+" ignored.
type version struct {
	nums []int64
	pre  string
}

func parseVersion(s string) (version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	var v version
	if i := strings.IndexByte(s, '-'); i >= 0 {
		v.pre = s[i+1:]
		s = s[:i]
	}
	if s == "" {
		return v, false
	}
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n < 0 {
			return v, false
		}
		v.nums = append(v.nums, n)
	}
	return v, true
}

func (a version) cmp(b version) int {
	for i := 0; i < max(len(a.nums), len(b.nums)); i++ {
		var x, y int64
		if i < len(a.nums) {
			x = a.nums[i]
		}
		if i < len(b.nums) {
			y = b.nums[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case a.pre == b.pre:
		return 0
	case a.pre == "":
		return 1
	case b.pre == "":
		return -1
	case a.pre < b.pre:
		return -1
	}
	return 1
}

type comparator struct {
	op string // "<", "<=", ">", ">=", "="
	v  version
}

// Range is a set of versions: alternatives separated by "||", each a
// space-separated list of comparators (<, <=, >, >=, =) that must all hold,
// e.g. ">=2.0.0 <2.3.1 || 3.0.0-beta". "*" matches every version.
type Range struct {
	alts [][]comparator
	any  bool
}

var errRange = errors.New(`version range must be comparators such as ">=2.0.0 <2.3.1", alternatives joined by "||", or "*"`)

// ParseRange parses a version range.
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if s == "*" {
		return Range{any: true}, nil
	}
	if s == "" || len(s) > 200 {
		return Range{}, errRange
	}
	var r Range
	for _, alt := range strings.Split(s, "||") {
		fields := strings.Fields(alt)
		if len(fields) == 0 {
			return Range{}, errRange
		}
		var cs []comparator
		for _, f := range fields {
			op := "="
			for _, o := range []string{"<=", ">=", "<", ">", "="} {
				if strings.HasPrefix(f, o) {
					op, f = o, f[len(o):]
					break
				}
			}
			v, ok := parseVersion(f)
			if !ok {
				return Range{}, errRange
			}
			cs = append(cs, comparator{op, v})
		}
		r.alts = append(r.alts, cs)
	}
	return r, nil
}

// Match reports whether version s is in the range. A version that does not
// parse matches only "*".
func (r Range) Match(s string) bool {
	if r.any {
		return true
	}
	v, ok := parseVersion(s)
	if !ok {
		return false
	}
	for _, cs := range r.alts {
		all := true
		for _, c := range cs {
			d := v.cmp(c.v)
			var hold bool
			switch c.op {
			case "<":
				hold = d < 0
			case "<=":
				hold = d <= 0
			case ">":
				hold = d > 0
			case ">=":
				hold = d >= 0
			default:
				hold = d == 0
			}
			if !hold {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
