package openint

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// checkConnector compares a listed connector with the oracle's item: Raw must be the server's
// bytes, every typed field must carry the same value (re-encoded and compared as generic
// JSON, which decodes by a different path), and Extra must hold exactly the unknown fields.
func checkConnector(t testing.TB, c Connector, want json.RawMessage) {
	t.Helper()
	if string(c.Raw) != string(want) {
		t.Fatalf("Raw of %q differs from the server's item:\n got %s\nwant %s", c.Name, c.Raw, want)
	}
	var wantMap map[string]any
	if err := json.Unmarshal(want, &wantMap); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, k := range knownFields[Connector]() {
		known[k] = true
	}
	var wantExtra []string
	for k := range wantMap {
		if !known[k] {
			wantExtra = append(wantExtra, k)
			delete(wantMap, k)
		}
	}
	typed, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var gotMap map[string]any
	if err := json.Unmarshal(typed, &gotMap); err != nil {
		t.Fatal(err)
	}
	// The typed model cannot tell null or [] from absent (Raw can): compare without them.
	if got, want := normalize(gotMap), normalize(wantMap); !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("typed fields of %q differ from the server's item:\n got %s\nwant %s", c.Name, g, w)
	}
	var gotExtra []string
	for k := range c.Extra() {
		gotExtra = append(gotExtra, k)
	}
	sort.Strings(gotExtra)
	sort.Strings(wantExtra)
	if !slices.Equal(gotExtra, wantExtra) {
		t.Fatalf("Extra of %q: got keys %v, want %v", c.Name, gotExtra, wantExtra)
	}
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e == nil {
				continue
			}
			if a, ok := e.([]any); ok && len(a) == 0 {
				continue
			}
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	default:
		return v
	}
}

// The first 171 items hold every odd case of the registry (escapes, NUL, U+2028, emoji, RTL,
// empty and padded names, unknown enum values and fields, the name-only item).
func TestOddStringsAndUnknownFieldsSurvive(t *testing.T) {
	t.Parallel()
	for _, expand := range []bool{false, true} {
		s := newScenario(t, nil)
		c := newTestClient(t, s.BaseURL)
		p := &ListConnectorsParams{Limit: Ptr(3000)}
		if expand {
			p.Expand = []ConnectorExpand{ConnectorExpandSchemas}
		}
		want := oracle(t, 171, expand)
		page, err := c.ListConnectors(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != len(want) {
			t.Fatalf("got %d items, want %d", len(page.Items), len(want))
		}
		var odd, extra, unknownEnum, nameOnly int
		for i, item := range page.Items {
			checkConnector(t, item, want[i])
			if item.DisplayName != nil && strings.ContainsAny(*item.DisplayName, "\"\\\x00\u2028🚀") {
				odd++
			}
			if len(item.Extra()) > 0 {
				extra++
			}
			if item.Stage != nil && *item.Stage == "deprecated" {
				unknownEnum++
			}
			if string(item.Raw) == `{"name":"`+item.Name+`"}` {
				nameOnly++
				if item.DisplayName != nil || item.Schemas != nil {
					t.Errorf("name-only item %q decoded fields it does not have", item.Name)
				}
			}
			if expand && item.Schemas == nil && string(item.Raw) != `{"name":"`+item.Name+`"}` {
				t.Errorf("%q: no Schemas with expand=schemas", item.Name)
			}
		}
		// Guards against a registry that lost its odd cases (the test would then prove little).
		if odd < 4 || extra == 0 || unknownEnum == 0 || nameOnly == 0 {
			t.Fatalf("registry lacks odd cases: odd=%d extra=%d unknownEnum=%d nameOnly=%d", odd, extra, unknownEnum, nameOnly)
		}
	}
}

func TestConnectorDecoding(t *testing.T) {
	t.Parallel()
	var c Connector
	err := json.Unmarshal([]byte(`{"display_name":"x"}`), &c)
	if err == nil || !strings.Contains(err.Error(), `Connector has no "name"`) {
		t.Fatalf("a connector without name: got %v", err)
	}
	// null is a no-op, as encoding/json asks of Unmarshalers.
	c.Name = "kept"
	if err := json.Unmarshal([]byte(`null`), &c); err != nil || c.Name != "kept" {
		t.Fatalf("null: %v, %q", err, c.Name)
	}
	if err := json.Unmarshal([]byte(`{"name":5}`), &c); err == nil || !strings.Contains(err.Error(), "name: expected a string") {
		t.Fatalf("a number for name: %v", err)
	}
	in := `{"name":"n","stage":"future","auth_type":"SAML2","platforms":["web","watch"],"x_new":{"a":[1]},"scopes":[{"scope":"s"}]}`
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if c.Name != "n" || *c.Stage != "future" || *c.AuthType != "SAML2" || c.Platforms[1] != "watch" || c.Scopes[0].Scope != "s" {
		t.Fatalf("decoded %+v", c)
	}
	if string(c.Extra()["x_new"]) != `{"a":[1]}` || len(c.Extra()) != 1 {
		t.Fatalf("Extra = %v", c.Extra())
	}
	// Decoding again must not keep fields of the previous value.
	if err := json.Unmarshal([]byte(`{"name":"m"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Stage != nil || c.Platforms != nil || string(c.Raw) != `{"name":"m"}` {
		t.Fatalf("stale fields after a second decode: %+v", c)
	}
}
