package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const piiAdminKey = "pii-test-admin-key-0123456789"

// startAt runs a server on dir until stop is called; it returns the
// server's base URL and the first start's API secret of project 1 ("" on a
// restart).
func startAt(t *testing.T, dir string) (base, secret string, stop func()) {
	t.Helper()
	var console bytes.Buffer
	srv, err := New(Config{Addr: "127.0.0.1:0", DataDir: dir, AdminKey: piiAdminKey,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Console: &console})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	<-srv.Ready()
	for _, line := range strings.Split(console.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "api_secret:" {
			secret = f[1]
		}
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return "http://" + srv.Addr(), secret, stop
}

var piiHash = regexp.MustCompile(`pii_[0-9a-f]{24}`)

// TestPIIRoleMatrix reads one project's PII paths (an e-mail and a nested
// phone number the guard classed, a path the project marks personal, a
// profile's $email) through
// export, engage, a query's breakdown, a Mixpanel property-values query and
// the web UI's recent-events read, as every kind of reader: only those
// holding the pii grant see the values; the others see keyed hashes that
// are the same in every reader, every request and after a restart, and
// still count uniques; the audit log names the PII paths and whether they
// were hashed.
func TestPIIRoleMatrix(t *testing.T) {
	dir := t.TempDir()
	base, secret, stop := startAt(t, dir)
	admin := [2]string{piiAdminKey, ""}
	var proj struct{ Token string }
	code, b := call(t, "GET", base+"/api/projects/1", admin[0], "", "")
	if json.Unmarshal(b, &proj); code != 200 || proj.Token == "" || secret == "" {
		t.Fatalf("project: %d %s (secret %q)", code, b, secret)
	}
	const ann, bob, ref, tel = "ann.pii@example.com", "bob.pii@example.com", "CUST-77341-REF", "+1 (415) 555-2671"
	now := time.Now().Unix()
	var batch []string
	for i, e := range []struct{ id, email string }{{"u1", ann}, {"u1", ann}, {"u2", bob}} {
		batch = append(batch, fmt.Sprintf(`{"event":"Signed up","properties":{"token":%q,"distinct_id":%q,"time":%d,"$insert_id":"p%d","plan":"pro","email":%q,"customer_ref":%q,"contact":{"tel":%q}}}`,
			proj.Token, e.id, now, i, e.email, ref, tel))
	}
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape("["+strings.Join(batch, ",")+"]")); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	eng := fmt.Sprintf(`[{"$token":%q,"$distinct_id":"u1","$set":{"$email":%q,"name":"Ann"}}]`, proj.Token, ann)
	if code, b := call(t, "POST", base+"/engage", "", "", "data="+url.QueryEscape(eng)); code != 200 {
		t.Fatalf("engage: %d %s", code, b)
	}

	// Accounts: analysts with and without pii, a project admin without it.
	plain, plainSecret := serviceAccount(t, base, secret, "analyst")
	granted, grantedSecret := serviceAccount(t, base, secret, "analyst")
	padmin, padminSecret := serviceAccount(t, base, secret, "admin")
	grant := func(who [2]string, user string, on bool) int {
		code, b := call(t, "PUT", base+"/api/projects/1/service-accounts/"+user+"/pii", who[0], who[1], fmt.Sprintf(`{"pii":%v}`, on))
		if code != 200 && code != 403 {
			t.Fatalf("grant: %d %s", code, b)
		}
		return code
	}
	// The API secret holds pii by default (Mixpanel's export credential),
	// until the project takes it away.
	if c := grant([2]string{secret, ""}, plain, false); c != 200 {
		t.Errorf("the API secret (with pii by default) could not revoke: %d", c)
	}
	if code, b := call(t, "PUT", base+"/api/projects/1/pii", secret, "", `{"paths":[],"api_secret":false}`); code != 200 {
		t.Fatalf("pii settings: %d %s", code, b)
	}
	// Nobody grants what they do not hold: not the project's admin account,
	// not the API secret without pii.
	if c := grant([2]string{padmin, padminSecret}, granted, true); c != 403 {
		t.Errorf("a project admin without pii granted it: %d", c)
	}
	if c := grant([2]string{secret, ""}, padmin, true); c != 403 {
		t.Errorf("the API secret without pii granted it: %d", c)
	}
	if c := grant(admin, granted, true); c != 200 {
		t.Fatalf("admin key grant: %d", c)
	}
	if code, b := call(t, "PUT", base+"/api/projects/1/pii", padmin, padminSecret, `{"paths":["customer_ref"]}`); code != 403 {
		t.Errorf("pii settings by a project admin without pii: %d %s", code, b)
	}
	if code, b := call(t, "PUT", base+"/api/projects/1/pii", admin[0], "", `{"paths":["customer_ref"]}`); code != 200 {
		t.Fatalf("pii settings: %d %s", code, b)
	}
	if code, b := call(t, "PUT", base+"/api/projects/1/pii", admin[0], "", `{"paths":[""]}`); code != 400 {
		t.Errorf("empty path: %d %s", code, b)
	}
	// The guard's email class reaches the lexicon on the ingest path.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, b := call(t, "GET", base+"/api/projects/1/pii", plain, plainSecret, "")
		var rep struct {
			Effective []string
			Granted   bool
		}
		json.Unmarshal(b, &rep)
		if slices.Contains(rep.Effective, "email") && slices.Contains(rep.Effective, "contact.tel") && slices.Contains(rep.Effective, "customer_ref") && !rep.Granted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pii paths: %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}

	day := time.Now().UTC().Format(time.DateOnly)
	from := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	to := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	queryDoc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up","math":"unique"}],"breakdown":[{"property":"email"}]}`, from, to)
	_ = day

	// The UI's reads go through a session signed in with the account.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	session := func(user, pass string) string {
		body := fmt.Sprintf(`{"username":%q,"secret":%q}`, user, pass)
		if user == piiAdminKey {
			body = fmt.Sprintf(`{"admin_key":%q}`, user)
		}
		res, err := c.Post(base+"/api/session", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, ck := range res.Cookies() {
			if ck.Name == "sieve_session" {
				return ck.Value
			}
		}
		t.Fatalf("sign in %s: %d", user, res.StatusCode)
		return ""
	}
	uiGet := func(cookie, path string) (int, []byte) {
		r, _ := http.NewRequest("GET", base+path, nil)
		r.AddCookie(&http.Cookie{Name: "sieve_session", Value: cookie})
		res, err := c.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}

	type reader struct {
		name string
		read func(user, pass string) (int, []byte)
	}
	readers := []reader{
		{"export", func(u, p string) (int, []byte) {
			return call(t, "GET", base+"/api/2.0/export?project_id=1&from_date="+from+"&to_date="+to, u, p, "")
		}},
		{"engage", func(u, p string) (int, []byte) { return call(t, "GET", base+"/api/2.0/engage?project_id=1", u, p, "") }},
		{"query", func(u, p string) (int, []byte) { return call(t, "POST", base+"/api/projects/1/query", u, p, queryDoc) }},
		{"property-values", func(u, p string) (int, []byte) {
			return call(t, "GET", base+"/api/query/events/properties/values?project_id=1&event=Signed+up&name=email&from_date="+from+"&to_date="+to, u, p, "")
		}},
		{"ui-recent", func(u, p string) (int, []byte) {
			if u == secret { // no session signs in with the API secret
				return call(t, "GET", base+"/api/projects/1/events/recent", u, p, "")
			}
			return uiGet(session(u, p), "/api/projects/1/events/recent")
		}},
	}
	type principal struct {
		name, user, pass string
		clear            bool
	}
	principals := []principal{
		{"admin key", piiAdminKey, "", true},
		{"analyst with pii", granted, grantedSecret, true},
		{"analyst", plain, plainSecret, false},
		{"project admin without pii", padmin, padminSecret, false},
		{"API secret without pii", secret, "", false},
	}
	// The values each reader must (or must not) show, and the hashes seen.
	want := map[string][]string{"export": {ann, bob, ref, tel}, "engage": {ann}, "query": {ann, bob}, "property-values": {ann, bob}, "ui-recent": {ann, bob, ref, tel}}
	hashes := map[string]map[string]bool{} // reader -> hashes shown to non-pii readers
	check := func(p principal, rd reader) []byte {
		t.Helper()
		code, b := rd.read(p.user, p.pass)
		if code != 200 {
			t.Fatalf("%s via %s: %d %s", p.name, rd.name, code, b)
		}
		for _, v := range want[rd.name] {
			if got := bytes.Contains(b, []byte(v)); got != p.clear {
				t.Errorf("%s via %s: value %q shown=%v, want %v: %s", p.name, rd.name, v, got, p.clear, b)
			}
		}
		if !bytes.Contains(b, []byte("pro")) && rd.name != "engage" && rd.name != "query" && rd.name != "property-values" {
			t.Errorf("%s via %s: a non-PII value is gone: %s", p.name, rd.name, b)
		}
		hs := piiHash.FindAllString(string(b), -1)
		if p.clear != (len(hs) == 0) {
			t.Errorf("%s via %s: hashes %v", p.name, rd.name, hs)
		}
		if !p.clear {
			if hashes[rd.name] == nil {
				hashes[rd.name] = map[string]bool{}
			}
			for _, h := range hs {
				hashes[rd.name][h] = true
			}
		}
		return b
	}
	for _, p := range principals {
		for _, rd := range readers {
			check(p, rd)
		}
	}
	// A filter on a PII path would tell its value to a reader without pii:
	// refused (403, naming the path, never the value); allowed with pii.
	guess := url.QueryEscape(`properties["email"] == "` + ann + `"`)
	sumDoc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up","math":"max","property":"customer_ref"}]}`, from, to)
	binDoc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up"}],"breakdown":[{"property":"customer_ref","bins":4}]}`, from, to)
	filterDoc := fmt.Sprintf(`{"kind":"trends","from":%q,"to":%q,"series":[{"event":"Signed up","filter":{"property":"customer_ref","operator":"eq","value":%q}}]}`, from, to, ref)
	for _, p := range principals {
		for name, do := range map[string]func() (int, []byte){
			"export where": func() (int, []byte) {
				return call(t, "GET", base+"/api/2.0/export?project_id=1&from_date="+from+"&to_date="+to+"&where="+guess, p.user, p.pass, "")
			},
			"engage where": func() (int, []byte) {
				return call(t, "GET", base+"/api/2.0/engage?project_id=1&where="+url.QueryEscape(`user["$email"] == "`+ann+`"`), p.user, p.pass, "")
			},
			"query filter": func() (int, []byte) { return call(t, "POST", base+"/api/projects/1/query", p.user, p.pass, filterDoc) },
			"query max":    func() (int, []byte) { return call(t, "POST", base+"/api/projects/1/query", p.user, p.pass, sumDoc) },
			"query bins":   func() (int, []byte) { return call(t, "POST", base+"/api/projects/1/query", p.user, p.pass, binDoc) },
		} {
			code, b := do()
			if p.clear && code != 200 || !p.clear && (code != 403 || !bytes.Contains(b, []byte("the PII path")) || bytes.Contains(b, []byte(ann)) || bytes.Contains(b, []byte(ref))) {
				t.Errorf("%s, %s: %d %s", p.name, name, code, b)
			}
		}
	}
	// The project's token reads nothing.
	if code, _ := call(t, "GET", base+"/api/2.0/export?project_id=1&from_date="+from+"&to_date="+to, proj.Token, "", ""); code != 403 {
		t.Errorf("token export: %d", code)
	}
	// One value, one hash: the same in every reader and for every reader
	// without pii (two e-mails, a reference, a phone: four in export).
	if n := len(hashes["export"]); n != 4 {
		t.Errorf("export hashes: %v", hashes["export"])
	}
	for rd, hs := range hashes {
		for h := range hs {
			if !hashes["export"][h] {
				t.Errorf("%s shows hash %s that export does not", rd, h)
			}
		}
	}
	// Uniques still count per hashed value: ann's two events are one user.
	_, qb := call(t, "POST", base+"/api/projects/1/query", plain, plainSecret, queryDoc)
	var qr struct {
		Results struct {
			Trends struct {
				Series []struct {
					Breakdown []string
					Values    []float64
				}
			}
		}
	}
	json.Unmarshal(qb, &qr)
	total := 0.0
	for _, s := range qr.Results.Trends.Series {
		if len(s.Breakdown) != 1 || !piiHash.MatchString(s.Breakdown[0]) || !hashes["export"][s.Breakdown[0]] {
			t.Errorf("breakdown %v", s.Breakdown)
		}
		for _, v := range s.Values {
			total += v
		}
	}
	if len(qr.Results.Trends.Series) != 2 || total != 2 {
		t.Errorf("unique users by hashed email: %s", qb)
	}

	// The audit log names the PII paths each read returned, and whether
	// they were hashed.
	_, ab := call(t, "GET", base+"/api/audit?project_id=1&limit=1000", piiAdminKey, "", "")
	var log struct {
		Entries []struct {
			Actor, Action string
			PII           *struct {
				Paths  []string
				Hashed bool
			}
		}
	}
	if err := json.Unmarshal(ab, &log); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log.Entries {
		if e.Action != "export" || e.PII == nil {
			continue
		}
		paths := strings.Join(e.PII.Paths, ",")
		if paths != "contact.tel,customer_ref,email" {
			t.Errorf("%s export: pii paths %q", e.Actor, paths)
		}
		seen[fmt.Sprintf("%s hashed=%v", e.Actor, e.PII.Hashed)] = true
	}
	for _, k := range []string{"admin hashed=false", "sa:" + granted + " hashed=false", "sa:" + plain + " hashed=true", "sa:" + padmin + " hashed=true", "secret:1 hashed=true"} {
		if !seen[k] {
			t.Errorf("no audit entry %q among %v", k, seen)
		}
	}
	for _, a := range []string{"engage", "query", "events.read", "pii.grant", "pii.settings"} {
		found := false
		for _, e := range log.Entries {
			if e.Action == a && (e.PII != nil || strings.HasPrefix(a, "pii.")) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s audit entry with its PII paths", a)
		}
	}

	// A refused PII filter is audited with the path it would have read
	// (denied entries are written once a second, aggregated per minute).
	deniedPaths := func() map[string]bool {
		_, ab := call(t, "GET", base+"/api/audit?project_id=1&limit=1000", piiAdminKey, "", "")
		var dl struct {
			Entries []struct {
				Actor, Action string
				PII           *struct{ Paths []string }
			}
		}
		json.Unmarshal(ab, &dl)
		out := map[string]bool{}
		for _, e := range dl.Entries {
			if e.Action == "pii.denied" && e.PII != nil && e.Actor == "sa:"+plain {
				out[strings.Join(e.PII.Paths, ",")] = true
			}
		}
		return out
	}
	dp := deniedPaths()
	for deadline := time.Now().Add(5 * time.Second); len(dp) == 0 && time.Now().Before(deadline); dp = deniedPaths() {
		time.Sleep(200 * time.Millisecond)
	}
	if len(dp) == 0 {
		t.Error("no pii.denied audit entry for the analyst without pii")
	}
	for p := range dp {
		if p != "email" && p != "customer_ref" && p != "contact.tel" && p != "$email" {
			t.Errorf("pii.denied names %q", p)
		}
	}

	// The entries with their PII records keep the log's hash chain whole.
	if code, b := call(t, "GET", base+"/api/audit/verify", piiAdminKey, "", ""); code != 200 || !bytes.Contains(b, []byte(`"ok":true`)) {
		t.Errorf("audit verify: %d %s", code, b)
	}
	// A revoked grant applies at once, to a session signed in before too.
	cookie := session(granted, grantedSecret)
	if c := grant(admin, granted, false); c != 200 {
		t.Fatalf("revoke: %d", c)
	}
	if _, b := uiGet(cookie, "/api/projects/1/events/recent"); bytes.Contains(b, []byte(ann)) {
		t.Errorf("a revoked session still reads PII: %s", b)
	}
	// The API secret holds pii again once the project says so.
	if _, b := readers[0].read(secret, ""); bytes.Contains(b, []byte(ann)) || !piiHash.Match(b) {
		t.Errorf("API secret without pii: %s", b)
	}
	if code, b := call(t, "PUT", base+"/api/projects/1/pii", admin[0], "", `{"paths":["customer_ref"],"api_secret":true}`); code != 200 {
		t.Fatalf("api_secret grant: %d %s", code, b)
	}
	if _, b := readers[0].read(secret, ""); !bytes.Contains(b, []byte(ann)) {
		t.Errorf("API secret with pii: %s", b)
	}

	// Stable across a restart.
	stop()
	base, _, _ = startAt(t, dir)
	_, b = call(t, "GET", base+"/api/2.0/export?project_id=1&from_date="+from+"&to_date="+to, plain, plainSecret, "")
	after := piiHash.FindAllString(string(b), -1)
	if len(after) == 0 || bytes.Contains(b, []byte(ann)) {
		t.Fatalf("after restart: %s", b)
	}
	for _, h := range after {
		if !hashes["export"][h] {
			t.Errorf("hash %s after restart is new (before: %v)", h, hashes["export"])
		}
	}

	// Another project hashes the same value differently.
	code, b = call(t, "POST", base+"/api/projects", piiAdminKey, "", `{"name":"Other"}`)
	var p2 struct {
		ID        int64
		Token     string
		APISecret string `json:"api_secret"`
	}
	if json.Unmarshal(b, &p2); code != 201 {
		t.Fatalf("create project: %d %s", code, b)
	}
	if code, b := call(t, "PUT", fmt.Sprintf("%s/api/projects/%d/pii", base, p2.ID), piiAdminKey, "", `{"paths":[],"api_secret":false}`); code != 200 {
		t.Fatalf("project 2 pii settings: %d %s", code, b)
	}
	ev := fmt.Sprintf(`[{"event":"Signed up","properties":{"token":%q,"distinct_id":"u1","time":%d,"email":%q}}]`, p2.Token, now, ann)
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape(ev)); code != 200 {
		t.Fatalf("track 2: %d %s", code, b)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		_, b = call(t, "GET", fmt.Sprintf("%s/api/2.0/export?project_id=%d&from_date=%s&to_date=%s", base, p2.ID, from, to), p2.APISecret, "", "")
		if hs := piiHash.FindAllString(string(b), -1); len(hs) == 1 {
			if hashes["export"][hs[0]] {
				t.Errorf("project %d hashes %q like project 1", p2.ID, ann)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("project 2 export: %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPIIPathsDurable: the paths where the guard found an e-mail address
// (an event property, a profile property set by /engage) stay PII paths
// after a restart that lost the lexicon (evicted, or never saved): a reader
// without the pii grant still reads them hashed in export and engage.
func TestPIIPathsDurable(t *testing.T) {
	dir := t.TempDir()
	base, secret, stop := startAt(t, dir)
	var proj struct{ Token string }
	code, b := call(t, "GET", base+"/api/projects/1", piiAdminKey, "", "")
	if json.Unmarshal(b, &proj); code != 200 || proj.Token == "" {
		t.Fatalf("project: %d %s", code, b)
	}
	const ann, cal = "ann.durable@example.com", "cal.durable@example.org"
	ev := fmt.Sprintf(`[{"event":"Joined","properties":{"token":%q,"distinct_id":"u1","time":%d,"$insert_id":"d1","work_mail":%q,"plan":"pro"}}]`,
		proj.Token, time.Now().Unix(), ann)
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape(ev)); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	eng := fmt.Sprintf(`[{"$token":%q,"$distinct_id":"u1","$set":{"backup_contact":%q,"name":"Ann"}}]`, proj.Token, cal)
	if code, b := call(t, "POST", base+"/engage", "", "", "data="+url.QueryEscape(eng)); code != 200 {
		t.Fatalf("engage: %d %s", code, b)
	}
	plain, plainSecret := serviceAccount(t, base, secret, "analyst")
	stop()
	// The lexicon lost: its file removed, as if evicted or never saved.
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "lexicon.json" {
			return os.Remove(p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	base, _, _ = startAt(t, dir)
	from := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	to := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	for _, rd := range []struct{ name, url, value string }{
		{"export", base + "/api/2.0/export?project_id=1&from_date=" + from + "&to_date=" + to, ann},
		{"engage", base + "/api/2.0/engage?project_id=1", cal},
	} {
		code, b := call(t, "GET", rd.url, plain, plainSecret, "")
		if code != 200 || bytes.Contains(b, []byte(rd.value)) || !piiHash.Match(b) || !bytes.Contains(b, []byte("pro")) && rd.name == "export" {
			t.Errorf("%s without pii after restart: %d %s", rd.name, code, b)
		}
		code, b = call(t, "GET", rd.url, piiAdminKey, "", "")
		if code != 200 || !bytes.Contains(b, []byte(rd.value)) {
			t.Errorf("%s with pii after restart: %d %s", rd.name, code, b)
		}
	}
	_, b = call(t, "GET", base+"/api/projects/1/pii", plain, plainSecret, "")
	if !bytes.Contains(b, []byte(`"work_mail"`)) || !bytes.Contains(b, []byte(`"backup_contact"`)) {
		t.Errorf("effective PII paths after restart: %s", b)
	}
}

// TestPIIAddressesAsIDsAndText: an e-mail address used as a distinct_id,
// or written inside free text at a path that is not PII, reads as the
// address's keyed hash for a reader without the pii grant, the same hash
// in export, engage and the recent events (so joins hold), and in clear
// for a reader with the grant.
func TestPIIAddressesAsIDsAndText(t *testing.T) {
	base, secret, _ := startAt(t, t.TempDir())
	var proj struct{ Token string }
	code, b := call(t, "GET", base+"/api/projects/1", piiAdminKey, "", "")
	if json.Unmarshal(b, &proj); code != 200 || proj.Token == "" {
		t.Fatalf("project: %d %s", code, b)
	}
	const dan = "dan.id@example.net"
	ev := fmt.Sprintf(`[{"event":"Asked","properties":{"token":%q,"distinct_id":%q,"time":%d,"$insert_id":"t1","question":"please write to dan.id@example.net soon"}}]`,
		proj.Token, dan, time.Now().Unix())
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape(ev)); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	eng := fmt.Sprintf(`[{"$token":%q,"$distinct_id":%q,"$set":{"name":"Dan"}}]`, proj.Token, dan)
	if code, b := call(t, "POST", base+"/engage", "", "", "data="+url.QueryEscape(eng)); code != 200 {
		t.Fatalf("engage: %d %s", code, b)
	}
	plain, plainSecret := serviceAccount(t, base, secret, "analyst")
	from := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	to := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	var seen []string // the distinct_id's hashes
	for _, u := range []string{
		base + "/api/2.0/export?project_id=1&from_date=" + from + "&to_date=" + to,
		base + "/api/2.0/engage?project_id=1",
		base + "/api/projects/1/events/recent",
	} {
		code, b := call(t, "GET", u, plain, plainSecret, "")
		hs := piiHash.FindAllString(string(b), -1)
		if code != 200 || bytes.Contains(b, []byte("dan.id@")) || len(hs) == 0 {
			t.Errorf("%s without pii: %d %s", u, code, b)
		}
		// The distinct_id's hash (the question, where the guard found the
		// address, became a PII path and reads hashed whole).
		if m := regexp.MustCompile(`"\$?distinct_id":"(pii_[0-9a-f]{24})"`).FindSubmatch(b); m != nil {
			seen = append(seen, string(m[1]))
		}
		code, b = call(t, "GET", u, piiAdminKey, "", "")
		if code != 200 || !bytes.Contains(b, []byte(dan)) || piiHash.Match(b) {
			t.Errorf("%s with pii: %d %s", u, code, b)
		}
	}
	slices.Sort(seen)
	if n := len(seen); n != 3 {
		t.Errorf("distinct_id hashes in %d of 3 readers", n)
	}
	if seen = slices.Compact(seen); len(seen) != 1 {
		t.Errorf("one distinct_id, hashes %v (want one, in all three readers)", seen)
	}
	// A North American phone number as a distinct_id: hashed too; a
	// numeric user id is not.
	ev = fmt.Sprintf(`[{"event":"Called","properties":{"token":%q,"distinct_id":"(415) 555-2671","time":%d,"$insert_id":"t2","plan":"pro"}},
		{"event":"Called","properties":{"token":%q,"distinct_id":"4155552671","time":%d,"$insert_id":"t3","plan":"pro"}}]`,
		proj.Token, time.Now().Unix(), proj.Token, time.Now().Unix())
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape(ev)); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	code, b = call(t, "GET", base+"/api/2.0/export?project_id=1&event=%5B%22Called%22%5D&from_date="+from+"&to_date="+to, plain, plainSecret, "")
	if code != 200 || bytes.Contains(b, []byte("555-2671")) || !bytes.Contains(b, []byte(`"distinct_id":"4155552671"`)) || len(piiHash.FindAll(b, -1)) != 1 {
		t.Errorf("phone distinct_ids without pii: %d %s", code, b)
	}
}

// TestPIIAPISecretSetting: whether the project's API secret holds the pii
// grant is a visible project setting (api_secret_pii, true by default) that
// only a caller holding the grant changes, and it applies at once.
func TestPIIAPISecretSetting(t *testing.T) {
	base, secret, _ := startAt(t, t.TempDir())
	var proj struct {
		Token        string
		APISecretPII *bool `json:"api_secret_pii"`
	}
	get := func() bool {
		t.Helper()
		proj.APISecretPII = nil
		code, b := call(t, "GET", base+"/api/projects/1", secret, "", "")
		if json.Unmarshal(b, &proj); code != 200 || proj.APISecretPII == nil {
			t.Fatalf("project: %d %s", code, b)
		}
		return *proj.APISecretPII
	}
	if !get() {
		t.Fatal("api_secret_pii is not true by default")
	}
	const eve = "eve.secret@example.com"
	ev := fmt.Sprintf(`[{"event":"Paid","properties":{"token":%q,"distinct_id":"u9","time":%d,"$insert_id":"s1","email":%q}}]`, proj.Token, time.Now().Unix(), eve)
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape(ev)); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	export := base + "/api/2.0/export?project_id=1&from_date=" + time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly) +
		"&to_date=" + time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	if _, b := call(t, "GET", export, secret, "", ""); !bytes.Contains(b, []byte(eve)) {
		t.Fatalf("the API secret (pii by default) reads hashed: %s", b)
	}
	padmin, padminSecret := serviceAccount(t, base, secret, "admin")
	if code, b := call(t, "PATCH", base+"/api/projects/1", padmin, padminSecret, `{"api_secret_pii":false}`); code != 403 || !get() {
		t.Fatalf("a project admin without pii changed it: %d %s", code, b)
	}
	if code, b := call(t, "PATCH", base+"/api/projects/1", piiAdminKey, "", `{"api_secret_pii":false}`); code != 200 || !bytes.Contains(b, []byte(`"api_secret_pii":false`)) || get() {
		t.Fatalf("turn off: %d %s", code, b)
	}
	if _, b := call(t, "GET", base+"/api/projects/1/pii", piiAdminKey, "", ""); !bytes.Contains(b, []byte(`"api_secret":false`)) {
		t.Errorf("GET pii disagrees: %s", b)
	}
	if code, b := call(t, "GET", export, secret, "", ""); code != 200 || bytes.Contains(b, []byte(eve)) || !piiHash.Match(b) {
		t.Errorf("the API secret without pii: %d %s", code, b)
	}
	if code, b := call(t, "PATCH", base+"/api/projects/1", piiAdminKey, "", `{"api_secret_pii":true}`); code != 200 || !get() {
		t.Fatalf("turn on: %d %s", code, b)
	}
	if _, b := call(t, "GET", export, secret, "", ""); !bytes.Contains(b, []byte(eve)) {
		t.Errorf("the API secret with pii again reads hashed: %s", b)
	}
}

// TestPIIPathsRebuiltFromStoredFindings: a data directory whose findings
// were stored before the durable PII path set existed (set and mark
// removed, lexicon lost) gets its set rebuilt from the stored findings on
// the first start, durably and once: a phone number at a path the guard
// classed (which no free-text rule would catch) reads hashed without the
// grant, and the paths are in the set file.
func TestPIIPathsRebuiltFromStoredFindings(t *testing.T) {
	dir := t.TempDir()
	base, secret, stop := startAt(t, dir)
	var proj struct{ Token string }
	code, b := call(t, "GET", base+"/api/projects/1", piiAdminKey, "", "")
	if json.Unmarshal(b, &proj); code != 200 || proj.Token == "" {
		t.Fatalf("project: %d %s", code, b)
	}
	const ann, tel = "ann.rebuilt@example.com", "+1 (415) 555-2671"
	ev := fmt.Sprintf(`[{"event":"Joined","properties":{"token":%q,"distinct_id":"u1","time":%d,"$insert_id":"r1","work_mail":%q,"contact":{"tel":%q},"plan":"pro"}}]`,
		proj.Token, time.Now().Unix(), ann, tel)
	if code, b := call(t, "POST", base+"/track", "", "", "data="+url.QueryEscape(ev)); code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	eng := fmt.Sprintf(`[{"$token":%q,"$distinct_id":"u1","$set":{"backup_contact":%q}}]`, proj.Token, ann)
	if code, b := call(t, "POST", base+"/engage", "", "", "data="+url.QueryEscape(eng)); code != 200 {
		t.Fatalf("engage: %d %s", code, b)
	}
	plain, plainSecret := serviceAccount(t, base, secret, "analyst")
	stop()
	// As before the set existed: no set, no mark, no lexicon.
	for _, name := range []string{"pii/pii_paths.jsonl", "pii/pii_paths.rebuilt"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "lexicon.json" {
			return os.Remove(p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	base, _, stop = startAt(t, dir)
	set, err := os.ReadFile(filepath.Join(dir, "pii", "pii_paths.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"work_mail", "contact.tel", "backup_contact"} {
		if !bytes.Contains(set, []byte(`"path":"`+p+`"`)) {
			t.Errorf("rebuilt set lacks %s: %s", p, set)
		}
	}
	if bytes.Contains(set, []byte(ann)) || bytes.Contains(set, []byte("555-2671")) {
		t.Errorf("the set holds a value: %s", set)
	}
	mark, err := os.Stat(filepath.Join(dir, "pii", "pii_paths.rebuilt"))
	if err != nil {
		t.Fatalf("no rebuilt mark: %v", err)
	}
	_, b = call(t, "GET", base+"/api/projects/1/pii", plain, plainSecret, "")
	for _, p := range []string{`"work_mail"`, `"contact.tel"`, `"backup_contact"`} {
		if !bytes.Contains(b, []byte(p)) {
			t.Errorf("effective PII paths after the rebuild lack %s: %s", p, b)
		}
	}
	from := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	to := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	code, b = call(t, "GET", base+"/api/2.0/export?project_id=1&from_date="+from+"&to_date="+to, plain, plainSecret, "")
	if code != 200 || bytes.Contains(b, []byte("555-2671")) || !bytes.Contains(b, []byte(`"plan":"pro"`)) || !piiHash.Match(b) {
		t.Errorf("export without pii after the rebuild: %d %s", code, b)
	}
	stop()
	// Once: a later start leaves the mark as it is.
	_, _, stop = startAt(t, dir)
	stop()
	if again, err := os.Stat(filepath.Join(dir, "pii", "pii_paths.rebuilt")); err != nil || !again.ModTime().Equal(mark.ModTime()) {
		t.Errorf("the set was rebuilt again: %v %v", again, err)
	}
	// A set older than the findings (written by a version that recorded
	// new paths only, no mark): completed from the findings, its own path
	// kept.
	if err := os.WriteFile(filepath.Join(dir, "pii", "pii_paths.jsonl"), []byte(`{"project_id":1,"path":"older.path"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "pii", "pii_paths.rebuilt")); err != nil {
		t.Fatal(err)
	}
	_, _, stop = startAt(t, dir)
	stop()
	set, _ = os.ReadFile(filepath.Join(dir, "pii", "pii_paths.jsonl"))
	for _, p := range []string{"older.path", "work_mail", "contact.tel", "backup_contact"} {
		if !bytes.Contains(set, []byte(`"path":"`+p+`"`)) {
			t.Errorf("completed set lacks %s: %s", p, set)
		}
	}
}
