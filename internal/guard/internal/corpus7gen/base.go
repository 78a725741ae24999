package main

import (
	"fmt"
	"strings"
)

var hosts = []string{"app.lumenfold.io", "shop.birchandrye.com", "www.tidepool-games.net", "dash.quietharbor.dev", "portal.ostara-energy.eu", "m.kitebrook.jp", "studio.vellum.app"}

var paths = []string{"/", "/pricing", "/checkout/shipping", "/products/linen-shirt", "/blog/2026/11/release-notes", "/settings/billing", "/search", "/orders/history", "/onboarding/step-2", "/de/warenkorb", "/ja/products"}

// base returns the properties an SDK puts on every event, in the shape of
// one of several SDKs.
func (g *gen) base() map[string]any {
	t := g.when()
	p := map[string]any{
		"token":      Token,
		"time":       t.Unix(),
		"$insert_id": g.hex(16),
	}
	dev := g.uuid4()
	switch g.r.Intn(6) {
	case 0, 1: // mixpanel-js
		host := g.pick(hosts...)
		p["mp_lib"] = "web"
		p["$lib_version"] = fmt.Sprintf("2.%d.%d", 50+g.r.Intn(10), g.r.Intn(5))
		p["$browser"] = g.pick("Chrome", "Safari", "Firefox", "Microsoft Edge", "Samsung Internet")
		p["$browser_version"] = 110 + g.r.Intn(25)
		p["$os"] = g.pick("Windows", "Mac OS X", "iOS", "Android", "Linux")
		p["$current_url"] = "https://" + host + g.pick(paths...)
		p["$screen_height"] = g.r.Intn(600) + 600
		p["$screen_width"] = g.r.Intn(1200) + 360
		p["$device_id"] = dev
		p["distinct_id"] = "$device:" + dev
	case 2: // posthog-js
		host := g.pick(hosts...)
		p["$lib"] = "web"
		p["$lib_version"] = fmt.Sprintf("1.%d.%d", 180+g.r.Intn(30), g.r.Intn(9))
		p["$host"] = host
		p["$pathname"] = g.pick(paths...)
		p["$session_id"] = g.uuid7()
		p["$window_id"] = g.uuid7()
		p["$device_id"] = g.uuid7()
		p["distinct_id"] = g.uuid7()
	case 3: // iOS
		p["mp_lib"] = "swift"
		p["$os"] = "iOS"
		p["$os_version"] = g.pick("17.6.1", "18.1", "18.2", "26.1")
		p["$model"] = g.pick("iPhone15,3", "iPhone16,2", "iPhone17,1", "iPad14,5")
		p["$manufacturer"] = "Apple"
		p["$app_version_string"] = fmt.Sprintf("%d.%d.%d", 3+g.r.Intn(4), g.r.Intn(20), g.r.Intn(10))
		p["$app_build_number"] = fmt.Sprint(1000 + g.r.Intn(9000))
		p["$wifi"] = g.r.Intn(2) == 0
		p["$device_id"] = strings.ToUpper(dev)
		p["distinct_id"] = strings.ToUpper(dev)
	case 4: // Android
		p["mp_lib"] = "android"
		p["$os"] = "Android"
		p["$os_version"] = g.pick("13", "14", "15", "16")
		p["$model"] = g.pick("Pixel 8", "SM-S921B", "CPH2581", "moto g84 5G")
		p["$brand"] = g.pick("google", "samsung", "OnePlus", "motorola")
		p["$app_version_string"] = fmt.Sprintf("%d.%d.%d", 3+g.r.Intn(4), g.r.Intn(20), g.r.Intn(10))
		p["$carrier"] = g.pick("Vodafone", "T-Mobile", "Orange", "Jio", "NTT DOCOMO")
		p["$device_id"] = dev
		p["distinct_id"] = "u_" + g.digits(7)
	default: // server SDK
		p["mp_lib"] = g.pick("python", "node", "go", "ruby")
		p["$lib_version"] = fmt.Sprintf("%d.%d.%d", 1+g.r.Intn(4), g.r.Intn(12), g.r.Intn(9))
		p["distinct_id"] = g.pick("user_"+g.digits(6), g.uuid4(), "acct-"+g.digits(5))
	}
	return p
}
