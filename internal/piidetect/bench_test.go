package piidetect

import "testing"

var benchRow = `{"$browser":"Chrome","$browser_version":131,"$current_url":"https://shop.example.com/orders/20261203-55512?page=2","$device_id":"0129ed32-1097-4fe8-a330-b99a2f87287b","$insert_id":"55Da69D0CeB80EC6FEb37BA68bfe66C0","$os":"Mac OS X","$screen_height":768,"$screen_width":1440,"plan":"pro","order_total":"1234.56","placed":"2026-12-03T14:05:00Z","$lib":"web","$lib_version":"2.55.0"}`

func BenchmarkHasPhoneRow(b *testing.B) {
	b.SetBytes(int64(len(benchRow)))
	for i := 0; i < b.N; i++ {
		if HasPhone(benchRow) {
			b.Fatal("found")
		}
	}
}

var benchPlain = `{"$browser":"Chrome","$current_url":"https://shop.example.com/cart?utm_source=x","$device_id":"0129ed32-1097-4fe8-a330-b99a2f87287b","$os":"Mac OS X","$screen_width":1440,"plan":"pro","seats":12,"placed":"2026-12-03T14:05:00Z","$lib":"web","$lib_version":"2.55.0"}`

func BenchmarkHasPhonePlainRow(b *testing.B) {
	b.SetBytes(int64(len(benchPlain)))
	for i := 0; i < b.N; i++ {
		if HasPhone(benchPlain) {
			b.Fatal("found")
		}
	}
}
