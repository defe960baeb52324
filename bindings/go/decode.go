package openint

// Answers are decoded by JSON v2: github.com/go-json-experiment/json, the mirror of the standard
// library's encoding/json/v2 (with the goexperiment.jsonv2 build tag, the default from Go 1.27,
// it is an alias of the standard library's). It replaced this package's own
// reflection-and-unsafe decoder: measured on bench.sh, listings stay well under the CPU of a
// plain net/http + encoding/json loop (README.md, "Benchmark"), and no hand-written parser
// with unsafe is left to keep right as the models change.
//
// What this file adds to JSON v2:
//   - Raw: a list page is read item by item (a jsontext.Decoder over the page), each item
//     decoded into its model's twin (a type with the model's fields and none of its methods,
//     see twin in models.go, so the model's UnmarshalJSON is not called back), and Raw is the
//     item's own bytes in the page, found from the decoder's input offsets: no copy, no second
//     pass. A single answer's Raw is the answer.
//   - required fields (tag `openint:"required"`): strings a model is useless without (an id, a
//     name); an answer without one is an error naming the field. They are set to a marker
//     before decoding, so one still holding it was absent (a JSON null counts as present, as
//     with encoding/json; the real server sends "" for some ids).
//   - the options that make v2 read what encoding/json reads: duplicate names (the last wins)
//     and invalid UTF-8 (each bad byte becomes U+FFFD) are accepted. Names match exactly, as
//     v2 does (encoding/json also matches them case-insensitively).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// model is implemented by every answer model (models.go).
type model interface {
	// twin returns the model as its method-less twin (e.g. *connectorFields for a
	// *Connector), which JSON v2 decodes field by field, and the model's Raw field.
	twin() (fields any, raw *json.RawMessage)
}

var decodeOptions = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// decodeModel decodes the JSON text data (owned by the caller, kept by Raw) into *v.
func decodeModel[T any](data []byte, v *T) (err error) {
	defer noPanic(&err)
	*v = *new(T)
	fields, raw := any(v).(model).twin()
	markRequired(v)
	if err := jsonv2.Unmarshal(data, fields, decodeOptions); err != nil {
		return describe(err)
	}
	*raw = capped(bytes.TrimSpace(data))
	return checkRequired(v)
}

// decodeItems decodes the "items" array of a list page into a slice (capacity hint n), each
// item's Raw a slice of page. Other members of the page are skipped (the library reads them).
func decodeItems[T any](page []byte, n int) (_ []T, err error) {
	defer noPanic(&err)
	dec := jsontext.NewDecoder(bytes.NewBuffer(page), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, fmt.Errorf("the page is not a JSON object")
	}
	var items []T
	found := false
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, describe(err)
		}
		if name.String() != "items" || found {
			if err := dec.SkipValue(); err != nil {
				return nil, describe(err)
			}
			continue
		}
		found = true
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
			return nil, fmt.Errorf(`"items" is not an array`)
		}
		items = make([]T, 0, n)
		for dec.PeekKind() != ']' {
			items = append(items, *new(T))
			v := &items[len(items)-1]
			fields, raw := any(v).(model).twin()
			markRequired(v)
			start := dec.InputOffset()
			if err := jsonv2.UnmarshalDecode(dec, fields); err != nil {
				return nil, describe(err)
			}
			*raw = capped(trimLeft(page[start:dec.InputOffset()]))
			if err := checkRequired(v); err != nil {
				return nil, fmt.Errorf("items[%d]: %w", len(items)-1, err)
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, describe(err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, describe(err)
	}
	if !found {
		return nil, fmt.Errorf(`the page has no "items"`)
	}
	return items, nil
}

// noPanic turns a panic into an error: a bug here must not crash the caller's program (the
// fuzz test looks for this message).
func noPanic(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("internal decoder error: %v", r)
	}
}

// trimLeft drops what the decoder read before an item: whitespace and the ',' before it.
func trimLeft(b []byte) []byte {
	return bytes.TrimLeft(b, " \t\r\n,")
}

// capped limits b's capacity to its length, so that appending to one Raw cannot overwrite the
// bytes after it.
func capped(b []byte) []byte { return b[:len(b):len(b)] }

// describe words a decoding error as this package's callers read it: the field's path
// (items[3].scopes[0].scope) and what was expected, rather than the twin's Go type.
func describe(err error) error {
	var se *jsonv2.SemanticError
	if !errors.As(err, &se) || se.GoType == nil {
		return err // a syntax error: jsontext says where
	}
	var b strings.Builder
	if p := fieldPath(se.JSONPointer); p != "" {
		b.WriteString(p + ": ")
	}
	b.WriteString("expected " + expected(se.GoType))
	if se.JSONKind != 0 {
		b.WriteString(", got " + kindName(se.JSONKind))
	}
	if se.Err != nil {
		b.WriteString(" (" + se.Err.Error() + ")")
	}
	return errors.New(b.String())
}

// fieldPath turns a JSON pointer (/scopes/0/scope) into a Go-like path (scopes[0].scope).
func fieldPath(ptr jsontext.Pointer) string {
	var b strings.Builder
	for tok := range ptr.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// expected is the JSON a Go type reads.
func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "JSON of another kind"
}

// kindName names the kind of a JSON value.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a value"
}

// typeInfo is what this file needs of a model type, found once by reflection.
type typeInfo struct {
	known    map[string]bool // the JSON names of its fields
	names    []string        // the same, in field order
	required []requiredField
}

type requiredField struct {
	index int
	name  string
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo)
	}
	ti := &typeInfo{known: map[string]bool{}}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		ti.known[name] = true
		ti.names = append(ti.names, name)
		if f.Tag.Get("openint") == "required" && f.Type.Kind() == reflect.String {
			ti.required = append(ti.required, requiredField{i, name})
		}
	}
	v, _ := typeInfos.LoadOrStore(t, ti)
	return v.(*typeInfo)
}

// absent marks the required fields of a model about to be decoded; no JSON text decodes to it
// (it is no valid UTF-8).
const absent = "\xff openint: absent \xff"

// markRequired sets the required fields of the model *v to absent.
func markRequired[T any](v *T) {
	rv := reflect.ValueOf(v).Elem()
	for _, f := range infoOf(rv.Type()).required {
		rv.Field(f.index).SetString(absent)
	}
}

// checkRequired fails when a required field of the model *v was absent from its JSON.
func checkRequired[T any](v *T) error {
	rv := reflect.ValueOf(v).Elem()
	for _, f := range infoOf(rv.Type()).required {
		if fv := rv.Field(f.index); fv.String() == absent {
			fv.SetString("")
			return fmt.Errorf("%s has no %q", rv.Type().Name(), f.name)
		}
	}
	return nil
}

// unmarshalModel decodes a copy of data (Raw keeps it). JSON null leaves v alone, as
// encoding/json's convention for Unmarshalers asks.
func unmarshalModel[T any](data []byte, v *T) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	return decodeModel(bytes.Clone(data), v)
}

// extraFields returns the top-level fields of raw that T does not know (nil when none), each
// a slice of raw.
func extraFields[T any](raw []byte) map[string]json.RawMessage {
	known := infoOf(reflect.TypeFor[T]()).known
	dec := jsontext.NewDecoder(bytes.NewBuffer(raw), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil
	}
	var extra map[string]json.RawMessage
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return extra
		}
		key := name.String() // before the next read voids the token
		start := dec.InputOffset()
		if err := dec.SkipValue(); err != nil {
			return extra
		}
		if !known[key] {
			if extra == nil {
				extra = map[string]json.RawMessage{}
			}
			extra[key] = capped(bytes.TrimLeft(raw[start:dec.InputOffset()], " \t\r\n:"))
		}
	}
	return extra
}

// knownFields are the JSON names T decodes (for tests and docs).
func knownFields[T any]() []string {
	return infoOf(reflect.TypeFor[T]()).names
}
