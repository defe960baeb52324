// Package linux_arm64 holds libopenint.a for linux/arm64 in release
// versions of this module; it has no Go code (see ../doc.go).
package linux_arm64
