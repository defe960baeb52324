// Package openint is a Go client for the OpenInt API.
//
// It wraps libopenint, the project's Rust core, through cgo: HTTP, auth, retries, timeouts,
// pagination and error classification all happen in the library, and this package adds what
// Go expects: a method per operation, contexts that cancel calls in flight, iterators,
// errors.Is/As, slog logging.
//
//	client, err := openint.NewClient(openint.WithToken(os.Getenv("OPENINT_API_KEY")))
//	if err != nil { ... }
//	defer client.Close()
//	for c, err := range client.ListConnectorsAutoPaging(ctx, &openint.ListConnectorsParams{Limit: openint.Ptr(100)}) {
//		if err != nil { ... }
//		fmt.Println(c.Name)
//	}
//	conn, err := client.GetConnection(ctx, id, nil) // nil: no params
//
// Each operation with parameters takes a pointer to its params struct, nil for none. In it,
// optional parameters are pointers, slices or maps: nil means "not set" (the server's
// default), anything else is sent, zero values included. Limit 0 asks for zero items; a nil
// Limit gives the server's default page size (50). The query flags the server reads as true
// whatever their value (IncludeSecrets, IncludePrompt, UseEnvironmentVariables) are plain
// bools, sent only when true.
//
// See README.md for building and linking the library.
package openint
