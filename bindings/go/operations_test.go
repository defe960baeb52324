package openint

// The method set of *Client against the library's operation table: one method per operation
// (named after its operationId, with an AutoPaging variant for each list), no method the table
// does not know, and params structs whose JSON names and types are the table's parameters.

import (
	"context"
	"encoding/json"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

type tableParam struct {
	Name     string   `json:"name"`
	In       string   `json:"in"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Enum     []string `json:"enum"`
}

type tableOp struct {
	ID     string       `json:"id"`
	Method string       `json:"method"`
	Path   string       `json:"path"`
	List   bool         `json:"list"`
	Body   string       `json:"body"`
	Params []tableParam `json:"params"`
}

func operationTable(t testing.TB) []tableOp {
	t.Helper()
	var ops []tableOp
	if err := json.Unmarshal([]byte(operationsJSON()), &ops); err != nil {
		t.Fatal(err)
	}
	if len(ops) != 21 {
		t.Fatalf("the table has %d operations", len(ops))
	}
	return ops
}

// methodName is an operationId as a Go method name: getConnection -> GetConnection.
func methodName(id string) string {
	r := []rune(id)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

var (
	ctxType    = reflect.TypeFor[context.Context]()
	stringType = reflect.TypeFor[string]()
	optsType   = reflect.TypeFor[[]RequestOption]()
	errType    = reflect.TypeFor[error]()
)

func TestMethodSetIsTheOperationTable(t *testing.T) {
	ops := operationTable(t)
	ct := reflect.TypeFor[*Client]()
	want := map[string]bool{"Close": true}
	for _, op := range ops {
		want[methodName(op.ID)] = true
		if op.List {
			want[methodName(op.ID)+"AutoPaging"] = true
		}
	}
	for i := range ct.NumMethod() {
		if m := ct.Method(i).Name; !want[m] {
			t.Errorf("(*Client).%s is no operation of the table", m)
		}
	}
	for _, op := range ops {
		t.Run(op.ID, func(t *testing.T) {
			m, ok := ct.MethodByName(methodName(op.ID))
			if !ok {
				t.Fatalf("no method (*Client).%s", methodName(op.ID))
			}
			checkSignature(t, op, m.Type, false)
			if op.List {
				m, ok := ct.MethodByName(methodName(op.ID) + "AutoPaging")
				if !ok {
					t.Fatalf("no method (*Client).%sAutoPaging", methodName(op.ID))
				}
				checkSignature(t, op, m.Type, true)
			}
		})
	}
}

// checkSignature: (receiver, ctx, one string per path parameter, the params when the operation
// has others, ...RequestOption) -> (*T, error), (*Page[T], error) or iter.Seq2[T, error].
func checkSignature(t *testing.T, op tableOp, mt reflect.Type, auto bool) {
	t.Helper()
	in := []reflect.Type{}
	for i := 1; i < mt.NumIn(); i++ {
		in = append(in, mt.In(i))
	}
	if len(in) < 2 || in[0] != ctxType || in[len(in)-1] != optsType || !mt.IsVariadic() {
		t.Fatalf("%v: want ctx first and ...RequestOption last", mt)
	}
	in = in[1 : len(in)-1]
	var path, other []tableParam
	for _, p := range op.Params {
		if p.In == "path" {
			path = append(path, p)
		} else {
			other = append(other, p)
		}
	}
	for i := range path {
		if i >= len(in) || in[i] != stringType {
			t.Fatalf("%v: want a string for path parameter %q", mt, path[i].Name)
		}
	}
	rest := in[len(path):]
	switch {
	case op.Body == "any_object":
		if len(rest) != 1 || rest[0].Kind() != reflect.Map || rest[0].Name() != methodName(op.ID)+"Params" {
			t.Fatalf("%v: want a %sParams map for the body", mt, methodName(op.ID))
		}
	case len(other) == 0:
		if len(rest) != 0 {
			t.Fatalf("%v: the operation has no other parameters", mt)
		}
	default:
		if len(rest) != 1 || rest[0].Kind() != reflect.Pointer || rest[0].Elem().Kind() != reflect.Struct ||
			rest[0].Elem().Name() != methodName(op.ID)+"Params" {
			t.Fatalf("%v: want a *%sParams (nil: none)", mt, methodName(op.ID))
		}
		checkParamsStruct(t, rest[0].Elem(), other)
	}
	switch {
	case auto:
		if mt.NumOut() != 1 || !strings.HasPrefix(mt.Out(0).String(), "iter.Seq2[") {
			t.Fatalf("%v: want iter.Seq2[T, error]", mt)
		}
	case op.List:
		if mt.NumOut() != 2 || !strings.Contains(mt.Out(0).String(), "openint.Page[") || mt.Out(1) != errType {
			t.Fatalf("%v: want (*Page[T], error)", mt)
		}
	default:
		if mt.NumOut() != 2 || mt.Out(0).Kind() != reflect.Pointer || mt.Out(1) != errType {
			t.Fatalf("%v: want (*T, error)", mt)
		}
	}
}

// checkParamsStruct: the JSON names are the table's parameters, required ones are plain
// values, optional ones nil-able (the one "not set" idiom) except the query booleans, which
// are plain bools (the library sends them only when true: the server reads false as true),
// and Go types match the table's (integers are int, durations time.Duration).
func checkParamsStruct(t *testing.T, st reflect.Type, params []tableParam) {
	t.Helper()
	var got, want []string
	for _, p := range params {
		want = append(want, p.Name)
	}
	for i := range st.NumField() {
		f := st.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		got = append(got, name)
		idx := slices.IndexFunc(params, func(p tableParam) bool { return p.Name == name })
		if idx < 0 {
			continue
		}
		p := params[idx]
		ft := f.Type
		nilable := ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map
		if p.Required && (nilable || strings.Contains(opts, "omit")) {
			t.Errorf("%s.%s is required: want a plain value", st.Name(), f.Name)
		}
		queryFlag := p.Type == "boolean" && p.In == "query"
		if queryFlag && (ft.Kind() != reflect.Bool || opts != "omitzero") {
			t.Errorf("%s.%s is a query flag (false reads as true): want a plain bool with omitzero", st.Name(), f.Name)
		}
		if !p.Required && !queryFlag && (!nilable || opts != "omitzero") {
			t.Errorf("%s.%s is optional: want a pointer, slice or map with omitzero", st.Name(), f.Name)
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		ok := false
		switch p.Type {
		case "string":
			ok = ft.Kind() == reflect.String
		case "integer":
			ok = ft.Kind() == reflect.Int
		case "number":
			ok = ft.Kind() == reflect.Float64 || ft == reflect.TypeFor[time.Duration]()
		case "boolean":
			ok = ft.Kind() == reflect.Bool
		case "array":
			ok = ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String
		case "object":
			ok = ft.Kind() == reflect.Map || ft.Kind() == reflect.Struct
		}
		if !ok {
			t.Errorf("%s.%s is %v, the table says %s", st.Name(), f.Name, f.Type, p.Type)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s has JSON fields %v, the table %v", st.Name(), got, want)
	}
}

// The enum constants of this package are exactly the table's values.
func TestEnumConstantsAreTheTables(t *testing.T) {
	ops := operationTable(t)
	enum := func(op, param string) []string {
		for _, o := range ops {
			for _, p := range o.Params {
				if o.ID == op && p.Name == param {
					return p.Enum
				}
			}
		}
		t.Fatalf("no %s.%s", op, param)
		return nil
	}
	check := func(what string, got, want []string) {
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: constants %v, table %v", what, got, want)
		}
	}
	check("ConnectorExpand", []string{string(ConnectorExpandSchemas)}, enum("listConnectors", "expand"))
	check("ConnectorConfigExpand", []string{string(ConnectorConfigExpandConnector),
		string(ConnectorConfigExpandConnectorSchemas), string(ConnectorConfigExpandConnectionCount)},
		enum("getConnectorConfig", "expand"))
	check("ConnectionExpand", []string{string(ConnectionExpandConnector)}, enum("getConnection", "expand"))
	check("RefreshPolicy", []string{string(RefreshPolicyNone), string(RefreshPolicyForce), string(RefreshPolicyAuto)},
		enum("listConnections", "refresh_policy"))
	check("messageTemplate language", []string{"javascript"}, enum("messageTemplate", "language"))
}

// Auto-paging methods return iter.Seq2 of the page's item type.
var _ = []any{
	func(c *Client) iter.Seq2[Connector, error] {
		return c.ListConnectorsAutoPaging(context.TODO(), nil)
	},
}
