package pii

import "testing"

var benchProps = []byte(`{"$browser":"Chrome","$current_url":"https://shop.example.com/cart?utm_source=x","$os":"Mac OS X","$screen_width":1440,"plan":"pro","seats":12,"nested":{"a":[1,"x"],"b":true},"$lib":"web","$lib_version":"2.55.0"}`)

var benchPII = []byte(`{"$browser":"Chrome","$current_url":"https://shop.example.com/cart","plan":"pro","email":"ann@example.com","seats":12}`)

func BenchmarkMaskNoPII(b *testing.B) {
	m := New([]byte("k"), []string{"email"}, false)
	b.SetBytes(int64(len(benchProps)))
	for i := 0; i < b.N; i++ {
		m.JSON(benchProps)
	}
}

func BenchmarkMaskPII(b *testing.B) {
	m := New([]byte("k"), []string{"email"}, false)
	b.SetBytes(int64(len(benchPII)))
	for i := 0; i < b.N; i++ {
		m.JSON(benchPII)
	}
}
