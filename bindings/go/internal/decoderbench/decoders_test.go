package decoderbench

// The pages of the Go module's benchmark (bench_test.go: 20,000 connectors, small items at limit
// 100 and real-sized ones with their schemas at limit 3000), fetched once from the local test
// server, then decoded by each candidate. CPU is the process's user + system time per
// listing's pages, garbage collection included.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const count = 20_000

var (
	pages  = map[string][][]byte{} // "small", "real" -> the listing's pages
	server io.WriteCloser          // the test server's stdin: it exits when this closes
)

func TestMain(m *testing.M) {
	if err := fetchPages(); err != nil {
		fmt.Fprintln(os.Stderr, "decoderbench:", err)
		os.Exit(1)
	}
	code := m.Run()
	server.Close()
	os.Exit(code)
}

func fetchPages() error {
	bin := os.Getenv("OPENINT_TESTSERVER")
	if bin == "" {
		bin = filepath.Join("..", "..", "..", "..", "target", "release", "openint-testserver")
	}
	cmd := exec.Command(bin, "--port", "0", "--exit-on-stdin-eof")
	server, _ = cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s (cargo build --release -p openint-testserver): %v", bin, err)
	}
	var srv struct {
		AdminURL string `json:"admin_url"`
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err == nil {
		err = json.Unmarshal([]byte(line), &srv)
	}
	if err != nil {
		return err
	}
	resp, err := http.Post(srv.AdminURL+"/scenarios", "application/json", strings.NewReader(fmt.Sprintf(`{"count":%d}`, count)))
	if err != nil {
		return err
	}
	var s struct {
		BaseURL string `json:"base_url"`
		OrgKey  string `json:"org_key"`
	}
	err = json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name   string
		limit  int
		expand string
	}{{"small", 100, ""}, {"real", 3000, "&expand=schemas"}} {
		for offset := 0; offset < count; offset += c.limit {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/connector?limit=%d&offset=%d%s", s.BaseURL, c.limit, offset, c.expand), nil)
			req.Header.Set("Authorization", "Bearer "+s.OrgKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				return fmt.Errorf("page at %d: %d %v", offset, resp.StatusCode, err)
			}
			pages[c.name] = append(pages[c.name], body)
		}
	}
	return nil
}

var candidates = []struct {
	name   string
	decode func([]byte) ([]Connector, error)
}{
	{"encoding-json-two-phase", StdTwoPhase},
	{"json-v2", JSONv2},
	{"goccy-go-json", Goccy},
	{"sonic", Sonic},
	{"easyjson", EasyJSON},
}

// Every candidate reads every page as encoding/json does (easyjson aside: it drops a JSON null
// of a json.RawMessage field, where encoding/json keeps "null"), and Raw is the item's bytes.
func TestCandidatesAgree(t *testing.T) {
	for _, set := range []string{"small", "real"} {
		for _, page := range pages[set][:3] {
			want, err := StdTwoPhase(page)
			if err != nil || len(want) == 0 {
				t.Fatal(err)
			}
			wantJSON, _ := json.Marshal(want)
			for _, c := range candidates {
				got, err := c.decode(page)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				for i := range got {
					if string(got[i].Raw) != string(want[i].Raw) {
						t.Fatalf("%s: item %d's Raw differs", c.name, i)
					}
				}
				if gotJSON, _ := json.Marshal(got); c.name != "easyjson" && string(gotJSON) != string(wantJSON) {
					t.Fatalf("%s reads the %s page differently", c.name, set)
				}
			}
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkDecode(b *testing.B) {
	all := append([]struct {
		name   string
		decode func([]byte) ([]Connector, error)
	}{{"encoding-json-plain", func(p []byte) ([]Connector, error) { n, err := Plain(p); return make([]Connector, n), err }}}, candidates...)
	for _, set := range []string{"small", "real"} {
		for _, c := range all {
			b.Run(set+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := cpuTime()
				for range b.N {
					n := 0
					for _, page := range pages[set] {
						items, err := c.decode(page)
						if err != nil {
							b.Fatal(err)
						}
						n += len(items)
					}
					if n != count {
						b.Fatalf("%d items", n)
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
