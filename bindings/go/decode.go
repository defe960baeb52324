package openint

// The JSON decoder of this package's models, used for every answer instead of encoding/json.
//
// Why not encoding/json: it scans its input twice (a validation pass, then the decoding pass)
// and walks each struct through reflection, which made listing slower than a plain net/http
// loop (see bench_test.go). This decoder makes one pass; looks fields up through a plan built
// once per type (field offsets and a decoder per field; keys usually arrive in declaration
// order, so the next field is tried first); keeps each model's Raw and every json.RawMessage
// field as a slice of the answer's one buffer, which the caller owns and never changes; and
// copies strings (a string must not share memory with a []byte a caller could modify).
//
// It reads what encoding/json reads into the same structs, except that keys match exactly
// (encoding/json also matches them case-insensitively) and a value of the wrong type is an
// error naming the field. Malformed input is an error, never a panic or a loop: pages were
// validated by the library, but single answers were not.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// decFunc decodes the value at d.pos into the Go value at p.
type decFunc func(d *decoder, p unsafe.Pointer) error

type planField struct {
	name   string
	offset uintptr
	dec    decFunc
}

// structPlan is how to decode one struct type.
type structPlan struct {
	name     string // the Go type's name, for messages
	fields   []planField
	required uint64 // bit i: fields[i] must be present (tag `openint:"required"`)
	rawOff   uintptr
	hasRaw   bool // a `Raw json.RawMessage` field with tag json:"-" receives the object's text
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

	planMu sync.Mutex
	plans  = map[reflect.Type]*structPlan{} // guarded by planMu while building; see planFor
	ready  sync.Map                         // reflect.Type -> *structPlan, complete plans only
)

// planFor returns the plan of struct type t, building it (and those of the types it contains)
// on first use.
func planFor(t reflect.Type) *structPlan {
	if p, ok := ready.Load(t); ok {
		return p.(*structPlan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	p := buildPlan(t)
	ready.Store(t, p)
	return p
}

// buildPlan is planFor under planMu. A type that contains itself gets the plan being built.
func buildPlan(t reflect.Type) *structPlan {
	if p, ok := plans[t]; ok {
		return p
	}
	p := &structPlan{name: t.Name()}
	plans[t] = p
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			if f.Name == "Raw" && f.Type == rawMessageType {
				p.rawOff, p.hasRaw = f.Offset, true
			}
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if f.Tag.Get("openint") == "required" {
			p.required |= 1 << len(p.fields)
		}
		p.fields = append(p.fields, planField{name: name, offset: f.Offset, dec: decoderFor(f.Type)})
	}
	if len(p.fields) > 64 {
		panic("openint: " + t.Name() + " has more than 64 fields") // a bug in this package
	}
	return p
}

// decoderFor returns the decoder of values of type t. Called under planMu.
func decoderFor(t reflect.Type) decFunc {
	switch {
	case t == rawMessageType:
		return decRaw
	case t.Kind() == reflect.Struct:
		p := buildPlan(t)
		return func(d *decoder, ptr unsafe.Pointer) error { return d.object(p, ptr) }
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType):
		return decFallback(t)
	}
	switch t.Kind() {
	case reflect.String:
		return decString
	case reflect.Bool:
		return decBool
	case reflect.Int, reflect.Int64:
		return decInt[int64](64)
	case reflect.Int32:
		return decInt[int32](32)
	case reflect.Uint, reflect.Uint64:
		return decUint[uint64](64)
	case reflect.Uint32:
		return decUint[uint32](32)
	case reflect.Float64:
		return decFloat[float64](64)
	case reflect.Float32:
		return decFloat[float32](32)
	case reflect.Pointer:
		return decPointer(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String && !reflect.PointerTo(t.Elem()).Implements(unmarshalerType) {
			return decStrings // []string and []Platform have the same layout
		}
		return decSlice(t)
	default:
		// Maps, interfaces, arrays: rare here (free-form JSON is json.RawMessage), so
		// encoding/json handles them.
		return decFallback(t)
	}
}

// decoder reads one JSON text. data is owned by the caller and never modified, so slices of it
// may be kept (Raw, json.RawMessage).
type decoder struct {
	data []byte
	pos  int
}

// jsonError says where decoding failed: the field path and what was wrong.
type jsonError struct {
	path []string // innermost last once complete; built outward as the error returns
	msg  string
}

func (e *jsonError) Error() string {
	if len(e.path) == 0 {
		return e.msg
	}
	var b strings.Builder
	for i := len(e.path) - 1; i >= 0; i-- {
		s := e.path[i]
		if i < len(e.path)-1 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String() + ": " + e.msg
}

func within(err error, step string) error {
	if de, ok := err.(*jsonError); ok {
		de.path = append(de.path, step)
	}
	return err
}

func (d *decoder) fail(format string, args ...any) error {
	return &jsonError{msg: fmt.Sprintf(format, args...)}
}

// got describes the value at d.pos for a message.
func (d *decoder) got() string {
	if d.pos >= len(d.data) {
		return "the end of the text"
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	default:
		return fmt.Sprintf("the character %q at offset %d", c, d.pos)
	}
}

func (d *decoder) want(what string) error {
	return d.fail("expected %s, got %s", what, d.got())
}

// ws skips whitespace and reports whether a byte follows.
func (d *decoder) ws() bool {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return true
		}
	}
	return false
}

// peek is the next non-space byte (0 at the end).
func (d *decoder) peek() byte {
	if !d.ws() {
		return 0
	}
	return d.data[d.pos]
}

func (d *decoder) literal(word string) error {
	if !bytes.HasPrefix(d.data[d.pos:], []byte(word)) {
		return d.fail("invalid literal at offset %d", d.pos)
	}
	d.pos += len(word)
	return nil
}

// null consumes a null if one is next.
func (d *decoder) null() bool {
	if d.peek() == 'n' && d.literal("null") == nil {
		return true
	}
	return false
}

// end checks that only whitespace follows the value.
func (d *decoder) end() error {
	if d.ws() {
		return d.fail("unexpected %q after the JSON value at offset %d", d.data[d.pos], d.pos)
	}
	return nil
}

// stringEnd returns the index of the closing quote of the string whose content starts at i,
// and whether the string has escapes.
func (d *decoder) stringEnd(i int) (end int, escaped bool, err error) {
	for {
		j := bytes.IndexByte(d.data[i:], '"')
		if j < 0 {
			return 0, false, d.fail("unterminated string")
		}
		k := i + j
		if bytes.IndexByte(d.data[i:k], '\\') < 0 {
			return k, escaped, nil
		}
		escaped = true
		n := 0 // backslashes right before the quote: an odd count escapes it
		for m := k - 1; m >= i && d.data[m] == '\\'; m-- {
			n++
		}
		if n%2 == 0 {
			return k, true, nil
		}
		i = k + 1
	}
}

// rawString reads a string at d.pos; the result may alias d.data (callers copy or compare).
func (d *decoder) rawString() ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.want("a string")
	}
	start := d.pos + 1
	end, escaped, err := d.stringEnd(start)
	if err != nil {
		return nil, err
	}
	d.pos = end + 1
	s := d.data[start:end]
	if escaped {
		return unescape(s)
	}
	if !utf8.Valid(s) {
		return fixUTF8(s), nil
	}
	return s, nil
}

func (d *decoder) str() (string, error) {
	b, err := d.rawString()
	return string(b), err
}

// unescape decodes the escapes of a string's content, as encoding/json does (a lone
// surrogate becomes U+FFFD).
func unescape(s []byte) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(s[i:])
			out = utf8.AppendRune(out, r) // an invalid byte becomes U+FFFD
			i += size
			continue
		}
		if i+1 >= len(s) {
			return nil, &jsonError{msg: "bad escape at the end of a string"}
		}
		switch s[i+1] {
		case '"', '\\', '/':
			out = append(out, s[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s[i+2:])
			if !ok {
				return nil, &jsonError{msg: "bad \\u escape in a string"}
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s[min(i+2, len(s)):]); ok && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						out = utf8.AppendRune(out, dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return nil, &jsonError{msg: fmt.Sprintf("bad escape \\%c in a string", s[i+1])}
		}
		i += 2
	}
	return out, nil
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// fixUTF8 replaces each invalid byte with U+FFFD, as encoding/json does.
func fixUTF8(s []byte) []byte {
	out := make([]byte, 0, len(s)+8)
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		out = utf8.AppendRune(out, r)
		s = s[size:]
	}
	return out
}

// skip moves past one value of any type.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '"':
		end, _, err := d.stringEnd(d.pos + 1)
		if err != nil {
			return err
		}
		d.pos = end + 1
		return nil
	case c == '{' || c == '[':
		return d.skipContainer()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		d.number()
		return nil
	default:
		return d.want("a JSON value")
	}
}

// skipContainer moves past an object or array, counting brackets outside strings.
func (d *decoder) skipContainer() error {
	depth := 0
	for i := d.pos; i < len(d.data); i++ {
		switch d.data[i] {
		case '"':
			end, _, err := d.stringEnd(i + 1)
			if err != nil {
				return err
			}
			i = end
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				d.pos = i + 1
				return nil
			}
		}
	}
	return d.fail("unterminated object or array")
}

// number returns the text of the number at d.pos and moves past it.
func (d *decoder) number() []byte {
	start := d.pos
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			d.pos++
		default:
			return d.data[start:d.pos]
		}
	}
	return d.data[start:d.pos]
}

// object decodes a JSON object into the struct at p, or leaves it alone for null.
func (d *decoder) object(pl *structPlan, p unsafe.Pointer) error {
	switch d.peek() {
	case '{':
	case 'n':
		return d.literal("null")
	default:
		return d.want("an object")
	}
	start := d.pos
	d.pos++
	var seen uint64
	next := 0 // fields usually come in declaration order: try the one after the last match
	if d.peek() == '}' {
		d.pos++
	} else {
		for {
			key, err := d.rawString()
			if err != nil {
				return err
			}
			if d.peek() != ':' {
				return d.want(`":"`)
			}
			d.pos++
			idx := -1
			if next < len(pl.fields) && pl.fields[next].name == string(key) {
				idx = next
			} else {
				for i := range pl.fields {
					if pl.fields[i].name == string(key) {
						idx = i
						break
					}
				}
			}
			if idx < 0 {
				err = d.skip()
			} else {
				f := &pl.fields[idx]
				if err = f.dec(d, unsafe.Add(p, f.offset)); err != nil {
					err = within(err, f.name)
				}
				seen |= 1 << idx
				next = idx + 1
			}
			if err != nil {
				return err
			}
			c := d.peek()
			d.pos++
			if c == '}' {
				break
			}
			if c != ',' {
				d.pos--
				return d.want(`"," or "}"`)
			}
		}
	}
	if missing := pl.required &^ seen; missing != 0 {
		for i := range pl.fields {
			if missing&(1<<i) != 0 {
				return d.fail("%s has no %q", pl.name, pl.fields[i].name)
			}
		}
	}
	if pl.hasRaw {
		// Capped so that appending to one item's Raw cannot overwrite the next item's bytes.
		*(*[]byte)(unsafe.Add(p, pl.rawOff)) = d.data[start:d.pos:d.pos]
	}
	return nil
}

// array calls each for every element of a JSON array (none for null).
func (d *decoder) array(each func(i int) error) error {
	switch d.peek() {
	case '[':
	case 'n':
		return d.literal("null")
	default:
		return d.want("an array")
	}
	d.pos++
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := each(i); err != nil {
			return within(err, "["+strconv.Itoa(i)+"]")
		}
		c := d.peek()
		d.pos++
		if c == ']' {
			return nil
		}
		if c != ',' {
			d.pos--
			return d.want(`"," or "]"`)
		}
	}
}

func decRaw(d *decoder, p unsafe.Pointer) error {
	d.ws()
	start := d.pos
	if err := d.skip(); err != nil {
		return err
	}
	*(*[]byte)(p) = d.data[start:d.pos:d.pos]
	return nil
}

func decString(d *decoder, p unsafe.Pointer) error {
	if d.null() {
		return nil
	}
	s, err := d.str()
	if err == nil {
		*(*string)(p) = s
	}
	return err
}

func decBool(d *decoder, p unsafe.Pointer) error {
	switch d.peek() {
	case 't':
		*(*bool)(p) = true
		return d.literal("true")
	case 'f':
		*(*bool)(p) = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		return d.want("a boolean")
	}
}

func (d *decoder) numberText() ([]byte, error) {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return nil, d.want("a number")
	}
	return d.number(), nil
}

func decInt[T int64 | int32](bits int) decFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		if d.null() {
			return nil
		}
		b, err := d.numberText()
		if err != nil {
			return err
		}
		n, err := strconv.ParseInt(string(b), 10, bits)
		if err != nil {
			return d.fail("%s is not an integer of %d bits", b, bits)
		}
		*(*T)(p) = T(n)
		return nil
	}
}

func decUint[T uint64 | uint32](bits int) decFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		if d.null() {
			return nil
		}
		b, err := d.numberText()
		if err != nil {
			return err
		}
		n, err := strconv.ParseUint(string(b), 10, bits)
		if err != nil {
			return d.fail("%s is not an unsigned integer of %d bits", b, bits)
		}
		*(*T)(p) = T(n)
		return nil
	}
}

func decFloat[T float64 | float32](bits int) decFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		if d.null() {
			return nil
		}
		b, err := d.numberText()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(string(b), bits)
		if err != nil {
			return d.fail("%s is not a number", b)
		}
		*(*T)(p) = T(f)
		return nil
	}
}

// decPointer allocates the pointed-to value for anything but null (which stores nil).
func decPointer(elem reflect.Type) decFunc {
	switch {
	case elem.Kind() == reflect.String && elem != rawMessageType && !reflect.PointerTo(elem).Implements(unmarshalerType):
		return func(d *decoder, p unsafe.Pointer) error { // *string, *Stage, ...: one allocation
			if d.null() {
				*(*unsafe.Pointer)(p) = nil
				return nil
			}
			s, err := d.str()
			if err == nil {
				*(**string)(p) = &s
			}
			return err
		}
	case elem.Kind() == reflect.Bool:
		return func(d *decoder, p unsafe.Pointer) error {
			if d.null() {
				*(*unsafe.Pointer)(p) = nil
				return nil
			}
			b := new(bool)
			if err := decBool(d, unsafe.Pointer(b)); err != nil {
				return err
			}
			*(**bool)(p) = b
			return nil
		}
	}
	dec := decoderFor(elem)
	return func(d *decoder, p unsafe.Pointer) error {
		if d.null() {
			*(*unsafe.Pointer)(p) = nil
			return nil
		}
		v := reflect.New(elem).UnsafePointer()
		if err := dec(d, v); err != nil {
			return err
		}
		*(*unsafe.Pointer)(p) = v
		return nil
	}
}

// decStrings decodes an array of strings; named string element types share the layout.
func decStrings(d *decoder, p unsafe.Pointer) error {
	if d.peek() == 'n' {
		*(*[]string)(p) = nil
		return d.literal("null")
	}
	out := []string{}
	err := d.array(func(int) error {
		s, err := d.str()
		out = append(out, s)
		return err
	})
	if err == nil {
		*(*[]string)(p) = out
	}
	return err
}

// decSlice decodes an array of any other element type, growing the slice field through
// reflect and decoding each element in place.
func decSlice(t reflect.Type) decFunc {
	elem := t.Elem()
	dec := decoderFor(elem)
	size := elem.Size()
	return func(d *decoder, p unsafe.Pointer) error {
		v := reflect.NewAt(t, p).Elem()
		if d.peek() == 'n' {
			v.SetZero()
			return d.literal("null")
		}
		v.Set(reflect.MakeSlice(t, 0, 4))
		return d.array(func(i int) error {
			if i == v.Cap() {
				v.Grow(1)
			}
			v.SetLen(i + 1)
			return dec(d, unsafe.Add(v.UnsafePointer(), uintptr(i)*size))
		})
	}
}

// decFallback hands the value's text to encoding/json (maps, interfaces, custom unmarshalers).
func decFallback(t reflect.Type) decFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		d.ws()
		start := d.pos
		if err := d.skip(); err != nil {
			return err
		}
		if err := json.Unmarshal(d.data[start:d.pos], reflect.NewAt(t, p).Interface()); err != nil {
			return d.fail("%v", err)
		}
		return nil
	}
}

// decodeModel decodes the JSON text data (owned by the caller, kept by Raw) into *v.
func decodeModel[T any](data []byte, v *T) (err error) {
	defer func() {
		// Never reached by design; a bug here must not crash the caller's program.
		if r := recover(); r != nil {
			err = fmt.Errorf("internal decoder error: %v", r)
		}
	}()
	*v = *new(T)
	d := decoder{data: data}
	if err := d.object(planFor(reflect.TypeFor[T]()), unsafe.Pointer(v)); err != nil {
		return err
	}
	return d.end()
}

// decodeItems decodes the "items" array of a list page into a slice (capacity hint n), each
// item's Raw a slice of page.
func decodeItems[T any](page []byte, n int) (items []T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal decoder error: %v", r)
		}
	}()
	pl := planFor(reflect.TypeFor[T]())
	d := decoder{data: page}
	if d.peek() != '{' {
		return nil, d.want("a page object")
	}
	d.pos++
	found := false
	items = make([]T, 0, n)
	for d.peek() != '}' {
		key, err := d.rawString()
		if err != nil {
			return nil, err
		}
		if d.peek() != ':' {
			return nil, d.want(`":"`)
		}
		d.pos++
		if string(key) == "items" && !found {
			found = true
			err = d.array(func(i int) error {
				items = append(items, *new(T))
				return d.object(pl, unsafe.Pointer(&items[i]))
			})
			if err != nil {
				return nil, within(err, "items")
			}
		} else if err := d.skip(); err != nil {
			return nil, err
		}
		if d.peek() == ',' {
			d.pos++
		}
	}
	d.pos++
	if !found {
		return nil, d.fail(`the page has no "items"`)
	}
	return items, d.end()
}

// extraFields returns the top-level fields of raw that the plan of T does not know.
func extraFields[T any](raw []byte) map[string]json.RawMessage {
	pl := planFor(reflect.TypeFor[T]())
	d := decoder{data: raw}
	if d.peek() != '{' {
		return nil
	}
	d.pos++
	var extra map[string]json.RawMessage
	for d.peek() != '}' {
		key, err := d.str()
		if err != nil || d.peek() != ':' {
			return extra
		}
		d.pos++
		d.ws()
		start := d.pos
		if d.skip() != nil {
			return extra
		}
		known := false
		for i := range pl.fields {
			if pl.fields[i].name == key {
				known = true
				break
			}
		}
		if !known {
			if extra == nil {
				extra = map[string]json.RawMessage{}
			}
			extra[key] = raw[start:d.pos:d.pos]
		}
		if d.peek() == ',' {
			d.pos++
		}
	}
	return extra
}

// knownFields are the JSON names T decodes (for tests and docs).
func knownFields[T any]() []string {
	pl := planFor(reflect.TypeFor[T]())
	names := make([]string, len(pl.fields))
	for i, f := range pl.fields {
		names[i] = f.name
	}
	return names
}
