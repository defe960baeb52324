package openint

// The library's log lines, routed to a *slog.Logger (WithLogger). The library calls a C
// function (cgo.go) from whatever thread made the request, with the id of the logger as
// user_data; that calls openintGoLog below, which looks the logger up. An id, not a Go pointer
// or cgo.Handle, crosses: a line that arrives after its client is gone finds no logger and is
// dropped instead of touching freed memory.

// #include <stdint.h>
import "C"

import (
	"context"
	"log"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// LevelTrace is the slog level of the library's most verbose lines (request and response
// bodies, already redacted).
const LevelTrace = slog.LevelDebug - 4

// The library's levels (OpenintLogLevel) and their slog levels.
var logLevels = [...]struct {
	lib  uint32
	slog slog.Level
}{{5, LevelTrace}, {4, slog.LevelDebug}, {3, slog.LevelInfo}, {2, slog.LevelWarn}, {1, slog.LevelError}}

// logSink is one client's logger. The client and each of its live pages hold a reference:
// pages fetch (and log) after their client is closed.
type logSink struct {
	id     uintptr
	logger *slog.Logger
	refs   atomic.Int64
}

var (
	logSinks   sync.Map // uintptr -> *logSink
	nextSinkID atomic.Uintptr
)

// attachLogger installs logger on the library client at the most verbose level it enables.
func attachLogger(c cClient, logger *slog.Logger) (*logSink, error) {
	var level uint32
	for _, l := range logLevels {
		if logger.Enabled(context.Background(), l.slog) {
			level = l.lib
			break
		}
	}
	if level == 0 {
		return nil, nil // the logger wants none of the library's lines
	}
	s := &logSink{id: nextSinkID.Add(1), logger: logger}
	s.refs.Store(1)
	logSinks.Store(s.id, s)
	if err := c.setLogger(level, s.id); err != nil {
		logSinks.Delete(s.id)
		return nil, err
	}
	return s, nil
}

func (s *logSink) retain() {
	if s != nil {
		s.refs.Add(1)
	}
}

func (s *logSink) release() {
	if s != nil && s.refs.Add(-1) == 0 {
		logSinks.Delete(s.id)
	}
}

// openintGoLog is called by the library (from C, on the thread of the call or of a prefetch).
// A panic must never unwind from here through the library's frames: that skips its cleanup
// (undefined behaviour), and the caller's recover (net/http's, say) would then leave the
// call's slot and client reference taken. So a panicking handler is recovered here: its record
// is dropped and the panic reported like net/http reports a handler's, through the standard
// log package (stderr unless log.SetOutput says otherwise), with its stack; the call goes on.
//
//export openintGoLog
func openintGoLog(id C.uintptr_t, level C.uint32_t, target, message *C.char) {
	v, ok := logSinks.Load(uintptr(id))
	if !ok {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			log.Printf("openint: the slog handler of WithLogger panicked; the log record was dropped: %v\n%s", p, debug.Stack())
		}
	}()
	lvl := slog.LevelError
	for _, l := range logLevels {
		if l.lib == uint32(level) {
			lvl = l.slog
		}
	}
	v.(*logSink).logger.Log(context.Background(), lvl, C.GoString(message), "target", C.GoString(target))
}
