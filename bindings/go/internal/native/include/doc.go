// Package include holds openint.h, a copy of the repository's include/openint.h (a test keeps
// the two equal), so that the module builds on its own; it has no Go code (see ../doc.go).
package include
