package openint

// The model decoding (decode.go: JSON v2 plus Raw and required fields) against encoding/json:
// every answer of the real server's transcript, the real connector fixtures and the synthetic
// registry decode to the same values both ways; odd inputs; and a fuzz target that must never
// make it panic.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// viaEncodingJSON decodes raw into a struct type with T's fields but none of its methods, so
// encoding/json decodes it by reflection, and returns it re-encoded.
func viaEncodingJSON[T any](t testing.TB, raw []byte) []byte {
	t.Helper()
	rt := reflect.TypeFor[T]()
	fields := make([]reflect.StructField, rt.NumField())
	for i := range fields {
		fields[i] = rt.Field(i)
		fields[i].Offset, fields[i].Index = 0, nil
	}
	v := reflect.New(reflect.StructOf(fields))
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	out, err := json.Marshal(v.Interface())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameAsEncodingJSON decodes raw as this package does and with encoding/json and
// compares the two.
func sameAsEncodingJSON[T any](t testing.TB, what string, raw []byte) {
	t.Helper()
	var v T
	if err := decodeModel(bytes.Clone(raw), &v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, raw)
	}
	got, err := json.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	if want := viaEncodingJSON[T](t, raw); !bytes.Equal(got, want) {
		t.Fatalf("%s decodes differently:\n got %s\nwant %s", what, got, want)
	}
	if r := reflect.ValueOf(&v).Elem().FieldByName("Raw"); r.IsValid() && !bytes.Equal(r.Bytes(), bytes.TrimSpace(raw)) {
		t.Fatalf("%s: Raw is %q", what, r.Bytes())
	}
}

// sameItemsAsEncodingJSON does the same for each item of a list page.
func sameItemsAsEncodingJSON[T any](t testing.TB, what string, page []byte) int {
	t.Helper()
	var env struct{ Items []json.RawMessage }
	if err := json.Unmarshal(page, &env); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	items, err := decodeItems[T](bytes.Clone(page), 0)
	if err != nil || len(items) != len(env.Items) {
		t.Fatalf("%s: %d items, %v; encoding/json finds %d", what, len(items), err, len(env.Items))
	}
	for i := range items {
		got, _ := json.Marshal(&items[i])
		if want := viaEncodingJSON[T](t, env.Items[i]); !bytes.Equal(got, want) {
			t.Fatalf("%s item %d decodes differently:\n got %s\nwant %s", what, i, got, want)
		}
		if raw := reflect.ValueOf(&items[i]).Elem().FieldByName("Raw").Bytes(); !bytes.Equal(raw, env.Items[i]) {
			t.Fatalf("%s item %d: Raw is %q", what, i, raw)
		}
	}
	return len(items)
}

type transcriptEntry struct {
	Op       string `json:"op"`
	Response struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	} `json:"response"`
}

func transcript(t testing.TB) []transcriptEntry {
	t.Helper()
	f, err := os.Open(repoPath(t, "tests/data/openint/fixtures/v1-transcript.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []transcriptEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e transcriptEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// Every successful answer the real server gave, for every operation, decoded both ways.
func TestDecoderAgreesWithEncodingJSONOnTheTranscript(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for i, e := range transcript(t) {
		body := e.Response.Body
		if e.Response.Status < 200 || e.Response.Status > 299 || len(body) == 0 || body[0] != '{' {
			continue
		}
		what := e.Op + " at transcript line " + itoa(i+1)
		switch e.Op {
		case "viewer":
			sameAsEncodingJSON[Viewer](t, what, body)
		case "health":
			sameAsEncodingJSON[Health](t, what, body)
		case "healthEcho":
			sameAsEncodingJSON[HealthEcho](t, what, body)
		case "connectorStatus":
			sameAsEncodingJSON[ConnectorStatusList](t, what, body)
		case "upsertCustomer":
			sameAsEncodingJSON[Customer](t, what, body)
		case "createToken":
			sameAsEncodingJSON[CreateTokenResponse](t, what, body)
		case "createConnectorConfig", "getConnectorConfig", "updateConnectorConfig":
			sameAsEncodingJSON[ConnectorConfig](t, what, body)
		case "createConnection", "getConnection":
			sameAsEncodingJSON[Connection](t, what, body)
		case "checkConnection":
			sameAsEncodingJSON[CheckConnectionResponse](t, what, body)
		case "deleteConnection", "deleteConnectorConfig":
			sameAsEncodingJSON[Deleted](t, what, body)
		case "handleWebhook":
			sameAsEncodingJSON[WebhookResponse](t, what, body)
		case "messageTemplate":
			sameAsEncodingJSON[MessageTemplate](t, what, body)
		case "listConnectors":
			sameItemsAsEncodingJSON[Connector](t, what, body)
		case "listConnectorConfigs":
			sameItemsAsEncodingJSON[ConnectorConfig](t, what, body)
		case "listConnections":
			sameItemsAsEncodingJSON[Connection](t, what, body)
		case "listEvents":
			sameItemsAsEncodingJSON[Event](t, what, body)
		case "listCustomers":
			sameItemsAsEncodingJSON[CustomerSummary](t, what, body)
		default:
			t.Fatalf("no model for %s", e.Op)
		}
		seen[e.Op]++
	}
	if len(seen) < 20 {
		t.Fatalf("the transcript's successful answers cover only %v", seen)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// The real catalogue (171 connectors, with and without schemas) and the synthetic registry
// with its odd strings.
func TestDecoderAgreesWithEncodingJSONOnConnectors(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"connectors-v1.json", "connectors-v1-expand-schemas.json"} {
		page, err := os.ReadFile(repoPath(t, "tests/data/openint/fixtures/"+f))
		if err != nil {
			t.Fatal(err)
		}
		if n := sameItemsAsEncodingJSON[Connector](t, f, page); n != 171 {
			t.Fatalf("%s: %d connectors", f, n)
		}
	}
	for _, expand := range []bool{false, true} {
		items := oracle(t, 171, expand)
		page, _ := json.Marshal(map[string]any{"items": items})
		sameItemsAsEncodingJSON[Connector](t, "the synthetic registry", page)
	}
}

func TestDecoderOddInputs(t *testing.T) {
	t.Parallel()
	ok := []string{
		// Whitespace everywhere, escapes, surrogate pairs, a lone surrogate, "\/".
		" { \"name\" : \"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude80\\ud800x\\n\" ,\n\t\"display_name\":null , \"scopes\" : [ ] } ",
		// Duplicate keys: the last wins. Unknown fields of every type are skipped.
		`{"name":"a","name":"b","x":{"y":[1,{"z":"}]\"["}]},"w":-1.5e+3,"v":true,"u":null}`,
		// Nulls leave fields alone; empty arrays are empty slices.
		`{"name":"n","stage":null,"platforms":null,"integrations":[],"schemas":null}`,
		// A scope without its name reads as "" (only a model's own id or name is required).
		`{"name":"a","scopes":[{}]}`,
		// Invalid UTF-8 becomes U+FFFD, as with encoding/json.
		"{\"name\":\"a\xffb\"}",
		// Nested models and raw values.
		`{"name":"n","integrations":[{"id":"i","standard":{"a":[1,2]},"external":"s","logo_url":null}],"schemas":{"connector_config":{"type":"object"}}}`,
	}
	for _, in := range ok {
		var c Connector
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got, _ := json.Marshal(&c)
		if want := viaEncodingJSON[Connector](t, []byte(in)); !bytes.Equal(got, want) {
			t.Fatalf("%q decodes differently:\n got %s\nwant %s", in, got, want)
		}
	}
	bad := map[string]string{
		`{"name":"a"`:                                  "unexpected EOF",
		`{"name":"a"} x`:                               "after top-level value",
		`{"name":5}`:                                   "name: expected a string, got a number",
		`{"name":"a","scopes":[{"scope":1}]}`:          "scopes[0].scope: expected a string",
		`{"name":"a","stage":["x"]}`:                   "stage: expected a string, got an array",
		`{"name":"a","has_openint_credentials":"yes"}`: "has_openint_credentials: expected a boolean",
		`[]`:                    "expected an object",
		`{"name":"a\q"}`:        "invalid escape sequence `\\q`",
		`{"name":"\ud83d\u12"}`: "invalid escape sequence `\\u12",
		`{"display_name":"x"}`:  `Connector has no "name"`,
	}
	for in, want := range bad {
		var c Connector
		err := decodeModel([]byte(in), &c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error saying %q", in, err, want)
		}
	}
	var cc ConnectorConfig
	if err := decodeModel([]byte(`{"id":"ccfg_1","connection_count":1.5}`), &cc); err == nil || !strings.Contains(err.Error(), "connection_count") {
		t.Fatalf("a fraction for an integer: %v", err)
	}
	// Raw is a capped slice of the input, raw fields are copies: appending to one cannot
	// overwrite what follows it.
	page := []byte(`{"items":[{"name":"a","schemas":{"connector_config":{}}},{"name":"b"}]}`)
	items, err := decodeItems[Connector](page, 2)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(items[0].Raw, "xxxx"...)
	_ = append(items[0].Schemas.ConnectorConfig, "yyyy"...)
	if string(items[1].Raw) != `{"name":"b"}` || string(page) != `{"items":[{"name":"a","schemas":{"connector_config":{}}},{"name":"b"}]}` {
		t.Fatalf("an append overwrote the page: %s", page)
	}
}

// The decoder never panics, whatever it is given (a panic would surface as "internal decoder
// error"), and accepts nothing encoding/json calls invalid JSON when it decodes a page.
func FuzzDecoder(f *testing.F) {
	for _, e := range transcript(f) {
		if len(e.Response.Body) > 0 {
			f.Add([]byte(e.Response.Body))
		}
	}
	f.Add([]byte(`{"items":[{"name":"a"},{"name":"\ud800"}],"total":2}`))
	f.Add([]byte(`{"name":"a","integrations":[{"platforms":["x",null]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(err error) {
			if err != nil && strings.Contains(err.Error(), "internal decoder error") {
				t.Fatalf("%q: %v", data, err)
			}
		}
		var conn Connection
		check(decodeModel(bytes.Clone(data), &conn))
		var cs ConnectorStatusList
		check(decodeModel(bytes.Clone(data), &cs))
		_, err := decodeItems[Connector](bytes.Clone(data), 0)
		check(err)
		_, err = decodeItems[Event](bytes.Clone(data), 0)
		check(err)
		_ = extraFields[Connector](data)
	})
}
