//go:build !openint_system && !(linux && (amd64 || arm64))

package openint

// The module carries prebuilt archives for linux/amd64 and linux/arm64 (glibc and musl) only.
// Elsewhere the build stops here with this name as the error: build libopenint from the
// repository (cargo build --release -p openint) and link it with -tags openint_system.
var _ = openint_has_no_prebuilt_library_for_this_platform_build_it_and_use_tag_openint_system
