//go:build openint_system

package openint

// With -tags openint_system the library comes from outside this repository, e.g. when the
// module is fetched through the Go proxy (its zip holds no Rust build). Point cgo at it:
//
//	CGO_CFLAGS="-I/opt/openint/include" CGO_LDFLAGS="/opt/openint/lib/libopenint.a" go build -tags openint_system
//
// The -l flags are the system libraries the static archive needs (rustc --print native-static-libs).

// #cgo LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
