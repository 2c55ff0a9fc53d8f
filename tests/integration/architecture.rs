//! The shape ARCHITECTURE.md promises, checked: no loop of imports between the modules of
//! `src/` — neither two modules importing each other nor a longer ring (a child may use its
//! parent) — none between top-level folders either (`classify` → `search` → `classify`
//! through different files is a loop there), and no source file grows past 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// `src/a/b.rs` → `a::b`; `src/lib.rs` and `src/main.rs` → the crate root "".
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "lib" && p != "main")
        .collect();
    parts.join("::")
}

/// The paths a file names through `crate::` or `super::` (test modules excluded).
fn named_paths(text: &str) -> Vec<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let i = from + at;
            from = i + start.len();
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                continue;
            }
            let end = code[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| i + e);
            out.push(
                code[i..end]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
    }
    out
}

#[test]
fn no_two_modules_import_each_other_and_no_file_passes_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeMap<String, PathBuf> = files
        .iter()
        .map(|f| (module_of(&src, f), f.clone()))
        .collect();
    let mut long = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap();
        let lines = text.lines().count();
        if lines > 600 {
            long.push(format!("{} ({lines} lines)", file.display()));
        }
        let here: Vec<String> = module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for path in named_paths(&text) {
            let (mut base, rest): (Vec<String>, &[String]) = match path.first().map(String::as_str)
            {
                Some("crate") => (Vec::new(), &path[1..]),
                Some("super") => {
                    let ups = path.iter().take_while(|s| *s == "super").count();
                    (
                        here[..here.len().saturating_sub(ups)].to_vec(),
                        &path[ups..],
                    )
                }
                _ => continue,
            };
            base.extend(rest.iter().cloned());
            // The longest prefix that is a module is what the path imports.
            let target = (1..=base.len())
                .rev()
                .map(|k| base[..k].join("::"))
                .find(|m| modules.contains_key(m));
            if let Some(t) = target {
                let related = t == *module
                    || t.starts_with(&format!("{module}::"))
                    || module.starts_with(&format!("{t}::"));
                if !related {
                    edges.entry(module.clone()).or_default().insert(t);
                }
            }
        }
    }
    let loops = import_loops(&edges);
    assert!(loops.is_empty(), "modules importing each other: {loops:?}");
    // The same graph with every module folded into its top-level folder (`search::index::build`
    // → `search`); the crate root (lib.rs, main.rs) only declares modules.
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    for (a, targets) in &edges {
        for b in targets {
            let (ta, tb) = (top(a), top(b));
            if ta != tb && !ta.is_empty() && !tb.is_empty() {
                folders.entry(ta).or_default().insert(tb);
            }
        }
    }
    let loops = import_loops(&folders);
    assert!(
        loops.is_empty(),
        "top-level folders importing each other: {loops:?}"
    );
    assert!(long.is_empty(), "files over 600 lines: {long:?}");
    // The check sees the crate: the trainer dispatch imports word2vec, not the reverse.
    assert!(edges["embed::trainer"].contains("embed::word2vec"));
}

/// Every group of modules that reach each other through imports (strongly connected
/// components of more than one module), each as its members.
fn import_loops(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(m) = stack.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|m| (m, reach(m))).collect();
    let mut loops: BTreeSet<Vec<String>> = BTreeSet::new();
    for (m, from_m) in &reached {
        if !from_m.contains(*m) {
            continue;
        }
        let group: Vec<String> = from_m
            .iter()
            .filter(|o| reached.get(o).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        loops.insert(group);
    }
    loops.into_iter().collect()
}

#[test]
fn a_ring_of_three_modules_is_a_loop_and_a_chain_is_not() {
    let graph = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    let ring = graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]);
    assert_eq!(import_loops(&ring), vec![vec!["a", "b", "c"]]);
    assert!(import_loops(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}
