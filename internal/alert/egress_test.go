package alert

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Webhooks may not reach loopback, link-local, private or unspecified
// addresses — by literal, by a name that resolves there, or by a redirect —
// unless the operator allows them.
func TestWebhookEgress(t *testing.T) {
	var hits atomic.Int64
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer internal.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(internal.URL, "http://"))

	a, _ := New(Options{})
	for _, u := range []string{
		"http://127.0.0.1:" + port + "/h", "http://[::1]/h", "http://169.254.169.254/latest/meta-data",
		"http://10.0.0.5/h", "http://192.168.1.1/h", "http://172.16.0.1/h", "http://0.0.0.0/h", "http://[fe80::1]/h",
		"http://[::ffff:127.0.0.1]/h", "http://[fd00::1]/h", "http://100.64.0.1/h", "http://localhost:" + port + "/h",
	} {
		if _, err := a.SetWebhook(1, u, ""); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "internal") {
			t.Errorf("SetWebhook(%s): %v", u, err)
		}
	}

	// Resolved at delivery (the name could change after SetWebhook, DNS
	// rebinding) and on every redirect: the dial itself refuses.
	c := a.opt.Client
	for _, u := range []string{internal.URL, "http://localhost:" + port} {
		resp, err := c.Post(u, "text/plain", nil)
		if err == nil {
			resp.Body.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "internal address") {
			t.Errorf("POST %s: %v", u, err)
		}
	}
	public := httptest.NewServer(http.RedirectHandler(internal.URL+"/x", http.StatusTemporaryRedirect))
	defer public.Close()
	// The redirector itself is on 127.0.0.1 too; dial it through a client
	// that allows only that one address, to see the redirect refused.
	c2 := egressClient(func(ap netip.AddrPort) bool { return public.URL == "http://"+ap.String() })
	resp, err := c2.Post(public.URL, "text/plain", nil)
	if err == nil {
		resp.Body.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "internal address") {
		t.Errorf("redirect to an internal address: %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the internal server got %d requests", hits.Load())
	}

	// The operator's flag allows them.
	ok, _ := New(Options{AllowPrivateWebhooks: true})
	if _, err := ok.SetWebhook(1, internal.URL+"/h", ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", internal.URL, nil)
	resp, err = ok.opt.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits.Load() != 1 {
		t.Errorf("allowed delivery: %d hits", hits.Load())
	}
}
