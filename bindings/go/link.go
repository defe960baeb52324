//go:build !openint_system

package openint

// Links the static Rust archive built in this repository (cargo build --release -p openint),
// so programs run without LD_LIBRARY_PATH. The -l flags after the archive are the system
// libraries it needs, as printed by `rustc --print native-static-libs`; link_test.go checks
// that they still match. Build with -tags openint_system to link an archive installed
// elsewhere instead (see link_system.go).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libopenint.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
