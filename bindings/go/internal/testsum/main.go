// Command testsum reads `go test -json` from stdin and prints a summary: the output of every
// failed test, then "label: N passed, N failed, N skipped (and M subtests passed)", counting
// top-level tests and subtests (table cases, fuzz seeds) apart. It exits 1 when a test or a
// package failed (a build failure fails the package without failing a test), so test.sh can
// report counts and still stop on failure.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	label := "tests"
	if len(os.Args) > 1 {
		label = os.Args[1]
	}
	var passed, failed, skipped, subPassed int
	failedPkgs := 0
	output := map[string][]string{} // test (or package) -> its output lines
	var failures []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // not JSON: a build error printed by go itself
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			output[key] = append(output[key], e.Output)
		case "pass":
			switch {
			case strings.Contains(e.Test, "/"):
				subPassed++
			case e.Test != "":
				passed++
			}
			delete(output, key)
		case "skip":
			if e.Test != "" && !strings.Contains(e.Test, "/") {
				skipped++
			}
			delete(output, key)
		case "fail":
			if e.Test != "" {
				if !strings.Contains(e.Test, "/") {
					failed++
				}
			} else {
				failedPkgs++
			}
			failures = append(failures, key)
		}
	}
	for _, key := range failures {
		fmt.Printf("--- %s\n%s", strings.TrimSpace(key), strings.Join(output[key], ""))
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped (and %d subtests passed)\n", label, passed, failed, skipped, subPassed)
	if failed > 0 || failedPkgs > 0 {
		os.Exit(1)
	}
}
