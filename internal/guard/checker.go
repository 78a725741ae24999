package guard

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/sieve-analytics/sieve/internal/event"
)

// Guard holds the built-in detectors. It is immutable and safe for
// concurrent use; one per process is enough.
type Guard struct {
	walkers sync.Pool
	fault   atomic.Pointer[string] // tests only: see SetFault
}

// New returns a Guard with the built-in detectors.
func New() *Guard {
	g := &Guard{}
	g.walkers.New = func() any { return &walker{digits: make([]byte, 0, 64)} } // digits: scanCards' buffer, never grown by it
	return g
}

type compiledRule struct {
	class    Class
	det      string
	keywords []string // lower case
	re       *regexp.Regexp
	action   Action
}

// checkerIDs numbers checkers, so that a memo entry is one checker's.
var checkerIDs atomic.Uint64

// Checker is a Guard bound to one project's policy, token and hash key.
// It is immutable and safe for concurrent use.
type Checker struct {
	g       *Guard
	id      uint64 // names this checker in walkers' memos
	token   string
	key     []byte
	actions map[Class]Action
	allow   []string
	rules   []compiledRule
}

// Compile binds a project's policy (custom rules compiled once), its token
// (public: never a finding) and its hash key (the per-project secret of the
// "hash" action).
func (g *Guard) Compile(p Policy, projectToken string, hashKey []byte) (*Checker, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &Checker{
		g:       g,
		id:      checkerIDs.Add(1),
		token:   projectToken,
		key:     append([]byte(nil), hashKey...),
		actions: make(map[Class]Action, len(p.Actions)),
		allow:   append([]string(nil), p.Allow...),
	}
	usesHash := false
	for k, v := range p.Actions {
		c.actions[k] = v
		usesHash = usesHash || v == Hash
	}
	for i, r := range p.Rules {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, policyErr("rule %d: the pattern is not valid RE2 syntax", i+1)
		}
		kw := make([]string, 0, len(r.Keywords))
		for _, k := range r.Keywords {
			kw = append(kw, strings.ToLower(strings.TrimSpace(k)))
		}
		c.rules = append(c.rules, compiledRule{class: r.Class, det: "rule." + r.Name, keywords: kw, re: re, action: r.Action})
		usesHash = usesHash || r.Action == Hash
	}
	if usesHash && len(hashKey) < 16 {
		return nil, errors.New("guard policy: the hash action needs the project's hash key (at least 16 bytes)")
	}
	return c, nil
}

// ActionFor returns the action the checker applies to class c.
func (c *Checker) ActionFor(cl Class) Action { return c.actionFor(cl, 0) }

func (c *Checker) actionFor(cl Class, rule int) Action {
	if rule > 0 && c.rules[rule-1].action != "" {
		return c.rules[rule-1].action
	}
	if a, ok := c.actions[cl]; ok {
		return a
	}
	return defaultAction(cl)
}

// Allowed reports whether the policy's allowlist covers path (for
// detections made outside the guard, such as anomalous values).
func (c *Checker) Allowed(path string) bool { return c.allowed(path) }

func (c *Checker) allowed(path string) bool {
	for _, p := range c.allow {
		if globMatch(p, path) {
			return true
		}
	}
	return false
}

func (c *Checker) getWalker(a *fastjson.Arena, dst []event.Finding) *walker {
	w := c.g.walkers.Get().(*walker)
	w.c = c
	w.a = a
	w.out = dst
	w.first = len(dst)
	w.drop = false
	w.hits = w.hits[:0]
	w.path = w.path[:0]
	w.panSeen = false
	w.appLink = false
	w.curObj = nil
	w.jdepth, w.nestedPath, w.nestedDrop, w.nestedChanged = 0, "", false, false
	return w
}

func (c *Checker) putWalker(w *walker) {
	w.c, w.a, w.out, w.meta = nil, nil, nil, event.Finding{}
	w.key = ""
	if cap(w.hits) > 4096 {
		w.hits = nil
	}
	for i := range w.dec {
		if cap(w.dec[i]) > 1<<16 {
			w.dec[i] = nil
		}
	}
	c.g.walkers.Put(w)
}

// Event inspects ev (its properties, name, distinct_id and $insert_id),
// applies the policy in place (deleting properties, or replacing them with
// values built in a), and appends one finding per action to dst. drop
// reports that the whole event must be discarded. The caller sets each
// finding's Time.
//
// ev.Lib and ev.LibVersion, copies of properties (mp_lib or $lib,
// $lib_version), are taken after the walk and emptied when the guard changed
// or removed the property they came from; when no property holds them they
// are checked as fields. A finding, the SDK fleet or a report never holds
// what the guard removed.
//
// Should the guard itself fail, the event is dropped and out holds only a
// GuardError finding (see Failed).
func (c *Checker) Event(ev *event.Event, a *fastjson.Arena, dst []event.Finding) (out []event.Finding, drop bool) {
	w := c.getWalker(a, dst)
	defer c.release(w, &out, &drop, ev.ProjectID)
	// The name and distinct_id are checked first, and their own findings get
	// the cleaned values afterwards: a finding never holds what was removed.
	w.meta = event.Finding{ProjectID: ev.ProjectID}
	w.checkField(&ev.Name, "event", true)
	w.checkField(&ev.DistinctID, "distinct_id", false)
	w.checkID(&ev.InsertID, "$insert_id")
	w.meta.Event, w.meta.DistinctID = ev.Name, ev.DistinctID
	libProp := keptProp(ev.Props, ev.Lib, "mp_lib", "$lib") != ""
	verProp := keptProp(ev.Props, ev.LibVersion, "$lib_version") != ""
	if !libProp {
		w.checkSDK(&ev.Lib, "mp_lib")
	}
	if !verProp {
		w.checkSDK(&ev.LibVersion, "$lib_version")
	}
	if !w.drop && ev.Props != nil && ev.Props.Type() == fastjson.TypeObject {
		w.walkObject(ev.Props, kNone, nil)
	}
	if libProp {
		ev.Lib = keptProp(ev.Props, ev.Lib, "mp_lib", "$lib")
	}
	if verProp {
		ev.LibVersion = keptProp(ev.Props, ev.LibVersion, "$lib_version")
	}
	for i := w.first; i < len(w.out); i++ {
		f := &w.out[i]
		f.Event, f.DistinctID, f.Lib, f.LibVersion = ev.Name, ev.DistinctID, ev.Lib, ev.LibVersion
	}
	return w.out, w.drop
}

// keptProp returns s if one of keys holds it as a string in props, and ""
// otherwise.
func keptProp(props *fastjson.Value, s string, keys ...string) string {
	if s == "" || props == nil {
		return ""
	}
	for _, k := range keys {
		if v := props.Get(k); v != nil && v.Type() == fastjson.TypeString && string(v.GetStringBytes()) == s {
			return s
		}
	}
	return ""
}

// Profile does for an /engage or /groups update what Event does for an
// event. Paths start with the operation: "$set.password". The group key
// (path "$group_key") is checked like an event name; the SDK name and
// version (top-level keys, paths "mp_lib" and "$lib_version") are emptied
// when the guard would change them.
func (c *Checker) Profile(u *event.ProfileUpdate, a *fastjson.Arena, dst []event.Finding) (out []event.Finding, drop bool) {
	w := c.getWalker(a, dst)
	defer c.release(w, &out, &drop, u.ProjectID)
	name, idPath := "$engage", "distinct_id"
	if u.Kind == event.Group {
		name, idPath = "$groups", "$group_id"
	}
	w.meta = event.Finding{ProjectID: u.ProjectID, Event: name}
	w.checkField(&u.ID, idPath, false)
	// A merge source is a distinct_id: the same policy applies, so that it
	// still names the id its events were stored under.
	w.checkField(&u.MergeFrom, idPath, false)
	w.checkField(&u.GroupKey, "$group_key", true)
	w.checkSDK(&u.Lib, "mp_lib")
	w.checkSDK(&u.LibVersion, "$lib_version")
	w.meta.DistinctID, w.meta.Lib, w.meta.LibVersion = u.ID, u.Lib, u.LibVersion
	for i := w.first; i < len(w.out); i++ {
		w.out[i].DistinctID, w.out[i].Lib, w.out[i].LibVersion = u.ID, u.Lib, u.LibVersion
	}
	for i := range u.Ops {
		if w.drop {
			break
		}
		op := &u.Ops[i]
		if op.Value == nil {
			continue
		}
		switch op.Op {
		case event.OpUnset, event.OpDelete:
			continue
		}
		w.path = append(w.path[:0], op.Op...)
		switch op.Value.Type() {
		case fastjson.TypeObject:
			w.walkObject(op.Value, kNone, nil)
		case fastjson.TypeArray:
			w.walkArray(op.Value, kNone)
		case fastjson.TypeString, fastjson.TypeNumber:
			act, repl := w.leaf(op.Value, kNone, "", nil)
			switch act {
			case DropProperty:
				op.Value = a.NewNull()
			case Redact, Hash:
				op.Value = repl
			}
		}
	}
	w.path = w.path[:0]
	return w.out, w.drop
}

// checkField inspects a top-level string field (event name, distinct_id).
// drop_property empties it (the event name becomes "[redacted]").
func (w *walker) checkField(p *string, path string, isName bool) {
	if *p == "" {
		return
	}
	memoable := memoFits(path, *p)
	var h uint64
	if memoable {
		_, st := w.keyInfo(path)
		if memoable = st.ask(); memoable {
			e, hh := w.memo.find(w.c.id, kNone, path, *p)
			st.note(e != nil)
			if e != nil {
				return
			}
			h = hh
		}
	}
	w.path = append(w.path[:0], path...)
	mark := len(w.hits)
	w.key = path
	found := w.found
	w.scanText(*p, kNone, 0)
	if len(w.hits) == mark && memoable && w.found == found {
		w.memo.add(h, w.c.id, kNone, path, *p)
	}
	act, repl := w.resolve(*p, mark)
	w.hits = w.hits[:mark]
	switch act {
	case DropProperty:
		if isName {
			*p = redactedMarker
		} else {
			*p = ""
		}
	case Redact, Hash:
		*p = string(repl)
	}
	w.path = w.path[:0]
}

// checkID inspects an id that de-duplicates events ($insert_id). One that
// holds a sensitive value (any action but keep or allow) is replaced by a
// keyed hash of it: 32 hex digits of HMAC-SHA256 under the project's hash
// key, itself a valid $insert_id, so that retries of the same event are
// still stored once. Without a hash key the id is emptied.
func (w *walker) checkID(p *string, path string) {
	orig := *p
	w.checkField(p, path, false)
	if *p == orig {
		return
	}
	*p = ""
	if len(w.c.key) >= 16 {
		m := hmac.New(sha256.New, w.c.key)
		m.Write([]byte("$insert_id\x00"))
		m.Write([]byte(orig))
		*p = hex.EncodeToString(m.Sum(nil)[:16])
	}
}

// checkSDK inspects an SDK name or version; one the guard would change is
// emptied (an SDK name is an identifier, not a value to redact).
func (w *walker) checkSDK(p *string, path string) {
	orig := *p
	w.checkField(p, path, false)
	if *p != orig {
		*p = ""
	}
}

func (w *walker) pushKey(k string) int {
	n := len(w.path)
	if n > 0 {
		w.path = append(w.path, '.')
	}
	w.path = append(w.path, k...)
	return n
}

// pending is an edit to apply to an object after visiting it.
type pending struct {
	key  string
	drop bool
	val  *fastjson.Value
}

// objContext gathers, before an object's values are visited, what its
// keys say together: whether it is an autotrack element, and whether it is
// a {name: "password", value: ...} pair. Scan's sharesContext (raw.go) must
// recognise every key that changes the result here.
//
// pre receives, for the object's first len(pre) members in order, the key
// cache's entry for each key found in the cache's slots (see memberPre).
func (w *walker) objContext(o *fastjson.Object, ei *elemInfo, pre *[maxPre]memberPre) (pairKind keyKind, jwk, bank, address bool) {
	// Names are classified only when the object has a value key too.
	var names [4]string
	nn, hasValue, hasID, elem := 0, false, false, false
	docType := ""
	rrInput, rrChecked := false, false
	j := 0
	o.Visit(func(k []byte, v *fastjson.Value) {
		ks := b2s(k)
		var kc uint8
		if e := w.slotEntry(ks); e != nil {
			kc = e.ctx
			if j < maxPre {
				pre[j] = memberPre{kind: e.kind, card: e.card, ok: true}
			}
		} else {
			kc = keyContext(ks)
		}
		j++
		jwk = jwk || kc&ctxKty != 0
		bank = bank || kc&ctxBank != 0
		address = address || kc&ctxAddress != 0
		hasValue = hasValue || kc&ctxPairValue != 0
		hasID = hasID || kc&ctxID != 0
		switch len(ks) {
		case 6:
			// rrweb's Input event data: {source: 5, id, text, isChecked}.
			rrInput = rrInput || ks == "source" && v.Type() == fastjson.TypeNumber && v.GetInt() == 5
		case 9:
			rrChecked = rrChecked || ks == "isChecked"
		}
		switch v.Type() {
		case fastjson.TypeString:
			elem = elem || kc&ctxElem != 0
			if nn < len(names) && kc&ctxPairName != 0 {
				b, _ := v.StringBytes()
				vs := b2s(b)
				names[nn] = vs
				nn++
				if kc&ctxDocType != 0 {
					docType = vs
				}
			}
		case fastjson.TypeObject:
			if ks == "attributes" && !elem {
				ao, _ := v.Object()
				ao.Visit(func(k2 []byte, v2 *fastjson.Value) {
					elem = elem || v2.Type() == fastjson.TypeString && elemKey(b2s(k2))
				})
			}
		}
	})
	if elem {
		// Only an element's keys and values are read as one: what the
		// others say is never used.
		feedElem(o, ei)
	}
	if ei.isElem {
		ei.finish()
	}
	for _, n := range names[:nn] {
		if !hasValue || pairKind != kNone {
			break
		}
		pairKind = namedKind(n)
		if pairKind == kSSN && foreignSSNKey(n) {
			pairKind = kNatID // {type: "social_security_ch", number: ...}
		}
	}
	if pairKind == kNone && !hasValue && hasID && docType != "" {
		// {"id_type": "passport", "id": ...}: the id is the document's.
		if k := namedKind(docType); k == kNatID || k == kSSN {
			pairKind = k
		}
	}
	if pairKind == kNone && rrInput && rrChecked {
		pairKind = kTyped
	}
	return pairKind, jwk, bank, address
}

// Bits of keyContext: what a key says about its object (objContext).
const (
	ctxKty       uint8 = 1 << iota // "kty": a JSON Web Key
	ctxBank                        // bankIDKey
	ctxAddress                     // addressKey
	ctxPairValue                   // pairValueKey
	ctxID                          // "id"
	ctxElem                        // elemKey
	ctxPairName                    // pairNameKey
	ctxDocType                     // docTypeKey (with ctxPairName)
)

// keyContext computes k's ctx bits.
func keyContext(k string) uint8 {
	var c uint8
	if k == "kty" {
		c |= ctxKty
	}
	if bankIDKey(k) {
		c |= ctxBank
	}
	if addressKey(k) {
		c |= ctxAddress
	}
	if pairValueKey(k) {
		c |= ctxPairValue
	}
	if k == "id" {
		c |= ctxID
	}
	if elemKey(k) {
		c |= ctxElem
	}
	if pairNameKey(k) {
		c |= ctxPairName
		if docTypeKey(k) {
			c |= ctxDocType
		}
	}
	return c
}

// slotEntry is k's entry when k is in one of the key cache's slots, else
// nil. It never fills the cache: filling it scans the key for values,
// which must happen where member classifies the key, as before.
func (w *walker) slotEntry(k string) *kindEntry {
	if k != "" {
		i := kindSlot(k) &^ 1
		if s := &w.kslots[i]; s.key == k {
			return s
		}
		if s := &w.kslots[i+1]; s.key == k {
			return s
		}
	}
	return nil
}

// maxPre is how many members of an object objContext notes the key
// cache's entries for.
const maxPre = 32

// memberPre is what the key cache said about a member's key when
// objContext read it, so that walkObject and member look the key up once.
// A key in the cache's slots stays in the cache (slots or map) until the
// cache is reset (kindGen), and an entry never changes: member's own
// lookup would return the same kind and fill nothing.
type memberPre struct {
	kind keyKind // with kSensKey
	card bool    // cardWordHint(key)
	ok   bool
}

// elemKey: a string under k makes its object an autotrack element
// (elemInfo.feed sets isElem for exactly these keys).
func elemKey(k string) bool {
	return strings.HasPrefix(k, "$el_attr__") || k == "$el_classes" || tagKey(k)
}

// feedElem feeds every key and value of the element o to ei, in order.
func feedElem(o *fastjson.Object, ei *elemInfo) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		ks := b2s(k)
		switch v.Type() {
		case fastjson.TypeString:
			b, _ := v.StringBytes()
			ei.feed(ks, b2s(b))
		case fastjson.TypeArray:
			if ks == "$classes" || ks == "classes" || ks == "$el_classes" || ks == "attr__class" {
				a, _ := v.Array()
				for _, c := range a {
					if b, err := c.StringBytes(); err == nil {
						ei.feed("class", b2s(b))
					}
				}
			}
		case fastjson.TypeObject:
			if ks == "attributes" {
				ao, _ := v.Object()
				ao.Visit(func(k2 []byte, v2 *fastjson.Value) {
					if b, err := v2.StringBytes(); err == nil {
						ei.feed(b2s(k2), b2s(b))
					}
				})
			}
		}
	})
}

// addressKey: k is a field of a postal address. In an address, a six-digit
// "pincode" or "pin" is India's Postal Index Number, not a secret.
func addressKey(k string) bool {
	switch k {
	case "city", "City", "state", "State", "district", "District", "street", "Street", "locality", "Locality",
		"landmark", "Landmark", "address_line1", "addressLine1", "address1", "line1", "town", "Town", "taluk",
		"country", "Country", "street_address", "streetAddress", "address_line_1":
		return true
	}
	return false
}

// docTypeKey: a key that gives the type of a document or identifier.
func docTypeKey(k string) bool {
	switch k {
	case "type", "kind", "id_type", "idType", "document_type", "documentType", "doc_type", "docType",
		"identifier_type", "identifierType", "Type":
		return true
	}
	return false
}

// bankIDKey: k names a public bank identifier (routing number, sort code,
// BSB, transit number). An object holding one is bank details: its
// account, number, checking... members are account numbers.
func bankIDKey(k string) bool {
	if len(k) < 3 || len(k) > 24 {
		return false
	}
	switch k[0] | 0x20 {
	case 'r', 'a', 's', 'b', 't':
	default:
		return false
	}
	// Cheap look first: how the names end ("...number", "routing",
	// "...no", "aba", "rtn", "...code", "bsb").
	switch uint32(lower(k[len(k)-3]))<<16 | uint32(lower(k[len(k)-2]))<<8 | uint32(lower(k[len(k)-1])) {
	case 'b'<<16 | 'e'<<8 | 'r', 'i'<<16 | 'n'<<8 | 'g', 'g'<<16 | 'n'<<8 | 'o', 'a'<<16 | 'b'<<8 | 'a',
		'r'<<16 | 't'<<8 | 'n', 'o'<<16 | 'd'<<8 | 'e', 'b'<<16 | 's'<<8 | 'b':
	default:
		return false
	}
	var t keyTok
	tokenize(k, &t)
	switch compact(&t) {
	case "routingnumber", "routing", "routingno", "abanumber", "aba", "abarouting", "abaroutingnumber", "rtn",
		"sortcode", "bsb", "bsbnumber", "transitnumber", "achrouting", "achroutingnumber", "bankrouting",
		"bankroutingnumber", "routingcode", "routingtransitnumber":
		return true
	}
	return false
}

// pairNameKey: k names the field of a {name: "password", value: ...} pair
// (form field lists, HAR headers and cookies, ID documents as
// {type: "passport", value: ...}).
func pairNameKey(k string) bool {
	switch k {
	case "name", "field", "fieldName", "field_name", "key", "label", "param", "parameter", "input_name", "inputName",
		"type", "kind", "fieldType", "field_type", "inputType", "input_type", "id", "fieldId", "field_id",
		"document_type", "documentType", "doc_type", "docType", "id_type", "idType", "identifier_type",
		"identifierType", "question", "k", "n", "attribute", "property", "Name", "Type", "Key", "prompt", "attr", "caption":
		return true
	}
	return false
}

// namedKind is what a pair's name v ("password", "X-Api-Key") says about
// the pair's value: a sensitive kind, or kNone.
func namedKind(v string) keyKind {
	if len(v) > 96 {
		return kNone
	}
	if kk := classifyKey(v); kk.sensitive() {
		return kk
	}
	if len(v) <= 12 {
		// A form field named "account" holds the account number the user
		// typed ({name: "account", value: "12345678"}); as a property
		// key, "account" names an account id, so only names do this.
		for _, a := range [...]string{"account", "acct", "account no", "account no.", "account #", "acct no", "acct #", "konto", "cuenta", "compte", "conta", "rekening"} {
			if strings.EqualFold(strings.TrimSpace(v), a) {
				return kBank
			}
		}
	}
	if securityQuestion(v) {
		// {question: "What was the name of your first pet?", answer: ...}
		return kPassword
	}
	return kNone
}

// securityQuestions are what the usual account-recovery questions ask
// about (lower case); their answers are credentials.
var securityQuestions = []string{"maiden name", "first pet", "pet's name", "pet’s name", "were you born",
	"first car", "first school", "elementary school", "primary school", "childhood", "favorite teacher",
	"favourite teacher", "did you grow up", "first job", "childhood best friend", "honeymoon", "middle name",
	"first concert", "first employer", "street you grew up", "name of your first", "memorable word",
	"security question", "secret question", "first boss", "oldest sibling", "oldest cousin"}

// securityQuestion reports whether v is an account-recovery question.
func securityQuestion(v string) bool {
	if len(v) < 12 || strings.IndexByte(v, ' ') < 0 {
		return false
	}
	var buf [96]byte
	l := buf[:0]
	for i := 0; i < len(v); i++ {
		l = append(l, lower(v[i]))
	}
	for _, q := range securityQuestions {
		if strings.Contains(b2s(l), q) {
			return true
		}
	}
	return false
}

// jwkPrivate names the private members of a JSON Web Key.
func jwkPrivate(k string) bool {
	switch k {
	case "d", "p", "q", "dp", "dq", "qi", "k":
		return true
	}
	return false
}

func pairValueKey(k string) bool {
	switch k {
	case "value", "val", "text", "input", "answer", "data", "content", "entered", "response", "v", "Value",
		"number", "values", "secret", "contents", "field_value", "fieldValue", "input_value", "inputValue", "reply":
		return true
	}
	return false
}

// walkObject visits an object's values, applying the policy. parentElem is
// set when the object is the "attributes" map of an element.
func (w *walker) walkObject(v *fastjson.Value, parent keyKind, parentElem *elemInfo) {
	o, err := v.Object()
	if err != nil {
		return
	}
	var ei elemInfo
	var pre [maxPre]memberPre
	pairKind, jwk, bank, address := w.objContext(o, &ei, &pre)
	gen := w.kindGen
	savedAddr := w.address
	w.address = address
	if bank && !parent.sensitive() {
		parent = kBankParent
	}
	if pairKind == kNone && parent == kCookie {
		// A HAR-style cookie list: [{name: "sessionid", value: ...}].
		if nv := o.Get("name"); nv != nil && nv.Type() == fastjson.TypeString && cookieSecretName(b2s(nv.GetStringBytes())) {
			pairKind = kSecret
		}
	}
	elem := &ei
	if parentElem != nil {
		elem = parentElem
	} else if !ei.isElem {
		elem = nil
	}
	savedPan := w.panSeen
	w.panSeen = false
	var pbuf [8]pending
	edits := pbuf[:0]
	var expiries [4]string
	nexp := 0
	ndigit := 0
	j := 0
	savedObj := w.curObj
	w.curObj = o
	o.Visit(func(k []byte, c *fastjson.Value) {
		var mp *memberPre
		if j < maxPre && pre[j].ok && w.kindGen == gen {
			mp = &pre[j]
		}
		j++
		if w.drop {
			return
		}
		t := c.Type()
		// The key's test first: it is cheaper, and both are pure.
		if (parent == kCard || parent == kCardParent || (mp != nil && mp.card || mp == nil && cardWordHint(b2s(k)))) &&
			(t == fastjson.TypeNumber || t == fastjson.TypeString && digitLead(c)) {
			ndigit++
		}
		e, edit, expiry := w.member(k, c, t, parent, pairKind, jwk, elem, mp)
		switch {
		case expiry:
			if nexp < len(expiries) {
				expiries[nexp] = string(k)
				nexp++
			}
		case edit:
			edits = append(edits, e)
		}
	})
	w.curObj = savedObj
	// A card number split over sibling fields (ndigit counts the members
	// that could be parts).
	if ndigit >= 2 && !w.drop {
		if keys := w.splitCard(o, parent); keys != nil {
			for _, k := range keys {
				pl := w.pushKey(k)
				mark := len(w.hits)
				w.add(PaymentCard, "card.split", 0, 0)
				act, _ := w.resolve("", mark)
				w.hits = w.hits[:mark]
				w.noteNested(act)
				w.path = w.path[:pl]
				if act == DropProperty || act == Redact || act == Hash {
					edits = append(edits, pending{key: k, drop: true})
				}
			}
			w.panSeen = true
		}
	}
	// Card expiry dates count only next to a card number.
	if w.panSeen && !w.drop {
		for _, k := range expiries[:nexp] {
			c := o.Get(k)
			if c == nil {
				continue
			}
			pl := w.pushKey(k)
			if act := w.expiry(c); act == DropProperty {
				edits = append(edits, pending{key: k, drop: true})
			} else if act == Redact || act == Hash {
				edits = append(edits, pending{key: k, val: w.a.NewString(redactedMarker)})
			}
			w.path = w.path[:pl]
		}
	}
	for _, e := range edits {
		if e.drop {
			for i := 0; i < 64 && o.Get(e.key) != nil; i++ {
				o.Del(e.key)
			}
			continue
		}
		// Replace in place; with duplicate keys, remove every copy first.
		n := 0
		o.Visit(func(k []byte, _ *fastjson.Value) {
			if string(k) == e.key {
				n++
			}
		})
		for i := 0; n > 1 && i < 64 && o.Get(e.key) != nil; i++ {
			o.Del(e.key)
		}
		o.Set(e.key, e.val)
	}
	w.panSeen = savedPan || w.panSeen
	// Not deferred: after a panic the walker is not used again (release).
	w.address = savedAddr
}

// member judges the property k: c of an object whose keys say pairKind,
// jwk and elem (see objContext), under an object of kind parent. It returns
// the edit to make to the object, if any (edit), or reports a card expiry,
// judged only after its siblings (expiry).
//
// pre, when not nil, is the key cache's entry for k (see memberPre).
//
// The path is restored on return, not by a deferred call: should the walk
// panic, release reports the path as it was at the panic.
func (w *walker) member(k []byte, c *fastjson.Value, t fastjson.Type, parent, pairKind keyKind, jwk bool, elem *elemInfo, pre *memberPre) (e pending, edit, expiry bool) {
	ks := b2s(k)
	var kind keyKind
	var keySens bool
	if pre != nil {
		kind, keySens = w.projectKind(ks, pre.kind)
	} else {
		kind, keySens = w.kindOf(ks)
	}
	var pl int
	if keySens {
		// The key is data: it never appears in a path, and an action
		// on it removes the property.
		pl = w.pushKey("[key]")
	} else {
		pl = w.pushKey(ks)
	}
	e, edit, expiry = w.memberValue(k, ks, c, t, parent, pairKind, jwk, elem, kind, keySens)
	w.path = w.path[:pl]
	return e, edit, expiry
}

// memberValue is member after the key's classification and path.
func (w *walker) memberValue(k []byte, ks string, c *fastjson.Value, t fastjson.Type, parent, pairKind keyKind, jwk bool, elem *elemInfo, kind keyKind, keySens bool) (e pending, edit, expiry bool) {
	w.checkFault()
	if keySens {
		if act := w.keyValue(ks); act == DropProperty || act == DropEvent {
			return pending{key: string(k), drop: true}, true, false
		}
	}
	kind = childKind(parent, ks, kind)
	if pairKind == kTyped {
		if ks == "text" {
			kind = kTyped
		}
	} else if pairKind != kNone && (pairValueKey(ks) || ks == "id" && (pairKind == kNatID || pairKind == kSSN)) {
		// {"id_type": "passport", "id": "X1234567"}: the id is the document's.
		kind = pairKind
	}
	if jwk && jwkPrivate(ks) {
		kind = kJWKPriv
	}
	if kind == kExpiry {
		return pending{}, false, true
	}
	switch t {
	case fastjson.TypeString, fastjson.TypeNumber:
		act, repl := w.leafOf(c, t == fastjson.TypeNumber, kind, ks, elem)
		switch act {
		case DropProperty:
			return pending{key: string(k), drop: true}, true, false
		case Redact, Hash:
			return pending{key: string(k), val: repl}, true, false
		}
	case fastjson.TypeObject:
		if elem != nil && ks == "attributes" {
			w.walkObject(c, kind, elem)
			return pending{}, false, false
		}
		if elem != nil && elem.mark != "" && elementAttrKey(ks) {
			if act := w.whole(elem.mark, elem.markDet); act == DropProperty || act == Redact || act == Hash {
				return pending{key: string(k), drop: true}, true, false
			}
			return pending{}, false, false
		}
		w.walkObject(c, kind, nil)
	case fastjson.TypeArray:
		if elem != nil && elem.mark != "" && elementAttrKey(ks) {
			if act := w.whole(elem.mark, elem.markDet); act == DropProperty || act == Redact || act == Hash {
				return pending{key: string(k), drop: true}, true, false
			}
			return pending{}, false, false
		}
		if valuesListKey(ks) && w.curObj != nil {
			// {"field_names": ["user", "password"], "field_values": [...]}
			if names := parallelNames(w.curObj, c); names != nil {
				w.walkParallel(c, names)
				return pending{}, false, false
			}
		}
		if cardArrayKey(ks, kind) && splitCardArray(c) {
			// ["4111", "1111", "1111", "1111"] under a card key.
			if act := w.whole(PaymentCard, "card.split"); act == DropProperty || act == Redact || act == Hash {
				w.panSeen = true
				return pending{key: string(k), drop: true}, true, false
			}
			return pending{}, false, false
		}
		w.walkArray(c, kind)
	}
	return pending{}, false, false
}

// keyValue handles a key whose text is a sensitive value. A key cannot be
// rewritten in place, so redact and hash remove the property too.
func (w *walker) keyValue(k string) Action {
	mark := len(w.hits)
	w.scanText(k, kNone, maxDepth)
	hits := w.hits[mark:]
	defer func() { w.hits = w.hits[:mark] }()
	if len(hits) == 0 {
		return ""
	}
	path := w.pathString()
	if w.c.allowed(path) {
		for i := range hits {
			w.finding(path, &hits[i], Allow)
		}
		return Allow
	}
	top := Keep
	for i := range hits {
		if a := w.c.actionFor(hits[i].class, hits[i].rule); a.rank() > top.rank() {
			top = a
		}
	}
	switch top {
	case Redact, Hash:
		top = DropProperty
	case DropEvent:
		w.drop = true
	}
	for i := range hits {
		a := top
		if top == Keep {
			a = Keep
		}
		w.finding(path, &hits[i], a)
	}
	w.noteNested(top)
	return top
}

// whole records a detection covering a non-string value (an element's
// class list...) and returns the action.
func (w *walker) whole(cl Class, det string) Action {
	mark := len(w.hits)
	w.add(cl, det, 0, 0)
	act, _ := w.resolve("", mark)
	w.hits = w.hits[:mark]
	w.noteNested(act)
	return act
}

// expiry handles a card expiry value next to a card number.
func (w *walker) expiry(c *fastjson.Value) Action {
	var s string
	switch c.Type() {
	case fastjson.TypeString:
		b, _ := c.StringBytes()
		s = b2s(b)
	case fastjson.TypeNumber:
		w.num = c.MarshalTo(w.num[:0])
		s = b2s(w.num)
	default:
		return ""
	}
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 10 {
		return ""
	}
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) && t[i] != '/' && t[i] != '-' && t[i] != ' ' {
			return ""
		}
	}
	mark := len(w.hits)
	w.add(PaymentCard, "key.card_expiry", 0, len(s))
	act, _ := w.resolve(s, mark)
	w.hits = w.hits[:mark]
	w.noteNested(act)
	return act
}

// walkArray visits an array's elements; kind is what the array's key says.
func (w *walker) walkArray(v *fastjson.Value, kind keyKind) {
	arr, err := v.Array()
	if err != nil {
		return
	}
	pl := len(w.path)
	w.path = append(w.path, "[]"...)
	var dbuf [8]int
	drops := dbuf[:0]
	pairKind := pairArrayKind(arr)
	var av argvState
	for i, c := range arr {
		if w.drop {
			break
		}
		ak := av.kind(b2s(c.GetStringBytes()), c.Type() == fastjson.TypeString)
		switch c.Type() {
		case fastjson.TypeObject:
			w.walkObject(c, kind, nil)
		case fastjson.TypeArray:
			w.walkArray(c, kind)
		case fastjson.TypeString, fastjson.TypeNumber:
			k := kind
			if i == 1 && pairKind != kNone {
				k = pairKind
			}
			if ak != kNone {
				k = ak // argv: ["psql", "--password", "S3cret!"]
			}
			act, repl := w.leaf(c, k, "", nil)
			switch act {
			case DropProperty:
				drops = append(drops, i)
			case Redact, Hash:
				arr[i] = repl
			}
		}
	}
	for k := len(drops) - 1; k >= 0; k-- {
		v.Del(strconv.Itoa(drops[k]))
	}
	w.path = w.path[:pl]
}

// argvFlagKind: an element of an argument vector that is a flag named
// like a sensitive key ("--password", "-api-key", "--client_secret") gives
// the next element what it names.
func argvFlagKind(s string) keyKind {
	if len(s) < 3 || len(s) > 64 || s[0] != '-' {
		return kNone
	}
	n := strings.TrimLeft(s, "-")
	if len(s)-len(n) > 2 || len(n) < 2 || strings.ContainsAny(n, "= \t/") {
		return kNone
	}
	return namedKind(n)
}

// pairArrayKind: a two-element array ["password", "hunter2"] (headers as
// lists of pairs, form fields as [name, value]) gives its second element
// what the first names. Two short lower-case words are a list of words,
// not a name and its value: authentication methods (an ID token's "amr":
// ["pwd", "mfa"]), tags (["password", "reset"]), scopes.
func pairArrayKind(arr []*fastjson.Value) keyKind {
	if len(arr) != 2 || arr[0].Type() != fastjson.TypeString {
		return kNone
	}
	if t := arr[1].Type(); t != fastjson.TypeString && t != fastjson.TypeNumber {
		return kNone
	} else if t == fastjson.TypeString && shortLowerWord(b2s(arr[1].GetStringBytes())) {
		return kNone
	}
	return namedKind(b2s(arr[0].GetStringBytes()))
}

// shortLowerWord: s is one to six lower-case ASCII letters.
func shortLowerWord(s string) bool {
	if len(s) == 0 || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// leaf inspects a string or number and returns the action to apply to it
// and, for redact and hash, its replacement.
func (w *walker) leaf(c *fastjson.Value, kind keyKind, key string, elem *elemInfo) (Action, *fastjson.Value) {
	return w.leafOf(c, c.Type() == fastjson.TypeNumber, kind, key, elem)
}

// leafOf is leaf for a c whose type the caller knows (isNum: a number,
// else a string).
func (w *walker) leafOf(c *fastjson.Value, isNum bool, kind keyKind, key string, elem *elemInfo) (Action, *fastjson.Value) {
	var s string
	mark := len(w.hits)
	w.key = key
	if isNum {
		w.num = c.MarshalTo(w.num[:0])
		s = b2s(w.num)
		w.scanNumberText(w.num, kind)
		if len(w.c.rules) > 0 {
			w.customRules(s)
		}
	} else {
		b, _ := c.StringBytes()
		s = b2s(b)
	}
	// A string outside an element and outside stringified JSON is judged
	// on (checker, kind, key, value) alone: a value found clean before is
	// clean again.
	memoable := !isNum && elem == nil && w.jdepth == 0 && !w.builtinOnly && memoFits(key, s)
	var h uint64
	if memoable {
		var e *memoEntry
		if e, h = w.memo.find(w.c.id, kind, key, s); e != nil {
			return "", nil
		}
	}
	found := w.found
	if elem != nil && key != "" && !structuralKey(key) && len(s) > 0 {
		w.elemHit(elem, key, s, 0, len(s))
	}
	if !isNum && len(s) >= 129 && s[0] == '[' && keypairKey(key) && solanaKeypair(s) {
		w.add(PrivateKey, "private_key.keyfile", 0, len(s)) // a Solana keypair file's text
	}
	if !isNum && len(w.hits) == mark && !kind.sensitive() && kind != kElementsChain && looksJSON(s) {
		if act, repl, ok := w.nestedJSON(s, kind); ok {
			if act == "" && memoable && w.found == found {
				w.memo.add(h, w.c.id, kind, key, s)
			}
			return act, repl
		}
	}
	if !isNum {
		if kind == kElementsChain {
			w.scanChain(s)
		} else {
			w.scanText(s, kind, 0)
		}
	}
	if len(w.hits) == mark {
		if memoable && w.found == found {
			w.memo.add(h, w.c.id, kind, key, s)
		}
		return "", nil
	}
	act, repl := w.resolve(s, mark)
	w.hits = w.hits[:mark]
	w.noteNested(act)
	switch act {
	case Redact, Hash:
		return act, w.a.NewStringBytes(repl)
	}
	return act, nil
}

// resolve decides what happens to the value s whose detections are
// w.hits[mark:], appends the findings, and for redact and hash (and for
// drops inside an element chain) returns the new text.
func (w *walker) resolve(s string, mark int) (Action, []byte) {
	hits := w.hits[mark:]
	if len(hits) == 0 {
		return "", nil
	}
	path := w.pathString()
	if w.c.allowed(path) {
		for i := range hits {
			w.finding(path, &hits[i], Allow)
		}
		return Allow, nil
	}
	top := Action("")
	removable := true
	for i := range hits {
		a := w.c.actionFor(hits[i].class, hits[i].rule)
		if top == "" || a.rank() > top.rank() {
			top = a
		}
		if a == DropProperty && hits[i].rm1 <= hits[i].rm0 {
			removable = false
		}
	}
	switch {
	case top == DropEvent:
		w.drop = true
		for i := range hits {
			w.finding(path, &hits[i], DropEvent)
		}
		return DropEvent, nil
	case top == DropProperty && !removable:
		for i := range hits {
			w.finding(path, &hits[i], DropProperty)
		}
		return DropProperty, nil
	case top == Keep:
		for i := range hits {
			w.finding(path, &hits[i], Keep)
		}
		return Keep, nil
	}
	// Redact, hash, or drops of removable parts: rebuild the text.
	for i := range hits {
		w.finding(path, &hits[i], w.c.actionFor(hits[i].class, hits[i].rule))
	}
	return Redact, w.rebuild(s, hits)
}

func (w *walker) pathString() string {
	if w.nestedPath != "" {
		return w.nestedPath
	}
	return string(w.path)
}

// noteNested records, inside a stringified JSON value, what happened to
// one of its parts.
func (w *walker) noteNested(act Action) {
	if w.jdepth == 0 {
		return
	}
	switch act {
	case DropProperty:
		w.nestedDrop = true
	case Redact, Hash:
		w.nestedChanged = true
	}
}

// looksJSON: a string that may hold a JSON object or array.
func looksJSON(s string) bool {
	if len(s) < 2 {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf && c != '{' && c != '[' && !asciiSpace(c) {
		return false // what TrimSpace leaves starts with c
	}
	s = strings.TrimSpace(s)
	return len(s) >= 2 && (s[0] == '{' && s[len(s)-1] == '}' || s[0] == '[' && s[len(s)-1] == ']')
}

// asciiSpace: c is one of the ASCII bytes strings.TrimSpace removes.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// nestedJSON walks a stringified JSON value in place. A part to drop drops
// the holding property; parts to redact or hash are replaced inside it and
// the value is re-encoded. ok is false when s is not JSON after all.
func (w *walker) nestedJSON(s string, kind keyKind) (act Action, repl *fastjson.Value, ok bool) {
	if w.jdepth+1 >= len(w.trees) {
		return "", nil, false
	}
	v, err := w.trees[w.jdepth+1].Parse(strings.TrimSpace(s))
	if err != nil {
		return "", nil, false
	}
	outerPath := w.nestedPath
	if outerPath == "" {
		w.nestedPath = string(w.path)
	}
	outerDrop, outerChanged := w.nestedDrop, w.nestedChanged
	w.nestedDrop, w.nestedChanged = false, false
	w.jdepth++
	pl := len(w.path)
	switch v.Type() {
	case fastjson.TypeObject:
		w.walkObject(v, kind, nil)
	case fastjson.TypeArray:
		w.walkArray(v, kind)
	}
	w.path = w.path[:pl]
	w.jdepth--
	if len(s) > 1<<16 {
		// Do not keep a large buffer in the pooled walker (v stays valid:
		// it keeps the old buffers alive until it is unused).
		defer func(d int) { w.trees[d] = fastjson.Parser{} }(w.jdepth + 1)
	}
	drop, changed := w.nestedDrop, w.nestedChanged
	w.nestedPath, w.nestedDrop, w.nestedChanged = outerPath, outerDrop, outerChanged
	switch {
	case w.drop:
		return DropEvent, nil, true
	case drop:
		w.noteNested(DropProperty)
		return DropProperty, nil, true
	case changed:
		w.noteNested(Redact)
		w.repl = v.MarshalTo(w.repl[:0])
		out := w.a.NewStringBytes(w.repl)
		w.repl = w.repl[:0]
		return Redact, out, true
	}
	return "", nil, true
}

// finding appends a finding unless this event already has the same one.
func (w *walker) finding(path string, h *hit, act Action) {
	w.found++
	for i := w.first; i < len(w.out); i++ {
		f := &w.out[i]
		if f.Path == path && f.Class == string(h.class) && f.Detector == h.det && f.Action == string(act) {
			return
		}
	}
	f := w.meta
	f.Path = path
	f.Class = string(h.class)
	f.Detector = h.det
	f.Action = string(act)
	w.out = append(w.out, f)
}

// rebuild returns s with every redacted, hashed or removed part replaced.
func (w *walker) rebuild(s string, hits []hit) []byte {
	// Order the parts to change by start (insertion sort: few hits).
	type part struct {
		start, end int
		act        Action
		class      Class
	}
	var pbuf [16]part
	parts := pbuf[:0]
	whole := len(hits) > 64 // many parts: replace the value as a whole
	for i := range hits {
		h := &hits[i]
		a := w.c.actionFor(h.class, h.rule)
		p := part{h.start, h.end, a, h.class}
		if whole {
			if a == Redact || a == Hash || a == DropProperty {
				p = part{0, len(s), Redact, h.class}
				parts = append(parts[:0], p)
				break
			}
			continue
		}
		switch a {
		case Redact, Hash:
		case DropProperty:
			p.start, p.end = h.rm0, h.rm1
		default:
			continue
		}
		if p.end <= p.start && a != DropProperty {
			p.start, p.end = 0, len(s)
		}
		p.start = max(0, min(p.start, len(s)))
		p.end = max(p.start, min(p.end, len(s)))
		parts = append(parts, p)
		for k := len(parts) - 1; k > 0 && parts[k].start < parts[k-1].start; k-- {
			parts[k], parts[k-1] = parts[k-1], parts[k]
		}
	}
	out := w.repl[:0]
	cur := 0
	for i := 0; i < len(parts); {
		p := parts[i]
		// Merge overlapping parts; the strongest action wins.
		j := i + 1
		for j < len(parts) && parts[j].start < p.end {
			if parts[j].end > p.end {
				p.end = parts[j].end
			}
			if parts[j].act.rank() > p.act.rank() {
				p.act, p.class = parts[j].act, parts[j].class
			}
			j++
		}
		if p.start < cur {
			p.start = cur
		}
		out = append(out, s[cur:p.start]...)
		switch p.act {
		case DropProperty:
			// removed
		case Hash:
			out = w.appendHash(out, p.class, s[p.start:p.end])
		default:
			out = append(out, redactedMarker...)
		}
		cur = max(cur, p.end)
		i = j
	}
	out = append(out, s[cur:]...)
	w.repl = out[:0]
	return out
}

// appendHash appends "hash:" and 32 hex digits of HMAC-SHA256(key, v),
// v normalised by class so that the same value hashes the same however it
// was written (case of an e-mail address, separators in a card number).
func (w *walker) appendHash(dst []byte, cl Class, v string) []byte {
	m := hmac.New(sha256.New, w.c.key)
	var nb [64]byte
	norm := nb[:0]
	switch cl {
	case Email:
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c >= 'A' && c <= 'Z' {
				c += 32
			}
			if c != ' ' {
				norm = append(norm, c)
			}
		}
	case PaymentCard, Phone, NationalID, BankAccount:
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c >= 'a' && c <= 'z' {
				c -= 32
			}
			if isAlnum(c) {
				norm = append(norm, c)
			}
		}
	default:
		norm = append(norm, v...)
	}
	m.Write(norm)
	var sum [sha256.Size]byte
	dst = append(dst, hashMarkerPrefix...)
	return hex.AppendEncode(dst, m.Sum(sum[:0])[:16])
}

// String implements fmt.Stringer without exposing the hash key.
func (c *Checker) String() string {
	return fmt.Sprintf("guard.Checker{rules: %d, allow: %d}", len(c.rules), len(c.allow))
}
