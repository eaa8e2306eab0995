package view

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"spotcheck"
)

// Handlers do not parse requests by hand: each form is a struct whose
// fields say, in their tags, which request field they read, and Decode
// fills it, collecting the problems of values that do not parse (a number
// that is not one) as field problems. The form's own methods then turn it
// into the domain value the service takes; the service validates that
// with the domain's rules, and the page shows both kinds of problem
// beside their fields.
//
//	Name    string   `form:"name"`                 // the value as typed
//	Code    string   `form:"code,trim"`            // without surrounding white space
//	Key     bool     `form:"key"`                  // a check box: "1", "true" or "on"
//	Version int      `form:"version" label:"版本号"`  // decimal; "" is 0; else a problem
//	Types   []string `form:"types"`                // every value given (check boxes, multiple selects)
//	Active  *bool    `form:"active"`               // a filter: true/1, false/0, anything else nil
//
// An int or int64 field takes the problem's key from `problem:"…"` when
// it is not the request field's name (the task form's strata.A).

// Decode fills the struct dst points to from values by its fields' form
// tags and returns the problems of the values that do not parse.
func Decode(values url.Values, dst any) spotcheck.Problems {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("view.Decode: %T is not a pointer to a struct", dst))
	}
	var ps spotcheck.Problems
	decodeStruct(values, v.Elem(), &ps)
	return ps
}

func decodeStruct(values url.Values, v reflect.Value, ps *spotcheck.Problems) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("form")
		if !ok {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				decodeStruct(values, v.Field(i), ps)
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		text := values.Get(name)
		if opts == "trim" || f.Type.Kind() != reflect.String {
			text = strings.TrimSpace(text)
		}
		fv := v.Field(i)
		switch fv.Interface().(type) {
		case string:
			fv.SetString(text)
		case bool:
			fv.SetBool(text == "1" || text == "true" || text == "on")
		case *bool:
			if b, ok := ParseFlag(text); ok {
				fv.Set(reflect.ValueOf(&b))
			} else {
				fv.SetZero()
			}
		case int, int64:
			n, ok := parseInteger(text)
			if ok && fv.OverflowInt(n) {
				ok = false
			}
			if !ok {
				ps.Add(cmp(f.Tag.Get("problem"), name), cmp(f.Tag.Get("label"), name), "“%s”不是整数", text)
				n = 0
			}
			fv.SetInt(n)
		case []string:
			fv.Set(reflect.ValueOf(values[name]))
		default:
			panic("view.Decode: field " + f.Name + " of type " + f.Type.String())
		}
	}
}

// parseInteger reads a decimal integer; "" is 0.
func parseInteger(text string) (int64, bool) {
	if text == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(text, 10, 64)
	return n, err == nil
}

// IntField reads the integer text of a field that Decode cannot reach (one
// of several rows of a form): "" is 0, anything but an integer a problem
// of field.
func IntField(ps *spotcheck.Problems, field, label, text string) int {
	text = strings.TrimSpace(text)
	n, ok := parseInteger(text)
	if !ok || int64(int(n)) != n {
		ps.Add(field, label, "“%s”不是整数", text)
		return 0
	}
	return int(n)
}

// cmp returns a, or b when a is empty.
func cmp(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// ParseFlag decodes a flag: true or 1, false or 0.
func ParseFlag(s string) (v, ok bool) {
	switch s {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// ParseInt decodes a decimal integer from lo to hi.
func ParseInt(s string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= lo && n <= hi
}

// InvalidFields returns the field problems of a validation error.
func InvalidFields(err error) (spotcheck.Problems, bool) {
	var ie *spotcheck.InvalidError
	if errors.As(err, &ie) {
		return ie.Fields, true
	}
	return nil, false
}

// FieldErrors maps field keys to their messages, for the form template.
func FieldErrors(ps spotcheck.Problems) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		if m[p.Field] != "" {
			m[p.Field] += "；"
		}
		m[p.Field] += p.Message
	}
	return m
}

// FieldError returns an EINVALID error about one field, which pages and
// the API report like a validation error of the domain.
func FieldError(field, label, message string) error {
	return spotcheck.Problems{{Field: field, Label: label, Message: message}}.Err()
}

// FormProblems sorts a failed save into what a form can show: the field
// problems of an *InvalidError go beside their fields, and the other rule
// violations (a stale version, a duplicate key, a check the store makes
// across records) become one message above the form. ok is false for
// errors a form cannot help with (forbidden, internal), which get the
// error page.
func FormProblems(err error) (problems spotcheck.Problems, msg string, ok bool) {
	if ps, isField := InvalidFields(err); isField {
		return ps, "", true
	}
	switch spotcheck.ErrorCode(err) {
	case spotcheck.EINVALID, spotcheck.ECONFLICT:
		return nil, spotcheck.ErrorMessage(err), true
	}
	return nil, "", false
}
