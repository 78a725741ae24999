package mixpanel

import (
	"bytes"
	"strconv"

	"github.com/valyala/fastjson"
)

// Objects parses payload (one JSON object, a JSON array, or NDJSON: one
// value per line) with p and returns its elements. The values belong to p:
// they are valid until p parses again.
//
// fastjson's parser accepts a few things strict JSON does not (NaN, 1.2.3
// as numbers; unknown escapes, kept as written): the decoders reject such
// numbers where they would be stored. Infinity, which it does not parse, is
// rewritten as NaN first (see markNonFinite), so that it too is an error of
// its record only. NDJSON lines are validated strictly,
// so that a line holds exactly one value. An empty
// array, more than MaxObjects elements (ErrTooLarge) or invalid JSON
// (ErrMalformed) is an error for the whole request. Elements that are not
// objects are returned so that per-record errors can name them.
func Objects(p *fastjson.Parser, payload []byte) ([]*fastjson.Value, error) {
	s := skipBOM(skipSpace(payload))
	if len(s) == 0 {
		return nil, malformed("the request holds no data")
	}
	switch s[0] {
	case '[':
		v, err := p.ParseBytes(s)
		if err != nil {
			if m, ok := markNonFinite(s); ok {
				v, err = p.ParseBytes(m)
			}
		}
		if err != nil {
			return nil, malformed("the payload is not valid JSON")
		}
		a := v.GetArray()
		if len(a) == 0 {
			return nil, malformed("the payload is an empty array: send at least one object")
		}
		if len(a) > MaxObjects {
			return nil, tooManyObjects()
		}
		return a, nil
	case '{':
		if v, err := p.ParseBytes(s); err == nil {
			return []*fastjson.Value{v}, nil
		}
		if m, ok := markNonFinite(s); ok && bytes.IndexByte(s, '\n') < 0 {
			if v, err := p.ParseBytes(m); err == nil {
				return []*fastjson.Value{v}, nil
			}
		}
		if bytes.IndexByte(s, '\n') < 0 {
			return nil, malformed("the payload is not valid JSON")
		}
		return ndjson(p, s)
	}
	return nil, malformed("the payload is not a JSON object or array")
}

func tooManyObjects() error {
	return tooLarge("the request holds more than " + strconv.Itoa(MaxObjects) + " objects; send at most " + strconv.Itoa(MaxObjects) + " per request")
}

// ndjson parses one JSON value per non-empty line by validating each line
// and parsing them together as one array.
func ndjson(p *fastjson.Parser, s []byte) ([]*fastjson.Value, error) {
	buf := make([]byte, 0, len(s)+2)
	buf = append(buf, '[')
	n := 0
	for line := 1; len(s) > 0; line++ {
		var l []byte
		if i := bytes.IndexByte(s, '\n'); i >= 0 {
			l, s = s[:i], s[i+1:]
		} else {
			l, s = s, nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if n++; n > MaxObjects {
			return nil, tooManyObjects()
		}
		if fastjson.ValidateBytes(l) != nil {
			// Valid but for non-finite numbers: the line goes on with them
			// marked, and its record gets the error.
			z, ok := replaceNonFinite(l, "0")
			if !ok || fastjson.ValidateBytes(z) != nil {
				return nil, malformed("line " + strconv.Itoa(line) + " of the NDJSON payload is not valid JSON")
			}
			l, _ = markNonFinite(l)
		}
		if n > 1 {
			buf = append(buf, ',')
		}
		buf = append(buf, l...)
	}
	buf = append(buf, ']')
	v, err := p.ParseBytes(buf)
	if err != nil {
		return nil, malformed("the payload is not valid JSON")
	}
	return v.GetArray(), nil
}
