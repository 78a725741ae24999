package clickhouse

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sieve-analytics/sieve/internal/store"
	"github.com/sieve-analytics/sieve/internal/store/storetest"
)

// dialectStatement is one statement shape the backend sent: the schema
// (DDL), or a statement with its URL settings and external tables.
type dialectStatement struct {
	Kind     string            `json:"kind"` // "ddl" or "stmt"
	Query    string            `json:"query"`
	Settings map[string]string `json:"settings,omitempty"`
	Ext      map[string]string `json:"ext,omitempty"` // external table name -> structure
}

var testDB = regexp.MustCompile(`\bt_[0-9a-f]{16}\b`)

// runRecordingDialect runs the conformance suite through a proxy in front
// of the entry server that records every statement, and writes the
// distinct ones, with the schema, to out (JSON lines), for
// scripts/chdb/dialect.mjs to replay on a current ClickHouse engine
// (make clickhouse-test sets SIEVE_CH_DIALECT_OUT).
func runRecordingDialect(t *testing.T, out string) {
	cfg := testConfig(t)
	target, err := url.Parse("http://" + cfg.Entry)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]dialectStatement{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		st := dialectStatement{Kind: "stmt", Query: testDB.ReplaceAllString(q.Get("query"), "sieve"), Settings: map[string]string{}, Ext: map[string]string{}}
		for k := range q {
			switch {
			case k == "query":
			case strings.HasSuffix(k, "_structure"):
				st.Ext[strings.TrimSuffix(k, "_structure")] = q.Get(k)
			case strings.HasSuffix(k, "_format"):
			default:
				st.Settings[k] = q.Get(k)
			}
		}
		mu.Lock()
		seen[st.Query] = st
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		s := openDir(t, dir)
		s.q.base = srv.URL + "/"
		return s
	})
	var lines []string
	for _, m := range migrations {
		for _, stmt := range m {
			b, _ := json.Marshal(dialectStatement{Kind: "ddl", Query: fmt.Sprintf(stmt, "sieve", "sieve")})
			lines = append(lines, string(b))
		}
	}
	var stmts []string
	for _, st := range seen {
		b, _ := json.Marshal(st)
		stmts = append(stmts, string(b))
	}
	slices.Sort(stmts)
	lines = append(lines, stmts...)
	if err := os.WriteFile(out, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d statements written to %s", len(lines), out)
}
