package openint

import (
	"bytes"
	"debug/elf"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// repoPath is rel in the repository around this module (../../rel), or skips the test when
// that is absent: a copy of the module on its own, as the Go proxy serves it, has only the
// module's files, and its tests must pass there too.
func repoPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", filepath.FromSlash(rel))
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is outside this module and absent (a copy of the module on its own)", rel)
	}
	return p
}

// cgoLine is one `// #cgo [constraints] LDFLAGS:` directive.
type cgoLine struct {
	file, constraints string
	flags             []string
}

func ldflagLines(t *testing.T, file string) []cgoLine {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []cgoLine
	for _, m := range regexp.MustCompile(`(?m)^// #cgo ([^:]*?) ?LDFLAGS: (.*)$`).FindAllSubmatch(src, -1) {
		lines = append(lines, cgoLine{file, string(m[1]), strings.Fields(string(m[2]))})
	}
	if lines == nil {
		t.Fatalf("%s has no #cgo LDFLAGS directive", file)
	}
	return lines
}

// rustTarget is the Rust target a directive's constraints select (no arch: this machine's).
func (l cgoLine) rustTarget() string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	env := "gnu"
	for _, c := range strings.Split(l.constraints, ",") {
		switch c {
		case "amd64":
			arch = "x86_64"
		case "arm64":
			arch = "aarch64"
		case "musl":
			env = "musl"
		}
	}
	return arch + "-unknown-linux-" + env
}

func (l cgoLine) libs() []string {
	var libs []string
	for _, f := range l.flags {
		if strings.HasPrefix(f, "-l") {
			libs = append(libs, f)
		}
	}
	return libs
}

// The system libraries a Rust static archive needs are what rustc prints as
// native-static-libs for its target: the standard library's, plus any a dependency's build
// script links dynamically (`cargo:rustc-link-lib=` without `static=`). rustc prints the
// first for a probe crate (cheap, and does not touch the shared target directory); the build
// scripts' outputs under target/release/build give the second (this machine's target only).
// A target whose standard library is not installed (rustup target add) is skipped.
func TestCgoLinkFlagsMatchNativeStaticLibs(t *testing.T) {
	if _, err := exec.LookPath("rustc"); err != nil {
		t.Skip("no rustc on PATH: the flags were checked where the archives were built")
	}
	dir := t.TempDir()
	probe := filepath.Join(dir, "probe.rs")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	nativeLibs := map[string][]string{}
	want := func(target string) []string {
		if libs, ok := nativeLibs[target]; ok {
			return libs
		}
		out, err := exec.Command("rustc", "--target", target, "--crate-type", "staticlib", "--crate-name", "probe",
			"--print", "native-static-libs", "-o", filepath.Join(dir, "libprobe.a"), probe).CombinedOutput()
		m := regexp.MustCompile(`native-static-libs: (.*)`).FindSubmatch(out)
		if err != nil || m == nil {
			t.Logf("%s: no standard library for it here (rustup target add %s), not checked:\n%s", target, target, out)
			nativeLibs[target] = nil
			return nil
		}
		libs := strings.Fields(string(m[1]))
		if host := (cgoLine{}).rustTarget(); target == host {
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
					if !slices.Contains(libs, "-l"+name) {
						libs = append(libs, "-l"+name)
					}
				}
			}
		}
		nativeLibs[target] = libs
		return libs
	}
	checked := 0
	for _, file := range []string{"link.go", "link_system.go"} {
		for _, l := range ldflagLines(t, file) {
			w := want(l.rustTarget())
			if w == nil {
				continue
			}
			checked++
			if got := l.libs(); !slices.Equal(got, w) {
				t.Errorf("%s, #cgo %s: links %v; rustc --print native-static-libs for %s says %v", l.file, l.constraints, got, l.rustTarget(), w)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no directive was checked")
	}
}

// Every archive folder link.go names exists as a package that native_vendor.go imports, so
// `go mod vendor` keeps it, and each directive names its own platform's folder.
func TestArchiveFoldersAreVendored(t *testing.T) {
	vendor, err := os.ReadFile("native_vendor.go")
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/openint-dev/openint-sdk/bindings/go/"
	folders := []string{"internal/native", "internal/native/include"}
	for _, l := range ldflagLines(t, "link.go") {
		m := regexp.MustCompile(`^\$\{SRCDIR\}/(internal/native/([a-z0-9_]+))/libopenint\.a$`).FindStringSubmatch(l.flags[0])
		if m == nil {
			t.Errorf("#cgo %s: the first flag %q is not an archive under internal/native", l.constraints, l.flags[0])
			continue
		}
		plat := strings.ReplaceAll(strings.ReplaceAll(l.constraints, ",!musl", ""), ",musl", "_musl")
		if m[2] != strings.Replace(plat, ",", "_", 1) {
			t.Errorf("#cgo %s links the archive of %s", l.constraints, m[2])
		}
		folders = append(folders, m[1])
	}
	for _, f := range folders {
		if _, err := os.Stat(filepath.Join(f, "doc.go")); err != nil {
			t.Errorf("%s is not a package: %v", f, err)
		}
		if !bytes.Contains(vendor, []byte(`_ "`+module+f+`"`)) {
			t.Errorf("native_vendor.go does not import %s: go mod vendor would drop it", f)
		}
	}
}

// The module's header is the repository's include/openint.h (cbindgen's output, checked by CI).
func TestHeaderIsTheRepositorysHeader(t *testing.T) {
	want, err := os.ReadFile(repoPath(t, "include/openint.h"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("internal/native/include/openint.h")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/native/include/openint.h differs from include/openint.h: cp include/openint.h bindings/go/internal/native/include/")
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
