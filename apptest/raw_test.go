package apptest

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// TestRawEncodings sends one event per wire variant over raw HTTP, checks
// each reply byte for byte, then checks every event in the export.
func TestRawEncodings(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("raw")
	now := time.Now().Unix()
	type sentEv struct {
		name  string
		props map[string]any
	}
	var sent []sentEv
	ev := func(variant string) (map[string]any, []byte) {
		props := map[string]any{
			"token": p.Token, "distinct_id": "raw-" + variant, "time": now, "$insert_id": "raw-" + variant,
			"variant": variant, "plus": ">>>??? a>>>??? aa>>>???", "text": "a+b c&d=e%f", "emoji": "😀", "n": 1.5,
		}
		sent = append(sent, sentEv{"Raw " + variant, props})
		b, _ := json.Marshal(map[string]any{"event": "Raw " + variant, "properties": props})
		return props, b
	}
	type tc struct {
		name, method, path, ctype, cenc string
		body                            []byte
		wantStatus                      int
		wantCType, wantBody             string
	}
	var cases []tc
	add := func(c tc) { cases = append(cases, c) }

	_, j := ev("get-base64")
	var props map[string]any
	add(tc{"GET data=base64", "GET", "/track?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(j)), "", "", nil, 200, "text/plain", "1"})
	_, j = ev("get-json")
	add(tc{"GET data=URL-encoded JSON", "GET", "/track/?data=" + url.QueryEscape(string(j)), "", "", nil, 200, "text/plain", "1"})
	_, j = ev("form-b64-encoded")
	add(tc{"form data=URL-encoded base64", "POST", "/track/?ip=1&_=123", "application/x-www-form-urlencoded", "", []byte("data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(j))), 200, "text/plain", "1"})
	props, j = ev("form-b64-raw")
	b64 := base64.StdEncoding.EncodeToString(j)
	// Grow a property until the base64 holds a '+', which form decoding turns into a space.
	for i := 0; !strings.Contains(b64, "+"); i++ {
		if i > 200 {
			t.Fatal("could not make a base64 payload with '+'")
		}
		props["pad"] = strings.Repeat("x", i%3) + strings.Repeat("ÿ~", 1+i/3)
		j, _ = json.Marshal(map[string]any{"event": "Raw form-b64-raw", "properties": props})
		b64 = base64.StdEncoding.EncodeToString(j)
	}
	add(tc{"form data=base64 not URL-encoded", "POST", "/track", "application/x-www-form-urlencoded", "", []byte("data=" + b64), 200, "text/plain", "1"})
	_, j = ev("python-form")
	add(tc{"mixpanel-python form with verbose in the body", "POST", "/track", "application/x-www-form-urlencoded", "", []byte("data=" + url.QueryEscape(string(j)) + "&verbose=1&ip=0"), 200, "application/json", `{"status":1,"error":null}`})
	_, j = ev("python-import")
	add(tc{"mixpanel-python /import form, verbose in the body", "POST", "/import", "application/x-www-form-urlencoded", "", []byte("data=" + url.QueryEscape("["+string(j)+"]") + "&verbose=1&ip=0&api_key=x"), 200, "application/json", `{"status":1,"error":null}`})
	_, j = ev("beacon")
	add(tc{"beacon text/plain", "POST", "/track/", "text/plain;charset=UTF-8", "", []byte("data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(j))), 200, "text/plain", "1"})
	_, j = ev("json-object")
	add(tc{"JSON object", "POST", "/track", "application/json", "", j, 200, "text/plain", "1"})
	_, j = ev("json-array")
	add(tc{"JSON array, verbose", "POST", "/track?verbose=1", "application/json", "", []byte("[" + string(j) + "]"), 200, "application/json", `{"status":1,"error":null}`})
	_, j = ev("gzip-header")
	add(tc{"gzip by header", "POST", "/track", "application/json", "gzip", gz([]byte("[" + string(j) + "]")), 200, "text/plain", "1"})
	_, j = ev("gzip-magic")
	add(tc{"gzip by magic bytes", "POST", "/track", "text/plain", "", gz([]byte("[" + string(j) + "]")), 200, "text/plain", "1"})
	_, j = ev("img")
	add(tc{"img=1", "GET", "/track?img=1&data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(j)), "", "", nil, 200, "image/gif", ""})
	_, j = ev("callback")
	add(tc{"callback", "GET", "/track?callback=mp.cb_1&data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(j)), "", "", nil, 200, "text/javascript", "mp.cb_1(1)"})
	_, j = ev("import-ndjson")
	add(tc{"import NDJSON strict", "POST", "/import?strict=1", "application/x-ndjson", "", append(j, '\n'), 200, "application/json", `{"code":200,"num_records_imported":1,"status":"OK"}`})

	// CESU-8: mixpanel-browser sends U+1F600 as two 3-byte surrogate halves.
	cesu := []byte{0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}
	cesuEvent := []byte(`{"event":"Raw cesu","properties":{"token":"` + p.Token + `","distinct_id":"raw-cesu","time":` + fmt.Sprint(now) + `,"$insert_id":"raw-cesu","emoji":"` + string(cesu) + `"}}`)
	sent = append(sent, sentEv{"Raw cesu", map[string]any{"token": p.Token, "distinct_id": "raw-cesu", "time": now, "$insert_id": "raw-cesu", "emoji": "😀"}})
	add(tc{"CESU-8 surrogates", "POST", "/track", "application/json", "", cesuEvent, 200, "text/plain", "1"})

	for _, c := range cases {
		h := http.Header{}
		if c.ctype != "" {
			h.Set("Content-Type", c.ctype)
		}
		if c.cenc != "" {
			h.Set("Content-Encoding", c.cenc)
		}
		if strings.HasPrefix(c.path, "/import") {
			h.Set("Authorization", basic(p.APISecret, "").Get("Authorization"))
		}
		req, _ := http.NewRequest(c.method, s.Base+c.path, bytes.NewReader(c.body))
		req.Header = h
		resp, err := s.client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var rb bytes.Buffer
		rb.ReadFrom(resp.Body)
		resp.Body.Close()
		ct := resp.Header.Get("Content-Type")
		if resp.StatusCode != c.wantStatus || !strings.HasPrefix(ct, c.wantCType) || (c.wantBody != "" && rb.String() != c.wantBody) {
			t.Errorf("%s: got %d %s %q, want %d %s %q", c.name, resp.StatusCode, ct, rb.String(), c.wantStatus, c.wantCType, c.wantBody)
		}
		if c.wantCType == "image/gif" && !bytes.HasPrefix(rb.Bytes(), []byte("GIF8")) {
			t.Errorf("%s: body is not a GIF", c.name)
		}
	}

	// CORS preflight and credentials, as mixpanel-browser needs.
	req, _ := http.NewRequest("OPTIONS", s.Base+"/track/", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := s.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS preflight: %d %v", resp.StatusCode, resp.Header)
	}

	ex := byInsertID(t, s.export(p, false))
	if len(ex) != len(sent) {
		t.Errorf("export has %d events, sent %d", len(ex), len(sent))
	}
	for _, se := range sent {
		e, ok := ex[se.props["$insert_id"].(string)]
		if !ok {
			t.Errorf("%s not exported", se.name)
			continue
		}
		expectExported(t, se.name, se.props, e)
	}
}

// TestBadInput checks that malformed, oversized, wrong-token and
// wrong-secret requests get the documented status and a clear message that
// does not echo the input, and that nothing of them is stored.
func TestBadInput(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("bad")
	const canary = "CANARY-7f3a9b2c-do-not-echo"
	now := time.Now().Unix()
	good := func(extra string) string {
		return `{"event":"e","properties":{"token":"` + p.Token + `","distinct_id":"u","time":` + fmt.Sprint(now) + extra + `}}`
	}
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("[")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(good(`,"c":"` + canary + `"`))
		}
		b.WriteString("]")
		return b.String()
	}
	props256 := func() string {
		var b strings.Builder
		for i := range 256 {
			fmt.Fprintf(&b, `,"p%d":"%s"`, i, canary)
		}
		return b.String()
	}
	secretAuth := basic(p.APISecret, "").Get("Authorization")
	type tc struct {
		name, path, ctype, auth string
		body                    []byte
		status                  int
		bodyHas                 string
	}
	cases := []tc{
		{"malformed JSON", "/track?verbose=1", "application/json", "", []byte(`{"event":"e","properties":{"x":"` + canary + `"`), 400, `"status":0`},
		{"neither JSON nor base64", "/track?verbose=1", "application/x-www-form-urlencoded", "", []byte("data=" + canary + "!!"), 400, `"status":0`},
		{"not UTF-8", "/track?verbose=1", "application/json", "", []byte(`{"event":"e","properties":{"x":"` + canary + "\xff\xfe" + `"}}`), 400, `"status":0`},
		{"unknown token", "/track?verbose=1", "application/json", "", []byte(`{"event":"e","properties":{"token":"nope-` + canary + `","distinct_id":"u"}}`), 401, `"status":0`},
		{"missing token", "/track", "application/json", "", []byte(`{"event":"e","properties":{"distinct_id":"u","x":"` + canary + `"}}`), 401, "0"},
		{"denylisted distinct_id", "/track?verbose=1", "application/json", "", []byte(`{"event":"e","properties":{"token":"` + p.Token + `","distinct_id":"undefined","x":"` + canary + `"}}`), 200, `"status":0`},
		{"too many properties", "/track?verbose=1", "application/json", "", []byte(good(props256())), 200, `"status":0`},
		{"too deep", "/track?verbose=1", "application/json", "", []byte(good(`,"a":{"b":{"c":{"d":{"e":"` + canary + `"}}}}`)), 200, `"status":0`},
		{"2001 objects", "/track?verbose=1", "application/json", "", []byte(many(2001)), 413, `"status":0`},
		{"over 10 MiB", "/track?verbose=1", "application/json", "", []byte(good(`,"big":"` + strings.Repeat("x", 11<<20) + `"`)), 413, `"status":0`},
		{"old event on /track", "/track?verbose=1", "application/json", "", []byte(strings.Replace(good(`,"x":"`+canary+`"`), fmt.Sprint(now), fmt.Sprint(now-10*86400), 1)), 200, `"status":0`},
		{"import without auth", "/import?strict=1", "application/json", "", []byte("[" + good(`,"$insert_id":"a1"`) + "]"), 401, `"code":401`},
		{"import wrong secret", "/import?strict=1", "application/json", basic("wrong-"+canary, "").Get("Authorization"), []byte("[" + good(`,"$insert_id":"a2"`) + "]"), 401, `"code":401`},
		{"import strict, bad record", "/import?strict=1", "application/json", secretAuth, []byte(`[{"event":"e","properties":{"distinct_id":"u","time":` + fmt.Sprint(now) + `,"$insert_id":"bad id!","x":"` + canary + `"}}]`), 400, `"failed_records":[{"index":0`},
		{"import future time", "/import?strict=1", "application/json", secretAuth, []byte(`[{"event":"e","properties":{"distinct_id":"u","time":` + fmt.Sprint(now+7200) + `,"$insert_id":"f1"}}]`), 400, `"field"`},
		{"bad callback", "/track?callback=alert(1)", "application/json", "", []byte(good("")), 400, ""},
	}
	for _, c := range cases {
		h := http.Header{"Content-Type": {c.ctype}}
		if c.auth != "" {
			h.Set("Authorization", c.auth)
		}
		code, body := s.do("POST", c.path, h, c.body)
		if code != c.status || !strings.Contains(string(body), c.bodyHas) {
			t.Errorf("%s: got %d %.300s; want %d containing %s", c.name, code, body, c.status, c.bodyHas)
		}
		if strings.Contains(string(body), canary) {
			t.Errorf("%s: the reply echoes the input", c.name)
		}
		if c.status != 200 || strings.Contains(c.bodyHas, "status") {
			var r struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(body, &r) == nil && strings.Contains(c.bodyHas, "status") && len(r.Error) < 10 {
				t.Errorf("%s: the error message %q does not explain", c.name, r.Error)
			}
		}
	}
	// Management API: bad JSON, unknown field, wrong key.
	if code, b := s.do("POST", "/api/projects", bearer(), []byte(`{"name":`)); code != 400 || !strings.Contains(string(b), "error") {
		t.Errorf("bad project JSON: %d %s", code, b)
	}
	if code, _ := s.do("POST", "/api/projects", http.Header{"Authorization": {"Bearer wrong"}}, []byte(`{"name":"x"}`)); code != 401 {
		t.Errorf("wrong admin key: %d", code)
	}
	if code, _ := s.do("GET", "/api/2.0/export?from_date=2026-01-01&to_date=2026-01-02", basic(p.Token, ""), nil); code != 403 {
		t.Errorf("export with the public token: %d, want 403", code)
	}
	if ex := s.export(p, true); len(ex) != 0 {
		t.Errorf("bad input stored %d events", len(ex))
	}
	if strings.Contains(s.out.String(), canary) {
		t.Errorf("the server's output contains input")
	}
}
