package decoderbench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	goccy "github.com/goccy/go-json"
	"github.com/mailru/easyjson/jlexer"
)

// Each decoder reads a page ({"items":[...], ...}) into Connectors with Raw set to each item's
// bytes and checks the required name, as the Go module does.

var errNoName = errors.New(`Connector has no "name"`)

// Plain is the baseline's decoding: encoding/json into a plain struct, no Raw.
func Plain(page []byte) (int, error) {
	var env struct {
		Items []plainConnector `json:"items"`
	}
	err := json.Unmarshal(page, &env)
	return len(env.Items), err
}

// StdTwoPhase is encoding/json: the items as raw values, then each into the twin.
func StdTwoPhase(page []byte) ([]Connector, error) {
	var env struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(page, &env); err != nil {
		return nil, err
	}
	return eachItem(env.Items, func(raw []byte, c *connectorFields) error { return json.Unmarshal(raw, c) })
}

// JSONv2 is decode.go's way: one pass over the page with a jsontext.Decoder, each item into
// the twin, Raw from the decoder's input offsets.
func JSONv2(page []byte) ([]Connector, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(page), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, fmt.Errorf("not an object: %v", err)
	}
	var out []Connector
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		if name.String() != "items" {
			if err := dec.SkipValue(); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		for dec.PeekKind() != ']' {
			out = append(out, Connector{})
			c := &out[len(out)-1]
			start := dec.InputOffset()
			if err := jsonv2.UnmarshalDecode(dec, (*connectorFields)(c)); err != nil {
				return nil, err
			}
			if c.Name == "" {
				return nil, errNoName
			}
			raw := bytes.TrimLeft(page[start:dec.InputOffset()], " \t\r\n,")
			c.Raw = raw[:len(raw):len(raw)]
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Goccy is goccy/go-json: the items as raw values, then each into the twin.
func Goccy(page []byte) ([]Connector, error) {
	var env struct {
		Items []goccy.RawMessage `json:"items"`
	}
	if err := goccy.Unmarshal(page, &env); err != nil {
		return nil, err
	}
	return eachItem(env.Items, func(raw []byte, c *connectorFields) error { return goccy.Unmarshal(raw, c) })
}

// Sonic is bytedance/sonic with ConfigStd (strings copied and validated, as encoding/json
// does): the items as raw values without copies, then each into the twin.
func Sonic(page []byte) ([]Connector, error) {
	var env struct {
		Items []sonic.NoCopyRawMessage `json:"items"`
	}
	api := sonic.ConfigStd
	if err := api.Unmarshal(page, &env); err != nil {
		return nil, err
	}
	return eachItem(env.Items, func(raw []byte, c *connectorFields) error { return api.Unmarshal(raw, c) })
}

// EasyJSON is easyjson's generated UnmarshalEasyJSON (models_easyjson.go) over the page with
// its lexer: each item's raw bytes, then the twin from them.
func EasyJSON(page []byte) ([]Connector, error) {
	in := jlexer.Lexer{Data: page}
	var out []Connector
	in.Delim('{')
	for !in.IsDelim('}') {
		key := in.UnsafeFieldName(false)
		in.WantColon()
		if key != "items" {
			in.SkipRecursive()
			in.WantComma()
			continue
		}
		in.Delim('[')
		for !in.IsDelim(']') {
			raw := in.Raw()
			var c Connector
			sub := jlexer.Lexer{Data: raw}
			(*connectorFields)(&c).UnmarshalEasyJSON(&sub)
			if err := sub.Error(); err != nil {
				return nil, err
			}
			if c.Name == "" {
				return nil, errNoName
			}
			c.Raw = bytes.TrimSpace(raw)
			out = append(out, c)
			in.WantComma()
		}
		in.Delim(']')
		in.WantComma()
	}
	in.Delim('}')
	return out, in.Error()
}

func eachItem[R ~[]byte](items []R, decode func([]byte, *connectorFields) error) ([]Connector, error) {
	out := make([]Connector, len(items))
	for i, raw := range items {
		if err := decode(raw, (*connectorFields)(&out[i])); err != nil {
			return nil, err
		}
		if out[i].Name == "" {
			return nil, errNoName
		}
		out[i].Raw = json.RawMessage(raw)
	}
	return out, nil
}
