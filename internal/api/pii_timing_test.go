package api

import (
	"testing"

	"github.com/sieve-analytics/sieve/internal/event"
	"github.com/sieve-analytics/sieve/internal/pii"
)

// The PII mask's cost per export line, against writing the line alone
// (docs/PERFORMANCE.md). "clean": a row without a PII path; "pii": a row
// with an e-mail, for a reader without the grant; "text": a row with an
// e-mail inside free text at a path that is not PII.
func benchLine(b *testing.B, props string, mask bool) {
	row := &event.Row{Name: "Signed up", Time: 1772359200000, DistinctID: "u1", InsertID: "i1", Props: []byte(props)}
	m := pii.New([]byte("key"), []string{"email", "customer_ref"}, false)
	var line []byte
	b.SetBytes(int64(len(props)))
	for i := 0; i < b.N; i++ {
		shown := *row
		if mask {
			shown.Props = m.JSON(row.Props)
			shown.DistinctID = m.ID(row.DistinctID)
		}
		line = AppendExportLine(line[:0], &shown, false)
	}
}

const (
	digitProps = `{"$browser":"Chrome","$browser_version":131,"$current_url":"https://shop.example.com/orders/20261203-55512?page=2","$device_id":"0129ed32-1097-4fe8-a330-b99a2f87287b","$insert_id":"55Da69D0CeB80EC6FEb37BA68bfe66C0","$os":"Mac OS X","$screen_height":768,"$screen_width":1440,"plan":"pro","order_total":"1234.56","placed":"2026-12-03T14:05:00Z","$lib":"web","$lib_version":"2.55.0"}`
	phoneProps = `{"$browser":"Chrome","$current_url":"https://shop.example.com/cart?utm_source=x","$os":"Mac OS X","$screen_width":1440,"plan":"pro","note":"please call back on +44 20 7946 0958","nested":{"a":[1,"x"],"b":true},"$lib":"web","$lib_version":"2.55.0"}`
	cleanProps = `{"$browser":"Chrome","$current_url":"https://shop.example.com/cart?utm_source=x","$os":"Mac OS X","$screen_width":1440,"plan":"pro","seats":12,"nested":{"a":[1,"x"],"b":true},"$lib":"web","$lib_version":"2.55.0"}`
	textProps  = `{"$browser":"Chrome","$current_url":"https://shop.example.com/cart?utm_source=x","$os":"Mac OS X","$screen_width":1440,"plan":"pro","note":"please call back ann@example.com","nested":{"a":[1,"x"],"b":true},"$lib":"web","$lib_version":"2.55.0"}`
	piiProps   = `{"$browser":"Chrome","$current_url":"https://shop.example.com/cart?utm_source=x","$os":"Mac OS X","$screen_width":1440,"plan":"pro","email":"ann@example.com","nested":{"a":[1,"x"],"b":true},"$lib":"web","$lib_version":"2.55.0"}`
)

func BenchmarkExportLineClean(b *testing.B)       { benchLine(b, cleanProps, false) }
func BenchmarkExportLineCleanMasked(b *testing.B) { benchLine(b, cleanProps, true) }
func BenchmarkExportLinePII(b *testing.B)         { benchLine(b, piiProps, false) }
func BenchmarkExportLinePIIMasked(b *testing.B)   { benchLine(b, piiProps, true) }
func BenchmarkExportLineText(b *testing.B)        { benchLine(b, textProps, false) }
func BenchmarkExportLineTextMasked(b *testing.B)  { benchLine(b, textProps, true) }

// "digits": a clean row of an SDK's usual digits (a device UUID, an insert
// id, a URL with an order number, versions, a date), for a reader without
// the grant; "phone": a phone number inside free text.
func BenchmarkExportLineDigitsMasked(b *testing.B) { benchLine(b, digitProps, true) }
func BenchmarkExportLinePhoneMasked(b *testing.B)  { benchLine(b, phoneProps, true) }
