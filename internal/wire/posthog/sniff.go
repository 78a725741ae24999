package posthog

import "bytes"

// IsPostHogBody reports whether a body sent to /track or /engage, which
// Mixpanel's and PostHog's SDKs both use, is PostHog's. Mixpanel's clients
// send a form with data= (base64 or JSON) or JSON objects holding only
// "event" and "properties" (/track) or "$token" (/engage). A PostHog body is
// a {api_key, batch} object, or events with top-level keys of PostHog's
// event shape (distinct_id, uuid, timestamp, offset, $set, token, api_key),
// or, on /engage, objects without "$token". Anything unreadable is not
// PostHog's: Mixpanel's decoder answers it with its own error.
// The query's compression= parameter is PostHog's alone.
func IsPostHogBody(body []byte, compression string, engage bool) bool {
	if compression != "" {
		return true
	}
	if bytes.HasPrefix(body, []byte("data=")) {
		return false
	}
	payload := trimSpace(body)
	if isGzip(payload) || len(payload) > 0 && payload[0] != '{' && payload[0] != '[' {
		p, err := ReadPayload(Request{Endpoint: Batch, Body: bytes.NewReader(body)})
		if err != nil {
			return false
		}
		payload = p
	}
	keys, ok := topKeys(payload)
	if !ok {
		return false
	}
	if keys["batch"] || keys["api_key"] {
		return true
	}
	if engage {
		return !keys["$token"]
	}
	for _, k := range [...]string{"distinct_id", "$distinct_id", "uuid", "timestamp", "offset", "$set", "$set_once", "token", "$token"} {
		if keys[k] {
			return true
		}
	}
	return false
}

// topKeys returns the keys of the first object of b (b itself, or the
// first element of an array), reading b once without building a tree: this
// runs on every Mixpanel JSON request to /track.
func topKeys(b []byte) (map[string]bool, bool) {
	i := skipWS(b, 0)
	if i < len(b) && b[i] == '[' {
		i = skipWS(b, i+1)
	}
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	keys := map[string]bool{}
	i++
	for {
		i = skipWS(b, i)
		if i < len(b) && b[i] == '}' {
			return keys, true
		}
		if i >= len(b) || b[i] != '"' {
			return nil, false
		}
		end := skipString(b, i)
		if end < 0 {
			return nil, false
		}
		keys[string(b[i+1:end-1])] = true
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		if i = skipValue(b, skipWS(b, i+1)); i < 0 {
			return nil, false
		}
		i = skipWS(b, i)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"'), or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the JSON value starting at b[i], or -1.
// Containers are skipped by counting brackets outside strings.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				if j = skipString(b, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
