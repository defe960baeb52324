module github.com/openint-dev/openint-sdk/bindings/go

// 1.24: runtime.AddCleanup (the Close safety net) and range-over-func iterators.
go 1.24
