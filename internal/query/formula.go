package query

import (
	"fmt"
	"strconv"
)

// A formula is arithmetic over series letters (A = the first series),
// numbers, + - * / and parentheses, evaluated per bucket. Division by zero
// gives 0.
type formula func(vals []float64) float64

// ParseFormula parses src for a query with n series. Errors name the column.
func ParseFormula(src string, n int) (formula, error) {
	p := &fparser{src: src, n: n}
	f, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, fmt.Errorf("unexpected %q at column %d", p.src[p.pos], p.pos+1)
	}
	return f, nil
}

type fparser struct {
	src string
	pos int
	n   int
}

func (p *fparser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *fparser) peek() byte {
	p.space()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *fparser) expr() (formula, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		switch op := p.peek(); op {
		case '+', '-':
			p.pos++
			r, err := p.term()
			if err != nil {
				return nil, err
			}
			a, b := l, r
			if op == '+' {
				l = func(v []float64) float64 { return a(v) + b(v) }
			} else {
				l = func(v []float64) float64 { return a(v) - b(v) }
			}
		default:
			return l, nil
		}
	}
}

func (p *fparser) term() (formula, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		switch op := p.peek(); op {
		case '*', '/':
			p.pos++
			r, err := p.unary()
			if err != nil {
				return nil, err
			}
			a, b := l, r
			if op == '*' {
				l = func(v []float64) float64 { return a(v) * b(v) }
			} else {
				l = func(v []float64) float64 {
					d := b(v)
					if d == 0 {
						return 0
					}
					return a(v) / d
				}
			}
		default:
			return l, nil
		}
	}
}

func (p *fparser) unary() (formula, error) {
	if p.peek() == '-' {
		p.pos++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(v []float64) float64 { return -x(v) }, nil
	}
	return p.primary()
}

func (p *fparser) primary() (formula, error) {
	c := p.peek()
	start := p.pos
	switch {
	case c == 0:
		return nil, fmt.Errorf("unexpected end at column %d", p.pos+1)
	case c == '(':
		p.pos++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("missing ) at column %d", p.pos+1)
		}
		p.pos++
		return x, nil
	case c >= 'A' && c <= 'Z':
		i := int(c - 'A')
		if i >= p.n {
			return nil, fmt.Errorf("series %c at column %d does not exist (%d series)", c, start+1, p.n)
		}
		p.pos++
		return func(v []float64) float64 { return v[i] }, nil
	case c >= '0' && c <= '9' || c == '.':
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		x, err := strconv.ParseFloat(p.src[start:p.pos], 64)
		if err != nil {
			return nil, fmt.Errorf("bad number at column %d", start+1)
		}
		return func([]float64) float64 { return x }, nil
	}
	return nil, fmt.Errorf("unexpected %q at column %d", c, start+1)
}
