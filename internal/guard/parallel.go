package guard

import (
	"strconv"

	"github.com/valyala/fastjson"
)

// Parallel arrays: a list of field names beside a list of their values,
// {"field_names": ["username", "password"], "field_values": ["ana", "..."]}
// (form-library state, table rows with their headers): each value is
// judged as under its name, as a {name, value} pair's value is.

// valuesListKey: k names a list of values that a sibling list may name.
func valuesListKey(k string) bool {
	switch k {
	case "field_values", "fieldValues", "values", "cells", "row", "row_values", "rowValues", "input_values",
		"inputValues", "form_values", "formValues":
		return true
	}
	return false
}

// namesListKeys are the keys of a list of names for a values list.
var namesListKeys = [...]string{"field_names", "fieldNames", "fields", "names", "keys", "headers", "columns",
	"labels", "header", "input_names", "inputNames", "form_fields", "formFields"}

// namesListKey: k is one of namesListKeys.
func namesListKey(k string) bool {
	for _, n := range namesListKeys {
		if k == n {
			return true
		}
	}
	return false
}

// parallelNames returns the sibling list of names of the values list v
// in o (of the same length, 2 to 64 strings, one naming a sensitive
// kind), or nil.
func parallelNames(o *fastjson.Object, v *fastjson.Value) []*fastjson.Value {
	vals, err := v.Array()
	if err != nil || len(vals) < 2 || len(vals) > 64 {
		return nil
	}
	for _, nk := range namesListKeys {
		nv := o.Get(nk)
		if nv == nil {
			continue
		}
		names, err := nv.Array()
		if err != nil || len(names) != len(vals) {
			continue
		}
		for _, n := range names {
			if n.Type() == fastjson.TypeString && namedKind(b2s(n.GetStringBytes())).sensitive() {
				return names
			}
		}
	}
	return nil
}

// walkParallel visits the values list v, judging each string or number
// as under its name in names (same length); other elements are visited
// as walkArray visits them.
func (w *walker) walkParallel(v *fastjson.Value, names []*fastjson.Value) {
	arr, _ := v.Array()
	pl := len(w.path)
	w.path = append(w.path, "[]"...)
	var dbuf [8]int
	drops := dbuf[:0]
	for i, c := range arr {
		if w.drop {
			break
		}
		switch c.Type() {
		case fastjson.TypeObject:
			w.walkObject(c, kNone, nil)
		case fastjson.TypeArray:
			w.walkArray(c, kNone)
		case fastjson.TypeString, fastjson.TypeNumber:
			k, name := kNone, ""
			if n := names[i]; n.Type() == fastjson.TypeString {
				name = b2s(n.GetStringBytes())
				k = namedKind(name)
			}
			act, repl := w.leaf(c, k, name, nil)
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
