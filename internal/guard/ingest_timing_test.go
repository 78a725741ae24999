package guard

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// ingestEvent mirrors the shape of the events `sieve bench ingest` sends
// (internal/bench's sampleEvent, copied here so that guard does not import
// bench): a mixpanel-browser event of ~650 bytes with UTM parameters, a
// referrer with a search query, browser fields, a nested object, an array
// and a search phrase.
func ingestEvent(r *rand.Rand, i int, now time.Time) map[string]any {
	names := []string{"Page View", "Sign Up", "Add To Cart", "Checkout", "Search", "$mp_web_page_view"}
	return map[string]any{
		"event": names[r.IntN(len(names))],
		"properties": map[string]any{
			"token":             testToken,
			"time":              now.Add(-time.Duration(r.IntN(3600)) * time.Second).UnixMilli(),
			"distinct_id":       "$device:" + strconv.FormatUint(r.Uint64(), 36),
			"$insert_id":        strconv.FormatUint(r.Uint64(), 36) + strconv.Itoa(i),
			"$os":               "Mac OS X",
			"$browser":          "Chrome",
			"$browser_version":  131,
			"$current_url":      "https://shop.example.com/products/" + strconv.Itoa(r.IntN(5000)) + "?utm_source=newsletter&utm_campaign=winter",
			"$referrer":         "https://www.example.org/search?q=running+shoes",
			"$referring_domain": "www.example.org",
			"$screen_height":    1080,
			"$screen_width":     1920,
			"mp_lib":            "web",
			"$lib_version":      "2.83.0",
			"plan":              "pro",
			"cart_value":        float64(r.IntN(50000)) / 100,
			"items":             []any{"sku-" + strconv.Itoa(r.IntN(900)), "sku-" + strconv.Itoa(r.IntN(900))},
			"experiment":        map[string]any{"id": r.IntN(40), "variant": "B"},
			"search_terms":      "trail running shoes size 44",
		},
	}
}

// ingestBatch is what the guard sees of n ingest-bench events: the name,
// the distinct_id and the properties without the keys the decoder lifts
// (token, time, distinct_id, $insert_id). size is the events' JSON size.
func ingestBatch(tb testing.TB, n int) (evs []event.Event, size int64) {
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Unix(1_780_000_000, 0)
	parsers := make([]fastjson.Parser, n)
	for i := range n {
		m := ingestEvent(r, i, now)
		b, err := json.Marshal(m)
		if err != nil {
			tb.Fatal(err)
		}
		size += int64(len(b))
		v, err := parsers[i].ParseBytes(b)
		if err != nil {
			tb.Fatal(err)
		}
		props := v.Get("properties")
		id := string(props.GetStringBytes("distinct_id"))
		for _, k := range []string{"token", "time", "distinct_id", "$insert_id"} {
			props.Del(k)
		}
		evs = append(evs, event.Event{ProjectID: 1, Name: string(v.GetStringBytes("event")), DistinctID: id,
			Lib: "web", LibVersion: "2.83.0", Props: props})
	}
	return evs, size
}

// BenchmarkGuardIngestEvent: the guard alone on the events of
// `sieve bench ingest` (clean, so the trees are reused unchanged).
// Reports ns/event next to MB/s of event JSON.
func BenchmarkGuardIngestEvent(b *testing.B) {
	defer noMemo()()
	evs, size := ingestBatch(b, 64)
	c := mustChecker(b, DefaultPolicy())
	var a fastjson.Arena
	var dst []event.Finding
	b.SetBytes(size)
	b.ReportAllocs()
	cpu := startCPU(b)
	for range b.N {
		for i := range evs {
			ev := evs[i]
			dst, _ = c.Event(&ev, &a, dst[:0])
			if len(dst) != 0 {
				b.Fatalf("clean event produced %d findings (first at %s)", len(dst), dst[0].Path)
			}
		}
	}
	cpu.stop(b, size)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(evs)), "ns/event")
}

// streamEvents is 200,000 different events of the ingest bench's shape as
// stored: name, distinct_id and properties as JSON text.
func streamEvents() (raws [][]byte, names, ids []string, size int64) {
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Unix(1_780_000_000, 0)
	raws = make([][]byte, 200_000)
	names = make([]string, len(raws))
	ids = make([]string, len(raws))
	for i := range raws {
		m := ingestEvent(r, i, now)
		props := m["properties"].(map[string]any)
		names[i], ids[i] = m["event"].(string), props["distinct_id"].(string)
		for _, k := range []string{"token", "time", "distinct_id", "$insert_id"} {
			delete(props, k)
		}
		raws[i], _ = json.Marshal(props)
		size += int64(len(raws[i]))
	}
	return raws, names, ids, size
}

// BenchmarkStream guards 200,000 different stored events of the ingest
// bench's shape, one after another, as a rescan does: the values that differ
// per event (page URLs of 5,000 products, SKUs, distinct_ids) are not all
// remembered from earlier rounds. ParseEvent parses each and runs Event;
// Scan runs Checker.Scan on the text.
func BenchmarkStream(b *testing.B) {
	raws, names, ids, size := streamEvents()
	c := mustChecker(b, DefaultPolicy())
	run := func(b *testing.B, guard func(k int) ([]event.Finding, error)) {
		b.SetBytes(size / int64(len(raws)))
		b.ReportAllocs()
		for i := range b.N {
			if fs, err := guard(i % len(raws)); err != nil || len(fs) != 0 {
				b.Fatalf("clean event: %v, %+v", err, fs)
			}
		}
	}
	var p fastjson.Parser
	var a fastjson.Arena
	var dst []event.Finding
	b.Run("ParseEvent", func(b *testing.B) {
		run(b, func(k int) ([]event.Finding, error) {
			v, err := p.ParseBytes(raws[k])
			if err != nil {
				return nil, err
			}
			ev := event.Event{ProjectID: 1, Name: names[k], DistinctID: ids[k], Lib: "web", LibVersion: "2.83.0", Props: v}
			dst, _ = c.Event(&ev, &a, dst[:0])
			return dst, nil
		})
	})
	b.Run("Scan", func(b *testing.B) {
		run(b, func(k int) ([]event.Finding, error) {
			var err error
			dst, err = c.Scan(1, names[k], ids[k], b2s(raws[k]), dst[:0])
			return dst, err
		})
	})
}
