package mixpanel

import (
	"strings"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// Names, keys and ids are at most MaxNameBytes: one byte more is an error
// of the record, naming the field, and the message never quotes the name.
func TestNameLimits(t *testing.T) {
	ok, long := strings.Repeat("n", MaxNameBytes), strings.Repeat("L", MaxNameBytes+1)
	ev := func(name, did, key, nested string) string {
		return `{"event":"` + name + `","properties":{"token":"t","distinct_id":"` + did + `","` + key + `":{"` + nested + `":1}}}`
	}
	events := []struct {
		js, field string
	}{
		{ev(ok, ok, ok, ok), ""},
		{ev(long, "u", "k", "n"), "event"},
		{ev("e", long, "k", "n"), "properties.distinct_id"},
		{ev("e", "u", long, "n"), "properties"},
		{ev("e", "u", "k", long), "properties"},
	}
	for _, c := range events {
		var p fastjson.Parser
		_, _, _, rerr := DecodeEvent(parseOne(t, &p, c.js), Options{Endpoint: Track, Now: testNow})
		checkNameErr(t, c.js, rerr, c.field)
	}
	grp := func(key, id, prop string) string {
		return `{"$token":"t","$group_key":"` + key + `","$group_id":"` + id + `","$set":{"` + prop + `":1},"$unset":["` + prop + `"]}`
	}
	groups := []struct{ js, field string }{
		{grp(ok, ok, ok), ""},
		{grp(long, "g", "p"), "$group_key"},
		{grp("k", long, "p"), "$group_id"},
		{grp("k", "g", long), "$set"},
		{`{"$token":"t","$distinct_id":"` + long + `","$set":{"a":1}}`, "$distinct_id"},
		{`{"$token":"t","$distinct_id":"u","$unset":["` + long + `"]}`, "$unset"},
	}
	for _, c := range groups {
		var p fastjson.Parser
		kind := event.Group
		if strings.Contains(c.js, "$distinct_id") {
			kind = event.People
		}
		_, _, rerr := DecodeProfile(parseOne(t, &p, c.js), kind, Options{Endpoint: Groups, Now: testNow})
		checkNameErr(t, c.js, rerr, c.field)
	}
}

func checkNameErr(t *testing.T, js string, rerr *RecordError, field string) {
	t.Helper()
	if field == "" {
		if rerr != nil {
			t.Errorf("%.80s...: %v", js, rerr)
		}
		return
	}
	if rerr == nil || rerr.Field != field || !strings.Contains(rerr.Message, "255 bytes") {
		t.Errorf("%.80s...: error %+v, want one on %s naming the limit", js, rerr, field)
		return
	}
	if strings.Contains(rerr.Message, "LLLL") {
		t.Errorf("the message quotes the name: %s", rerr.Message)
	}
}
