// Package linux_arm64_musl holds libopenint.a for linux/arm64 with musl (build tag musl) in release
// versions of this module; it has no Go code (see ../doc.go).
package linux_arm64_musl
