package main

import (
	"fmt"
	"math/rand"
	"net/url"
	"strconv"
)

// base sets what an SDK sends with every event: the lifted fields and the
// platform's default properties (mixpanel-js, the Swift, Android, React
// Native and Flutter SDKs, or a server library).
func base(r *rand.Rand, e *ev) {
	e.p["token"] = Token
	e.p["time"] = 1780000000 + r.Intn(18000000)
	e.p["$insert_id"] = randFrom(r, hexLower+"ABCDEF", 32)
	switch r.Intn(4) {
	case 0:
		e.p["distinct_id"] = uuid(r)
	case 1:
		e.p["distinct_id"] = "$device:" + uuid(r)
	case 2:
		e.p["distinct_id"] = strconv.Itoa(10000 + r.Intn(9000000))
	default:
		e.p["distinct_id"] = "usr_" + randFrom(r, alnum, 12)
	}
	switch r.Intn(6) {
	case 0, 1:
		e.p["mp_lib"] = "web"
		e.p["$lib_version"] = pick(r, "2.55.1", "2.56.0", "2.58.0")
		e.p["$browser"] = pick(r, "Chrome", "Safari", "Firefox", "Microsoft Edge", "Samsung Internet")
		e.p["$browser_version"] = 100 + r.Intn(32)
		e.p["$os"] = pick(r, "Mac OS X", "Windows", "Linux", "Android", "iOS")
		e.p["$current_url"] = "https://" + pick(r, "app.acme.io", "shop.example.de", "www.tienda.mx", "portal.example.co.uk") + pick(r, "/", "/checkout", "/settings/account", "/dashboard", "/search?q=shoes")
		e.p["$screen_height"] = pick2(r, 768, 900, 1080, 1440)
		e.p["$screen_width"] = pick2(r, 1366, 1440, 1920, 2560)
		e.p["$device_id"] = uuid(r)
	case 2:
		e.p["mp_lib"] = "swift"
		e.p["$lib_version"] = pick(r, "4.3.0", "4.2.7")
		e.p["$os"] = "iOS"
		e.p["$os_version"] = pick(r, "17.5", "18.1", "18.2")
		e.p["$model"] = pick(r, "iPhone15,2", "iPhone16,1", "iPad13,4")
		e.p["$manufacturer"] = "Apple"
		e.p["$app_version_string"] = fmt.Sprintf("5.%d.%d", r.Intn(20), r.Intn(10))
		e.p["$app_build_number"] = strconv.Itoa(5000 + r.Intn(999))
		e.p["$wifi"] = r.Intn(2) == 0
		e.p["$carrier"] = pick(r, "T-Mobile", "Vodafone", "Orange", "docomo", "")
		e.p["$radio"] = pick(r, "LTE", "5G", "None")
	case 3:
		e.p["mp_lib"] = "android"
		e.p["$lib_version"] = pick(r, "7.5.2", "8.0.0")
		e.p["$os"] = "Android"
		e.p["$os_version"] = pick(r, "13", "14", "15")
		e.p["$brand"] = pick(r, "samsung", "google", "xiaomi", "OnePlus")
		e.p["$model"] = pick(r, "SM-S918B", "Pixel 8", "2201116SG", "CPH2451")
		e.p["$screen_dpi"] = pick2(r, 420, 440, 480)
		e.p["$app_version_string"] = fmt.Sprintf("5.%d.%d", r.Intn(20), r.Intn(10))
		e.p["$google_play_services"] = "available"
		e.p["$bluetooth_enabled"] = r.Intn(2) == 0
	case 4:
		e.p["mp_lib"] = pick(r, "react-native", "flutter")
		e.p["$lib_version"] = pick(r, "3.0.8", "2.3.1")
		e.p["$os"] = pick(r, "iOS", "Android")
		e.p["$app_version_string"] = fmt.Sprintf("2.%d.%d", r.Intn(20), r.Intn(10))
	default:
		e.p["mp_lib"] = pick(r, "python", "node", "ruby", "go")
		e.p["$lib_version"] = pick(r, "4.10.1", "0.18.0", "2.3.0")
	}
}

func pick2(r *rand.Rand, xs ...int) int { return xs[r.Intn(len(xs))] }

func qesc(s string) string { return url.QueryEscape(s) }

func host(r *rand.Rand) string {
	return pick(r, "db.internal", "10.0.3.17", "pg-prod.acme.io", "cache-1.svc.cluster.local", "mq.example.net", "cluster0.x7kqe.mongodb.net")
}
