package piidetect

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusCounts walks the guard's labelled corpora (../guard/testdata): for
// each string value of a clean event (no label) and of the unlabelled
// paths of other events, whether Phones finds a number in it, and for
// each distinct_id, whether the whole id reads as a phone number by
// WholePhone and by PhoneShape (for comparison). Labelled phone values:
// how many Phones finds.
type corpusCounts struct {
	cleanStrings, cleanPhones     int
	ids, idsWhole, idsShape       int
	phoneLabels, phoneLabelsFound int
	examples                      []string
}

func walkStrings(v any, path string, fn func(path, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walkStrings(c, p, fn)
		}
	case []any:
		for _, c := range x {
			walkStrings(c, path+"[]", fn)
		}
	case string:
		fn(path, x)
	}
}

func countCorpora(t *testing.T) corpusCounts {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "guard", "testdata", "*.jsonl"))
	if len(files) == 0 {
		t.Skip("no guard corpora")
	}
	var c corpusCounts
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var ev struct {
				Properties map[string]any `json:"properties"`
				Labels     []struct {
					Path, Class, Value string
				} `json:"labels"`
			}
			if json.Unmarshal(sc.Bytes(), &ev) != nil {
				continue
			}
			labelled := map[string]bool{}
			for _, l := range ev.Labels {
				labelled[l.Path] = true
				if l.Class == "phone" {
					c.phoneLabels++
					hit := false
					Phones(l.Value, func(a, b int) { hit = true })
					if hit {
						c.phoneLabelsFound++
					}
				}
			}
			walkStrings(ev.Properties, "", func(path, s string) {
				if labelled[path] {
					return
				}
				if path == "distinct_id" || path == "$distinct_id" {
					c.ids++
					if WholePhone(s) {
						c.idsWhole++
					}
					if PhoneShape(s) {
						c.idsShape++
					}
				}
				c.cleanStrings++
				hit := false
				Phones(s, func(a, b int) { hit = true })
				if hit {
					c.cleanPhones++
					if len(c.examples) < 20 {
						c.examples = append(c.examples, path+"="+s)
					}
				}
			})
		}
		f.Close()
	}
	return c
}

// TestPhonesOnGuardCorpora: the free-text phone detector, run over every
// string the guard's corpora do not label (clean events, and the clean
// paths of the others: ids, amounts, versions, timestamps, URLs), finds
// no phone number, and finds most labelled ones; no distinct_id there
// reads as a whole phone number. The counts are in docs/PRIVACY.md.
func TestPhonesOnGuardCorpora(t *testing.T) {
	c := countCorpora(t)
	t.Logf("clean strings %d, with a phone number found %d; distinct_ids %d: whole phone %d, phone shape %d; phone labels %d, found by Phones %d",
		c.cleanStrings, c.cleanPhones, c.ids, c.idsWhole, c.idsShape, c.phoneLabels, c.phoneLabelsFound)
	for _, e := range c.examples {
		t.Logf("  %s", strings.TrimSpace(e))
	}
	if c.cleanStrings < 100_000 || c.ids < 9000 {
		t.Fatalf("the corpora shrank: %d strings, %d ids", c.cleanStrings, c.ids)
	}
	if c.cleanPhones*1000 > c.cleanStrings || c.idsWhole > 0 {
		t.Errorf("phone numbers found in %d clean strings (at most 0.1%%) and %d distinct_ids (none)", c.cleanPhones, c.idsWhole)
	}
	if c.phoneLabels == 0 || c.phoneLabelsFound*10 < c.phoneLabels*9 {
		t.Errorf("found %d of %d labelled phone numbers (at least 90%%)", c.phoneLabelsFound, c.phoneLabels)
	}
}
