package openint

// The library's log lines through WithLogger (slog), and OPENINT_LOG without it.

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
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
