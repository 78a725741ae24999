package guard

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// refSecretWebhook is secretWebhook as it was before its ASCII fast
// path: the switch on the lower-cased host alone.
func refSecretWebhook(host, path string) bool {
	switch strings.ToLower(host) {
	case "hooks.slack.com":
		return strings.HasPrefix(path, "/services/") || strings.HasPrefix(path, "/workflows/")
	case "discord.com", "discordapp.com", "canary.discord.com", "ptb.discord.com":
		return strings.HasPrefix(path, "/api/webhooks/")
	case "outlook.office.com", "outlook.office365.com":
		return strings.HasPrefix(path, "/webhook/")
	case "api.telegram.org":
		p, ok := strings.CutPrefix(path, "/bot")
		if !ok {
			p, ok = strings.CutPrefix(path, "/file/bot")
		}
		c := strings.IndexByte(p, ':')
		return ok && c >= 6 && allDigits(p[:c]) && len(p)-c > 30
	}
	return false
}

// TestSecretWebhookHosts checks secretWebhook's host matching against the
// plain lower-case switch, on the names themselves in random case, on
// names one byte off, and on other hosts.
func TestSecretWebhookHosts(t *testing.T) {
	names := []string{"hooks.slack.com", "discord.com", "discordapp.com", "canary.discord.com", "ptb.discord.com",
		"outlook.office.com", "outlook.office365.com", "api.telegram.org"}
	paths := map[string]string{"hooks.slack.com": "/services/T0/B0/x", "discord.com": "/api/webhooks/1/x",
		"discordapp.com": "/api/webhooks/1/x", "canary.discord.com": "/api/webhooks/1/x", "ptb.discord.com": "/api/webhooks/1/x",
		"outlook.office.com": "/webhook/x", "outlook.office365.com": "/webhook/x",
		"api.telegram.org": "/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1/getMe"}
	r := rand.New(rand.NewPCG(7, 8))
	hosts := []string{"", "h", "www.google.com", "app.example.com", "hooks.slack.co", "discord.comx", "ptb.discord.co"}
	for n := 0; n < 20000; n++ {
		b := []byte(names[r.IntN(len(names))])
		for i := range b {
			if r.IntN(2) == 0 && b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 32
			}
		}
		switch r.IntN(4) {
		case 0:
			b[r.IntN(len(b))] = "ab.-Z9"[r.IntN(6)]
		case 1:
			b = b[:r.IntN(len(b))]
		}
		hosts = append(hosts, string(b))
	}
	matched := 0
	for _, h := range hosts {
		for _, name := range names {
			p := paths[name]
			want := refSecretWebhook(h, p)
			if got := secretWebhook(h, p); got != want {
				t.Fatalf("secretWebhook(%q, %q) = %v, want %v", h, p, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched < 1000 {
		t.Fatalf("only %d hosts matched: the test does not reach the names", matched)
	}
}

// TestNeedsDecode checks needsDecode against the two searches it replaces.
func TestNeedsDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for n := 0; n < 100000; n++ {
		b := make([]byte, r.IntN(70))
		for i := range b {
			b[i] = "ab%+ 1="[r.IntN(7)]
			if r.IntN(4) > 0 {
				b[i] = 'x'
			}
		}
		s := string(b)
		for _, plus := range []bool{false, true} {
			want := strings.IndexByte(s, '%') >= 0 || plus && strings.IndexByte(s, '+') >= 0
			if got := needsDecode(s, plus); got != want {
				t.Fatalf("needsDecode(%q, %v) = %v, want %v", s, plus, got, want)
			}
		}
	}
}

// TestParamBits: the key cache's parameter bits say what magicLinkParam
// and paramSpecial say, for every name either knows and for others, and
// plainName holds exactly for the names pair leaves as they are.
func TestParamBits(t *testing.T) {
	names := []string{"", "code", "auth_code", "authorization_code", "oauth_code", "sig", "signature",
		"x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential",
		"x-goog-security-token", "oauth_signature", "hmac", "policy", "jsessionid", "phpsessid", "sessionid",
		"session", "sid", "session_token", "ticket", "st", "key", "apikey", "api-key", "access-token",
		"accesstoken", "token", "t", "auth", "secret", "magic", "magic_token", "magictoken", "magic_link",
		"magiclink", "magic_code", "magic_link_token", "login_token", "logintoken", "signin_token",
		"sign_in_token", "login_link_token", "one_time_token", "onetimetoken", "ott", "email_token",
		"link_token", "auth_link", "utm_source", "q", "Code", "codes", "tokens", "ref"}
	for _, n := range names {
		det, min := paramSpecial(n)
		gotDet, gotMin := paramSpecialOf(paramBits(n))
		if det != gotDet || min != gotMin {
			t.Errorf("%q: paramSpecial %q %d, from bits %q %d", n, det, min, gotDet, gotMin)
		}
		if magicLinkParam(n) != (paramBits(n)&parMagic != 0) {
			t.Errorf("%q: magicLinkParam %v, bits %b", n, magicLinkParam(n), paramBits(n))
		}
	}
	for _, c := range []struct {
		n     string
		plain bool
	}{{"utm_source", true}, {"a-b.c[0]", true}, {"Utm", false}, {"a%20b", false}, {"", true},
		{strings.Repeat("a", 128), true}, {strings.Repeat("a", 129), false}} {
		if plainName(c.n) != c.plain {
			t.Errorf("plainName(%q) = %v", c.n, !c.plain)
		}
	}
}
