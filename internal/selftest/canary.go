package selftest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Canary kinds.
const (
	KindPassword  = "password_field"
	KindCard      = "card_number"
	KindAutotrack = "autotrack_typed_value"
	KindURLToken  = "token_in_url"
)

// Canary is one synthetic sensitive value and the event that carries it.
// Value never leaves the run: results name the kind only.
type Canary struct {
	Kind    string
	Event   string   // the event's name, unique to the kind
	Classes []string // finding classes that count as "acted on"
	Value   string
	Props   map[string]any
}

const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

func randText(n int) string {
	var b strings.Builder
	for range n {
		i, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alnum))))
		b.WriteByte(alnum[i.Int64()])
	}
	return b.String()
}

func randDigits(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		out[i] = byte('0' + d.Int64())
	}
	return out
}

// luhnCard returns a 16-digit Visa-shaped number with a valid check digit.
func luhnCard() string {
	d := append([]byte{'4'}, randDigits(14)...)
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-1-i)%2 == 0 { // doubled: positions from the right, check digit excluded
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return string(append(d, byte('0'+(10-sum%10)%10)))
}

// controlWords make the control value: unique, high-entropy, and not
// secret-shaped, so the guard keeps it and it must be found on disk.
var controlWords = strings.Fields("amber basil cedar delta ember fjord garnet harbor indigo juniper kestrel lumen marble nectar onyx pepper quartz raven sable tundra umber velvet willow xenon yarrow zephyr")

func controlValue() string {
	parts := []string{"selftest"}
	for range 8 {
		i, _ := rand.Int(rand.Reader, big.NewInt(int64(len(controlWords))))
		parts = append(parts, controlWords[i.Int64()])
	}
	return strings.Join(parts, " ")
}

// NewCanaries returns one fresh canary of every kind.
func NewCanaries() []Canary {
	pw := "Pw-" + randText(24)
	card := luhnCard()
	typed := "typed " + randText(20)
	tok := randText(32)
	return []Canary{
		{Kind: KindPassword, Event: "sieve_selftest_password", Classes: []string{"password"}, Value: pw,
			Props: map[string]any{"password": pw}},
		{Kind: KindCard, Event: "sieve_selftest_card", Classes: []string{"payment_card"}, Value: card,
			Props: map[string]any{"note": "card " + card}},
		{Kind: KindAutotrack, Event: "$autotrack", Classes: []string{"form_value", "password"}, Value: typed,
			// mixpanel-js Autotrack's 2017 shape: the clicked element's chain,
			// the input's typed value mirrored into its value attribute.
			Props: map[string]any{"$elements": []any{
				map[string]any{"tag_name": "input", "attr__type": "text", "attr__name": "comment", "attr__value": typed},
				map[string]any{"tag_name": "form", "attr__id": "feedback"},
			}}},
		{Kind: KindURLToken, Event: "sieve_selftest_url", Classes: []string{"secret_token", "credentials_in_url"}, Value: tok,
			Props: map[string]any{"$current_url": "https://selftest.invalid/callback?access_token=" + tok}},
	}
}

// trackBody is the JSON array of the run's events (canaries and the
// control), as mixpanel-js sends them.
func trackBody(token, distinctID, insertPrefix string, cs []Canary, control string) []byte {
	var evs []map[string]any
	for i, c := range cs {
		p := map[string]any{"token": token, "distinct_id": distinctID, "$insert_id": fmt.Sprintf("%s%d", insertPrefix, i),
			"mp_lib": "sieve-selftest", "$lib_version": "1"}
		for k, v := range c.Props {
			p[k] = v
		}
		evs = append(evs, map[string]any{"event": c.Event, "properties": p})
	}
	evs = append(evs, map[string]any{"event": "sieve_selftest_control", "properties": map[string]any{
		"token": token, "distinct_id": distinctID, "$insert_id": insertPrefix + "c", "mp_lib": "sieve-selftest", "$lib_version": "1",
		"control": control}})
	b, _ := json.Marshal(evs)
	return b
}
