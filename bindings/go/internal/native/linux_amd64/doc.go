// Package linux_amd64 holds libopenint.a for linux/amd64 in release
// versions of this module; it has no Go code (see ../doc.go).
package linux_amd64
