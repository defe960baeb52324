package openint

import "encoding/json"

// ListConnectorsParams are the query of GET /connector. The zero value asks for the first
// page at the server's default size (50). The library validates them before any request;
// an error (KindInvalidArgument) names the field.
type ListConnectorsParams struct {
	// Limit is the page size, 1..3000; 0 means the server's default (50).
	Limit int
	// Offset is the number of connectors to skip.
	Offset int
	// Expand adds data to each connector, e.g. ExpandSchemas.
	Expand []Expand
}

// json is the params object of openint_client_list_connectors. timeout (seconds, 0 = none)
// bounds the call.
func (p ListConnectorsParams) json(timeout float64) ([]byte, error) {
	var v struct {
		Limit   *int     `json:"limit,omitempty"`
		Offset  *int     `json:"offset,omitempty"`
		Expand  []Expand `json:"expand,omitempty"`
		Timeout float64  `json:"timeout,omitempty"`
	}
	// Zero means "unset"; anything else, negatives included, goes to the library to judge.
	if p.Limit != 0 {
		v.Limit = &p.Limit
	}
	if p.Offset != 0 {
		v.Offset = &p.Offset
	}
	v.Expand, v.Timeout = p.Expand, timeout
	b, err := json.Marshal(&v)
	if err != nil {
		return nil, &Error{Kind: KindInvalidArgument, Message: "params: " + err.Error()}
	}
	return b, nil
}
