package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits that keep parsing, evaluation and compiled queries bounded.
const (
	MaxLen   = 16 << 10 // bytes of source
	MaxDepth = 64       // levels of the tree (and/or chains are balanced)
	MaxItems = 1000     // items of a list literal
)

// SyntaxError is a malformed or ill-typed expression. Line and Col (both
// 1-based, Col in runes) point at the offending token; Error shows the line
// with a caret under it.
type SyntaxError struct {
	Line, Col int
	Msg       string
	src       string // the source line, for Error
}

func (e *SyntaxError) Error() string {
	where := fmt.Sprintf("column %d", e.Col)
	if e.Line > 1 {
		where = fmt.Sprintf("line %d, column %d", e.Line, e.Col)
	}
	if e.src == "" && e.Col <= 1 {
		return e.Msg + " at " + where
	}
	line, caret := excerpt(e.src, e.Col)
	return e.Msg + " at " + where + "\n" + line + "\n" + strings.Repeat(" ", caret) + "^"
}

// excerpt returns at most ~80 runes of line around column col, control
// characters blanked, and the caret's offset in it.
func excerpt(line string, col int) (string, int) {
	rs := []rune(line)
	lo, hi := 0, len(rs)
	if col-1 > 60 {
		lo = col - 1 - 60
	}
	if hi-lo > 80 {
		hi = lo + 80
	}
	var b strings.Builder
	caret := col - 1 - lo
	if lo > 0 {
		b.WriteString("...")
		caret += 3
	}
	for _, r := range rs[lo:hi] {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		b.WriteRune(r)
	}
	if hi < len(rs) {
		b.WriteString("...")
	}
	return b.String(), caret
}

// Parse parses a Mixpanel segmentation expression and checks its types.
// Errors are *SyntaxError.
func Parse(src string) (Node, error) {
	p := &parser{src: src, lastCol: 1}
	if len(src) > MaxLen {
		return nil, p.errAt(1, fmt.Sprintf("expression is longer than %d bytes", MaxLen))
	}
	if !utf8.ValidString(src) {
		return nil, p.errAt(1, "expression is not valid UTF-8")
	}
	p.next()
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected()
	}
	if err := check(n, false); err != nil {
		return nil, p.wrap(err)
	}
	if _, err := depth(n); err != nil {
		return nil, p.wrap(err)
	}
	return n, nil
}

// checkError is a type error at a node's column, before the source is known.
type checkError struct {
	col int
	msg string
}

func (e *checkError) Error() string { return e.msg }

func (p *parser) wrap(err error) error {
	if ce, ok := err.(*checkError); ok {
		return p.errAt(ce.col, ce.msg)
	}
	return err
}

// check enforces the static rules: numeric operators take numbers, a list
// appears only on the right of "in", defined takes a property.
func check(n Node, listOK bool) error {
	switch n := n.(type) {
	case *ListLit:
		if !listOK {
			return &checkError{n.Col, `a list is allowed only on the right of "in"`}
		}
	case *Unary:
		if err := check(n.X, false); err != nil {
			return err
		}
		if n.Op == OpNeg {
			return wantNumber(n.X, "-")
		}
	case *Binary:
		if err := check(n.L, false); err != nil {
			return err
		}
		if err := check(n.R, n.Op == OpIn); err != nil {
			return err
		}
		switch n.Op {
		case OpAdd, OpSub, OpMul, OpDiv, OpMod:
			if err := wantNumber(n.L, n.Op.String()); err != nil {
				return err
			}
			return wantNumber(n.R, n.Op.String())
		case OpIn:
			if t := n.R.Type(); t == Number || t == Boolean {
				return &checkError{n.R.Pos(), `"in" wants a list or a string on its right, got a ` + t.String()}
			}
		}
	case *Call:
		if err := check(n.Arg, false); err != nil {
			return err
		}
		switch n.Fn {
		case FnFloor, FnRound, FnCeil:
			return wantNumber(n.Arg, n.Fn.String())
		case FnDefined:
			if _, ok := n.Arg.(*Prop); !ok {
				return &checkError{n.Arg.Pos(), `defined wants a property, like defined(properties["name"])`}
			}
		}
	case *Regex:
		return check(n.X, false)
	}
	return nil
}

func wantNumber(n Node, op string) error {
	if t := n.Type(); t != Number && t != Any {
		return &checkError{n.Pos(), fmt.Sprintf("%q wants a number, got a %s (use number(...) to convert)", op, t)}
	}
	return nil
}

// depth returns the height of n, or an error past MaxDepth.
func depth(n Node) (int, error) {
	d := 0
	var err error
	sub := func(c Node) {
		if err != nil {
			return
		}
		var cd int
		cd, err = depth(c)
		d = max(d, cd)
	}
	switch n := n.(type) {
	case *Unary:
		sub(n.X)
	case *Binary:
		sub(n.L)
		sub(n.R)
	case *Call:
		sub(n.Arg)
	case *Regex:
		sub(n.X)
	}
	if err == nil && d+1 > MaxDepth {
		err = &checkError{n.Pos(), fmt.Sprintf("expression nests more than %d levels deep", MaxDepth)}
	}
	return d + 1, err
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tPunct
)

type token struct {
	kind tokKind
	text string  // identifier or punctuation
	str  string  // decoded string literal
	num  float64 // number literal
	off  int     // byte offset in src
	err  string  // a lexical error, reported by the parser
}

type parser struct {
	src  string
	off  int // byte offset of the next unread byte
	tok  token
	nest int // open parentheses, calls and prefix operators

	lastOff, lastCol int // cache of col
}

// enter counts one level of nesting at column col; leave undoes it.
func (p *parser) enter(col int) error {
	if p.nest++; p.nest > MaxDepth {
		return p.errAt(col, fmt.Sprintf("expression nests more than %d levels deep", MaxDepth))
	}
	return nil
}

func (p *parser) leave() { p.nest-- }

// errAt reports msg at column col (in runes, of the whole source).
func (p *parser) errAt(col int, msg string) *SyntaxError {
	// col counts runes over the whole source: find its line.
	line, lineStart := 1, 0
	i := 0
	for off, r := range p.src {
		if i == col-1 {
			break
		}
		i++
		if r == '\n' {
			line++
			lineStart = off + 1
		}
	}
	end := strings.IndexByte(p.src[lineStart:], '\n')
	text := p.src[lineStart:]
	if end >= 0 {
		text = text[:end]
	}
	if len(p.src) > MaxLen || !utf8.ValidString(p.src) {
		text = ""
	}
	startCol := utf8.RuneCountInString(p.src[:lineStart])
	return &SyntaxError{Line: line, Col: col - startCol, Msg: msg, src: text}
}

// col returns the 1-based rune column of byte offset off; offsets asked for
// mostly grow, so it counts on from the last answer.
func (p *parser) col(off int) int {
	if off < p.lastOff {
		p.lastOff, p.lastCol = 0, 1
	}
	p.lastCol += utf8.RuneCountInString(p.src[p.lastOff:off])
	p.lastOff = off
	return p.lastCol
}

func (p *parser) errTok(t token, msg string) error { return p.errAt(p.col(t.off), msg) }

func (p *parser) unexpected() error {
	t := p.tok
	switch {
	case t.err != "":
		return p.errTok(t, t.err)
	case t.kind == tEOF:
		return p.errTok(t, "unexpected end of expression")
	case t.kind == tString:
		return p.errTok(t, "unexpected string")
	case t.kind == tNumber:
		return p.errTok(t, "unexpected number")
	case t.text == "=":
		return p.errTok(t, `unexpected "=" (use == to compare)`)
	case t.text == "&&" || t.text == "||" || t.text == "!":
		return p.errTok(t, fmt.Sprintf("unexpected %q (use and, or, not)", t.text))
	}
	return p.errTok(t, fmt.Sprintf("unexpected %q", t.text))
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == tPunct || p.tok.kind == tIdent) && p.tok.text == text
}

func (p *parser) expect(text string) error {
	if !p.is(text) {
		if p.tok.err != "" {
			return p.unexpected()
		}
		what := "end of expression"
		switch p.tok.kind {
		case tString:
			what = "string"
		case tNumber:
			what = "number"
		case tIdent, tPunct:
			what = strconv.Quote(p.tok.text)
		}
		return p.errTok(p.tok, fmt.Sprintf("expected %q, found %s", text, what))
	}
	p.next()
	return nil
}

// next reads the next token into p.tok.
func (p *parser) next() {
	s := p.src
	for p.off < len(s) && (s[p.off] == ' ' || s[p.off] == '\t' || s[p.off] == '\n' || s[p.off] == '\r') {
		p.off++
	}
	start := p.off
	p.tok = token{off: start}
	if start >= len(s) {
		return
	}
	c := s[start]
	switch {
	case isLetter(c):
		i := start
		for i < len(s) && (isLetter(s[i]) || isDigit(s[i])) {
			i++
		}
		p.tok.kind, p.tok.text, p.off = tIdent, s[start:i], i
	case isDigit(c) || (c == '.' && start+1 < len(s) && isDigit(s[start+1])):
		p.lexNumber()
	case c == '"' || c == '\'':
		p.lexString(c)
	default:
		p.tok.kind = tPunct
		two := ""
		if start+2 <= len(s) {
			two = s[start : start+2]
		}
		switch two {
		case "==", "!=", ">=", "<=", "&&", "||":
			p.tok.text, p.off = two, start+2
			return
		}
		if strings.IndexByte("+-*/%<>()[],=!", c) >= 0 {
			p.tok.text, p.off = s[start:start+1], start+1
			return
		}
		r, size := utf8.DecodeRuneInString(s[start:])
		p.tok.text, p.off = string(r), start+size
	}
}

func isLetter(c byte) bool { return c == '_' || c == '$' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func (p *parser) lexNumber() {
	s, i := p.src, p.off
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	text := s[p.off:i]
	p.tok.kind, p.off = tNumber, i
	if i < len(s) && (isLetter(s[i]) || isDigit(s[i])) {
		p.tok.err = "malformed number"
		return
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		p.tok.err = "number out of range"
		return
	}
	p.tok.num = f
}

func (p *parser) lexString(q byte) {
	s, i := p.src, p.off+1
	var b strings.Builder
	p.tok.kind = tString
	for {
		if i >= len(s) || s[i] == '\n' {
			p.tok.err, p.off = "unterminated string", len(s)
			return
		}
		c := s[i]
		if c == q {
			p.tok.str, p.off = b.String(), i+1
			return
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			p.tok.err, p.off = "unterminated string", len(s)
			return
		}
		esc := s[i+1]
		i += 2
		switch esc {
		case '"', '\'', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n := hex4(s[i:])
			if n < 0 {
				p.tok.err, p.off = `malformed \u escape in string`, len(s)
				return
			}
			i += n
			if utf16Surrogate(r) {
				r2, n2 := -1, -1
				if strings.HasPrefix(s[i:], `\u`) {
					r2, n2 = hex4(s[i+2:])
				}
				if n2 < 0 || r2 < 0xDC00 || r2 > 0xDFFF || r > 0xDBFF {
					p.tok.err, p.off = `unpaired surrogate \u escape in string`, len(s)
					return
				}
				r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
				i += 2 + n2
			}
			b.WriteRune(rune(r))
		default:
			p.tok.err, p.off = `unknown escape \`+string(rune(esc))+` in string`, len(s)
			return
		}
	}
}

func utf16Surrogate(r int) bool { return r >= 0xD800 && r <= 0xDFFF }

func hex4(s string) (int, int) {
	if len(s) < 4 {
		return -1, -1
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return -1, -1
	}
	return int(v), 4
}

// balance joins terms with op as a balanced tree: and/or are associative,
// and a balanced tree keeps long chains within MaxDepth.
func balance(op Op, cols []int, terms []Node) Node {
	if len(terms) == 1 {
		return terms[0]
	}
	m := len(terms) / 2
	return &Binary{Col: cols[m], Op: op, L: balance(op, cols[:m], terms[:m]), R: balance(op, cols[m:], terms[m:])}
}

func (p *parser) parseOr() (Node, error) { return p.parseChain("or", OpOr, p.parseAnd) }

func (p *parser) parseAnd() (Node, error) { return p.parseChain("and", OpAnd, p.parseNot) }

func (p *parser) parseChain(word string, op Op, sub func() (Node, error)) (Node, error) {
	n, err := sub()
	if err != nil {
		return nil, err
	}
	terms, cols := []Node{n}, []int{n.Pos()}
	for p.is(word) {
		col := p.col(p.tok.off)
		p.next()
		r, err := sub()
		if err != nil {
			return nil, err
		}
		// cols[i] is the operator column for the join at i (cols[0] unused).
		terms, cols = append(terms, r), append(cols, col)
	}
	return balance(op, cols, terms), nil
}

func (p *parser) parseNot() (Node, error) {
	if p.is("not") {
		col := p.col(p.tok.off)
		if err := p.enter(col); err != nil {
			return nil, err
		}
		p.next()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		p.leave()
		return &Unary{Col: col, Op: OpNot, X: x}, nil
	}
	return p.parseCmp()
}

var cmpOps = map[string]Op{"==": OpEq, "!=": OpNe, ">": OpGt, ">=": OpGe, "<": OpLt, "<=": OpLe, "in": OpIn}

func (p *parser) parseCmp() (Node, error) {
	l, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	col := p.col(p.tok.off)
	negate := false
	if p.is("not") { // "x not in y"
		p.next()
		if !p.is("in") {
			return nil, p.errAt(col, `unexpected "not" (did you mean "not in"?)`)
		}
		negate = true
	}
	op, ok := cmpOps[p.tok.text]
	if !ok || p.tok.kind == tString || p.tok.kind == tNumber {
		return l, nil
	}
	opCol := p.col(p.tok.off)
	p.next()
	r, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	if _, ok := cmpOps[p.tok.text]; ok && p.tok.kind != tString && p.tok.kind != tNumber || p.is("not") {
		return nil, p.errTok(p.tok, "comparisons do not chain: join them with and")
	}
	var n Node = &Binary{Col: opCol, Op: op, L: l, R: r}
	if negate {
		n = &Unary{Col: col, Op: OpNot, X: n}
	}
	return n, nil
}

func (p *parser) parseAdd() (Node, error) {
	return p.parseLeft(map[string]Op{"+": OpAdd, "-": OpSub}, p.parseMul)
}

func (p *parser) parseMul() (Node, error) {
	return p.parseLeft(map[string]Op{"*": OpMul, "/": OpDiv, "%": OpMod}, p.parseUnary)
}

func (p *parser) parseLeft(ops map[string]Op, sub func() (Node, error)) (Node, error) {
	l, err := sub()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tPunct {
		op, ok := ops[p.tok.text]
		if !ok {
			break
		}
		col := p.col(p.tok.off)
		p.next()
		r, err := sub()
		if err != nil {
			return nil, err
		}
		l = &Binary{Col: col, Op: op, L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseUnary() (Node, error) {
	if p.tok.kind == tPunct && p.tok.text == "-" {
		col := p.col(p.tok.off)
		if err := p.enter(col); err != nil {
			return nil, err
		}
		p.next()
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		p.leave()
		if lit, ok := x.(*Literal); ok {
			if f, ok := lit.Value.(float64); ok {
				return &Literal{Col: col, Value: -f}, nil
			}
		}
		return &Unary{Col: col, Op: OpNeg, X: x}, nil
	}
	return p.parsePrimary()
}

var funcs = map[string]Func{"floor": FnFloor, "round": FnRound, "ceil": FnCeil,
	"boolean": FnBoolean, "number": FnNumber, "string": FnString, "defined": FnDefined}

func (p *parser) parsePrimary() (Node, error) {
	t := p.tok
	col := p.col(t.off)
	if t.err != "" {
		return nil, p.unexpected()
	}
	switch t.kind {
	case tNumber:
		p.next()
		return &Literal{Col: col, Value: t.num}, nil
	case tString:
		p.next()
		return &Literal{Col: col, Value: t.str}, nil
	case tIdent:
		switch t.text {
		case "true", "false":
			p.next()
			return &Literal{Col: col, Value: t.text == "true"}, nil
		case "properties", "user":
			p.next()
			if err := p.expect("["); err != nil {
				return nil, err
			}
			if p.tok.kind != tString || p.tok.err != "" {
				if p.tok.err != "" {
					return nil, p.unexpected()
				}
				return nil, p.errTok(p.tok, `expected a quoted property name, like properties["plan"]`)
			}
			name := p.tok.str
			p.next()
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			sc := EventScope
			if t.text == "user" {
				sc = UserScope
			}
			return &Prop{Col: col, Scope: sc, Name: name}, nil
		}
		if fn, ok := funcs[t.text]; ok {
			if err := p.enter(col); err != nil {
				return nil, err
			}
			p.next()
			if err := p.expect("("); err != nil {
				return nil, err
			}
			arg, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			p.leave()
			return &Call{Col: col, Fn: fn, Arg: arg}, nil
		}
	case tPunct:
		switch t.text {
		case "(":
			if err := p.enter(col); err != nil {
				return nil, err
			}
			p.next()
			n, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			p.leave()
			return n, nil
		case "[":
			return p.parseList()
		}
	}
	return nil, p.unexpected()
}

func (p *parser) parseList() (Node, error) {
	l := &ListLit{Col: p.col(p.tok.off)}
	p.next()
	if p.is("]") {
		p.next()
		return l, nil
	}
	for {
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		lit, ok := n.(*Literal)
		if !ok {
			return nil, p.errAt(n.Pos(), "a list holds only literals (strings, numbers, true, false)")
		}
		if len(l.Items) == MaxItems {
			return nil, p.errAt(n.Pos(), fmt.Sprintf("a list holds at most %d items", MaxItems))
		}
		l.Items = append(l.Items, lit)
		if p.is("]") {
			p.next()
			return l, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}
