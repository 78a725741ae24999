// Package eventgen makes the synthetic event datasets of Sieve's query
// benchmarks: users of 100 events in sessions over 30 days from
// 2026-01-05, about 40 properties an event (~1 KB of JSON), a third of the
// users signing up (Viewed signup, Signed up, $identify, sometimes
// Completed onboarding) and sending $user_id with $device_id from then on.
// The DuckDB store's query benchmark and `sieve bench query` both load
// their rows from here, so the numbers of both are about the same kind of
// data.
//
// The same Config gives the same rows, byte for byte, on every run: one
// PCG stream seeded (1, 2) draws every random choice in user order, as
// the first versions of both benchmarks did (their digests are checked in
// the tests). Generating is cheap (the JSON is written by hand in the
// order encoding/json gives a map's keys, without maps or reflection),
// so that loading, not generating, is what a 10M-event benchmark waits
// for.
//
// It imports only package event and the standard library.
package eventgen

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sieve-analytics/sieve/internal/event"
)

// Start is the first day of the datasets (UTC); their events fall in the
// 30 days from it, the few onboarding steps up to 3 days later.
var Start = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// StoreNames are the event names of the DuckDB store's query benchmark
// (BenchmarkQuery): a session's first event is "Page viewed", the others
// are drawn from these.
var StoreNames = []string{"Page viewed", "Clicked button", "Searched", "Added to cart", "Removed from cart", "Viewed product",
	"Shared", "Commented", "Liked", "Opened app", "Closed app", "Played video", "Paused video", "Downloaded file",
	"Changed settings", "Invited friend", "Viewed pricing"}

// BackendNames are the event names of `sieve bench query` (fewer, so that
// a funnel to "Purchased" has many conversions).
var BackendNames = []string{"Page viewed", "Page viewed", "Page viewed", "Clicked", "Searched", "Added to cart", "Purchased"}

// Config says which dataset to make.
type Config struct {
	// Events is how many events to make.
	Events int
	// Names are the event names drawn for a session's events after its
	// first (StoreNames or BackendNames).
	Names []string
	// Exact stops at exactly Events events, in the middle of a session if
	// need be, with as many users as that takes (`sieve bench query`).
	// Without it, at most Events/100 users (at least one) are made and the
	// last session started before Events is reached is finished, so a few
	// more events may come out (the DuckDB store's benchmark).
	Exact bool
	// Batch is the most rows one call of emit gets (default 20,000).
	Batch int
}

// The values drawn from.
var (
	browsers  = []string{"Chrome", "Safari", "Firefox", "Edge", "Opera", "Samsung Internet"}
	countries = []string{"US", "FR", "DE", "GB", "IN", "BR", "JP", "CA", "ES", "IT"}
	sources   = []string{"google", "twitter", "newsletter", "direct", "facebook"}
	plans     = []string{"free", "pro", "team"}
)

// baseProps are the property names every non-$identify event has (the
// p00..p24 ones are added in init); userProps those of an identified
// user's events; identifyProps those of $identify.
var (
	baseProps     = []string{"$browser", "$os", "$country_code", "$city", "$current_url", "$referrer", "utm_source", "utm_medium", "utm_campaign", "$screen_width", "$screen_height", "mp_lib", "$lib_version", "amount", "plan"}
	userProps     = []string{"$device_id", "$user_id"}
	identifyProps = []string{"$anon_distinct_id", "$identified_id"}
)

func init() {
	for p := range 25 {
		baseProps = append(baseProps, "p"+strconv.Itoa(p/10)+strconv.Itoa(p%10))
	}
}

// draft is one event's random choices, before its JSON is written.
type draft struct {
	name                      string
	at                        int64 // Unix ms
	user                      int   // the user's number
	seq                       int   // the event's number in the dataset
	identified                bool  // DistinctID is the user id (and props carry $device_id, $user_id)
	identify                  bool  // a $identify event
	browser, country          int8
	url, referrer, utm, plan  int8
	amount                    int16
	digits                    [25]int8
	deviceQ, userQ, distinctQ string // JSON-quoted ids, shared per user
}

// Generate makes c's dataset and hands it to emit in order, in batches of
// at most c.Batch rows. emit may keep the rows (each batch is new memory).
// It returns the property names the rows hold, as a project's lexicon
// would after ingesting them, and emit's first error.
func Generate(c Config, emit func([]event.Row) error) (map[string]bool, error) {
	batch := c.Batch
	if batch <= 0 {
		batch = 20_000
	}
	var (
		rows        []event.Row
		arena       []byte
		err         error
		sawUser     bool
		sawIdentify bool
		sawEvent    bool
	)
	flush := func() {
		if len(rows) > 0 && err == nil {
			err = emit(rows)
		}
		rows, arena = nil, nil
	}
	out := func(d *draft) {
		if rows == nil {
			rows = make([]event.Row, 0, min(batch, max(c.Events, 1)))
			arena = make([]byte, 0, cap(rows)*1100)
		}
		if len(arena)+2048 > cap(arena) {
			arena = make([]byte, 0, max(cap(arena), 1<<20))
		}
		start := len(arena)
		if d.identify {
			sawIdentify = true
			arena = append(arena, `{"$anon_distinct_id":`...)
			arena = append(arena, d.deviceQ...)
			arena = append(arena, `,"$identified_id":`...)
			arena = append(arena, d.userQ...)
			arena = append(arena, '}')
		} else {
			sawEvent = true
			sawUser = sawUser || d.identified
			arena = d.props(arena)
		}
		props := arena[start:len(arena):len(arena)]
		id := d.deviceQ
		if d.identified {
			id = d.userQ
		}
		rows = append(rows, event.Row{ProjectID: 1, Time: d.at, Name: d.name, DistinctID: unquote(id),
			InsertID: strconv.Itoa(d.user) + "-" + strconv.Itoa(d.seq), Props: props})
		if len(rows) == batch {
			flush()
		}
	}
	walk(c, out, func() bool { return err != nil })
	flush()
	known := map[string]bool{}
	add := func(names []string) {
		for _, n := range names {
			known[n] = true
		}
	}
	if sawEvent {
		add(baseProps)
	}
	if sawUser {
		add(userProps)
	}
	if sawIdentify {
		add(identifyProps)
	}
	return known, err
}

// walk draws the dataset's events in order and hands each to out; it
// stops early when stop says so.
func walk(c Config, out func(*draft), stop func() bool) {
	r := rand.New(rand.NewPCG(1, 2))
	users := max(c.Events/100, 1)
	count := 0
	var d draft
	for u := 0; count < c.Events && (c.Exact || u < users) && !stop(); u++ {
		dev, user := "dev-"+pad7(u), "user-"+pad7(u)
		deviceQ, userQ := quote(dev), quote(user)
		signs, signedUp := r.IntN(3) == 0, false
		browser, country := int8(r.IntN(len(browsers))), int8(r.IntN(len(countries)))
		for left := 100; left > 0 && count < c.Events; {
			t := Start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
			k := min(left, 5+r.IntN(20))
			for i := range k {
				name := c.Names[r.IntN(len(c.Names))]
				if i == 0 {
					name = "Page viewed"
				}
				if signs && !signedUp && i == 2 {
					name = "Viewed signup"
				}
				d = draft{user: u, browser: browser, country: country, deviceQ: deviceQ, userQ: userQ}
				d.url = int8(r.IntN(50))
				d.referrer = int8(r.IntN(5))
				d.utm = int8(r.IntN(5))
				d.amount = int16(r.IntN(200))
				d.plan = int8(r.IntN(3))
				for p := range d.digits {
					d.digits[p] = int8(r.IntN(10))
				}
				d.identified = signedUp
				emit := func(name string, at time.Time) {
					if c.Exact && count >= c.Events {
						return
					}
					e := d
					e.name, e.at, e.seq = name, at.UnixMilli(), count
					out(&e)
					count++
				}
				emit(name, t)
				t = t.Add(time.Duration(5+r.IntN(120)) * time.Second)
				if signs && !signedUp && i == 3 {
					emit("Signed up", t)
					d.identify = true
					emit("$identify", t)
					d.identify = false
					signedUp = true
					if r.IntN(2) == 0 {
						t = t.Add(time.Duration(r.IntN(3*24)) * time.Hour)
						emit("Completed onboarding", t)
					}
				}
			}
			left -= k
		}
	}
}

// props appends d's properties as JSON, keys in the order encoding/json
// writes a map's (sorted), the same bytes json.Marshal gives the map the
// first versions of the benchmarks built.
func (d *draft) props(b []byte) []byte {
	b = append(b, `{"$browser":`...)
	b = append(b, browsersQ[d.browser]...)
	b = append(b, `,"$city":`...)
	b = append(b, citiesQ[d.country]...)
	b = append(b, `,"$country_code":`...)
	b = append(b, countriesQ[d.country]...)
	b = append(b, `,"$current_url":`...)
	b = append(b, urlsQ[d.url]...)
	if d.identified {
		b = append(b, `,"$device_id":`...)
		b = append(b, d.deviceQ...)
	}
	b = append(b, `,"$lib_version":"2.55.0","$os":"Mac OS X","$referrer":`...)
	b = append(b, referrersQ[d.referrer]...)
	b = append(b, `,"$screen_height":900,"$screen_width":1440`...)
	if d.identified {
		b = append(b, `,"$user_id":`...)
		b = append(b, d.userQ...)
	}
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, int64(d.amount), 10)
	b = append(b, `,"mp_lib":"web"`...)
	for p, v := range d.digits {
		b = append(b, ',', '"', 'p', byte('0'+p/10), byte('0'+p%10), '"', ':', byte('0'+v))
	}
	b = append(b, `,"plan":`...)
	b = append(b, plansQ[d.plan]...)
	b = append(b, `,"utm_campaign":"spring","utm_medium":"cpc","utm_source":`...)
	b = append(b, sourcesQ[d.utm]...)
	return append(b, '}')
}

// The values as JSON strings, written once.
var browsersQ, citiesQ, countriesQ, urlsQ, referrersQ, sourcesQ, plansQ []string

func init() {
	for _, b := range browsers {
		browsersQ = append(browsersQ, quote(b))
	}
	for _, c := range countries {
		countriesQ = append(countriesQ, quote(c))
		citiesQ = append(citiesQ, quote("City "+c))
	}
	for i := range 50 {
		urlsQ = append(urlsQ, quote("https://example.com/p/"+strconv.Itoa(i)))
	}
	for _, s := range sources {
		referrersQ = append(referrersQ, quote("https://"+s+".com/"))
		sourcesQ = append(sourcesQ, quote(s))
	}
	for _, p := range plans {
		plansQ = append(plansQ, quote(p))
	}
}

// quote is s as encoding/json writes it.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// unquote is the string quote(s) was made from (ids are plain ASCII, so
// their quoted form is s between quotes).
func unquote(q string) string { return q[1 : len(q)-1] }

// pad7 is fmt.Sprintf("%07d", u) for u >= 0.
func pad7(u int) string {
	s := strconv.Itoa(u)
	for len(s) < 7 {
		s = "0" + s
	}
	return s
}
