// Package openint is a Go client for the OpenInt API.
//
// It wraps libopenint, the project's Rust core, through cgo: HTTP, retries, timeouts,
// pagination and error classification all happen in the library, and this package converts
// types and errors and adds what Go expects (contexts, iterators, errors.Is/As).
//
//	client, err := openint.NewClient(openint.WithToken(os.Getenv("OPENINT_API_KEY")))
//	if err != nil { ... }
//	defer client.Close()
//	for c, err := range client.ListConnectorsAutoPaging(ctx, openint.ListConnectorsParams{Limit: 100}) {
//		if err != nil { ... }
//		fmt.Println(c.Name)
//	}
//
// See README.md for building and linking the library.
package openint
