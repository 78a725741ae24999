package query

import "time"

// Addiction is the kind of a frequency ("addiction") query: per period of
// Query.Interval (day, week or month), how many users did the event of
// Series[0] in at least k distinct units (Addiction.Unit: local clock
// hours or local days) of that period, for k = 1, 2, ... Only events in
// the query range count; periods at the range's edges may be partial.
const Addiction Kind = "addiction"

// AddictionOptions shape an addiction query.
type AddictionOptions struct {
	// Unit is what is counted distinct within a period: hour (a local
	// clock hour: the repeated hour of a DST change is one) or day (a
	// local calendar day); it must be shorter than the period.
	Unit Interval `json:"unit"`
}

// AddictionResult lists the periods of the range in order; with a
// breakdown, one entry per period and tuple with users, by tuple within a
// period (a user's units are counted per tuple, over the events that have
// it).
type AddictionResult struct {
	Periods []AddictionPeriod `json:"periods"`
}

// AddictionPeriod is one period: Counts[k] is the number of users who did
// the event in at least k+1 distinct units of it. len(Counts) is the
// number of units the period has (hours: 24 per day).
type AddictionPeriod struct {
	Date      string   `json:"date"`
	Breakdown []string `json:"breakdown,omitempty"`
	Counts    []int    `json:"counts"`
}

func (q *Query) validateAddiction() error {
	if len(q.Series) != 1 {
		return fieldErr("series", "addiction takes one series: the event")
	}
	if q.Series[0].Math != "" || q.Series[0].Property != "" {
		return fieldErr("series[0].math", "addiction takes no math")
	}
	if err := checkFilter("series[0].filter", q.Series[0].Filter); err != nil {
		return err
	}
	if q.Addiction == nil {
		return fieldErr("addiction", "required: the unit (hour or day)")
	}
	switch {
	case q.Interval == Hour:
		return fieldErr("interval", "addiction needs day, week or month")
	case q.Addiction.Unit != Hour && q.Addiction.Unit != Day:
		return fieldErr("addiction.unit", "must be hour or day")
	case q.Addiction.Unit == Day && q.Interval == Day:
		return fieldErr("addiction.unit", "must be shorter than the interval")
	}
	return nil
}

// AddictionUnits is how many units of unit (hour or day) the period of
// interval iv starting on local date key (yyyy-mm-dd) has: 24 per day for
// hours.
func AddictionUnits(iv, unit Interval, key string) int {
	d, _ := time.Parse(time.DateOnly, key)
	days := int(nextDate(d, iv).Sub(d).Hours()+12) / 24
	if unit == Hour {
		return 24 * days
	}
	return days
}

// AddictionCounts turns users by number of distinct units (hist[n] users
// did it in exactly n units) into a period's Counts of length units.
func AddictionCounts(hist map[int]int, units int) []int {
	c := make([]int, units)
	for n, users := range hist {
		for k := 0; k < min(n, units); k++ {
			c[k] += users
		}
	}
	return c
}
