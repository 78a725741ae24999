package main

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// ---- SDK property sets ----

func (g *gen) webProps(p *obj, cur string) {
	ref := g.referrer()
	p.set("$os", g.pick(oses))
	p.set("$browser", g.pick(browsers))
	p.set("$referrer", ref)
	p.set("$referring_domain", domainOf(ref))
	p.set("$current_url", cur)
	p.set("$browser_version", g.between(100, 131))
	p.set("$screen_height", g.pick3([]int{768, 800, 844, 900, 1080, 1440}))
	p.set("$screen_width", g.pick3([]int{390, 1280, 1366, 1440, 1920, 2560}))
	p.set("mp_lib", "web")
	p.set("$lib_version", fmt.Sprintf("2.%d.%d", g.between(45, 60), g.between(0, 3)))
	p.set("$insert_id", g.cheapGUID())
	p.set("time", g.timeSeconds())
	id := g.distinctID()
	p.set("distinct_id", id)
	p.set("$device_id", g.uuid())
	if !strings.HasPrefix(id, "$device:") {
		p.set("$user_id", id)
	}
	if g.chance(0.3) {
		p.set("$initial_referrer", "$direct")
		p.set("$initial_referring_domain", "$direct")
	}
	if g.chance(0.3) {
		p.set("utm_source", g.pick(utmSources))
		p.set("utm_medium", g.pick(utmMediums))
		p.set("utm_campaign", g.pick(utmCampaigns))
	}
	if g.chance(0.2) {
		p.set("mp_sent_by_lib_version", p.get("$lib_version"))
	}
	p.set("token", Token)
	// The decoder lifts the top-level token; these copies reach the guard.
	switch g.r.IntN(12) {
	case 0:
		p.set("project_token", Token)
	case 1:
		p.set("sdk_config", o("token", Token, "api_host", "https://analytics."+g.pick(hostsBase), "batch_requests", true, "api_payload_format", "json"))
	case 2:
		p.set("mp_flags_url", "https://analytics."+g.pick(hostsBase)+"/flags/?context=%7B%22distinct_id%22%3A%22"+g.digitsN(6)+"%22%7D&token="+Token+"&mp_lib=web")
	}
}

func (g *gen) posthogProps(p *obj, cur string) {
	u, _ := url.Parse(cur)
	p.set("$os", g.pick(oses))
	p.set("$browser", g.pick(browsers))
	p.set("$device_type", g.pick([]string{"Desktop", "Mobile", "Tablet"}))
	p.set("$current_url", cur)
	p.set("$host", u.Host)
	p.set("$pathname", u.Path)
	p.set("$raw_user_agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"+fmt.Sprint(g.between(110, 131))+".0.0.0 Safari/537.36")
	p.set("$browser_version", g.between(110, 131))
	p.set("$browser_language", g.pick([]string{"en-US", "de-DE", "fr-FR", "es-ES", "ja-JP"}))
	p.set("$screen_height", 1080)
	p.set("$screen_width", 1920)
	p.set("$lib", "web")
	p.set("$lib_version", fmt.Sprintf("1.%d.%d", g.between(100, 200), g.between(0, 9)))
	p.set("$insert_id", g.chars(base36, 16))
	p.set("$time", g.timeSeconds())
	p.set("distinct_id", g.uuid7())
	p.set("$device_id", g.uuid7())
	p.set("$session_id", g.uuid7())
	p.set("$window_id", g.uuid7())
	p.set("$pageview_id", g.uuid7())
	p.set("$timezone", g.pick([]string{"Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/Madrid"}))
	p.set("token", Token)
}

func (g *gen) mobileProps(p *obj) {
	ios := g.chance(0.5)
	if ios {
		p.set("$os", "iOS")
		p.set("$os_version", fmt.Sprintf("17.%d.%d", g.between(0, 5), g.between(0, 2)))
		p.set("$manufacturer", "Apple")
		p.set("$model", g.pick([]string{"iPhone15,2", "iPhone14,7", "iPhone16,1", "iPad13,4"}))
		p.set("mp_lib", g.pick([]string{"swift", "iphone", "react-native", "flutter"}))
	} else {
		p.set("$os", "Android")
		p.set("$os_version", fmt.Sprint(g.between(11, 15)))
		p.set("$manufacturer", g.pick([]string{"samsung", "Google", "Xiaomi", "OnePlus"}))
		p.set("$brand", g.pick([]string{"samsung", "google", "Redmi"}))
		p.set("$model", g.pick([]string{"SM-S918B", "Pixel 8", "2201117TG", "CPH2449"}))
		p.set("mp_lib", g.pick([]string{"android", "react-native", "flutter"}))
		p.set("$google_play_services", "available")
		p.set("$bluetooth_enabled", g.chance(0.5))
	}
	p.set("$lib_version", fmt.Sprintf("%d.%d.%d", g.between(2, 7), g.between(0, 12), g.between(0, 5)))
	p.set("$app_version_string", fmt.Sprintf("%d.%d.%d", g.between(1, 9), g.between(0, 30), g.between(0, 9)))
	p.set("$app_build_number", fmt.Sprint(g.between(100, 9000)))
	p.set("$screen_height", g.pick3([]int{2340, 2532, 2778, 2400}))
	p.set("$screen_width", g.pick3([]int{1080, 1170, 1284}))
	if g.chance(0.15) {
		p.set("imei", g.imei())
	}
	p.set("$wifi", g.chance(0.6))
	p.set("$carrier", g.pick([]string{"T-Mobile", "Vodafone", "Orange", "Movistar", "docomo", ""}))
	p.set("$insert_id", g.uuid())
	p.set("time", g.timeMillis())
	p.set("distinct_id", g.distinctID())
	p.set("$device_id", g.uuid())
	p.set("token", Token)
}

func (g *gen) serverProps(p *obj) {
	switch g.r.IntN(4) {
	case 0:
		p.set("mp_lib", "python")
		p.set("$lib_version", "4.10.1")
		p.set("time", num(fmt.Sprintf("%d.%06d", g.now+int64(g.r.IntN(86400)), g.r.IntN(1000000))))
		p.set("$insert_id", g.hexN(32))
	case 1:
		p.set("mp_lib", "node")
		p.set("$lib_version", "0.18.0")
		p.set("time", g.timeMillis())
	case 2:
		p.set("mp_lib", "go")
		p.set("$lib_version", "1.2.1")
		p.set("time", g.timeMillis())
		p.set("$insert_id", g.uuid())
	default:
		p.set("mp_lib", "ruby")
		p.set("$lib_version", "2.3.0")
		p.set("time", num(fmt.Sprint(g.now+int64(g.r.IntN(86400)))))
	}
	p.set("distinct_id", g.distinctID())
	if g.chance(0.5) {
		p.set("ip", g.ip())
	}
	p.set("token", Token)
}

func (g *gen) ip() string {
	if g.chance(0.8) {
		return fmt.Sprintf("%d.%d.%d.%d", g.pick3([]int{81, 93, 185, 203, 198, 172, 10, 192}), g.between(0, 255), g.between(0, 255), g.between(1, 254))
	}
	return fmt.Sprintf("2001:db8:%x:%x::%x", g.r.IntN(65536), g.r.IntN(65536), g.r.IntN(65536))
}

func (g *gen) products(n int) []any {
	var out []any
	for range n {
		out = append(out, o("sku", strings.ToUpper(g.chars(upper, 3))+"-"+g.digitsN(5), "gtin", g.gtin(), "name", g.pick(productNames), "category", g.pick(categories),
			"price", num(fmt.Sprintf("%d.%02d", g.between(3, 400), g.r.IntN(100))), "quantity", g.between(1, 4),
			"variant", g.pick([]string{"blue / M", "black / 42", "250g", "default", "EU plug"})))
	}
	return out
}

// ---- clean base templates ----

type base struct {
	name   string
	weight int
	fn     func(g *gen) *event
}

var bases []base

func init() {
	bases = []base{
		{"pageview", 10, (*gen).basePageview},
		{"commerce", 10, (*gen).baseCommerce},
		{"search", 5, (*gen).baseSearch},
		{"auth", 8, (*gen).baseAuth},
		{"autotrack2017_click", 8, (*gen).baseAutotrackClick},
		{"autocapture2025", 8, (*gen).baseAutocapture},
		{"posthog_autocapture", 7, (*gen).basePosthogAutocapture},
		{"posthog_pageview", 4, (*gen).basePosthogPageview},
		{"mobile", 8, (*gen).baseMobile},
		{"server_billing", 5, (*gen).baseServerBilling},
		{"server_api_request", 6, (*gen).baseAPIRequest},
		{"error", 6, (*gen).baseError},
		{"llm", 4, (*gen).baseLLM},
		{"deploy", 3, (*gen).baseDeploy},
		{"upload", 4, (*gen).baseUpload},
		{"location", 3, (*gen).baseLocation},
		{"cli", 3, (*gen).baseCLI},
		{"experiment", 3, (*gen).baseExperiment},
		{"keys_settings", 5, (*gen).baseKeySettings},
		{"placeholders", 4, (*gen).basePlaceholders},
		{"listing", 3, (*gen).baseListing},
		{"support", 3, (*gen).baseSupport},
		{"email_campaign", 3, (*gen).baseEmailCampaign},
		{"social", 3, (*gen).baseSocial},
	}
}

func (g *gen) cleanEvent() *event {
	total := 0
	for _, b := range bases {
		total += b.weight
	}
	n := g.r.IntN(total)
	for _, b := range bases {
		if n < b.weight {
			e := b.fn(g)
			e.kind = b.name
			return e
		}
		n -= b.weight
	}
	panic("unreachable")
}

func (g *gen) basePageview() *event {
	cur := g.cleanURL()
	p := &obj{}
	g.webProps(p, cur)
	u, _ := url.Parse(cur)
	p.set("current_page_title", g.pick(titles))
	p.set("current_domain", u.Host)
	p.set("current_url_path", u.Path)
	p.set("current_url_protocol", "https:")
	if u.RawQuery != "" {
		p.set("current_url_search", "?"+u.RawQuery)
	}
	return &event{name: "$mp_web_page_view", props: p}
}

func (g *gen) baseCommerce() *event {
	p := &obj{}
	g.webProps(p, "https://"+g.host()+g.pick([]string{"/cart", "/checkout/payment", "/checkout/confirmation", "/products/trail-runner-2"}))
	name := g.pick([]string{"Product Viewed", "Added to Cart", "Checkout Started", "Order Completed", "Payment Info Entered"})
	items := g.products(g.between(1, 3))
	p.set("products", items)
	p.set("currency", g.pick([]string{"USD", "EUR", "GBP", "JPY"}))
	p.set("value", num(fmt.Sprintf("%d.%02d", g.between(10, 900), g.r.IntN(100))))
	if name == "Order Completed" || name == "Payment Info Entered" {
		p.set("order_id", g.cleanOrderNumber())
		pay := o("method", g.pick([]string{"card", "card", "paypal", "apple_pay", "sepa_debit", "klarna"}))
		if g.chance(0.7) {
			pay.set("card_brand", g.pick([]string{"visa", "mastercard", "amex"}))
			pay.set("card_last4", g.digitsN(4))
			pay.set("exp_month", g.between(1, 12))
			pay.set("exp_year", g.between(2025, 2031))
			pay.set("funding", g.pick([]string{"credit", "debit"}))
			pay.set("card_country", g.pick([]string{"US", "DE", "FR", "GB"}))
		}
		if g.chance(0.4) {
			pay.set("payment_method_id", "pm_1"+g.chars(base62, 23))
			pay.set("payment_intent", "pi_3"+g.chars(base62, 23))
		}
		if g.chance(0.3) {
			pay.set("stripe_publishable_key", g.pick([]string{"pk_live_", "pk_test_"})+"51"+g.chars(base62, 97))
		}
		p.set("payment", pay)
		p.set("shipping", o("method", g.pick([]string{"standard", "express", "pickup"}), "tracking_number", g.trackingNumber(), "country", g.pick([]string{"US", "DE", "ES", "FR", "JP"}), "zip", g.digitsN(5)))
		if g.chance(0.3) {
			p.set("payment_reference", g.rfReference())
		}
	}
	if g.chance(0.3) {
		p.set("coupon", g.pick([]string{"WELCOME10", "SPRING24", "FREESHIP", "VIP-2024"}))
	}
	return &event{name: name, props: p}
}

func (g *gen) baseSearch() *event {
	p := &obj{}
	q := g.pick(searchTerms)
	g.webProps(p, "https://"+g.host()+"/search?q="+url.QueryEscape(q))
	p.set("search_query", q)
	p.set("results_count", g.between(0, 500))
	p.set("filters", o("category", g.pick(categories), "in_stock", g.chance(0.5), "price_max", g.between(20, 500)))
	p.set("sort", g.pick([]string{"relevance", "price_asc", "newest"}))
	return &event{name: g.pick([]string{"Search", "Products Searched", "search_performed"}), props: p}
}

func (g *gen) baseAuth() *event {
	p := &obj{}
	path := g.pick([]string{"/login", "/signup", "/forgot-password", "/reset-password", "/account/security", "/reset-password?sent=1", "/forgot-password?email_sent=true"})
	g.webProps(p, "https://"+g.host()+path)
	name := g.pick([]string{"Login", "Signed Up", "Password Reset Requested", "Password Changed", "2FA Enabled", "Login Failed", "Logout"})
	p.set("login_method", g.pick([]string{"password", "google", "sso", "magic_link", "passkey"}))
	adds := [][2]any{
		{"has_password", g.chance(0.7)},
		{"password_strength", g.pick([]string{"weak", "medium", "strong", "very_strong"})},
		{"password_score", g.between(0, 4)},
		{"password_changed_at", fmt.Sprintf("2024-%02d-%02dT%02d:%02d:00Z", g.between(1, 12), g.between(1, 28), g.between(0, 23), g.between(0, 59))},
		{"password_length", g.between(8, 32)},
		{"password", g.chance(0.5)},
		{"password_set", true},
		{"show_password", g.chance(0.5)},
		{"password_visible", false},
		{"password_manager", g.pick([]string{"1Password", "Bitwarden", "iCloud Keychain", "none"})},
		{"passwordless", g.chance(0.3)},
		{"pin_enabled", g.chance(0.3)},
		{"pin", false},
		{"mfa_method", g.pick([]string{"totp", "sms", "webauthn", "none"})},
		{"remember_me", g.chance(0.5)},
		{"reset_link_sent", true},
		{"failure_reason", g.pick([]string{"invalid_password", "account_locked", "mfa_required", "password_expired"})},
		{"token_type", "Bearer"},
		{"token_expires_in", 3600},
		{"session_length_days", 30},
		{"access_token_expires_at", g.timeMillis()},
		{"credential_type", g.pick([]string{"password", "passkey", "oauth"})},
		{"secret_question_set", g.chance(0.5)},
	}
	g.r.Shuffle(len(adds), func(i, j int) { adds[i], adds[j] = adds[j], adds[i] })
	for _, a := range adds[:g.between(3, 8)] {
		p.set(a[0].(string), a[1])
	}
	return &event{name: name, props: p}
}

func (g *gen) element2017(tag string, text string) *obj {
	cls := []string{}
	for range g.between(0, 3) {
		cls = append(cls, g.pick(cssClasses))
	}
	e := o("tag_name", tag, "classes", cls)
	if len(cls) > 0 {
		e.set("attr__class", strings.Join(cls, " "))
	}
	switch tag {
	case "a":
		e.set("attr__href", g.pick(pagePaths)+g.cleanQuery())
	case "button":
		e.set("attr__type", g.pick([]string{"button", "submit"}))
		if g.chance(0.3) {
			e.set("attr__aria-label", g.pick(buttonTexts))
		}
	case "form":
		e.set("attr__action", g.pick([]string{"/session", "/cart/add", "/search", "/account"}))
		e.set("attr__method", "post")
		e.set("attr__id", g.pick([]string{"login-form", "cart-form", "search", "settings-form"}))
	case "img":
		e.set("attr__src", "https://cdn."+g.pick(hostsBase)+"/img/"+g.hexN(12)+".webp")
		e.set("attr__alt", g.pick(productNames))
	}
	if g.chance(0.25) {
		e.set("attr__data-testid", g.pick([]string{"cta", "nav-item", "product-card", "buy-button", "toggle-password-visibility"}))
	}
	if g.chance(0.15) {
		e.set("attr__data-reactid", fmt.Sprintf(".0.%d.%d", g.between(0, 9), g.between(0, 9)))
	}
	if g.chance(0.1) {
		e.set("attr__style", "display: flex; gap: 8px;")
	}
	e.set("nth_child", g.between(1, 8))
	e.set("nth_of_type", g.between(1, 4))
	_ = text
	return e
}

// chain2017 builds a clickable element chain (target first, up to body).
func (g *gen) chain2017() ([]any, string, string) {
	target := g.pick([]string{"button", "a", "span", "div", "li", "img", "svg", "label"})
	text := g.pick(buttonTexts)
	els := []any{g.element2017(target, text)}
	href := ""
	if target == "a" {
		href = els[0].(*obj).get("attr__href").(string)
	}
	for range g.between(1, 5) {
		t := g.pick([]string{"div", "div", "li", "ul", "nav", "section", "header", "form", "a", "main"})
		el := g.element2017(t, "")
		if t == "a" && href == "" {
			href = el.get("attr__href").(string)
		}
		els = append(els, el)
	}
	return els, text, href
}

func (g *gen) autotrack2017Props(p *obj, evType string) {
	cur := g.cleanURL()
	u, _ := url.Parse(cur)
	p.set("$event_type", evType)
	p.set("$ce_version", 1)
	p.set("$host", u.Host)
	p.set("$pathname", u.Path)
	g.webProps(p, cur)
	p.set("$lib_version", fmt.Sprintf("2.%d.%d", g.between(10, 15), g.between(0, 3)))
}

func (g *gen) baseAutotrackClick() *event {
	p := &obj{}
	g.autotrack2017Props(p, "click")
	els, text, href := g.chain2017()
	p.set("$elements", els)
	if href != "" {
		p.set("$el_attr__href", href)
	}
	p.set("$el_text", text)
	return &event{name: "$web_event", props: p}
}

func (g *gen) element2025(tag string) *obj {
	cls := []string{}
	for range g.between(1, 3) {
		cls = append(cls, g.pick(cssClasses))
	}
	e := o("$classes", cls, "$tag_name", tag)
	if g.chance(0.3) {
		e.set("$id", g.pick([]string{"main-cta", "nav", "search", "checkout-button", "root", "app", "footer"}))
	}
	switch tag {
	case "a":
		e.set("$attr-href", "https://"+g.host()+g.pick(pagePaths))
	case "button":
		e.set("$attr-type", "button")
		if g.chance(0.4) {
			e.set("$attr-aria-label", g.pick(buttonTexts))
		}
	}
	if g.chance(0.2) {
		e.set("$attr-role", g.pick([]string{"button", "link", "menuitem", "tab"}))
	}
	e.set("$nth_child", g.between(1, 8))
	e.set("$nth_of_type", g.between(1, 4))
	return e
}

func (g *gen) autocapture2025Props(p *obj, evType string, cur string) []any {
	u, _ := url.Parse(cur)
	target := g.pick([]string{"button", "a", "span", "div", "svg"})
	els := []any{g.element2025(target)}
	for range g.between(1, 5) {
		els = append(els, g.element2025(g.pick([]string{"div", "div", "li", "nav", "section", "main"})))
	}
	p.set("$event_type", evType)
	p.set("$host", u.Host)
	p.set("$pathname", u.Path)
	p.set("$elements", els)
	if href, ok := els[0].(*obj).get("$attr-href").(string); ok {
		p.set("$el_attr__href", href)
	}
	p.set("$innerHeight", g.between(600, 1300))
	p.set("$innerWidth", g.between(360, 2500))
	if g.chance(0.5) {
		p.set("$el_text", g.pick(buttonTexts))
	}
	p.set("$target", els[0])
	p.set("$el_classes", els[0].(*obj).get("$classes"))
	p.set("$el_tag_name", target)
	if evType == "click" {
		x, y := g.between(0, 1900), g.between(0, 1000)
		p.set("$clientX", x)
		p.set("$clientY", y)
		p.set("$pageX", x)
		p.set("$pageY", y+g.between(0, 3000))
	}
	p.set("$mp_autocapture", true)
	return els
}

func (g *gen) baseAutocapture() *event {
	p := &obj{}
	cur := g.cleanURL()
	name := g.pick([]string{"$mp_click", "$mp_click", "$mp_rage_click", "$mp_dead_click", "$mp_submit", "$mp_scroll", "$mp_input_change"})
	switch name {
	case "$mp_scroll":
		p.set("$scroll_percentage", g.pick3([]int{25, 50, 75, 100}))
		p.set("$scroll_height", g.between(1000, 9000))
		p.set("$scroll_top", g.between(0, 8000))
		p.set("$mp_autocapture", true)
	case "$mp_input_change":
		u, _ := url.Parse(cur)
		el := o("$classes", []string{"form-control", "search-input"}, "$tag_name", "input", "$id", "search", "$nth_child", 1, "$nth_of_type", 1)
		p.set("$event_type", "change")
		p.set("$host", u.Host)
		p.set("$pathname", u.Path)
		p.set("$elements", []any{el, g.element2025("form"), g.element2025("div")})
		p.set("$target", el)
		p.set("$el_tag_name", "input")
		p.set("$mp_autocapture", true)
	default:
		ev := "click"
		if name == "$mp_submit" {
			ev = "submit"
		}
		g.autocapture2025Props(p, ev, cur)
	}
	g.webProps(p, cur)
	return &event{name: name, props: p}
}

func chainAttrEscape(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }

// phElement is one element of a PostHog elements chain.
type phElement struct {
	tag     string
	classes []string
	attrs   [][2]string
	text    string
	nth     int
}

func (e phElement) String() string {
	var sb strings.Builder
	sb.WriteString(e.tag)
	for _, c := range e.classes {
		sb.WriteString("." + strings.ReplaceAll(c, `"`, ""))
	}
	sb.WriteString(":")
	if e.text != "" {
		sb.WriteString(`text="` + chainAttrEscape(e.text) + `"`)
	}
	for _, a := range e.attrs {
		sb.WriteString(a[0] + `="` + chainAttrEscape(a[1]) + `"`)
	}
	fmt.Fprintf(&sb, `nth-child="%d"nth-of-type="1"`, e.nth)
	return sb.String()
}

func (g *gen) phChain(els []phElement) string {
	var parts []string
	for _, e := range els {
		parts = append(parts, e.String())
	}
	return strings.Join(parts, ";")
}

func (g *gen) phCleanElements() []phElement {
	t := g.pick([]string{"button", "a", "span", "div"})
	first := phElement{tag: t, classes: []string{g.pick(cssClasses)}, nth: g.between(1, 6)}
	if t == "button" || t == "span" {
		first.text = g.pick(buttonTexts)
	}
	if t == "a" {
		first.attrs = append(first.attrs, [2]string{"attr__href", g.pick(pagePaths)})
		first.text = g.pick(buttonTexts)
	}
	first.attrs = append(first.attrs, [2]string{"attr__class", strings.Join(first.classes, " ")})
	els := []phElement{first}
	for range g.between(1, 4) {
		c := g.pick(cssClasses)
		els = append(els, phElement{tag: g.pick([]string{"div", "li", "nav", "section", "form", "main"}), classes: []string{c}, attrs: [][2]string{{"attr__class", c}}, nth: g.between(1, 5)})
	}
	return els
}

func (g *gen) basePosthogAutocapture() *event {
	p := &obj{}
	cur := g.cleanURL()
	g.posthogProps(p, cur)
	els := g.phCleanElements()
	p.set("$event_type", "click")
	p.set("$ce_version", 1)
	p.set("$elements_chain", g.phChain(els))
	if els[0].text != "" {
		p.set("$el_text", els[0].text)
	}
	if g.chance(0.4) {
		var arr []any
		for _, e := range els {
			x := o("tag_name", e.tag, "nth_child", e.nth, "nth_of_type", 1, "classes", e.classes)
			for _, a := range e.attrs {
				x.set(a[0], a[1])
			}
			if e.text != "" {
				x.set("$el_text", e.text)
			}
			arr = append(arr, x)
		}
		p.set("$elements", arr)
	}
	return &event{name: "$autocapture", props: p}
}

func (g *gen) basePosthogPageview() *event {
	p := &obj{}
	g.posthogProps(p, g.cleanURL())
	p.set("$referrer", g.referrer())
	p.set("$referring_domain", domainOf(p.get("$referrer").(string)))
	p.set("title", g.pick(titles))
	if g.chance(0.5) {
		p.set("$prev_pageview_pathname", g.pick(pagePaths))
		p.set("$prev_pageview_duration", g.between(1, 600))
	}
	if g.chance(0.4) {
		p.set("$active_feature_flags", []string{"new-checkout", "beta-reports"})
		p.set("$feature/new-checkout", g.pick([]string{"control", "test"}))
	}
	return &event{name: g.pick([]string{"$pageview", "$pageleave"}), props: p}
}

func (g *gen) baseMobile() *event {
	p := &obj{}
	g.mobileProps(p)
	switch g.r.IntN(4) {
	case 0:
		p.set("screen_name", g.pick([]string{"Home", "ProductDetail", "Cart", "Settings", "ChangePin", "Login"}))
		return &event{name: "Screen Viewed", props: p}
	case 1:
		p.set("product_id", "com.acme.pro."+g.pick([]string{"monthly", "yearly"}))
		p.set("transaction_id", "2000000"+g.digitsN(9))
		p.set("original_transaction_id", "2000000"+g.digitsN(9))
		p.set("price", num(fmt.Sprintf("%d.99", g.between(1, 79))))
		p.set("currency", "EUR")
		return &event{name: "In-App Purchase", props: p}
	case 2:
		p.set("campaign_id", g.digitsN(7))
		p.set("message_id", g.hexN(24))
		p.set("push_token_registered", true)
		return &event{name: "Push Notification Opened", props: p}
	}
	p.set("launch_type", g.pick([]string{"cold", "warm"}))
	p.set("startup_ms", g.between(200, 3000))
	p.set("biometrics_enabled", g.chance(0.5))
	p.set("pin_set", g.chance(0.5))
	return &event{name: "App Opened", props: p}
}

func (g *gen) baseServerBilling() *event {
	p := &obj{}
	g.serverProps(p)
	p.set("plan", g.pick([]string{"starter", "pro", "enterprise"}))
	p.set("amount", g.between(900, 99900))
	p.set("currency", "usd")
	p.set("stripe_customer", "cus_"+g.chars(base62, 14))
	p.set("subscription_id", "sub_1"+g.chars(base62, 23))
	p.set("invoice_id", "in_1"+g.chars(base62, 23))
	p.set("invoice_number", fmt.Sprintf("%s-%04d", strings.ToUpper(g.chars(upper+digits, 8)), g.between(1, 9999)))
	p.set("period_start", g.timeMillis())
	p.set("seats", g.between(1, 250))
	return &event{name: g.pick([]string{"Subscription Renewed", "Invoice Paid", "Plan Upgraded", "Trial Started"}), props: p}
}

func (g *gen) baseAPIRequest() *event {
	p := &obj{}
	g.serverProps(p)
	route := g.pick([]string{"/v1/orders/{id}", "/v1/customers", "/v2/events", "/v1/auth/token", "/v1/password/reset", "/api/keys", "/graphql"})
	p.set("method", g.pick([]string{"GET", "POST", "PATCH", "DELETE"}))
	p.set("route", route)
	p.set("url", "https://api."+g.pick(hostsBase)+strings.ReplaceAll(route, "{id}", g.cleanOrderNumber())+g.pick([]string{"", "?expand=items", "?limit=50&starting_after=ord_" + g.chars(base62, 14)}))
	p.set("status_code", g.pick3([]int{200, 200, 201, 204, 400, 401, 404, 429, 500}))
	p.set("duration_ms", g.between(3, 4000))
	p.set("request_id", "req_"+g.chars(base62, 14))
	tid, sid := g.hexN(32), g.hexN(16)
	p.set("trace_id", tid)
	p.set("span_id", sid)
	hdr := o("content-type", "application/json", "user-agent", g.pick([]string{"okhttp/4.12.0", "python-requests/2.32.3", "axios/1.7.2", "Go-http-client/2.0"}), "x-request-id", g.uuid(), "traceparent", "00-"+tid+"-"+sid+"-01", "accept-language", "en-US,en;q=0.9")
	if g.chance(0.3) {
		hdr.set("idempotency-key", g.uuid())
	}
	if g.chance(0.15) {
		hdr.set("authorization", g.pick([]string{"[REDACTED]", "Bearer <token>", "Bearer ${ACCESS_TOKEN}", "Bearer ***"}))
	}
	p.set("headers", hdr)
	p.set("response_bytes", g.between(0, 200000))
	if g.chance(0.3) {
		p.set("rate_limit", o("limit", 1000, "remaining", g.between(0, 1000), "reset", g.timeMillis()))
	}
	return &event{name: "API Request", props: p}
}

func (g *gen) baseError() *event {
	p := &obj{}
	if g.chance(0.5) {
		g.posthogProps(p, g.cleanURL())
		msg := g.pick(errorsClean)
		typ := strings.SplitN(msg, ":", 2)[0]
		if len(typ) > 30 {
			typ = "Error"
		}
		frames := []any{}
		for range g.between(1, 4) {
			frames = append(frames, o("filename", "https://cdn."+g.pick(hostsBase)+"/assets/app."+g.hexN(8)+".js", "function", g.pick([]string{"onClick", "render", "fetchOrders", "Object.<anonymous>", "processQueue"}), "lineno", g.between(1, 9), "colno", g.between(100, 90000), "in_app", true))
		}
		p.set("$exception_list", []any{o("type", typ, "value", msg, "mechanism", o("handled", false, "type", "onerror"), "stacktrace", o("type", "raw", "frames", frames))})
		p.set("$exception_fingerprint", g.hexN(40))
		return &event{name: "$exception", props: p}
	}
	g.webProps(p, g.cleanURL())
	p.set("error_message", g.pick(errorsClean))
	p.set("error_code", g.pick([]string{"E_NETWORK", "card_declined", "invalid_request_error", "ERR_CHUNK_LOAD", "password_too_short"}))
	p.set("stack", "at fetchOrders (https://cdn."+g.pick(hostsBase)+"/app."+g.hexN(8)+".js:1:"+fmt.Sprint(g.between(100, 90000))+")\n    at async Promise.all (index 0)")
	p.set("component", g.pick([]string{"CheckoutForm", "LoginForm", "PinPad", "ApiKeyList"}))
	return &event{name: "Error", props: p}
}

func (g *gen) baseLLM() *event {
	p := &obj{}
	g.serverProps(p)
	p.set("$ai_model", g.pick([]string{"gpt-4o-mini", "claude-3-5-sonnet-20241022", "llama-3.1-70b", "mistral-large"}))
	p.set("$ai_provider", g.pick([]string{"openai", "anthropic", "together"}))
	p.set("max_tokens", g.pick3([]int{256, 1024, 4096, 8192}))
	p.set("temperature", num(fmt.Sprintf("0.%d", g.between(0, 9))))
	p.set("prompt_tokens", g.between(10, 8000))
	p.set("completion_tokens", g.between(1, 4000))
	p.set("token_count", g.between(10, 12000))
	p.set("tokens_used", g.between(10, 12000))
	p.set("$ai_trace_id", g.uuid())
	p.set("latency_ms", g.between(200, 30000))
	p.set("finish_reason", g.pick([]string{"stop", "length", "tool_calls"}))
	p.set("stream", g.chance(0.5))
	return &event{name: g.pick([]string{"$ai_generation", "AI Completion", "LLM Call"}), props: p}
}

func (g *gen) baseDeploy() *event {
	p := &obj{}
	g.serverProps(p)
	sha := g.hexN(40)
	p.set("commit_sha", sha)
	p.set("short_sha", sha[:7])
	p.set("branch", g.pick([]string{"main", "release/2024.06", "feat/password-strength-meter", "fix/token-refresh"}))
	p.set("build_number", g.between(100, 99999))
	p.set("image_digest", "sha256:"+g.hexN(64))
	p.set("artifact_md5", g.hexN(32))
	p.set("version", fmt.Sprintf("v%d.%d.%d", g.between(1, 5), g.between(0, 40), g.between(0, 20)))
	p.set("repo_url", "https://github.com/"+g.pick([]string{"acme", "globex", "initech"})+"/"+g.pick([]string{"web", "api", "mobile"}))
	p.set("environment", g.pick([]string{"production", "staging"}))
	p.set("release", "web@"+fmt.Sprint(g.between(1, 9))+"."+fmt.Sprint(g.between(0, 30))+".0+"+sha[:9])
	return &event{name: "Deployment Finished", props: p}
}

func (g *gen) baseUpload() *event {
	p := &obj{}
	g.webProps(p, "https://"+g.host()+"/files")
	p.set("file_name", g.pick([]string{"invoice.pdf", "avatar.png", "passwords-policy.docx", "keys.png", "export.csv"}))
	p.set("mime_type", g.pick([]string{"image/png", "application/pdf", "text/csv", "image/jpeg"}))
	p.set("size_bytes", g.between(1000, 50000000))
	p.set("md5", g.hexN(32))
	p.set("sha256", g.hexN(64))
	p.set("etag", `"`+g.hexN(32)+`"`)
	p.set("s3_key", "uploads/"+fmt.Sprint(g.between(2020, 2025))+"/"+g.uuid()+".png")
	p.set("bucket", "acme-user-uploads")
	if g.chance(0.6) {
		png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), g.bytes(g.between(40, 120))...)
		p.set("thumbnail", "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png))
	}
	if g.chance(0.5) {
		p.set("blurhash", "L"+g.chars(base62+"#$%*+,-.:;=?@[]^_{|}~", 27))
	}
	p.set("width", g.between(32, 4000))
	p.set("height", g.between(32, 4000))
	p.set("integrity", "sha384-"+base64.StdEncoding.EncodeToString(g.bytes(48)))
	return &event{name: "File Uploaded", props: p}
}

func (g *gen) baseLocation() *event {
	p := &obj{}
	g.mobileProps(p)
	lat := fmt.Sprintf("%d.%06d", g.between(-40, 60), g.r.IntN(1000000))
	lng := fmt.Sprintf("%d.%06d", g.between(-120, 140), g.r.IntN(1000000))
	p.set("$latitude", num(lat))
	p.set("$longitude", num(lng))
	p.set("accuracy_m", g.between(3, 100))
	p.set("coordinates", lat+","+lng)
	p.set("geohash", g.chars("0123456789bcdefghjkmnpqrstuvwxyz", 9))
	p.set("ip", g.ip())
	p.set("$city", g.pick([]string{"Berlin", "Madrid", "Paris", "Tokyo", "Austin"}))
	p.set("mp_country_code", g.pick([]string{"DE", "ES", "FR", "JP", "US"}))
	return &event{name: "Store Locator Used", props: p}
}

func (g *gen) baseCLI() *event {
	p := &obj{}
	g.serverProps(p)
	p.set("command", g.pick([]string{"deploy --prod", "login", "keys list", "secrets sync --dry-run", "db migrate"}))
	p.set("pwd", g.pick([]string{"/home/app", "/srv/www/current", "/Users/dev/code/web", "C:\\Users\\dev\\proj"}))
	p.set("cwd", "/home/app")
	p.set("shell", g.pick([]string{"/bin/zsh", "/bin/bash", "pwsh"}))
	p.set("node_version", "v"+fmt.Sprint(g.between(18, 22))+".11.0")
	p.set("env", o("NODE_ENV", "production", "PWD", "/srv/app", "HOME", "/home/app", "LANG", "en_US.UTF-8", "CI", "true", "TERM", "xterm-256color"))
	p.set("api_key_configured", true)
	p.set("config_path", "~/.acme/config.json")
	p.set("exit_code", g.pick3([]int{0, 0, 1, 2}))
	return &event{name: "CLI Command Run", props: p}
}

func (g *gen) baseExperiment() *event {
	p := &obj{}
	g.webProps(p, g.cleanURL())
	p.set("Experiment name", g.pick([]string{"checkout-redesign", "password-strength-meter", "pin-login", "secret-sale-banner"}))
	p.set("Variant name", g.pick([]string{"control", "variant_a", "variant_b"}))
	p.set("$experiment_id", g.between(1000, 99999))
	p.set("bucket_key", g.uuid())
	return &event{name: "$experiment_started", props: p}
}

func (g *gen) baseKeySettings() *event {
	p := &obj{}
	g.webProps(p, "https://"+g.host()+g.pick([]string{"/settings/api-keys", "/settings/sso", "/settings/ssh-keys", "/settings/integrations"}))
	switch g.r.IntN(5) {
	case 0:
		p.set("api_key_id", "key_"+g.chars(base62, 20))
		p.set("api_key_name", g.pick([]string{"CI deploy", "Zapier", "staging", "Reporting export"}))
		p.set("api_key_last4", g.chars(base62, 4))
		p.set("scopes", []string{"read:orders", "write:events"})
		p.set("expires_at", "2025-12-31")
		return &event{name: "API Key Created", props: p}
	case 1:
		p.set("public_key", g.sshPublicKey())
		p.set("fingerprint", "SHA256:"+base64.RawStdEncoding.EncodeToString(g.bytes(32)))
		return &event{name: "SSH Key Added", props: p}
	case 2:
		p.set("idp_certificate", g.certificatePEM())
		p.set("entity_id", "https://idp."+g.pick(hostsBase)+"/saml/metadata")
		p.set("acs_url", "https://"+g.host()+"/sso/saml/acs")
		return &event{name: "SSO Configured", props: p}
	case 3:
		p.set("public_key", g.publicKeyPEM())
		p.set("key_id", "kid-"+fmt.Sprint(g.between(2021, 2025))+"-"+g.digitsN(2))
		p.set("jwks", `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k1","x":"`+base64.RawURLEncoding.EncodeToString(g.bytes(32))+`"}]}`)
		return &event{name: "Signing Key Rotated", props: p}
	}
	p.set("stripe_publishable_key", "pk_live_51"+g.chars(base62, 97))
	p.set("google_client_id", g.digitsN(12)+"-"+g.chars(digits+lower, 32)+".apps.googleusercontent.com")
	p.set("webhook_url", "https://"+g.host()+"/webhooks/stripe")
	p.set("integration", g.pick([]string{"stripe", "google", "slack"}))
	return &event{name: "Integration Connected", props: p}
}

func (g *gen) basePlaceholders() *event {
	p := &obj{}
	g.webProps(p, "https://docs."+g.pick(hostsBase)+g.pick([]string{"/docs/api/authentication", "/docs/sdk/javascript", "/docs/webhooks"}))
	opts := [][2]string{
		{"snippet", "curl -H 'Authorization: Bearer YOUR_API_KEY' https://api.example.com/v1/orders"},
		{"api_key", "YOUR_API_KEY"},
		{"secret", "${SECRET}"},
		{"auth_token", "<token>"},
		{"password", "********"},
		{"client_secret", "{{CLIENT_SECRET}}"},
		{"env_template", "STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\nDATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DB"},
		{"card_number", "xxxx-xxxx-xxxx-xxxx"},
		{"sample_key", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"},
		{"access_token", "REPLACE_ME"},
		{"private_key", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"},
		{"iban", "DEkk bbbb bbbb cccc cccc cc"},
		{"ssn", "XXX-XX-XXXX"},
		{"token_placeholder", "xxxx-xxxx"},
		{"api_key_hint", "sk-...abcd"},
	}
	g.r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	for _, kv := range opts[:g.between(2, 5)] {
		p.set(kv[0], kv[1])
	}
	p.set("snippet_language", g.pick([]string{"curl", "javascript", "python", "go"}))
	return &event{name: "Docs Snippet Copied", props: p}
}

func (g *gen) baseListing() *event {
	p := &obj{}
	g.webProps(p, g.cleanURL())
	p.set("page", g.between(1, 50))
	p.set("per_page", 25)
	p.set("next_page_token", base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"offset":%d,"sort":"created_at"}`, g.between(25, 5000)))))
	p.set("cursor", base64.StdEncoding.EncodeToString([]byte("created_at:"+fmt.Sprint(g.now*1000))))
	p.set("sort_key", g.pick([]string{"created_at", "price", "name"}))
	p.set("cache_key", "list:"+g.chars(lower, 6)+":"+fmt.Sprint(g.between(1, 99)))
	p.set("total", g.between(0, 100000))
	p.set("key", g.pick([]string{"Enter", "ArrowDown", "Escape", "Tab"}))
	return &event{name: "List Viewed", props: p}
}

func (g *gen) baseSupport() *event {
	p := &obj{}
	g.webProps(p, "https://"+g.host()+"/help")
	p.set("message", g.pick([]string{
		"Hi, my order #" + g.digitsN(8) + " hasn't arrived, tracking " + g.trackingNumber(),
		"How do I reset my password? The link in the email expired.",
		"Can I change my PIN from the app?",
		"Where do I find my API key in the dashboard?",
		"The checkout page says my card was declined but I was charged",
		"Please update my billing address to 12 Rue de Rivoli, 75001 Paris",
	}))
	p.set("conversation_id", g.uuid())
	p.set("channel", g.pick([]string{"chat", "email_form", "in_app"}))
	p.set("sentiment", g.pick([]string{"neutral", "negative", "positive"}))
	return &event{name: "Support Message Sent", props: p}
}

func (g *gen) baseEmailCampaign() *event {
	p := &obj{}
	g.serverProps(p)
	p.set("campaign_id", g.digitsN(6))
	p.set("template", g.pick([]string{"password-reset", "welcome", "order-shipped", "pin-changed", "new-login"}))
	p.set("link_clicked", "https://"+g.host()+g.pick([]string{"/reset-password", "/orders", "/account/security", "/unsubscribe/confirm"}))
	p.set("message_id", g.hexN(32))
	p.set("opened_at", g.timeMillis())
	return &event{name: g.pick([]string{"Email Opened", "Email Link Clicked"}), props: p}
}

// gtin is an EAN-13 with its own check digit; ones starting with 4 (German
// prefixes, also a Visa IIN) are kept only when they fail Luhn.
func (g *gen) gtin() string {
	for {
		s := g.pick([]string{"40", "42", "50", "76", "80", "87", "00", "03", "45", "49"}) + g.digitsN(10)
		sum := 0
		for i := 0; i < 12; i++ {
			d := int(s[i] - '0')
			if i%2 == 1 {
				d *= 3
			}
			sum += d
		}
		s += fmt.Sprint((10 - sum%10) % 10)
		if !cardLike(s) {
			return s
		}
	}
}

// imei is a Luhn-valid 15-digit device identifier (not a card length for its prefix).
func (g *gen) imei() string {
	return luhnComplete(g.pick([]string{"35", "86", "01", "99"}) + g.digitsN(12))
}

func (g *gen) baseSocial() *event {
	p := &obj{}
	g.webProps(p, g.cleanURL())
	p.set("network", g.pick([]string{"x", "discord", "mastodon", "reddit"}))
	p.set("post_id", "1"+g.digitsN(18))
	p.set("channel_id", "1"+g.digitsN(17))
	p.set("share_url", "https://"+g.host()+"/s/"+g.chars(base62, 8))
	p.set("isbn", "978-"+g.digitsN(1)+"-"+g.digitsN(2)+"-"+g.digitsN(6)+"-"+g.digitsN(1))
	p.set("color", "#"+g.hexN(6))
	return &event{name: g.pick([]string{"Content Shared", "Post Liked"}), props: p}
}
