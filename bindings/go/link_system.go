//go:build openint_system

package openint

// With -tags openint_system the library comes from elsewhere: a platform the module has no
// archive for, or a libopenint built or installed by hand (the C/C++ release tarball, or
// `bash .ci/release --install PREFIX` in a checkout). The header is the module's own copy;
// point cgo at the archive:
//
//	CGO_LDFLAGS="/opt/openint/lib/libopenint.a" go build -tags openint_system
//
// The -l flags are the system libraries the static archive needs (rustc --print native-static-libs).

// #cgo CFLAGS: -I${SRCDIR}/internal/native/include
// #cgo !musl LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
// #cgo musl LDFLAGS: -lunwind -lc
import "C"
