package clickhouse

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	c, err := ParseURL("clickhouse://10.0.0.1:8123/analytics?cluster=main&shards=10.0.0.1:8123,10.0.0.2:8123&timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	if c.Entry != "10.0.0.1:8123" || c.Database != "analytics" || c.Cluster != "main" || c.Timeout != 5*time.Second ||
		!slices.Equal(c.Shards, []string{"10.0.0.1:8123", "10.0.0.2:8123"}) {
		t.Fatalf("%+v", c)
	}
	c, err = ParseURL("clickhouse://sieve:s3cret@h:1/db?cluster=x")
	if err != nil || c.User != "sieve" || c.Password != "s3cret" || c.Entry != "h:1" {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = ParseURL("clickhouse://h:1?cluster=x")
	if err != nil || c.Database != "sieve" || len(c.Shards) != 0 {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{"http://h:1/db", "clickhouse:///db", "clickhouse://h:1/db?timeout=soon"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{`a`: `'a'`, `it's`: `'it\'s'`, `back\slash`: `'back\\slash'`, "nl\n\x00": `'nl\x0a\x00'`} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
	if strings.ContainsAny(quote("x'\\\n"), "\n") {
		t.Error("a control character left raw")
	}
}
