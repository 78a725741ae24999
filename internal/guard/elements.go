package guard

import "strings"

// Autotrack element chains: mixpanel-js Autotrack (2017: tag_name,
// attr__*), mixpanel autocapture (2025: $tag_name, $attr-*, $el_*),
// PostHog ($elements with attr__*, and the $elements_chain string).

// elemInfo is what the guard knows about one element.
type elemInfo struct {
	isElem    bool
	tag       string
	typ       string
	formField bool  // input, select, textarea or contenteditable: its value and text are never kept
	mark      Class // set when the element is a sensitive field: none of its attributes are kept
	markDet   string
	editable  bool
	names     [4]string // name and id values, for the form-field name rule
	nn        int
	nameMark  Class // what the name, id, label or placeholder says (form fields only)
	pmMark    Class // a password manager filled or decorated the field
	classPw   bool  // a name, label or class names a password itself ("revealed-password")
	reveals   bool  // not a form field, but its name, id or class says it shows a password
}

// pwManagerAttr: attributes password managers add to fields they fill
// (not the data-1p-ignore / data-lpignore opt-outs developers add).
func pwManagerAttr(an string) bool {
	if len(an) < 8 || !containsFoldAny(an, "onepassword", "1password", "1p-", "lastpass", "dashlane", "bitwarden",
		"bwautofill", "keeper", "nordpass", "roboform", "protonpass", "enpass", "kwimpala") {
		return false
	}
	return !containsFold(an, "ignore")
}

// attrName maps an element key to the HTML attribute it carries, or "".
func attrName(k string) string {
	if len(k) < 6 || k[0] != 'a' && k[0] != '$' {
		return "" // every prefix below starts with "a" or "$" and is 5+ bytes
	}
	switch {
	case strings.HasPrefix(k, "attr__"):
		return k[6:]
	case strings.HasPrefix(k, "$attr-"):
		return k[6:]
	case strings.HasPrefix(k, "$el_attr__"):
		return k[10:]
	case strings.HasPrefix(k, "attr_"):
		return k[5:]
	case strings.HasPrefix(k, "$attr_"):
		return k[6:]
	}
	return ""
}

// tagKey reports whether k names the element's tag.
func tagKey(k string) bool {
	switch k {
	case "tag_name", "$tag_name", "tagName", "$el_tag_name", "nodeName", "$tagName":
		return true
	}
	return false
}

// structuralKey: element keys that describe position, never content.
func structuralKey(k string) bool {
	switch k {
	case "tag_name", "$tag_name", "tagName", "$el_tag_name", "nth_child", "nth_of_type", "$nth_child",
		"$nth_of_type", "nth-child", "nth-of-type", "order", "$order", "nodeName", "tag", "$tagName", "$event_type",
		"$host", "$pathname", "$innerHeight", "$innerWidth":
		return true
	}
	return false
}

// valueKey: element keys that hold what the user typed or what the
// element shows.
func valueKey(k string) bool {
	switch k {
	case "value", "$value", "$el_value", "el_value", "$el_text", "text", "$text", "el_text", "textContent",
		"innerText", "$el_inner_text", "inner_text", "$el_selected", "selected_text", "$el_content", "label_text":
		return true
	}
	return attrName(k) == "value"
}

// feed records one attribute (name without prefix, or a plain element key).
func (e *elemInfo) feed(key, val string) {
	if strings.HasPrefix(key, "$el_attr__") || key == "$el_classes" {
		// mixpanel autocapture writes the clicked element's attributes
		// as event properties: the event is the element.
		e.isElem = true
	}
	an := attrName(key)
	if an == "" {
		switch key {
		case "$id", "$el_id", "id", "name", "type", "autocomplete", "placeholder", "$classes", "classes",
			"$el_classes", "class", "contenteditable", "aria-label", "label", "title":
			an = strings.TrimPrefix(strings.TrimPrefix(key, "$el_"), "$")
		default:
			if tagKey(key) {
				e.isElem = true
				e.tag = val
			}
			return
		}
	}
	if pwManagerAttr(an) && e.pmMark == "" {
		e.pmMark = Password
	}
	switch strings.ToLower(an) {
	case "type":
		e.typ = val
	case "contenteditable":
		if val == "" || strings.EqualFold(val, "true") || strings.EqualFold(val, "plaintext-only") {
			e.editable = true
		}
	case "autocomplete":
		e.markAutocomplete(val)
	case "name", "id", "aria-label", "placeholder", "label", "title", "data-testid", "data-test", "data-cy",
		"formcontrolname", "ng-model", "v-model", "data-field":
		if (an == "name" || an == "id") && e.nn < len(e.names) {
			e.names[e.nn] = val
			e.nn++
		}
		if e.nameMark == "" && val != "" && len(val) <= 200 {
			k := classifyKey(val)
			e.nameMark = kindMarker(k)
			e.classPw = e.classPw || k == kPassword || k == kPwd
		}
	case "class", "classes":
		if e.mark == "" && hasSensitiveClass(val) {
			e.mark, e.markDet = FormValue, "element.sensitive_class"
		}
		for v := val; !e.classPw && len(val) <= 200 && mayNamePassword(v) && v != ""; {
			c := v
			if sp := strings.IndexByte(v, ' '); sp >= 0 {
				c, v = v[:sp], v[sp+1:]
			} else {
				v = ""
			}
			e.classPw = c != "" && classNamesPassword(c)
		}
	}
}

func (e *elemInfo) markAutocomplete(v string) {
	for _, tok := range strings.Fields(strings.ToLower(v)) {
		var c Class
		switch {
		case tok == "current-password" || tok == "new-password":
			c = Password
		case tok == "one-time-code":
			c = SecretToken
		case strings.HasPrefix(tok, "cc-"):
			c = PaymentCard
		}
		if c != "" {
			e.mark, e.markDet = c, "element.autocomplete"
			return
		}
	}
}

// nameMarker classifies a field name, id, label or placeholder.
func nameMarker(v string) Class {
	if v == "" || len(v) > 200 {
		return ""
	}
	return kindMarker(classifyKey(v))
}

// kindMarker is the class a field named like k holds.
func kindMarker(k keyKind) Class {
	switch k {
	case kPassword, kPwd, kPIN, kPass:
		return Password
	case kSecret, kKey, kAuth, kCookie, kOTP, kTOTP:
		return SecretToken
	case kPrivKey:
		return PrivateKey
	case kCard, kCVV, kExpiry:
		return PaymentCard
	case kNatID, kSSN:
		return NationalID
	case kBank, kIBAN:
		return BankAccount
	}
	return ""
}

// fieldMarker is mixpanel's and PostHog's sensitive-name rule, applied to
// form fields only: the name or id with non-alphanumerics removed.
func fieldMarker(v string) Class {
	var b [64]byte
	n := 0
	for i := 0; i < len(v) && n < len(b); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b[n] = c
			n++
		}
	}
	s := b2s(b[:n])
	switch {
	case strings.Contains(s, "pass") || strings.Contains(s, "pwd"):
		return Password
	case strings.HasPrefix(s, "cc") || containsAny(s, "cardnum", "ccnum", "creditcard", "csc", "cvc", "cvv", "seccode",
		"securitycode", "securitynum", "expdate", "expiry", "ccexp"):
		return PaymentCard
	case strings.Contains(s, "routing") || strings.Contains(s, "iban") || strings.Contains(s, "accountnum"):
		return BankAccount
	case containsAny(s, "socialsec", "socsec", "ssn"):
		return NationalID
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// finish decides, once every attribute was fed, whether the element is a
// form field and whether it is marked sensitive.
func (e *elemInfo) finish() {
	tag := strings.ToLower(e.tag)
	typ := strings.ToLower(strings.TrimSpace(e.typ))
	switch tag {
	case "input":
		switch typ {
		case "button", "submit", "reset", "image", "checkbox", "radio":
		default:
			e.formField = true
		}
	case "select", "textarea":
		e.formField = true
	}
	if e.editable {
		e.formField = true
	}
	if e.mark == "" {
		switch typ {
		case "password":
			e.mark, e.markDet = Password, "element.password_input"
		case "hidden":
			e.mark, e.markDet = SecretToken, "element.hidden_input"
		}
	}
	if e.mark == "" && e.formField && e.nameMark != "" {
		e.mark, e.markDet = e.nameMark, "element.sensitive_field"
	}
	if e.mark == "" && e.formField && e.pmMark != "" {
		e.mark, e.markDet = e.pmMark, "element.password_manager"
	}
	// Only a name or class naming a password itself counts ("map-pin",
	// "boarding-pass" elements show other things).
	e.reveals = !e.formField && e.classPw
	if e.mark == "" && e.formField {
		for _, n := range e.names[:e.nn] {
			if c := fieldMarker(n); c != "" {
				e.mark, e.markDet = c, "element.sensitive_field"
				break
			}
		}
	}
}

// classNamesPassword: a CSS class names a password ("reveal-password",
// "password-display", "generated_password"), and not something about one
// ("password-strength", "password-toggle", "forgot-password").
func classNamesPassword(c string) bool {
	if namesPassword(c) {
		return true
	}
	var t keyTok
	tokenize(c, &t)
	pw := false
	for i := 0; i < t.nt; i++ {
		tok := b2s(t.buf[t.start(i):t.ends[i]])
		if classAbout[tok] {
			return false
		}
		if k := keyDict[tok]; k == kPassword || k == kPwd {
			pw = true
		}
	}
	return pw
}

// classAbout: words of a class name that make it about a password rather
// than showing one.
var classAbout = map[string]bool{
	"strength": true, "meter": true, "hint": true, "hints": true, "rule": true, "rules": true, "requirement": true,
	"requirements": true, "error": true, "errors": true, "toggle": true, "label": true, "policy": true, "forgot": true,
	"reset": true, "match": true, "icon": true, "eye": true, "show": true, "hide": true, "visibility": true,
	"help": true, "tip": true, "tooltip": true, "feedback": true, "invalid": true, "valid": true, "strong": true,
	"weak": true, "indicator": true, "bar": true, "criteria": true, "checklist": true, "link": true, "btn": true,
	"button": true, "title": true, "header": true, "heading": true, "change": true, "update": true, "has": true,
	"no": true, "length": true, "expired": true, "expiry": true, "manager": true, "less": true, "mismatch": true,
}

// namesPassword: v (a class, name or id) names a password itself.
func namesPassword(v string) bool {
	k := classifyKey(v)
	return k == kPassword || k == kPwd
}

// mayNamePassword is a cheap first look: s may hold a word naming a
// password or PIN ("pass", "pw", "pin", "wort", "woord", "contraseña",
// "senha", "clave", "parola", "hasło", "mdp", a non-ASCII word).
func mayNamePassword(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		t := s[i:]
		switch s[i] | 0x20 {
		case 'p':
			if hasPrefixFold(t, "pw") || hasPrefixFold(t, "pass") || hasPrefixFold(t, "pin") || hasPrefixFold(t, "parol") {
				return true
			}
		case 'w':
			if hasPrefixFold(t, "wort") || hasPrefixFold(t, "woord") {
				return true
			}
		case 'c':
			if hasPrefixFold(t, "contra") || hasPrefixFold(t, "clave") {
				return true
			}
		case 's':
			if hasPrefixFold(t, "senha") {
				return true
			}
		case 'h':
			if hasPrefixFold(t, "has") {
				return true
			}
		case 'm':
			if hasPrefixFold(t, "mdp") {
				return true
			}
		default:
			if s[i] >= 0x80 {
				return true
			}
		}
	}
	return false
}

// revealedPassword: the text of an element that shows a password (a
// "show password" span) is one typed word, not a label ("Show password",
// "Password").
func revealedPassword(s string) bool {
	t := strings.TrimSpace(s)
	return !strings.ContainsAny(t, " \t\n") && phraseToken(t, false) && !fieldLabel(t)
}

// fieldLabel: one word that names a field ("Password", "PIN",
// "national_id") rather than holding a typed value: the key dictionary
// reads it as a sensitive name, and it has no ASCII digit and no symbol
// but the separators of names. The letters of a typed password can spell
// part of a name ("...3tin", "...NID0..." read as a tax or national ID
// key): a digit or another symbol says it was typed.
func fieldLabel(t string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
		if !letter && c != '_' && c != '-' && c != '.' && c != ':' {
			return false
		}
	}
	return nameMarker(t) != ""
}

// elemHit records what an element's key and value say: its attributes
// when the element is a sensitive field, the value of a form field, the
// text of an element that shows a password.
func (w *walker) elemHit(e *elemInfo, key, val string, start, end int) {
	switch {
	case e.mark != "" && elementAttrKey(key):
		w.add(e.mark, e.markDet, start, end)
	case e.formField && valueKey(key):
		w.add(FormValue, "element.form_value", start, end)
	case e.reveals && valueKey(key) && revealedPassword(val):
		w.add(Password, "element.revealed_password", start, end)
	}
}

// elementAttrKey: keys of an element object that carry an attribute or
// content (dropped whole when the element is a sensitive field).
func elementAttrKey(k string) bool {
	if attrName(k) != "" || valueKey(k) {
		return true
	}
	switch k {
	case "$id", "$el_id", "id", "name", "type", "classes", "$classes", "$el_classes", "class", "placeholder",
		"autocomplete", "href", "$href", "attr_id", "attr_class", "attributes", "aria-label", "title", "label":
		return true
	}
	return false
}

// chainAttr is one key="value" of an $elements_chain element.
type chainAttr struct {
	name   string
	as, ae int // the whole key="value"
	vs, ve int // the value between the quotes
}

// scanChain inspects PostHog's $elements_chain string: elements separated
// by ';', each "tag.class1.class2:" followed by key="value" attributes
// (quotes inside values escaped with a backslash). Detections get the
// attribute's span as their removable span, so that dropping one keeps the
// rest of the chain.
func (w *walker) scanChain(s string) {
	var attrs [48]chainAttr
	i := 0
	for i < len(s) && i >= 0 {
		// Tag and classes run to the first ':' that starts attributes, or ';'.
		st := i
		for i < len(s) && s[i] != ';' && s[i] != ':' && s[i] != '"' {
			i++
		}
		tagEnd := i
		for k := st; k < tagEnd; k++ {
			if s[k] == '.' {
				tagEnd = k
				break
			}
		}
		var e elemInfo
		e.isElem = true
		e.tag = s[st:tagEnd]
		if i < len(s) && s[i] == ':' {
			i++
		}
		na := 0
		for i < len(s) && s[i] != ';' {
			as := i
			for i < len(s) && s[i] != '=' && s[i] != ';' && s[i] != '"' {
				i++
			}
			if i+1 >= len(s) || s[i] != '=' || s[i+1] != '"' {
				// Not an attribute: skip to the next element.
				for i < len(s) && s[i] != ';' {
					i++
				}
				break
			}
			name := s[as:i]
			vs := i + 2
			j := vs
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j > len(s) {
				j = len(s)
			}
			ve := j
			ae := min(j+1, len(s))
			if na < len(attrs) {
				attrs[na] = chainAttr{name: name, as: as, ae: ae, vs: vs, ve: ve}
				na++
			}
			e.feed(name, s[vs:ve])
			i = ae
		}
		e.finish()
		for _, a := range attrs[:na] {
			if structuralKey(a.name) {
				continue
			}
			mark := len(w.hits)
			if a.ve > a.vs {
				w.elemHit(&e, a.name, s[a.vs:a.ve], a.vs, a.ve)
			}
			sub := len(w.hits)
			w.scanText(s[a.vs:a.ve], w.keyClass(a.name), 1)
			for k := sub; k < len(w.hits); k++ {
				w.hits[k].start += a.vs
				w.hits[k].end += a.vs
			}
			for k := mark; k < len(w.hits); k++ {
				w.hits[k].rm0, w.hits[k].rm1 = a.as, a.ae
			}
		}
		if i < len(s) && s[i] == ';' {
			i++
		}
	}
}

// hasSensitiveClass reports whether a class list names one of the classes
// SDKs use to mark a sensitive element (exact class names only).
func hasSensitiveClass(v string) bool {
	for len(v) > 0 {
		v = strings.TrimLeft(v, " \t\n")
		e := strings.IndexAny(v, " \t\n")
		if e < 0 {
			e = len(v)
		}
		c := v[:e]
		v = v[e:]
		if len(c) < 7 || len(c) > 14 {
			continue
		}
		switch strings.ToLower(c) {
		case "ph-sensitive", "mp-sensitive", "ph-no-capture", "mp-no-track", "fs-exclude", "rr-block", "ph-mask",
			"mp-mask", "fs-mask", "amp-mask", "rr-mask", "data-private", "sensitive", "private":
			return true
		}
	}
	return false
}
