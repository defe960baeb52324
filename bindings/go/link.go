//go:build !openint_system

package openint

// Links the static libopenint.a for this platform from internal/native/<os>_<arch>[_musl]/,
// so programs need no libopenint.so and no LD_LIBRARY_PATH at run time. Release versions of
// the module (tags bindings/go/vX.Y.Z) carry those archives, built by .ci/release with
// cargo-zigbuild; inside the repository bindings/go/test.sh puts cargo's own build there
// (a link to target/release/libopenint.a, ignored by git). musl is chosen with -tags musl.
//
// The -l flags after each archive are the system libraries it needs, as printed by
// `rustc --print native-static-libs` for that target (link_test.go checks them); musl's
// differ from glibc's. Other platforms: build libopenint yourself and use -tags
// openint_system (link_system.go).

// #cgo CFLAGS: -I${SRCDIR}/internal/native/include
// #cgo linux,amd64,!musl LDFLAGS: ${SRCDIR}/internal/native/linux_amd64/libopenint.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
// #cgo linux,amd64,musl LDFLAGS: ${SRCDIR}/internal/native/linux_amd64_musl/libopenint.a -lunwind -lc
// #cgo linux,arm64,!musl LDFLAGS: ${SRCDIR}/internal/native/linux_arm64/libopenint.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
// #cgo linux,arm64,musl LDFLAGS: ${SRCDIR}/internal/native/linux_arm64_musl/libopenint.a -lunwind -lc
import "C"
