package openint

// Benchmarks (run with bench.sh, not part of the test run): listing 20,000 connectors from the
// local server through this module, and through the baseline a Go programmer would write by
// hand, in the same run:
//   - small items: the synthetic registry (about 1.2 KB an item) at limit 100;
//   - real-sized items: the same registry with expand=schemas (about 3.3 KB an item, the shape
//     and size of the real fixtures' items with their JSON Schemas) at limit 3000.
//
// The baseline is net/http + encoding/json decoding each page into a plain struct with the
// same fields as Connector (no custom unmarshaller, no Raw), ending on a short page. Besides
// time, each contender reports the process CPU it used per listing (user + system, every
// thread: the library's included; the server runs in another process).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"
)

const benchCount = 20_000

// plainConnector is Connector's fields in a plain struct: what encoding/json decodes fastest.
type plainConnector struct {
	Name                  string            `json:"name"`
	DisplayName           *string           `json:"display_name,omitempty"`
	LogoURL               *string           `json:"logo_url,omitempty"`
	Stage                 *Stage            `json:"stage,omitempty"`
	Platforms             []Platform        `json:"platforms,omitempty"`
	Schemas               *ConnectorSchemas `json:"schemas,omitempty"`
	AuthType              *AuthType         `json:"auth_type,omitempty"`
	RequiredScopes        []string          `json:"required_scopes,omitempty"`
	OpenintDefaultScopes  []string          `json:"openint_default_scopes,omitempty"`
	OpenintAllowedScopes  []string          `json:"openint_allowed_scopes,omitempty"`
	Scopes                []Scope           `json:"scopes,omitempty"`
	HasOpenintCredentials *bool             `json:"has_openint_credentials,omitempty"`
	Integrations          []Integration     `json:"integrations,omitempty"`
}

// plainList is the baseline. It reads whole bodies, as the library does, and ends on a short
// page (the envelope's total and has_next_page cannot be trusted).
func plainList(hc *http.Client, baseURL string, limit int, expand bool, each func(*plainConnector)) error {
	for offset := 0; ; {
		u := fmt.Sprintf("%s/connector?limit=%d&offset=%d", baseURL, limit, offset)
		if expand {
			u += "&expand=schemas"
		}
		resp, err := hc.Get(u)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		var page struct {
			Items []plainConnector `json:"items"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return err
		}
		for i := range page.Items {
			each(&page.Items[i])
		}
		if len(page.Items) < limit {
			return nil
		}
		offset += len(page.Items)
	}
}

// cpuTime is the CPU this process has used, every thread included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var benchCases = []struct {
	name   string
	limit  int
	expand bool
}{
	{"small,limit=100", 100, false},
	{"real-sized,limit=3000,expand=schemas", 3000, true},
}

func BenchmarkList20000(b *testing.B) {
	s := newScenario(b, map[string]any{"count": benchCount})
	for _, cfg := range benchCases {
		params := &ListConnectorsParams{Limit: Ptr(cfg.limit)}
		if cfg.expand {
			params.Expand = []ConnectorExpand{ConnectorExpandSchemas}
		}
		openintList := func(b *testing.B, c *Client) int {
			n := 0
			for _, err := range c.ListConnectorsAutoPaging(context.Background(), params) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			return n
		}
		hc := &http.Client{}
		plain := func(b *testing.B) int {
			n := 0
			if err := plainList(hc, s.BaseURL, cfg.limit, cfg.expand, func(*plainConnector) { n++ }); err != nil {
				b.Fatal(err)
			}
			return n
		}
		run := func(b *testing.B, list func() int) {
			list() // warm the server's rendering cache and the connection
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			var n int
			for range b.N {
				n = list()
			}
			b.StopTimer()
			if n != benchCount {
				b.Fatalf("listed %d connectors, want %d", n, benchCount)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		}
		b.Run(cfg.name+"/openint", func(b *testing.B) {
			c := newTestClient(b, s.BaseURL)
			run(b, func() int { return openintList(b, c) })
		})
		b.Run(cfg.name+"/nethttp", func(b *testing.B) {
			run(b, func() int { return plain(b) })
		})
	}
}
