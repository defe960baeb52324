package openint

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// ldflagLibs are the -l flags of the #cgo LDFLAGS directive in file.
func ldflagLibs(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^// #cgo LDFLAGS: (.*)$`).FindSubmatch(src)
	if m == nil {
		t.Fatalf("%s has no #cgo LDFLAGS directive", file)
	}
	var libs []string
	for _, f := range strings.Fields(string(m[1])) {
		if strings.HasPrefix(f, "-l") {
			libs = append(libs, f)
		}
	}
	return libs
}

// The system libraries a Rust static archive needs are what rustc prints as
// native-static-libs: the standard library's, plus any a dependency's build script links
// dynamically (`cargo:rustc-link-lib=` without `static=`). rustc prints the first for a probe
// crate (cheap, and does not touch the shared target directory); the build scripts' outputs
// under target/release/build give the second.
func TestCgoLinkFlagsMatchNativeStaticLibs(t *testing.T) {
	dir := t.TempDir()
	probe := filepath.Join(dir, "probe.rs")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("rustc", "--crate-type", "staticlib", "--crate-name", "probe",
		"--print", "native-static-libs", "-o", filepath.Join(dir, "libprobe.a"), probe).CombinedOutput()
	if err != nil {
		t.Fatalf("rustc (needed to build libopenint anyway): %v\n%s", err, out)
	}
	m := regexp.MustCompile(`native-static-libs: (.*)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("rustc printed no native-static-libs:\n%s", out)
	}
	want := strings.Fields(string(m[1]))

	outputs, _ := filepath.Glob("../../target/release/build/*/output")
	for _, o := range outputs {
		text, err := os.ReadFile(o)
		if err != nil {
			continue
		}
		for _, lib := range regexp.MustCompile(`(?m)^cargo::?rustc-link-lib=(.*)$`).FindAllSubmatch(text, -1) {
			spec := string(lib[1])
			if strings.HasPrefix(spec, "static=") {
				continue // bundled into the archive
			}
			name := spec[strings.LastIndex(spec, "=")+1:]
			if !slices.Contains(want, "-l"+name) {
				want = append(want, "-l"+name)
			}
		}
	}

	for _, file := range []string{"link.go", "link_system.go"} {
		if got := ldflagLibs(t, file); !slices.Equal(got, want) {
			t.Errorf("%s links %v; rustc --print native-static-libs says %v", file, got, want)
		}
	}
}

// The test binary itself shows the archive was linked statically: the library's code is inside
// it and no libopenint.so is needed at run time.
func TestLibraryIsLinkedStatically(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Skipf("not an ELF executable: %v", err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range libs {
		if strings.Contains(l, "openint") {
			t.Fatalf("the binary needs %s at run time", l)
		}
	}
	// Test binaries carry no symbol table, so look for a text only the library contains.
	bin, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(bin, []byte("deadline passed before the request could be sent")) {
		t.Fatal("the library's code is not inside the binary")
	}
}
