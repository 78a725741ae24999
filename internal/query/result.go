package query

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Result is the answer to a query; exactly one of its parts is set.
type Result struct {
	Trends    *TrendsResult    `json:"trends,omitempty"`
	Funnel    *FunnelResult    `json:"funnel,omitempty"`
	Retention *RetentionResult `json:"retention,omitempty"`
	Addiction *AddictionResult `json:"addiction,omitempty"`
}

// Other is the breakdown value of the tuples beyond the top N.
const Other = "$other"

// None is the breakdown value of an absent or null property.
const None = "(none)"

// TrendsResult holds one row of values per series and breakdown tuple, in
// series order, then by breakdown tuple (Other last).
type TrendsResult struct {
	Buckets []string      `json:"buckets"`
	Series  []TrendSeries `json:"series"`
}

// TrendSeries is one series (or formula) for one breakdown tuple.
type TrendSeries struct {
	Series    int       `json:"series"` // index into Query.Series; -1 for a formula
	Name      string    `json:"name"`   // A, B, ... or the formula's name
	Breakdown []string  `json:"breakdown,omitempty"`
	Values    []float64 `json:"values"`
	Previous  []float64 `json:"previous,omitempty"` // Compare: the previous period, bucket by bucket
}

// emptyNotNull makes a trend without rows answer "series": [] rather than
// null (no event matched, or a breakdown found no tuple).
func (r *TrendsResult) emptyNotNull() {
	if r != nil && r.Series == nil {
		r.Series = []TrendSeries{}
	}
}

// SeriesName is the letter of series i.
func SeriesName(i int) string { return string(rune('A' + i)) }

// SortSeries puts rows in their documented order.
func (r *TrendsResult) SortSeries() {
	slices.SortStableFunc(r.Series, func(a, b TrendSeries) int {
		if a.Series != b.Series {
			if a.Series < 0 || b.Series < 0 {
				return 0 // formulas stay after the series, in their order
			}
			return a.Series - b.Series
		}
		return CompareTuples(a.Breakdown, b.Breakdown)
	})
}

// CompareTuples orders breakdown tuples: Other after everything, else by value.
func CompareTuples(a, b []string) int {
	ao, bo := isOther(a), isOther(b)
	switch {
	case ao && !bo:
		return 1
	case bo && !ao:
		return -1
	}
	return slices.Compare(a, b)
}

func isOther(t []string) bool { return len(t) > 0 && t[0] == Other }

func tupleKey(t []string) string { return strings.Join(t, "\x00") }

func (r *TrendsResult) applyFormulas(fs []Formula) {
	if r == nil || len(fs) == 0 {
		return
	}
	n := 0
	tuples := map[string][]string{}
	var order []string
	vals := map[string]map[int][]float64{}
	for _, s := range r.Series {
		n = max(n, s.Series+1)
		k := tupleKey(s.Breakdown)
		if vals[k] == nil {
			vals[k] = map[int][]float64{}
			tuples[k] = s.Breakdown
			order = append(order, k)
		}
		vals[k][s.Series] = s.Values
	}
	for _, f := range fs {
		fn, err := ParseFormula(f.Formula, n)
		if err != nil {
			continue // Validate refused it
		}
		name := f.Name
		if name == "" {
			name = f.Formula
		}
		for _, k := range order {
			out := make([]float64, len(r.Buckets))
			in := make([]float64, n)
			for b := range out {
				for i := range in {
					in[i] = 0
					if v := vals[k][i]; v != nil {
						in[i] = v[b]
					}
				}
				out[b] = fn(in)
			}
			r.Series = append(r.Series, TrendSeries{Series: -1, Name: name, Breakdown: tuples[k], Values: out})
		}
	}
}

func (r *TrendsResult) attachPrevious(prev *TrendsResult) {
	byKey := map[string][]float64{}
	for _, s := range prev.Series {
		byKey[s.Name+"\x01"+tupleKey(s.Breakdown)] = s.Values
	}
	for i := range r.Series {
		s := &r.Series[i]
		p := make([]float64, len(s.Values))
		copy(p, byKey[s.Name+"\x01"+tupleKey(s.Breakdown)])
		s.Previous = p
	}
}

// FunnelResult is a funnel's answer: the steps over every user, per
// breakdown tuple, and conversion over time.
type FunnelResult struct {
	Steps      []FunnelStep      `json:"steps"`
	Breakdowns []FunnelBreakdown `json:"breakdowns,omitempty"`
	OverTime   []FunnelBucket    `json:"over_time"`
}

// FunnelStep is one step: users who reached it, conversion from the
// previous step and from the first, and time to convert from the previous
// step (seconds; nil for the first step or when nobody converted).
type FunnelStep struct {
	Event             string   `json:"event"`
	Count             int      `json:"count"`
	StepConversion    float64  `json:"step_conversion"`
	OverallConversion float64  `json:"overall_conversion"`
	AvgSeconds        *float64 `json:"avg_time_seconds"`
	MedianSeconds     *float64 `json:"median_time_seconds"`
	// AvgFromStartSeconds is the average time from the first step.
	AvgFromStartSeconds *float64 `json:"avg_time_from_start_seconds"`
}

// FunnelBreakdown is the funnel of the users with one breakdown tuple.
type FunnelBreakdown struct {
	Breakdown []string     `json:"breakdown"`
	Steps     []FunnelStep `json:"steps"`
}

// FunnelBucket counts users whose counted attempt started in one bucket.
type FunnelBucket struct {
	Bucket     string  `json:"bucket"`
	Entered    int     `json:"entered"`
	Converted  int     `json:"converted"`
	Conversion float64 `json:"conversion"`
}

// RetentionResult lists cohorts by bucket, then breakdown tuple.
type RetentionResult struct {
	Cohorts []Cohort `json:"cohorts"`
}

// Cohort is the users who started in one bucket (and breakdown tuple), and
// how many of them returned in each interval after it.
type Cohort struct {
	Date      string   `json:"date"`
	Breakdown []string `json:"breakdown,omitempty"`
	Size      int      `json:"size"`
	Counts    []int    `json:"counts"` // Counts[i]: returned in interval i (0: the cohort's own bucket)
}

// Bins is how a binned breakdown splits [Lo, Hi], the range of a numeric
// property over a series' events in the range: N ranges of width
// (Hi-Lo)/N; x falls in range min(floor((x-Lo)/width), N-1), or in 0 when
// Lo == Hi. Events without a numeric value get None.
type Bins struct {
	Lo, Hi float64
	N      int
}

// Index is the range of x.
func (b Bins) Index(x float64) int {
	w := (b.Hi - b.Lo) / float64(b.N)
	if w == 0 {
		return 0
	}
	// Values outside [Lo, Hi] (rows a rolling window reads before the
	// range, from which Lo and Hi were taken) fall in the nearest range.
	return max(0, min(int(math.Floor((x-b.Lo)/w)), b.N-1))
}

// binBound is a range's bound as a label shows it: rounded to 12
// significant digits (no "26.099999999999998" from the width's sums), in
// its shortest form.
func binBound(x float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if err != nil {
		r = x
	}
	return strconv.FormatFloat(r, 'g', -1, 64)
}

// Labels are the ranges' breakdown values, "lo - hi".
func (b Bins) Labels() []string {
	w := (b.Hi - b.Lo) / float64(b.N)
	n := b.N
	if w == 0 {
		n = 1
	}
	out := make([]string, n)
	for i := range out {
		hi := b.Lo + float64(i+1)*w
		if i == n-1 {
			hi = b.Hi
		}
		out[i] = binBound(b.Lo+float64(i)*w) + " - " + binBound(hi)
	}
	return out
}

// FunnelSteps turns per-step user counts and conversion times (ms, per
// converting user: from the previous step, and from the first) into steps.
func FunnelSteps(q *Query, counts []int, times, fromStart [][]int64) []FunnelStep {
	steps := make([]FunnelStep, len(q.Series))
	for i := range steps {
		s := &steps[i]
		s.Event = q.Series[i].Event
		s.Count = counts[i]
		if i == 0 {
			if counts[0] > 0 {
				s.StepConversion, s.OverallConversion = 1, 1
			}
			continue
		}
		if counts[i-1] > 0 {
			s.StepConversion = float64(counts[i]) / float64(counts[i-1])
		}
		if counts[0] > 0 {
			s.OverallConversion = float64(counts[i]) / float64(counts[0])
		}
		if ts := times[i]; len(ts) > 0 {
			sum := 0.0
			for _, t := range ts {
				sum += float64(t)
			}
			avg := sum / float64(len(ts)) / 1000
			sorted := slices.Clone(ts)
			slices.Sort(sorted)
			m := len(sorted) / 2
			med := float64(sorted[m]) / 1000
			if len(sorted)%2 == 0 {
				med = float64(sorted[m-1]+sorted[m]) / 2000
			}
			s.AvgSeconds, s.MedianSeconds = &avg, &med
			sum = 0
			for _, t := range fromStart[i] {
				sum += float64(t)
			}
			fromAvg := sum / float64(len(fromStart[i])) / 1000
			s.AvgFromStartSeconds = &fromAvg
		}
	}
	return steps
}
