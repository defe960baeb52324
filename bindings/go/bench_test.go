package openint

// Benchmarks (run with bench.sh, not part of the test run): listing 20,000 connectors from the
// local server through this module, and through a plain net/http + encoding/json client that
// decodes into the same Connector structs (including the copy kept in Raw), in the same run.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

const benchCount = 20_000

// plainList is the baseline: what a Go program would write by hand. It ends on a short page
// (the envelope's total and has_next_page cannot be trusted) and reads whole bodies, as the
// library does.
func plainList(hc *http.Client, baseURL string, limit int, expand bool, each func(*Connector)) error {
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
			Items []Connector `json:"items"`
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

func BenchmarkList20000(b *testing.B) {
	s := newScenario(b, map[string]any{"count": benchCount})
	for _, cfg := range []struct {
		name   string
		limit  int
		expand bool
	}{
		{"limit=100", 100, false},
		{"limit=3000,expand=schemas", 3000, true},
	} {
		params := ListConnectorsParams{Limit: cfg.limit}
		if cfg.expand {
			params.Expand = []Expand{ExpandSchemas}
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
			if err := plainList(hc, s.BaseURL, cfg.limit, cfg.expand, func(c *Connector) { n++ }); err != nil {
				b.Fatal(err)
			}
			return n
		}
		report := func(b *testing.B, n int) {
			if n != benchCount {
				b.Fatalf("listed %d connectors, want %d", n, benchCount)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
		}
		b.Run(cfg.name+"/openint", func(b *testing.B) {
			c := newTestClient(b, s.BaseURL)
			openintList(b, c) // warm the server's rendering cache and the connection
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			for range b.N {
				n = openintList(b, c)
			}
			report(b, n)
		})
		b.Run(cfg.name+"/nethttp", func(b *testing.B) {
			plain(b)
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			for range b.N {
				n = plain(b)
			}
			report(b, n)
		})
	}
}
