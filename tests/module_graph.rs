//! The layout rules of `src/`, checked on the source text:
//! - no import circle between modules: `use crate::…`, `super::…` and child paths are read from
//!   every file (test code aside), each name is followed to the module that defines it (through
//!   re-exports), and a cycle fails the test, naming it;
//! - the C boundary (`src/ffi/`) is a skin over the public Rust API: it names only what the crate
//!   root exports and the public `operations` table, never a private room;
//! - no hand-written file in `src/` is longer than 700 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 700;

/// One file of `src/` as a module: `http::retry` for `src/http/retry.rs`, `` for `lib.rs`.
struct Module {
    file: PathBuf,
    /// The code without comments, strings and test-only items.
    code: String,
    /// Names defined at the top level of the file.
    defs: BTreeSet<String>,
    /// Every `use` of the file, expanded: (name it binds, full path, is a glob).
    uses: Vec<(String, Vec<String>, bool)>,
    /// Child modules declared only for tests (`#[cfg(test)] mod tests;`).
    test_children: BTreeSet<String>,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn module_path(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `text` without comments, string and char literals (replaced by blanks of the same shape).
fn strip(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            out.extend(text[i..end].chars().filter(|&c| c == '\n'));
            i = end;
        } else if b[i] == b'r'
            && (b[i + 1..].starts_with(b"\"") || b[i + 1..].starts_with(b"#"))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // A raw string r"..." or r#"..."#.
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            let open = i + 1 + hashes;
            if b.get(open) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let end = text[open + 1..]
                .find(&close)
                .map_or(b.len(), |e| open + 1 + e + close.len());
            out.push_str("\"\"");
            out.extend(text[i..end].chars().filter(|&c| c == '\n'));
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            out.extend(text[i..j.min(b.len())].chars().filter(|&c| c == '\n'));
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('a', '\n', '\u{..}'), not a lifetime ('a without a closing quote).
            let rest = &text[i + 1..];
            let len = match rest.strip_prefix('\\') {
                Some(escaped) => escaped.find('\'').map(|e| e + 2),
                None => rest
                    .chars()
                    .next()
                    .filter(|c| rest[c.len_utf8()..].starts_with('\''))
                    .map(|c| c.len_utf8()),
            };
            match len {
                Some(n) => {
                    out.push_str("' '");
                    i += n + 2;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The end of the item starting at `from` (after its attributes): its closing brace or `;`.
fn item_end(code: &str, from: usize) -> usize {
    let b = code.as_bytes();
    let mut depth = 0i32;
    for (i, &c) in b.iter().enumerate().skip(from) {
        match c {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 && c == b'}' {
                    return i + 1;
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
    }
    b.len()
}

/// Removes `#[cfg(test)]` items; returns the code and the test-only child modules.
fn drop_test_items(code: &str) -> (String, BTreeSet<String>) {
    let mut out = String::new();
    let mut children = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        if let Some(m) = trimmed.strip_prefix("mod ") {
            let name: String = m
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if m[name.len()..].trim_start().starts_with(';') {
                children.insert(name);
            }
        }
        let end = item_end(after, 0);
        rest = &after[end..];
    }
    out.push_str(rest);
    (out, children)
}

/// Brace depth 0 parts of `code` (the file's own top level).
fn top_level(code: &str) -> String {
    let mut depth = 0i32;
    code.chars()
        .map(|c| {
            let keep = depth == 0;
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if keep || c == '\n' {
                c
            } else {
                ' '
            }
        })
        .collect()
}

fn idents(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if b[i].is_ascii_alphabetic() || b[i] == b'_' || b[i] == b'$' {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                return Some((start, &s[start..i]));
            }
            i += 1;
        }
        None
    })
}

fn definitions(code: &str) -> BTreeSet<String> {
    let top = top_level(code);
    let words: Vec<(usize, &str)> = idents(&top).collect();
    let mut defs = BTreeSet::new();
    for w in words.windows(2) {
        if matches!(
            w[0].1,
            "fn" | "struct"
                | "enum"
                | "trait"
                | "type"
                | "const"
                | "static"
                | "mod"
                | "union"
                | "macro_rules"
        ) {
            defs.insert(w[1].1.to_string());
        }
    }
    // Items made by a macro: `params_struct!(Name { ... })`.
    for (i, _) in top.match_indices('!') {
        let rest = top[i + 1..].trim_start();
        if rest.starts_with('(') || rest.starts_with('{') {
            if let Some((_, name)) = idents(&rest[1..]).next() {
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    defs.insert(name.to_string());
                }
            }
        }
    }
    defs
}

/// Expands a use tree (`a::{b, c::d as e, f::*}`) into (bound name, path, glob).
fn expand_use(prefix: &[String], tree: &str, out: &mut Vec<(String, Vec<String>, bool)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut p = prefix.to_vec();
        p.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&p, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&p, &inner[start..], out);
        return;
    }
    if tree.is_empty() {
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p.trim(), Some(a.trim())),
        None => (tree, None),
    };
    let mut p = prefix.to_vec();
    p.extend(
        path.split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from),
    );
    let glob = p.last().is_some_and(|l| l == "*");
    if glob {
        p.pop();
        out.push((String::new(), p, true));
    } else if p.last().is_some_and(|l| l == "self") {
        p.pop();
        let name = alias
            .map(String::from)
            .unwrap_or_else(|| p.last().cloned().unwrap_or_default());
        out.push((name, p, false));
    } else {
        let name = alias
            .map(String::from)
            .unwrap_or_else(|| p.last().cloned().unwrap_or_default());
        out.push((name, p, false));
    }
}

fn uses(code: &str) -> Vec<(String, Vec<String>, bool)> {
    let top = top_level(code);
    let mut out = Vec::new();
    for (at, w) in idents(&top).collect::<Vec<_>>() {
        if w == "use" {
            let end = code[at..].find(';').map_or(code.len(), |e| at + e);
            expand_use(&[], &code[at + 3..end], &mut out);
        }
    }
    out
}

struct Crate {
    modules: BTreeMap<String, Module>,
}

impl Crate {
    fn load() -> Crate {
        let root = src();
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        let mut modules = BTreeMap::new();
        for file in files {
            let path = module_path(file.strip_prefix(&root).unwrap());
            let text = std::fs::read_to_string(&file).unwrap();
            let (code, test_children) = drop_test_items(&strip(&text));
            modules.insert(
                path,
                Module {
                    defs: definitions(&code),
                    uses: uses(&code),
                    code,
                    file,
                    test_children,
                },
            );
        }
        // Test-only modules (and their children) are not part of the library's graph.
        let test_only: Vec<String> = modules
            .iter()
            .flat_map(|(p, m)| {
                m.test_children.iter().map(move |c| {
                    if p.is_empty() {
                        c.clone()
                    } else {
                        format!("{p}::{c}")
                    }
                })
            })
            .collect();
        modules.retain(|p, _| {
            !test_only
                .iter()
                .any(|t| p == t || p.starts_with(&format!("{t}::")))
        });
        Crate { modules }
    }

    fn child(&self, parent: &str, name: &str) -> Option<String> {
        let p = if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}::{name}")
        };
        self.modules.contains_key(&p).then_some(p)
    }

    fn parent(path: &str) -> String {
        path.rsplit_once("::")
            .map_or(String::new(), |(p, _)| p.to_string())
    }

    /// The module a path written in `from` starts at, and the rest of the path; `None` for an
    /// external crate.
    fn start<'a>(&self, from: &str, path: &'a [String]) -> Option<(String, &'a [String])> {
        let mut module = match path.first()?.as_str() {
            "crate" | "$crate" => return Some((String::new(), &path[1..])),
            "self" => from.to_string(),
            "super" => Self::parent(from),
            first => return self.child(from, first).map(|m| (m, &path[1..])),
        };
        let mut rest = &path[1..];
        while rest.first().is_some_and(|s| s == "super") {
            module = Self::parent(&module);
            rest = &rest[1..];
        }
        Some((module, rest))
    }

    /// The module that defines what `path` (written in `from`) names.
    fn resolve(&self, from: &str, path: &[String], depth: usize) -> Option<String> {
        let (mut module, rest) = self.start(from, path)?;
        for (i, seg) in rest.iter().enumerate() {
            if let Some(child) = self.child(&module, seg) {
                module = child;
                continue;
            }
            // Not a module: an item of `module`, defined there or brought in by a `use`.
            return Some(self.definer(&module, seg, depth).unwrap_or(module))
                .filter(|_| i < rest.len());
        }
        Some(module)
    }

    fn definer(&self, module: &str, name: &str, depth: usize) -> Option<String> {
        let m = self.modules.get(module)?;
        if m.defs.contains(name) || depth > 16 {
            return Some(module.to_string());
        }
        for (bound, path, glob) in &m.uses {
            if !glob && bound == name {
                return self.resolve(module, path, depth + 1);
            }
        }
        for (_, path, glob) in &m.uses {
            if *glob {
                if let Some((target, rest)) = self.start(module, path) {
                    let mut target = target;
                    for seg in rest {
                        match self.child(&target, seg) {
                            Some(c) => target = c,
                            None => break,
                        }
                    }
                    if let Some(found) = self.definer(&target, name, depth + 1) {
                        if self.modules[&found].defs.contains(name) {
                            return Some(found);
                        }
                    }
                }
            }
        }
        None
    }

    /// Every path a module's code writes: its `use`s and inline `crate::`/`super::` paths.
    fn paths(m: &Module) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = m.uses.iter().map(|(_, p, _)| p.clone()).collect();
        let code = &m.code;
        for (at, w) in idents(code).collect::<Vec<_>>() {
            if !matches!(w, "crate" | "$crate" | "super") || code[..at].ends_with("::") {
                continue;
            }
            let mut path = vec![w.to_string()];
            let mut pos = at + w.len();
            while code[pos..].starts_with("::") {
                let Some((s, seg)) = idents(&code[pos + 2..]).next() else {
                    break;
                };
                if s != 0 {
                    break;
                }
                path.push(seg.to_string());
                pos += 2 + seg.len();
            }
            if path.len() > 1 {
                out.push(path);
            }
        }
        out
    }

    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut g = BTreeMap::new();
        for (name, m) in &self.modules {
            let mut edges = BTreeSet::new();
            for path in Self::paths(m) {
                if let Some(target) = self.resolve(name, &path, 0) {
                    // The crate root declares every room; its own items (VERSION) are leaves.
                    if !target.is_empty() && target != *name {
                        edges.insert(target);
                    }
                }
            }
            g.insert(name.clone(), edges);
        }
        g
    }
}

fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for next in g.get(n).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys().filter(|n| !n.is_empty()) {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, g, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_module_graph_has_no_cycle() {
    let krate = Crate::load();
    assert!(
        krate.modules.len() > 30,
        "only {} modules found",
        krate.modules.len()
    );
    let g = krate.graph();
    // The reader's map of the rooms, printed with `cargo test -- --nocapture`.
    for (m, edges) in &g {
        println!(
            "{:<24} -> {}",
            if m.is_empty() { "(root)" } else { m },
            edges.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(cycle) = find_cycle(&g) {
        panic!(
            "import circle between modules of src/: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("error", vec!["http"]),
        ("http", vec!["params"]),
        ("params", vec!["error"]),
        ("log", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        find_cycle(&g).unwrap().join(" -> "),
        "error -> http -> params -> error"
    );
}

#[test]
fn the_c_boundary_uses_only_the_public_api() {
    let krate = Crate::load();
    let lib = &krate.modules[""].code;
    // Rooms the crate root declares without `pub`.
    let private: BTreeSet<String> = idents(lib)
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].1 == "mod" && !lib[..w[0].0].trim_end().ends_with("pub"))
        .map(|w| w[1].1.to_string())
        .collect();
    assert!(
        private.contains("params") && private.contains("http"),
        "{private:?}"
    );
    let mut wrong = Vec::new();
    for (name, m) in krate.modules.iter().filter(|(n, _)| n.starts_with("ffi")) {
        for path in Crate::paths(m) {
            if matches!(path[0].as_str(), "crate" | "$crate")
                && path.len() > 1
                && private.contains(&path[1])
            {
                wrong.push(format!(
                    "{name} ({}): {}",
                    m.file.display(),
                    path.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the C boundary reaches past the public API:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_hand_written_file_in_src_is_longer_than_700_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let generated = text.lines().take(3).any(|l| l.contains("generated"));
            let n = text.lines().count();
            (n > MAX_LINES && !generated).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by concern: {long:?}");
}
