package openint

import "sync"

// handle frees one C object exactly once: when it has been closed and no call is using it.
// Calls take a reference for their duration, so Close (or the GC safety net) never frees an
// object under a running C call, and a call after Close gets an error instead of a crash.
type handle struct {
	mu     sync.Mutex
	refs   int
	closed bool
	free   func() // the C *_free call; set to nil once run
}

func newHandle(free func()) *handle { return &handle{free: free} }

// acquire takes a reference; false when the handle is closed.
func (h *handle) acquire() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.refs++
	return true
}

// release drops a reference taken by acquire, freeing the object if it was closed meanwhile.
func (h *handle) release() {
	h.mu.Lock()
	h.refs--
	free := h.takeFreeLocked()
	h.mu.Unlock()
	if free != nil {
		free()
	}
}

// close marks the handle closed; the object is freed now, or by the last release. Idempotent.
func (h *handle) close() {
	h.mu.Lock()
	h.closed = true
	free := h.takeFreeLocked()
	h.mu.Unlock()
	if free != nil {
		free()
	}
}

func (h *handle) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

func (h *handle) takeFreeLocked() func() {
	if !h.closed || h.refs > 0 || h.free == nil {
		return nil
	}
	free := h.free
	h.free = nil
	return free
}

// freed reports whether the object has been freed.
func (h *handle) freed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.free == nil
}
