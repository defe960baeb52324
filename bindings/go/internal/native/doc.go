// Package native holds what cgo links: the C header (include/) and, in release versions of
// this module, one prebuilt static libopenint.a per platform (linux_amd64, linux_arm64, and
// their _musl variants). The archives are committed only in the release commits tagged
// bindings/go/vX.Y.Z (made by .ci/release at the repository root), never on main; inside
// the repository bindings/go/test.sh links the archive cargo built. No Go code lives here:
// each folder is a package only so that `go mod vendor` copies it (see ../../native_vendor.go).
package native
