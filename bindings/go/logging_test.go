package openint

// The library's log lines through WithLogger (slog), and OPENINT_LOG without it.

import (
	"context"
	"errors"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type logRecord struct {
	level   slog.Level
	message string
	target  string
}

// recorder is a slog.Handler that keeps every record at or above its level.
type recorder struct {
	level slog.Level
	mu    sync.Mutex
	recs  []logRecord
}

func (r *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler           { return r }
func (r *recorder) WithGroup(string) slog.Handler                { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	lr := logRecord{level: rec.Level, message: rec.Message}
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "target" {
			lr.target = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	r.recs = append(r.recs, lr)
	r.mu.Unlock()
	return nil
}

func (r *recorder) records() []logRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]logRecord(nil), r.recs...)
}

func (r *recorder) count(level slog.Level, contains string) int {
	n := 0
	for _, rec := range r.records() {
		if rec.level == level && strings.Contains(rec.message, contains) {
			n++
		}
	}
	return n
}

// Each attempt gets one line: Info for the one that ends the call, Warn for one that is retried
// (with the reason and the wait).
func TestLoggerGetsOneLinePerAttempt(t *testing.T) {
	t.Parallel()
	const token = "sk_test_LogSecret77"
	s := newScenario(t, map[string]any{"token": token, "fail": map[string]any{"times": 1, "status": 503,
		"headers": map[string]string{"retry-after-ms": "10"}}})
	rec := &recorder{level: slog.LevelInfo}
	c := newTestClient(t, s.BaseURL, WithToken(token), WithLogger(slog.New(rec)))
	if _, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(3)}); err != nil {
		t.Fatal(err)
	}
	url := "GET " + s.BaseURL + "/connector?limit=3"
	if rec.count(slog.LevelWarn, url+" -> 503") != 1 || rec.count(slog.LevelWarn, "(attempt 1); retrying in 10 ms") != 1 {
		t.Fatalf("no warn line for the retried attempt: %+v", rec.records())
	}
	if rec.count(slog.LevelInfo, url+" -> 200") != 1 || rec.count(slog.LevelInfo, "(attempt 2)") != 1 {
		t.Fatalf("no info line for the last attempt: %+v", rec.records())
	}
	if n := len(rec.records()); n != 2 {
		t.Fatalf("%d lines for 2 attempts: %+v", n, rec.records())
	}
	for _, r := range rec.records() {
		if r.level < slog.LevelInfo {
			t.Fatalf("a line below the logger's level: %+v", r)
		}
		if !strings.HasPrefix(r.target, "openint") {
			t.Fatalf("a line without its target: %+v", r)
		}
		mustNotContain(t, "a log line", r.message, token)
	}
}

func TestLoggerLevels(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	run := func(level slog.Level) *recorder {
		rec := &recorder{level: level}
		c := newTestClient(t, s.BaseURL, WithLogger(slog.New(rec)))
		if _, err := c.HealthEcho(context.Background(), HealthEchoParams{"marker": "echo-me-7"}); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	if r := run(slog.LevelWarn); len(r.records()) != 0 {
		t.Fatalf("a warn logger got %+v from a clean call", r.records())
	}
	if r := run(slog.LevelDebug); r.count(slog.LevelDebug, "POST") == 0 || r.count(slog.LevelInfo, "POST") != 1 || r.count(LevelTrace, "") != 0 {
		t.Fatalf("a debug logger got %+v", r.records())
	}
	if r := run(LevelTrace); r.count(LevelTrace, "echo-me-7") == 0 {
		t.Fatalf("a trace logger got no body: %+v", r.records())
	}
	// A logger that wants nothing costs nothing: no callback is installed.
	rec := &recorder{level: slog.LevelError + 4}
	c := newTestClient(t, s.BaseURL, WithLogger(slog.New(rec)))
	if c.sink != nil {
		t.Fatal("a logger above Error was installed")
	}
}

// Clients with and without loggers side by side: each line goes to its own client's logger.
func TestLoggersArePerClient(t *testing.T) {
	t.Parallel()
	s1, s2 := newScenario(t, nil), newScenario(t, nil)
	r1, r2 := &recorder{level: slog.LevelInfo}, &recorder{level: slog.LevelInfo}
	c1 := newTestClient(t, s1.BaseURL, WithLogger(slog.New(r1)))
	c2 := newTestClient(t, s2.BaseURL, WithLogger(slog.New(r2)))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() { defer wg.Done(); c1.Health(context.Background()) }()
		go func() { defer wg.Done(); c2.Health(context.Background()) }()
	}
	wg.Wait()
	if r1.count(slog.LevelInfo, s1.BaseURL) != 4 || r1.count(slog.LevelInfo, s2.BaseURL) != 0 ||
		r2.count(slog.LevelInfo, s2.BaseURL) != 4 || r2.count(slog.LevelInfo, s1.BaseURL) != 0 {
		t.Fatalf("lines went to the wrong logger: %+v / %+v", r1.records(), r2.records())
	}
	// Closing a client removes its logger once nothing of it is left.
	c1.Close()
	if _, ok := logSinks.Load(c1.sink.id); ok {
		t.Fatal("a closed client's logger is still registered")
	}
}

const logProbeEnv = "OPENINT_GO_LOG_PROBE"

// TestLogProbe is the child process of TestOpenintLogEnvironment: one call without a logger,
// with a token the server refuses.
func TestLogProbe(t *testing.T) {
	base := os.Getenv(logProbeEnv)
	if base == "" {
		t.Skip("run by TestOpenintLogEnvironment")
	}
	c := newTestClient(t, base, WithToken("sk_test_EnvLog9"))
	if _, err := c.Health(context.Background()); !errors.Is(err, ErrAuthentication) {
		t.Fatal(err)
	}
}

// OPENINT_LOG=info logs to stderr when no logger is set (read once per process, so a child).
func TestOpenintLogEnvironment(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLogProbe$")
	cmd.Env = append(os.Environ(), logProbeEnv+"="+s.BaseURL, "OPENINT_LOG=info")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("probe: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "GET "+s.BaseURL+"/health -> 401") {
		t.Fatalf("no info line on stderr:\n%s", out)
	}
	mustNotContain(t, "stderr", string(out), "sk_test_EnvLog9")
}

// panicky is a slog handler that panics on every record while its panics flag is set.
type panicky struct {
	panics  atomic.Bool
	handled atomic.Int64
}

func (p *panicky) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }
func (p *panicky) WithAttrs([]slog.Attr) slog.Handler           { return p }
func (p *panicky) WithGroup(string) slog.Handler                { return p }
func (p *panicky) Handle(context.Context, slog.Record) error {
	p.handled.Add(1)
	if p.panics.Load() {
		panic("slog handler bug 4471")
	}
	return nil
}

// lockedBuffer is an io.Writer for log.SetOutput, read while the library may still log.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// A slog handler that panics (each panic recovered by the caller, as net/http does) must not
// leak the call's slot or client reference, nor unwind through the library: 100 such calls
// (more than the 64 slots), then a normal call succeeds and Close frees the client. Not
// parallel: it redirects the standard logger, where the binding reports the panics.
func TestPanickingLoggerLeaksNothing(t *testing.T) {
	out := &lockedBuffer{}
	prev, prevFlags := log.Writer(), log.Flags()
	log.SetOutput(out)
	t.Cleanup(func() { log.SetOutput(prev); log.SetFlags(prevFlags) })

	s := newScenario(t, map[string]any{"count": 60})
	h := &panicky{}
	h.panics.Store(true)
	c, err := NewClient(WithBaseURL(s.BaseURL), WithLogger(slog.New(h)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reachedCaller := 0
	for i := range 100 {
		func() {
			defer func() {
				if p := recover(); p != nil {
					reachedCaller++
				}
			}()
			// A leaked slot makes the 65th call wait out this context.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			if i%2 == 0 {
				_, err = c.Health(ctx)
			} else {
				var page *ConnectorPage
				if page, err = c.ListConnectors(ctx, &ListConnectorsParams{Limit: Ptr(2)}); err == nil {
					page.Close()
				}
			}
			if err != nil {
				t.Fatalf("call %d (%d panics reached the caller before): %v", i, reachedCaller, err)
			}
		}()
	}
	if reachedCaller != 0 {
		t.Fatalf("%d handler panics unwound through the library to the caller", reachedCaller)
	}
	if n := h.handled.Load(); n < 100 {
		t.Fatalf("the handler ran %d times for 100 calls", n)
	}
	// Prefetched pages log from the library's own threads, where no goroutine of the test
	// could recover a panic: it must not take the process down either.
	n := 0
	for _, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(7)}, WithPrefetch(4)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 60 {
		t.Fatalf("%d connectors of 60 with a panicking logger", n)
	}
	if got := out.String(); !strings.Contains(got, "slog handler bug 4471") || !strings.Contains(got, "record was dropped") {
		t.Fatalf("the handler's panics were not reported through the log package:\n%.2000s", got)
	}

	h.panics.Store(false)
	before := h.handled.Load()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Health(ctx); err != nil {
		t.Fatalf("a normal call after the panics: %v", err)
	}
	if h.handled.Load() == before {
		t.Fatal("the handler got no record of the normal call")
	}
	c.Close()
	if !c.h.freed() {
		t.Fatal("Close did not free the client: a call still holds a reference")
	}
}
