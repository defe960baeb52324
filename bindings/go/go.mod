module github.com/openint-dev/openint-sdk/bindings/go

// 1.26: github.com/go-json-experiment/json (JSON v2, the decoder of every answer) needs it; the
// package itself needs 1.24 (runtime.AddCleanup, range-over-func iterators).
go 1.26

require github.com/go-json-experiment/json v1.27.2
