package openint

// Cancellation at each phase of a call: connecting, waiting for the answer's head, reading a
// slow body, and backing off before a retry. In each, the call would otherwise go on for tens
// of seconds; a cancelled context must end it promptly (the library promises about 10 ms),
// with an error that is both the context's and the library's, and leave no goroutine behind.

import (
	"bufio"
	"context"
	"errors"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// cancelBound is how soon after the context is cancelled the call must have returned. The
// library stops within about 10 ms; the rest is slack for a loaded 2-core machine under -race.
const cancelBound = 500 * time.Millisecond

// settledGoroutines waits until the goroutine count stops at or under want.
func settledGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// unacceptingAddr is a TCP address whose accept queue is full, so a connect to it hangs (its
// SYNs are dropped) instead of failing.
func unacceptingAddr(t *testing.T) string {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Skipf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Skipf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Skipf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	// Fill the queue until a connect hangs.
	for range 8 {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr
		}
		t.Cleanup(func() { conn.Close() })
	}
	t.Skip("could not fill the accept queue: connects never hang here")
	return ""
}

// slowBodyServer answers every request with a head announcing a large body, sends its first
// bytes, then stalls until the test ends. handlers counts its goroutines.
func slowBodyServer(t *testing.T, handlers *atomic.Int64) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(stop)
		l.Close()
		wg.Wait()
	})
	wg.Add(1)
	handlers.Add(1)
	go func() {
		defer wg.Done()
		defer handlers.Add(-1)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			handlers.Add(1)
			go func() {
				defer wg.Done()
				defer handlers.Add(-1)
				defer conn.Close()
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"ok\":"))
				<-stop
			}()
		}
	}()
	return "http://" + l.Addr().String() + "/v1"
}

func TestCancelAtEachPhase(t *testing.T) {
	var handlers atomic.Int64 // goroutines of the test's own server
	phases := []struct {
		name string
		// setup returns a client whose Health call would take much longer than the test.
		setup func(t *testing.T) (*Client, scenario)
	}{
		{"connecting", func(t *testing.T) (*Client, scenario) {
			return newTestClient(t, "http://"+unacceptingAddr(t)+"/v1", WithConnectTimeout(60*time.Second), WithMaxRetries(0)), scenario{}
		}},
		{"waiting for the answer", func(t *testing.T) (*Client, scenario) {
			s := newScenario(t, map[string]any{"latency_ms": 60000})
			return newTestClient(t, s.BaseURL), s
		}},
		{"reading a slow body", func(t *testing.T) (*Client, scenario) {
			return newTestClient(t, slowBodyServer(t, &handlers), WithMaxRetries(0)), scenario{}
		}},
		{"backing off before a retry", func(t *testing.T) (*Client, scenario) {
			s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": 503,
				"headers": map[string]string{"Retry-After": "60"}}})
			return newTestClient(t, s.BaseURL), s
		}},
	}
	for _, ph := range phases {
		for _, how := range []string{"cancel", "deadline"} {
			if how == "deadline" && strings.HasPrefix(ph.name, "backing off") {
				continue // see TestBackOffPastTheDeadlineIsNotWaited
			}
			t.Run(ph.name+"/"+how, func(t *testing.T) {
				c, s := ph.setup(t)
				before := runtime.NumGoroutine() - int(handlers.Load())
				var ctx context.Context
				var cancel context.CancelFunc
				var ended time.Time // when the context ended
				if how == "cancel" {
					ctx, cancel = context.WithCancel(context.Background())
					time.AfterFunc(300*time.Millisecond, func() { ended = time.Now(); cancel() })
				} else {
					ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
					ended = time.Now().Add(300 * time.Millisecond)
				}
				defer cancel()
				start := time.Now()
				_, err := c.Health(ctx)
				returned := time.Now()
				if returned.Sub(start) < 250*time.Millisecond {
					t.Fatalf("returned after %v, before the context ended: %v", returned.Sub(start), err)
				}
				late := returned.Sub(ended)
				t.Logf("returned %v after the context ended: %v", late, err)
				if late > cancelBound {
					t.Fatalf("returned %v after the context ended (bound %v)", late, cancelBound)
				}
				want, kind := context.Canceled, KindCancelled
				if how == "deadline" {
					want, kind = context.DeadlineExceeded, KindTimeout
				}
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want an error wrapping %v", err, want)
				}
				e := asError(t, err) // the library's error is reachable too
				if e.Kind != kind {
					t.Fatalf("kind %v, want %v (%v)", e.Kind, kind, err)
				}
				if e.Method != "GET" || !strings.HasSuffix(e.URL, "/health") {
					t.Fatalf("the error does not name the request: %+v", e)
				}
				if s.ID != "" && len(s.requests(t)) != 1 {
					t.Fatalf("%d requests: a cancelled call must not retry", len(s.requests(t)))
				}
				settledGoroutines(t, before+int(handlers.Load()))
				if n := liveCancels.Load(); n != 0 {
					t.Fatalf("%d cancel handles not freed", n)
				}
			})
		}
	}
}

// A back-off that would end past the context's deadline is not waited for: the call returns
// the error that asked for it at once.
func TestBackOffPastTheDeadlineIsNotWaited(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": 503,
		"headers": map[string]string{"Retry-After": "60"}}})
	c := newTestClient(t, s.BaseURL)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Health(ctx)
	checkKind(t, err, KindInternalServer, ErrInternalServer)
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("waited %v for a retry that could not happen before the deadline", waited)
	}
	if n := len(s.requests(t)); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

// A listing cancelled while its next page is being fetched (every answer takes a second): the
// auto-pager yields the context's error promptly and frees everything.
func TestCancelDuringAutoPaging(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 1000, "seed": map[string]any{"connections": 30}})
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	var cancelled time.Time
	for _, err := range c.ListConnectionsAutoPaging(ctx, &ListConnectionsParams{Limit: Ptr(10)}, WithPrefetch(2)) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 10 {
			time.AfterFunc(300*time.Millisecond, func() { cancelled = time.Now(); cancel() })
		}
	}
	late := time.Since(cancelled)
	if !errors.Is(last, context.Canceled) || n != 10 {
		t.Fatalf("after %d items: %v", n, last)
	}
	if late > cancelBound {
		t.Fatalf("the listing ended %v after the cancel (bound %v)", late, cancelBound)
	}
	if live := c.pages.Load(); live != 0 {
		t.Fatalf("%d pages alive after a cancelled listing", live)
	}
	settledGoroutines(t, before)
}

// A call waiting for a slot (WithMaxInFlight) gives up when its context ends, making no
// request.
func TestCancelWhileWaitingForASlot(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 1500})
	c := newTestClient(t, s.BaseURL, WithMaxInFlight(1))
	done := make(chan error, 1)
	go func() {
		_, err := c.Health(context.Background())
		done <- err
	}()
	waitFor(t, "the first call to hold the only slot", func() bool { return len(c.slots) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Health(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests(t)); n != 1 {
		t.Fatalf("%d requests, want only the first call's", n)
	}
}
