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

// recorder, when SIEVE_CH_DIALECT_OUT is set, puts a proxy in front of
// every server a test store talks to and records each distinct statement;
// TestMain writes them, with the schema, to that file (JSON lines) for
// scripts/chdb/dialect.mjs to replay on a current ClickHouse engine
// (make clickhouse-test, then make clickhouse-dialect).
var recorder struct {
	mu      sync.Mutex
	out     string
	proxies map[string]*httptest.Server // target base URL -> proxy
	seen    map[string]dialectStatement
}

// record routes s's requests through recording proxies.
func record(s *Store) {
	if recorder.out == "" {
		return
	}
	for _, n := range append([]*node{s.q}, s.nodes...) {
		n.base = recordingProxy(n.base)
	}
}

func recordingProxy(base string) string {
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	if p, ok := recorder.proxies[base]; ok {
		return p.URL + "/"
	}
	for _, p := range recorder.proxies {
		if p.URL+"/" == base {
			return base // already a proxy
		}
	}
	target, _ := url.Parse(base)
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
		recorder.mu.Lock()
		recorder.seen[st.Query] = st
		recorder.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	recorder.proxies[base] = srv
	return srv.URL + "/"
}

func TestMain(m *testing.M) {
	recorder.out = os.Getenv("SIEVE_CH_DIALECT_OUT")
	recorder.proxies, recorder.seen = map[string]*httptest.Server{}, map[string]dialectStatement{}
	code := m.Run()
	for _, p := range recorder.proxies {
		p.Close()
	}
	if recorder.out != "" && len(recorder.seen) > 0 {
		b, _ := json.Marshal(dialectStatement{Kind: "ddl", Query: fmt.Sprintf(versionTable, "sieve")})
		lines := []string{string(b)}
		for _, m := range migrations {
			for _, stmt := range m {
				b, _ := json.Marshal(dialectStatement{Kind: "ddl", Query: fmt.Sprintf(stmt, "sieve", "sieve")})
				lines = append(lines, string(b))
			}
		}
		var stmts []string
		for _, st := range recorder.seen {
			if strings.HasPrefix(st.Query, "CREATE ") || strings.HasPrefix(st.Query, "DROP ") {
				continue // the schema is replayed from migrations; DDL of tests is not Sieve's
			}
			b, _ := json.Marshal(st)
			stmts = append(stmts, string(b))
		}
		slices.Sort(stmts)
		lines = append(lines, stmts...)
		if err := os.WriteFile(recorder.out, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		} else {
			fmt.Printf("%d statements written to %s\n", len(lines), recorder.out)
		}
	}
	os.Exit(code)
}
