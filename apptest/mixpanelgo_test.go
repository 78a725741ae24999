package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	mixpanel "github.com/mixpanel/mixpanel-go"
)

// TestMixpanelGo drives sieve with the official Go client, unchanged:
// JSON /track, gzip strict /import with the API secret and with a service
// account, /engage and /groups, and its own Export.
func TestMixpanelGo(t *testing.T) {
	s := startServer(t, serverOpts{})
	p := s.createProject("go client")
	ctx := context.Background()
	mp := mixpanel.NewApiClient(p.Token,
		mixpanel.ApiSecret(p.APISecret),
		mixpanel.ProxyApiLocation(s.Base),
		mixpanel.ProxyDataLocation(s.Base),
		mixpanel.HttpClient(s.client()))

	now := time.Now()
	type sentEvent struct {
		name  string
		props map[string]any
	}
	var sent []sentEvent
	mk := func(name, distinct string, i int, props map[string]any) *mixpanel.Event {
		e := mp.NewEvent(name, distinct, props)
		e.AddTime(now.Add(-time.Duration(i) * time.Minute))
		e.AddInsertID(fmt.Sprintf("go-%s-%d", name[:3], i))
		cp := map[string]any{}
		for k, v := range e.Properties {
			cp[k] = v
		}
		sent = append(sent, sentEvent{name, cp})
		return e
	}

	// /track: JSON array, verbose.
	var track []*mixpanel.Event
	for i := range 20 {
		track = append(track, mk("Track Go", fmt.Sprintf("user-%d", i%5), i, map[string]any{
			"plan": "pro", "n": i, "price": 19.99, "tags": []any{"a", "b"},
			"nested":  map[string]any{"k": "v", "deep": map[string]any{"x": 1}},
			"unicode": "Grüße 😀 日本", "empty": "", "nothing": nil, "flag": true,
		}))
	}
	if err := mp.Track(ctx, track); err != nil {
		t.Fatalf("Track: %v", err)
	}
	// A retry of the same batch must not count twice.
	if err := mp.Track(ctx, track[:5]); err != nil {
		t.Fatalf("Track retry: %v", err)
	}

	// /import: gzip, strict, API secret.
	var imp []*mixpanel.Event
	for i := range 30 {
		imp = append(imp, mk("Import Go", "importer", 100+i*60, map[string]any{"source": "backfill", "i": i}))
	}
	res, err := mp.Import(ctx, imp, mixpanel.ImportOptionsRecommend)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if res.NumRecordsImported != 30 {
		t.Errorf("Import: num_records_imported %d, want 30", res.NumRecordsImported)
	}

	// /import with a service account and project_id.
	sa := s.serviceAccount(p, "importer", "admin")
	mpSA := mixpanel.NewApiClient(p.Token,
		mixpanel.ServiceAccount(int(p.ID), sa.Username, sa.Secret),
		mixpanel.ProxyApiLocation(s.Base), mixpanel.ProxyDataLocation(s.Base),
		mixpanel.HttpClient(s.client()))
	res, err = mpSA.Import(ctx, []*mixpanel.Event{mk("Import SA", "sa-user", 7, map[string]any{"via": "service account"})},
		mixpanel.ImportOptions{Strict: true, Compression: mixpanel.None})
	if err != nil || res.NumRecordsImported != 1 {
		t.Fatalf("Import with service account: %v %+v", err, res)
	}

	// A strict /import with a bad record names it.
	bad := mp.NewEvent("Bad", "null", map[string]any{})
	bad.AddTime(now)
	bad.AddInsertID("bad-1")
	_, err = mp.Import(ctx, []*mixpanel.Event{bad}, mixpanel.ImportOptionsRecommend)
	var failed mixpanel.ImportFailedValidationError
	if !asErr(err, &failed) || len(failed.FailedImportRecords) != 1 || failed.FailedImportRecords[0].InsertID != "bad-1" {
		t.Errorf("Import of a denylisted distinct_id: want a validation error naming bad-1, got %v", err)
	}

	// Export through the official client and through raw HTTP: same events.
	got, err := mpSA.Export(ctx, now.AddDate(0, 0, -3), now.AddDate(0, 0, 1), mixpanel.ExportNoLimit, mixpanel.ExportNoEventFilter, mixpanel.ExportNoWhereFilter)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if len(got) != len(sent) {
		t.Errorf("mixpanel-go Export: %d events, want %d", len(got), len(sent))
	}
	ex := byInsertID(t, s.export(p, false))
	if len(ex) != len(sent) {
		t.Errorf("export: %d events, want %d (retries must not count twice)", len(ex), len(sent))
	}
	for _, se := range sent {
		e, ok := ex[se.props["$insert_id"].(string)]
		if !ok {
			t.Errorf("event %v not exported", se.props["$insert_id"])
			continue
		}
		expectExported(t, se.name, se.props, e)
	}

	// Profiles: /engage and /groups.
	people := mixpanel.NewPeopleProperties("user-1", map[string]any{"$email": "u1@example.com", "plan": "pro", "seats": 3})
	if err := mp.PeopleSet(ctx, []*mixpanel.PeopleProperties{people}); err != nil {
		t.Fatalf("PeopleSet: %v", err)
	}
	if err := mp.PeopleSetOnce(ctx, []*mixpanel.PeopleProperties{mixpanel.NewPeopleProperties("user-1", map[string]any{"plan": "free", "first": "yes"})}); err != nil {
		t.Fatalf("PeopleSetOnce: %v", err)
	}
	if err := mp.PeopleIncrement(ctx, "user-1", map[string]int{"seats": 2, "logins": 1}); err != nil {
		t.Fatalf("PeopleIncrement: %v", err)
	}
	if err := mp.PeopleUnionProperty(ctx, "user-1", map[string]any{"roles": []any{"a", "b"}}); err != nil {
		t.Fatalf("PeopleUnionProperty: %v", err)
	}
	if err := mp.PeopleUnionProperty(ctx, "user-1", map[string]any{"roles": []any{"b", "c"}}); err != nil {
		t.Fatalf("PeopleUnionProperty: %v", err)
	}
	if err := mp.PeopleAppendListProperty(ctx, "user-1", map[string]any{"visits": "home"}); err != nil {
		t.Fatalf("PeopleAppendListProperty: %v", err)
	}
	if err := mp.PeopleRemoveListProperty(ctx, "user-1", map[string]any{"roles": "a"}); err != nil {
		t.Fatalf("PeopleRemoveListProperty: %v", err)
	}
	if err := mp.PeopleDeleteProperty(ctx, "user-1", []string{"first"}); err != nil {
		t.Fatalf("PeopleDeleteProperty: %v", err)
	}
	if err := mp.PeopleSet(ctx, []*mixpanel.PeopleProperties{mixpanel.NewPeopleProperties("user-2", map[string]any{"x": 1})}); err != nil {
		t.Fatalf("PeopleSet user-2: %v", err)
	}
	if err := mp.PeopleDeleteProfile(ctx, "user-2", false); err != nil {
		t.Fatalf("PeopleDeleteProfile: %v", err)
	}
	if err := mp.GroupSet(ctx, "company", "acme", map[string]any{"size": 50}); err != nil {
		t.Fatalf("GroupSet: %v", err)
	}
	if err := mp.GroupUnionListProperty(ctx, "company", "acme", map[string]any{"regions": []any{"eu"}}); err != nil {
		t.Fatalf("GroupUnionListProperty: %v", err)
	}

	prof := s.engage(p, url.Values{"distinct_id": {"user-1"}})
	if len(prof) != 1 {
		t.Fatalf("engage user-1: %d profiles", len(prof))
	}
	pp := prof[0]["$properties"].(map[string]any)
	for k, want := range map[string]string{
		"$email": `"u1@example.com"`, "plan": `"pro"`, "seats": `5`, "logins": `1`,
		"roles": `["b","c"]`, "visits": `["home"]`,
	} {
		if got := normalize(pp[k]); got != want {
			t.Errorf("profile user-1 %s = %s, want %s", k, got, want)
		}
	}
	if _, ok := pp["first"]; ok {
		t.Errorf("profile user-1: $unset property still there")
	}
	if got := s.engage(p, url.Values{"distinct_id": {"user-2"}}); len(got) != 0 {
		t.Errorf("profile user-2 survived $delete: %v", got)
	}
	grp := s.engage(p, url.Values{"data_group_id": {"company"}, "distinct_id": {"acme"}})
	if len(grp) != 1 || normalize(grp[0]["$properties"].(map[string]any)["regions"]) != `["eu"]` {
		t.Errorf("group acme: %v", grp)
	}
}

type serviceAccount struct {
	Username string `json:"username"`
	Secret   string `json:"secret"`
}

func (s *server) serviceAccount(p project, name, role string) serviceAccount {
	s.t.Helper()
	code, b := s.do("POST", fmt.Sprintf("/api/projects/%d/service-accounts", p.ID), bearer(),
		[]byte(fmt.Sprintf(`{"name":%q,"role":%q}`, name, role)))
	if code != 201 {
		s.t.Fatalf("create service account: %d %s", code, b)
	}
	var sa serviceAccount
	if err := json.Unmarshal(b, &sa); err != nil {
		s.t.Fatal(err)
	}
	return sa
}

// engage queries profiles with the project's API secret.
func (s *server) engage(p project, q url.Values) []map[string]any {
	s.t.Helper()
	q.Set("project_id", fmt.Sprint(p.ID))
	h := basic(p.APISecret, "")
	code, b := s.do("GET", "/api/2.0/engage?"+q.Encode(), h, nil)
	if code != 200 {
		s.t.Fatalf("engage: %d %s", code, b)
	}
	var r struct {
		Results []map[string]any `json:"results"`
		Total   int              `json:"total"`
		Status  string           `json:"status"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Status != "ok" {
		s.t.Fatalf("engage reply %s: %v", b, err)
	}
	return r.Results
}
