//go:build openint_vendor_native

package openint

// Never built (no one sets this tag). `go mod vendor` copies only the folders of imported
// packages, and cgo's archive and header folders are imported by no Go code, so a vendored
// copy would lack them (golang/go#26366). These blank imports make them packages this module
// imports under some tag, which is what vendoring looks at. link_test.go checks that every
// folder link.go names is listed.

import (
	_ "github.com/openint-dev/openint-sdk/bindings/go/internal/native"
	_ "github.com/openint-dev/openint-sdk/bindings/go/internal/native/include"
	_ "github.com/openint-dev/openint-sdk/bindings/go/internal/native/linux_amd64"
	_ "github.com/openint-dev/openint-sdk/bindings/go/internal/native/linux_amd64_musl"
	_ "github.com/openint-dev/openint-sdk/bindings/go/internal/native/linux_arm64"
	_ "github.com/openint-dev/openint-sdk/bindings/go/internal/native/linux_arm64_musl"
)
