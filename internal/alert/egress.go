package alert

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Webhook egress. A project admin chooses the webhook URL, so deliveries
// must not reach the server's own network: loopback, link-local (cloud
// metadata at 169.254.169.254), private, shared (100.64.0.0/10),
// unspecified and multicast addresses are refused unless the operator
// allows them (Options.AllowPrivateWebhooks, `--webhook-allow-private`).
// SetWebhook refuses a URL whose host is or resolves to such an address;
// every connection a delivery makes — to the first host and to each
// redirect — is checked again on the address actually dialled, so a name
// that later resolves elsewhere (DNS rebinding) or a redirect cannot get
// around it. Proxies from the environment are not used.

// errInternal is the dial error for a refused address.
var errInternal = errors.New("alert: the webhook resolves to an internal address (loopback, link-local, private or unspecified); the operator can allow them with --webhook-allow-private")

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// internalAddr reports whether a is an address webhooks may not reach.
func internalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return !a.IsValid() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsPrivate() || a.IsUnspecified() ||
		sharedSpace.Contains(a) || (a.Is4() && a.As4()[0] == 0)
}

// egressClient returns the webhook HTTP client: allowed decides, for every
// address about to be dialled, whether the connection may be made.
func egressClient(allowed func(netip.AddrPort) bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !allowed(ap) {
			return errInternal
		}
		return nil
	}}
	tr := &http.Transport{Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConns: 16, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("alert: the webhook redirected more than 3 times")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return errors.New("alert: the webhook redirected to a URL that is not http or https")
			}
			return nil
		}}
}

// defaultAllowed is the policy of egressClient for Options.
func defaultAllowed(allowPrivate bool) func(netip.AddrPort) bool {
	return func(ap netip.AddrPort) bool { return allowPrivate || !internalAddr(ap.Addr()) }
}

// checkHost refuses a webhook URL whose host is, or resolves to, an
// internal address (unless allowPrivate). A name that does not resolve
// now is accepted: deliveries check the address they dial.
func checkHost(ctx context.Context, u *url.URL, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if internalAddr(a) {
			return fmt.Errorf("%w: %v", ErrInvalid, errInternal)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if internalAddr(a) {
			return fmt.Errorf("%w: %v", ErrInvalid, errInternal)
		}
	}
	return nil
}

// CheckURL applies the webhook egress rules to a URL chosen by a project
// admin for another kind of outbound delivery (event forwarding): http or
// https, no credentials in it, at most 2000 bytes, and a host that is not
// and does not resolve to an internal address unless allowPrivate. The
// error wraps ErrInvalid.
func CheckURL(ctx context.Context, rawURL string, allowPrivate bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > 2000 || u.User != nil {
		return fmt.Errorf("%w: the URL must be http or https, without credentials, at most 2000 bytes", ErrInvalid)
	}
	return checkHost(ctx, u, allowPrivate)
}

// EgressClient returns an HTTP client that dials only addresses webhooks
// may reach (every address, also after redirects, unless allowPrivate).
func EgressClient(allowPrivate bool) *http.Client {
	return egressClient(defaultAllowed(allowPrivate))
}
