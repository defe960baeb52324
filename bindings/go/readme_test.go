package openint

// The README's quick start is examples/quickstart/main.go, which `go vet ./...` compiles; this
// test keeps the two identical and runs the program against the local server.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReadmeQuickStartIsTheExampleAndRuns(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Quick start\n.*?```go\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no Go block under \"## Quick start\"")
	}
	example, err := os.ReadFile("examples/quickstart/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(m[1]) != string(example) {
		t.Fatal("the README's quick start differs from examples/quickstart/main.go: copy one onto the other")
	}

	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, "./examples/quickstart").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := newScenario(t, nil)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "OPENINT_BASE_URL="+s.BaseURL, "OPENINT_API_KEY="+s.OrgKey)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OAuth2 connectors:") || !strings.Contains(string(out), "Connect link for cus_quickstart ready") {
		t.Fatalf("quickstart: %v\n%s", err, out)
	}
	// It must not print the link or the token.
	mustNotContain(t, "its output", string(out), "token=")
}
