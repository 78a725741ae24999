package duckdb

// Expressions: the syntax trees of package expr (Mixpanel's where and on,
// and filter documents) compiled to DuckDB SQL over the stored columns.
// Every value that comes from the expression (property names, literals,
// regular expressions) is a parameter: the SQL text holds only what this
// file writes.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sieve-analytics/sieve/internal/query/expr"
	"github.com/sieve-analytics/sieve/internal/store"
)

// Errors of compileExpr, wrapped with the detail; both wrap
// store.ErrUnsupported.
var (
	// ErrExprUnsupported: the expression reads something the query has
	// not (user[...] in an event export, the event name on profiles).
	ErrExprUnsupported = fmt.Errorf("%w: expression not supported here", store.ErrUnsupported)
	// ErrExprTooComplex: the compiled SQL would exceed maxExprSQL.
	ErrExprTooComplex = fmt.Errorf("%w: expression too complex", store.ErrUnsupported)
)

// maxExprSQL bounds the SQL text of one compiled expression. Casts of casts
// repeat their operand, so a small tree may grow; this stops it.
const maxExprSQL = 256 << 10

// paramMark opens and closes a parameter placeholder inside SQL text being
// built; sqlArgs.finish numbers them. NUL never occurs in SQL this package
// writes, and input never reaches SQL text.
const paramMark = "\x00"

// sqlArgs collects the parameters of a SQL statement being built. param
// returns a placeholder; finish turns placeholders into $1, $2, ... in order
// of first use (equal values share one), dropping those the text no longer
// holds (DuckDB refuses unused parameters).
type sqlArgs struct {
	vals []any
}

// param returns a placeholder for v, cast to the SQL type typ.
func (a *sqlArgs) param(v any, typ string) string {
	a.vals = append(a.vals, v)
	return "(" + paramMark + strconv.Itoa(len(a.vals)-1) + paramMark + "::" + typ + ")"
}

// finish numbers the placeholders of text and returns the statement's
// arguments.
func (a *sqlArgs) finish(text string) (string, []any) {
	var b strings.Builder
	var args []any
	num := map[int]int{} // index in vals -> $n
	dedup := map[any]int{}
	for {
		i := strings.Index(text, paramMark)
		if i < 0 {
			b.WriteString(text)
			break
		}
		j := strings.Index(text[i+1:], paramMark) + i + 1
		idx, _ := strconv.Atoi(text[i+1 : j])
		n, ok := num[idx]
		if !ok {
			v := a.vals[idx]
			if n, ok = dedup[v]; !ok {
				args = append(args, v)
				n = len(args)
				dedup[v] = n
			}
			num[idx] = n
		}
		b.WriteString(text[:i])
		b.WriteString("$" + strconv.Itoa(n))
		text = text[j+1:]
	}
	return b.String(), args
}

// exprCols names the SQL an expression reads: the event name, the event's
// properties (JSON text), the user's profile properties. An empty name
// makes what reads it ErrExprUnsupported.
//
// Ingestion lifts distinct_id, time and $insert_id out of an event's
// properties into columns; when distinctID, timeMS and insertID are set,
// properties["distinct_id"], properties["time"] (Unix seconds) and
// properties["$insert_id"] read those columns, as an export line shows them.
type exprCols struct {
	name, props, user            string
	distinctID, timeMS, insertID string
	// hot maps event properties to the hot columns hs<n>, hj<n> that
	// hold them (hotcols.go), read instead of props.
	hot map[string]int
}

// eventExprCols are the columns of a stored event relation (eventCols),
// qualified by alias unless it is empty.
func eventExprCols(alias string) exprCols {
	q := ""
	if alias != "" {
		q = alias + "."
	}
	return exprCols{name: q + "name", props: q + "props", distinctID: q + "distinct_id", timeMS: q + "time", insertID: q + "insert_id"}
}

// lifted is the SQL and kind of a lifted event property.
func (c exprCols) lifted(name string) (string, kind, bool) {
	switch {
	case name == "distinct_id" && c.distinctID != "":
		return c.distinctID, kStr, true
	case name == "time" && c.timeMS != "":
		return "floor(" + c.timeMS + " / 1000)::DOUBLE", kNum, true
	case name == "$insert_id" && c.insertID != "":
		return "nullif(" + c.insertID + ", '')", kStr, true
	}
	return "", kAny, false
}

// compileExpr compiles n to a SQL condition: true where expr.Truthy of
// expr.Eval's result is, never NULL.
func compileExpr(n expr.Node, cols exprCols, a *sqlArgs) (string, error) {
	return compile(n, cols, a, func(c *exprCompiler, v sqlVal) string {
		return "COALESCE(list_bool_or(" + c.bound(truthy(v)) + "), false)"
	})
}

// compileText compiles n to a VARCHAR: expr's string(n) (NULL when
// undefined), e.g. the segment of an on expression.
func compileText(n expr.Node, cols exprCols, a *sqlArgs) (string, error) {
	return compile(n, cols, a, func(c *exprCompiler, v sqlVal) string { return c.bound(toStr(v)) + "[1]" })
}

// compileNumber compiles n to a DOUBLE: expr's number(n) (NULL when
// undefined), e.g. the value summed by segmentation/sum.
func compileNumber(n expr.Node, cols exprCols, a *sqlArgs) (string, error) {
	return compile(n, cols, a, func(c *exprCompiler, v sqlVal) string { return c.bound(toNum(v)) + "[1]" })
}

func compile(n expr.Node, cols exprCols, a *sqlArgs, result func(*exprCompiler, sqlVal) string) (string, error) {
	c := &exprCompiler{cols: cols, a: a}
	v, err := c.value(n)
	if err != nil {
		return "", err
	}
	return checkSize(result(c, v))
}

// kind is how a compiled value is held in SQL.
type kind uint8

const (
	kAny  kind = iota // JSON, or NULL when undefined (JSON null included, except inside lists)
	kNum              // DOUBLE, finite, or NULL
	kStr              // VARCHAR or NULL
	kBool             // BOOLEAN, never NULL
)

type sqlVal struct {
	sql string
	k   kind
	// hot, when not 0, says the value is hot property hot (kAny): its
	// string is the column hs<hot> and anything else the JSON hj<hot>
	// (hotcols.go), so string reads skip the JSON.
	hot int
}

// hotStr is the SQL of a hot value's string (NULL when not a string).
func hotStr(v sqlVal) string { return "hs" + strconv.Itoa(v.hot) }

// hotOther is the hot value without its strings: the JSON of hj, NULL for
// strings and undefined.
func hotOther(v sqlVal) sqlVal {
	return sqlVal{"nullif(hj" + strconv.Itoa(v.hot) + ", 'null')", kAny, 0}
}

type exprCompiler struct {
	cols    exprCols
	a       *sqlArgs
	lambdas int
	binds   []bind // the columns properties are read from, in order of first use
}

// bind is one JSON column's properties, read with one json_extract of all
// their paths per row (DuckDB parses the JSON text once per call, so one
// call per property, or per use, would parse it again and again) and bound
// to a lambda parameter that the property leaves index.
type bind struct {
	col   string
	paths []string
}

// leaf returns the SQL of property path of col: an element of its column's
// bound list, JSON null as SQL NULL.
func (c *exprCompiler) leaf(col, path string) string {
	k := slices.IndexFunc(c.binds, func(b bind) bool { return b.col == col })
	if k < 0 {
		k = len(c.binds)
		c.binds = append(c.binds, bind{col: col})
	}
	i := slices.Index(c.binds[k].paths, path)
	if i < 0 {
		i = len(c.binds[k].paths)
		c.binds[k].paths = append(c.binds[k].paths, path)
	}
	return fmt.Sprintf("nullif(sieve_props%d[%d], 'null')", k, i+1)
}

// bound wraps body, which reads the leaves, in the lambdas that bind them:
// list_transform([json_extract(col, [paths])], lambda sieve_propsK: body).
// The result is a one-element list holding body's value.
func (c *exprCompiler) bound(body string) string {
	for k := len(c.binds) - 1; k >= 0; k-- {
		b := c.binds[k]
		paths := make([]string, len(b.paths))
		for i, p := range b.paths {
			paths[i] = c.a.param(p, "VARCHAR")
		}
		body = fmt.Sprintf("list_transform([json_extract(%s, [%s])], lambda sieve_props%d: %s)", b.col, strings.Join(paths, ", "), k, body)
		if k > 0 {
			body += "[1]"
		}
	}
	if len(c.binds) == 0 {
		return "[" + body + "]"
	}
	return body
}

func checkSize(s string) (string, error) {
	if len(s) > maxExprSQL {
		return "", fmt.Errorf("%w: its SQL would exceed %d bytes", ErrExprTooComplex, maxExprSQL)
	}
	return s, nil
}

func (c *exprCompiler) value(n expr.Node) (sqlVal, error) {
	v, err := c.value1(n)
	if err != nil {
		return v, err
	}
	_, err = checkSize(v.sql)
	return v, err
}

const jsonNum = "('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')"

func (c *exprCompiler) value1(n expr.Node) (sqlVal, error) {
	switch n := n.(type) {
	case *expr.Prop:
		col := c.cols.props
		if n.Scope == expr.UserScope {
			col = c.cols.user
		} else if sql, k, ok := c.cols.lifted(n.Name); ok {
			return sqlVal{sql, k, 0}, nil
		} else if h, ok := c.cols.hot[n.Name]; ok {
			// The JSON value: a string from hs, anything else from hj.
			return sqlVal{fmt.Sprintf("(CASE WHEN hs%[1]d IS NOT NULL THEN to_json(hs%[1]d) ELSE nullif(hj%[1]d, 'null') END)", h), kAny, h}, nil
		}
		if col == "" {
			return sqlVal{}, fmt.Errorf("%w: %s properties are not available", ErrExprUnsupported, map[expr.Scope]string{expr.EventScope: "event", expr.UserScope: "user"}[n.Scope])
		}
		return sqlVal{c.leaf(col, jsonPointer(n.Name)), kAny, 0}, nil
	case *expr.EventName:
		if c.cols.name == "" {
			return sqlVal{}, fmt.Errorf("%w: the event name is not available", ErrExprUnsupported)
		}
		return sqlVal{c.cols.name, kStr, 0}, nil
	case *expr.Literal:
		switch v := n.Value.(type) {
		case string:
			return sqlVal{c.a.param(v, "VARCHAR"), kStr, 0}, nil
		case float64:
			return sqlVal{c.a.param(v, "DOUBLE"), kNum, 0}, nil
		case bool:
			return sqlVal{c.a.param(v, "BOOLEAN"), kBool, 0}, nil
		}
	case *expr.Unary:
		x, err := c.value(n.X)
		if err != nil {
			return x, err
		}
		if n.Op == expr.OpNot {
			return sqlVal{"(NOT " + truthy(x) + ")", kBool, 0}, nil
		}
		return sqlVal{"(-" + asNum(x) + ")", kNum, 0}, nil
	case *expr.Binary:
		return c.binary(n)
	case *expr.Call:
		x, err := c.value(n.Arg)
		if err != nil {
			return x, err
		}
		switch n.Fn {
		case expr.FnDefined:
			return sqlVal{"(" + x.sql + " IS NOT NULL)", kBool, 0}, nil
		case expr.FnBoolean:
			return sqlVal{truthy(x), kBool, 0}, nil
		case expr.FnNumber:
			return sqlVal{toNum(x), kNum, 0}, nil
		case expr.FnString:
			return sqlVal{toStr(x), kStr, 0}, nil
		case expr.FnFloor, expr.FnCeil, expr.FnRound:
			// DuckDB's round, like Go's math.Round, rounds half away from zero.
			return sqlVal{n.Fn.String() + "(" + asNum(x) + ")", kNum, 0}, nil
		}
	case *expr.Regex:
		x, err := c.value(n.X)
		if err != nil {
			return x, err
		}
		// DuckDB's regexp_matches is RE2, searching like Go's MatchString;
		// expr.NewRegex admitted only the syntax both read alike.
		return sqlVal{"COALESCE(regexp_matches(" + asStr(x) + ", " + c.a.param(n.Pattern, "VARCHAR") + "), false)", kBool, 0}, nil
	}
	return sqlVal{}, fmt.Errorf("%w: node %T", ErrExprUnsupported, n)
}

// jsonPointer is the JSON Pointer (RFC 6901) of a top-level key: DuckDB's
// JSON functions take it as a path, with no quoting rules to get wrong.
func jsonPointer(key string) string {
	return "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// finite turns an overflowed result into NULL (undefined).
func finite(s string) string { return "nullif(nullif(" + s + ", 'inf'::DOUBLE), '-inf'::DOUBLE)" }

func (c *exprCompiler) binary(n *expr.Binary) (sqlVal, error) {
	l, err := c.value(n.L)
	if err != nil {
		return l, err
	}
	if list, ok := n.R.(*expr.ListLit); ok && n.Op == expr.OpIn {
		return sqlVal{c.inList(l, list), kBool, 0}, nil
	}
	r, err := c.value(n.R)
	if err != nil {
		return r, err
	}
	switch n.Op {
	case expr.OpAnd:
		return sqlVal{"(" + truthy(l) + " AND " + truthy(r) + ")", kBool, 0}, nil
	case expr.OpOr:
		return sqlVal{"(" + truthy(l) + " OR " + truthy(r) + ")", kBool, 0}, nil
	case expr.OpEq:
		return sqlVal{eq(l, r), kBool, 0}, nil
	case expr.OpNe:
		return sqlVal{"(NOT " + eq(l, r) + ")", kBool, 0}, nil
	case expr.OpGt, expr.OpGe, expr.OpLt, expr.OpLe:
		return sqlVal{order(n.Op.String(), l, r), kBool, 0}, nil
	case expr.OpIn:
		return sqlVal{c.in(l, r), kBool, 0}, nil
	case expr.OpAdd, expr.OpSub, expr.OpMul:
		return sqlVal{finite("(" + asNum(l) + " " + n.Op.String() + " " + asNum(r) + ")"), kNum, 0}, nil
	case expr.OpDiv:
		return sqlVal{finite("(" + asNum(l) + " / nullif(" + asNum(r) + ", 0))"), kNum, 0}, nil
	case expr.OpMod:
		// DOUBLE % is fmod, as Go's math.Mod: the sign of the dividend.
		return sqlVal{"(" + asNum(l) + " % nullif(" + asNum(r) + ", 0))", kNum, 0}, nil
	}
	return sqlVal{}, fmt.Errorf("%w: operator %s", ErrExprUnsupported, n.Op)
}

// asNum is v if it is a number, else NULL.
func asNum(v sqlVal) string {
	if v.hot != 0 {
		return asNum(hotOther(v)) // a string is never a number
	}
	switch v.k {
	case kNum:
		return v.sql
	case kAny:
		return "(CASE WHEN json_type(" + v.sql + ") IN " + jsonNum + " THEN CAST(" + v.sql + " AS DOUBLE) END)"
	}
	return "(CASE WHEN " + v.sql + " IS NULL THEN NULL END)::DOUBLE"
}

// asStr is v if it is a string, else NULL.
func asStr(v sqlVal) string {
	if v.hot != 0 {
		return hotStr(v) // hj never holds a string
	}
	switch v.k {
	case kStr:
		return v.sql
	case kAny:
		return "(CASE WHEN json_type(" + v.sql + ") = 'VARCHAR' THEN json_extract_string(" + v.sql + ", '$') END)"
	}
	return "(CASE WHEN " + v.sql + " IS NULL THEN NULL END)::VARCHAR"
}

// asBool is v if it is a boolean, else NULL.
func asBool(v sqlVal) string {
	if v.hot != 0 {
		return asBool(hotOther(v))
	}
	switch v.k {
	case kBool:
		return v.sql
	case kAny:
		return "(CASE WHEN json_type(" + v.sql + ") = 'BOOLEAN' THEN CAST(" + v.sql + " AS BOOLEAN) END)"
	}
	return "(CASE WHEN " + v.sql + " IS NULL THEN NULL END)::BOOLEAN"
}

// truthy is expr.Truthy.
func truthy(v sqlVal) string {
	switch v.k {
	case kBool:
		return v.sql
	case kNum:
		return "COALESCE(" + v.sql + " <> 0, false)"
	case kStr:
		return "COALESCE(" + v.sql + " NOT IN ('', 'false'), false)"
	}
	x := v.sql
	return "COALESCE(CASE WHEN json_type(" + x + ") = 'BOOLEAN' THEN CAST(" + x + " AS BOOLEAN)" +
		" WHEN json_type(" + x + ") IN " + jsonNum + " THEN CAST(" + x + " AS DOUBLE) <> 0" +
		" WHEN json_type(" + x + ") = 'VARCHAR' THEN json_extract_string(" + x + ", '$') NOT IN ('', 'false')" +
		" WHEN json_type(" + x + ") = 'ARRAY' THEN json_array_length(" + x + ") > 0" +
		" WHEN json_type(" + x + ") = 'OBJECT' THEN true END, false)"
}

func canNum(v sqlVal) bool { return v.k == kAny || v.k == kNum }
func canStr(v sqlVal) bool { return v.k == kAny || v.k == kStr }

// eq is expr's ==: undefined equals only undefined; numbers, strings and
// booleans equal values of their own type; lists and objects nothing. Each
// non-JSON operand appears once in the SQL (see maxExprSQL).
func eq(l, r sqlVal) string {
	if l.k != kAny && r.k == kAny {
		l, r = r, l
	}
	x := l.sql
	switch {
	case l.k == kAny && r.k == kAny:
		return "COALESCE(CASE WHEN " + x + " IS NULL OR " + r.sql + " IS NULL THEN " + x + " IS NULL AND " + r.sql + " IS NULL END, " +
			asNum(l) + " = " + asNum(r) + ", " + asStr(l) + " = " + asStr(r) + ", " + asBool(l) + " = " + asBool(r) + ", false)"
	case l.k == kAny && r.k == kNum:
		// NaN stands for "not a number": r is never NaN.
		return "((CASE WHEN " + x + " IS NULL THEN NULL WHEN json_type(" + x + ") IN " + jsonNum + " THEN CAST(" + x +
			" AS DOUBLE) ELSE 'NaN'::DOUBLE END) IS NOT DISTINCT FROM " + r.sql + ")"
	case l.hot != 0 && r.k == kStr:
		return "((CASE WHEN " + hotStr(l) + " IS NOT NULL THEN 's' || " + hotStr(l) + " WHEN " + hotOther(l).sql + " IS NOT NULL THEN 'x' END) IS NOT DISTINCT FROM ('s' || " + r.sql + "))"
	case l.k == kAny && r.k == kStr:
		// Tagged: 's' marks a string, 'x' anything else defined.
		return "((CASE WHEN " + x + " IS NULL THEN NULL WHEN json_type(" + x + ") = 'VARCHAR' THEN 's' || json_extract_string(" + x +
			", '$') ELSE 'x' END) IS NOT DISTINCT FROM ('s' || " + r.sql + "))"
	case l.k == kAny && r.k == kBool:
		return "COALESCE(" + asBool(l) + " = " + r.sql + ", false)"
	case l.k == kBool && r.k == kBool:
		return "(" + x + " = " + r.sql + ")"
	case l.k == r.k:
		return "(" + x + " IS NOT DISTINCT FROM " + r.sql + ")"
	}
	return "(" + x + " IS NULL AND " + r.sql + " IS NULL)"
}

// order is < <= > >=: numbers with numbers, strings with strings (by
// bytes, as Go compares strings); false for any other pair.
func order(op string, l, r sqlVal) string {
	var terms []string
	if canNum(l) && canNum(r) {
		terms = append(terms, asNum(l)+" "+op+" "+asNum(r))
	}
	if canStr(l) && canStr(r) {
		terms = append(terms, asStr(l)+" "+op+" "+asStr(r))
	}
	return "COALESCE(" + strings.Join(append(terms, "false"), ", ") + ")"
}

// in is "l in r" for a string or JSON r: contains on strings, equality
// with an item on lists.
func (c *exprCompiler) in(l, r sqlVal) string {
	switch r.k {
	case kStr:
		if !canStr(l) {
			return "false"
		}
		return "COALESCE(contains(" + r.sql + ", " + asStr(l) + "), false)"
	case kAny:
		c.lambdas++
		item := sqlVal{"sieve_item" + strconv.Itoa(c.lambdas), kAny, 0}
		x := r.sql
		return "COALESCE(CASE WHEN json_type(" + x + ") = 'VARCHAR' THEN contains(json_extract_string(" + x + ", '$'), " + asStr(l) + ")" +
			" WHEN json_type(" + x + ") = 'ARRAY' THEN list_bool_or(list_transform(json_extract(" + x + ", '$[*]'), lambda " +
			item.sql + ": " + eq(item, l) + ")) END, false)"
	}
	return "false"
}

// inList is "l in [literals]".
func (c *exprCompiler) inList(l sqlVal, list *expr.ListLit) string {
	var nums, strs, bools []string
	for _, it := range list.Items {
		switch v := it.Value.(type) {
		case float64:
			nums = append(nums, c.a.param(v, "DOUBLE"))
		case string:
			strs = append(strs, c.a.param(v, "VARCHAR"))
		case bool:
			bools = append(bools, c.a.param(v, "BOOLEAN"))
		}
	}
	var terms []string
	if len(nums) > 0 && canNum(l) {
		terms = append(terms, "COALESCE("+asNum(l)+" IN ("+strings.Join(nums, ", ")+"), false)")
	}
	if len(strs) > 0 && canStr(l) {
		terms = append(terms, "COALESCE("+asStr(l)+" IN ("+strings.Join(strs, ", ")+"), false)")
	}
	if len(bools) > 0 && (l.k == kAny || l.k == kBool) {
		terms = append(terms, "COALESCE("+asBool(l)+" IN ("+strings.Join(bools, ", ")+"), false)")
	}
	if len(terms) == 0 {
		return "false"
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

// parseNum is number() of a string: expr.NumberPattern or NULL.
func parseNum(s string) string {
	return finite("TRY_CAST(regexp_extract(" + s + ", '" + expr.NumberPattern + "') AS DOUBLE)")
}

// toNum is number().
func toNum(v sqlVal) string {
	if v.hot != 0 {
		return "coalesce(" + parseNum(hotStr(v)) + ", " + toNum(hotOther(v)) + ")"
	}
	x := v.sql
	switch v.k {
	case kNum:
		return x
	case kBool:
		return "(CASE WHEN " + x + " THEN 1.0 ELSE 0.0 END)::DOUBLE"
	case kStr:
		return parseNum(x)
	}
	return "(CASE WHEN json_type(" + x + ") IN " + jsonNum + " THEN CAST(" + x + " AS DOUBLE)" +
		" WHEN json_type(" + x + ") = 'VARCHAR' THEN " + parseNum("json_extract_string("+x+", '$')") +
		" WHEN json_type(" + x + ") = 'BOOLEAN' THEN (CASE WHEN CAST(" + x + " AS BOOLEAN) THEN 1.0 ELSE 0.0 END) END)::DOUBLE"
}

// fmtNum is expr.FormatNumber: DuckDB's DOUBLE text without a ".0" tail;
// adding 0.0 turns -0 into 0.
func fmtNum(s string) string { return "regexp_replace(CAST(" + s + " + 0.0 AS VARCHAR), '\\.0$', '')" }

// toStr is string().
func toStr(v sqlVal) string {
	if v.hot != 0 {
		return "coalesce(" + hotStr(v) + ", " + toStr(hotOther(v)) + ")"
	}
	x := v.sql
	switch v.k {
	case kStr:
		return x
	case kNum:
		return fmtNum(x)
	case kBool:
		return "(CASE WHEN " + x + " THEN 'true' ELSE 'false' END)"
	}
	return "(CASE WHEN json_type(" + x + ") IN ('VARCHAR', 'BOOLEAN') THEN json_extract_string(" + x + ", '$')" +
		" WHEN json_type(" + x + ") IN " + jsonNum + " THEN " + fmtNum("CAST("+x+" AS DOUBLE)") + " END)"
}
