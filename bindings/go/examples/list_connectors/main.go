// Command list_connectors lists every connector through the Go module: the main job, in Go.
// Token and base URL come from OPENINT_API_KEY and OPENINT_BASE_URL.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	openint "github.com/openint-dev/openint-sdk/bindings/go"
)

func main() {
	client, err := openint.NewClient()
	if err != nil {
		fmt.Fprintln(os.Stderr, "openint:", err)
		os.Exit(1)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var names []string
	for c, err := range client.ListConnectorsAutoPaging(ctx, &openint.ListConnectorsParams{Limit: openint.Ptr(50)}) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "openint:", err)
			os.Exit(1)
		}
		names = append(names, c.Name)
	}
	shown := names[:min(5, len(names))]
	fmt.Printf("Go: listed %d connectors: %s, ...\n", len(names), strings.Join(shown, ", "))
}
